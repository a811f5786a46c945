package btyd_test

import (
	"testing"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cdnowCovFit fits Pareto/NBD with cdnowCovariates to the CDNOW sample's
// calibration.
func cdnowCovFit(t *testing.T, b btyd.Base) btyd.ParetoNBDCovFit {
	t.Helper()
	z := cdnowCovariates(b)
	hs := make([]btyd.CovariateHistory, len(b.Customers))
	for i, c := range b.Customers {
		hs[i] = btyd.CovariateHistory{History: btyd.History{X: c.X, Tx: c.Tx, T: c.T, Weight: 1}, Z: z[i]}
	}
	fit, err := btyd.FitParetoNBDCov(hs)
	require.NoError(t, err)
	return fit
}

func TestValueIntervalsByCovariates(t *testing.T) {
	b := cdnowSummary(t).Base()
	z := cdnowCovariates(b)
	fit := cdnowCovFit(t, b)
	spend, err := btyd.FitGammaGamma(b.Customers)
	require.NoError(t, err)
	h := btyd.Horizon{Length: 1, Period: clv.Year}
	point, err := btyd.ValuesByCovariates(fit.Model, spend.Model, b, z, h)
	require.NoError(t, err)
	iv, err := btyd.ValueIntervalsByCovariates(fit, spend, b, z, h, btyd.WithDraws(100), btyd.WithSeed(7))
	require.NoError(t, err)
	assert.Equal(t, 100, iv.Draws)
	assert.Len(t, iv.Customers, len(b.Customers))
	// The point values lie within the intervals: the draws centre on the
	// fit.
	assert.True(t, iv.Value.Low.LessThan(point.Value) && iv.Value.High.GreaterThan(point.Value), "%v %v", iv.Value, point.Value)
	assert.Less(t, iv.Purchases.Low, point.Purchases)
	assert.Greater(t, iv.Purchases.High, point.Purchases)
	inside := 0
	for i, c := range iv.Customers {
		assert.Equal(t, point.Customers[i].ID, c.ID)
		if c.Purchases.Low <= point.Customers[i].Purchases && point.Customers[i].Purchases <= c.Purchases.High {
			inside++
		}
	}
	assert.Greater(t, inside, len(b.Customers)*95/100, "customers whose expected purchases lie within their interval")

	// The same seed gives the same intervals; another, others.
	again, err := btyd.ValueIntervalsByCovariates(fit, spend, b, z, h, btyd.WithDraws(100), btyd.WithSeed(7))
	require.NoError(t, err)
	assert.Equal(t, iv, again)
	other, err := btyd.ValueIntervalsByCovariates(fit, spend, b, z, h, btyd.WithDraws(100), btyd.WithSeed(8))
	require.NoError(t, err)
	assert.NotEqual(t, iv.Value, other.Value)

	// A wider level gives wider intervals.
	wide, err := btyd.ValueIntervalsByCovariates(fit, spend, b, z, h, btyd.WithDraws(100), btyd.WithSeed(7), btyd.WithLevel(0.95))
	require.NoError(t, err)
	assert.True(t, wide.Value.Low.LessThanOrEqual(iv.Value.Low) && wide.Value.High.GreaterThanOrEqual(iv.Value.High))

	// A fit with a shared coefficient draws it once, for both processes.
	sameHs := make([]btyd.CovariateHistory, len(b.Customers))
	for i, c := range b.Customers {
		sameHs[i] = btyd.CovariateHistory{History: btyd.History{X: c.X, Tx: c.Tx, T: c.T, Weight: 1}, Z: z[i]}
	}
	same, err := btyd.FitParetoNBDCov(sameHs, btyd.WithSameCoefficients(0, 1))
	require.NoError(t, err)
	_, err = btyd.ValueIntervalsByCovariates(same, spend, b, z, h, btyd.WithDraws(20))
	require.NoError(t, err)

	// errors
	_, err = btyd.ValueIntervalsByCovariates(nil, spend, b, z, h)
	assert.ErrorIs(t, err, clv.ErrMissing)
	_, err = btyd.ValueIntervalsByCovariates(fit, spend, b, z[1:], h)
	assert.ErrorIs(t, err, clv.ErrInconsistent)
	bare := fit
	bare.Stats.Covariance = nil
	_, err = btyd.ValueIntervalsByCovariates(bare, spend, b, z, h)
	assert.ErrorIs(t, err, clv.ErrMissing)
	renamed := fit
	renamed.Stats.Parameters = append([]string(nil), fit.Stats.Parameters...)
	renamed.Stats.Parameters[5] = "spend[0]"
	_, err = btyd.ValueIntervalsByCovariates(renamed, spend, b, z, h)
	assert.ErrorIs(t, err, clv.ErrInconsistent)
	_, err = btyd.ValueIntervalsByCovariates(fit, spend, b, z, h, btyd.WithDraws(1))
	assert.ErrorIs(t, err, clv.ErrOutOfRange)
}

func TestValueIntervalsByCovariatesSpend(t *testing.T) {
	// Spend with covariates too: the point values within the intervals,
	// and each customer's interval that of their own spend model.
	b := cdnowSummary(t).Base()
	z := cdnowCovariates(b)
	fit := cdnowCovFit(t, b)
	var spenders []btyd.CovariateCustomer
	for i, c := range b.Customers {
		spenders = append(spenders, btyd.CovariateCustomer{Customer: c, Z: z[i]})
	}
	spend, err := btyd.FitGammaGammaCov(spenders)
	require.NoError(t, err)
	h := btyd.Horizon{Length: 1, Period: clv.Year}
	point, err := btyd.ValuesByCovariates(fit.Model, spend.Model, b, z, h)
	require.NoError(t, err)
	iv, err := btyd.ValueIntervalsByCovariates(fit, spend, b, z, h, btyd.WithDraws(100), btyd.WithSeed(3))
	require.NoError(t, err)
	assert.True(t, iv.Value.Low.LessThan(point.Value) && iv.Value.High.GreaterThan(point.Value), "%v %v", iv.Value, point.Value)
	inside := 0
	for i, c := range iv.Customers {
		if c.Value.Low.LessThanOrEqual(point.Customers[i].Value) && point.Customers[i].Value.LessThanOrEqual(c.Value.High) {
			inside++
		}
	}
	assert.Greater(t, inside, len(b.Customers)*95/100, "customers whose value lies within their interval")
	// With spend without covariates, the spend intervals differ.
	plain, err := btyd.FitGammaGamma(b.Customers)
	require.NoError(t, err)
	other, err := btyd.ValueIntervalsByCovariates(fit, plain, b, z, h, btyd.WithDraws(100), btyd.WithSeed(3))
	require.NoError(t, err)
	assert.NotEqual(t, iv.Value, other.Value)
	_, err = btyd.ValueIntervalsByCovariates(fit, nil, b, z, h)
	assert.ErrorIs(t, err, clv.ErrMissing)
}
