package btyd_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/stat/distuv"
)

// cdnowMBGNBD is the MBG/NBD fit to the CDNOW sample that Platzer's
// BTYDplus reports, as quoted by lifetimes' tests.
var cdnowMBGNBD = btyd.MBGNBD{R: 0.525, Alpha: 6.183, A: 0.891, B: 1.614}

func TestFitMBGNBDCDNOW(t *testing.T) {
	hs := cdnowSummary(t).Histories()
	fit, err := btyd.FitMBGNBD(hs)
	require.NoError(t, err)
	// The parameters, to BTYDplus's digits, and the maximum, tightly: a
	// little above the BG/NBD's −9,582.43.
	m := fit.Model
	assert.InDelta(t, 0.525, m.R, 5e-4)
	assert.InDelta(t, 6.183, m.Alpha, 5e-4)
	assert.InDelta(t, 0.891, m.A, 5e-4)
	assert.InDelta(t, 1.614, m.B, 5e-4)
	assert.InDelta(t, -9582.1357, fit.Stats.LogLikelihood, 5e-4)
	assert.Equal(t, int64(2357), fit.Stats.Customers)
	assert.Equal(t, []string{"r", "alpha", "a", "b"}, fit.Stats.Parameters)
	assert.Less(t, fit.Stats.Iterations, 30)

	// The log-likelihood the fit reports is the sum of the model's, and
	// BTYDplus's rounded model is no better.
	sum := func(m btyd.MBGNBD) float64 {
		var ll float64
		for _, h := range hs {
			l, err := m.LogLikelihood(h.X, h.Tx, h.T)
			require.NoError(t, err)
			ll += float64(h.Weight) * l
		}
		return ll
	}
	assert.InDelta(t, fit.Stats.LogLikelihood, sum(m), 1e-8)
	assert.Less(t, sum(cdnowMBGNBD), fit.Stats.LogLikelihood)
	assert.InDelta(t, fit.Stats.LogLikelihood, sum(cdnowMBGNBD), 1e-3)

	// Standard errors from the observed information, against a Hessian of
	// the log-likelihood by central differences: the analytic Hessian of
	// the fit is right.
	se := observedStdErr(t, func(th []float64) float64 {
		return sum(btyd.MBGNBD{R: th[0], Alpha: th[1], A: th[2], B: th[3]})
	}, []float64{m.R, m.Alpha, m.A, m.B})
	got := []float64{fit.StdErr.R, fit.StdErr.Alpha, fit.StdErr.A, fit.StdErr.B}
	for i := range se {
		assert.InDelta(t, 1, got[i]/se[i], 1e-3, "standard error of %s", fit.Stats.Parameters[i])
	}
}

func TestMBGNBDConditionalExpectationCDNOW(t *testing.T) {
	// lifetimes checks its MBG/NBD fit against the BG/NBD's published
	// 1.226 for x = 2, t_x = 30.43, T = 38.86 over 39 weeks, within 0.05.
	e, err := cdnowMBGNBD.ConditionalExpectedPurchases(2, 30.43, 38.86, 39)
	require.NoError(t, err)
	assert.InDelta(t, 1.226, e, 0.05)
}

// expectGammaBeta returns E[f(λ, p)] over λ ~ Gamma(r, α) and
// p ~ Beta(a, b), by Gauss–Legendre rules over λ = (s/(1 − s))^{1/r} and
// p = u^{1/a}, which take out the gamma's and the beta's singularities at
// 0.
func expectGammaBeta(r, alpha, a, b float64, f func(lambda, p float64) float64) float64 {
	lgr, _ := math.Lgamma(r)
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	lbeta := la + lb - lab
	return quad.Fixed(func(u float64) float64 {
		p := math.Pow(u, 1/a)
		wp := math.Exp((b-1)*math.Log1p(-p)-lbeta) / a
		return wp * quad.Fixed(func(s float64) float64 {
			lambda := math.Pow(s/(1-s), 1/r)
			wl := math.Exp(r*math.Log(alpha)-lgr-alpha*lambda) / (r * (1 - s) * (1 - s))
			return wl * f(lambda, p)
		}, 0, 1, 300, nil, 0)
	}, 0, 1, 300, nil, 0)
}

func TestMBGNBDAgainstIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: two-dimensional quadrature")
	}
	// The individual-level story, integrated: alive with probability
	// (1 − p)^{x+1}, having survived the first purchase and x more, or
	// gone after the last of them.
	for _, c := range []struct {
		m        btyd.MBGNBD
		x        int64
		tx, T, t float64
	}{
		{cdnowMBGNBD, 0, 0, 38.86, 39},
		{cdnowMBGNBD, 2, 30.43, 38.86, 39},
		{cdnowMBGNBD, 7, 10, 30, 52},
		{btyd.MBGNBD{R: 3, Alpha: 10, A: 2, B: 5}, 4, 20, 25, 10},
		{btyd.MBGNBD{R: 0.8, Alpha: 2, A: 1, B: 1.5}, 0, 0, 8, 4},
	} {
		m, x := c.m, float64(c.x)
		alive := func(l, p float64) float64 { return math.Pow(1-p, x+1) * math.Pow(l, x) * math.Exp(-l*c.T) }
		dead := func(l, p float64) float64 { return p * math.Pow(1-p, x) * math.Pow(l, x) * math.Exp(-l*c.tx) }
		lAlive := expectGammaBeta(m.R, m.Alpha, m.A, m.B, alive)
		lik := lAlive + expectGammaBeta(m.R, m.Alpha, m.A, m.B, dead)
		eAlive := expectGammaBeta(m.R, m.Alpha, m.A, m.B, func(l, p float64) float64 {
			return alive(l, p) * -math.Expm1(-l*p*c.t) / p
		})
		ll, err := m.LogLikelihood(c.x, c.tx, c.T)
		require.NoError(t, err)
		assert.InDelta(t, 1, math.Exp(ll)/lik, 2e-6, "likelihood %+v", c)
		pa, err := m.ProbAlive(c.x, c.tx, c.T)
		require.NoError(t, err)
		assert.InDelta(t, lAlive/lik, pa, 2e-6, "P(alive) %+v", c)
		e, err := m.ConditionalExpectedPurchases(c.x, c.tx, c.T, c.t)
		require.NoError(t, err)
		assert.InDelta(t, 1, e/(eAlive/lik), 2e-6, "E[Y(t)] %+v", c)
		// A new customer: alive after the first purchase with 1 − p, then
		// (1 − e^{−λpt})/p purchases, whose mean over λ is
		// (1 − (α/(α + pt))^r)/p.
		lb := func(a, b float64) float64 {
			la, _ := math.Lgamma(a)
			lb, _ := math.Lgamma(b)
			lab, _ := math.Lgamma(a + b)
			return la + lb - lab
		}
		want := quad.Fixed(func(u float64) float64 {
			p := math.Pow(u, 1/m.A) // p^{a−1} dp = du/a
			density := math.Exp((m.B-1)*math.Log1p(-p)-lb(m.A, m.B)) / m.A
			return density * (1 - p) * -math.Expm1(m.R*math.Log(m.Alpha/(m.Alpha+p*c.t))) / p
		}, 0, 1, 1000, nil, 0)
		e, err = m.ExpectedPurchases(c.t)
		require.NoError(t, err)
		assert.InDelta(t, 1, e/want, 1e-7, "E[X(t)] %+v", c)
	}
}

// simMBGNBD simulates a customer of the MBG/NBD model with parameters r,
// α, a, b, observed for T after their first purchase: they buy at rate
// λ ~ Gamma(r, α) and, after each purchase, the first included, drop out
// with probability p ~ Beta(a, b). It returns the times of the repeat
// purchases, up to T.
func simMBGNBD(rng *rand.Rand, m btyd.MBGNBD, T float64) []float64 {
	src := rand.NewPCG(rng.Uint64(), rng.Uint64())
	lambda := distuv.Gamma{Alpha: m.R, Beta: m.Alpha, Src: src}.Rand()
	p := distuv.Beta{Alpha: m.A, Beta: m.B, Src: src}.Rand()
	var times []float64
	for t := 0.0; rng.Float64() >= p; times = append(times, t) {
		if t += rng.ExpFloat64() / lambda; t > T || math.IsInf(t, 0) {
			break
		}
	}
	return times
}

