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

var cdnowSpend = btyd.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}

var periodDays = map[clv.Period]float64{clv.Week: 7, clv.Month: 30.4375, clv.Quarter: 91.3125, clv.Year: 365.25}

// directValue prices one customer step by step through the public
// methods: the conditional expectation at each step's end, in days
// converted to the unit, discounted by (1 + d)^(−days / days of the
// rate's period).
func directValue(t *testing.T, m btyd.BGNBD, g btyd.GammaGamma, unit clv.Period, c btyd.Customer, h btyd.Horizon, step clv.Period, rate float64, ratePeriod clv.Period, margin float64) (purchases, discounted, value float64) {
	t.Helper()
	horizon := float64(h.Length) * periodDays[h.Period]
	prev := 0.0
	for k := 1; ; k++ {
		end := math.Min(float64(k)*periodDays[step], horizon)
		e, err := m.ConditionalExpectedPurchases(c.X, c.Tx, c.T, end/periodDays[unit])
		require.NoError(t, err)
		discounted += (e - prev) * math.Pow(1+rate, -end/periodDays[ratePeriod])
		prev = e
		if end >= horizon-1e-9 {
			break
		}
	}
	spend, err := g.ExpectedSpend(c.X, c.Spend)
	require.NoError(t, err)
	return prev, discounted, margin * spend.InexactFloat64() * discounted
}

func TestValuesAgainstDirect(t *testing.T) {
	b := cdnowSummary(t).Base()
	b.Customers = b.Customers[:300]
	for _, c := range []struct {
		h          btyd.Horizon
		step       clv.Period
		rate       string
		ratePeriod clv.Period
		margin     string
	}{
		{btyd.Horizon{Length: 12, Period: clv.Month}, clv.Month, "0.01", clv.Month, "1"},
		{btyd.Horizon{Length: 1, Period: clv.Year}, clv.Week, "0.1", clv.Year, "0.4"}, // 52 weeks and a seventh
		{btyd.Horizon{Length: 3, Period: clv.Quarter}, clv.Month, "0", clv.Year, "0.25"},
		{btyd.Horizon{Length: 10, Period: clv.Year}, clv.Year, "0.12", clv.Year, "1"},
		{btyd.Horizon{Length: 5, Period: clv.Week}, clv.Quarter, "0.05", clv.Quarter, "1"}, // one step, cut at the horizon
	} {
		v, err := btyd.Values(cdnowModel, cdnowSpend, b, c.h, btyd.WithStep(c.step),
			btyd.WithDiscountRate(dec(c.rate), c.ratePeriod), btyd.WithGrossMargin(dec(c.margin)))
		require.NoError(t, err)
		require.Len(t, v.Customers, len(b.Customers))
		assert.Equal(t, c.h, v.Horizon)
		assert.Equal(t, c.step, v.Step)
		var total, totalPurchases float64
		for i, cu := range b.Customers {
			purchases, discounted, value := directValue(t, cdnowModel, cdnowSpend, b.Unit, cu, c.h, c.step,
				dec(c.rate).InexactFloat64(), c.ratePeriod, dec(c.margin).InexactFloat64())
			got := v.Customers[i]
			assert.Equal(t, cu.ID, got.ID)
			assert.InDelta(t, purchases, got.Purchases, 1e-12*purchases+1e-15)
			assert.InDelta(t, discounted, got.DiscountedPurchases, 1e-12*discounted+1e-15)
			assert.InDelta(t, value, got.Value.InexactFloat64(), 1e-9*value+1e-10, "%+v customer %d", c, i)
			pa, _ := cdnowModel.ProbAlive(cu.X, cu.Tx, cu.T)
			assert.Equal(t, pa, got.ProbAlive)
			total += value
			totalPurchases += purchases
		}
		assert.InDelta(t, total, v.Value.InexactFloat64(), 1e-9*total)
		assert.InDelta(t, totalPurchases, v.Purchases, 1e-9*totalPurchases)
	}
}

