package btyd_test

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"
)

// refOpportunity returns the opportunity of every that holds date d, by
// walking the boundaries of opportunities from the calibration end c, one
// at a time: for weeks, c − 7j back (or c + 7j forward), the j with
// c − 7(j + 1) < d ≤ c − 7j being opportunity −j; for calendar periods,
// the first days of periods that the time package's AddDate gives, from
// the first day of c's period.
func refOpportunity(every clv.Period, calEnd, d time.Time) int64 {
	if every == clv.Week {
		days := int64(d.Sub(calEnd) / (24 * time.Hour))
		if days <= 0 {
			j := int64(0)
			for !(-7*(j+1) < days) {
				j++
			}
			return -j
		}
		j := int64(1)
		for !(days <= 7*j) {
			j++
		}
		return j
	}
	months := map[clv.Period]int{clv.Month: 1, clv.Quarter: 3, clv.Year: 12}[every]
	first := time.Date(calEnd.Year(), calEnd.Month()-time.Month((int(calEnd.Month())-1)%months), 1, 0, 0, 0, 0, time.UTC)
	start := func(j int64) time.Time { return first.AddDate(0, int(j)*months, 0) }
	j := int64(0)
	for d.Before(start(j)) {
		j--
	}
	for !d.Before(start(j + 1)) {
		j++
	}
	return j
}

// refHoldout returns n*, the opportunities of every after the calibration
// end whose last day is on or before the holdout end, counted one at a
// time.
func refHoldout(every clv.Period, calEnd, holdEnd time.Time) int64 {
	n := int64(0)
	for refOpportunity(every, calEnd, holdEnd.AddDate(0, 0, 1)) > n+1 {
		n++
	}
	return n
}

// opportunities is the slow, obvious count of r's customers at
// opportunities of every, from each customer's dated amounts.
func (r *refSummary) opportunities(every clv.Period, holdout bool) ([]btyd.DiscreteCustomer, []btyd.DiscreteHistory, int64) {
	var nStar int64
	if holdout {
		nStar = refHoldout(every, r.calEnd, r.holdEnd)
	}
	var out []btyd.DiscreteCustomer
	weights := map[[3]int64]int64{}
	for _, id := range r.order {
		var dates []time.Time
		for d := range r.days[id] {
			dates = append(dates, d)
		}
		slices.SortFunc(dates, time.Time.Compare)
		if dates[0].After(r.calEnd) {
			continue
		}
		f := refOpportunity(every, r.calEnd, dates[0])
		c := btyd.DiscreteCustomer{ID: id, N: -f, Spend: decimal.Zero}
		bought := map[int64]bool{}
		held := map[int64]bool{}
		repeatDays, inRepeat, last := int64(0), int64(0), f
		amounts := decimal.Zero
		for _, d := range dates[1:] {
			k := refOpportunity(every, r.calEnd, d)
			switch {
			case k <= 0:
				repeatDays++
				amounts = amounts.Add(r.days[id][d])
				if k > f {
					inRepeat++
					bought[k] = true
					last = max(last, k)
				}
			case k <= nStar:
				held[k] = true
			}
		}
		c.X, c.HoldoutX = int64(len(bought)), int64(len(held))
		if c.X > 0 {
			c.Tx = last - f
			c.Spend = amounts.Mul(decimal.NewFromInt(inRepeat)).DivRound(decimal.NewFromInt(repeatDays*c.X), clv.DefaultScale)
		}
		out = append(out, c)
		if c.N > 0 {
			weights[[3]int64{c.X, c.Tx, c.N}]++
		}
	}
	var hs []btyd.DiscreteHistory
	for k, w := range weights {
		hs = append(hs, btyd.DiscreteHistory{X: k[0], Tx: k[1], N: k[2], Weight: w})
	}
	slices.SortFunc(hs, func(a, b btyd.DiscreteHistory) int {
		return cmp.Or(cmp.Compare(a.N, b.N), cmp.Compare(a.Tx, b.Tx), cmp.Compare(a.X, b.X))
	})
	return out, hs, nStar
}

