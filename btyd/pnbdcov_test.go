package btyd_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// apparelPublished is CLVTools' fit of Pareto/NBD with gender and channel
// on both processes to its apparel data (Meierer et al. 2026, section
// 6.4.1; CLVTools 0.12): LL = −5821.0627, −5848.10 without covariates.
var apparelPublished = btyd.ParetoNBDCov{
	Base:     btyd.ParetoNBD{R: 1.8378, Alpha: 92.9123, S: 0.5920, Beta: 49.6227},
	Purchase: []float64{0.2859, 0.6241},
	Dropout:  []float64{-0.6430, 0.7907},
}

// covLogLikelihood sums each customer's log-likelihood under m, through
// the customer's own model.
func covLogLikelihood(t *testing.T, m btyd.ParetoNBDCov, h []btyd.CovariateHistory) float64 {
	t.Helper()
	var ll float64
	for _, c := range h {
		mc, err := m.For(c.Z)
		if err != nil {
			t.Fatal(err)
		}
		l, err := mc.LogLikelihood(c.X, c.Tx, c.T)
		if err != nil {
			t.Fatal(err)
		}
		ll += float64(c.Weight) * l
	}
	return ll
}

// TestFitParetoNBDCovApparel holds the fit to CLVTools' published one on
// its apparel data. The likelihood is flat along a ridge of the base
// parameters, so they agree to about 0.3 % and the coefficients to
// 0.002, and the likelihood to 10^−4: the published parameters, rounded
// to four places, give −5821.06271 by the customers' own models, within
// 10^−4 of this fit's maximum and no higher.
func TestFitParetoNBDCovApparel(t *testing.T) {
	h := apparel(t)
	if len(h) != 600 {
		t.Fatalf("apparel: %d customers, want 600", len(h))
	}
	fit, err := btyd.FitParetoNBDCov(h)
	if err != nil {
		t.Fatal(err)
	}
	if got := fit.Null.Stats.LogLikelihood; math.Abs(got-(-5848.10)) > 0.005 {
		t.Errorf("without covariates: LL = %.4f, published −5848.10", got)
	}
	if got := fit.Stats.LogLikelihood; math.Abs(got-(-5821.0627)) > 1e-4 {
		t.Errorf("LL = %.5f, published −5821.0627", got)
	}
	published := covLogLikelihood(t, apparelPublished, h)
	if published > fit.Stats.LogLikelihood+1e-9 || fit.Stats.LogLikelihood-published > 1e-3 {
		t.Errorf("LL at the published parameters %.5f, at the fit's %.5f", published, fit.Stats.LogLikelihood)
	}
	if own := covLogLikelihood(t, fit.Model, h); math.Abs(own-fit.Stats.LogLikelihood) > 1e-8 {
		t.Errorf("LL through For %.10f, the fit's %.10f", own, fit.Stats.LogLikelihood)
	}
	m, p := fit.Model.Base, apparelPublished.Base
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"r", m.R, p.R}, {"alpha", m.Alpha, p.Alpha}, {"s", m.S, p.S}, {"beta", m.Beta, p.Beta}} {
		if math.Abs(c.got/c.want-1) > 0.003 {
			t.Errorf("%s = %.4f, published %.4f", c.name, c.got, c.want)
		}
	}
	for j := range 2 {
		if d := fit.Model.Purchase[j] - apparelPublished.Purchase[j]; math.Abs(d) > 0.002 {
			t.Errorf("purchase[%d] = %.4f, published %.4f", j, fit.Model.Purchase[j], apparelPublished.Purchase[j])
		}
		if d := fit.Model.Dropout[j] - apparelPublished.Dropout[j]; math.Abs(d) > 0.002 {
			t.Errorf("dropout[%d] = %.4f, published %.4f", j, fit.Model.Dropout[j], apparelPublished.Dropout[j])
		}
	}
	// The test: 2 (−5821.06 + 5848.10) = 54.07 on 4 degrees of freedom.
	if fit.Test.DF != 4 || math.Abs(fit.Test.Statistic-54.07) > 0.01 || !(fit.Test.PValue < 1e-10 && fit.Test.PValue > 1e-11) {
		t.Errorf("test %+v, want 54.07 on 4 df, p ≈ 5·10^−11", fit.Test)
	}
	if got := fit.Stats.Parameters; len(got) != 8 || got[4] != "purchase[0]" || got[7] != "dropout[1]" {
		t.Errorf("parameters %v", got)
	}
	t.Logf("LL %.5f (published %.5f); %+v; std err %+v; %+v", fit.Stats.LogLikelihood, published, fit.Model, fit.StdErr, fit.Test)
}