func TestMBGNBDProbPurchasesAgainstSimulation(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 2007))
	m := btyd.MBGNBD{R: 1.5, Alpha: 6, A: 1.2, B: 3}
	const n, horizon = 200_000, 26.0
	counts := make([]int, 8)
	var total int
	for range n {
		k := len(simMBGNBD(rng, m, horizon))
		counts[min(k, len(counts)-1)]++
		total += k
	}
	for k := range len(counts) - 1 {
		p, err := m.ProbPurchases(int64(k), horizon)
		require.NoError(t, err)
		sd := math.Sqrt(p * (1 - p) / n)
		assert.InDelta(t, p, float64(counts[k])/n, 4*sd, "P(X(%v) = %d)", horizon, k)
	}
	e, err := m.ExpectedPurchases(horizon)
	require.NoError(t, err)
	assert.InDelta(t, e, float64(total)/n, 0.02*e)
}

func TestMBGNBDProbPurchases(t *testing.T) {
	for _, m := range []btyd.MBGNBD{cdnowMBGNBD, {R: 4, Alpha: 2, A: 1.5, B: 0.8}, {R: 0.5, Alpha: 0.3, A: 0.2, B: 9}} {
		for _, horizon := range []float64{0.5, 39, 300} {
			// Σ P(n) = 1, and Σ n P(n) = E[X(t)].
			var total, mean float64
			for n := int64(0); n < 200_000; n++ {
				p, err := m.ProbPurchases(n, horizon)
				require.NoError(t, err)
				require.False(t, p < 0 || p > 1 || math.IsNaN(p))
				total += p
				mean += float64(n) * p
				if n > 10 && p < 1e-18 {
					break
				}
			}
			want, err := m.ExpectedPurchases(horizon)
			require.NoError(t, err)
			assert.InDelta(t, 1, total, 1e-10, "%+v, t = %v", m, horizon)
			if m.A > 1 || horizon < 100 { // a ≤ 1 has a heavy tail
				assert.InDelta(t, 1, mean/want, 1e-6, "%+v, t = %v", m, horizon)
			}
		}
	}
	// Within a horizon of 0, no purchase, but the model is still valid.
	p, err := cdnowMBGNBD.ProbPurchases(0, 0)
	assert.NoError(t, err)
	assert.Equal(t, 1.0, p)
	p, err = cdnowMBGNBD.ProbPurchases(3, 0)
	assert.NoError(t, err)
	assert.Zero(t, p)
	// b at the bound: b + 1 stands in for the bound.
	p, err = btyd.MBGNBD{R: 1, Alpha: 1, A: 1, B: 1e10}.ProbPurchases(0, 1)
	assert.NoError(t, err)
	assert.InDelta(t, 0.5, p, 1e-9)
}

