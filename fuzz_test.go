package clv_test

import (
	"encoding/binary"
	"errors"
	"math"
	"math/big"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clv"
	"github.com/shopspring/decimal"
)

// Each fuzz target builds decimals from (units, exponent) pairs over the
// whole int32 exponent range, so huge and tiny magnitudes are explored, and
// checks that every call either fails with a sentinel on input that an
// independent oracle calls invalid, or returns what the reference computes.

var sentinels = []error{clv.ErrNonPositive, clv.ErrNegative, clv.ErrAboveOne, clv.ErrInconsistent,
	clv.ErrUnknownPeriod, clv.ErrNeverPaysBack, clv.ErrOutOfRange, clv.ErrMissing, clv.ErrNoFit}

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
		if valid := b > 0 && a >= 0 && a <= b; err != nil {
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
		check := func(name string, got decimal.Decimal, err error, valid bool, want func() *big.Rat) {
			t.Helper()
			if err != nil {
				checkFailure(t, err, valid, name)
				return
			}
			if !valid {
				t.Fatalf("%s(%s, %d, %d) accepted invalid input", name, x, from, to)
			}
			if w := roundRat(want(), clv.DefaultScale); !got.Equal(w) {
				t.Fatalf("%s(%s, %d, %d) = %s, want %s", name, x, from, to, got, w)
			}
		}
		got, err := clv.RetentionRate(x)
		check("RetentionRate", got, err, churnValid, func() *big.Rat { return sub(ratInt(1), rat(x)) })
		got, err = clv.LifespanFromChurn(x)
		check("LifespanFromChurn", got, err, churnValid, func() *big.Rat { return quo(ratInt(1), rat(x)) })
		got, err = clv.ConvertChurn(x, period(from), period(to))
		check("ConvertChurn", got, err, churnValid && periods, func() *big.Rat {
			a, b := refRatio(period(from), period(to))
			return sub(ratInt(1), refPow(sub(ratInt(1), rat(x)), a, b))
		})
		got, err = clv.ConvertDiscountRate(x, period(from), period(to))
		check("ConvertDiscountRate", got, err, ok && units >= 0 && periods, func() *big.Rat {
			a, b := refRatio(period(from), period(to))
			return sub(refPow(add(ratInt(1), rat(x)), a, b), ratInt(1))
		})
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

// Two segments and shared options: the blend matches the reference, and
// equals the calculation on the totals when the lifespans are the same.
func FuzzCalculateSegments(f *testing.F) {
	f.Add(int64(6000000), int64(2500), int64(1000), int64(2000000), int64(500), int64(250), int8(0),
		int64(2), int32(0), int64(25), int32(-2), int8(0), false, int64(4000), int64(10), int8(0), int64(40), int8(2))
	f.Add(int64(1), int64(1), int64(1), int64(1), int64(1), int64(1), int8(1),
		int64(5), int32(-1), int64(1), int32(0), int8(3), true, int64(10000), int64(3), int8(0), int64(350), int8(0))
	f.Fuzz(func(t *testing.T, r1, p1, c1, r2, p2, c2 int64, window int8,
		length int64, lengthExp int32, churn int64, churnExp int32, life int8, shared bool,
		margin, rate int64, ratePeriod int8, cac int64, scale int8) {
		args := calcArgs{revenue: r1, revenueExp: -2, purchases: p1, customer: c1, window: window,
			length: length, lengthExp: lengthExp, life: life, margin: margin, rate: rate, rateExp: -2,
			ratePeriod: ratePeriod, cac: cac, scale: scale}
		first, ok1 := args.build()
		args.revenue, args.purchases, args.customer = r2, p2, c2
		if !shared {
			args.length, args.lengthExp, args.churn, args.churnExp = 0, 0, churn, churnExp
		}
		second, ok2 := args.build()
		segments := []clv.Segment{
			{Name: "first", Window: first.window, Lifespan: first.life, AcquisitionCost: first.cac},
			{Name: "second", Window: second.window, Lifespan: second.life, AcquisitionCost: second.cac},
		}
		valid := ok1 && ok2 && c1 <= math.MaxInt64-c2 && p1 <= math.MaxInt64-p2
		got, err := clv.CalculateSegments(segments, first.options()...)
		if err != nil {
			checkFailure(t, err, valid, "CalculateSegments")
			return
		}
		if !valid {
			t.Fatalf("CalculateSegments accepted invalid input %+v", segments)
		}
		blend := refBlend([]refExact{refFigures(first), refFigures(second)})
		if diff := refDiffers(got.Blended, blend, first.window.Period, first.scale); diff != "" {
			t.Fatalf("blend of %+v: %s", segments, diff)
		}
		if shared {
			whole, err := clv.Calculate(got.Total, first.life, first.options()...)
			if err == nil && !got.Blended.Equal(whole) {
				t.Fatalf("roll-up of %+v\n got %+v\nwant %+v", segments, got.Blended, whole)
			}
		}
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

// FuzzAccumulator decodes a purchase log from bytes, 12 to a row: customer,
// segment, a day over about four years, and an amount of any size and
// scale. The integer fast path must agree exactly with the plain decimal
// reference, whole and merged from shards; amounts out of range must be
// refused and change nothing.
func FuzzAccumulator(f *testing.F) {
	f.Add([]byte("\x00\x00\x01\x00\x10\x27\x00\x00\x00\x00\x00\x00\xfe"), uint8(2), uint8(2))
	f.Add([]byte("\x01\x02\x05\x03\xff\xff\xff\xff\xff\xff\xff\x7f\x10\x02\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\xee"), uint8(0), uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, period, shards uint8) {
		p := clv.Period(period % 4)
		start := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
		var log []clv.Purchase
		whole, _ := clv.NewAccumulator(p)
		parts := make([]*clv.Accumulator, 1+shards%4)
		for i := range parts {
			parts[i], _ = clv.NewAccumulator(p)
		}
		for ; len(data) >= 12; data = data[12:] {
			units := int64(binary.LittleEndian.Uint64(data[4:]))
			exp := int32(int8(data[3])) % 40
			x := clv.Purchase{
				Customer: string(rune('a' + data[0]%8)),
				Segment:  []string{"", "web", "store"}[data[1]%3],
				Time:     start.Add(time.Duration(binary.LittleEndian.Uint16(data[2:])%1500) * 24 * time.Hour),
				Amount:   decimal.New(units, exp),
			}
			err := whole.Add(x)
			if !inRange(units, exp) {
				if !errors.Is(err, clv.ErrOutOfRange) {
					t.Fatalf("amount %s: got %v, want out of range", x.Amount, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("purchase %+v refused: %v", x, err)
			}
			if err := parts[int(data[0]/8)%len(parts)].Add(x); err != nil {
				t.Fatal(err)
			}
			log = append(log, x)
		}
		want, customers := refSummary(p, log)
		assertSummary(t, want, whole.Summary())
		assertCustomers(t, customers, whole)
		merged, _ := clv.NewAccumulator(p)
		for _, part := range parts {
			if err := merged.Merge(part); err != nil {
				t.Fatal(err)
			}
		}
		assertSummary(t, want, merged.Summary())
		assertCustomers(t, customers, merged)
	})
}

// FuzzFitSBG decodes cohorts from bytes: a count byte per cohort, then its
// size and a drop per period, with now and then a raw value that may rise
// or go negative. Every series gets an error with a sentinel, the one an
// independent check expects, or a fit that is the maximum of the
// likelihood; none panics or hangs.
func FuzzFitSBG(f *testing.F) {
	f.Add([]byte("\x07\xe8\x03\x69\x51\x2b\x1c\x12\x0d\x0a"))
	f.Add([]byte("\x03\x64\x00\x00\x00\x02\x0a\x00\x05"))
	f.Add([]byte("\x02\x64\x00\x64\xff\x01"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var cohorts [][]int64
		for len(data) >= 3 && len(cohorts) < 4 {
			n := int(data[0] % 16)
			c := []int64{int64(binary.LittleEndian.Uint16(data[1:])) - 8}
			data = data[3:]
			for ; n > 0 && len(data) > 0; n-- {
				next := c[len(c)-1] - int64(data[0]%64)
				if data[0] >= 250 { // a raw value
					next = int64(data[0]) - 252
				}
				c = append(c, next)
				data = data[1:]
			}
			cohorts = append(cohorts, c)
		}
		fit, err := clv.FitSBG(clv.Month, cohorts...)

		// What an independent check expects.
		var want error
		var lost, first, size int64
		longest := 0
		for _, c := range cohorts {
			switch {
			case want != nil:
			case len(c) < 2:
				want = clv.ErrMissing
			case c[0] <= 0:
				want = clv.ErrNonPositive
			default:
				for j := 1; j < len(c) && want == nil; j++ {
					if c[j] < 0 {
						want = clv.ErrNegative
					} else if c[j] > c[j-1] {
						want = clv.ErrInconsistent
					}
				}
			}
			if want == nil {
				lost += c[0] - c[len(c)-1]
				first += c[0] - c[1]
				size += c[0]
				longest = max(longest, len(c)-1)
			}
		}
		if want == nil && (len(cohorts) == 0) {
			want = clv.ErrMissing
		}
		if want == nil && (lost == 0 || first == size || longest < 2) {
			want = clv.ErrNoFit
		}
		if want != nil {
			if !errors.Is(err, want) {
				t.Fatalf("%v: got %v, want %v", cohorts, err, want)
			}
			return
		}
		if errors.Is(err, clv.ErrNoFit) {
			return // valid cohorts whose likelihood has no maximum in range
		}
		if err != nil {
			t.Fatalf("%v: %v", cohorts, err)
		}
		m := fit.Model
		if !(m.Alpha > 0 && m.Beta > 0 && m.Alpha <= 1e12 && m.Beta <= 1e12) || math.IsNaN(fit.LogLikelihood) || fit.LogLikelihood > 0 {
			t.Fatalf("%v: fit %+v", cohorts, fit)
		}
		if m.Alpha+m.Beta > 1e4 {
			// Near the constant-churn limit, where the likelihood levels
			// off, and the reference's differences of large log-gammas
			// lose the digits to tell.
			return
		}
		ll := refLogLikelihood(m.Alpha, m.Beta, cohorts...)
		if math.Abs(ll-fit.LogLikelihood) > 1e-6*(1+math.Abs(ll)) {
			t.Fatalf("%v: log-likelihood %v, reference %v", cohorts, fit.LogLikelihood, ll)
		}
		for _, step := range [][2]float64{{1.01, 1}, {0.99, 1}, {1, 1.01}, {1, 0.99}} {
			if l := refLogLikelihood(m.Alpha*step[0], m.Beta*step[1], cohorts...); l > ll+1e-9*(1+math.Abs(ll)) {
				t.Fatalf("%v: %+v is no maximum: %v at %v", cohorts, m, l, step)
			}
		}
	})
}