// covBase simulates n customers of model, each with a binary covariate
// (share 0.4 at 1) and a standard normal one, observed for T from 30 to
// 80, through sim, the model's story for a customer's own model.
func covBase[M any](rng *rand.Rand, n int, model func(z []float64) (M, error), sim func(*rand.Rand, M, float64) []float64) ([]btyd.CovariateHistory, error) {
	var hs []btyd.CovariateHistory
	for range n {
		z := []float64{0, rng.NormFloat64()}
		if rng.Float64() < 0.4 {
			z[0] = 1
		}
		m, err := model(z)
		if err != nil {
			return nil, err
		}
		T := 30 + 50*rng.Float64()
		times := sim(rng, m, T)
		h := btyd.CovariateHistory{History: btyd.History{T: T, Weight: 1}, Z: z}
		if len(times) > 0 {
			h.X, h.Tx = int64(len(times)), times[len(times)-1]
		}
		hs = append(hs, h)
	}
	return hs, nil
}

func TestFitParetoNBDCovRecovery(t *testing.T) {
	// Simulated bases through the model's own story, each customer's
	// rates drawn from their own model, land within a few standard errors
	// of the parameters that made them.
	rng := rand.New(rand.NewPCG(2007, 1))
	for _, m := range []btyd.ParetoNBDCov{
		{Base: btyd.ParetoNBD{R: 1.5, Alpha: 10, S: 0.8, Beta: 12}, Purchase: []float64{0.4, -0.3}, Dropout: []float64{-0.5, 0.6}},
		{Base: btyd.ParetoNBD{R: 0.6, Alpha: 4, S: 1.2, Beta: 30}, Purchase: []float64{-0.7, 0.2}, Dropout: []float64{0.8, 0}},
	} {
		hs, err := covBase(rng, 15_000, m.For, simParetoNBD)
		require.NoError(t, err)
		fit, err := btyd.FitParetoNBDCov(hs)
		require.NoError(t, err, "%+v", m)
		got := []float64{fit.Model.Base.R, fit.Model.Base.Alpha, fit.Model.Base.S, fit.Model.Base.Beta}
		se := []float64{fit.StdErr.Base.R, fit.StdErr.Base.Alpha, fit.StdErr.Base.S, fit.StdErr.Base.Beta}
		got = append(append(got, fit.Model.Purchase...), fit.Model.Dropout...)
		se = append(append(se, fit.StdErr.Purchase...), fit.StdErr.Dropout...)
		want := append(append([]float64{m.Base.R, m.Base.Alpha, m.Base.S, m.Base.Beta}, m.Purchase...), m.Dropout...)
		for i := range want {
			assert.InDelta(t, want[i], got[i], 4*se[i], "%+v: %s = %v ± %v", m, fit.Stats.Parameters[i], got[i], se[i])
			// Base parameters to a tenth or so, coefficients to 0.05.
			assert.Less(t, se[i], max(0.1*want[i], 0.05), "%+v: %s", m, fit.Stats.Parameters[i])
			assert.InDelta(t, se[i], math.Sqrt(fit.Stats.Covariance[i][i]), 1e-12)
		}
		// The covariates matter: the test rejects the model without them.
		assert.Less(t, fit.Test.PValue, 1e-6)
		assert.Equal(t, 4, fit.Test.DF)
		t.Logf("%+v ± %+v, %+v", fit.Model, fit.StdErr, fit.Test)
	}
}