func TestMBGNBDProperties(t *testing.T) {
	m := cdnowMBGNBD
	for _, x := range []int64{0, 1, 3, 20, 10_000} {
		// P(alive) falls with T for fixed x and t_x, without a repeat
		// purchase too, rises with t_x for fixed T, and stays in [0, 1].
		tx := 10.0
		if x == 0 {
			tx = 0
		}
		prev := 1.0
		for T := 10.0; T < 500; T *= 1.5 {
			p, err := m.ProbAlive(x, tx, T)
			require.NoError(t, err)
			assert.True(t, p >= 0 && p <= prev, "x = %d, T = %v: %v after %v", x, T, p, prev)
			if x == 0 {
				assert.Less(t, p, prev)
			}
			prev = p
		}
		if x == 0 {
			continue
		}
		prev = 0
		for tx := 1.0; tx <= 40; tx += 3 {
			p, err := m.ProbAlive(x, tx, 40)
			require.NoError(t, err)
			assert.GreaterOrEqual(t, p, prev)
			prev = p
		}
	}
	// At T = 0 a new customer is alive with the chance b/(a + b) of
	// surviving the first purchase.
	p, err := m.ProbAlive(0, 0, 0)
	require.NoError(t, err)
	assert.InDelta(t, m.B/(m.A+m.B), p, 1e-15)

	// Expected purchases rise with t, for new and for known customers.
	prevNew, prevOld := 0.0, 0.0
	for horizon := 1.0; horizon < 5000; horizon *= 2 {
		e, err := m.ExpectedPurchases(horizon)
		require.NoError(t, err)
		assert.Greater(t, e, prevNew)
		prevNew = e
		c, err := m.ConditionalExpectedPurchases(5, 30, 38, horizon)
		require.NoError(t, err)
		assert.Greater(t, c, prevOld)
		prevOld = c
	}
	// E[X(t)] ≈ (b/(a + b)) rt/α for small t.
	e, err := m.ExpectedPurchases(1e-6)
	require.NoError(t, err)
	assert.InDelta(t, m.B/(m.A+m.B)*m.R/m.Alpha*1e-6, e, 1e-14)

	// As a → 0 nobody drops out, and the MBG/NBD and the BG/NBD meet.
	tiny := btyd.MBGNBD{R: 0.5, Alpha: 6, A: 1e-9, B: 2}
	bg := btyd.BGNBD{R: 0.5, Alpha: 6, A: 1e-9, B: 2}
	for _, c := range [][3]float64{{0, 0, 30}, {3, 20, 30}} {
		l1, err := tiny.LogLikelihood(int64(c[0]), c[1], c[2])
		require.NoError(t, err)
		l2, err := bg.LogLikelihood(int64(c[0]), c[1], c[2])
		require.NoError(t, err)
		assert.InDelta(t, l2, l1, 1e-7)
	}
}

func TestMBGNBDHeavyBuyers(t *testing.T) {
	m := cdnowMBGNBD
	for _, x := range []int64{100, 1000, 10_000, 10_000_000} {
		for _, tx := range []float64{38.85, 20, 0.01} {
			for _, horizon := range []float64{1, 39, 520, 1e4} {
				e, err := m.ConditionalExpectedPurchases(x, tx, 38.86, horizon)
				require.NoError(t, err, "x = %d", x)
				assert.False(t, math.IsNaN(e) || math.IsInf(e, 0) || e < 0, "x = %d, t_x = %v, t = %v: %v", x, tx, horizon, e)
				if pa, _ := m.ProbAlive(x, tx, 38.86); pa > 0.5 {
					assert.Greater(t, e, 0.1*float64(x)/38.86)
				}
			}
			ll, err := m.LogLikelihood(x, tx, 38.86)
			require.NoError(t, err)
			assert.False(t, math.IsNaN(ll) || math.IsInf(ll, 0))
		}
	}
	// A heavy buyer who bought on the last day is as good as alive, and
	// buys at about (r + x)/(α + T) a week.
	e, err := m.ConditionalExpectedPurchases(10_000, 38.86, 38.86, 1)
	require.NoError(t, err)
	assert.InDelta(t, (m.R+10_000)/(m.Alpha+38.86), e, 0.01*e)
}