// On random logs, with purchases on and beside the boundaries of weekly
// and monthly opportunities, Opportunities gives each customer the figures
// of the slow count, for every period, without a holdout, with one of
// whole periods and with one that ends in mid-period. Yearly opportunities
// count to 2023-12-31, the others to 2024-06-30.
func TestOpportunitiesMatchReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	var sawNew, sawHoldout, sawMany bool
	for round := range 16 {
		every := []clv.Period{clv.Week, clv.Month, clv.Quarter, clv.Year}[round%4]
		calEnd := randomCalibrationEnd
		if every == clv.Year {
			calEnd = day("2023-12-31")
		}
		log := randomLog(rng, 200+rng.IntN(1500))
		// Purchases on the last day of opportunities and the day after,
		// at 23:00 UTC, which is the next day east of UTC: weeks back
		// from the calibration end, and months.
		for j := range 30 {
			next := calEnd.AddDate(0, 0, 1).AddDate(0, -j, 0)
			if every == clv.Week {
				next = calEnd.AddDate(0, 0, 1-7*j)
			}
			for _, off := range []int{-1, 0} {
				log = append(log, clv.Purchase{Customer: "edge-" + string(rune('a'+j%7)),
					Time: next.AddDate(0, 0, off).Add(23 * time.Hour).In(time.FixedZone("+14", 14*3600)), Amount: dec("5.00")})
			}
		}
		holdout := round%8 < 4
		opts := []btyd.SummaryOption{btyd.WithUnit(clv.Week)}
		end := randomHoldoutEnd
		switch {
		case round >= 8 && holdout:
			end = day("2025-02-20") // mid-month, mid-quarter, mid-year
			opts = append(opts, btyd.WithHoldout(end))
		case holdout:
			opts = append(opts, btyd.WithHoldout(end))
		default:
			end = calEnd
		}
		ref := newRefSummary(7, calEnd, end)
		s, err := btyd.NewSummarizer(calEnd, opts...)
		require.NoError(t, err)
		for _, p := range log {
			ref.add(p)
			require.NoError(t, s.Add(p))
		}
		want, wantHistories, nStar := ref.opportunities(every, holdout)
		o, err := s.Opportunities(every)
		require.NoError(t, err)
		assert.Equal(t, every, o.Every)
		assert.Equal(t, nStar, o.Holdout, "%s", every)
		byID := map[string]btyd.DiscreteCustomer{}
		for _, c := range want {
			byID[c.ID] = c
		}
		base := s.Base().Customers
		require.Len(t, o.Customers, len(base))
		require.Len(t, o.Customers, len(want))
		var fresh, weight int64
		for i, c := range o.Customers {
			assert.Equal(t, base[i].ID, c.ID, "the Base's order")
			w := byID[c.ID]
			assert.True(t, w.Equal(c), "%s, %s: want %+v, got %+v", every, c.ID, w, c)
			if c.N == 0 {
				fresh++
			}
			if c.X > 5 {
				sawMany = true
			}
			sawHoldout = sawHoldout || c.HoldoutX > 0
		}
		for _, h := range o.Histories {
			weight += h.Weight
		}
		assert.Equal(t, fresh, o.New)
		assert.Equal(t, int64(len(o.Customers)), weight+o.New)
		assert.Equal(t, wantHistories, o.Histories, "%s", every)
		sawNew = sawNew || fresh > 0
	}
	assert.True(t, sawNew && sawHoldout && sawMany, "the logs hold customers with n = 0, holdout purchases and many repeats")
}