func TestFitParetoNBDCovNoEffect(t *testing.T) {
	// Covariates that change nothing: coefficients within a few standard
	// errors of zero, and a test that does not reject.
	rng := rand.New(rand.NewPCG(2008, 1))
	m := btyd.ParetoNBDCov{Base: btyd.ParetoNBD{R: 1.5, Alpha: 10, S: 0.8, Beta: 12}, Purchase: []float64{0, 0}, Dropout: []float64{0, 0}}
	hs, err := covBase(rng, 8_000, m.For, simParetoNBD)
	require.NoError(t, err)
	fit, err := btyd.FitParetoNBDCov(hs)
	require.NoError(t, err)
	for j := range 2 {
		assert.InDelta(t, 0, fit.Model.Purchase[j], 4*fit.StdErr.Purchase[j])
		assert.InDelta(t, 0, fit.Model.Dropout[j], 4*fit.StdErr.Dropout[j])
	}
	assert.Greater(t, fit.Test.PValue, 0.001)
	assert.GreaterOrEqual(t, fit.Stats.LogLikelihood, fit.Null.Stats.LogLikelihood-1e-6)
}

func TestFitParetoNBDCovOptions(t *testing.T) {
	h := apparel(t)
	free, err := btyd.FitParetoNBDCov(h)
	require.NoError(t, err)

	// Both covariates constrained equal in the two processes: six
	// parameters, a likelihood no higher than the free fit's, and the
	// test on two degrees of freedom.
	same, err := btyd.FitParetoNBDCov(h, btyd.WithSameCoefficients(0, 1))
	require.NoError(t, err)
	assert.Equal(t, []string{"r", "alpha", "s", "beta", "both[0]", "both[1]"}, same.Stats.Parameters)
	assert.Equal(t, same.Model.Purchase, same.Model.Dropout)
	assert.Equal(t, same.StdErr.Purchase, same.StdErr.Dropout)
	assert.Less(t, same.Stats.LogLikelihood, free.Stats.LogLikelihood)
	assert.Equal(t, 2, same.Test.DF)

	// Channel alone constrained: seven parameters.
	one, err := btyd.FitParetoNBDCov(h, btyd.WithSameCoefficients(1))
	require.NoError(t, err)
	assert.Equal(t, []string{"r", "alpha", "s", "beta", "purchase[0]", "both[1]", "dropout[0]"}, one.Stats.Parameters)
	assert.Equal(t, one.Model.Purchase[1], one.Model.Dropout[1])
	assert.Less(t, one.Stats.LogLikelihood, free.Stats.LogLikelihood)
	assert.Greater(t, one.Stats.LogLikelihood, same.Stats.LogLikelihood)

	// A penalty shrinks every coefficient towards zero, the more the
	// larger λ, and lowers the likelihood; a huge one leaves the model
	// without covariates.
	prev := free
	for _, lambda := range []float64{10, 100, 1e8} {
		pen, err := btyd.FitParetoNBDCov(h, btyd.WithPenalty(lambda, lambda))
		require.NoError(t, err)
		for j := range 2 {
			assert.Less(t, math.Abs(pen.Model.Purchase[j]), math.Abs(prev.Model.Purchase[j]), "λ = %v", lambda)
			assert.Less(t, math.Abs(pen.Model.Dropout[j]), math.Abs(prev.Model.Dropout[j]), "λ = %v", lambda)
		}
		assert.Less(t, pen.Stats.LogLikelihood, prev.Stats.LogLikelihood)
		prev = pen
	}
	assert.InDelta(t, free.Null.Stats.LogLikelihood, prev.Stats.LogLikelihood, 1e-4)
	assert.InDelta(t, free.Null.Model.R, prev.Model.Base.R, 1e-3)

	// A penalty on the purchase process alone leaves the drop-out
	// coefficients freer than a penalty on both.
	p1, err := btyd.FitParetoNBDCov(h, btyd.WithPenalty(100, 0))
	require.NoError(t, err)
	p2, err := btyd.FitParetoNBDCov(h, btyd.WithPenalty(100, 100))
	require.NoError(t, err)
	assert.Greater(t, math.Abs(p1.Model.Dropout[1]), math.Abs(p2.Model.Dropout[1]))
	assert.InDelta(t, p1.Model.Purchase[1], p2.Model.Purchase[1], 0.05)
}

