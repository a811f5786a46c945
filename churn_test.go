package clv_test

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/clvkit/clv"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPeriodText(t *testing.T) {
	for p, name := range map[clv.Period]string{clv.Week: "week", clv.Month: "month", clv.Quarter: "quarter", clv.Year: "year"} {
		assert.Equal(t, name, p.String())
		b, err := p.MarshalText()
		require.NoError(t, err)
		assert.Equal(t, name, string(b))
		var q clv.Period = -5
		require.NoError(t, q.UnmarshalText(b))
		assert.Equal(t, p, q)
	}
	var zero clv.Period
	assert.Equal(t, clv.Year, zero, "the zero Period is a year")

	var p clv.Period
	require.NoError(t, p.UnmarshalText([]byte("MONTH")))
	assert.Equal(t, clv.Month, p)
	for _, bad := range []string{"", "fortnight", "months", " month", "Period(2)"} {
		p = clv.Week
		require.ErrorIs(t, p.UnmarshalText([]byte(bad)), clv.ErrUnknownPeriod, bad)
		assert.Equal(t, clv.Week, p, "a failed parse leaves the period alone")
	}

	assert.Equal(t, "Period(4)", clv.Period(4).String())
	_, err := clv.Period(-1).MarshalText()
	require.ErrorIs(t, err, clv.ErrUnknownPeriod)
	_, err = json.Marshal(struct{ P clv.Period }{P: 9})
	require.ErrorIs(t, err, clv.ErrUnknownPeriod)
}

func TestPeriodFlag(t *testing.T) {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var p clv.Period
	fs.TextVar(&p, "period", clv.Year, "")
	require.NoError(t, fs.Parse([]string{"-period", "quarter"}))
	assert.Equal(t, clv.Quarter, p)
	assert.Error(t, fs.Parse([]string{"-period", "decade"}))
}

func TestChurnRate(t *testing.T) {
	runFormula(t, []formulaCase{
		{"one in a hundred", []string{"1", "100"}, "0.01", nil},
		{"nobody left", []string{"0", "100"}, "0", nil},
		{"everybody left", []string{"100", "100"}, "1", nil},
		{"thirds", []string{"1", "3"}, "0.3333333333", nil},
		{"no customers at start", []string{"0", "0"}, "", clv.ErrNonPositive},
		{"negative lost", []string{"-1", "10"}, "", clv.ErrNegative},
		{"more lost than there were", []string{"11", "10"}, "", clv.ErrInconsistent},
	}, func(a []string) (decimal.Decimal, error) {
		return clv.ChurnRate(int64Arg(a[0]), int64Arg(a[1]))
	})
}

func TestRetentionRate(t *testing.T) {
	runFormula(t, []formulaCase{
		{"five percent churn", []string{"0.05"}, "0.95", nil},
		{"all churn", []string{"1"}, "0", nil},
		{"rounded to the scale", []string{"0.00000000001"}, "1", nil},
		{"zero churn", []string{"0"}, "", clv.ErrNonPositive},
		{"above one", []string{"1.01"}, "", clv.ErrAboveOne},
	}, func(a []string) (decimal.Decimal, error) {
		return clv.RetentionRate(dec(a[0]))
	})
}

func TestLifespanFromChurn(t *testing.T) {
	runFormula(t, []formulaCase{
		{"one percent a month is 100 months", []string{"0.01"}, "100", nil},
		{"five percent", []string{"0.05"}, "20", nil},
		{"all churn is one period", []string{"1"}, "1", nil},
		{"thirds", []string{"0.3"}, "3.3333333333", nil},
		{"smallest churn", []string{"0.000000000000000000000000000001"}, "1000000000000000000000000000000", nil},
		{"zero churn", []string{"0"}, "", clv.ErrNonPositive},
		{"negative churn", []string{"-0.1"}, "", clv.ErrNonPositive},
		{"above one", []string{"2"}, "", clv.ErrAboveOne},
		{"too many places", []string{"0.0000000000000000000000000000001"}, "", clv.ErrOutOfRange},
	}, func(a []string) (decimal.Decimal, error) {
		return clv.LifespanFromChurn(dec(a[0]))
	})
}

