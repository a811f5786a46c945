package btyd

// This file implements the weighted histories that the fits of the
// BG/NBD, MBG/NBD and Pareto/NBD run over: each history checked, the
// weights summed within the bounds of float64's exact integers, and the
// histories sorted and grouped by x; and the search of those fits, on
// samples of the histories and then on all of them.

import (
	"cmp"
	"fmt"
	"slices"
	"sync/atomic"

	"github.com/clvkit/clv"
)

// frequencyData holds weighted histories for a frequency model's
// likelihood, grouped by x: group g has x = xs[g] and holds the histories
// lo[g] to lo[g+1]−1 of w, tx and T.
type frequencyData struct {
	xs, weight []float64
	lo         []int
	w, tx, T   []float64
	customers  int64
	repeats    float64 // Σ weight · x
	sumT       float64 // Σ weight · T
	// times is the index of the times that Pareto/NBD's likelihood
	// builds on its first pass.
	times atomic.Pointer[pnbdTimes]
}

// maxWeight keeps sums of weights exact in float64.
const maxWeight = 1 << 53

func newFrequencyData(fn string, histories []History) (*frequencyData, error) {
	if len(histories) == 0 {
		return nil, fmt.Errorf("btyd: %s: histories: %w: no customers", fn, clv.ErrMissing)
	}
	d := &frequencyData{}
	for i, h := range histories {
		if h.Weight <= 0 {
			return nil, fmt.Errorf("btyd: %s: history %d: weight = %d: %w", fn, i+1, h.Weight, clv.ErrNonPositive)
		}
		if err := checkCustomer(fn, h.X, h.Tx, h.T); err != nil {
			return nil, naming(err, fn, "history", int64(i+1))
		}
		if d.customers += h.Weight; d.customers > maxWeight || h.Weight > maxWeight {
			return nil, fmt.Errorf("btyd: %s: weights: %w: their sum exceeds 2^53", fn, clv.ErrOutOfRange)
		}
	}
	order := histories
	if !slices.IsSortedFunc(histories, byX) {
		order = slices.Clone(histories)
		slices.SortStableFunc(order, byX)
	}
	d.w, d.tx, d.T = make([]float64, len(order)), make([]float64, len(order)), make([]float64, len(order))
	d.fill(order)
	return d, nil
}

// fill sets d's groups, weights and times from histories sorted by x,
// into d.w, d.tx and d.T, sized for them, and appending to d.xs, d.weight
// and d.lo: each group of equal x, its total weight and its first index,
// and at the end the index past the last. It sums the repeat purchases
// and the times; the caller counts the customers.
func (d *frequencyData) fill(hs []History) {
	for i, h := range hs {
		if i == 0 || h.X != hs[i-1].X {
			d.xs = append(d.xs, float64(h.X))
			d.weight = append(d.weight, 0)
			d.lo = append(d.lo, i)
		}
		w := float64(h.Weight)
		d.weight[len(d.weight)-1] += w
		d.w[i], d.tx[i], d.T[i] = w, h.Tx, h.T
		d.repeats += w * float64(h.X)
		d.sumT += w * h.T
	}
	d.lo = append(d.lo, len(hs))
}

func byX(a, b History) int { return cmp.Compare(a.X, b.X) }

// group returns the group that holds history i.
func (d *frequencyData) group(i int) int {
	g, found := slices.BinarySearch(d.lo, i)
	if !found {
		g--
	}
	return g
}

// fitFrequency maximises the likelihood ll of a frequency model over
// histories by the search s, which names the fit, its parameters and its
// limits, from each of starts(α₀), α₀ = Σ T / Σ x (at least 10^−3), on
// samples of the histories first where they are many. It refuses a base
// without a repeat purchase.
func fitFrequency(s search, histories []History, starts func(alpha float64) [][]float64,
	ll func(*frequencyData, []float64, []float64, []float64) float64) (maximum, error) {
	d, err := newFrequencyData(s.fn, histories)
	if err != nil {
		return maximum{}, err
	}
	if d.repeats == 0 {
		return maximum{}, fmt.Errorf("btyd: %s: %w: no customer made a repeat purchase", s.fn, clv.ErrNoFit)
	}
	on := func(d *frequencyData) level {
		return level{func(theta, grad, hess []float64) float64 { return ll(d, theta, grad, hess) }, d.customers}
	}
	levels := samples(histories, func(hs []History) (level, bool) {
		p, err := newFrequencyData(s.fn, hs)
		if err != nil || p.repeats == 0 {
			return level{}, false
		}
		return on(p), true
	})
	s.levels, s.starts, s.concurrent = append(levels, on(d)), starts(max(d.sumT/d.repeats, 1e-3)), true
	return s.run()
}