func TestFitParetoNBDCovErrors(t *testing.T) {
	ch := func(x int64, tx, T float64, w int64, z ...float64) btyd.CovariateHistory {
		return btyd.CovariateHistory{History: btyd.History{X: x, Tx: tx, T: T, Weight: w}, Z: z}
	}
	good := []btyd.CovariateHistory{ch(2, 10, 30, 3, 0), ch(0, 0, 30, 2, 1), ch(5, 28, 30, 1, 1), ch(1, 4, 20, 4, 0)}
	for _, c := range []struct {
		name string
		hs   []btyd.CovariateHistory
		opts []btyd.CovariateOption
		err  error
	}{
		// missing
		{"no histories", nil, nil, clv.ErrMissing},
		{"no covariates", []btyd.CovariateHistory{ch(1, 1, 2, 1)}, nil, clv.ErrMissing},
		// inconsistent
		{"covariates of two lengths", []btyd.CovariateHistory{ch(1, 1, 2, 1, 0), ch(1, 1, 2, 1, 1, 2)}, nil, clv.ErrInconsistent},
		{"t_x beyond T", []btyd.CovariateHistory{ch(1, 3, 2, 1, 0), ch(1, 1, 2, 1, 1)}, nil, clv.ErrInconsistent},
		// out of range
		{"NaN covariate", []btyd.CovariateHistory{ch(1, 1, 2, 1, math.NaN()), ch(1, 1, 2, 1, 1)}, nil, clv.ErrOutOfRange},
		{"infinite covariate", []btyd.CovariateHistory{ch(1, 1, 2, 1, math.Inf(1)), ch(1, 1, 2, 1, 1)}, nil, clv.ErrOutOfRange},
		{"huge covariate", []btyd.CovariateHistory{ch(1, 1, 2, 1, 1e7), ch(1, 1, 2, 1, 1)}, nil, clv.ErrOutOfRange},
		{"too many covariates", []btyd.CovariateHistory{ch(1, 1, 2, 1, make([]float64, 65)...)}, nil, clv.ErrOutOfRange},
		{"same coefficient out of range", good, []btyd.CovariateOption{btyd.WithSameCoefficients(1)}, clv.ErrOutOfRange},
		{"same coefficient twice", good, []btyd.CovariateOption{btyd.WithSameCoefficients(0, 0)}, clv.ErrOutOfRange},
		{"negative penalty", good, []btyd.CovariateOption{btyd.WithPenalty(-1, 0)}, clv.ErrOutOfRange},
		{"NaN penalty", good, []btyd.CovariateOption{btyd.WithPenalty(0, math.NaN())}, clv.ErrOutOfRange},
		// non-positive
		{"zero weight", []btyd.CovariateHistory{ch(1, 1, 2, 0, 0)}, nil, clv.ErrNonPositive},
		// no fit
		{"constant covariate", []btyd.CovariateHistory{ch(1, 1, 2, 1, 1), ch(2, 1, 2, 1, 1)}, nil, clv.ErrNoFit},
		{"no repeat purchase", []btyd.CovariateHistory{ch(0, 0, 2, 1, 0), ch(0, 0, 3, 1, 1)}, nil, clv.ErrNoFit},
	} {
		_, err := btyd.FitParetoNBDCov(c.hs, c.opts...)
		assert.ErrorIs(t, err, c.err, c.name)
		if err != nil {
			assert.True(t, strings.HasPrefix(err.Error(), "btyd: fit Pareto/NBD with covariates: "), err.Error())
		}
	}
	// Two covariates that are one: the information is singular.
	var twins []btyd.CovariateHistory
	rng := rand.New(rand.NewPCG(1, 2))
	m := btyd.ParetoNBD{R: 1, Alpha: 5, S: 1, Beta: 10}
	for i := range 2000 {
		v := float64(i % 2)
		times := simParetoNBD(rng, m, 40)
		h := ch(0, 0, 40, 1, v, v)
		if len(times) > 0 {
			h.X, h.Tx = int64(len(times)), times[len(times)-1]
		}
		twins = append(twins, h)
	}
	_, err := btyd.FitParetoNBDCov(twins)
	assert.ErrorIs(t, err, clv.ErrNoFit)
}

