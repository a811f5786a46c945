package btyd

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestTails compares tails and selectOrder with the order statistics of
// the sorted values, over random draws with ties and infinities, for
// every k and m tails takes.
func TestTails(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 2000 {
		n := 1 + rng.IntN(120)
		x := make([]float64, n)
		for i := range x {
			switch rng.IntN(10) {
			case 0:
				x[i] = math.Inf(1)
			case 1:
				x[i] = float64(rng.IntN(3)) // ties
			default:
				x[i] = rng.NormFloat64()
			}
		}
		sorted := slices.Sorted(slices.Values(x))
		for k := 1; k <= min(n, maxTail); k++ {
			m := 1 + rng.IntN(min(n, maxTail))
			before := slices.Clone(x)
			low, high := tails(x, k, m)
			require.Equal(t, before, x, "trial %d: x reordered", trial)
			require.Equal(t, sorted[k-1], low, "trial %d: %d-th smallest of %v", trial, k, x)
			require.Equal(t, sorted[n-m], high, "trial %d: %d-th largest of %v", trial, m, x)
			require.Equal(t, sorted[k-1], selectOrder(slices.Clone(x), k-1), "trial %d", trial)
		}
	}
}

// TestAliveTable compares the intervals' tabulated P(alive) with each
// drawn model's own, for BG/NBD, MBG/NBD and Pareto/NBD draws over a base
// of light and heavy buyers, some who bought at T, and checks that other
// models are left to their own.
func TestAliveTable(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	b := Base{Customers: make([]Customer, 3000)}
	for i := range b.Customers {
		T := float64(1+rng.IntN(700)) / 7
		c := Customer{T: T}
		if rng.IntN(3) > 0 {
			c.X = 1 + int64(rng.ExpFloat64()*20)
			if rng.IntN(50) == 0 {
				c.X *= 300 // heavy buyers
			}
			c.Tx = float64(rng.IntN(int(T*7)+1)) / 7
			if c.Tx == 0 {
				c.Tx = 1.0 / 7
			}
			c.Tx = min(c.Tx, T)
			if rng.IntN(20) == 0 {
				c.Tx = T // bought at the end: P(alive) = 1
			}
		}
		b.Customers[i] = c
	}
	var bg, mbg, pnbd []PurchaseModel
	for range 30 {
		r, alpha, a, bb := 0.1+2*rng.Float64(), 0.5+10*rng.Float64(), 0.1+3*rng.Float64(), 0.5+5*rng.Float64()
		bg = append(bg, BGNBD{R: r, Alpha: alpha, A: a, B: bb})
		mbg = append(mbg, MBGNBD{R: r, Alpha: alpha, A: a, B: bb})
		// s and β from a and b's ranges: α and β some 20 times apart at
		// most, both orders of the series.
		pnbd = append(pnbd, ParetoNBD{R: r, Alpha: alpha, S: a, Beta: 10 * bb})
	}
	for _, models := range [][]PurchaseModel{bg, mbg, pnbd} {
		alive, ok := aliveTable(models, b)
		require.True(t, ok)
		own := ownAlive(models, len(models), b, nil)
		got, want := make([]float64, len(models)), make([]float64, len(models))
		for i, c := range b.Customers {
			require.Equal(t, -1, alive(i, got))
			require.Equal(t, -1, own(i, want))
			for j, m := range models {
				w, ok := m.aliveProbability(float64(c.X), c.Tx, c.T)
				require.True(t, ok)
				require.Equal(t, w, want[j])
				require.InDelta(t, want[j], got[j], 1e-12, "%s %+v, customer %+v", m.name(), m, c)
			}
		}
	}
	_, ok := aliveTable([]PurchaseModel{otherModel{BGNBD{R: 1, Alpha: 1, A: 1, B: 1}}}, b)
	require.False(t, ok)
	_, ok = aliveTable([]PurchaseModel{ParetoNBD{R: 1, Alpha: 1, S: 1, Beta: 1}, otherModel{BGNBD{R: 1, Alpha: 1, A: 1, B: 1}}}, b)
	require.False(t, ok)
}

// otherModel is a purchase model that aliveTable does not know.
type otherModel struct{ BGNBD }
