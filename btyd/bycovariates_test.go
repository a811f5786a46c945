package btyd_test

import (
	"math"
	"testing"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cdnowCovariates gives the CDNOW sample's customers two made-up
// covariates: customer i's are (i mod 2, 1 if i mod 3 = 0): four groups.
func cdnowCovariates(b btyd.Base) [][]float64 {
	z := make([][]float64, len(b.Customers))
	for i := range z {
		z[i] = []float64{float64(i % 2), 0}
		if i%3 == 0 {
			z[i][1] = 1
		}
	}
	return z
}

var (
	cdnowPNBDCov  = btyd.ParetoNBDCov{Base: cdnowPNBD, Purchase: []float64{0.3, -0.2}, Dropout: []float64{-0.4, 0.5}}
	cdnowSpendCov = btyd.GammaGammaCov{Base: cdnowSpend, Spend: []float64{0.166, -0.1}}
)

func TestValuesByCovariates(t *testing.T) {
	b := cdnowSummary(t).Base()
	h := btyd.Horizon{Length: 3, Period: clv.Year}
	opts := []btyd.ValueOption{btyd.WithDiscountRate(decimal.RequireFromString("0.1"), clv.Year), btyd.WithStep(clv.Month)}

	// Every customer with the same covariates: Values with their models,
	// to the bit.
	same := make([][]float64, len(b.Customers))
	for i := range same {
		same[i] = []float64{1, 1}
	}
	m, err := cdnowPNBDCov.For(same[0])
	require.NoError(t, err)
	g, err := cdnowSpendCov.For(same[0])
	require.NoError(t, err)
	want, err := btyd.Values(m, g, b, h, opts...)
	require.NoError(t, err)
	got, err := btyd.ValuesByCovariates(cdnowPNBDCov, cdnowSpendCov, b, same, h, opts...)
	require.NoError(t, err)
	assert.True(t, want.Value.Equal(got.Value), "%s %s", want.Value, got.Value)
	assert.Equal(t, want.Purchases, got.Purchases)
	assert.Equal(t, want.Customers, got.Customers)

	// Models without covariates take any covariates: Values.
	plain, err := btyd.Values(cdnowPNBD, cdnowSpend, b, h, opts...)
	require.NoError(t, err)
	z := cdnowCovariates(b)
	got, err = btyd.ValuesByCovariates(cdnowPNBD, cdnowSpend, b, z, h, opts...)
	require.NoError(t, err)
	assert.True(t, plain.Value.Equal(got.Value))
	assert.Equal(t, plain.Customers, got.Customers)

	// Four groups: each customer valued by their own models, as Values
	// values them alone, and the total within rounding of the sum of the
	// customers' values.
	got, err = btyd.ValuesByCovariates(cdnowPNBDCov, cdnowSpendCov, b, z, h, opts...)
	require.NoError(t, err)
	sum := decimal.Zero
	for i := 0; i < len(b.Customers); i += 37 {
		m, _ := cdnowPNBDCov.For(z[i])
		g, _ := cdnowSpendCov.For(z[i])
		one, err := btyd.Values(m, g, btyd.Base{Unit: b.Unit, Customers: b.Customers[i : i+1]}, h, opts...)
		require.NoError(t, err)
		assert.Equal(t, one.Customers[0], got.Customers[i], "customer %d", i+1)
	}
	for _, c := range got.Customers {
		sum = sum.Add(c.Value)
	}
	assert.True(t, sum.Sub(got.Value).Abs().LessThan(decimal.New(int64(len(b.Customers)), -4)), "%s %s", sum, got.Value)
	// The covariates move the value: app customers (z₀ = 1) buy more and
	// stay longer here, and spend more.
	assert.True(t, got.Value.GreaterThan(plain.Value), "%s %s", got.Value, plain.Value)

	// errors
	_, err = btyd.ValuesByCovariates(cdnowPNBDCov, cdnowSpendCov, b, z[1:], h)
	assert.ErrorIs(t, err, clv.ErrInconsistent)
	bad := cdnowCovariates(b)
	bad[5] = []float64{math.NaN(), 0}
	_, err = btyd.ValuesByCovariates(cdnowPNBDCov, cdnowSpendCov, b, bad, h)
	assert.ErrorIs(t, err, clv.ErrOutOfRange)
	assert.Contains(t, err.Error(), "customer 6")
	bad[5] = []float64{1}
	_, err = btyd.ValuesByCovariates(cdnowPNBDCov, cdnowSpendCov, b, bad, h)
	assert.ErrorIs(t, err, clv.ErrInconsistent)
	_, err = btyd.ValuesByCovariates(nil, cdnowSpendCov, b, z, h)
	assert.ErrorIs(t, err, clv.ErrMissing)
	_, err = btyd.ValuesByCovariates(cdnowPNBDCov, cdnowSpendCov, btyd.Base{Unit: clv.Week}, nil, h)
	assert.ErrorIs(t, err, clv.ErrMissing)
	_, err = btyd.ValuesByCovariates(cdnowPNBDCov, cdnowSpendCov, b, z, btyd.Horizon{})
	assert.ErrorIs(t, err, clv.ErrNonPositive)
	// A spend model with an infinite mean (q ≤ 1) fails as Values does.
	_, err = btyd.ValuesByCovariates(cdnowPNBDCov, btyd.GammaGammaCov{Base: btyd.GammaGamma{P: 1, Q: 0.5, Gamma: 1}, Spend: []float64{0, 0}}, b, z, h)
	assert.ErrorIs(t, err, clv.ErrOutOfRange)
}

func TestCompareHoldoutByCovariates(t *testing.T) {
	b := cdnowSummary(t).Base()
	z := cdnowCovariates(b)
	// Models without covariates: CompareHoldout.
	want, err := btyd.CompareHoldout(cdnowPNBD, b)
	require.NoError(t, err)
	got, err := btyd.CompareHoldoutByCovariates(cdnowPNBD, b, z)
	require.NoError(t, err)
	assert.Equal(t, want.Customers, got.Customers)
	assert.Equal(t, want.Actual, got.Actual)
	assert.InDelta(t, want.Predicted, got.Predicted, 1e-9)
	for x := range want.ByFrequency {
		assert.InDelta(t, want.ByFrequency[x].Predicted, got.ByFrequency[x].Predicted, 1e-9)
	}
	// Four groups: the sum of each group's comparison.
	got, err = btyd.CompareHoldoutByCovariates(cdnowPNBDCov, b, z)
	require.NoError(t, err)
	var predicted float64
	for _, zg := range [][]float64{{0, 0}, {0, 1}, {1, 0}, {1, 1}} {
		m, err := cdnowPNBDCov.For(zg)
		require.NoError(t, err)
		part := btyd.Base{Unit: b.Unit, Holdout: b.Holdout}
		for i, c := range b.Customers {
			if z[i][0] == zg[0] && z[i][1] == zg[1] {
				part.Customers = append(part.Customers, c)
			}
		}
		h, err := btyd.CompareHoldout(m, part)
		require.NoError(t, err)
		predicted += h.Predicted
	}
	assert.InDelta(t, predicted, got.Predicted, 1e-9)
	assert.Equal(t, int64(2357), got.Customers)
	assert.Equal(t, int64(1882), got.Actual)

	// errors
	_, err = btyd.CompareHoldoutByCovariates(cdnowPNBDCov, b, z[:3])
	assert.ErrorIs(t, err, clv.ErrInconsistent)
	_, err = btyd.CompareHoldoutByCovariates(nil, b, z)
	assert.ErrorIs(t, err, clv.ErrMissing)
	noHoldout := b
	noHoldout.Holdout = 0
	_, err = btyd.CompareHoldoutByCovariates(cdnowPNBDCov, noHoldout, z)
	assert.ErrorIs(t, err, clv.ErrMissing)
	bad := append([]btyd.Customer(nil), b.Customers...)
	bad[9].HoldoutX = -1
	_, err = btyd.CompareHoldoutByCovariates(cdnowPNBDCov, btyd.Base{Unit: b.Unit, Holdout: b.Holdout, Customers: bad}, z)
	assert.ErrorIs(t, err, clv.ErrNegative)
	assert.Contains(t, err.Error(), "customer 10")
}

func TestTrackByCovariates(t *testing.T) {
	s := cdnowSummary(t)
	b := s.Base()
	want, err := btyd.Track(cdnowPNBD, s)
	require.NoError(t, err)
	// A model without covariates: Track, to the bit.
	z := cdnowCovariates(b)
	got, err := btyd.TrackByCovariates(cdnowPNBD, s, z)
	require.NoError(t, err)
	assert.Equal(t, want, got)
	// Every customer with the same covariates: Track with their model.
	same := make([][]float64, len(b.Customers))
	for i := range same {
		same[i] = []float64{1, 1}
	}
	m, err := cdnowPNBDCov.For(same[0])
	require.NoError(t, err)
	want, err = btyd.Track(m, s)
	require.NoError(t, err)
	got, err = btyd.TrackByCovariates(cdnowPNBDCov, s, same)
	require.NoError(t, err)
	assert.Equal(t, want, got)

	// Four groups: the sum of each group's tracking, each group
	// summarised apart from the log and tracked with its own model.
	got, err = btyd.TrackByCovariates(cdnowPNBDCov, s, z)
	require.NoError(t, err)
	groupOf := make(map[string][]float64, len(b.Customers))
	for i, c := range b.Customers {
		groupOf[c.ID] = z[i]
	}
	log := cdnow(t)
	sum := make([]float64, len(got.Steps))
	var actual int64
	for _, zg := range [][]float64{{0, 0}, {0, 1}, {1, 0}, {1, 1}} {
		part, err := btyd.NewSummarizer(calibrationEnd, btyd.WithHoldout(holdoutEnd))
		require.NoError(t, err)
		for _, p := range log {
			if g := groupOf[p.Customer]; g[0] == zg[0] && g[1] == zg[1] {
				require.NoError(t, part.Add(p))
			}
		}
		mg, err := cdnowPNBDCov.For(zg)
		require.NoError(t, err)
		tr, err := btyd.Track(mg, part)
		require.NoError(t, err)
		require.Equal(t, got.Start, tr.Start, "every group's first purchase is on the base's first day")
		require.Len(t, tr.Steps, len(got.Steps))
		for k, st := range tr.Steps {
			sum[k] += st.Expected
		}
		actual += tr.Steps[len(tr.Steps)-1].Actual
	}
	for k, st := range got.Steps {
		assert.InDelta(t, sum[k], st.Expected, 1e-9*(1+sum[k]), "step %d", k+1)
	}
	assert.Equal(t, actual, got.Steps[len(got.Steps)-1].Actual)

	// errors
	_, err = btyd.TrackByCovariates(cdnowPNBDCov, s, z[1:])
	assert.ErrorIs(t, err, clv.ErrInconsistent)
	_, err = btyd.TrackByCovariates(nil, s, z)
	assert.ErrorIs(t, err, clv.ErrMissing)
	_, err = btyd.TrackByCovariates(cdnowPNBDCov, nil, z)
	assert.ErrorIs(t, err, clv.ErrMissing)
	bad := cdnowCovariates(b)
	bad[0] = []float64{math.Inf(1), 0}
	_, err = btyd.TrackByCovariates(cdnowPNBDCov, s, bad)
	assert.ErrorIs(t, err, clv.ErrOutOfRange)
}

func TestForecastsByCovariates(t *testing.T) {
	b := cdnowSummary(t).Base()
	h := btyd.Horizon{Length: 1, Period: clv.Quarter}

	// Every customer with the same covariates: Forecasts with their
	// model, to the bit.
	same := make([][]float64, len(b.Customers))
	for i := range same {
		same[i] = []float64{1, 1}
	}
	m, err := cdnowPNBDCov.For(same[0])
	require.NoError(t, err)
	want, err := btyd.Forecasts(m, b, h, 3)
	require.NoError(t, err)
	got, err := btyd.ForecastsByCovariates(cdnowPNBDCov, b, same, h, 3)
	require.NoError(t, err)
	assert.Equal(t, want, got)

	// Four groups: each customer forecast by their own model, as
	// Forecasts forecasts them alone, in their place, within the 10^-11
	// to which the bulk forms interpolate across T.
	z := cdnowCovariates(b)
	got, err = btyd.ForecastsByCovariates(cdnowPNBDCov, b, z, h, 3)
	require.NoError(t, err)
	require.Len(t, got.Customers, len(b.Customers))
	for i := 0; i < len(b.Customers); i += 37 {
		m, err := cdnowPNBDCov.For(z[i])
		require.NoError(t, err)
		one, err := btyd.Forecasts(m, btyd.Base{Unit: b.Unit, Customers: b.Customers[i : i+1]}, h, 3)
		require.NoError(t, err)
		w, g := one.Customers[0], got.Customers[i]
		assert.Equal(t, w.ID, g.ID)
		assert.InDelta(t, w.ProbAlive, g.ProbAlive, 1e-11, "customer %d", i+1)
		assert.InDelta(t, w.ProbAliveAfter, g.ProbAliveAfter, 1e-11, "customer %d", i+1)
		assert.InDelta(t, w.Purchases, g.Purchases, 1e-11, "customer %d", i+1)
		assert.InDeltaSlice(t, w.ProbPurchases, g.ProbPurchases, 1e-11, "customer %d", i+1)
	}

	// errors
	_, err = btyd.ForecastsByCovariates(nil, b, z, h, 3)
	assert.ErrorIs(t, err, clv.ErrMissing)
	_, err = btyd.ForecastsByCovariates(cdnowPNBDCov, b, z[1:], h, 3)
	assert.ErrorIs(t, err, clv.ErrInconsistent)
	bad := cdnowCovariates(b)
	bad[5] = []float64{math.NaN(), 0}
	_, err = btyd.ForecastsByCovariates(cdnowPNBDCov, b, bad, h, 3)
	assert.ErrorIs(t, err, clv.ErrOutOfRange)
	assert.Contains(t, err.Error(), "customer 6")
	wrong := btyd.Base{Unit: b.Unit, Customers: append([]btyd.Customer(nil), b.Customers[:10]...)}
	wrong.Customers[7].Tx = wrong.Customers[7].T + 1
	_, err = btyd.ForecastsByCovariates(cdnowPNBDCov, wrong, z[:10], h, 3)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "customer 8")
	_, err = btyd.ForecastsByCovariates(cdnowPNBDCov, b, z, btyd.Horizon{}, 3)
	assert.ErrorIs(t, err, clv.ErrNonPositive)
	_, err = btyd.ForecastsByCovariates(cdnowPNBDCov, b, z, h, -1)
	assert.ErrorIs(t, err, clv.ErrNegative)
}
