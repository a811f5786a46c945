package btyd_test

import (
	"testing"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// purchaseModels are a model of each kind, near their CDNOW fits.
var purchaseModels = []btyd.PurchaseModel{
	btyd.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426},
	btyd.MBGNBD{R: 0.525, Alpha: 6.183, A: 0.891, B: 1.614},
	btyd.ParetoNBD{R: 0.553, Alpha: 10.578, S: 0.606, Beta: 11.669},
}

// Through the interface, every function over a base gives what the
// model's own methods give customer by customer.
func TestPurchaseModelsThroughFunctions(t *testing.T) {
	s := cdnowSummary(t)
	b := s.Base()
	for _, m := range purchaseModels {
		h, err := btyd.CompareHoldout(m, b)
		require.NoError(t, err)
		v, err := btyd.Values(m, btyd.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}, b, btyd.Horizon{Length: 39, Period: clv.Week})
		require.NoError(t, err)
		var predicted, purchases float64
		for i, c := range b.Customers {
			e, err := m.ConditionalExpectedPurchases(c.X, c.Tx, c.T, b.Holdout)
			require.NoError(t, err)
			predicted += e
			alive, err := m.ProbAlive(c.X, c.Tx, c.T)
			require.NoError(t, err)
			assert.InDelta(t, alive, v.Customers[i].ProbAlive, 1e-12)
			assert.InDelta(t, e, v.Customers[i].Purchases, 1e-9*(1+e)) // a 39-week horizon is the holdout
			purchases += e
		}
		assert.InEpsilon(t, predicted, h.Predicted, 1e-10, "%T", m)
		assert.InEpsilon(t, purchases, v.Purchases, 1e-10, "%T", m)

		tr, err := btyd.Track(m, s)
		require.NoError(t, err)
		last := tr.Steps[len(tr.Steps)-1]
		var expected float64
		for _, c := range b.Customers {
			e, err := m.ExpectedPurchases(last.End - (tr.CalibrationEnd - c.T))
			require.NoError(t, err)
			expected += e
		}
		assert.InEpsilon(t, expected, last.Expected, 1e-9, "%T", m)
	}
}

// ValueIntervals takes any purchase fit.
func TestValueIntervalsOfEachFit(t *testing.T) {
	s := cdnowSummary(t)
	b := s.Base()
	spend, err := btyd.FitGammaGamma(b.Customers)
	require.NoError(t, err)
	bg, err := btyd.FitBGNBD(s.Histories())
	require.NoError(t, err)
	mbg, err := btyd.FitMBGNBD(s.Histories())
	require.NoError(t, err)
	pnbd, err := btyd.FitParetoNBD(s.Histories())
	require.NoError(t, err)
	h := btyd.Horizon{Length: 39, Period: clv.Week}
	for _, tc := range []struct {
		fit   btyd.PurchaseFit
		model btyd.PurchaseModel
	}{{bg, bg.Model}, {mbg, mbg.Model}, {pnbd, pnbd.Model}} {
		v, err := btyd.Values(tc.model, spend.Model, b, h)
		require.NoError(t, err)
		in, err := btyd.ValueIntervals(tc.fit, spend, b, h, btyd.WithDraws(50))
		require.NoError(t, err)
		assert.Less(t, in.Purchases.Low, v.Purchases, "%T", tc.model)
		assert.Greater(t, in.Purchases.High, v.Purchases, "%T", tc.model)
	}
	_, err = btyd.ValueIntervals(nil, spend, b, h)
	require.ErrorIs(t, err, clv.ErrMissing)
}
