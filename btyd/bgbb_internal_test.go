package btyd

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLogGammaRatio(t *testing.T) {
	// Against ln Π_{j<k} (z + j), the product in big.Float, for integer
	// k; the plain difference of ln Γ loses the digits of ln Γ(z).
	for _, z := range []float64{1e-10, 0.3, 1, 2.5, 9.99, 10, 37.2, 1e4, 3e7, 1e10} {
		for _, k := range []int{1, 2, 7, 10, 11, 100, 10_000} {
			p := bigF(1)
			for j := range k {
				p.Mul(p, bigF(z+float64(j)))
			}
			// ln p = e ln 2 + ln m, with p = m 2^e, m in [½, 1).
			mant := new(big.Float)
			e := p.MantExp(mant)
			m, _ := mant.Float64()
			want := float64(e)*math.Ln2 + math.Log(m)
			got := logGammaRatio(z, float64(k))
			assert.InDelta(t, want, got, 4e-15*math.Max(1, math.Abs(want)), "z = %v, k = %d", z, k)
		}
	}
	// Non-integer k, where ln Γ is small, against the difference.
	for _, c := range [][2]float64{{0.5, 0.25}, {3, 0.5}, {9, 2.5}, {1e-3, 0.999}} {
		lzk, _ := math.Lgamma(c[0] + c[1])
		lz, _ := math.Lgamma(c[0])
		assert.InDelta(t, lzk-lz, logGammaRatio(c[0], c[1]), 1e-14, "%v", c)
	}
	assert.Zero(t, logGammaRatio(5, 0))
}

func TestFitDerivatives(t *testing.T) {
	// Away from any maximum, where a wrong gradient would show.
	var hs []DiscreteHistory
	for n := int64(1); n <= 9; n += 2 {
		for tx := int64(0); tx <= n; tx++ {
			for x := min(tx, 1); x <= tx; x++ {
				hs = append(hs, DiscreteHistory{X: x, Tx: tx, N: n, Weight: 1 + (x*7+tx*3+n)%5})
			}
		}
	}
	d, err := newDiscreteData("test", hs)
	if err != nil {
		t.Fatal(err)
	}
	for _, th := range [][]float64{{1.2, 0.75, 0.66, 2.8}, {0.3, 4, 2, 0.5}, {20, 1, 0.1, 30}} {
		checkDerivatives(t, d.likelihood, th)
	}
	// Enough patterns for two parts.
	hs = hs[:0]
	for n := int64(1); n <= 50; n++ {
		for tx := int64(0); tx <= n; tx++ {
			for x := min(tx, 1); x <= tx; x++ {
				hs = append(hs, DiscreteHistory{X: x, Tx: tx, N: n, Weight: 1})
			}
		}
	}
	if d, err = newDiscreteData("test", hs); err != nil || len(d.patterns) < parallelMin {
		t.Fatal(err, len(d.patterns))
	}
	checkDerivatives(t, d.likelihood, []float64{1.2, 0.75, 0.66, 2.8})

	// Customers of all kinds, in one part and in two.
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{50, parallelMin + 5} {
		f, err := newFrequencyData("test", randomHistories(rng, n))
		if err != nil {
			t.Fatal(err)
		}
		for _, th := range [][]float64{{0.5, 6, 0.9, 1.6}, {2, 1, 3, 0.4}, {0.1, 40, 0.2, 8}} {
			checkDerivatives(t, f.mbgnbdLikelihood, th)
		}
	}
}

// At n = 0 the formulas give a new customer: A/L = 1, P(alive at
// opportunity 1) = δ/(γ + δ) and ExpectedPurchases; at n ≥ 1 outlook is
// ProbAlive and ConditionalExpectedPurchases.
func TestOutlook(t *testing.T) {
	m := BGBB{Alpha: 1.204, Beta: 0.750, Gamma: 0.657, Delta: 2.783}
	assert.Equal(t, 1.0, m.aliveWeight(0, 0, 0))
	alive, e, d := m.outlook(0, 0, 0, 5, nil)
	want, err := m.ExpectedPurchases(5)
	require.NoError(t, err)
	assert.Equal(t, m.Delta/(m.Gamma+m.Delta), alive)
	assert.InDelta(t, want, e, 1e-15)
	assert.Equal(t, 0.0, d)
	for _, c := range [][3]int64{{0, 0, 6}, {2, 4, 6}, {6, 6, 6}, {3, 5, 40}} {
		alive, e, d := m.outlook(c[0], c[1], c[2], 7, []float64{1, 1, 1, 1, 1, 1, 1})
		p, err := m.ProbAlive(c[0], c[1], c[2])
		require.NoError(t, err)
		ce, err := m.ConditionalExpectedPurchases(c[0], c[1], c[2], 7)
		require.NoError(t, err)
		assert.InDelta(t, p, alive, 1e-15, c)
		assert.InDelta(t, ce, e, 1e-15, c)
		assert.InDelta(t, ce, d, 1e-15, c)
	}
}

// TestAliveWeightBy checks the intervals' P(alive) weights from each
// draw's table of ln Γ ratios against aliveWeight's own, to the bit, for
// every pattern (x, t_x, n) up to 60 opportunities and parameters from
// 0.05 to 50, both sides of logGammaRatio's switch to Stirling's series.
func TestAliveWeightBy(t *testing.T) {
	rng := rand.New(rand.NewPCG(22, 4))
	const most = 60
	for range 40 {
		shape := func() float64 { return math.Exp(rng.Float64()*7 - 3) }
		m := BGBB{Alpha: shape(), Beta: shape(), Gamma: shape(), Delta: shape()}
		g := m.gammas(most)
		for n := int64(1); n <= most; n++ {
			for x := int64(0); x <= n; x++ {
				txs := []int64{0}
				if x > 0 {
					txs = txs[:0]
					for tx := x; tx <= n; tx++ {
						txs = append(txs, tx)
					}
				}
				for _, tx := range txs {
					want := m.aliveWeight(float64(x), float64(tx), float64(n))
					require.Equal(t, want, m.aliveWeightBy(&g, x, tx, n), "%+v, (%d, %d, %d)", m, x, tx, n)
					alive, purchases, discounted := m.outlookAt(want, x, n, 3, 2)
					wa, wp, wd := m.outlookOf(x, tx, n, 3, 2)
					require.Equal(t, [3]float64{wa, wp, wd}, [3]float64{alive, purchases, discounted})
				}
			}
		}
	}
}