// A customer who buys on boundary days: weekly opportunities end on the
// calibration end and every 7 days before it.
func TestOpportunitiesBoundaries(t *testing.T) {
	calEnd := day("2024-06-30")
	s, err := btyd.NewSummarizer(calEnd, btyd.WithHoldout(day("2024-07-25")))
	require.NoError(t, err)
	for _, p := range []clv.Purchase{
		// a: first on the last day of opportunity −3, then −2's last day
		// twice, opportunity 0's first day, and holdout weeks 1, 1, 3, and
		// 4, a partial one, left out.
		{Customer: "a", Time: day("2024-06-09"), Amount: dec("10")},
		{Customer: "a", Time: day("2024-06-16"), Amount: dec("20")},
		{Customer: "a", Time: day("2024-06-16").Add(5 * time.Hour), Amount: dec("2")},
		{Customer: "a", Time: day("2024-06-24"), Amount: dec("30")},
		{Customer: "a", Time: day("2024-07-01"), Amount: dec("1")},
		{Customer: "a", Time: day("2024-07-07"), Amount: dec("1")},
		{Customer: "a", Time: day("2024-07-21"), Amount: dec("1")},
		{Customer: "a", Time: day("2024-07-25"), Amount: dec("1")},
		// b: first on the calibration end's week's first day, again on
		// the calibration end: n = 0.
		{Customer: "b", Time: day("2024-06-24"), Amount: dec("10")},
		{Customer: "b", Time: day("2024-06-30"), Amount: dec("7")},
		// c: twice in the trial week, once in the next: D = 1 of R = 2.
		{Customer: "c", Time: day("2024-06-10"), Amount: dec("10")},
		{Customer: "c", Time: day("2024-06-11"), Amount: dec("4")},
		{Customer: "c", Time: day("2024-06-17"), Amount: dec("6")},
	} {
		require.NoError(t, s.Add(p))
	}
	o, err := s.Opportunities(clv.Week)
	require.NoError(t, err)
	assert.Equal(t, int64(3), o.Holdout)
	want := []btyd.DiscreteCustomer{
		{ID: "a", X: 2, Tx: 3, N: 3, Spend: dec("26"), HoldoutX: 2},
		{ID: "b", Spend: decimal.Zero},
		{ID: "c", X: 1, Tx: 1, N: 2, Spend: dec("5"), HoldoutX: 0},
	}
	require.Len(t, o.Customers, 3)
	for i := range want {
		assert.True(t, want[i].Equal(o.Customers[i]), "%+v, %+v", want[i], o.Customers[i])
	}
	assert.Equal(t, []btyd.DiscreteHistory{{X: 1, Tx: 1, N: 2, Weight: 1}, {X: 2, Tx: 3, N: 3, Weight: 1}}, o.Histories)
	assert.Equal(t, int64(1), o.New)
}

func TestOpportunitiesErrors(t *testing.T) {
	var zero btyd.Summarizer
	_, err := zero.Opportunities(clv.Year)
	assert.ErrorIs(t, err, clv.ErrMissing)

	empty, _ := btyd.NewSummarizer(day("2024-06-30"))
	_, err = empty.Opportunities(clv.Quarter)
	assert.ErrorIs(t, err, clv.ErrMissing)

	s, _ := btyd.NewSummarizer(day("2024-06-30"), btyd.WithHoldout(day("9999-12-31")))
	require.NoError(t, s.Add(clv.Purchase{Customer: "a", Time: day("2024-01-01"), Amount: dec("1")}))
	_, err = s.Opportunities(clv.Period(99))
	assert.ErrorIs(t, err, clv.ErrUnknownPeriod)
	// A calibration end in mid-period: the periods either side named.
	_, err = s.Opportunities(clv.Year)
	assert.ErrorIs(t, err, clv.ErrInconsistent)
	assert.EqualError(t, err, "btyd: opportunities: every = year: calibration end = 2024-06-30: clv: inconsistent: not the last day of a year; end the calibration on 2023-12-31 or 2024-12-31")
	for _, tc := range []struct {
		every  clv.Period
		calEnd string
		msg    string
	}{
		{clv.Month, "2024-02-28", "not the last day of a month; end the calibration on 2024-01-31 or 2024-02-29"},
		{clv.Month, "2024-03-01", "not the last day of a month; end the calibration on 2024-02-29 or 2024-03-31"},
		{clv.Quarter, "2024-12-30", "not the last day of a quarter; end the calibration on 2024-09-30 or 2024-12-31"},
		{clv.Year, "0001-06-30", "not the last day of a year; end the calibration on 0000-12-31 or 0001-12-31"},
	} {
		bad, err := btyd.NewSummarizer(day(tc.calEnd))
		require.NoError(t, err)
		require.NoError(t, bad.Add(clv.Purchase{Customer: "a", Time: day(tc.calEnd), Amount: dec("1")}))
		_, err = bad.Opportunities(tc.every)
		assert.ErrorIs(t, err, clv.ErrInconsistent)
		assert.ErrorContains(t, err, tc.msg)
	}
	// Every customer first bought in the calibration end's opportunity.
	late, _ := btyd.NewSummarizer(day("2024-12-31"))
	require.NoError(t, late.Add(clv.Purchase{Customer: "a", Time: day("2024-01-02"), Amount: dec("1")}))
	_, err = late.Opportunities(clv.Year)
	assert.ErrorIs(t, err, clv.ErrInconsistent)
	assert.EqualError(t, err, "btyd: opportunities: every = year: clv: inconsistent: every customer first bought in the calibration end's opportunity, the oldest on 2024-01-02: every customer has n = 0")
	_, err = s.Opportunities(clv.Week)
	assert.ErrorIs(t, err, clv.ErrOutOfRange, "a holdout of 417,000 weeks")
	o, err := s.Opportunities(clv.Quarter)
	require.NoError(t, err)
	assert.Equal(t, int64(1), o.Customers[0].N)

	old, _ := btyd.NewSummarizer(day("2024-06-30"))
	require.NoError(t, old.Add(clv.Purchase{Customer: "a", Time: day("0100-01-01"), Amount: dec("1")}))
	_, err = old.Opportunities(clv.Week)
	assert.ErrorIs(t, err, clv.ErrOutOfRange, "100,000 weeks and more")
	_, err = old.Opportunities(clv.Month)
	assert.NoError(t, err)
}