func TestMBGNBDErrors(t *testing.T) {
	m := cdnowMBGNBD
	for _, c := range []struct {
		name string
		err  error
		call func() error
	}{
		{"r zero", clv.ErrNonPositive, func() error { _, err := btyd.MBGNBD{Alpha: 1, A: 1, B: 1}.ProbAlive(1, 1, 2); return err }},
		{"alpha NaN", clv.ErrOutOfRange, func() error {
			_, err := btyd.MBGNBD{R: 1, Alpha: math.NaN(), A: 1, B: 1}.ExpectedPurchases(1)
			return err
		}},
		{"b huge", clv.ErrOutOfRange, func() error { _, err := btyd.MBGNBD{R: 1, Alpha: 1, A: 1, B: 1e11}.LogLikelihood(0, 0, 1); return err }},
		{"a negative", clv.ErrNonPositive, func() error { _, err := btyd.MBGNBD{R: 1, Alpha: 1, A: -1, B: 1}.ProbPurchases(1, 1); return err }},
		{"b infinite", clv.ErrOutOfRange, func() error {
			_, err := btyd.MBGNBD{R: 1, Alpha: 1, A: 1, B: math.Inf(1)}.ConditionalExpectedPurchases(1, 1, 2, 3)
			return err
		}},
		{"x negative", clv.ErrNegative, func() error { _, err := m.ProbAlive(-1, 0, 1); return err }},
		{"x huge", clv.ErrOutOfRange, func() error { _, err := m.ProbAlive(1e8, 1, 2); return err }},
		{"t_x > T", clv.ErrInconsistent, func() error { _, err := m.ProbAlive(2, 5, 4); return err }},
		{"x with t_x = 0", clv.ErrInconsistent, func() error { _, err := m.LogLikelihood(2, 0, 4); return err }},
		{"t_x without x", clv.ErrInconsistent, func() error { _, err := m.LogLikelihood(0, 1, 4); return err }},
		{"T infinite", clv.ErrOutOfRange, func() error { _, err := m.ProbAlive(1, 1, math.Inf(1)); return err }},
		{"t_x negative", clv.ErrNegative, func() error { _, err := m.ProbAlive(1, -1, 2); return err }},
		{"t negative", clv.ErrNegative, func() error { _, err := m.ExpectedPurchases(-1); return err }},
		{"t huge", clv.ErrOutOfRange, func() error { _, err := m.ConditionalExpectedPurchases(1, 1, 2, 1e8); return err }},
		{"t too long", clv.ErrOutOfRange, func() error {
			_, err := btyd.MBGNBD{R: 1, Alpha: 1e-3, A: 0.5, B: 1}.ExpectedPurchases(1e7)
			return err
		}},
		{"n negative", clv.ErrNegative, func() error { _, err := m.ProbPurchases(-1, 1); return err }},
		{"n huge", clv.ErrOutOfRange, func() error { _, err := m.ProbPurchases(1e9, 1); return err }},
		{"n's t NaN", clv.ErrOutOfRange, func() error { _, err := m.ProbPurchases(1, math.NaN()); return err }},
	} {
		err := c.call()
		require.ErrorIs(t, err, c.err, c.name)
		assert.Regexp(t, "^btyd: MBG/NBD ", err.Error(), c.name)
		assert.Less(t, len(err.Error()), 200, c.name)
	}
	_, err := m.ProbAlive(2, 5, 4)
	assert.EqualError(t, err, "btyd: MBG/NBD probability alive: t_x = 5 > T = 4: clv: inconsistent")
}

func TestFitMBGNBDErrors(t *testing.T) {
	h := func(x int64, tx, T float64, w int64) btyd.History { return btyd.History{X: x, Tx: tx, T: T, Weight: w} }
	for _, c := range []struct {
		name string
		hs   []btyd.History
		err  error
	}{
		{"no customers", nil, clv.ErrMissing},
		{"zero weight", []btyd.History{h(1, 1, 2, 0)}, clv.ErrNonPositive},
		{"t_x > T", []btyd.History{h(1, 1, 2, 1), h(3, 5, 4, 1)}, clv.ErrInconsistent},
		{"negative x", []btyd.History{h(-1, 0, 2, 1)}, clv.ErrNegative},
		{"NaN", []btyd.History{h(2, 1, math.NaN(), 1)}, clv.ErrOutOfRange},
		{"weights overflow", []btyd.History{h(1, 1, 2, 1<<53), h(1, 1, 2, 1<<53)}, clv.ErrOutOfRange},
		{"no repeat purchase", []btyd.History{h(0, 0, 2, 10), h(0, 0, 5, 3)}, clv.ErrNoFit},
	} {
		_, err := btyd.FitMBGNBD(c.hs)
		require.ErrorIs(t, err, c.err, c.name)
		assert.True(t, strings.HasPrefix(err.Error(), "btyd: fit MBG/NBD: "), c.name)
	}
	_, err := btyd.FitMBGNBD([]btyd.History{h(1, 1, 2, 1), h(3, 5, 4, 1)})
	assert.EqualError(t, err, "btyd: fit MBG/NBD: history 2: t_x = 5 > T = 4: clv: inconsistent")

	// Customers who all buy like clockwork: no one seems to leave, and
	// the likelihood has no interior maximum.
	var regular []btyd.History
	for i := range 200 {
		T := 20 + float64(i%30)
		regular = append(regular, h(int64(T), T, T, 1))
	}
	_, err = btyd.FitMBGNBD(regular)
	assert.ErrorIs(t, err, clv.ErrNoFit)
}

