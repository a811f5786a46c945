package btyd_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func simBGNBDModel(rng *rand.Rand, m btyd.BGNBD, T float64) []float64 {
	return simBGNBD(rng, m.R, m.Alpha, m.A, m.B, T)
}

func TestFitBGNBDCovRecovery(t *testing.T) {
	// Simulated bases through the model's own story, each customer's
	// rate and drop-out probability drawn from their own model, land
	// within a few standard errors of the parameters that made them.
	rng := rand.New(rand.NewPCG(2005, 7))
	for _, m := range []btyd.BGNBDCov{
		{Base: btyd.BGNBD{R: 1.5, Alpha: 10, A: 2, B: 6}, Purchase: []float64{0.4, -0.3}, Dropout: []float64{-0.5, 0.4}},
		{Base: btyd.BGNBD{R: 0.6, Alpha: 3, A: 0.8, B: 3}, Purchase: []float64{-0.6, 0.2}, Dropout: []float64{0.7, 0}},
	} {
		hs, err := covBase(rng, 20_000, m.For, simBGNBDModel)
		require.NoError(t, err)
		fit, err := btyd.FitBGNBDCov(hs)
		require.NoError(t, err, "%+v", m)
		got := []float64{fit.Model.Base.R, fit.Model.Base.Alpha, fit.Model.Base.A, fit.Model.Base.B}
		se := []float64{fit.StdErr.Base.R, fit.StdErr.Base.Alpha, fit.StdErr.Base.A, fit.StdErr.Base.B}
		got = append(append(got, fit.Model.Purchase...), fit.Model.Dropout...)
		se = append(append(se, fit.StdErr.Purchase...), fit.StdErr.Dropout...)
		want := append(append([]float64{m.Base.R, m.Base.Alpha, m.Base.A, m.Base.B}, m.Purchase...), m.Dropout...)
		for i := range want {
			assert.InDelta(t, want[i], got[i], 4*se[i], "%+v: %s = %v ± %v", m, fit.Stats.Parameters[i], got[i], se[i])
			assert.Less(t, se[i], max(0.3*want[i], 0.2), "%+v: %s", m, fit.Stats.Parameters[i])
		}
		assert.Less(t, fit.Test.PValue, 1e-6)
		// The fit's likelihood is the customers' own models' summed.
		var ll float64
		for _, h := range hs[:500] {
			c, err := fit.Model.For(h.Z)
			require.NoError(t, err)
			l, err := c.LogLikelihood(h.X, h.Tx, h.T)
			require.NoError(t, err)
			ll += l
		}
		part, err := btyd.FitBGNBDCov(hs[:500])
		require.NoError(t, err)
		assert.LessOrEqual(t, ll, part.Stats.LogLikelihood+1e-9)
		t.Logf("%+v ± %+v, %+v", fit.Model, fit.StdErr, fit.Test)
	}
}

func TestFitBGNBDCovApparel(t *testing.T) {
	// CLVTools publishes no BG/NBD fit with covariates on its apparel
	// data. BG/NBD without covariates has an interior maximum there; with
	// gender and channel on both processes the data prefer the limit
	// where the customers' drop-out probabilities are alike (a, b → ∞,
	// where the drop-out coefficients no longer matter), which the fit
	// names with the log-likelihood there, above the maximum without
	// covariates.
	h := apparel(t)
	plain := make([]btyd.History, len(h))
	for i, c := range h {
		plain[i] = c.History
	}
	null, err := btyd.FitBGNBD(plain)
	require.NoError(t, err)
	_, err = btyd.FitBGNBDCov(h)
	var b *btyd.BoundaryError
	require.ErrorAs(t, err, &b)
	assert.Contains(t, b.Limit, "drop-out after each purchase has the same probability")
	assert.Greater(t, b.LogLikelihood, null.Stats.LogLikelihood)
}

func TestFitBGNBDCovOptions(t *testing.T) {
	rng := rand.New(rand.NewPCG(2005, 8))
	m := btyd.BGNBDCov{Base: btyd.BGNBD{R: 1.5, Alpha: 10, A: 2, B: 6}, Purchase: []float64{0.4, -0.3}, Dropout: []float64{-0.5, 0.4}}
	h, err := covBase(rng, 5_000, m.For, simBGNBDModel)
	require.NoError(t, err)
	fit, err := btyd.FitBGNBDCov(h)
	require.NoError(t, err)
	assert.Greater(t, fit.Stats.LogLikelihood, fit.Null.Stats.LogLikelihood)
	var ll float64
	for _, c := range h {
		m, err := fit.Model.For(c.Z)
		require.NoError(t, err)
		l, err := m.LogLikelihood(c.X, c.Tx, c.T)
		require.NoError(t, err)
		ll += l
	}
	assert.InDelta(t, fit.Stats.LogLikelihood, ll, 1e-7)
	same, err := btyd.FitBGNBDCov(h, btyd.WithSameCoefficients(0))
	require.NoError(t, err)
	assert.Less(t, same.Stats.LogLikelihood, fit.Stats.LogLikelihood)
	assert.Equal(t, 3, same.Test.DF)
	assert.Equal(t, same.Model.Purchase[0], same.Model.Dropout[0])
	// The largest penalty leaves coefficients of some 10^−6, and the
	// likelihood within 10^−3 of the model without covariates.
	pen, err := btyd.FitBGNBDCov(h, btyd.WithPenalty(1e9, 1e9))
	require.NoError(t, err)
	assert.InDelta(t, fit.Null.Stats.LogLikelihood, pen.Stats.LogLikelihood, 1e-3)
	assert.InDelta(t, 0, pen.Model.Purchase[0], 1e-4)
}

func TestBGNBDCovFor(t *testing.T) {
	m := btyd.BGNBDCov{Base: btyd.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}, Purchase: []float64{0.5}, Dropout: []float64{-1}}
	c, err := m.For([]float64{2})
	require.NoError(t, err)
	assert.InDelta(t, 4.414*math.Exp(-1), c.Alpha, 1e-12)
	assert.InDelta(t, 0.793*math.Exp(-2), c.A, 1e-12)
	assert.InDelta(t, 2.426*math.Exp(-2), c.B, 1e-12)
	_, err = m.For([]float64{1, 2})
	assert.ErrorIs(t, err, clv.ErrInconsistent)
	_, err = m.For([]float64{math.Inf(-1)})
	assert.ErrorIs(t, err, clv.ErrOutOfRange)
	_, err = m.For([]float64{40})
	assert.ErrorIs(t, err, clv.ErrOutOfRange)
	_, err = btyd.FitBGNBDCov(nil)
	assert.ErrorIs(t, err, clv.ErrMissing)
}
