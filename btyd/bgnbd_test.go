package btyd_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/integrate/quad"
)

// cdnowModel is the BG/NBD fit to the CDNOW sample that Fader, Hardie and
// Lee (2005) publish.
var cdnowModel = btyd.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}

func cdnowSummary(t testing.TB) *btyd.Summarizer {
	t.Helper()
	log := cdnow(t)
	s, err := btyd.NewSummarizer(calibrationEnd, btyd.WithHoldout(holdoutEnd))
	require.NoError(t, err)
	require.NoError(t, s.AddAll(slices.Values(log)))
	return s
}

func TestFitBGNBDCDNOW(t *testing.T) {
	fit, err := btyd.FitBGNBD(cdnowSummary(t).Histories())
	require.NoError(t, err)
	// The maximum, tightly: −9,582.4 published, −9,582.4292 here, as
	// lifetimes and CLVTools find it.
	assert.InDelta(t, -9582.4292, fit.Stats.LogLikelihood, 5e-4)
	assert.InDelta(t, -9582.4, fit.Stats.LogLikelihood, 0.05)
	// The parameters, to the published digits.
	m := fit.Model
	assert.InDelta(t, 0.243, m.R, 5e-4)
	assert.InDelta(t, 4.414, m.Alpha, 5e-4)
	assert.InDelta(t, 0.793, m.A, 5e-4)
	assert.InDelta(t, 2.426, m.B, 5e-4)
	assert.Equal(t, int64(2357), fit.Stats.Customers)
	assert.Equal(t, []string{"r", "alpha", "a", "b"}, fit.Stats.Parameters)
	assert.Contains(t, []string{"GradientThreshold", "FunctionConvergence"}, fit.Stats.Status)
	assert.Less(t, fit.Stats.Iterations, 30)

	// The published model is no better than the maximum.
	hs := cdnowSummary(t).Histories()
	var ll float64
	for _, h := range hs {
		l, err := cdnowModel.LogLikelihood(h.X, h.Tx, h.T)
		require.NoError(t, err)
		ll += float64(h.Weight) * l
	}
	assert.InDelta(t, -9582.4, ll, 0.05)
	assert.Less(t, ll, fit.Stats.LogLikelihood)

	// Standard errors from the observed information, against a Hessian of
	// the published log-likelihood by central differences.
	se := observedStdErr(t, func(th []float64) float64 {
		m := btyd.BGNBD{R: th[0], Alpha: th[1], A: th[2], B: th[3]}
		var ll float64
		for _, h := range hs {
			l, err := m.LogLikelihood(h.X, h.Tx, h.T)
			require.NoError(t, err)
			ll += float64(h.Weight) * l
		}
		return ll
	}, []float64{m.R, m.Alpha, m.A, m.B})
	got := []float64{fit.StdErr.R, fit.StdErr.Alpha, fit.StdErr.A, fit.StdErr.B}
	for i := range se {
		assert.InDelta(t, 1, got[i]/se[i], 1e-3, "standard error of %s", fit.Stats.Parameters[i])
		assert.InDelta(t, got[i]*got[i], fit.Stats.Covariance[i][i], 1e-15)
	}
}

// observedStdErr returns the square roots of the diagonal of the inverse
// of the negated Hessian of ll at theta, by central differences and
// Gauss–Jordan elimination.
func observedStdErr(t *testing.T, ll func([]float64) float64, theta []float64) []float64 {
	t.Helper()
	n := len(theta)
	at := func(di, dj int, hi, hj float64) float64 {
		th := slices.Clone(theta)
		th[di] += hi
		th[dj] += hj
		return ll(th)
	}
	info := make([][]float64, n)
	for i := range n {
		info[i] = make([]float64, 2*n)
		for j := range n {
			hi, hj := 1e-4*theta[i], 1e-4*theta[j]
			d := (at(i, j, hi, hj) - at(i, j, hi, -hj) - at(i, j, -hi, hj) + at(i, j, -hi, -hj)) / (4 * hi * hj)
			info[i][j] = -d
		}
		info[i][n+i] = 1
	}
	for c := range n {
		p := info[c][c]
		require.Positive(t, p)
		for k := range 2 * n {
			info[c][k] /= p
		}
		for r := range n {
			if r != c {
				f := info[r][c]
				for k := range 2 * n {
					info[r][k] -= f * info[c][k]
				}
			}
		}
	}
	se := make([]float64, n)
	for i := range n {
		se[i] = math.Sqrt(info[i][n+i])
	}
	return se
}

