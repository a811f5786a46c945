package clv_test

import (
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/clvkit/clv"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A formula case: arguments as strings, the expected result or sentinel.
type formulaCase struct {
	name string
	args []string
	want string
	err  error
}

func runFormula(t *testing.T, cases []formulaCase, f func(args []string) (decimal.Decimal, error)) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := f(tc.args)
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
				assert.True(t, strings.HasPrefix(err.Error(), "clv: "), "message %q lacks the clv: prefix", err)
				assert.True(t, got.IsZero(), "a failed call returns zero, got %s", got)
				return
			}
			require.NoError(t, err)
			assertDecimal(t, tc.want, got)
		})
	}
}

func int64Arg(s string) int64 {
	return dec(s).IntPart()
}

func TestAveragePurchaseValue(t *testing.T) {
	runFormula(t, []formulaCase{
		// worked numbers
		{"two purchases of 340 and 490", []string{"830", "2"}, "415", nil},
		{"calculator.7search.cc example", []string{"5000000", "500000"}, "10", nil},
		// zeros and rounding
		{"zero revenue", []string{"0", "3"}, "0", nil},
		{"thirds round down", []string{"1000.00", "3"}, "333.3333333333", nil},
		{"two thirds round up", []string{"2", "3"}, "0.6666666667", nil},
		{"half rounds away from zero", []string{"0.0000000001", "2"}, "0.0000000001", nil},
		{"just below half rounds down", []string{"0.0000000000999999", "2"}, "0", nil},
		{"trailing zeros beyond the scale limit", []string{"1.5000000000000000000000000000000000000000", "1"}, "1.5", nil},
		// errors
		{"no purchases", []string{"10", "0"}, "", clv.ErrNonPositive},
		{"negative purchases", []string{"10", "-1"}, "", clv.ErrNonPositive},
		{"refunds exceed sales", []string{"-0.01", "1"}, "", clv.ErrNegative},
		{"too large", []string{"1e24", "1"}, "", clv.ErrOutOfRange},
		{"too many places", []string{"0.0000000000000000000000000000001", "1"}, "", clv.ErrOutOfRange},
		{"huge exponent", []string{"1e2000000000", "1"}, "", clv.ErrOutOfRange},
		{"tiny exponent", []string{"1e-2000000000", "1"}, "", clv.ErrOutOfRange},
	}, func(a []string) (decimal.Decimal, error) {
		return clv.AveragePurchaseValue(parseLoose(a[0]), int64Arg(a[1]))
	})
}

// parseLoose parses decimals whose exponents exceed what the decimal
// package's string parser accepts by default, to reach the range checks.
func parseLoose(s string) decimal.Decimal {
	if i := strings.IndexByte(s, 'e'); i >= 0 {
		var exp int64
		if err := json.Unmarshal([]byte(s[i+1:]), &exp); err == nil {
			return decimal.New(dec(s[:i]).IntPart(), int32(exp))
		}
	}
	return dec(s)
}

func TestPurchaseFrequency(t *testing.T) {
	runFormula(t, []formulaCase{
		{"calculator.7search.cc example", []string{"500000", "200000"}, "2.5", nil},
		{"one each", []string{"7", "7"}, "1", nil},
		{"sevenths", []string{"10", "7"}, "1.4285714286", nil},
		{"no purchases", []string{"0", "1"}, "", clv.ErrNonPositive},
		{"no customers", []string{"1", "0"}, "", clv.ErrNonPositive},
		{"fewer purchases than customers", []string{"3", "5"}, "", clv.ErrInconsistent},
	}, func(a []string) (decimal.Decimal, error) {
		return clv.PurchaseFrequency(int64Arg(a[0]), int64Arg(a[1]))
	})
}

func TestCustomerValue(t *testing.T) {
	runFormula(t, []formulaCase{
		{"calculator.7search.cc example", []string{"10", "2.5"}, "25", nil},
		{"zero value", []string{"0", "2"}, "0", nil},
		// The product of rounded figures can miss revenue / customers by a
		// unit: 10 revenue, 7 purchases, 3 customers is 3.3333333333 each.
		{"product of rounded figures", []string{"1.4285714286", "2.3333333333"}, "3.3333333334", nil},
		{"negative value", []string{"-1", "2"}, "", clv.ErrNegative},
		{"zero frequency", []string{"10", "0"}, "", clv.ErrNonPositive},
		{"frequency out of range", []string{"10", "1e25"}, "", clv.ErrOutOfRange},
	}, func(a []string) (decimal.Decimal, error) {
		return clv.CustomerValue(parseLoose(a[0]), parseLoose(a[1]))
	})
}

func TestLifetimeValue(t *testing.T) {
	runFormula(t, []formulaCase{
		{"calculator.7search.cc example", []string{"25", "1.5"}, "37.5", nil},
		// glmbs.de: $300 a purchase, 5 a year, for 2 years.
		{"300 × 5 for 2 years", []string{"1500", "2"}, "3000", nil},
		{"zero value", []string{"0", "3"}, "0", nil},
		{"negative value", []string{"-5", "3"}, "", clv.ErrNegative},
		{"zero lifespan", []string{"5", "0"}, "", clv.ErrNonPositive},
		{"negative lifespan", []string{"5", "-1"}, "", clv.ErrNonPositive},
	}, func(a []string) (decimal.Decimal, error) {
		return clv.LifetimeValue(dec(a[0]), dec(a[1]))
	})
}

func TestAcquisitionCost(t *testing.T) {
	runFormula(t, []formulaCase{
		{"spend over new customers", []string{"10000", "250"}, "40", nil},
		{"free", []string{"0", "10"}, "0", nil},
		{"thirds", []string{"100", "3"}, "33.3333333333", nil},
		{"negative spend", []string{"-1", "10"}, "", clv.ErrNegative},
		{"no new customers", []string{"100", "0"}, "", clv.ErrNonPositive},
	}, func(a []string) (decimal.Decimal, error) {
		return clv.AcquisitionCost(dec(a[0]), int64Arg(a[1]))
	})
}