func TestConvertChurn(t *testing.T) {
	for _, tc := range []struct {
		churn    string
		from, to clv.Period
		want     string
	}{
		// 1 − 0.99^12 = 0.11361512828387…
		{"0.01", clv.Month, clv.Year, "0.1136151283"},
		// 1 − 0.9^(1/12) = 0.00874161095469…
		{"0.1", clv.Year, clv.Month, "0.0087416110"},
		// 1 − 0.95^3
		{"0.05", clv.Month, clv.Quarter, "0.142625"},
		// 1 − 0.95^(12/52) = 1 − 0.95^(3/13) = 0.01176713342248…
		{"0.05", clv.Month, clv.Week, "0.0117671334"},
		{"0.05", clv.Month, clv.Month, "0.05"},
		{"1", clv.Month, clv.Week, "1"},
		{"1", clv.Week, clv.Year, "1"},
		// the same period gives the rate back, unrounded
		{"0.123456789012345", clv.Year, clv.Year, "0.123456789012345"},
		{"1e-30", clv.Year, clv.Year, "1e-30"},
	} {
		got, err := clv.ConvertChurn(dec(tc.churn), tc.from, tc.to)
		require.NoError(t, err)
		assertDecimal(t, tc.want, got, tc.churn, tc.from, tc.to)
		if tc.from == tc.to {
			continue
		}
		// against the 2,000-bit reference
		a, b := refRatio(tc.from, tc.to)
		want := roundRat(sub(ratInt(1), refPow(sub(ratInt(1), rat(dec(tc.churn))), a, b)), clv.DefaultScale)
		assertDecimal(t, want.String(), got)
	}
	for _, tc := range []struct {
		churn    string
		from, to clv.Period
		err      error
	}{
		{"0", clv.Month, clv.Year, clv.ErrNonPositive},
		{"1.5", clv.Month, clv.Year, clv.ErrAboveOne},
		{"0.1", clv.Period(8), clv.Year, clv.ErrUnknownPeriod},
		{"0.1", clv.Month, clv.Period(-2), clv.ErrUnknownPeriod},
		// a rate that would be reported as none
		{"1e-30", clv.Year, clv.Week, clv.ErrOutOfRange},
		{"1e-12", clv.Year, clv.Week, clv.ErrOutOfRange},
	} {
		_, err := clv.ConvertChurn(dec(tc.churn), tc.from, tc.to)
		require.ErrorIs(t, err, tc.err)
	}
}

func TestConvertDiscountRate(t *testing.T) {
	for _, tc := range []struct {
		rate     string
		from, to clv.Period
		want     string
	}{
		// 1.01^12 − 1 = 0.12682503013197: 1 % a month is 12.68 % a year
		{"0.01", clv.Month, clv.Year, "0.1268250301"},
		// 1.1^(1/12) − 1 = 0.00797414042890…
		{"0.1", clv.Year, clv.Month, "0.0079741404"},
		// 1.1^(1/52) − 1
		{"0.1", clv.Year, clv.Week, "0.0018345688"},
		{"0", clv.Year, clv.Week, "0"},
		{"0.1", clv.Year, clv.Year, "0.1"},
		{"1", clv.Quarter, clv.Year, "15"},
	} {
		got, err := clv.ConvertDiscountRate(dec(tc.rate), tc.from, tc.to)
		require.NoError(t, err)
		assertDecimal(t, tc.want, got, tc.rate, tc.from, tc.to)
		a, b := refRatio(tc.from, tc.to)
		want := roundRat(sub(refPow(add(ratInt(1), rat(dec(tc.rate))), a, b), ratInt(1)), clv.DefaultScale)
		assertDecimal(t, want.String(), got)
	}
	_, err := clv.ConvertDiscountRate(dec("-0.01"), clv.Year, clv.Month)
	require.ErrorIs(t, err, clv.ErrNegative)
	_, err = clv.ConvertDiscountRate(dec("0.01"), clv.Year, clv.Period(5))
	require.ErrorIs(t, err, clv.ErrUnknownPeriod)
	_, err = clv.ConvertDiscountRate(decimal.New(1, 25), clv.Year, clv.Month)
	require.ErrorIs(t, err, clv.ErrOutOfRange)
}