func TestConditionalExpectedPurchasesPublished(t *testing.T) {
	// FHL (2005): a customer with x = 2, t_x = 30.43, T = 38.86 is expected
	// to make 1.226 purchases in the next 39 weeks.
	e, err := cdnowModel.ConditionalExpectedPurchases(2, 30.43, 38.86, 39)
	require.NoError(t, err)
	assert.InDelta(t, 1.226, e, 5e-4)
}

// bgnbdQuad returns the BG/NBD likelihood of (x, t_x, T), the probability
// of being alive among the ways to make it, and E[Y(t)] of the next t, by
// numerical integration over λ and p of the individual-level model: the
// likelihood (1 − p)^x λ^x e^{−λT} + δ p (1 − p)^{x−1} λ^x e^{−λ t_x},
// and the alive customers' purchases (1 − e^{−λpt}) / p. Gauss–Legendre
// rules run over λ = (s/(1 − s))^{1/r} and p = u^{1/a}, which take out
// the gamma's and the beta's singularities at 0.
func bgnbdQuad(m btyd.BGNBD, x int, tx, T, t float64) (lik, alive, expected float64) {
	xf := float64(x)
	lgr, _ := math.Lgamma(m.R)
	lbeta := func(a, b float64) float64 {
		la, _ := math.Lgamma(a)
		lb, _ := math.Lgamma(b)
		lab, _ := math.Lgamma(a + b)
		return la + lb - lab
	}
	lb := lbeta(m.A, m.B)
	integrand := func(part int) float64 {
		return quad.Fixed(func(u float64) float64 {
			p := math.Pow(u, 1/m.A)
			// beta density times dp/du, with p^(a−1) dp = du / a
			wp := math.Exp((m.B-1)*math.Log1p(-p)-lb) / m.A
			inner := quad.Fixed(func(s float64) float64 {
				lambda := math.Pow(s/(1-s), 1/m.R)
				// gamma density times dλ/ds, with λ^(r−1) dλ = d(λ^r) / r
				wl := math.Exp(m.R*math.Log(m.Alpha)-lgr-m.Alpha*lambda) / (m.R * (1 - s) * (1 - s))
				alive := math.Exp(xf*math.Log1p(-p) + xf*math.Log(lambda) - lambda*T)
				switch part {
				case 0:
					return wl * alive
				case 1:
					return wl * p * math.Exp((xf-1)*math.Log1p(-p)+xf*math.Log(lambda)-lambda*tx)
				}
				return wl * alive * -math.Expm1(-lambda*p*t) / p
			}, 0, 1, 300, nil, 0)
			return inner * wp
		}, 0, 1, 300, nil, 0)
	}
	lAlive, eAlive := integrand(0), integrand(2)
	var lDead float64
	if x > 0 {
		lDead = integrand(1)
	}
	return lAlive + lDead, lAlive / (lAlive + lDead), eAlive / (lAlive + lDead)
}

func TestBGNBDAgainstIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: two-dimensional quadrature")
	}
	for _, c := range []struct {
		m        btyd.BGNBD
		x        int64
		tx, T, t float64
	}{
		{cdnowModel, 0, 0, 38.86, 39},
		{cdnowModel, 2, 30.43, 38.86, 39},
		{cdnowModel, 7, 10, 30, 52},
		{btyd.BGNBD{R: 3, Alpha: 10, A: 2, B: 5}, 4, 20, 25, 10},
		{btyd.BGNBD{R: 0.8, Alpha: 2, A: 1, B: 1.5}, 1, 0.5, 8, 4},
	} {
		lik, alive, expected := bgnbdQuad(c.m, int(c.x), c.tx, c.T, c.t)
		ll, err := c.m.LogLikelihood(c.x, c.tx, c.T)
		require.NoError(t, err)
		assert.InDelta(t, 1, math.Exp(ll)/lik, 2e-6, "likelihood %+v", c)
		pa, err := c.m.ProbAlive(c.x, c.tx, c.T)
		require.NoError(t, err)
		assert.InDelta(t, alive, pa, 2e-6, "P(alive) %+v", c)
		e, err := c.m.ConditionalExpectedPurchases(c.x, c.tx, c.T, c.t)
		require.NoError(t, err)
		assert.InDelta(t, 1, e/expected, 2e-6, "E[Y(t)] %+v", c)
	}
}