func TestFitMBGNBDRecovery(t *testing.T) {
	// Simulated bases through the model's own story land within a few
	// standard errors of the parameters that made them; one is large
	// enough to start from a sample.
	rng := rand.New(rand.NewPCG(2007, 24))
	for i, m := range []btyd.MBGNBD{
		cdnowMBGNBD,
		{R: 1.5, Alpha: 10, A: 2, B: 6},
		{R: 0.5, Alpha: 2, A: 0.4, B: 1.5},
		{R: 2.5, Alpha: 15, A: 0.7, B: 4},
	} {
		customers := 20_000
		if i == 1 {
			customers = 120_000
		}
		var hs []btyd.History
		for range customers {
			T := 30 + 50*rng.Float64()
			times := simMBGNBD(rng, m, T)
			h := btyd.History{T: T, Weight: 1}
			if len(times) > 0 {
				h.X, h.Tx = int64(len(times)), times[len(times)-1]
			}
			hs = append(hs, h)
		}
		fit, err := btyd.FitMBGNBD(hs)
		require.NoError(t, err, "%+v", m)
		got := []float64{fit.Model.R, fit.Model.Alpha, fit.Model.A, fit.Model.B}
		se := []float64{fit.StdErr.R, fit.StdErr.Alpha, fit.StdErr.A, fit.StdErr.B}
		for i, want := range []float64{m.R, m.Alpha, m.A, m.B} {
			assert.InDelta(t, want, got[i], 4*se[i], "%+v: %s = %v ± %v", m, fit.Stats.Parameters[i], got[i], se[i])
			assert.Less(t, se[i], 0.5*want, "%+v: %s", m, fit.Stats.Parameters[i])
		}
	}
}

func TestFitMBGNBDWeights(t *testing.T) {
	// Weighted histories fit as the customers they stand for.
	hs := cdnowSummary(t).Histories()
	var each []btyd.History
	for _, h := range hs {
		for range h.Weight {
			each = append(each, btyd.History{X: h.X, Tx: h.Tx, T: h.T, Weight: 1})
		}
	}
	rand.New(rand.NewPCG(1, 1)).Shuffle(len(each), func(i, j int) { each[i], each[j] = each[j], each[i] })
	a, err := btyd.FitMBGNBD(hs)
	require.NoError(t, err)
	b, err := btyd.FitMBGNBD(each)
	require.NoError(t, err)
	assert.InDelta(t, a.Stats.LogLikelihood, b.Stats.LogLikelihood, 1e-8)
	assert.InDelta(t, a.Model.R, b.Model.R, 1e-6)
	assert.InDelta(t, a.Model.B, b.Model.B, 1e-5)
}

