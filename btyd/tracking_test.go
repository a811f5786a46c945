package btyd_test

import (
	"math"
	"testing"
	"time"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTrackCDNOW(t *testing.T) {
	s := cdnowSummary(t)
	tr, err := btyd.Track(cdnowModel, s)
	require.NoError(t, err)
	assert.Equal(t, clv.Week, tr.Unit)
	assert.Equal(t, time.Date(1997, 1, 1, 0, 0, 0, 0, time.UTC), tr.Start)
	assert.InDelta(t, 272.0/7, tr.CalibrationEnd, 1e-12)
	// 1997-01-01 to 1998-06-30 is 545 days: 77 weeks and 6 days, in 78 steps.
	require.Len(t, tr.Steps, 78)
	assert.InDelta(t, 545.0/7, tr.Steps[77].End, 1e-12)
	assert.Equal(t, 1.0, tr.Steps[0].End)
	// Every repeat purchase is counted by the end: 2,457 in the
	// calibration and 1,882 in the holdout.
	assert.Equal(t, int64(2457+1882), tr.Steps[77].Actual)

	// Against each customer counted on their own: actual repeat days from
	// the log, expected purchases from their age at each step.
	base := s.Base()
	log := cdnow(t)
	first := map[string]time.Time{}
	for _, p := range log {
		if f, ok := first[p.Customer]; !ok || p.Time.Before(f) {
			first[p.Customer] = p.Time
		}
	}
	for _, k := range []int{0, 10, 38, 39, 77} {
		step := tr.Steps[k]
		endDay := tr.Start.Add(time.Duration(math.Round(step.End*7*24)) * time.Hour)
		days := map[string]map[time.Time]bool{}
		for _, p := range log {
			if p.Time.After(first[p.Customer]) && !p.Time.After(endDay) {
				if days[p.Customer] == nil {
					days[p.Customer] = map[time.Time]bool{}
				}
				days[p.Customer][p.Time] = true
			}
		}
		var actual int64
		for _, d := range days {
			actual += int64(len(d))
		}
		assert.Equal(t, actual, step.Actual, "step %d", k+1)
		var expected float64
		for _, c := range base.Customers {
			age := step.End - (tr.CalibrationEnd - c.T)
			if age > 0 {
				e, err := cdnowModel.ExpectedPurchases(age)
				require.NoError(t, err)
				expected += e
			}
		}
		assert.InEpsilon(t, expected, step.Expected, 1e-9, "step %d", k+1)
	}
	// Both rise, and the model tracks the holdout within a few per cent,
	// as in Fader, Hardie and Lee's figure.
	for k := 1; k < len(tr.Steps); k++ {
		assert.GreaterOrEqual(t, tr.Steps[k].Actual, tr.Steps[k-1].Actual)
		assert.Greater(t, tr.Steps[k].Expected, tr.Steps[k-1].Expected)
	}
	last := tr.Steps[77]
	assert.InEpsilon(t, float64(last.Actual), last.Expected, 0.06)
}

func TestTrackErrors(t *testing.T) {
	s, _ := btyd.NewSummarizer(day("2024-12-31"))
	_, err := btyd.Track(cdnowModel, s)
	require.ErrorIs(t, err, clv.ErrMissing)
	_, err = btyd.Track(cdnowModel, &btyd.Summarizer{})
	require.ErrorIs(t, err, clv.ErrMissing)
	_, err = btyd.Track(cdnowModel, nil)
	require.ErrorIs(t, err, clv.ErrMissing)
	_, err = btyd.Track(btyd.BGNBD{}, s)
	require.ErrorIs(t, err, clv.ErrNonPositive)

	// A base over millennia in weeks is refused, quickly.
	require.NoError(t, s.Add(clv.Purchase{Customer: "a", Time: day("0001-01-02")}))
	require.NoError(t, s.Add(clv.Purchase{Customer: "a", Time: day("2024-01-01")}))
	_, err = btyd.Track(cdnowModel, s)
	require.ErrorIs(t, err, clv.ErrOutOfRange)

	// One day of one customer is one step.
	one, _ := btyd.NewSummarizer(day("2024-12-31"))
	require.NoError(t, one.Add(clv.Purchase{Customer: "a", Time: day("2024-12-31")}))
	tr, err := btyd.Track(cdnowModel, one)
	require.NoError(t, err)
	require.Len(t, tr.Steps, 1)
	assert.Equal(t, btyd.TrackingStep{}, tr.Steps[0])
}

func TestNilModel(t *testing.T) {
	s := cdnowSummary(t)
	_, err := btyd.Track(nil, s)
	require.ErrorIs(t, err, clv.ErrMissing)
	b := s.Base()
	_, err = btyd.CompareHoldout(nil, b)
	require.ErrorIs(t, err, clv.ErrMissing)
	_, err = btyd.Values(nil, btyd.GammaGamma{P: 6, Q: 4, Gamma: 15}, b, btyd.Horizon{Length: 1})
	require.ErrorIs(t, err, clv.ErrMissing)
}
