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
)

// spendBase simulates n customers of the gamma–gamma model with
// covariates m, each with a binary covariate (share 0.4 at 1) and a
// standard normal one, 1 to 15 repeat purchases, and their mean spend in
// cents.
func spendBase(t *testing.T, rng *rand.Rand, n int, m btyd.GammaGammaCov) []btyd.CovariateCustomer {
	t.Helper()
	var cs []btyd.CovariateCustomer
	for range n {
		z := []float64{0, rng.NormFloat64()}
		if rng.Float64() < 0.4 {
			z[0] = 1
		}
		own, err := m.For(z)
		require.NoError(t, err)
		x := 1 + rng.Int64N(15)
		spend := simGammaGamma(rng, own.P, own.Q, own.Gamma)
		var sum float64
		for range x {
			sum += spend.Rand()
		}
		cs = append(cs, btyd.CovariateCustomer{Customer: btyd.Customer{X: x, Spend: decimal.NewFromFloat(sum / float64(x)).Round(2)}, Z: z})
	}
	return cs
}

func TestFitGammaGammaCovRecovery(t *testing.T) {
	// Simulated customers, each with their own γ, land within a few
	// standard errors of the parameters that made them.
	rng := rand.New(rand.NewPCG(2013, 5))
	for _, m := range []btyd.GammaGammaCov{
		{Base: btyd.GammaGamma{P: 6, Q: 4, Gamma: 15}, Spend: []float64{0.166, -0.2}},
		{Base: btyd.GammaGamma{P: 2, Q: 3, Gamma: 50}, Spend: []float64{-0.5, 0.1}},
	} {
		cs := spendBase(t, rng, 20_000, m)
		fit, err := btyd.FitGammaGammaCov(cs)
		require.NoError(t, err, "%+v", m)
		got := append([]float64{fit.Model.Base.P, fit.Model.Base.Q, fit.Model.Base.Gamma}, fit.Model.Spend...)
		se := append([]float64{fit.StdErr.Base.P, fit.StdErr.Base.Q, fit.StdErr.Base.Gamma}, fit.StdErr.Spend...)
		want := append([]float64{m.Base.P, m.Base.Q, m.Base.Gamma}, m.Spend...)
		for i := range want {
			assert.InDelta(t, want[i], got[i], 4*se[i], "%+v: %s = %v ± %v", m, fit.Stats.Parameters[i], got[i], se[i])
		}
		// The coefficients are known to a few hundredths.
		assert.Less(t, fit.StdErr.Spend[0], 0.03)
		assert.Less(t, fit.StdErr.Spend[1], 0.015)
		assert.Less(t, fit.Test.PValue, 1e-6)
		assert.Equal(t, 2, fit.Test.DF)
		assert.Equal(t, []string{"p", "q", "gamma", "spend[0]", "spend[1]"}, fit.Stats.Parameters)
		assert.Equal(t, int64(20_000), fit.Stats.Customers)
		t.Logf("%+v ± %+v, %+v", fit.Model, fit.StdErr, fit.Test)
	}
}

func TestGammaGammaCovProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(2013, 6))
	m := btyd.GammaGammaCov{Base: btyd.GammaGamma{P: 6, Q: 4, Gamma: 15}, Spend: []float64{0.166, -0.2}}
	cs := spendBase(t, rng, 3_000, m)
	// Customers without repeat purchases, or whose repeat purchases were
	// of no value, are skipped with their covariates, whatever those are.
	withSkipped := append([]btyd.CovariateCustomer{
		{Customer: btyd.Customer{X: 0}, Z: nil},
		{Customer: btyd.Customer{X: 3, Spend: decimal.Zero}, Z: []float64{math.NaN()}},
	}, cs...)
	a, err := btyd.FitGammaGammaCov(cs)
	require.NoError(t, err)
	b, err := btyd.FitGammaGammaCov(withSkipped)
	require.NoError(t, err)
	assert.Equal(t, a.Model, b.Model)

	// A covariate of z = 1 multiplies γ, so the population's mean spend,
	// by exp(δ): 18 % more per order for δ = 0.166.
	one, err := m.For([]float64{1, 0})
	require.NoError(t, err)
	assert.InDelta(t, 1.1806, one.Gamma/m.Base.Gamma, 1e-4)
	got, err := m.ExpectedSpend([]float64{1, 0}, 0, decimal.Zero)
	require.NoError(t, err)
	base, err := m.Base.ExpectedSpend(0, decimal.Zero)
	require.NoError(t, err)
	assert.Equal(t, "30.0000", base.StringFixed(4)) // pγ/(q − 1) = 6 · 15 / 3
	ratio, _ := got.Div(base).Float64()
	assert.InDelta(t, math.Exp(0.166), ratio, 1e-5)

	// A customer's expectation lies between their own mean and their
	// segment's, as the model without covariates' does.
	e, err := m.ExpectedSpend([]float64{1, 0}, 5, decimal.RequireFromString("80"))
	require.NoError(t, err)
	assert.True(t, e.GreaterThan(got) && e.LessThan(decimal.RequireFromString("80")), e.String())

	// The fit's likelihood is that of each customer's own model, summed.
	var ll float64
	for _, c := range cs {
		own, err := a.Model.For(c.Z)
		require.NoError(t, err)
		l, err := own.LogLikelihood(c.X, c.Spend)
		require.NoError(t, err)
		ll += l
	}
	assert.InDelta(t, a.Stats.LogLikelihood, ll, 1e-6)
	assert.Greater(t, a.Stats.LogLikelihood, a.Null.Stats.LogLikelihood)

	// A penalty shrinks the coefficients; the largest leaves the model
	// without covariates.
	pen, err := btyd.FitGammaGammaCov(cs, btyd.WithPenalty(1e9, 0))
	require.NoError(t, err)
	assert.InDelta(t, 0, pen.Model.Spend[0], 1e-5)
	assert.InDelta(t, a.Null.Stats.LogLikelihood, pen.Stats.LogLikelihood, 5e-3)
}