func TestParetoNBDCovFor(t *testing.T) {
	m := apparelPublished
	c, err := m.For([]float64{1, 1})
	require.NoError(t, err)
	assert.InDelta(t, 92.9123*math.Exp(-(0.2859+0.6241)), c.Alpha, 1e-12)
	assert.InDelta(t, 49.6227*math.Exp(-(-0.6430+0.7907)), c.Beta, 1e-12)
	assert.Equal(t, m.Base.R, c.R)
	assert.Equal(t, m.Base.S, c.S)
	base, err := m.For([]float64{0, 0})
	require.NoError(t, err)
	assert.Equal(t, m.Base, base)
	for _, c := range []struct {
		name string
		m    btyd.ParetoNBDCov
		z    []float64
		err  error
	}{
		{"short z", m, []float64{1}, clv.ErrInconsistent},
		{"NaN z", m, []float64{math.NaN(), 0}, clv.ErrOutOfRange},
		{"infinite coefficient", btyd.ParetoNBDCov{Base: m.Base, Purchase: []float64{math.Inf(1)}, Dropout: []float64{0}}, []float64{1}, clv.ErrOutOfRange},
		{"overflow", btyd.ParetoNBDCov{Base: m.Base, Purchase: []float64{1e3}, Dropout: []float64{0}}, []float64{1}, clv.ErrOutOfRange},
		{"α beyond the model", btyd.ParetoNBDCov{Base: m.Base, Purchase: []float64{30}, Dropout: []float64{0}}, []float64{1}, clv.ErrOutOfRange},
		{"bad base", btyd.ParetoNBDCov{Purchase: []float64{0}, Dropout: []float64{0}}, []float64{1}, clv.ErrNonPositive},
	} {
		_, err := c.m.For(c.z)
		assert.ErrorIs(t, err, c.err, c.name)
	}
}

func TestFitParetoNBDCovWeights(t *testing.T) {
	// Customers given one by one, in any order, fit as their distinct
	// (history, z) pairs with weights do.
	h := apparel(t)
	var each []btyd.CovariateHistory
	for _, c := range h {
		for range 3 {
			each = append(each, c)
		}
	}
	rand.New(rand.NewPCG(3, 3)).Shuffle(len(each), func(i, j int) { each[i], each[j] = each[j], each[i] })
	tripled := slices.Clone(h)
	for i := range tripled {
		tripled[i].Weight = 3
	}
	a, err := btyd.FitParetoNBDCov(tripled)
	require.NoError(t, err)
	b, err := btyd.FitParetoNBDCov(each)
	require.NoError(t, err)
	assert.InDelta(t, a.Stats.LogLikelihood, b.Stats.LogLikelihood, 1e-7)
	assert.InDelta(t, a.Model.Dropout[1], b.Model.Dropout[1], 1e-6)
	assert.Equal(t, int64(1800), b.Stats.Customers)
}
