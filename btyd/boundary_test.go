package btyd_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/clvkit/clv/btyd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// conformanceBase returns the base of n customers that the conformance
// suite draws for the story and parameter set named.
func conformanceBase(t testing.TB, story, set string, n int) *conformanceData {
	t.Helper()
	for _, st := range conformanceStories() {
		for _, s := range st.sets {
			if st.name == story && s.name == set {
				return newConformanceData(t, story+"/"+set, s.desc, s.log(n, st.seed))
			}
		}
	}
	t.Fatalf("no story %s/%s", story, set)
	return nil
}

// nbdMaximum returns the highest log-likelihood of the negative binomial
// model of purchases, customers who never drop out, over hs:
//
//	ln L = ln Γ(r + x) − ln Γ(r) + r ln α − (r + x) ln(α + T),
//
// maximised by Nelder–Mead in ln r and ln α from a grid of starts.
func nbdMaximum(hs []btyd.History) float64 {
	ll := func(u []float64) float64 {
		r, alpha := math.Exp(u[0]), math.Exp(u[1])
		var sum float64
		for _, h := range hs {
			x := float64(h.X)
			a, _ := math.Lgamma(r + x)
			b, _ := math.Lgamma(r)
			sum += float64(h.Weight) * (a - b + r*math.Log(alpha) - (r+x)*math.Log(alpha+h.T))
		}
		return -sum
	}
	best := math.Inf(1)
	for _, lr := range []float64{-2, 0, 2, 4} {
		for _, la := range []float64{-1, 1, 3, 5, 7} {
			u, _ := nelderMead(ll, []float64{lr, la}, 1, 1e-12, 4000)
			_, f := nelderMead(ll, u, 0.1, 1e-12, 4000)
			best = min(best, f)
		}
	}
	return -best
}

func TestFitsReachTheNoDropOutLimit(t *testing.T) {
	// Customers who never drop out, alike in their purchase rates (the
	// conformance suite's nbd/alike, 5,000 customers): each purchase
	// model's likelihood rises towards its limit where no one drops out,
	// the negative binomial model, along a ridge where Newton's method
	// crawls, a few per cent a step. Each fit names that limit with its
	// log-likelihood, the negative binomial model's maximum, found here
	// by Nelder–Mead; before a crawl leapt to the limit, Pareto/NBD
	// stopped 0.13 below it after 30 passes a climb, and BG/NBD took 100
	// iterations a climb.
	d := conformanceBase(t, "nbd", "alike", 5000)
	nbd := nbdMaximum(d.histories)
	fits := []struct {
		name string
		fit  func([]btyd.History) error
	}{
		{"BG/NBD", func(hs []btyd.History) error { _, err := btyd.FitBGNBD(hs); return err }},
		{"MBG/NBD", func(hs []btyd.History) error { _, err := btyd.FitMBGNBD(hs); return err }},
		{"Pareto/NBD", func(hs []btyd.History) error { _, err := btyd.FitParetoNBD(hs); return err }},
	}
	for _, f := range fits {
		var b *btyd.BoundaryError
		require.ErrorAs(t, f.fit(d.histories), &b, f.name)
		assert.Contains(t, b.Limit, "never drop out", f.name)
		assert.InDelta(t, nbd, b.LogLikelihood, 1e-3, f.name)
	}
	_, err := btyd.FitBGBB(d.discrete)
	var b *btyd.BoundaryError
	require.ErrorAs(t, err, &b)
	assert.Contains(t, b.Limit, "never drop out")
}

func TestFitsFailFast(t *testing.T) {
	// Each fit refuses the no-drop-out base of 5,000 customers, 4,960
	// distinct histories, no slower than it fits as many histories of its
	// own story (evenly spaced among 12,000 customers), give or take the
	// noise of a shared machine: the fastest of three runs of each, and
	// twice as long allowed. Before a crawl leapt to its limit, BG/NBD
	// took 100 iterations a climb and Pareto/NBD 30 passes, 3 to 4 times
	// as long as their fits.
	if testing.Short() || raceDetector {
		t.Skip("times fits")
	}
	refused := conformanceBase(t, "nbd", "alike", 5000)
	fastest := func(hs []btyd.History, fit func([]btyd.History) error) (time.Duration, error) {
		best := time.Duration(math.MaxInt64)
		var err error
		for range 3 {
			start := time.Now()
			err = fit(hs)
			best = min(best, time.Since(start))
		}
		return best, err
	}
	cases := []struct {
		name, story string
		fit         func([]btyd.History) error
	}{
		{"BG/NBD", "bgnbd", func(hs []btyd.History) error { _, err := btyd.FitBGNBD(hs); return err }},
		{"MBG/NBD", "mbgnbd", func(hs []btyd.History) error { _, err := btyd.FitMBGNBD(hs); return err }},
		{"Pareto/NBD", "pnbd", func(hs []btyd.History) error { _, err := btyd.FitParetoNBD(hs); return err }},
	}
	for _, c := range cases {
		all := conformanceBase(t, c.story, "typical", 12_000).histories
		require.Greater(t, len(all), len(refused.histories), c.name)
		own := make([]btyd.History, len(refused.histories))
		for i := range own {
			own[i] = all[i*len(all)/len(own)]
		}
		fits, err := fastest(own, c.fit)
		require.NoError(t, err, c.name)
		refuses, err := fastest(refused.histories, c.fit)
		var b *btyd.BoundaryError
		require.True(t, errors.As(err, &b), "%s: %v", c.name, err)
		assert.Less(t, refuses, 2*fits, "%s: refused in %v, fitted in %v", c.name, refuses, fits)
		t.Logf("%s: refused in %v, fitted in %v", c.name, refuses, fits)
	}
}
