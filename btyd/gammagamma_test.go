package btyd_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/stat"
)

func TestFitGammaGammaCDNOW(t *testing.T) {
	b := cdnowSummary(t).Base()
	fit, err := btyd.FitGammaGamma(b.Customers)
	require.NoError(t, err)
	// Fader and Hardie (2013): p = 6.25, q = 3.74, γ = 15.44.
	assert.InDelta(t, 6.25, fit.Model.P, 5e-3)
	assert.InDelta(t, 3.74, fit.Model.Q, 5e-3)
	assert.InDelta(t, 15.44, fit.Model.Gamma, 5e-3)
	assert.Equal(t, int64(946), fit.Stats.Customers)
	assert.Zero(t, fit.ZeroSpend)

	// The published parameters are no better than the maximum.
	ll := func(m btyd.GammaGamma) float64 {
		var sum float64
		for _, c := range b.Customers {
			if c.X > 0 {
				l, err := m.LogLikelihood(c.X, c.Spend)
				require.NoError(t, err)
				sum += l
			}
		}
		return sum
	}
	assert.InDelta(t, ll(fit.Model), fit.Stats.LogLikelihood, 1e-8)
	assert.LessOrEqual(t, ll(btyd.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}), fit.Stats.LogLikelihood)

	// Standard errors against central differences of the likelihood.
	se := observedStdErr(t, func(th []float64) float64 {
		return ll(btyd.GammaGamma{P: th[0], Q: th[1], Gamma: th[2]})
	}, []float64{fit.Model.P, fit.Model.Q, fit.Model.Gamma})
	for i, got := range []float64{fit.StdErr.P, fit.StdErr.Q, fit.StdErr.Gamma} {
		assert.InDelta(t, 1, got/se[i], 1e-3, fit.Stats.Parameters[i])
	}

	// The correlation of frequency and spend, by gonum's stat.
	var xs, zs []float64
	for _, c := range b.Customers {
		if c.X > 0 {
			xs = append(xs, float64(c.X))
			zs = append(zs, c.Spend.InexactFloat64())
		}
	}
	assert.InDelta(t, stat.Correlation(xs, zs, nil), fit.Correlation, 1e-12)
	assert.Less(t, math.Abs(fit.Correlation), 0.2)
}

// gammaGammaQuad returns the density of a mean spend z̄ over x purchases,
// and the posterior mean of the spend per purchase p/ν, by integrating
// over the customer's rate ν ~ Gamma(q, γ): z̄ | ν ~ Gamma(px, νx).
func gammaGammaQuad(m btyd.GammaGamma, x int, zbar float64) (density, mean float64) {
	xf := float64(x)
	px := m.P * xf
	lgq, _ := math.Lgamma(m.Q)
	lgpx, _ := math.Lgamma(px)
	joint := func(nu float64) float64 {
		prior := m.Q*math.Log(m.Gamma) + (m.Q-1)*math.Log(nu) - m.Gamma*nu - lgq
		lik := px*math.Log(nu*xf) + (px-1)*math.Log(zbar) - nu*xf*zbar - lgpx
		return math.Exp(prior + lik)
	}
	// ν over (0, ∞) as ν = s / (1 − s), scaled to the posterior's mean.
	scale := (px + m.Q) / (m.Gamma + xf*zbar)
	integral := func(f func(float64) float64) float64 {
		return quad.Fixed(func(s float64) float64 {
			nu := scale * s / (1 - s)
			return f(nu) * scale / ((1 - s) * (1 - s))
		}, 0, 1, 2000, nil, 0)
	}
	density = integral(joint)
	mean = integral(func(nu float64) float64 { return joint(nu) * m.P / nu }) / density
	return density, mean
}

func TestGammaGammaAgainstIntegration(t *testing.T) {
	for _, c := range []struct {
		m    btyd.GammaGamma
		x    int64
		zbar string
	}{
		{btyd.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}, 1, "35.50"},
		{btyd.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}, 12, "9.99"},
		{btyd.GammaGamma{P: 1.5, Q: 2.2, Gamma: 100}, 3, "250"},
		{btyd.GammaGamma{P: 20, Q: 9, Gamma: 2}, 40, "1.25"},
	} {
		density, mean := gammaGammaQuad(c.m, int(c.x), dec(c.zbar).InexactFloat64())
		ll, err := c.m.LogLikelihood(c.x, dec(c.zbar))
		require.NoError(t, err)
		assert.InDelta(t, 1, math.Exp(ll)/density, 1e-9, "%+v", c)
		e, err := c.m.ExpectedSpend(c.x, dec(c.zbar))
		require.NoError(t, err)
		assert.InDelta(t, 1, e.InexactFloat64()/mean, 1e-9, "%+v", c)
	}
}