// Converting a rate to another period and back returns it to within the
// two roundings: half a unit at the scale for the return trip, plus half a
// unit of the intermediate rate magnified by the return conversion's slope.
// For business rates converted to a shorter period and back that is within
// one unit.
func TestConvertRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	periods := []clv.Period{clv.Year, clv.Quarter, clv.Month, clv.Week}
	unit := math.Pow(10, -clv.DefaultScale)
	for range 3000 {
		from, to := periods[rng.IntN(4)], periods[rng.IntN(4)]
		r := float64(refPerYear[from]) / float64(refPerYear[to]) // exponent of the way there
		churn := decimal.New(1+rng.Int64N(300_000), -6)          // up to 30 %
		there, err := clv.ConvertChurn(churn, from, to)
		require.NoError(t, err)
		back, err := clv.ConvertChurn(there, to, from)
		require.NoError(t, err)
		// back = 1 − (1 − x)^(1/r): slope (1/r)(1 − x)^(1/r − 1)
		kept := 1 - there.InexactFloat64()
		slope := math.Pow(kept, 1/r-1) / r
		bound := unit*(0.5+0.5*slope) + 1e-15
		gap := back.Sub(churn).Abs().InexactFloat64()
		require.LessOrEqual(t, gap, bound, "churn %s %s→%s→%s: %s", churn, from, to, from, back)
		if r >= 1 && churn.LessThan(dec("0.1")) {
			require.LessOrEqual(t, gap, unit, "within one unit")
		}

		rate := decimal.New(rng.Int64N(300_000), -6)
		there, err = clv.ConvertDiscountRate(rate, from, to)
		require.NoError(t, err)
		back, err = clv.ConvertDiscountRate(there, to, from)
		require.NoError(t, err)
		slope = math.Pow(1+there.InexactFloat64(), 1/r-1) / r
		bound = unit*(0.5+0.5*slope) + 1e-15
		gap = back.Sub(rate).Abs().InexactFloat64()
		require.LessOrEqual(t, gap, bound, "rate %s %s→%s→%s: %s", rate, from, to, from, back)
	}
}

// The discounted lifespan forms, checked through a monthly customer worth 1
// a month, so that DiscountedLifetimeValue counts discounted months.
func TestDiscountedLifespans(t *testing.T) {
	w := clv.Window{Revenue: dec("1"), Purchases: 1, Customers: 1, Period: clv.Month}
	months := func(life clv.Lifespan, rate string, per clv.Period) decimal.Decimal {
		t.Helper()
		r, err := clv.Calculate(w, life, clv.WithDiscountRate(dec(rate), per), clv.WithScale(12))
		require.NoError(t, err)
		return r.DiscountedLifetimeValue
	}
	month := func(s string) clv.Lifespan { return clv.Lifespan{Length: dec(s), Period: clv.Month} }

	// (1 + d) / (d + c): 1 % a month against 5 % churn is 1.01 / 0.06.
	assertDecimal(t, "16.833333333333", months(clv.Lifespan{ChurnRate: dec("0.05"), Period: clv.Month}, "0.01", clv.Month))
	// One period is never discounted, whatever the rate.
	assertDecimal(t, "1", months(month("1"), "0.5", clv.Month))
	assertDecimal(t, "1", months(clv.Lifespan{ChurnRate: one, Period: clv.Month}, "0.1", clv.Year))
	// Two months at 100 % a month: 1 + 1/2.
	assertDecimal(t, "1.5", months(month("2"), "1", clv.Month))
	// Half a month pays half at once, undiscounted.
	assertDecimal(t, "0.5", months(month("0.5"), "0.2", clv.Month))
	// 2.5 months at 100 %: 1 + 1/2 + 0.5/4.
	assertDecimal(t, "1.625", months(month("2.5"), "1", clv.Month))
	// A quarter of 3 months, value arriving quarterly: 3 months' value at once.
	r, err := clv.Calculate(w, clv.Lifespan{Length: dec("1"), Period: clv.Quarter}, clv.WithDiscountRate(dec("0.3"), clv.Month))
	require.NoError(t, err)
	assertDecimal(t, "3", r.DiscountedLifetimeValue)

	// Against the reference, across forms and units, including roots.
	rng := rand.New(rand.NewPCG(9, 10))
	periods := []clv.Period{clv.Year, clv.Quarter, clv.Month, clv.Week}
	for range 500 {
		life := clv.Lifespan{Period: periods[rng.IntN(4)]}
		if rng.IntN(2) == 0 {
			life.ChurnRate = decimal.New(1+rng.Int64N(10_000), -4)
		} else {
			life.Length = decimal.New(1+rng.Int64N(1200), -1)
		}
		rate, per := decimal.New(rng.Int64N(10_000), -4), periods[rng.IntN(4)]
		got := months(life, rate.String(), per)
		toMonths := quo(ratInt(12), ratInt(refPerYear[life.Period]))
		disc, _ := refDiscounted(life, rate, per)
		want := roundRat(mul(toMonths, disc), 12)
		require.True(t, got.Equal(want), "%+v at %s a %s: got %s, want %s", life, rate, per, got, want)
	}
}