func TestNetLifetimeValue(t *testing.T) {
	runFormula(t, []formulaCase{
		{"profitable", []string{"300", "120"}, "180", nil},
		{"loss-making is negative, not an error", []string{"100", "150"}, "-50", nil},
		{"negative arguments are accepted", []string{"-10", "-5"}, "-5", nil},
		{"rounded once", []string{"0.000000000049", "0.00000000001"}, "0", nil},
		{"out of range", []string{"1e25", "1"}, "", clv.ErrOutOfRange},
		{"acquisition cost out of range", []string{"1", "1e25"}, "", clv.ErrOutOfRange},
	}, func(a []string) (decimal.Decimal, error) {
		return clv.NetLifetimeValue(parseLoose(a[0]), parseLoose(a[1]))
	})
}

func TestLTVToCAC(t *testing.T) {
	runFormula(t, []formulaCase{
		{"three to one", []string{"360", "120"}, "3", nil},
		{"thirds", []string{"100", "30"}, "3.3333333333", nil},
		{"zero value", []string{"0", "30"}, "0", nil},
		{"zero cost", []string{"100", "0"}, "", clv.ErrNonPositive},
		{"negative cost", []string{"100", "-1"}, "", clv.ErrNonPositive},
		{"negative value", []string{"-1", "10"}, "", clv.ErrNegative},
	}, func(a []string) (decimal.Decimal, error) {
		return clv.LTVToCAC(dec(a[0]), dec(a[1]))
	})
}

func TestPaybackPeriods(t *testing.T) {
	runFormula(t, []formulaCase{
		{"four months", []string{"120", "30"}, "4", nil},
		{"free customers pay back at once", []string{"0", "30"}, "0", nil},
		{"thirds", []string{"100", "30"}, "3.3333333333", nil},
		{"no contribution", []string{"120", "0"}, "", clv.ErrNeverPaysBack},
		{"negative contribution", []string{"120", "-5"}, "", clv.ErrNeverPaysBack},
		{"negative cost", []string{"-1", "5"}, "", clv.ErrNegative},
		{"contribution out of range", []string{"1", "1e30"}, "", clv.ErrOutOfRange},
	}, func(a []string) (decimal.Decimal, error) {
		return clv.PaybackPeriods(parseLoose(a[0]), parseLoose(a[1]))
	})
}

func TestErrorMessages(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{second(clv.PurchaseFrequency(1, 0)), "clv: purchase frequency: customers = 0: must be positive"},
		{second(clv.PurchaseFrequency(3, 5)), "clv: purchase frequency: purchases = 3 < customers = 5: inconsistent"},
		{second(clv.AveragePurchaseValue(dec("-2"), 1)), "clv: average purchase value: revenue = -2: must not be negative"},
		{second(clv.AveragePurchaseValue(decimal.New(1, 30), 1)), "clv: average purchase value: revenue = 1e30: out of range: must be below 10^24 in magnitude"},
		{second(clv.AveragePurchaseValue(decimal.New(12345, -34), 1)), "clv: average purchase value: revenue = 12345e-34: out of range: at most 30 decimal places"},
		{second(clv.AveragePurchaseValue(decimal.New(-7, -2_000_000_000), 1)), "clv: average purchase value: revenue = -7e-2000000000: out of range: at most 30 decimal places"},
		{second(clv.AveragePurchaseValue(decimal.RequireFromString("123456789012345678901234567890"), 1)),
			"clv: average purchase value: revenue = 12345678901234567890…e0: out of range: must be below 10^24 in magnitude"},
		{second(clv.LifespanFromChurn(dec("1.5"))), "clv: lifespan from churn: churn rate = 1.5: must be at most 1"},
		{second(clv.PaybackPeriods(dec("1"), dec("-1"))), "clv: payback periods: contribution per period = -1: never pays back"},
		{second(clv.ConvertChurn(dec("0.1"), clv.Period(9), clv.Year)), "clv: convert churn: from = Period(9): unknown period"},
		{second(clv.Calculate(clv.Window{Revenue: dec("1"), Purchases: 1}, clv.Lifespan{Length: dec("1")})), "clv: window: customers = 0: must be positive"},
		{second(clv.Calculate(okWindow, clv.Lifespan{Length: dec("1"), ChurnRate: dec("0.1")})), "clv: lifespan: length and churn rate both set: inconsistent"},
		{second(clv.Calculate(okWindow, clv.Lifespan{Length: dec("1")}, clv.WithGrossMargin(dec("1.2")))), "clv: WithGrossMargin: margin = 1.2: must be at most 1"},
	} {
		require.Error(t, tc.err)
		assert.Equal(t, tc.want, tc.err.Error())
	}
}

func second[T any](_ T, err error) error { return err }

var okWindow = clv.Window{Revenue: dec("120000"), Purchases: 4800, Customers: 1500}

