package btyd_test

import (
	"encoding/json"
	"testing"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCompareHoldoutCDNOW(t *testing.T) {
	s := cdnowSummary(t)
	b := s.Base()
	fit, err := btyd.FitBGNBD(s.Histories())
	require.NoError(t, err)
	h, err := btyd.CompareHoldout(fit.Model, b)
	require.NoError(t, err)
	assert.Equal(t, 39.0, h.Length)
	assert.Equal(t, int64(2357), h.Customers)
	assert.Equal(t, int64(1882), h.Actual)

	// Customer by customer through the public method.
	rows := make([]btyd.HoldoutRow, btyd.HoldoutFrequencies)
	var predicted float64
	for _, c := range b.Customers {
		e, err := fit.Model.ConditionalExpectedPurchases(c.X, c.Tx, c.T, 39)
		require.NoError(t, err)
		predicted += e
		r := &rows[min(c.X, 7)]
		r.X = min(c.X, 7)
		r.Customers++
		r.Actual += c.HoldoutX
		r.Predicted += e
	}
	assert.InDelta(t, predicted, h.Predicted, 1e-9)
	assert.InDelta(t, 1653.4, h.Predicted, 0.05)
	require.Len(t, h.ByFrequency, 8)
	for x, r := range h.ByFrequency {
		assert.Equal(t, int64(x), r.X)
		assert.Equal(t, rows[x].Customers, r.Customers)
		assert.Equal(t, rows[x].Actual, r.Actual)
		assert.InDelta(t, rows[x].Predicted, r.Predicted, 1e-9)
	}
	assert.Equal(t, int64(1411), h.ByFrequency[0].Customers) // no repeat purchase in calibration
	assert.Equal(t, int64(334), h.ByFrequency[0].Actual)

	// The table marshals with snake_case keys.
	j, err := json.Marshal(h.ByFrequency[7])
	require.NoError(t, err)
	assert.JSONEq(t, `{"x":7,"customers":64,"actual":407,"predicted":`+string(mustJSON(t, h.ByFrequency[7].Predicted))+`}`, string(j))
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	j, err := json.Marshal(v)
	require.NoError(t, err)
	return j
}

func TestCompareHoldoutErrors(t *testing.T) {
	base := btyd.Base{Unit: clv.Week, Holdout: 10, Customers: []btyd.Customer{{ID: "a", X: 1, Tx: 2, T: 3, HoldoutX: 2}}}
	_, err := btyd.CompareHoldout(cdnowModel, btyd.Base{Holdout: 10})
	assert.ErrorIs(t, err, clv.ErrMissing)
	_, err = btyd.CompareHoldout(cdnowModel, btyd.Base{Customers: base.Customers})
	assert.ErrorIs(t, err, clv.ErrMissing)
	_, err = btyd.CompareHoldout(btyd.BGNBD{R: 1}, base)
	assert.ErrorIs(t, err, clv.ErrNonPositive)
	bad := base
	bad.Customers = []btyd.Customer{{X: 1, Tx: 2, T: 3, HoldoutX: -1}}
	_, err = btyd.CompareHoldout(cdnowModel, bad)
	assert.ErrorIs(t, err, clv.ErrNegative)
	bad.Customers = []btyd.Customer{{X: 1, Tx: 4, T: 3}}
	_, err = btyd.CompareHoldout(cdnowModel, bad)
	assert.ErrorIs(t, err, clv.ErrInconsistent)
	h, err := btyd.CompareHoldout(cdnowModel, base)
	require.NoError(t, err)
	assert.Equal(t, int64(2), h.ByFrequency[1].Actual)
	assert.Equal(t, int64(0), h.ByFrequency[5].Customers)
}