func TestExpectedSpend(t *testing.T) {
	m := btyd.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}
	// Without a repeat purchase, the population mean pγ/(q − 1), whatever
	// the spend; rounded to clv.DefaultScale places.
	mean := 6.25 * 15.44 / 2.74
	for _, spend := range []string{"0", "12", "1000"} {
		e, err := m.ExpectedSpend(0, dec(spend))
		require.NoError(t, err)
		assert.True(t, e.Equal(decimal.NewFromFloat(mean).Round(clv.DefaultScale)), e.String())
	}
	// A weighted mean of the population's and the customer's own, moving
	// towards the customer's as x grows.
	prev := mean
	for _, x := range []int64{1, 2, 5, 20, 100, 10_000} {
		e, err := m.ExpectedSpend(x, dec("50"))
		require.NoError(t, err)
		v := e.InexactFloat64()
		w := 6.25 * float64(x) / (6.25*float64(x) + 2.74)
		assert.InDelta(t, (1-w)*mean+w*50, v, 1e-9)
		assert.Greater(t, v, prev)
		assert.Less(t, v, 50.0)
		prev = v
	}
	// q ≤ 1: the population's mean spend is infinite.
	_, err := btyd.GammaGamma{P: 2, Q: 0.9, Gamma: 3}.ExpectedSpend(0, dec("0"))
	assert.ErrorIs(t, err, clv.ErrOutOfRange)
	e, err := btyd.GammaGamma{P: 2, Q: 0.9, Gamma: 3}.ExpectedSpend(1, dec("10"))
	assert.NoError(t, err)
	assert.True(t, e.Equal(dec("2").Mul(dec("13")).DivRound(dec("1.9"), clv.DefaultScale)), e.String())
}

func TestFitGammaGammaRecovery(t *testing.T) {
	rng := rand.New(rand.NewPCG(2013, 1))
	for _, m := range []btyd.GammaGamma{{P: 6, Q: 4, Gamma: 15}, {P: 2, Q: 3, Gamma: 50}, {P: 10, Q: 8, Gamma: 5}} {
		var cs []btyd.Customer
		for range 20_000 {
			x := 1 + rng.Int64N(15)
			spend := simGammaGamma(rng, m.P, m.Q, m.Gamma)
			var sum float64
			for range x {
				sum += spend.Rand()
			}
			cs = append(cs, btyd.Customer{X: x, Spend: decimal.NewFromFloat(sum / float64(x)).Round(6)})
		}
		fit, err := btyd.FitGammaGamma(cs)
		require.NoError(t, err, "%+v", m)
		got := []float64{fit.Model.P, fit.Model.Q, fit.Model.Gamma}
		se := []float64{fit.StdErr.P, fit.StdErr.Q, fit.StdErr.Gamma}
		for i, want := range []float64{m.P, m.Q, m.Gamma} {
			assert.InDelta(t, want, got[i], 4*se[i], "%+v: %s = %v ± %v", m, fit.Stats.Parameters[i], got[i], se[i])
		}
		assert.Less(t, math.Abs(fit.Correlation), 0.05, "spend independent of frequency")
	}
}

func TestFitGammaGammaSkips(t *testing.T) {
	base := []btyd.Customer{
		{X: 0, Spend: decimal.Zero}, // no repeat purchase: not fitted
		{X: 2, Spend: decimal.Zero}, // repeat purchases of no value: left out, counted
	}
	rng := rand.New(rand.NewPCG(3, 3))
	for range 500 {
		x := 1 + rng.Int64N(6)
		base = append(base, btyd.Customer{X: x, Spend: decimal.New(500+rng.Int64N(5000)*int64(1+rng.IntN(4)), -2)})
	}
	fit, err := btyd.FitGammaGamma(base)
	require.NoError(t, err)
	assert.Equal(t, int64(1), fit.ZeroSpend)
	assert.Equal(t, int64(500), fit.Stats.Customers)
	again, err := btyd.FitGammaGamma(base[2:])
	require.NoError(t, err)
	assert.Equal(t, again.Model, fit.Model)
}