// Worked numbers from independent sources, through the composed calculation.
func TestCalculateWorkedNumbers(t *testing.T) {
	t.Run("calculator.7search.cc", func(t *testing.T) {
		// Revenue 5,000,000 from 500,000 purchases by 200,000 customers with
		// a lifespan of 1.5 years: APV 10, APF 2.5, customer value 25,
		// CLTV 37.5.
		r, err := clv.Calculate(clv.Window{Revenue: dec("5000000"), Purchases: 500000, Customers: 200000},
			clv.Lifespan{Length: dec("1.5")})
		require.NoError(t, err)
		assertDecimal(t, "10", r.AveragePurchaseValue)
		assertDecimal(t, "2.5", r.PurchaseFrequency)
		assertDecimal(t, "25", r.CustomerValue)
		assertDecimal(t, "1.5", r.Lifespan)
		assertDecimal(t, "37.5", r.LifetimeValue)
	})
	t.Run("Kissmetrics Starbucks simple LTV", func(t *testing.T) {
		// Kissmetrics, "Calculating Lifetime Value: a case study": a weekly
		// customer value of $24.30 over a 20-year lifespan,
		// 52 × 24.30 × 20 = $25,272. The window is a week and the
		// lifespan counts years, so the units must convert.
		r, err := clv.Calculate(clv.Window{Revenue: dec("24.30"), Purchases: 1, Customers: 1, Period: clv.Week},
			clv.Lifespan{Length: dec("20"), Period: clv.Year})
		require.NoError(t, err)
		assertDecimal(t, "1040", r.Lifespan, "weeks")
		assertDecimal(t, "25272", r.LifetimeValue)
	})
	t.Run("one percent monthly churn lasts 100 months", func(t *testing.T) {
		r, err := clv.Calculate(clv.Window{Revenue: dec("50"), Purchases: 1, Customers: 1, Period: clv.Month},
			clv.Lifespan{ChurnRate: dec("0.01"), Period: clv.Month})
		require.NoError(t, err)
		assertDecimal(t, "100", r.Lifespan)
		assertDecimal(t, "5000", r.LifetimeValue)
	})
	t.Run("Gupta and Lehmann margin multiples", func(t *testing.T) {
		// Gupta & Lehmann (2003), "Customers as assets", Journal of
		// Interactive Marketing 17(1): the margin multiple r / (1 + i − r)
		// for yearly retention r and discount rate i, two decimals. The
		// churn-based discounted lifespan is that multiple plus the first,
		// undiscounted year.
		table := map[string]map[string]string{
			"0.6": {"0.10": "1.20", "0.12": "1.15", "0.14": "1.11", "0.16": "1.07"},
			"0.7": {"0.10": "1.75", "0.12": "1.67", "0.14": "1.59", "0.16": "1.52"},
			"0.8": {"0.10": "2.67", "0.12": "2.50", "0.14": "2.35", "0.16": "2.22"},
			"0.9": {"0.10": "4.50", "0.12": "4.09", "0.14": "3.75", "0.16": "3.46"},
		}
		for r, row := range table {
			for i, want := range row {
				res, err := clv.Calculate(clv.Window{Revenue: dec("1"), Purchases: 1, Customers: 1},
					clv.Lifespan{ChurnRate: one.Sub(dec(r))}, clv.WithDiscountRate(dec(i), clv.Year))
				require.NoError(t, err)
				multiple := res.DiscountedLifetimeValue.Sub(one).Round(2)
				assertDecimal(t, want, multiple, "r", r, "i", i)
			}
		}
	})
}

var one = decimal.NewFromInt(1)

func TestCalculateOptionsDefaults(t *testing.T) {
	life := clv.Lifespan{Length: dec("3")}
	bare, err := clv.Calculate(okWindow, life)
	require.NoError(t, err)
	assertDecimal(t, "25", bare.AveragePurchaseValue)
	assertDecimal(t, "3.2", bare.PurchaseFrequency)
	assertDecimal(t, "80", bare.CustomerValue)
	assertDecimal(t, "240", bare.LifetimeValue)
	assertDecimal(t, "240", bare.ProfitLifetimeValue, "margin defaults to 1")
	assertDecimal(t, "240", bare.DiscountedLifetimeValue, "no discount by default")
	assertDecimal(t, "0", bare.AcquisitionCost)
	assertDecimal(t, "0", bare.RetentionCost)
	assertDecimal(t, "240", bare.NetLifetimeValue)
	assert.False(t, bare.LTVToCAC.Valid, "no acquisition cost, no ratio")
	assert.False(t, bare.PaybackPeriods.Valid)

	// Spelling the defaults out changes nothing.
	explicit, err := clv.Calculate(okWindow, life, clv.WithGrossMargin(one), clv.WithDiscountRate(decimal.Zero, clv.Month),
		clv.WithAcquisitionCost(decimal.Zero), clv.WithRetentionCost(decimal.Zero, clv.Week), clv.WithScale(clv.DefaultScale), nil)
	require.NoError(t, err)
	assert.True(t, bare.Equal(explicit))

	// A later option of a kind replaces an earlier one.
	twice, err := clv.Calculate(okWindow, life, clv.WithGrossMargin(dec("0.1")), clv.WithGrossMargin(dec("0.5")))
	require.NoError(t, err)
	assertDecimal(t, "120", twice.ProfitLifetimeValue)
}

func TestCalculateAllOptions(t *testing.T) {
	// 120,000 a year from 1,500 customers is 80 each; 40 % margin is 32 a
	// year of profit. Three years at 10 % a year: 1 + 1/1.1 + 1/1.21 =
	// 331/121 years of value, 32 × 331/121 = 87.5371900826…. Retention at 1
	// a month is 12 a year, 12 × 331/121 = 32.8264462809…. Payback is
	// 60 / (32 − 12) = 3 years.
	r, err := clv.Calculate(okWindow, clv.Lifespan{Length: dec("3")},
		clv.WithGrossMargin(dec("0.4")), clv.WithDiscountRate(dec("0.1"), clv.Year),
		clv.WithAcquisitionCost(dec("60")), clv.WithRetentionCost(dec("1"), clv.Month))
	require.NoError(t, err)
	assertDecimal(t, "240", r.LifetimeValue)
	assertDecimal(t, "96", r.ProfitLifetimeValue)
	assertDecimal(t, "87.5371900826", r.DiscountedLifetimeValue)
	assertDecimal(t, "32.8264462810", r.RetentionCost)
	assertDecimal(t, "60", r.AcquisitionCost)
	assertDecimal(t, "-5.2892561983", r.NetLifetimeValue, "87.537… − 60 − 32.826… rounded once")
	require.True(t, r.LTVToCAC.Valid)
	assertDecimal(t, "1.4589531680", r.LTVToCAC.Decimal)
	require.True(t, r.PaybackPeriods.Valid)
	assertDecimal(t, "3", r.PaybackPeriods.Decimal)

	// Retention costing the whole margin: never pays back.
	r, err = clv.Calculate(okWindow, clv.Lifespan{Length: dec("3")}, clv.WithGrossMargin(dec("0.4")),
		clv.WithAcquisitionCost(dec("60")), clv.WithRetentionCost(dec("32"), clv.Year))
	require.NoError(t, err)
	assert.True(t, r.LTVToCAC.Valid)
	assert.False(t, r.PaybackPeriods.Valid)
	assertDecimal(t, "-60", r.NetLifetimeValue)

	// Scale 2 rounds every figure once to cents.
	r, err = clv.Calculate(okWindow, clv.Lifespan{ChurnRate: dec("0.05"), Period: clv.Month}, clv.WithScale(2))
	require.NoError(t, err)
	assertDecimal(t, "1.67", r.Lifespan, "20 months")
	assertDecimal(t, "133.33", r.LifetimeValue)
}