// simBGBBLog simulates the BG/BB story of customers with α, β, γ, δ
// whose first purchase falls in calendar month f before the calibration
// end c, the last day of a month: while alive, each customer buys at each
// later month with probability p ~ Beta(α, β), on a day drawn inside it,
// sometimes twice, and dies at the start of each with probability
// θ ~ Beta(γ, δ). Months after the calibration end are the holdout's.
func simBGBBLog(rng *rand.Rand, m btyd.BGBB, customers int, calEnd time.Time, firstMin, last int64) []clv.Purchase {
	src := rand.NewPCG(rng.Uint64(), rng.Uint64())
	pDist := distuv.Beta{Alpha: m.Alpha, Beta: m.Beta, Src: src}
	thetaDist := distuv.Beta{Alpha: m.Gamma, Beta: m.Delta, Src: src}
	// A day inside month k, k = 1 the month after c's.
	dayIn := func(k int64) time.Time {
		first := calEnd.AddDate(0, 0, 1).AddDate(0, int(k-1), 0)
		days := int(first.AddDate(0, 1, 0).Sub(first) / (24 * time.Hour))
		return first.AddDate(0, 0, rng.IntN(days)).Add(time.Duration(rng.IntN(24)) * time.Hour)
	}
	var log []clv.Purchase
	for i := range customers {
		id := "s" + strconv.Itoa(i)
		amount := decimal.New(int64(1000+rng.IntN(5000)), -2)
		f := firstMin + rng.Int64N(1-firstMin)
		log = append(log, clv.Purchase{Customer: id, Time: dayIn(f), Amount: amount})
		p, theta := pDist.Rand(), thetaDist.Rand()
		for k := f + 1; k <= last; k++ {
			if rng.Float64() < theta {
				break
			}
			if rng.Float64() < p {
				log = append(log, clv.Purchase{Customer: id, Time: dayIn(k), Amount: amount})
				if rng.IntN(8) == 0 {
					log = append(log, clv.Purchase{Customer: id, Time: dayIn(k), Amount: amount})
				}
			}
		}
	}
	return log
}