func TestValuesProperties(t *testing.T) {
	b := cdnowSummary(t).Base()
	b.Customers = b.Customers[:200]
	year := btyd.Horizon{Length: 1, Period: clv.Year}
	value := func(h btyd.Horizon, opts ...btyd.ValueOption) btyd.Valuation {
		v, err := btyd.Values(cdnowModel, cdnowSpend, b, h, opts...)
		require.NoError(t, err)
		return v
	}
	// Undiscounted, the discounted purchases are the purchases, which are
	// the conditional expectation over the horizon, and the step does not
	// matter.
	plain := value(year, btyd.WithStep(clv.Week))
	months := value(btyd.Horizon{Length: 12, Period: clv.Month})
	for i, c := range b.Customers {
		e, _ := cdnowModel.ConditionalExpectedPurchases(c.X, c.Tx, c.T, 365.25/7)
		assert.InDelta(t, e, plain.Customers[i].Purchases, 1e-12)
		assert.InDelta(t, e, plain.Customers[i].DiscountedPurchases, 1e-12)
		assert.InDelta(t, e, months.Customers[i].Purchases, 1e-12) // 12 months are a year
	}
	// Discounting lowers value, more at a higher rate; a longer horizon
	// raises it; the margin scales it.
	low := value(year, btyd.WithDiscountRate(dec("0.05"), clv.Year))
	high := value(year, btyd.WithDiscountRate(dec("0.2"), clv.Year))
	long := value(btyd.Horizon{Length: 2, Period: clv.Year}, btyd.WithDiscountRate(dec("0.2"), clv.Year))
	half := value(year, btyd.WithDiscountRate(dec("0.05"), clv.Year), btyd.WithGrossMargin(dec("0.5")))
	assert.True(t, high.Value.LessThan(low.Value) && low.Value.LessThan(plain.Value))
	assert.True(t, long.Value.GreaterThan(high.Value))
	assert.InDelta(t, low.Value.InexactFloat64()/2, half.Value.InexactFloat64(), 1e-8)
	// A monthly rate of 1 % is a yearly one of 12.68…%, over exact lengths.
	monthly := value(year, btyd.WithStep(clv.Month), btyd.WithDiscountRate(dec("0.01"), clv.Month))
	yearly := value(year, btyd.WithStep(clv.Month), btyd.WithDiscountRate(decimal.NewFromFloat(math.Pow(1.01, 12)-1), clv.Year))
	assert.InDelta(t, monthly.Value.InexactFloat64(), yearly.Value.InexactFloat64(), 1e-6)
	// Each value is rounded once to the scale; the total is rounded once
	// from the unrounded values.
	cents := value(year, btyd.WithScale(2))
	var sum decimal.Decimal
	for _, c := range cents.Customers {
		assert.LessOrEqual(t, -c.Value.Exponent(), int32(2))
		sum = sum.Add(c.Value)
	}
	assert.InDelta(t, sum.InexactFloat64(), cents.Value.InexactFloat64(), 0.005*float64(len(b.Customers)))
	assert.True(t, cents.Value.Equal(plain.Value.Round(2)), "%s %s", cents.Value, plain.Value)
}