func TestProbPurchases(t *testing.T) {
	for _, m := range []btyd.BGNBD{cdnowModel, {R: 4, Alpha: 2, A: 1.5, B: 0.8}, {R: 0.5, Alpha: 0.3, A: 0.2, B: 9}} {
		for _, horizon := range []float64{0.5, 39, 300} {
			// Σ P(n) = 1, and Σ n P(n) = E[X(t)], equation 8 against
			// equation 7.
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
	p, err := cdnowModel.ProbPurchases(0, 0)
	assert.NoError(t, err)
	assert.Equal(t, 1.0, p)
	p, err = cdnowModel.ProbPurchases(3, 0)
	assert.NoError(t, err)
	assert.Zero(t, p)
}

func TestProbPurchasesAgainstSimulation(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	m := btyd.BGNBD{R: 1.5, Alpha: 6, A: 1.2, B: 3}
	const n, horizon = 200_000, 26.0
	counts := make([]int, 8)
	for range n {
		k := len(simBGNBD(rng, m.R, m.Alpha, m.A, m.B, horizon))
		counts[min(k, len(counts)-1)]++
	}
	for k := range len(counts) - 1 {
		p, err := m.ProbPurchases(int64(k), horizon)
		require.NoError(t, err)
		sd := math.Sqrt(p * (1 - p) / n)
		assert.InDelta(t, p, float64(counts[k])/n, 4*sd, "P(X(%v) = %d)", horizon, k)
	}
}

func TestBGNBDProperties(t *testing.T) {
	m := cdnowModel
	// P(alive) is 1 without a repeat purchase, falls with T for fixed x and
	// t_x, rises with t_x for fixed T, and stays in [0, 1].
	p, err := m.ProbAlive(0, 0, 50)
	require.NoError(t, err)
	assert.Equal(t, 1.0, p)
	for _, x := range []int64{1, 3, 20, 10_000} {
		prev := 1.0
		for T := 10.0; T < 500; T *= 1.5 {
			p, err := m.ProbAlive(x, 10, T)
			require.NoError(t, err)
			assert.True(t, p >= 0 && p <= prev, "x = %d, T = %v: %v after %v", x, T, p, prev)
			prev = p
		}
		prev = 0
		for tx := 1.0; tx <= 40; tx += 3 {
			p, err := m.ProbAlive(x, tx, 40)
			require.NoError(t, err)
			assert.GreaterOrEqual(t, p, prev)
			prev = p
		}
	}
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
	// E[X(t)] ≈ rt/α for small t.
	e, err := m.ExpectedPurchases(1e-6)
	require.NoError(t, err)
	assert.InDelta(t, m.R/m.Alpha*1e-6, e, 1e-14)
}

func TestBGNBDHeavyBuyers(t *testing.T) {
	// Peer implementations overflow or give NaN from x in the hundreds.
	m := cdnowModel
	for _, x := range []int64{100, 500, 1000, 10_000, 100_000, 10_000_000} {
		for _, tx := range []float64{38.85, 20, 0.01} {
			for _, horizon := range []float64{1, 39, 520, 1e4} {
				e, err := m.ConditionalExpectedPurchases(x, tx, 38.86, horizon)
				require.NoError(t, err, "x = %d", x)
				assert.False(t, math.IsNaN(e) || math.IsInf(e, 0) || e < 0, "x = %d, t_x = %v, t = %v: %v", x, tx, horizon, e)
				if pa, _ := m.ProbAlive(x, tx, 38.86); pa > 0.5 {
					// Alive, such a customer buys at about x/T a week.
					assert.Greater(t, e, 0.1*float64(x)/38.86)
				}
			}
			ll, err := m.LogLikelihood(x, tx, 38.86)
			require.NoError(t, err)
			assert.False(t, math.IsNaN(ll) || math.IsInf(ll, 0))
		}
	}
}

func TestBGNBDErrors(t *testing.T) {
	m := cdnowModel
	for _, c := range []struct {
		name string
		err  error
		call func() error
	}{
		{"r zero", clv.ErrNonPositive, func() error { _, err := btyd.BGNBD{Alpha: 1, A: 1, B: 1}.ProbAlive(1, 1, 2); return err }},
		{"alpha NaN", clv.ErrOutOfRange, func() error {
			_, err := btyd.BGNBD{R: 1, Alpha: math.NaN(), A: 1, B: 1}.ExpectedPurchases(1)
			return err
		}},
		{"b huge", clv.ErrOutOfRange, func() error { _, err := btyd.BGNBD{R: 1, Alpha: 1, A: 1, B: 1e11}.LogLikelihood(0, 0, 1); return err }},
		{"a negative", clv.ErrNonPositive, func() error { _, err := btyd.BGNBD{R: 1, Alpha: 1, A: -1, B: 1}.ProbPurchases(1, 1); return err }},
		{"x negative", clv.ErrNegative, func() error { _, err := m.ProbAlive(-1, 0, 1); return err }},
		{"x huge", clv.ErrOutOfRange, func() error { _, err := m.ProbAlive(1e8, 1, 2); return err }},
		{"t_x > T", clv.ErrInconsistent, func() error { _, err := m.ProbAlive(2, 5, 4); return err }},
		{"x with t_x = 0", clv.ErrInconsistent, func() error { _, err := m.LogLikelihood(2, 0, 4); return err }},
		{"t_x without x", clv.ErrInconsistent, func() error { _, err := m.LogLikelihood(0, 1, 4); return err }},
		{"T infinite", clv.ErrOutOfRange, func() error { _, err := m.ProbAlive(1, 1, math.Inf(1)); return err }},
		{"T NaN", clv.ErrOutOfRange, func() error { _, err := m.ProbAlive(1, 1, math.NaN()); return err }},
		{"t_x negative", clv.ErrNegative, func() error { _, err := m.ProbAlive(1, -1, 2); return err }},
		{"t negative", clv.ErrNegative, func() error { _, err := m.ExpectedPurchases(-1); return err }},
		{"t huge", clv.ErrOutOfRange, func() error { _, err := m.ConditionalExpectedPurchases(1, 1, 2, 1e8); return err }},
		{"n negative", clv.ErrNegative, func() error { _, err := m.ProbPurchases(-1, 1); return err }},
		{"n huge", clv.ErrOutOfRange, func() error { _, err := m.ProbPurchases(1e9, 1); return err }},
	} {
		err := c.call()
		assert.ErrorIs(t, err, c.err, c.name)
		if err != nil {
			assert.Regexp(t, "^btyd: ", err.Error())
			assert.Less(t, len(err.Error()), 200, c.name)
		}
	}
}

func TestFitBGNBDErrors(t *testing.T) {
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
		{"x with t_x = 0", []btyd.History{h(2, 0, 4, 1)}, clv.ErrInconsistent},
		{"NaN", []btyd.History{h(2, 1, math.NaN(), 1)}, clv.ErrOutOfRange},
		{"weights overflow", []btyd.History{h(1, 1, 2, 1<<53), h(1, 1, 2, 1<<53)}, clv.ErrOutOfRange},
		{"no repeat purchase", []btyd.History{h(0, 0, 2, 10), h(0, 0, 5, 3)}, clv.ErrNoFit},
	} {
		_, err := btyd.FitBGNBD(c.hs)
		assert.ErrorIs(t, err, c.err, c.name)
	}
	_, err := btyd.FitBGNBD([]btyd.History{h(1, 1, 2, 1), h(3, 5, 4, 1)})
	assert.EqualError(t, err, "btyd: fit BG/NBD: history 2: t_x = 5 > T = 4: clv: inconsistent")

	// Customers who all buy like clockwork, without one silent spell: the
	// likelihood keeps rising as dropout vanishes, so it has no interior
	// maximum.
	var regular []btyd.History
	for i := range 200 {
		T := 20 + float64(i%30)
		regular = append(regular, h(int64(T), T, T, 1))
	}
	_, err = btyd.FitBGNBD(regular)
	assert.ErrorIs(t, err, clv.ErrNoFit)
}

func TestFitBGNBDWeights(t *testing.T) {
	// Weighted histories fit as the customers they stand for.
	hs := cdnowSummary(t).Histories()
	var each []btyd.History
	for _, h := range hs {
		for range h.Weight {
			each = append(each, btyd.History{X: h.X, Tx: h.Tx, T: h.T, Weight: 1})
		}
	}
	rand.New(rand.NewPCG(1, 1)).Shuffle(len(each), func(i, j int) { each[i], each[j] = each[j], each[i] })
	a, err := btyd.FitBGNBD(hs)
	require.NoError(t, err)
	b, err := btyd.FitBGNBD(each)
	require.NoError(t, err)
	assert.InDelta(t, a.Stats.LogLikelihood, b.Stats.LogLikelihood, 1e-8)
	assert.InDelta(t, a.Model.R, b.Model.R, 1e-6)
	assert.InDelta(t, a.Model.B, b.Model.B, 1e-5)
}

func TestFitBGNBDRecovery(t *testing.T) {
	// Simulated bases through the model's own story land within a few
	// standard errors of the parameters that made them.
	rng := rand.New(rand.NewPCG(2005, 1))
	for _, m := range []btyd.BGNBD{
		cdnowModel,
		{R: 1.5, Alpha: 10, A: 2, B: 6},
		{R: 0.5, Alpha: 2, A: 0.4, B: 1.5},
		{R: 2.5, Alpha: 15, A: 0.7, B: 4},
	} {
		var hs []btyd.History
		for range 20_000 {
			T := 30 + 50*rng.Float64()
			times := simBGNBD(rng, m.R, m.Alpha, m.A, m.B, T)
			h := btyd.History{T: T, Weight: 1}
			if len(times) > 0 {
				h.X, h.Tx = int64(len(times)), times[len(times)-1]
			}
			hs = append(hs, h)
		}
		fit, err := btyd.FitBGNBD(hs)
		require.NoError(t, err, "%+v", m)
		got := []float64{fit.Model.R, fit.Model.Alpha, fit.Model.A, fit.Model.B}
		se := []float64{fit.StdErr.R, fit.StdErr.Alpha, fit.StdErr.A, fit.StdErr.B}
		for i, want := range []float64{m.R, m.Alpha, m.A, m.B} {
			assert.InDelta(t, want, got[i], 4*se[i], "%+v: %s = %v ± %v", m, fit.Stats.Parameters[i], got[i], se[i])
			assert.Less(t, se[i], 0.5*want, "%+v: %s", m, fit.Stats.Parameters[i])
		}
	}
}

// isSentinel reports whether err wraps one of clv's sentinels.
func isSentinel(err error) bool {
	for _, s := range []error{clv.ErrNonPositive, clv.ErrNegative, clv.ErrAboveOne, clv.ErrInconsistent,
		clv.ErrUnknownPeriod, clv.ErrOutOfRange, clv.ErrMissing, clv.ErrNoFit} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func FuzzBGNBD(f *testing.F) {
	f.Add(0.243, 4.414, 0.793, 2.426, int64(2), 30.43, 38.86, 39.0, int64(3))
	f.Add(0.243, 4.414, 0.793, 2.426, int64(10_000), 38.8, 38.86, 520.0, int64(10_000))
	f.Add(50.0, 0.5, 1.0, 0.01, int64(0), 0.0, 0.0, 1e7, int64(0))
	f.Add(1e-10, 1e10, 1e10, 1e-10, int64(1), 1e-300, 1e7, 1e-300, int64(1e7))
	f.Fuzz(func(t *testing.T, r, alpha, a, b float64, x int64, tx, T, horizon float64, n int64) {
		m := btyd.BGNBD{R: r, Alpha: alpha, A: a, B: b}
		check := func(name string, v float64, err error, lo, hi float64) {
			if err != nil {
				if !isSentinel(err) || !strings.HasPrefix(err.Error(), "btyd: ") {
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

func FuzzFitBGNBD(f *testing.F) {
	f.Add([]byte{0, 10, 0, 5, 1, 8, 9, 3, 2, 3, 7, 1, 0, 0, 4, 2})
	f.Add([]byte{255, 255, 255, 255, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		// Each four bytes are a history: x, t_x and T from small grids,
		// and a weight.
		var hs []btyd.History
		for i := 0; i+4 <= len(data) && len(hs) < 64; i += 4 {
			x := int64(data[i] % 50)
			T := float64(data[i+2]) / 4
			tx := T * float64(data[i+1]) / 255
			if x == 0 {
				tx = 0
			}
			hs = append(hs, btyd.History{X: x, Tx: tx, T: T, Weight: int64(data[i+3]%8) - 1})
		}
		fit, err := btyd.FitBGNBD(hs)
		if err != nil {
			if !isSentinel(err) {
				t.Fatal(err)
			}
			return
		}
		m := fit.Model
		for _, v := range []float64{m.R, m.Alpha, m.A, m.B} {
			if !(v >= 1e-8 && v <= 1e8) {
				t.Fatalf("parameter %v outside the bounds", v)
			}
		}
		for _, v := range []float64{fit.StdErr.R, fit.StdErr.Alpha, fit.StdErr.A, fit.StdErr.B, fit.Stats.LogLikelihood} {
			if !finite(v) {
				t.Fatalf("%+v", fit)
			}
		}
	})
}