// A log of customers who buy by the BG/BB story at monthly opportunities
// gives back, through Opportunities and FitBGBB, the parameters it was
// made with, within a few standard errors, and the holdout it predicts.
func TestOpportunitiesRecoverBGBB(t *testing.T) {
	truth := btyd.BGBB{Alpha: 1.2, Beta: 0.75, Gamma: 0.66, Delta: 2.78}
	calEnd := day("2024-06-30")
	rng := rand.New(rand.NewPCG(11, 12))
	log := simBGBBLog(rng, truth, 8000, calEnd, -12, 6)
	s, err := btyd.NewSummarizer(calEnd, btyd.WithHoldout(calEnd.AddDate(0, 6, 2)), btyd.WithUnit(clv.Month))
	require.NoError(t, err)
	require.NoError(t, s.AddAll(slices.Values(log)))
	o, err := s.Opportunities(clv.Month)
	require.NoError(t, err)
	assert.Equal(t, int64(6), o.Holdout)
	assert.Greater(t, o.New, int64(0), "first purchases in opportunity 0")
	// At most Σ_{n=1}^{12} (n + 1)(n + 2)/2 = 454 distinct histories.
	assert.LessOrEqual(t, len(o.Histories), 454, "distinct histories, not customers")
	fit, err := btyd.FitBGBB(o.Histories)
	require.NoError(t, err)
	assert.Equal(t, int64(8000)-o.New, fit.Stats.Customers)
	got := []float64{fit.Model.Alpha, fit.Model.Beta, fit.Model.Gamma, fit.Model.Delta}
	want := []float64{truth.Alpha, truth.Beta, truth.Gamma, truth.Delta}
	se := []float64{fit.StdErr.Alpha, fit.StdErr.Beta, fit.StdErr.Gamma, fit.StdErr.Delta}
	for i := range got {
		assert.InDelta(t, want[i], got[i], 4*se[i], "%s = %v ± %v", fit.Stats.Parameters[i], got[i], se[i])
		assert.Less(t, se[i], 0.3*want[i], fit.Stats.Parameters[i])
	}
	h, err := btyd.CompareDiscreteHoldout(fit.Model, o)
	require.NoError(t, err)
	assert.Equal(t, int64(8000), h.Customers)
	assert.InEpsilon(t, float64(h.Actual), h.Predicted, 0.05, "%d actual, %.1f predicted", h.Actual, h.Predicted)
}

// CompareDiscreteHoldout's predictions are BG/BB's conditional
// expectations, a new customer's for n = 0.
func TestCompareDiscreteHoldout(t *testing.T) {
	m := btyd.BGBB{Alpha: 1.204, Beta: 0.750, Gamma: 0.657, Delta: 2.783}
	o := btyd.Opportunities{Every: clv.Year, Holdout: 5, Customers: []btyd.DiscreteCustomer{
		{ID: "a", X: 3, Tx: 6, N: 6, HoldoutX: 4},
		{ID: "b", X: 0, Tx: 0, N: 6, HoldoutX: 0},
		{ID: "c", X: 0, Tx: 0, N: 0, HoldoutX: 2},
		{ID: "d", X: 9, Tx: 10, N: 12, HoldoutX: 1},
	}}
	h, err := btyd.CompareDiscreteHoldout(m, o)
	require.NoError(t, err)
	ea, _ := m.ConditionalExpectedPurchases(3, 6, 6, 5)
	eb, _ := m.ConditionalExpectedPurchases(0, 0, 6, 5)
	ec, _ := m.ExpectedPurchases(5)
	ed, _ := m.ConditionalExpectedPurchases(9, 10, 12, 5)
	assert.Equal(t, 5.0, h.Length)
	assert.Equal(t, int64(4), h.Customers)
	assert.Equal(t, int64(7), h.Actual)
	assert.InDelta(t, eb+ec, h.ByFrequency[0].Predicted, 1e-12)
	assert.Equal(t, int64(2), h.ByFrequency[0].Actual)
	assert.InDelta(t, ea, h.ByFrequency[3].Predicted, 1e-12)
	assert.InDelta(t, ed, h.ByFrequency[7].Predicted, 1e-12)
	assert.InDelta(t, ea+eb+ec+ed, h.Predicted, 1e-12)

	// errors
	bad := o
	bad.Holdout = 0
	_, err = btyd.CompareDiscreteHoldout(m, bad)
	assert.ErrorIs(t, err, clv.ErrMissing)
	_, err = btyd.CompareDiscreteHoldout(m, btyd.Opportunities{Holdout: 1})
	assert.ErrorIs(t, err, clv.ErrMissing)
	_, err = btyd.CompareDiscreteHoldout(btyd.BGBB{}, o)
	assert.ErrorIs(t, err, clv.ErrNonPositive)
	for _, c := range []btyd.DiscreteCustomer{{X: 1, N: 0}, {X: 2, Tx: 1, N: 3}, {N: 2, HoldoutX: 6}} {
		bad.Holdout, bad.Customers = 5, []btyd.DiscreteCustomer{c}
		_, err = btyd.CompareDiscreteHoldout(m, bad)
		assert.ErrorIs(t, err, clv.ErrInconsistent, "%+v", c)
	}
	bad.Customers = []btyd.DiscreteCustomer{{N: 2, HoldoutX: -1}}
	_, err = btyd.CompareDiscreteHoldout(m, bad)
	assert.ErrorIs(t, err, clv.ErrNegative)
}