func TestCalculateErrors(t *testing.T) {
	life := clv.Lifespan{Length: dec("3")}
	for _, tc := range []struct {
		name string
		w    clv.Window
		life clv.Lifespan
		opts []clv.Option
		err  error
	}{
		{"no customers", clv.Window{Revenue: dec("1"), Purchases: 1}, life, nil, clv.ErrNonPositive},
		{"no purchases", clv.Window{Revenue: dec("1"), Customers: 1}, life, nil, clv.ErrNonPositive},
		{"fewer purchases than customers", clv.Window{Revenue: dec("1"), Purchases: 1, Customers: 2}, life, nil, clv.ErrInconsistent},
		{"negative revenue", clv.Window{Revenue: dec("-1"), Purchases: 1, Customers: 1}, life, nil, clv.ErrNegative},
		{"revenue out of range", clv.Window{Revenue: decimal.New(1, 24), Purchases: 1, Customers: 1}, life, nil, clv.ErrOutOfRange},
		{"unknown window period", clv.Window{Revenue: dec("1"), Purchases: 1, Customers: 1, Period: 7}, life, nil, clv.ErrUnknownPeriod},
		{"zero lifespan", okWindow, clv.Lifespan{}, nil, clv.ErrNonPositive},
		{"negative length", okWindow, clv.Lifespan{Length: dec("-3")}, nil, clv.ErrNonPositive},
		{"length and churn", okWindow, clv.Lifespan{Length: dec("3"), ChurnRate: dec("0.1")}, nil, clv.ErrInconsistent},
		{"negative churn", okWindow, clv.Lifespan{ChurnRate: dec("-0.1")}, nil, clv.ErrNonPositive},
		{"churn above one", okWindow, clv.Lifespan{ChurnRate: dec("1.1")}, nil, clv.ErrAboveOne},
		{"unknown lifespan period", okWindow, clv.Lifespan{Length: dec("3"), Period: -1}, nil, clv.ErrUnknownPeriod},
		{"lifespan beyond a million periods", okWindow, clv.Lifespan{Length: dec("1000000.01")}, nil, clv.ErrOutOfRange},
		{"negative margin", okWindow, life, []clv.Option{clv.WithGrossMargin(dec("-0.1"))}, clv.ErrNegative},
		{"margin above one", okWindow, life, []clv.Option{clv.WithGrossMargin(dec("1.01"))}, clv.ErrAboveOne},
		{"negative discount", okWindow, life, []clv.Option{clv.WithDiscountRate(dec("-0.1"), clv.Year)}, clv.ErrNegative},
		{"unknown discount period", okWindow, life, []clv.Option{clv.WithDiscountRate(dec("0.1"), 4)}, clv.ErrUnknownPeriod},
		{"negative acquisition cost", okWindow, life, []clv.Option{clv.WithAcquisitionCost(dec("-1"))}, clv.ErrNegative},
		{"negative retention cost", okWindow, life, []clv.Option{clv.WithRetentionCost(dec("-1"), clv.Month)}, clv.ErrNegative},
		{"unknown retention period", okWindow, life, []clv.Option{clv.WithRetentionCost(dec("1"), 5)}, clv.ErrUnknownPeriod},
		{"negative scale", okWindow, life, []clv.Option{clv.WithScale(-1)}, clv.ErrOutOfRange},
		{"scale above the maximum", okWindow, life, []clv.Option{clv.WithScale(clv.MaxScale + 1)}, clv.ErrOutOfRange},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := clv.Calculate(tc.w, tc.life, tc.opts...)
			require.ErrorIs(t, err, tc.err)
			assert.True(t, r.Equal(clv.Result{}), "a failed calculation returns the zero Result")
		})
	}
	// A lifespan of neither a length nor a churn rate says that a churn
	// rate of 0 would be a lifespan without end, not that its length is
	// missing.
	_, err := clv.Calculate(okWindow, clv.Lifespan{ChurnRate: decimal.Zero, Period: clv.Month})
	require.ErrorIs(t, err, clv.ErrNonPositive)
	assert.Equal(t, "clv: lifespan: length and churn rate = 0 (a churn rate of 0 loses no customer: the lifespan would be unbounded): must be positive", err.Error())
}

// randomInput draws inputs across units, forms and options. Discount rates
// may convert to a shorter period (a root) when roots is set; otherwise they
// are per lifespan period, or coarser, and every figure is rational.
func randomInput(rng *rand.Rand, roots bool) refInput {
	periods := []clv.Period{clv.Year, clv.Quarter, clv.Month, clv.Week}
	customers := 1 + rng.Int64N(5000)
	in := refInput{
		window: clv.Window{
			Revenue:   decimal.New(rng.Int64N(100_000_000), -2),
			Customers: customers,
			Purchases: customers + rng.Int64N(3*customers),
			Period:    periods[rng.IntN(4)],
		},
		margin:          decimal.New(rng.Int64N(101), -2),
		cac:             decimal.New(rng.Int64N(20000), -2),
		retention:       decimal.New(rng.Int64N(500), -2),
		retentionPeriod: periods[rng.IntN(4)],
		scale:           int32(rng.IntN(13)),
		life:            clv.Lifespan{Period: periods[rng.IntN(4)]},
	}
	if rng.IntN(2) == 0 {
		in.life.ChurnRate = decimal.New(1+rng.Int64N(1000), -3)
	} else {
		in.life.Length = decimal.New(1+rng.Int64N(600), -1)
	}
	if rng.IntN(4) > 0 {
		in.rate = decimal.New(rng.Int64N(300), -3)
		in.ratePeriod = in.life.Period
		if roots {
			in.ratePeriod = periods[rng.IntN(4)]
		} else if p := periods[rng.IntN(4)]; refPerYear[p]%refPerYear[in.life.Period] == 0 {
			in.ratePeriod = p // a finer rate compounds to the lifespan's period exactly
		}
	}
	return in
}