func FuzzMBGNBD(f *testing.F) {
	f.Add(0.525, 6.183, 0.891, 1.614, int64(2), 30.43, 38.86, 39.0, int64(3))
	f.Add(0.525, 6.183, 0.891, 1.614, int64(10_000), 38.8, 38.86, 520.0, int64(10_000))
	f.Add(50.0, 0.5, 1.0, 0.01, int64(0), 0.0, 0.0, 1e7, int64(0))
	f.Add(1e-10, 1e10, 1e10, 1e-10, int64(1), 1e-300, 1e7, 1e-300, int64(1e7))
	f.Add(1e10, 1e-10, 1e-10, 1e10, int64(0), 0.0, 1e7, 1e7, int64(0))
	f.Fuzz(func(t *testing.T, r, alpha, a, b float64, x int64, tx, T, horizon float64, n int64) {
		m := btyd.MBGNBD{R: r, Alpha: alpha, A: a, B: b}
		check := func(name string, v float64, err error, lo, hi float64) {
			if err != nil {
				if !isSentinel(err) || !strings.HasPrefix(err.Error(), "btyd: MBG/NBD ") {
					t.Fatalf("%s: %v", name, err)
				}
				return
			}
			if !finite(v) || v < lo || v > hi {
				t.Fatalf("%s of %+v, %d, %v, %v, %v, %d = %v", name, m, x, tx, T, horizon, n, v)
			}
		}
		ll, err := m.LogLikelihood(x, tx, T)
		check("log-likelihood", ll, err, math.Inf(-1), math.Inf(1))
		p, err := m.ProbAlive(x, tx, T)
		check("P(alive)", p, err, 0, 1)
		e, err := m.ExpectedPurchases(horizon)
		check("E[X(t)]", e, err, 0, math.Inf(1))
		c, err := m.ConditionalExpectedPurchases(x, tx, T, horizon)
		check("E[Y(t)]", c, err, 0, math.Inf(1))
		q, err := m.ProbPurchases(n, horizon)
		check("P(X(t) = n)", q, err, 0, 1)
	})
}

func FuzzFitMBGNBD(f *testing.F) {
	f.Add([]byte{0, 10, 0, 5, 1, 8, 9, 3, 2, 3, 7, 1, 0, 0, 4, 2})
	f.Add([]byte{0, 0, 255, 255, 1, 255, 255, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		// Each four bytes are a history: x, t_x and T from small grids,
		// and a weight; many without a repeat purchase.
		var hs []btyd.History
		for i := 0; i+4 <= len(data) && len(hs) < 64; i += 4 {
			x := int64(data[i]%50) / 2
			T := float64(data[i+2]) / 4
			tx := T * float64(data[i+1]) / 255
			if x == 0 {
				tx = 0
			}
			hs = append(hs, btyd.History{X: x, Tx: tx, T: T, Weight: int64(data[i+3]%8) - 1})
		}
		fit, err := btyd.FitMBGNBD(hs)
		if err != nil {
			if !isSentinel(err) || !strings.HasPrefix(err.Error(), "btyd: fit MBG/NBD: ") {
				t.Fatal(err)
			}
			return
		}
		m, se := fit.Model, fit.StdErr
		for _, v := range []float64{m.R, m.Alpha, m.A, m.B} {
			if !(v >= 1e-8 && v <= 1e8) {
				t.Fatalf("parameter %v outside the bounds", v)
			}
		}
		for _, v := range []float64{se.R, se.Alpha, se.A, se.B, fit.Stats.LogLikelihood} {
			if !finite(v) {
				t.Fatalf("%+v", fit)
			}
		}
	})
}

func BenchmarkFitMBGNBD(b *testing.B) {
	s, _ := benchBase()
	h := s.Histories()
	b.ReportAllocs()
	var fit btyd.MBGNBDFit
	for b.Loop() {
		var err error
		if fit, err = btyd.FitMBGNBD(h); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(h)), "histories")
	b.ReportMetric(float64(fit.Stats.Evaluations), "evaluations")
}

// BenchmarkMBGNBDPredictions gives each of the million customers their
// P(alive) and expected purchases over the next year, one call of the
// methods at a time, on one goroutine: the cost of a call. For the whole
// base, Values computes each distinct (x, T) once, on two goroutines
// (BenchmarkValues/mbgnbd).
func BenchmarkMBGNBDPredictions(b *testing.B) {
	s, base := benchBase()
	fit, err := btyd.FitMBGNBD(s.Histories())
	if err != nil {
		b.Fatal(err)
	}
	m := fit.Model
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range base.Customers {
			if _, err := m.ProbAlive(c.X, c.Tx, c.T); err != nil {
				b.Fatal(err)
			}
			if _, err := m.ConditionalExpectedPurchases(c.X, c.Tx, c.T, 52); err != nil {
				b.Fatal(err)
			}
		}
	}
}