func TestGammaGammaErrors(t *testing.T) {
	m := btyd.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}
	for _, c := range []struct {
		name string
		err  error
		call func() error
	}{
		{"p zero", clv.ErrNonPositive, func() error { _, err := btyd.GammaGamma{Q: 1, Gamma: 1}.ExpectedSpend(1, dec("1")); return err }},
		{"gamma infinite", clv.ErrOutOfRange, func() error {
			_, err := btyd.GammaGamma{P: 1, Q: 2, Gamma: math.Inf(1)}.ExpectedSpend(1, dec("1"))
			return err
		}},
		{"x negative", clv.ErrNegative, func() error { _, err := m.ExpectedSpend(-1, dec("1")); return err }},
		{"spend negative", clv.ErrNegative, func() error { _, err := m.ExpectedSpend(1, dec("-1")); return err }},
		{"spend huge", clv.ErrOutOfRange, func() error { _, err := m.ExpectedSpend(1, dec("1e30")); return err }},
		{"log-likelihood of x = 0", clv.ErrNonPositive, func() error { _, err := m.LogLikelihood(0, dec("1")); return err }},
		{"log-likelihood of no spend", clv.ErrNonPositive, func() error { _, err := m.LogLikelihood(3, decimal.Zero); return err }},
		{"fit nothing", clv.ErrMissing, func() error { _, err := btyd.FitGammaGamma(nil); return err }},
		{"fit no repeaters", clv.ErrNoFit, func() error {
			_, err := btyd.FitGammaGamma([]btyd.Customer{{X: 0}, {X: 4, Spend: decimal.Zero}})
			return err
		}},
		{"fit negative spend", clv.ErrNegative, func() error {
			_, err := btyd.FitGammaGamma([]btyd.Customer{{X: 1, Spend: dec("1")}, {X: 1, Spend: dec("-1")}})
			return err
		}},
		{"fit everyone alike", clv.ErrNoFit, func() error {
			var cs []btyd.Customer
			for i := range 300 {
				cs = append(cs, btyd.Customer{X: int64(1 + i%5), Spend: dec("20")})
			}
			_, err := btyd.FitGammaGamma(cs)
			return err
		}},
	} {
		err := c.call()
		assert.ErrorIs(t, err, c.err, c.name)
		if err != nil {
			assert.Regexp(t, "^btyd: ", err.Error())
		}
	}
	_, err := btyd.FitGammaGamma([]btyd.Customer{{X: 1, Spend: dec("1")}, {X: 1, Spend: dec("-1")}})
	assert.EqualError(t, err, "btyd: fit gamma-gamma: customer 2: spend = -1.00: clv: must not be negative")
}

func FuzzGammaGamma(f *testing.F) {
	f.Add(6.25, 3.74, 15.44, int64(2), int64(22345), int32(-3))
	f.Add(1e-10, 1.0, 1e10, int64(10_000_000), int64(1), int32(23))
	f.Add(2.0, 0.5, 1.0, int64(0), int64(0), int32(-40))
	f.Fuzz(func(t *testing.T, p, q, gamma float64, x, units int64, exp int32) {
		m := btyd.GammaGamma{P: p, Q: q, Gamma: gamma}
		spend := decimal.New(units, exp)
		e, err := m.ExpectedSpend(x, spend)
		if err != nil {
			if !isSentinel(err) {
				t.Fatal(err)
			}
		} else if e.Sign() < 0 {
			t.Fatalf("expected spend %s", e)
		}
		ll, err := m.LogLikelihood(x, spend)
		if err != nil {
			if !isSentinel(err) {
				t.Fatal(err)
			}
		} else if !finite(ll) {
			t.Fatalf("log-likelihood %v", ll)
		}
	})
}

func FuzzFitGammaGamma(f *testing.F) {
	f.Add([]byte{1, 20, 2, 35, 3, 12, 1, 90, 5, 44, 2, 18, 1, 7, 4, 60, 9, 30, 2, 25})
	f.Add([]byte{0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		var cs []btyd.Customer
		for i := 0; i+2 <= len(data) && len(cs) < 128; i += 2 {
			cs = append(cs, btyd.Customer{X: int64(data[i] % 20), Spend: decimal.New(int64(data[i+1])*int64(1+i%7), -1)})
		}
		fit, err := btyd.FitGammaGamma(cs)
		if err != nil {
			if !isSentinel(err) {
				t.Fatal(err)
			}
			return
		}
		for _, v := range []float64{fit.Model.P, fit.Model.Q, fit.Model.Gamma, fit.StdErr.P, fit.StdErr.Q, fit.StdErr.Gamma, fit.Correlation, fit.Stats.LogLikelihood} {
			if !finite(v) {
				t.Fatalf("%+v", fit)
			}
		}
	})
}