// Every figure equals the exact value rounded once: rational ones against
// the big.Rat reference, and those with roots against a 2,000-bit one.
func TestCalculateMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 3000 {
		in := randomInput(rng, i%3 == 0)
		got, err := clv.Calculate(in.window, in.life, in.options()...)
		require.NoError(t, err)
		if diff := refDiffers(got, refFigures(in), in.window.Period, in.scale); diff != "" {
			t.Fatalf("input %+v: %s", in, diff)
		}
	}
}

// Customer value is revenue / customers rounded once, so multiplying it
// back by customers recovers revenue to within half a unit at the scale per
// customer. APV × APF of rounded figures does not always.
func TestCustomerValueRecoversRevenue(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		in := randomInput(rng, false)
		r, err := clv.Calculate(in.window, in.life, clv.WithScale(in.scale))
		require.NoError(t, err)
		n := decimal.NewFromInt(in.window.Customers)
		halfUnit := decimal.New(5, -in.scale-1)
		gap := r.CustomerValue.Mul(n).Sub(in.window.Revenue).Abs()
		require.True(t, gap.LessThanOrEqual(halfUnit.Mul(n)), "CV %s × %s misses revenue %s by %s", r.CustomerValue, n, in.window.Revenue, gap)
	}
}

// Lifetime value rises with lifespan, margin and retention, and discounting
// never raises it.
func TestCalculateMonotone(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	calc := func(in refInput) clv.Result {
		t.Helper()
		r, err := clv.Calculate(in.window, in.life, in.options()...)
		require.NoError(t, err)
		return r
	}
	for range 1000 {
		in := randomInput(rng, true)
		base := calc(in)
		assert.True(t, base.DiscountedLifetimeValue.LessThanOrEqual(base.ProfitLifetimeValue), "discounting raised %+v", in)
		assert.True(t, base.ProfitLifetimeValue.LessThanOrEqual(base.LifetimeValue))

		longer := in
		if in.life.ChurnRate.IsZero() {
			longer.life.Length = in.life.Length.Add(decimal.New(1+rng.Int64N(50), -1))
		} else {
			longer.life.ChurnRate = in.life.ChurnRate.Mul(decimal.New(1+rng.Int64N(99), -2)) // less churn
		}
		more := calc(longer)
		assert.True(t, base.LifetimeValue.LessThanOrEqual(more.LifetimeValue), "longer life %+v", longer)
		assert.True(t, base.DiscountedLifetimeValue.LessThanOrEqual(more.DiscountedLifetimeValue), "longer life %+v", longer)

		richer := in
		richer.margin = decimal.Min(one, in.margin.Add(decimal.New(rng.Int64N(50), -2)))
		assert.True(t, base.DiscountedLifetimeValue.LessThanOrEqual(calc(richer).DiscountedLifetimeValue))

		costlier := in
		costlier.rate = in.rate.Add(decimal.New(1+rng.Int64N(100), -3))
		assert.True(t, calc(costlier).DiscountedLifetimeValue.LessThanOrEqual(base.DiscountedLifetimeValue))
	}
}