// DiscreteValues sums each opportunity's increment of the conditional
// expectation, discounted to its end, as the public methods give them.
func TestDiscreteValues(t *testing.T) {
	m := btyd.BGBB{Alpha: 1.204, Beta: 0.750, Gamma: 0.657, Delta: 2.783}
	g := btyd.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}
	o := btyd.Opportunities{Every: clv.Month, Customers: []btyd.DiscreteCustomer{
		{ID: "a", X: 3, Tx: 6, N: 6, Spend: dec("20.50")},
		{ID: "b", X: 0, Tx: 0, N: 6, Spend: decimal.Zero},
		{ID: "c", X: 0, Tx: 0, N: 0, Spend: decimal.Zero},
		{ID: "d", X: 9, Tx: 10, N: 12, Spend: dec("7.25")},
		{ID: "e", X: 3, Tx: 6, N: 6, Spend: dec("20.50")},
	}}
	// 2 quarters are 6 months; 0.1 a year is 1.1^(30.4375/365.25) − 1 a month.
	h := btyd.Horizon{Length: 2, Period: clv.Quarter}
	v, err := btyd.DiscreteValues(m, g, o, h, btyd.WithDiscountRate(dec("0.1"), clv.Year), btyd.WithGrossMargin(dec("0.4")), btyd.WithScale(4))
	require.NoError(t, err)
	assert.Equal(t, btyd.Horizon{Length: 6, Period: clv.Month}, v.Horizon)
	assert.Equal(t, clv.Month, v.Step)
	expect := func(c btyd.DiscreteCustomer, k int64) float64 {
		if c.N == 0 {
			e, err := m.ExpectedPurchases(k)
			require.NoError(t, err)
			return e
		}
		e, err := m.ConditionalExpectedPurchases(c.X, c.Tx, c.N, k)
		require.NoError(t, err)
		return e
	}
	total, purchases := 0.0, 0.0
	for i, c := range o.Customers {
		discounted := 0.0
		for k := int64(1); k <= 6; k++ {
			discounted += (expect(c, k) - expect(c, k-1)) * math.Pow(1.1, -float64(k)/12)
		}
		alive := m.Delta / (m.Gamma + m.Delta)
		if c.N > 0 {
			alive, err = m.ProbAlive(c.X, c.Tx, c.N)
			require.NoError(t, err)
		}
		spend, err := g.ExpectedSpend(c.X, c.Spend)
		require.NoError(t, err)
		got := v.Customers[i]
		assert.Equal(t, c.ID, got.ID)
		assert.InDelta(t, alive, got.ProbAlive, 1e-12, c.ID)
		assert.InDelta(t, expect(c, 6), got.Purchases, 1e-12, c.ID)
		assert.InDelta(t, discounted, got.DiscountedPurchases, 1e-12, c.ID)
		assert.Less(t, got.DiscountedPurchases, got.Purchases)
		assert.True(t, spend.Round(4).Equal(got.Spend), "%s: %s, %s", c.ID, spend, got.Spend)
		value := 0.4 * spend.InexactFloat64() * discounted
		assert.InDelta(t, value, got.Value.InexactFloat64(), 0.00005+1e-9*value, c.ID)
		total += value
		purchases += got.Purchases
	}
	assert.True(t, v.Customers[0].Value.Equal(v.Customers[4].Value), "the same history, the same value")
	assert.InDelta(t, purchases, v.Purchases, 1e-12)
	assert.InDelta(t, total, v.Value.InexactFloat64(), 0.00005)

	// errors
	for _, tc := range []struct {
		h    btyd.Horizon
		opts []btyd.ValueOption
		err  error
	}{
		{btyd.Horizon{Length: 2, Period: clv.Week}, nil, clv.ErrInconsistent},
		{btyd.Horizon{Length: 0, Period: clv.Month}, nil, clv.ErrNonPositive},
		{btyd.Horizon{Length: 1001, Period: clv.Year}, nil, clv.ErrOutOfRange},
		{btyd.Horizon{Length: 1, Period: clv.Period(99)}, nil, clv.ErrUnknownPeriod},
		{h, []btyd.ValueOption{btyd.WithStep(clv.Week)}, clv.ErrInconsistent},
		{h, []btyd.ValueOption{btyd.WithStep(clv.Month)}, nil},
		{h, []btyd.ValueOption{btyd.WithGrossMargin(dec("1.5"))}, clv.ErrAboveOne},
		{h, []btyd.ValueOption{btyd.WithDiscountRate(dec("-0.1"), clv.Year)}, clv.ErrNegative},
		{h, []btyd.ValueOption{btyd.WithScale(31)}, clv.ErrOutOfRange},
	} {
		_, err := btyd.DiscreteValues(m, g, o, tc.h, tc.opts...)
		if tc.err == nil {
			assert.NoError(t, err)
			continue
		}
		assert.ErrorIs(t, err, tc.err, "%+v", tc.h)
	}
	_, err = btyd.DiscreteValues(m, btyd.GammaGamma{}, o, h)
	assert.ErrorIs(t, err, clv.ErrNonPositive)
	bad := o
	bad.Customers = []btyd.DiscreteCustomer{{ID: "x", X: 1, Tx: 1, N: 2, Spend: dec("-1")}}
	_, err = btyd.DiscreteValues(m, g, bad, h)
	assert.ErrorIs(t, err, clv.ErrNegative)
	bad.Customers = []btyd.DiscreteCustomer{{ID: "x", X: 1, N: 0, Spend: dec("1")}}
	_, err = btyd.DiscreteValues(m, g, bad, h)
	assert.ErrorIs(t, err, clv.ErrInconsistent)
}