// Long lifespans and extreme rates stay exact or within guard digits, and
// fast: the exact form's digits are bounded, the rest is approximated.
func TestDiscountedLifespanExtremes(t *testing.T) {
	w := clv.Window{Revenue: dec("1"), Purchases: 1, Customers: 1}
	for _, tc := range []struct {
		life clv.Lifespan
		rate string
		per  clv.Period
		want string // when the closed form is plain; else the reference's
	}{
		// 1 + 1/1.1 + … over a million years is 1.1 / 0.1 to any scale.
		{clv.Lifespan{Length: dec("1000000")}, "0.1", clv.Year, "11"},
		// The same in weeks: too many digits to be exact, and yearly value.
		{clv.Lifespan{Length: dec("999999.5"), Period: clv.Week}, "0.1", clv.Year, ""},
		{clv.Lifespan{Length: dec("999999.5")}, "0.1", clv.Week, ""},
		{clv.Lifespan{Length: dec("999999.5"), Period: clv.Quarter}, "0.00000000000000000000000000098", clv.Year, ""},
		// A tiny rate barely discounts.
		{clv.Lifespan{Length: dec("2")}, "0.000000000000000000000000000001", clv.Year, "2"},
		{clv.Lifespan{Length: dec("2"), Period: clv.Month}, "0.000000000000000000000000000001", clv.Year, "0.1666666667"},
		{clv.Lifespan{ChurnRate: dec("0.000000000000000000000000000001"), Period: clv.Week}, "0.5", clv.Year, ""},
		{clv.Lifespan{ChurnRate: dec("0.000000000000000000000000000001"), Period: clv.Month}, "0.000000000000000000000000000001", clv.Year, ""},
		// An enormous rate: little beyond the first period counts.
		{clv.Lifespan{Length: dec("5"), Period: clv.Week}, "999999999999999999999999", clv.Year, ""},
		{clv.Lifespan{Length: dec("20000")}, "0.0001", clv.Year, ""},
		{clv.Lifespan{Length: dec("999999.123456789"), Period: clv.Month}, "0.0000001", clv.Week, ""},
	} {
		r, err := clv.Calculate(w, tc.life, clv.WithDiscountRate(dec(tc.rate), tc.per))
		require.NoError(t, err)
		if tc.want != "" {
			assertDecimal(t, tc.want, r.DiscountedLifetimeValue, tc.life, tc.rate, tc.per)
		}
		perYear := quo(ratInt(1), ratInt(refPerYear[tc.life.Period]))
		disc, _ := refDiscounted(tc.life, dec(tc.rate), tc.per)
		want := roundRat(mul(perYear, disc), clv.DefaultScale)
		assertDecimal(t, want.String(), r.DiscountedLifetimeValue, tc.life, tc.rate, tc.per)
	}
}

func FuzzRates(f *testing.F) {
	f.Add(int64(5), int32(-2), int8(2), int8(0))
	f.Add(int64(1), int32(0), int8(0), int8(3))
	f.Add(int64(1), int32(-30), int8(3), int8(0))
	f.Add(int64(999999999999999999), int32(6), int8(0), int8(3))
	f.Add(int64(7), int32(-1000000), int8(9), int8(-1))
	f.Fuzz(func(t *testing.T, units int64, exp int32, from, to int8) {
		x, ok := fuzzDecimal(units, exp)
		churnValid := ok && units > 0 && x.LessThanOrEqual(one)
		periods := validPeriod(from) && validPeriod(to)
		// conversion says whether a function converts between periods:
		// then the same period gives x back, and a rate above zero that
		// converts to one rounding to zero is refused.
		check := func(name string, got decimal.Decimal, err error, valid, conversion bool, want func() *big.Rat) {
			t.Helper()
			var w decimal.Decimal
			if valid {
				w = roundRat(want(), clv.DefaultScale)
				if conversion && from == to {
					w = x
				} else if conversion && w.IsZero() && units > 0 {
					valid = false
				}
			}
			if err != nil {
				checkFailure(t, err, valid, name)
				return
			}
			if !valid {
				t.Fatalf("%s(%s, %d, %d) accepted invalid input", name, x, from, to)
			}
			if !got.Equal(w) {
				t.Fatalf("%s(%s, %d, %d) = %s, want %s", name, x, from, to, got, w)
			}
		}
		got, err := clv.RetentionRate(x)
		check("RetentionRate", got, err, churnValid, false, func() *big.Rat { return sub(ratInt(1), rat(x)) })
		got, err = clv.LifespanFromChurn(x)
		check("LifespanFromChurn", got, err, churnValid, false, func() *big.Rat { return quo(ratInt(1), rat(x)) })
		got, err = clv.ConvertChurn(x, period(from), period(to))
		check("ConvertChurn", got, err, churnValid && periods, true, func() *big.Rat {
			a, b := refRatio(period(from), period(to))
			return sub(ratInt(1), refPow(sub(ratInt(1), rat(x)), a, b))
		})
		got, err = clv.ConvertDiscountRate(x, period(from), period(to))
		check("ConvertDiscountRate", got, err, ok && units >= 0 && periods, true, func() *big.Rat {
			a, b := refRatio(period(from), period(to))
			return sub(refPow(add(ratInt(1), rat(x)), a, b), ratInt(1))
		})
	})
}

