package btyd_test

import (
	"slices"
	"testing"
	"time"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMeanSpend(t *testing.T) {
	for _, c := range []struct {
		name      string
		customers []btyd.Customer
		want      string
	}{
		// Each repeat purchase weighs one: (2 × 10 + 1 × 40) / 3.
		{"by purchases", []btyd.Customer{{X: 2, Spend: dec("10")}, {X: 1, Spend: dec("40")}, {X: 0, Spend: dec("0")}}, "20"},
		// A repeat customer whose purchases were of no value counts.
		{"zero spend", []btyd.Customer{{X: 3, Spend: dec("12")}, {X: 1, Spend: dec("0")}}, "9"},
		// Rounded once, half away from zero, to 10 places: 1 / 3.
		{"rounding", []btyd.Customer{{X: 3, Spend: dec("0.3333333333")}, {X: 1, Spend: dec("0.0000000001")}}, "0.2500000000"},
		{"a third", []btyd.Customer{{X: 1, Spend: dec("1")}, {X: 2, Spend: dec("0")}}, "0.3333333333"},
		{"a half up", []btyd.Customer{{X: 1, Spend: dec("0.0000000001")}, {X: 1, Spend: dec("0")}}, "0.0000000001"},
	} {
		f, err := btyd.MeanSpend(c.customers)
		require.NoError(t, err, c.name)
		assert.True(t, f.Amount.Equal(dec(c.want)), "%s: %s", c.name, f.Amount)
	}

	// errors
	_, err := btyd.MeanSpend(nil)
	require.ErrorIs(t, err, clv.ErrMissing)
	_, err = btyd.MeanSpend([]btyd.Customer{{X: 0, Spend: dec("5")}})
	require.ErrorIs(t, err, clv.ErrMissing)
	assert.Equal(t, "btyd: mean spend: customers: clv: missing: no customer has a repeat purchase", err.Error())
	_, err = btyd.MeanSpend([]btyd.Customer{{X: 1, Spend: dec("5")}, {X: 1, Spend: dec("-5")}})
	require.ErrorIs(t, err, clv.ErrNegative)
	assert.Equal(t, "btyd: mean spend: customer 2: spend = -5.00: clv: must not be negative", err.Error())
	_, err = btyd.MeanSpend([]btyd.Customer{{X: 1e8, Spend: dec("5")}})
	require.ErrorIs(t, err, clv.ErrOutOfRange)
}

func TestFlatSpend(t *testing.T) {
	f := btyd.FlatSpend{Amount: dec("12.345678901234")}
	for _, x := range []int64{0, 1, 100} {
		got, err := f.ExpectedSpend(x, dec("1000"))
		require.NoError(t, err)
		assert.Equal(t, "12.3456789012", got.String(), "whatever x and spend, the amount, to 10 places")
	}
	zero, err := btyd.FlatSpend{}.ExpectedSpend(3, dec("5"))
	require.NoError(t, err)
	assert.True(t, zero.IsZero())

	// errors
	_, err = btyd.FlatSpend{Amount: dec("-1")}.ExpectedSpend(1, dec("1"))
	require.ErrorIs(t, err, clv.ErrNegative)
	_, err = btyd.FlatSpend{Amount: dec("1e24")}.ExpectedSpend(1, dec("1"))
	require.ErrorIs(t, err, clv.ErrOutOfRange)
	_, err = f.ExpectedSpend(-1, dec("1"))
	require.ErrorIs(t, err, clv.ErrNegative)
	_, err = f.ExpectedSpend(1, dec("-1"))
	require.ErrorIs(t, err, clv.ErrNegative)
}

// A shop whose every purchase costs the same: gamma–gamma cannot be
// fitted, its likelihood rising towards the limit of one amount for all,
// and MeanSpend is that amount; the purchase model's expectations are
// valued at it, customer by customer, as at a fitted spend model.
func TestValuesFlatSpend(t *testing.T) {
	calibrationEnd := time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC)
	log := shopLog()
	byDay := map[string]bool{}
	var flat []clv.Purchase
	for _, p := range log {
		key := p.Customer + p.Time.UTC().Format(time.DateOnly)
		if !byDay[key] { // one purchase a day, so that every day's amount is 25
			byDay[key] = true
			flat = append(flat, clv.Purchase{Customer: p.Customer, Time: p.Time, Amount: dec("25.00")})
		}
	}
	s, err := btyd.NewSummarizer(calibrationEnd)
	require.NoError(t, err)
	require.NoError(t, s.AddAll(slices.Values(flat)))
	b := s.Base()
	_, err = btyd.FitGammaGamma(b.Customers)
	require.ErrorIs(t, err, clv.ErrNoFit)
	var boundary *btyd.BoundaryError
	require.ErrorAs(t, err, &boundary)
	mean, err := btyd.MeanSpend(b.Customers)
	require.NoError(t, err)
	assert.True(t, mean.Amount.Equal(dec("25")), mean.Amount.String())

	fit, err := btyd.FitBGNBD(s.Histories())
	require.NoError(t, err)
	h := btyd.Horizon{Length: 12, Period: clv.Month}
	opts := []btyd.ValueOption{btyd.WithDiscountRate(dec("0.1"), clv.Year), btyd.WithGrossMargin(dec("0.4")), btyd.WithScale(2)}
	got, err := btyd.Values(fit.Model, mean, b, h, opts...)
	require.NoError(t, err)
	want, err := btyd.Values(fit.Model, btyd.GammaGamma{P: 6, Q: 4, Gamma: 15}, b, h, opts...)
	require.NoError(t, err)
	assert.Equal(t, want.Purchases, got.Purchases)
	total := decimal.Zero
	for i, c := range got.Customers {
		w := want.Customers[i]
		assert.Equal(t, w.ProbAlive, c.ProbAlive)
		assert.Equal(t, w.DiscountedPurchases, c.DiscountedPurchases)
		assert.True(t, c.Spend.Equal(dec("25")), c.Spend.String())
		// 0.4 × 25 = 10 a discounted purchase, to the cent.
		assert.True(t, c.Value.Equal(decimal.NewFromFloat(10*c.DiscountedPurchases).Round(2)), "%s: %s", c.ID, c.Value)
		total = total.Add(c.Value)
	}
	assert.True(t, got.Value.Sub(total).Abs().LessThanOrEqual(decimal.New(int64(len(b.Customers)), -2).Div(decimal.NewFromInt(2))))

	// BG/BB's valuation takes it too.
	o, err := s.Opportunities(clv.Month)
	require.NoError(t, err)
	bgbb, err := btyd.FitBGBB(o.Histories)
	require.NoError(t, err)
	dv, err := btyd.DiscreteValues(bgbb.Model, mean, o, h, btyd.WithScale(2))
	require.NoError(t, err)
	for _, c := range dv.Customers {
		require.True(t, c.Value.Equal(decimal.NewFromFloat(25*c.DiscountedPurchases).Round(2)), "%s: %s", c.ID, c.Value)
	}

	// A spend model that is missing, or not valid, is refused.
	_, err = btyd.Values(fit.Model, nil, b, h)
	require.ErrorIs(t, err, clv.ErrMissing)
	assert.Equal(t, "btyd: values: spend model: clv: missing", err.Error())
	_, err = btyd.DiscreteValues(bgbb.Model, nil, o, h)
	require.ErrorIs(t, err, clv.ErrMissing)
	_, err = btyd.Values(fit.Model, btyd.FlatSpend{Amount: dec("-3")}, b, h)
	require.ErrorIs(t, err, clv.ErrNegative)
}