func TestJSON(t *testing.T) {
	r, err := clv.Calculate(okWindow, clv.Lifespan{ChurnRate: dec("0.05"), Period: clv.Month},
		clv.WithAcquisitionCost(dec("60")), clv.WithScale(2))
	require.NoError(t, err)
	b, err := json.Marshal(r)
	require.NoError(t, err)
	for _, key := range []string{`"period":"year"`, `"average_purchase_value":"25"`, `"purchase_frequency":"3.2"`,
		`"customer_value":"80"`, `"lifespan":"1.67"`, `"lifetime_value":"133.33"`, `"profit_lifetime_value":`,
		`"discounted_lifetime_value":`, `"acquisition_cost":"60"`, `"retention_cost":"0"`,
		`"net_lifetime_value":"73.33"`, `"ltv_to_cac":"2.22"`, `"payback_periods":"0.75"`} {
		assert.Contains(t, string(b), key)
	}
	var back clv.Result
	require.NoError(t, json.Unmarshal(b, &back))
	assert.True(t, back.Equal(r), "round trip through JSON")

	bare, err := clv.Calculate(okWindow, clv.Lifespan{Length: dec("2")})
	require.NoError(t, err)
	b, err = json.Marshal(bare)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"ltv_to_cac":null`)
	assert.Contains(t, string(b), `"payback_periods":null`)

	var w clv.Window
	require.NoError(t, json.Unmarshal([]byte(`{"revenue":"99.5","purchases":3,"customers":2,"period":"month"}`), &w))
	assert.True(t, w.Equal(clv.Window{Revenue: dec("99.50"), Purchases: 3, Customers: 2, Period: clv.Month}))
	var l clv.Lifespan
	require.NoError(t, json.Unmarshal([]byte(`{"churn_rate":"0.05","period":"week"}`), &l))
	assert.True(t, l.Equal(clv.Lifespan{ChurnRate: dec("0.050"), Period: clv.Week}))
	assert.Error(t, json.Unmarshal([]byte(`{"period":"fortnight"}`), &l))
}

func TestEqual(t *testing.T) {
	w := clv.Window{Revenue: dec("10.0"), Purchases: 2, Customers: 1}
	assert.True(t, w.Equal(clv.Window{Revenue: dec("10"), Purchases: 2, Customers: 1}))
	assert.False(t, w.Equal(clv.Window{Revenue: dec("10"), Purchases: 2, Customers: 1, Period: clv.Month}))
	assert.False(t, w.Equal(clv.Window{Revenue: dec("10.01"), Purchases: 2, Customers: 1}))

	l := clv.Lifespan{Length: dec("3")}
	assert.True(t, l.Equal(clv.Lifespan{Length: dec("3.000")}))
	assert.False(t, l.Equal(clv.Lifespan{Length: dec("3"), Period: clv.Month}))

	a, err := clv.Calculate(okWindow, l, clv.WithAcquisitionCost(dec("10")))
	require.NoError(t, err)
	b := a
	b.LTVToCAC.Decimal = b.LTVToCAC.Decimal.Add(decimal.New(1, -10))
	assert.False(t, a.Equal(b))
	b = a
	b.PaybackPeriods.Valid = false
	assert.False(t, a.Equal(b))
	assert.True(t, a.Equal(a))
}

func TestErrorsAreDistinct(t *testing.T) {
	all := []error{clv.ErrNonPositive, clv.ErrNegative, clv.ErrAboveOne, clv.ErrInconsistent,
		clv.ErrUnknownPeriod, clv.ErrNeverPaysBack, clv.ErrOutOfRange}
	for i, a := range all {
		assert.True(t, strings.HasPrefix(a.Error(), "clv: "))
		for j, b := range all {
			assert.Equal(t, i == j, errors.Is(a, b), "%v and %v", a, b)
		}
	}
}

// Each fuzz target builds decimals from (units, exponent) pairs over the
// whole int32 exponent range, so huge and tiny magnitudes are explored, and
// checks that every call either fails with a sentinel on input that an
// independent oracle calls invalid, or returns what the reference computes.

var sentinels = []error{clv.ErrNonPositive, clv.ErrNegative, clv.ErrAboveOne, clv.ErrInconsistent,
	clv.ErrUnknownPeriod, clv.ErrNeverPaysBack, clv.ErrOutOfRange, clv.ErrMissing, clv.ErrNoFit, clv.ErrMalformed}

func checkFailure(t *testing.T, err error, valid bool, what string) {
	t.Helper()
	if valid {
		t.Fatalf("%s: valid input refused: %v", what, err)
	}
	for _, s := range sentinels {
		if errors.Is(err, s) {
			if !strings.HasPrefix(err.Error(), "clv: ") {
				t.Fatalf("%s: message %q", what, err)
			}
			return
		}
	}
	t.Fatalf("%s: error matches no sentinel: %v", what, err)
}

// inRange reports whether units × 10^exp is an acceptable input: below
// 10^24 in magnitude, with at most 30 decimal places once trailing zeros
// are dropped. It reasons on the digits, never building the number.
func inRange(units int64, exp int32) bool {
	if units == 0 {
		return true
	}
	digits := strconv.FormatUint(absUnits(units), 10)
	zeros := len(digits) - len(strings.TrimRight(digits, "0"))
	return int64(len(digits))+int64(exp) <= 24 && int64(exp)+int64(zeros) >= -30
}

func absUnits(u int64) uint64 {
	if u < 0 {
		return uint64(-(u + 1)) + 1
	}
	return uint64(u)
}

// fuzzDecimal returns units × 10^exp and whether it is in range.
func fuzzDecimal(units int64, exp int32) (decimal.Decimal, bool) {
	return decimal.New(units, exp), inRange(units, exp)
}

func period(p int8) clv.Period { return clv.Period(p) }

func validPeriod(p int8) bool { return p >= 0 && p <= 3 }

func FuzzCountFormulas(f *testing.F) {
	f.Add(int64(83000), int32(-2), int64(2), int64(1))
	f.Add(int64(1), int32(2000000000), int64(1), int64(1))
	f.Add(int64(-5), int32(-3), int64(0), int64(-1))
	f.Add(int64(math.MaxInt64), int32(-40), int64(math.MaxInt64), int64(math.MinInt64))
	f.Fuzz(func(t *testing.T, units int64, exp int32, a, b int64) {
		amount, ok := fuzzDecimal(units, exp)
		x, y := ratInt(a), ratInt(b)

		got, err := clv.AveragePurchaseValue(amount, a)
		if valid := ok && units >= 0 && a > 0; err != nil {
			checkFailure(t, err, valid, "average purchase value")
		} else if want := roundRat(quo(rat(amount), x), clv.DefaultScale); !valid || !got.Equal(want) {
			t.Fatalf("AveragePurchaseValue(%s, %d) = %s, want %s", amount, a, got, want)
		}

		got, err = clv.AcquisitionCost(amount, a)
		if valid := ok && units >= 0 && a > 0; err != nil {
			checkFailure(t, err, valid, "acquisition cost")
		} else if want := roundRat(quo(rat(amount), x), clv.DefaultScale); !valid || !got.Equal(want) {
			t.Fatalf("AcquisitionCost(%s, %d) = %s, want %s", amount, a, got, want)
		}

		got, err = clv.PurchaseFrequency(a, b)
		if valid := a > 0 && b > 0 && a >= b; err != nil {
			checkFailure(t, err, valid, "purchase frequency")
		} else if want := roundRat(quo(x, y), clv.DefaultScale); !valid || !got.Equal(want) {
			t.Fatalf("PurchaseFrequency(%d, %d) = %s, want %s", a, b, got, want)
		}

		got, err = clv.ChurnRate(a, b)
		// Some lost, yet a rate that rounds to zero, is refused.
		if valid := b > 0 && a >= 0 && a <= b && (a == 0 || !roundRat(quo(x, y), clv.DefaultScale).IsZero()); err != nil {
			checkFailure(t, err, valid, "churn rate")
		} else if want := roundRat(quo(x, y), clv.DefaultScale); !valid || !got.Equal(want) {
			t.Fatalf("ChurnRate(%d, %d) = %s, want %s", a, b, got, want)
		}
	})
}

func FuzzMoneyFormulas(f *testing.F) {
	f.Add(int64(1000), int32(-2), int64(25), int32(-1))
	f.Add(int64(-1), int32(0), int64(0), int32(0))
	f.Add(int64(1), int32(-2147483648), int64(1), int32(2147483647))
	f.Add(int64(999999999999999999), int32(6), int64(3), int32(-30))
	f.Fuzz(func(t *testing.T, u1 int64, e1 int32, u2 int64, e2 int32) {
		x, okX := fuzzDecimal(u1, e1)
		y, okY := fuzzDecimal(u2, e2)
		ok := okX && okY
		exact := func(name string, got decimal.Decimal, err error, valid bool, want func() *big.Rat) {
			t.Helper()
			if err != nil {
				checkFailure(t, err, valid, name)
				return
			}
			if !valid {
				t.Fatalf("%s(%s, %s) accepted invalid input", name, x, y)
			}
			if w := roundRat(want(), clv.DefaultScale); !got.Equal(w) {
				t.Fatalf("%s(%s, %s) = %s, want %s", name, x, y, got, w)
			}
		}
		got, err := clv.CustomerValue(x, y)
		exact("CustomerValue", got, err, ok && u1 >= 0 && u2 > 0, func() *big.Rat { return mul(rat(x), rat(y)) })
		got, err = clv.LifetimeValue(x, y)
		exact("LifetimeValue", got, err, ok && u1 >= 0 && u2 > 0, func() *big.Rat { return mul(rat(x), rat(y)) })
		got, err = clv.NetLifetimeValue(x, y)
		exact("NetLifetimeValue", got, err, ok, func() *big.Rat { return sub(rat(x), rat(y)) })
		got, err = clv.LTVToCAC(x, y)
		exact("LTVToCAC", got, err, ok && u1 >= 0 && u2 > 0, func() *big.Rat { return quo(rat(x), rat(y)) })
		got, err = clv.PaybackPeriods(x, y)
		exact("PaybackPeriods", got, err, ok && u1 >= 0 && u2 > 0, func() *big.Rat { return quo(rat(x), rat(y)) })
	})
}

// calcArgs are the primitives a fuzzed calculation is built from.
type calcArgs struct {
	revenue             int64
	revenueExp          int32
	purchases, customer int64
	window              int8
	length              int64
	lengthExp           int32
	churn               int64
	churnExp            int32
	life                int8
	margin              int64
	rate                int64
	rateExp             int32
	ratePeriod          int8
	cac, retention      int64
	retentionPeriod     int8
	scale               int8
}

// build returns the input and whether the oracle calls it valid.
func (a calcArgs) build() (refInput, bool) {
	revenue, okR := fuzzDecimal(a.revenue, a.revenueExp)
	length, okL := fuzzDecimal(a.length, a.lengthExp)
	churn, okC := fuzzDecimal(a.churn, a.churnExp)
	rate, okD := fuzzDecimal(a.rate, a.rateExp)
	in := refInput{
		window:          clv.Window{Revenue: revenue, Purchases: a.purchases, Customers: a.customer, Period: period(a.window)},
		life:            clv.Lifespan{Length: length, ChurnRate: churn, Period: period(a.life)},
		margin:          decimal.New(a.margin, -4),
		rate:            rate,
		ratePeriod:      period(a.ratePeriod),
		cac:             decimal.New(a.cac, -2),
		retention:       decimal.New(a.retention, -2),
		retentionPeriod: period(a.retentionPeriod),
		scale:           int32(a.scale),
	}
	valid := okR && okL && okC && okD &&
		a.revenue >= 0 && a.purchases > 0 && a.customer > 0 && a.purchases >= a.customer &&
		validPeriod(a.window) && validPeriod(a.life) && validPeriod(a.ratePeriod) && validPeriod(a.retentionPeriod) &&
		a.margin >= 0 && a.margin <= 10000 && a.rate >= 0 && a.cac >= 0 && a.retention >= 0 &&
		inRange(a.cac, -2) && inRange(a.retention, -2) && a.scale >= 0 && a.scale <= 30
	if a.churn == 0 {
		valid = valid && a.length > 0 && okL && length.LessThanOrEqual(decimal.NewFromInt(1_000_000))
	} else {
		valid = valid && a.length == 0 && a.churn > 0 && churn.LessThanOrEqual(one)
	}
	return in, valid
}

func FuzzCalculate(f *testing.F) {
	f.Add(int64(12000000), int32(-2), int64(4800), int64(1500), int8(0), int64(3), int32(0), int64(0), int32(0), int8(0),
		int64(4000), int64(1), int32(-1), int8(0), int64(6000), int64(100), int8(2), int8(10))
	f.Add(int64(4800000), int32(-2), int64(1200), int64(1200), int8(2), int64(0), int32(0), int64(3), int32(-2), int8(2),
		int64(8000), int64(12), int32(-2), int8(0), int64(45000), int64(200), int8(2), int8(2))
	f.Add(int64(1), int32(2147483647), int64(1), int64(1), int8(0), int64(1), int32(-2147483648), int64(0), int32(0), int8(3),
		int64(10000), int64(1), int32(-30), int8(3), int64(0), int64(0), int8(0), int8(30))
	f.Add(int64(5), int32(-11), int64(1), int64(1), int8(2), int64(1), int32(0), int64(0), int32(0), int8(2),
		int64(10000), int64(1), int32(-1), int8(0), int64(0), int64(0), int8(0), int8(10))
	f.Add(int64(1), int32(0), int64(1), int64(1), int8(1), int64(123456789123456789), int32(-9), int64(0), int32(0), int8(3),
		int64(10000), int64(1), int32(-7), int8(0), int64(1), int64(1), int8(3), int8(0))
	f.Fuzz(func(t *testing.T, revenue int64, revenueExp int32, purchases, customers int64, window int8,
		length int64, lengthExp int32, churn int64, churnExp int32, life int8,
		margin, rate int64, rateExp int32, ratePeriod int8, cac, retention int64, retentionPeriod, scale int8) {
		in, valid := calcArgs{revenue, revenueExp, purchases, customers, window, length, lengthExp, churn, churnExp, life,
			margin, rate, rateExp, ratePeriod, cac, retention, retentionPeriod, scale}.build()
		got, err := clv.Calculate(in.window, in.life, in.options()...)
		if err != nil {
			checkFailure(t, err, valid, "Calculate")
			return
		}
		if !valid {
			t.Fatalf("Calculate accepted invalid input %+v", in)
		}
		if diff := refDiffers(got, refFigures(in), in.window.Period, in.scale); diff != "" {
			t.Fatalf("Calculate(%+v): %s", in, diff)
		}
	})
}

// Inputs of a typical shop: a year of 120,000 from 4,800 orders by 1,500
// customers, 5 % monthly churn, 40 % margin, 60 to acquire a customer and
// 1 a month to keep one.
var (
	benchWindow    = clv.Window{Revenue: dec("120000.00"), Purchases: 4800, Customers: 1500}
	benchChurn     = clv.Lifespan{ChurnRate: dec("0.05"), Period: clv.Month}
	benchMargin    = dec("0.4")
	benchCAC       = dec("60")
	benchRetention = dec("1")
)

func BenchmarkAveragePurchaseValue(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_, _ = clv.AveragePurchaseValue(benchWindow.Revenue, benchWindow.Purchases)
	}
}

func BenchmarkPurchaseFrequency(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_, _ = clv.PurchaseFrequency(benchWindow.Purchases, benchWindow.Customers)
	}
}

func BenchmarkCustomerValue(b *testing.B) {
	apv, apf := dec("25"), dec("3.2")
	b.ReportAllocs()
	for b.Loop() {
		_, _ = clv.CustomerValue(apv, apf)
	}
}

func BenchmarkLifetimeValue(b *testing.B) {
	cv, life := dec("80"), dec("1.6666666667")
	b.ReportAllocs()
	for b.Loop() {
		_, _ = clv.LifetimeValue(cv, life)
	}
}

func BenchmarkAcquisitionCost(b *testing.B) {
	spend := dec("90000")
	b.ReportAllocs()
	for b.Loop() {
		_, _ = clv.AcquisitionCost(spend, 1500)
	}
}

func BenchmarkNetLifetimeValue(b *testing.B) {
	ltv := dec("133.3333333333")
	b.ReportAllocs()
	for b.Loop() {
		_, _ = clv.NetLifetimeValue(ltv, benchCAC)
	}
}

func BenchmarkLTVToCAC(b *testing.B) {
	ltv := dec("133.3333333333")
	b.ReportAllocs()
	for b.Loop() {
		_, _ = clv.LTVToCAC(ltv, benchCAC)
	}
}

func BenchmarkPaybackPeriods(b *testing.B) {
	contribution := dec("20")
	b.ReportAllocs()
	for b.Loop() {
		_, _ = clv.PaybackPeriods(benchCAC, contribution)
	}
}

// BenchmarkFormulaChain computes, with the formula functions, the figures
// that BenchmarkCalculate gets from one call: APV, frequency, customer
// value, lifespan, lifetime value of revenue and of profit, net value,
// LTV:CAC and payback. Units are kept by hand: the lifespan in years.
func BenchmarkFormulaChain(b *testing.B) {
	months := decimal.NewFromInt(12)
	retentionPerYear := benchRetention.Mul(months)
	b.ReportAllocs()
	for b.Loop() {
		apv, _ := clv.AveragePurchaseValue(benchWindow.Revenue, benchWindow.Purchases)
		apf, _ := clv.PurchaseFrequency(benchWindow.Purchases, benchWindow.Customers)
		cv, _ := clv.CustomerValue(apv, apf)
		lifespan, _ := clv.LifespanFromChurn(benchChurn.ChurnRate)
		years := lifespan.DivRound(months, clv.DefaultScale)
		ltv, _ := clv.LifetimeValue(cv, years)
		profit, _ := clv.LifetimeValue(cv.Mul(benchMargin), years)
		_, _ = clv.NetLifetimeValue(profit.Sub(retentionPerYear.Mul(years)), benchCAC)
		_, _ = clv.LTVToCAC(profit, benchCAC)
		_, _ = clv.PaybackPeriods(benchCAC, cv.Mul(benchMargin).Sub(retentionPerYear))
		_ = ltv
	}
}

func BenchmarkCalculate(b *testing.B) {
	for _, tc := range []struct {
		name string
		life clv.Lifespan
		opts []clv.Option
	}{
		// the figures of BenchmarkFormulaChain
		{"churn", benchChurn, []clv.Option{clv.WithGrossMargin(benchMargin), clv.WithAcquisitionCost(benchCAC),
			clv.WithRetentionCost(benchRetention, clv.Month)}},
		// discounted in the lifespan's own period: still exact
		{"churn_discounted_monthly", benchChurn, []clv.Option{clv.WithGrossMargin(benchMargin), clv.WithAcquisitionCost(benchCAC),
			clv.WithRetentionCost(benchRetention, clv.Month), clv.WithDiscountRate(dec("0.008"), clv.Month)}},
		// a yearly rate on monthly churn takes a 12th root
		{"churn_discounted_yearly", benchChurn, []clv.Option{clv.WithGrossMargin(benchMargin), clv.WithAcquisitionCost(benchCAC),
			clv.WithRetentionCost(benchRetention, clv.Month), clv.WithDiscountRate(dec("0.1"), clv.Year)}},
		{"fixed_discounted_yearly", clv.Lifespan{Length: dec("3")}, []clv.Option{clv.WithGrossMargin(benchMargin),
			clv.WithAcquisitionCost(benchCAC), clv.WithDiscountRate(dec("0.1"), clv.Year)}},
		{"fixed_36_months_discounted_yearly", clv.Lifespan{Length: dec("36"), Period: clv.Month}, []clv.Option{
			clv.WithGrossMargin(benchMargin), clv.WithAcquisitionCost(benchCAC), clv.WithDiscountRate(dec("0.1"), clv.Year)}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = clv.Calculate(benchWindow, tc.life, tc.opts...)
			}
		})
	}
}
