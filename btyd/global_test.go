package btyd

import (
	"errors"
	"math"
	"testing"

	"github.com/clvkit/clv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bumpAndRise is a likelihood of one parameter θ, in u = ln θ,
//
//	LL = bump·exp(−(u − 1)²) + rise·σ(u − 8)
//
// with an interior local maximum near θ = e of height about bump (the
// rise adds about 10^−3 rise there), and a rise towards rise as θ → ∞,
// the supremum along that boundary.
func bumpAndRise(bump, rise float64) likelihood {
	return func(theta, grad, hess []float64) float64 {
		u := math.Log(theta[0])
		e := math.Exp(-(u - 1) * (u - 1))
		s := 1 / (1 + math.Exp(-(u - 8)))
		g := bump*e + rise*s
		g1 := -2*(u-1)*bump*e + rise*s*(1-s)
		g2 := (4*(u-1)*(u-1)-2)*bump*e + rise*s*(1-s)*(1-2*s)
		if grad == nil {
			// The value alone, as beyond a wall.
			return g
		}
		th := theta[0]
		grad[0] += g1 / th
		if hess != nil {
			hess[0] += (g2 - g1) / (th * th)
		}
		return g
	}
}

func testSearch(levels []level, starts ...float64) *search {
	s := &search{fn: "fit test", names: []string{"theta"}, levels: levels,
		limits: []limitRule{{func(lo, hi []bool) bool { return hi[0] }, words("theta grows without bound")}}}
	for _, v := range starts {
		s.starts = append(s.starts, []float64{v})
	}
	return s
}

func TestSearchPrefersTheHigher(t *testing.T) {
	// The interior maximum above the boundary: it wins, from whichever
	// start finds it.
	m, err := testSearch([]level{{bumpAndRise(2, 1), 1}}, math.Exp(0.8), math.Exp(10)).run()
	require.NoError(t, err)
	assert.InDelta(t, 1, math.Log(m.theta[0]), 1e-3)
	assert.InDelta(t, 2, m.stats.LogLikelihood, 0.01)

	// The boundary above the interior maximum: a BoundaryError, which
	// names both.
	_, err = testSearch([]level{{bumpAndRise(1, 2), 1}}, math.Exp(0.8), math.Exp(10)).run()
	var b *BoundaryError
	require.ErrorAs(t, err, &b)
	assert.ErrorIs(t, err, clv.ErrNoFit)
	assert.Equal(t, "theta grows without bound", b.Limit)
	assert.InDelta(t, 2, b.LogLikelihood, 1e-6)
	assert.InDelta(t, 1, b.Interior, 0.01)
	assert.Contains(t, err.Error(), "the best interior maximum has 1.0")

	// No start finds the interior maximum: the boundary, with none.
	_, err = testSearch([]level{{bumpAndRise(1, 2), 1}}, math.Exp(10)).run()
	require.ErrorAs(t, err, &b)
	assert.True(t, math.IsInf(b.Interior, -1))
	assert.Contains(t, err.Error(), "no start found an interior maximum")

	// A start that runs to the boundary does not hide an interior maximum
	// above it: the failure the single start of earlier versions had.
	m, err = testSearch([]level{{bumpAndRise(3, 2), 1}}, math.Exp(10), math.Exp(0.8)).run()
	require.NoError(t, err)
	assert.InDelta(t, 3, m.stats.LogLikelihood, 0.01)
}

func TestSearchDecidesOnAllTheData(t *testing.T) {
	// On the sample the interior maximum is the higher; on all the data
	// the boundary is: the boundary wins, with the log-likelihood of all
	// the data.
	levels := []level{{bumpAndRise(3, 2), 1}, {bumpAndRise(10, 30), 10}}
	_, err := testSearch(levels, math.Exp(0.8), math.Exp(10)).run()
	var b *BoundaryError
	require.ErrorAs(t, err, &b)
	assert.InDelta(t, 30, b.LogLikelihood, 1e-5)
	assert.InDelta(t, 10, b.Interior, 0.05)

	// And the other way round.
	levels = []level{{bumpAndRise(2, 3), 1}, {bumpAndRise(30, 10), 10}}
	m, err := testSearch(levels, math.Exp(0.8), math.Exp(10)).run()
	require.NoError(t, err)
	assert.InDelta(t, 30, m.stats.LogLikelihood, 0.05)
	assert.Equal(t, int64(10), m.stats.Customers)
}

func TestSearchWithoutAnEnd(t *testing.T) {
	// A likelihood that is nowhere finite: no climb ends anywhere.
	nowhere := func(theta, grad, hess []float64) float64 { return math.NaN() }
	_, err := testSearch([]level{{nowhere, 1}}, 1, 2).run()
	assert.ErrorIs(t, err, clv.ErrNoFit)
	var b *BoundaryError
	assert.False(t, errors.As(err, &b))
}

func TestDescribeLimit(t *testing.T) {
	const big, small = 1e13, 1e-13
	limit := func(names []string, rules []limitRule) func([]float64) string {
		return func(theta []float64) string {
			return describeLimit(names, rules, theta, minParameter, maxParameter, true)
		}
	}
	bgnbdLimit, pnbdLimit := limit(bgnbdNames, bgnbdLimits), limit(pnbdNames, pnbdLimits)
	bgbbLimit, gammaGammaLimit := limit(bgbbNames, bgbbLimits), limit(gammaGammaNames, gammaGammaLimits)
	cases := []struct {
		name  string
		limit func([]float64) string
		theta []float64
		want  string
	}{
		{"BG/NBD, one p", bgnbdLimit, []float64{0.4, 1.6, big, 19 * big},
			"drop-out after each purchase has the same probability p = a/(a + b) = 0.05 for every customer"},
		{"BG/NBD, one λ", bgnbdLimit, []float64{big, 4 * big, 0.4, 6},
			"every customer buys at the same rate while alive, λ = r/α = 0.25 per unit of time"},
		{"BG/NBD, no drop-out by a", bgnbdLimit, []float64{0.4, 1.6, small, 6},
			"customers never drop out (p → 0): the negative binomial model of purchases"},
		{"BG/NBD, no drop-out by b", bgnbdLimit, []float64{0.4, 1.6, 0.3, big},
			"customers never drop out (p → 0): the negative binomial model of purchases"},
		{"BG/NBD, drop-out at once", bgnbdLimit, []float64{0.4, 1.6, 0.3, small},
			"every customer drops out at their first chance (p → 1)"},
		{"BG/NBD, two limits", bgnbdLimit, []float64{big, 4 * big, small, 6},
			"every customer buys at the same rate while alive, λ = r/α = 0.25 per unit of time, and customers never drop out (p → 0): the negative binomial model of purchases"},
		{"BG/NBD, no rule", bgnbdLimit, []float64{small, 1.6, 0.3, 6}, "r → 0 (1e-13)"},
		{"BG/NBD, either", bgnbdLimit, []float64{0.4, 1.6, small, 3 * small},
			"a share a/(a + b) = 0.25 of customers drop out at their first chance and the rest never do"},
		{"Pareto/NBD, one μ", pnbdLimit, []float64{0.5, 2, big, 40 * big},
			"every customer drops out at the same rate, μ = s/β = 0.025 per unit of time"},
		{"Pareto/NBD, no drop-out", pnbdLimit, []float64{0.5, 2, small, 40},
			"customers never drop out (μ → 0): the negative binomial model of purchases"},
		{"BG/BB, one p", bgbbLimit, []float64{3 * big, big, 0.7, 2.8},
			"every customer buys at an opportunity with the same probability p = α/(α + β) = 0.75 while alive"},
		{"BG/BB, one θ", bgbbLimit, []float64{1.2, 0.75, big, 4 * big},
			"every customer drops out at an opportunity with the same probability θ = γ/(γ + δ) = 0.2"},
		{"BG/BB, buy always", bgbbLimit, []float64{1.2, small, 0.7, 2.8},
			"customers buy at every opportunity while alive (p → 1)"},
		{"gamma-gamma, one amount", gammaGammaLimit, []float64{big, big, 10},
			"every customer spends the same amount, 10, at every purchase"},
		{"gamma-gamma, one mean", gammaGammaLimit, []float64{6, big, 2 * big},
			"every customer has the same mean spend, 12 a purchase: they differ only by chance"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, c.limit(c.theta), c.name)
	}
	// Short of the bounds, only a pattern that a limit names counts.
	assert.Equal(t, "customers never drop out (p → 0): the negative binomial model of purchases",
		describeLimit(bgnbdNames, bgnbdLimits, []float64{0.6, 6.2, 5.8e-5, 4.3e5}, nearLow, nearHigh, false))
	assert.Empty(t, describeLimit(bgnbdNames, bgnbdLimits, []float64{5e-5, 6.2, 0.6, 4}, nearLow, nearHigh, false))
	assert.Contains(t, pnbdWallLimit([]float64{0.6, 13, 134, 5400}), "every customer drops out at the same rate, μ = s/β = 0.02481")
	assert.Empty(t, pnbdWallLimit([]float64{0.6, 13, 2, 5400}))
}

func TestSearchWeighsASamplesLimitOnAllTheData(t *testing.T) {
	// The interior maximum of the first sample is gone from the second,
	// where the climb from it runs off: that limit is weighed on all the
	// data, where it wins.
	levels := []level{{bumpAndRise(3, 2), 1}, {bumpAndRise(0, 5), 5}, {bumpAndRise(1, 4), 10}}
	_, err := testSearch(levels, math.Exp(0.8)).run()
	var b *BoundaryError
	require.ErrorAs(t, err, &b)
	assert.InDelta(t, 4, b.LogLikelihood, 1e-5)
	assert.True(t, math.IsInf(b.Interior, -1))
}

// wallBetween is a wall where ln θ lies in (lo, hi), and wallFrom one
// where it passes lo: a climb into it stops there, short of any limit.
func wallBetween(lo, hi float64) func([]float64) bool {
	return func(theta []float64) bool { u := math.Log(theta[0]); return u > lo && u < hi }
}

func wallFrom(lo float64) func([]float64) bool { return wallBetween(lo, math.Inf(1)) }

func TestSearchClimbsAgainOnMoreData(t *testing.T) {
	// On the sample every climb stops at the wall, short of a limit; on
	// all the data the interior maximum is below it: the climbs from
	// every start run again there and find it.
	levels := []level{{bumpAndRise(0, 5), 1}, {bumpAndRise(3, 2), 10}}
	s := testSearch(levels, math.Exp(0.8))
	s.wall, s.wallWords, s.wallLimit = wallFrom(3), "the wall", func([]float64) string { return "" }
	m, err := s.run()
	require.NoError(t, err)
	assert.InDelta(t, 1, math.Log(m.theta[0]), 1e-3)
	assert.Equal(t, int64(10), m.stats.Customers)
}

func TestSearchGoesOnBeyondTheWall(t *testing.T) {
	// A climb that stops at the wall short of a limit goes on to the
	// farther wall, and finds the maximum between the two.
	s := testSearch([]level{{bumpAndRise(3, 1), 1}}, math.Exp(0.5))
	s.wall, s.fartherWall, s.wallWords, s.wallLimit = wallFrom(0.7), wallFrom(5), "the wall", func([]float64) string { return "" }
	m, err := s.run()
	require.NoError(t, err)
	assert.InDelta(t, 1, math.Log(m.theta[0]), 1e-3)
}

func TestSearchStuckAboveALimitIsNoLimit(t *testing.T) {
	// One climb runs off towards the limit, of log-likelihood 1; the
	// other stops at the wall near the interior maximum, of about 3:
	// the limit is not the likelihood's supremum, and the fit says that
	// it found no maximum rather than name the limit.
	s := testSearch([]level{{bumpAndRise(3, 1), 1}}, math.Exp(10), math.Exp(0.5))
	s.wall, s.wallWords, s.wallLimit = wallBetween(0.7, 5), "the wall", func([]float64) string { return "" }
	_, err := s.run()
	assert.ErrorIs(t, err, clv.ErrNoFit)
	var b *BoundaryError
	assert.False(t, errors.As(err, &b), "%v", err)
	assert.Contains(t, err.Error(), "the wall")
}