func TestValuesErrors(t *testing.T) {
	b := btyd.Base{Unit: clv.Week, Customers: []btyd.Customer{{ID: "a", X: 2, Tx: 30.43, T: 38.86, Spend: dec("20")}, {ID: "b", T: 10}}}
	year := btyd.Horizon{Length: 1, Period: clv.Year}
	for _, c := range []struct {
		name string
		err  error
		call func() (btyd.Valuation, error)
	}{
		{"bad model", clv.ErrNonPositive, func() (btyd.Valuation, error) { return btyd.Values(btyd.BGNBD{}, cdnowSpend, b, year) }},
		{"bad spend model", clv.ErrOutOfRange, func() (btyd.Valuation, error) {
			return btyd.Values(cdnowModel, btyd.GammaGamma{P: 1, Q: 2, Gamma: math.NaN()}, b, year)
		}},
		{"no horizon", clv.ErrNonPositive, func() (btyd.Valuation, error) { return btyd.Values(cdnowModel, cdnowSpend, b, btyd.Horizon{}) }},
		{"a long horizon", clv.ErrOutOfRange, func() (btyd.Valuation, error) {
			return btyd.Values(cdnowModel, cdnowSpend, b, btyd.Horizon{Length: 1001, Period: clv.Year})
		}},
		{"unknown period", clv.ErrUnknownPeriod, func() (btyd.Valuation, error) {
			return btyd.Values(cdnowModel, cdnowSpend, b, btyd.Horizon{Length: 1, Period: 7})
		}},
		{"unknown step", clv.ErrUnknownPeriod, func() (btyd.Valuation, error) {
			return btyd.Values(cdnowModel, cdnowSpend, b, year, btyd.WithStep(-1))
		}},
		{"unknown unit", clv.ErrUnknownPeriod, func() (btyd.Valuation, error) {
			return btyd.Values(cdnowModel, cdnowSpend, btyd.Base{Unit: 5}, year)
		}},
		{"negative rate", clv.ErrNegative, func() (btyd.Valuation, error) {
			return btyd.Values(cdnowModel, cdnowSpend, b, year, btyd.WithDiscountRate(dec("-0.1"), clv.Year))
		}},
		{"unknown rate period", clv.ErrUnknownPeriod, func() (btyd.Valuation, error) {
			return btyd.Values(cdnowModel, cdnowSpend, b, year, btyd.WithDiscountRate(dec("0.1"), 8))
		}},
		{"margin above 1", clv.ErrAboveOne, func() (btyd.Valuation, error) {
			return btyd.Values(cdnowModel, cdnowSpend, b, year, btyd.WithGrossMargin(dec("1.5")))
		}},
		{"negative margin", clv.ErrNegative, func() (btyd.Valuation, error) {
			return btyd.Values(cdnowModel, cdnowSpend, b, year, btyd.WithGrossMargin(dec("-0.5")))
		}},
		{"scale", clv.ErrOutOfRange, func() (btyd.Valuation, error) {
			return btyd.Values(cdnowModel, cdnowSpend, b, year, btyd.WithScale(31))
		}},
		{"bad customer", clv.ErrInconsistent, func() (btyd.Valuation, error) {
			return btyd.Values(cdnowModel, cdnowSpend, btyd.Base{Unit: clv.Week, Customers: []btyd.Customer{{X: 1, Tx: 5, T: 4}}}, year)
		}},
		{"q ≤ 1 with a new customer", clv.ErrOutOfRange, func() (btyd.Valuation, error) {
			return btyd.Values(cdnowModel, btyd.GammaGamma{P: 1, Q: 0.5, Gamma: 2}, b, year)
		}},
	} {
		v, err := c.call()
		assert.ErrorIs(t, err, c.err, c.name)
		assert.Empty(t, v.Customers, c.name)
	}
	_, err := btyd.Values(cdnowModel, cdnowSpend, b, year, nil)
	assert.NoError(t, err, "a nil option is ignored")
}

func FuzzValues(f *testing.F) {
	f.Add(0.243, 4.414, 0.793, 2.426, 6.25, 3.74, 15.44, int64(2), 30.43, 38.86, int64(22345), 12, uint8(2), uint8(1), int64(1), uint8(0))
	f.Add(50.0, 0.01, 1.0, 1e-10, 1e10, 1.0, 1e-10, int64(10_000_000), 1e7, 1e7, int64(-1), 1000, uint8(0), uint8(3), int64(1e18), uint8(3))
	f.Fuzz(func(t *testing.T, r, alpha, a, b, p, q, gamma float64, x int64, tx, T float64, spend int64, length int, period, step uint8, rate int64, ratePeriod uint8) {
		base := btyd.Base{Unit: clv.Week, Customers: []btyd.Customer{{ID: "c", X: x, Tx: tx, T: T, Spend: decimal.New(spend, -3)}}}
		v, err := btyd.Values(btyd.BGNBD{R: r, Alpha: alpha, A: a, B: b}, btyd.GammaGamma{P: p, Q: q, Gamma: gamma}, base,
			btyd.Horizon{Length: length, Period: clv.Period(period % 5)}, btyd.WithStep(clv.Period(step%5)),
			btyd.WithDiscountRate(decimal.New(rate, -4), clv.Period(ratePeriod%5)))
		if err != nil {
			if !isSentinel(err) {
				t.Fatal(err)
			}
			return
		}
		c := v.Customers[0]
		for _, f := range []float64{c.ProbAlive, c.Purchases, c.DiscountedPurchases, v.Purchases} {
			if !finite(f) || f < 0 {
				t.Fatalf("%+v", v)
			}
		}
		if c.Value.Sign() < 0 || c.DiscountedPurchases > c.Purchases*(1+1e-12) {
			t.Fatalf("%+v", v)
		}
	})
}