// Issue 20, point 3: monthly opportunities are calendar months. A customer
// who buys on the 1st of every month of 2024 and one who buys on the 28th
// have had the same opportunities and taken every one: the first
// purchase's month, January, is the trial, and x = t_x = n = 11 for both,
// with the same expectations and value. At opportunities of 30.4375 days
// counted back from 2024-12-31 the first had x = 9 and the second 11.
func TestOpportunitiesCalendarMonths(t *testing.T) {
	s, err := btyd.NewSummarizer(day("2024-12-31"), btyd.WithUnit(clv.Month))
	require.NoError(t, err)
	for m := time.January; m <= time.December; m++ {
		for _, c := range []struct {
			id  string
			day int
		}{{"on the 1st", 1}, {"on the 28th", 28}, {"on the last", 0}} {
			when := time.Date(2024, m, c.day, 12, 0, 0, 0, time.UTC)
			if c.day == 0 {
				when = time.Date(2024, m+1, 0, 23, 59, 0, 0, time.UTC)
			}
			require.NoError(t, s.Add(clv.Purchase{Customer: c.id, Time: when, Amount: dec("10")}))
		}
	}
	o, err := s.Opportunities(clv.Month)
	require.NoError(t, err)
	require.Len(t, o.Customers, 3)
	for _, c := range o.Customers {
		assert.True(t, c.Equal(btyd.DiscreteCustomer{ID: c.ID, X: 11, Tx: 11, N: 11, Spend: dec("10")}), "%+v", c)
	}
	assert.Equal(t, []btyd.DiscreteHistory{{X: 11, Tx: 11, N: 11, Weight: 3}}, o.Histories)
	g := btyd.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}
	v, err := btyd.DiscreteValues(exampleBGBB, g, o, btyd.Horizon{Length: 1, Period: clv.Year}, btyd.WithDiscountRate(dec("0.1"), clv.Year))
	require.NoError(t, err)
	want, err := exampleBGBB.ConditionalExpectedPurchases(11, 11, 11, 12)
	require.NoError(t, err)
	for _, c := range v.Customers {
		assert.Equal(t, want, c.Purchases, c.ID)
		assert.True(t, c.Value.Equal(v.Customers[0].Value), "%s: %s, %s", c.ID, c.Value, v.Customers[0].Value)
	}
}