func TestFitGammaGammaCovErrors(t *testing.T) {
	cc := func(x int64, spend string, z ...float64) btyd.CovariateCustomer {
		return btyd.CovariateCustomer{Customer: btyd.Customer{X: x, Spend: decimal.RequireFromString(spend)}, Z: z}
	}
	good := []btyd.CovariateCustomer{cc(2, "10", 0), cc(3, "12", 1), cc(1, "30", 1), cc(4, "8", 0)}
	for _, c := range []struct {
		name string
		cs   []btyd.CovariateCustomer
		opts []btyd.CovariateOption
		err  error
	}{
		{"no customers", nil, nil, clv.ErrMissing},
		{"no covariates", []btyd.CovariateCustomer{cc(1, "1")}, nil, clv.ErrMissing},
		{"two lengths", []btyd.CovariateCustomer{cc(1, "1", 0), cc(1, "2", 1, 1)}, nil, clv.ErrInconsistent},
		{"NaN covariate", []btyd.CovariateCustomer{cc(1, "1", 0), cc(1, "2", math.NaN())}, nil, clv.ErrOutOfRange},
		{"negative spend", []btyd.CovariateCustomer{cc(1, "-1", 0), cc(1, "2", 1)}, nil, clv.ErrNegative},
		{"same coefficients", good, []btyd.CovariateOption{btyd.WithSameCoefficients(0)}, clv.ErrOutOfRange},
		{"drop-out penalty", good, []btyd.CovariateOption{btyd.WithPenalty(0, 1)}, clv.ErrOutOfRange},
		{"constant covariate", []btyd.CovariateCustomer{cc(1, "1", 2), cc(1, "2", 2)}, nil, clv.ErrNoFit},
		{"no spend", []btyd.CovariateCustomer{cc(0, "0", 2), cc(1, "0", 1)}, nil, clv.ErrNoFit},
	} {
		_, err := btyd.FitGammaGammaCov(c.cs, c.opts...)
		assert.ErrorIs(t, err, c.err, c.name)
	}
	m := btyd.GammaGammaCov{Base: btyd.GammaGamma{P: 6, Q: 4, Gamma: 15}, Spend: []float64{1}}
	_, err := m.For([]float64{1, 2})
	assert.ErrorIs(t, err, clv.ErrInconsistent)
	_, err = m.For([]float64{30})
	assert.ErrorIs(t, err, clv.ErrOutOfRange)
	_, err = m.ExpectedSpend([]float64{math.Inf(1)}, 1, decimal.RequireFromString("1"))
	assert.ErrorIs(t, err, clv.ErrOutOfRange)
}

func TestFitGammaGammaCovNames(t *testing.T) {
	// Covariates are read from the customers fitted: an error names the
	// first of them as the reference.
	cs := []btyd.CovariateCustomer{
		{Customer: btyd.Customer{X: 0}},
		{Customer: btyd.Customer{X: 2, Spend: decimal.RequireFromString("10")}, Z: []float64{1}},
		{Customer: btyd.Customer{X: 3, Spend: decimal.RequireFromString("12")}, Z: []float64{1, 2}},
	}
	_, err := btyd.FitGammaGammaCov(cs)
	assert.ErrorIs(t, err, clv.ErrInconsistent)
	assert.EqualError(t, err, "btyd: fit gamma-gamma with covariates: customer 3: 2 covariates: clv: inconsistent: customer 2 has 1")
}