func FuzzPeriodText(f *testing.F) {
	for _, s := range []string{"week", "Month", "QUARTER", "year", "", "fortnight", "yearly"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var p clv.Period
		if err := p.UnmarshalText([]byte(s)); err != nil {
			if !errors.Is(err, clv.ErrUnknownPeriod) {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		text, err := p.MarshalText()
		if err != nil || !strings.EqualFold(string(text), s) {
			t.Fatalf("%q parsed to %v, which prints %q (%v)", s, p, text, err)
		}
	})
}

func BenchmarkChurnRate(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_, _ = clv.ChurnRate(75, 1500)
	}
}

func BenchmarkRetentionRate(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_, _ = clv.RetentionRate(benchChurn.ChurnRate)
	}
}

func BenchmarkLifespanFromChurn(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_, _ = clv.LifespanFromChurn(benchChurn.ChurnRate)
	}
}

func BenchmarkConvertChurn(b *testing.B) {
	for _, tc := range []struct{ from, to clv.Period }{{clv.Month, clv.Year}, {clv.Year, clv.Month}, {clv.Year, clv.Week}} {
		b.Run(fmt.Sprintf("%s_to_%s", tc.from, tc.to), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = clv.ConvertChurn(benchChurn.ChurnRate, tc.from, tc.to)
			}
		})
	}
}

func BenchmarkConvertDiscountRate(b *testing.B) {
	rate := dec("0.1")
	for _, tc := range []struct{ from, to clv.Period }{{clv.Month, clv.Year}, {clv.Year, clv.Month}, {clv.Year, clv.Week}} {
		b.Run(fmt.Sprintf("%s_to_%s", tc.from, tc.to), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = clv.ConvertDiscountRate(rate, tc.from, tc.to)
			}
		})
	}
}

// A rate above zero is never reported as zero, which every function that
// takes a rate refuses: it is an error that says so. A conversion to the
// same period gives the rate back as it is.
func TestRatesThatRoundToZero(t *testing.T) {
	c, err := clv.ConvertChurn(dec("1e-30"), clv.Year, clv.Year)
	require.NoError(t, err)
	assertDecimal(t, "1e-30", c)
	d, err := clv.ConvertDiscountRate(dec("0.123456789012345"), clv.Month, clv.Month)
	require.NoError(t, err)
	assertDecimal(t, "0.123456789012345", d)

	_, err = clv.ConvertChurn(dec("1e-30"), clv.Year, clv.Week)
	require.ErrorIs(t, err, clv.ErrOutOfRange)
	assert.Equal(t, "clv: convert churn: churn rate = 0.000000000000000000000000000001 a year: out of range: a rate a week rounds to 0 at 10 places", err.Error())
	_, err = clv.ConvertDiscountRate(dec("1e-12"), clv.Year, clv.Month)
	require.ErrorIs(t, err, clv.ErrOutOfRange)
	d, err = clv.ConvertDiscountRate(decimal.Zero, clv.Year, clv.Month) // none stays none
	require.NoError(t, err)
	assert.True(t, d.IsZero())

	_, err = clv.ChurnRate(1, 1e12)
	require.ErrorIs(t, err, clv.ErrOutOfRange)
	assert.Equal(t, "clv: churn rate: lost = 1 of 1000000000000: out of range: rounds to 0 at 10 places", err.Error())
	c, err = clv.ChurnRate(0, 1e12)
	require.NoError(t, err)
	assert.True(t, c.IsZero())
}