// Issue 20, point 3: a holdout of one calendar year after a calibration
// that ends on 31 December has one yearly opportunity, as a holdout of one
// calendar month or quarter has one of its period; 365 days are less than
// the 365.25 of an exact year, which counted none.
func TestOpportunitiesCalendarHoldout(t *testing.T) {
	// A customer buys on the holdout's first and last days; the last is
	// left out when it falls in a partial opportunity.
	for _, tc := range []struct {
		every           clv.Period
		calEnd, holdEnd string
		holdout, x      int64
	}{
		{clv.Year, "2024-12-31", "2025-12-31", 1, 1},
		{clv.Year, "2023-12-31", "2024-12-31", 1, 1}, // a leap year
		{clv.Year, "2024-12-31", "2026-12-30", 1, 1}, // a day short of two
		{clv.Quarter, "2024-12-31", "2025-03-31", 1, 1},
		{clv.Quarter, "2024-12-31", "2025-12-31", 4, 2},
		{clv.Month, "2025-01-31", "2025-02-28", 1, 1},
		{clv.Month, "2024-12-31", "2025-12-31", 12, 2},
		{clv.Week, "2024-12-31", "2025-01-07", 1, 1},
		{clv.Week, "2024-12-31", "2025-01-06", 0, 0},
	} {
		s, err := btyd.NewSummarizer(day(tc.calEnd), btyd.WithHoldout(day(tc.holdEnd)))
		require.NoError(t, err)
		for _, p := range []clv.Purchase{
			{Customer: "a", Time: day("2020-02-29"), Amount: dec("50")},
			{Customer: "a", Time: day(tc.calEnd).AddDate(0, 0, 1), Amount: dec("50")},
			{Customer: "a", Time: day(tc.holdEnd), Amount: dec("50")},
		} {
			require.NoError(t, s.Add(p))
		}
		o, err := s.Opportunities(tc.every)
		require.NoError(t, err, "%+v", tc)
		assert.Equal(t, tc.holdout, o.Holdout, "%+v", tc)
		assert.Equal(t, tc.x, o.Customers[0].HoldoutX, "%+v", tc)
	}
}

// Issue 20, point 5: a horizon is the nearest whole number of
// opportunities to its span, so that every model values the same span:
// 52 weeks, the command's old default, were 11 months rounded down.
func TestDiscreteValuesHorizon(t *testing.T) {
	m := btyd.BGBB{Alpha: 1.204, Beta: 0.750, Gamma: 0.657, Delta: 2.783}
	g := btyd.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}
	for _, tc := range []struct {
		every clv.Period
		h     btyd.Horizon
		n     int
	}{
		{clv.Month, btyd.Horizon{Length: 52, Period: clv.Week}, 12},
		{clv.Quarter, btyd.Horizon{Length: 52, Period: clv.Week}, 4},
		{clv.Year, btyd.Horizon{Length: 52, Period: clv.Week}, 1},
		{clv.Week, btyd.Horizon{Length: 1, Period: clv.Year}, 52},
		{clv.Month, btyd.Horizon{Length: 1, Period: clv.Year}, 12},
		{clv.Month, btyd.Horizon{Length: 3, Period: clv.Year}, 36},
		{clv.Year, btyd.Horizon{Length: 36, Period: clv.Month}, 3},
		{clv.Quarter, btyd.Horizon{Length: 2, Period: clv.Month}, 1},    // 0.67
		{clv.Year, btyd.Horizon{Length: 6, Period: clv.Month}, 1},       // a half, up
		{clv.Year, btyd.Horizon{Length: 18, Period: clv.Month}, 2},      // 1.5
		{clv.Month, btyd.Horizon{Length: 6, Period: clv.Week}, 1},       // 1.38
		{clv.Month, btyd.Horizon{Length: 7, Period: clv.Week}, 2},       // 1.61
		{clv.Week, btyd.Horizon{Length: 1000, Period: clv.Year}, 52179}, // 52,178.6
	} {
		o := btyd.Opportunities{Every: tc.every, Customers: []btyd.DiscreteCustomer{{ID: "a", X: 2, Tx: 3, N: 4, Spend: dec("20")}}}
		v, err := btyd.DiscreteValues(m, g, o, tc.h)
		require.NoError(t, err, "%+v", tc)
		assert.Equal(t, btyd.Horizon{Length: tc.n, Period: tc.every}, v.Horizon, "%+v", tc)
	}
}
