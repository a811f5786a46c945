// Package clv computes customer lifetime value (CLV): what a customer is worth
// to a business over the whole time they keep buying. It starts from figures a
// business already has — revenue, purchases, customers, churn, gross margin,
// acquisition cost — and computes in exact decimal arithmetic.
//
// # The formulas
//
// For one window of observation (a year unless stated otherwise):
//
//	average purchase value   APV      = revenue / purchases
//	purchase frequency       APF      = purchases / customers
//	customer value           CV       = APV × APF = revenue / customers, per window
//	lifespan                 L        = average periods a customer keeps buying,
//	                                    or 1 / churn rate
//	lifetime value           CLV      = CV × L
//	profit-based CLV                  = CLV × gross margin
//	acquisition cost         CAC      = acquisition spend / new customers
//	net CLV                           = CLV − CAC − retention costs over the lifespan
//	LTV:CAC                           = CLV / CAC
//	payback                           = CAC / (margin × CV − retention cost), in windows
//
// Each formula is a function of its own, from [AveragePurchaseValue] to
// [PaybackPeriods], and the churn helpers live beside them ([ChurnRate],
// [LifespanFromChurn], [ConvertChurn], …). Most callers want every figure at
// once: [Calculate] takes the totals of a [Window], a [Lifespan] and
// [Option] values and returns a [Result]; [CalculateSegments] does the same
// for several segments and blends them, weighted by customers.
//
// # From purchase records
//
// Most businesses hold orders, not totals. An [Accumulator] takes
// [Purchase] records — customer, time, amount, segment; a negative amount
// is a refund — in any order, and returns a [Summary]: for each calendar
// window and segment, the revenue, purchases, refunds, customers, and the
// new, returning and lost customers from which churn is measured
// ([WindowSummary.ChurnRate], [AverageChurnRate]). A [WindowSummary]'s
// Window goes straight into [Calculate]. Per customer it gives the
// frequency, recency, T and repeat value of the statistical CLV literature
// ([CustomerSummary]). Amounts are summed exactly, mostly as integers that
// cost no allocation; accumulators over parts of a log merge exactly
// ([Accumulator.Merge]).
//
// # Retention curves
//
// A churn rate assumes every customer is as likely to leave in their tenth
// period as in their first. Real cohorts lose their least loyal customers
// early, so retention rises with tenure and 1 / churn understates
// lifetimes. [FitSBG] fits the shifted-beta-geometric model of Fader and
// Hardie to cohorts; the fitted [SBG] gives survival and retention curves,
// expected and discounted residual lifetimes, and, as a [Lifespan] Curve,
// prices CLV in [Calculate] and [CalculateSegments] like any lifespan.
// [SBGFit.Project] sets the curve beside the constant churn of the same
// cohorts. The model's parameters are statistics, in float64; money stays
// decimal.
//
// # Units
//
// Every rate, lifespan and window carries a [Period]: a week, month, quarter
// or year. Values are converted before they meet, never silently mixed.
// Amounts per period scale linearly (1,200 a year is 100 a month); rates
// compound (a monthly churn c is a yearly churn of 1 − (1 − c)^12). A lifespan
// counts in its own period, so a churn of 1 % a month gives 100 months, which
// [Calculate] reports as 8.33 years against a yearly window.
//
// # Timing and discounting
//
// Value arrives at the start of each period in which a customer is active, in
// the period of the [Lifespan], and the first period is not discounted. At a
// discount rate d per period, one unit of value each period is worth
//
//	at churn rate c:        (1 + d) / (d + c)
//	for L whole periods:    (1 + d)(1 − (1 + d)^−L) / d
//
// and a partial last period pays its share at its start. Both reduce to 1 / c
// and L when d = 0, and discounting never raises them. The Gupta–Lehmann
// margin multiple r / (1 + d − r), with retention r = 1 − c, is the
// churn-based form less its first period.
//
// # Rounding
//
// Money and rates are [decimal.Decimal] values, never float64. A reported
// figure is computed from the exact inputs and rounded once, half away from
// zero, to a scale: [DefaultScale] decimal places, or the places set by
// [WithScale]. It is never the product of figures already rounded, so
// customer value is revenue / customers rounded once, even though it is also
// APV × APF. Figures that involve a root — a rate converted to a shorter
// period, such as a yearly discount rate applied to monthly churn — are
// irrational in general; they, and a discounted fixed lifespan of more than
// 10,000 periods or whose exact form would run past 4,000 digits, are
// evaluated with at least 20 guard digits before the one rounding, so they
// are the correctly rounded value unless the exact value lies within
// 10^−(scale+20) of a halfway point. A lifespan from a fitted retention
// curve is a statistic: it is summed in float64, to about twelve
// significant digits, and enters the exact arithmetic as a decimal.
// Every division names its precision:
// the package reads and writes none of the decimal package's global
// settings.
//
// # Errors and limits
//
// Bad input returns an error, never a panic. Each kind of failure wraps an
// exported sentinel — [ErrNonPositive], [ErrNegative], [ErrAboveOne],
// [ErrInconsistent], [ErrUnknownPeriod], [ErrNeverPaysBack], [ErrOutOfRange],
// [ErrMissing] or [ErrNoFit] — for [errors.Is], and the message names the argument at
// fault:
//
//	clv: purchase frequency: customers = 0: must be positive
//
// Decimal inputs must be below 10^24 in magnitude with at most [MaxScale]
// decimal places, and a fixed lifespan at most 1,000,000 periods; anything
// beyond is refused with [ErrOutOfRange] before any arithmetic, so no input
// can make a call slow or its memory large.
//
// All functions are pure and safe for concurrent use. An [Accumulator] is
// the one value that changes; give each goroutine its own.
package clv

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"slices"
	"strings"

	"github.com/shopspring/decimal"
)

const (
	// DefaultScale is the number of decimal places every figure is rounded
	// to unless [WithScale] says otherwise. Ten places keep rates such as a
	// weekly churn of 0.0023077 exact to seven significant digits.
	DefaultScale = 10

	// MaxScale is the most decimal places a decimal input may carry, and
	// the largest scale [WithScale] accepts.
	MaxScale = 30
)

const (
	// maxIntegerDigits bounds the magnitude of decimal inputs: below 10^24.
	maxIntegerDigits = 24
	// magnitudeDigits bounds, in digits, any amount a discount factor is
	// multiplied by: an in-range amount times 52 periods, twice (for net
	// value, which subtracts two such products).
	magnitudeDigits = 27
	// guardDigits is how many digits beyond the scale an irrational
	// figure is evaluated to before its one rounding.
	guardDigits = 20
	// exactTerms is how many fractions a sum adds exactly whatever their
	// denominators: cross-multiplying a few costs less than approximating.
	exactTerms = 4
)

var one = decimal.NewFromInt(1)

// The failures, each wrapped with the function and argument at fault.
var (
	// ErrNonPositive reports a count, length, rate or cost that must be
	// above zero but is not, such as a window without customers.
	ErrNonPositive = errors.New("clv: must be positive")
	// ErrNegative reports an amount or rate below zero where zero is the
	// least allowed, such as negative revenue.
	ErrNegative = errors.New("clv: must not be negative")
	// ErrAboveOne reports a share above 1 (100 %), such as a churn rate or
	// gross margin of 1.5.
	ErrAboveOne = errors.New("clv: must be at most 1")
	// ErrInconsistent reports inputs that contradict each other, such as
	// fewer purchases than customers who bought, or a lifespan with both a
	// length and a churn rate.
	ErrInconsistent = errors.New("clv: inconsistent")
	// ErrUnknownPeriod reports a [Period] that is not one of Week, Month,
	// Quarter and Year, or text that does not name one.
	ErrUnknownPeriod = errors.New("clv: unknown period")
	// ErrNeverPaysBack reports a contribution per period of zero or less:
	// the acquisition cost is never recovered.
	ErrNeverPaysBack = errors.New("clv: never pays back")
	// ErrOutOfRange reports an input far outside any business's range: a
	// decimal of 10^24 or more in magnitude, with more than [MaxScale]
	// decimal places, a scale above [MaxScale], a fixed lifespan of more
	// than 1,000,000 periods, totals that overflow int64, or a purchase
	// log beyond the limits of an [Accumulator].
	ErrOutOfRange = errors.New("clv: out of range")
	// ErrMissing reports a required value left empty, such as a purchase
	// without a customer or a time.
	ErrMissing = errors.New("clv: missing")
)

// argError is a failure of one argument: "clv: fn: arg = val: reason".
type argError struct {
	fn, arg, val string
	err          error
}

func (e *argError) Error() string {
	var b strings.Builder
	b.WriteString("clv: ")
	b.WriteString(e.fn)
	b.WriteString(": ")
	b.WriteString(e.arg)
	if e.val != "" {
		b.WriteString(" = ")
		b.WriteString(e.val)
	}
	b.WriteString(": ")
	b.WriteString(strings.TrimPrefix(e.err.Error(), "clv: "))
	return b.String()
}

func (e *argError) Unwrap() error { return e.err }

// checkDecimal returns d ready for arithmetic, or an error wrapping
// ErrOutOfRange. Its cost grows with d's digits, never with its exponent:
// nothing is rescaled before the value is known to be in range.
func checkDecimal(fn, arg string, d decimal.Decimal) (decimal.Decimal, error) {
	if d.Sign() == 0 {
		return decimal.Zero, nil // also drops an extreme exponent on a zero
	}
	outOfRange := &argError{fn: fn, arg: arg, err: ErrOutOfRange}
	exp := int64(d.Exponent())
	if int64(d.NumDigits())+exp > maxIntegerDigits { // |d| ≥ 10^24
		return decimal.Zero, outOfRange
	}
	if exp < -MaxScale {
		// Trailing zeros are harmless: 0.05 written with 40 places is 0.05.
		if d = d.Normalize(); d.Exponent() < -MaxScale {
			return decimal.Zero, outOfRange
		}
	}
	return d, nil
}

func checkNonNegative(fn, arg string, d decimal.Decimal) (decimal.Decimal, error) {
	d, err := checkDecimal(fn, arg, d)
	if err == nil && d.Sign() < 0 {
		err = &argError{fn: fn, arg: arg, val: d.String(), err: ErrNegative}
	}
	return d, err
}

func checkPositive(fn, arg string, d decimal.Decimal) (decimal.Decimal, error) {
	d, err := checkDecimal(fn, arg, d)
	if err == nil && d.Sign() <= 0 {
		err = &argError{fn: fn, arg: arg, val: d.String(), err: ErrNonPositive}
	}
	return d, err
}

// checkShare checks a share that may be zero, such as a gross margin: [0, 1].
func checkShare(fn, arg string, d decimal.Decimal) (decimal.Decimal, error) {
	d, err := checkNonNegative(fn, arg, d)
	if err == nil && d.GreaterThan(one) {
		err = &argError{fn: fn, arg: arg, val: d.String(), err: ErrAboveOne}
	}
	return d, err
}

// checkChurn checks a churn rate: (0, 1].
func checkChurn(fn, arg string, d decimal.Decimal) (decimal.Decimal, error) {
	d, err := checkPositive(fn, arg, d)
	if err == nil && d.GreaterThan(one) {
		err = &argError{fn: fn, arg: arg, val: d.String(), err: ErrAboveOne}
	}
	return d, err
}

func checkCount(fn, arg string, n int64) error {
	if n <= 0 {
		return &argError{fn: fn, arg: arg, val: fmt.Sprint(n), err: ErrNonPositive}
	}
	return nil
}

// checkPurchases checks the counts of a window: both positive, and every
// customer counted with at least one purchase.
func checkPurchases(fn string, purchases, customers int64) error {
	if err := checkCount(fn, "purchases", purchases); err != nil {
		return err
	}
	if err := checkCount(fn, "customers", customers); err != nil {
		return err
	}
	if purchases < customers {
		return &argError{fn: fn, arg: fmt.Sprintf("purchases = %d < customers", purchases), val: fmt.Sprint(customers), err: ErrInconsistent}
	}
	return nil
}

// A fraction is an exact rational number. Each figure is built as a fraction
// of its exact inputs and rounded once, at the end. Business inputs are
// small, so a fraction holds num / den in two int64s (den > 0) and costs no
// allocation; an operation whose result would overflow them moves to a pair
// of big.Int, which then holds the value. Neither form is reduced: each
// figure is rounded once and dropped, so greatest common divisors would cost
// more than they save.
type fraction struct {
	num, den int64
	big      *bigFraction // the value, when it outgrew num and den
}

// A bigFraction is num / den in big integers, den > 0.
type bigFraction struct{ num, den big.Int }

// pow10 holds the powers of ten that rounding and decimal inputs need.
var pow10 = func() (t [3 * (MaxScale + guardDigits + magnitudeDigits)]big.Int) {
	t[0].SetInt64(1)
	for i := 1; i < len(t); i++ {
		t[i].Mul(&t[i-1], big.NewInt(10))
	}
	return t
}()

// tenTo returns 10^n for n ≥ 0.
func tenTo(n int64) *big.Int {
	if n < int64(len(pow10)) {
		return &pow10[n]
	}
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(n), nil)
}

func intFraction(n int64) fraction { return fraction{num: n, den: 1} }

// fractionOf returns d exactly.
func fractionOf(d decimal.Decimal) fraction {
	exp := int64(d.Exponent())
	if d.NumDigits() <= 18 && exp <= 0 && exp >= -18 {
		return fraction{num: d.CoefficientInt64(), den: tenTo(-exp).Int64()}
	}
	b := new(bigFraction)
	b.num.Set(d.Coefficient())
	b.den.SetInt64(1)
	if exp > 0 {
		b.num.Mul(&b.num, tenTo(exp))
	} else {
		b.den.Set(tenTo(-exp))
	}
	return fraction{big: b}
}

// toBig returns f as a bigFraction, which the caller must not change.
func (f fraction) toBig() *bigFraction {
	if f.big != nil {
		return f.big
	}
	b := new(bigFraction)
	b.num.SetInt64(f.num)
	b.den.SetInt64(f.den)
	return b
}

func (f fraction) sign() int {
	if f.big != nil {
		return f.big.num.Sign()
	}
	switch {
	case f.num > 0:
		return 1
	case f.num < 0:
		return -1
	}
	return 0
}

// mul64 returns a × b and whether it fits an int64.
func mul64(a, b int64) (int64, bool) {
	hi, lo := bits.Mul64(absU(a), absU(b))
	if hi != 0 || lo > math.MaxInt64 {
		return 0, false
	}
	if (a < 0) != (b < 0) {
		return -int64(lo), true
	}
	return int64(lo), true
}

// add64 returns a + b and whether it fits an int64.
func add64(a, b int64) (int64, bool) {
	s := a + b
	return s, (s > a) == (b > 0)
}

func absU(a int64) uint64 {
	if a < 0 {
		return uint64(-(a + 1)) + 1
	}
	return uint64(a)
}

// times returns f × g.
func (f fraction) times(g fraction) fraction {
	if f.big == nil && g.big == nil {
		n, ok1 := mul64(f.num, g.num)
		d, ok2 := mul64(f.den, g.den)
		if ok1 && ok2 {
			return fraction{num: n, den: d}
		}
	}
	x, y, p := f.toBig(), g.toBig(), new(bigFraction)
	p.num.Mul(&x.num, &y.num)
	p.den.Mul(&x.den, &y.den)
	return fraction{big: p}
}

// over returns f / g, for g ≠ 0.
func (f fraction) over(g fraction) fraction {
	if g.big == nil && g.num != math.MinInt64 {
		if g.num < 0 {
			return f.times(fraction{num: -g.den, den: -g.num})
		}
		return f.times(fraction{num: g.den, den: g.num})
	}
	x, y, q := f.toBig(), g.toBig(), new(bigFraction)
	q.num.Mul(&x.num, &y.den)
	q.den.Mul(&x.den, &y.num)
	if q.den.Sign() < 0 {
		q.num.Neg(&q.num)
		q.den.Neg(&q.den)
	}
	return fraction{big: q}
}

// plus returns f + g.
func (f fraction) plus(g fraction) fraction {
	if f.big == nil && g.big == nil {
		if f.den == g.den {
			if n, ok := add64(f.num, g.num); ok {
				return fraction{num: n, den: f.den}
			}
		} else {
			a, ok1 := mul64(f.num, g.den)
			b, ok2 := mul64(g.num, f.den)
			n, ok3 := add64(a, b)
			d, ok4 := mul64(f.den, g.den)
			if ok1 && ok2 && ok3 && ok4 {
				return fraction{num: n, den: d}
			}
		}
	}
	x, y, s := f.toBig(), g.toBig(), new(bigFraction)
	if x.den.Cmp(&y.den) == 0 {
		s.num.Add(&x.num, &y.num)
		s.den.Set(&x.den)
	} else {
		var t big.Int
		s.num.Add(s.num.Mul(&x.num, &y.den), t.Mul(&y.num, &x.den))
		s.den.Mul(&x.den, &y.den)
	}
	return fraction{big: s}
}

func (f fraction) neg() fraction {
	if f.big == nil && f.num != math.MinInt64 {
		return fraction{num: -f.num, den: f.den}
	}
	x, n := f.toBig(), new(bigFraction)
	n.num.Neg(&x.num)
	n.den.Set(&x.den)
	return fraction{big: n}
}

// sameDenominator reports whether f and g are written over one denominator,
// which makes adding them cheap.
func (f fraction) sameDenominator(g fraction) bool {
	if f.big == nil && g.big == nil {
		return f.den == g.den
	}
	return f.toBig().den.Cmp(&g.toBig().den) == 0
}

// scaled returns f × 10^places rounded half away from zero to an integer.
func (f fraction) scaled(places int32) *big.Int {
	if q, ok := f.scaledSmall(places); ok {
		return big.NewInt(q)
	}
	x := f.toBig()
	var n, rem big.Int
	n.Mul(&x.num, tenTo(int64(places)))
	q := new(big.Int)
	q.QuoRem(&n, &x.den, &rem) // truncates toward zero
	if rem.Abs(&rem).Lsh(&rem, 1).Cmp(&x.den) >= 0 {
		q.Add(q, big.NewInt(int64(n.Sign())))
	}
	return q
}

// scaledSmall is scaled in 128-bit arithmetic, when f is small and the
// result fits an int64.
func (f fraction) scaledSmall(places int32) (int64, bool) {
	if f.big != nil || places > 18 { // 10^18 is the largest power of ten in an int64
		return 0, false
	}
	d := uint64(f.den)
	hi, lo := bits.Mul64(absU(f.num), uint64(tenTo(int64(places)).Int64()))
	if hi >= d {
		return 0, false // the quotient needs more than 64 bits
	}
	q, rem := bits.Div64(hi, lo, d)
	if rem >= d-rem { // 2 × rem ≥ d, without overflow
		q++
	}
	if q > math.MaxInt64 {
		return 0, false
	}
	if f.num < 0 {
		return -int64(q), true
	}
	return int64(q), true
}

// round returns f rounded half away from zero to places decimal places.
func (f fraction) round(places int32) decimal.Decimal {
	if q, ok := f.scaledSmall(places); ok {
		return decimal.New(q, -places)
	}
	return decimal.NewFromBigInt(f.scaled(places), -places)
}

// A sum is a sum of fractions, kept as its terms: adding fractions exactly
// costs little when they share a denominator or are few, and a great deal
// when a thousand segments each bring their own.
type sum []fraction

// A total is a sum prepared for division by [roundQuo]. It holds the exact
// value when the terms share a denominator or are few; otherwise it holds
// approx, the sum of the terms each scaled by 10^approxAt and rounded to an
// integer, which is within err (half a unit per term, rounded up) of the
// exact sum so scaled.
type total struct {
	terms       sum
	exact       fraction // when known
	known       bool     // exact is set: the terms share a denominator or are few
	approx, err big.Int
	approxAt    int32
}

// prepare returns s ready to divide, and to be divided by, with results
// rounded to places.
func prepare(s sum, places int32) total {
	t := total{terms: s, approxAt: places + guardDigits}
	if len(s) <= exactTerms || !slices.ContainsFunc(s[1:], func(f fraction) bool { return !f.sameDenominator(s[0]) }) {
		t.exact, t.known = s.exactSum(), true
		return t
	}
	for _, f := range s {
		t.approx.Add(&t.approx, f.scaled(t.approxAt))
	}
	t.err.SetInt64(int64(len(s)))
	return t
}

func (s sum) exactSum() fraction {
	f := s[0]
	for _, g := range s[1:] {
		f = f.plus(g)
	}
	return f
}

// bounds returns t scaled by 10^approxAt as an integer interval [lo, hi].
func (t total) bounds() (lo, hi *big.Int) {
	v, e := &t.approx, &t.err
	if t.known {
		v, e = t.exact.scaled(t.approxAt), big.NewInt(1)
	}
	return new(big.Int).Sub(v, e), new(big.Int).Add(v, e)
}

func (t total) exactValue() fraction {
	if t.known {
		return t.exact
	}
	return t.terms.exactSum()
}

// roundQuo returns n / d rounded half away from zero to places, where d is
// positive and both were prepared for places. When both are exact it simply
// divides. Otherwise it first bounds the quotient between two
// approximations, which settles the rounding unless the exact value is
// within about 10^-(places+guardDigits) of a halfway point; only then does it
// add the terms exactly. Either way the result is the exact quotient rounded
// once.
func roundQuo(n, d total, places int32) decimal.Decimal {
	if !n.known || !d.known {
		nlo, nhi := n.bounds()
		dlo, dhi := d.bounds()
		if dlo.Sign() > 0 {
			// n / d is least at nlo over the larger or smaller d, by nlo's
			// sign, and greatest likewise at nhi; the scaling cancels.
			lo := &bigFraction{}
			lo.num.Set(nlo)
			lo.den.Set(dhi)
			if nlo.Sign() < 0 {
				lo.den.Set(dlo)
			}
			hi := &bigFraction{}
			hi.num.Set(nhi)
			hi.den.Set(dlo)
			if nhi.Sign() < 0 {
				hi.den.Set(dhi)
			}
			if l := (fraction{big: lo}).round(places); l.Equal(fraction{big: hi}.round(places)) {
				return l
			}
		}
	}
	return n.exactValue().over(d.exactValue()).round(places)
}

// AveragePurchaseValue returns the mean revenue per purchase (APV):
//
//	APV = revenue / purchases
//
// rounded to [DefaultScale] places. Zero revenue gives zero.
//
// It returns an error wrapping [ErrNegative] if revenue is negative,
// [ErrNonPositive] if purchases is not positive, and [ErrOutOfRange] if
// revenue is beyond the bounds of [ErrOutOfRange].
func AveragePurchaseValue(revenue decimal.Decimal, purchases int64) (decimal.Decimal, error) {
	const fn = "average purchase value"
	revenue, err := checkNonNegative(fn, "revenue", revenue)
	if err != nil {
		return decimal.Zero, err
	}
	if err := checkCount(fn, "purchases", purchases); err != nil {
		return decimal.Zero, err
	}
	return revenue.DivRound(decimal.NewFromInt(purchases), DefaultScale), nil
}

// PurchaseFrequency returns the mean number of purchases per customer who
// bought in the window (APF):
//
//	APF = purchases / customers
//
// rounded to [DefaultScale] places. Every customer counted bought at least
// once, so the result is at least 1.
//
// It returns an error wrapping [ErrNonPositive] if purchases or customers is
// not positive, and [ErrInconsistent] if there are fewer purchases than
// customers.
func PurchaseFrequency(purchases, customers int64) (decimal.Decimal, error) {
	if err := checkPurchases("purchase frequency", purchases, customers); err != nil {
		return decimal.Zero, err
	}
	return decimal.NewFromInt(purchases).DivRound(decimal.NewFromInt(customers), DefaultScale), nil
}

// CustomerValue returns the revenue of one customer in one window:
//
//	customer value = average purchase value × purchase frequency
//
// rounded to [DefaultScale] places. Its inputs are usually rounded figures
// themselves; [Calculate] instead reports revenue / customers rounded once.
//
// It returns an error wrapping [ErrNegative] if averagePurchaseValue is
// negative, [ErrNonPositive] if purchaseFrequency is not positive, and
// [ErrOutOfRange] if either is beyond the bounds of [ErrOutOfRange].
func CustomerValue(averagePurchaseValue, purchaseFrequency decimal.Decimal) (decimal.Decimal, error) {
	const fn = "customer value"
	apv, err := checkNonNegative(fn, "average purchase value", averagePurchaseValue)
	if err != nil {
		return decimal.Zero, err
	}
	apf, err := checkPositive(fn, "purchase frequency", purchaseFrequency)
	if err != nil {
		return decimal.Zero, err
	}
	return apv.Mul(apf).Round(DefaultScale), nil
}

// LifetimeValue returns the revenue of one customer over their lifespan:
//
//	CLV = customer value × lifespan
//
// rounded to [DefaultScale] places. The lifespan must count the periods the
// customer value is per: a yearly customer value takes a lifespan in years.
// For a profit-based CLV pass customer value × gross margin.
//
// It returns an error wrapping [ErrNegative] if customerValue is negative,
// [ErrNonPositive] if lifespan is not positive, and [ErrOutOfRange] if either
// is beyond the bounds of [ErrOutOfRange].
func LifetimeValue(customerValue, lifespan decimal.Decimal) (decimal.Decimal, error) {
	const fn = "lifetime value"
	cv, err := checkNonNegative(fn, "customer value", customerValue)
	if err != nil {
		return decimal.Zero, err
	}
	l, err := checkPositive(fn, "lifespan", lifespan)
	if err != nil {
		return decimal.Zero, err
	}
	return cv.Mul(l).Round(DefaultScale), nil
}

// AcquisitionCost returns the cost of acquiring one new customer (CAC):
//
//	CAC = acquisition spend / new customers
//
// rounded to [DefaultScale] places.
//
// It returns an error wrapping [ErrNegative] if spend is negative,
// [ErrNonPositive] if newCustomers is not positive, and [ErrOutOfRange] if
// spend is beyond the bounds of [ErrOutOfRange].
func AcquisitionCost(spend decimal.Decimal, newCustomers int64) (decimal.Decimal, error) {
	const fn = "acquisition cost"
	spend, err := checkNonNegative(fn, "spend", spend)
	if err != nil {
		return decimal.Zero, err
	}
	if err := checkCount(fn, "new customers", newCustomers); err != nil {
		return decimal.Zero, err
	}
	return spend.DivRound(decimal.NewFromInt(newCustomers), DefaultScale), nil
}

// NetLifetimeValue returns what a customer is worth after the cost of
// acquiring them:
//
//	net CLV = CLV − CAC
//
// rounded to [DefaultScale] places. A customer who costs more to acquire than
// they bring in has a negative net value; that is a finding, not an error, so
// NetLifetimeValue fails only with [ErrOutOfRange], for an argument beyond
// its bounds. [Calculate] also subtracts retention costs.
func NetLifetimeValue(lifetimeValue, acquisitionCost decimal.Decimal) (decimal.Decimal, error) {
	const fn = "net lifetime value"
	ltv, err := checkDecimal(fn, "lifetime value", lifetimeValue)
	if err != nil {
		return decimal.Zero, err
	}
	cac, err := checkDecimal(fn, "acquisition cost", acquisitionCost)
	if err != nil {
		return decimal.Zero, err
	}
	return ltv.Sub(cac).Round(DefaultScale), nil
}

// LTVToCAC returns the ratio of a customer's lifetime value to the cost of
// acquiring them:
//
//	LTV:CAC = CLV / CAC
//
// rounded to [DefaultScale] places. A ratio of 3 is a common rule of thumb
// for a healthy business.
//
// It returns an error wrapping [ErrNegative] if lifetimeValue is negative,
// [ErrNonPositive] if acquisitionCost is not positive (a ratio to a zero
// cost is undefined), and [ErrOutOfRange] if either is beyond the bounds of
// [ErrOutOfRange].
func LTVToCAC(lifetimeValue, acquisitionCost decimal.Decimal) (decimal.Decimal, error) {
	const fn = "LTV to CAC"
	ltv, err := checkNonNegative(fn, "lifetime value", lifetimeValue)
	if err != nil {
		return decimal.Zero, err
	}
	cac, err := checkPositive(fn, "acquisition cost", acquisitionCost)
	if err != nil {
		return decimal.Zero, err
	}
	return ltv.DivRound(cac, DefaultScale), nil
}

// PaybackPeriods returns how many periods of contribution recover the cost
// of acquiring a customer:
//
//	payback = CAC / contribution per period
//
// rounded to [DefaultScale] places, in the period of the contribution. The
// contribution is what a customer leaves after costs each period: gross
// margin × customer value − retention cost. The result ignores churn and
// discounting, as the rule of thumb does.
//
// It returns an error wrapping [ErrNegative] if acquisitionCost is negative,
// [ErrNeverPaysBack] if contributionPerPeriod is zero or negative, and
// [ErrOutOfRange] if either is beyond the bounds of [ErrOutOfRange].
func PaybackPeriods(acquisitionCost, contributionPerPeriod decimal.Decimal) (decimal.Decimal, error) {
	const fn = "payback periods"
	cac, err := checkNonNegative(fn, "acquisition cost", acquisitionCost)
	if err != nil {
		return decimal.Zero, err
	}
	contribution, err := checkDecimal(fn, "contribution per period", contributionPerPeriod)
	if err != nil {
		return decimal.Zero, err
	}
	if contribution.Sign() <= 0 {
		return decimal.Zero, &argError{fn: fn, arg: "contribution per period", val: contribution.String(), err: ErrNeverPaysBack}
	}
	return cac.DivRound(contribution, DefaultScale), nil
}

// A Window holds what was observed over one period of time: the revenue,
// the purchases, and the distinct customers who bought. It is the input to
// [Calculate]. Refunds are netted out of Revenue and are not purchases.
type Window struct {
	// Revenue is the money taken in the window, net of refunds.
	Revenue decimal.Decimal `json:"revenue"`
	// Purchases is the number of purchases (orders) in the window.
	Purchases int64 `json:"purchases"`
	// Customers is the number of distinct customers who bought in the
	// window, each at least once.
	Customers int64 `json:"customers"`
	// Period is the length of the window; the zero Period is a year.
	Period Period `json:"period"`
}

// Equal reports whether w and v hold the same totals: numerically equal
// revenue (100 equals 100.00), equal counts and equal periods.
func (w Window) Equal(v Window) bool {
	return w.Revenue.Equal(v.Revenue) && w.Purchases == v.Purchases &&
		w.Customers == v.Customers && w.Period == v.Period
}

func (w Window) check(fn string) (Window, error) {
	var err error
	if w.Revenue, err = checkNonNegative(fn, "revenue", w.Revenue); err != nil {
		return w, err
	}
	if err := checkPurchases(fn, w.Purchases, w.Customers); err != nil {
		return w, err
	}
	return w, checkPeriod(fn, "period", w.Period)
}

// A Result holds every figure [Calculate] derives for the customers of a
// window. Each is rounded once, from the exact inputs, to the scale in force.
// Amounts are per customer; Lifespan and PaybackPeriods count windows.
type Result struct {
	// Period is the window's period: the unit of CustomerValue, Lifespan
	// and PaybackPeriods.
	Period Period `json:"period"`

	// AveragePurchaseValue is revenue / purchases.
	AveragePurchaseValue decimal.Decimal `json:"average_purchase_value"`
	// PurchaseFrequency is purchases / customers.
	PurchaseFrequency decimal.Decimal `json:"purchase_frequency"`
	// CustomerValue is revenue / customers: one customer's revenue per
	// window.
	CustomerValue decimal.Decimal `json:"customer_value"`
	// Lifespan is the expected number of windows a customer keeps buying,
	// undiscounted.
	Lifespan decimal.Decimal `json:"lifespan"`

	// LifetimeValue is CustomerValue × Lifespan: revenue over a lifetime.
	LifetimeValue decimal.Decimal `json:"lifetime_value"`
	// ProfitLifetimeValue is LifetimeValue × gross margin. It equals
	// LifetimeValue unless [WithGrossMargin] is given.
	ProfitLifetimeValue decimal.Decimal `json:"profit_lifetime_value"`
	// DiscountedLifetimeValue is ProfitLifetimeValue with each period's
	// value discounted to the start of the first period. It equals
	// ProfitLifetimeValue unless [WithDiscountRate] is given. This is the
	// lifetime value that AcquisitionCost is set against.
	DiscountedLifetimeValue decimal.Decimal `json:"discounted_lifetime_value"`

	// AcquisitionCost is the cost of acquiring one customer, zero unless
	// [WithAcquisitionCost] is given.
	AcquisitionCost decimal.Decimal `json:"acquisition_cost"`
	// RetentionCost is the cost of keeping one customer over their
	// lifespan, discounted like their value; zero unless
	// [WithRetentionCost] is given.
	RetentionCost decimal.Decimal `json:"retention_cost"`
	// NetLifetimeValue is DiscountedLifetimeValue − AcquisitionCost −
	// RetentionCost. It may be negative.
	NetLifetimeValue decimal.Decimal `json:"net_lifetime_value"`
	// LTVToCAC is DiscountedLifetimeValue / AcquisitionCost. It is set
	// (Valid) only when the acquisition cost is positive.
	LTVToCAC decimal.NullDecimal `json:"ltv_to_cac"`
	// PaybackPeriods is AcquisitionCost / (gross margin × CustomerValue −
	// retention cost per window), in windows, ignoring churn and
	// discounting. It is set (Valid) only when the acquisition cost is
	// positive and the customer contributes more than zero per window.
	PaybackPeriods decimal.NullDecimal `json:"payback_periods"`
}

// Equal reports whether r and s hold numerically equal figures.
func (r Result) Equal(s Result) bool {
	return r.Period == s.Period &&
		r.AveragePurchaseValue.Equal(s.AveragePurchaseValue) &&
		r.PurchaseFrequency.Equal(s.PurchaseFrequency) &&
		r.CustomerValue.Equal(s.CustomerValue) &&
		r.Lifespan.Equal(s.Lifespan) &&
		r.LifetimeValue.Equal(s.LifetimeValue) &&
		r.ProfitLifetimeValue.Equal(s.ProfitLifetimeValue) &&
		r.DiscountedLifetimeValue.Equal(s.DiscountedLifetimeValue) &&
		r.AcquisitionCost.Equal(s.AcquisitionCost) &&
		r.RetentionCost.Equal(s.RetentionCost) &&
		r.NetLifetimeValue.Equal(s.NetLifetimeValue) &&
		nullEqual(r.LTVToCAC, s.LTVToCAC) &&
		nullEqual(r.PaybackPeriods, s.PaybackPeriods)
}

func nullEqual(a, b decimal.NullDecimal) bool {
	return a.Valid == b.Valid && (!a.Valid || a.Decimal.Equal(b.Decimal))
}

// Calculate returns every figure of a [Result] for the customers observed in
// w, who are expected to stay for life. Options add a gross margin, a
// discount rate, an acquisition cost, a retention cost and the scale; see
// [Option]. Units are converted as the package documentation describes:
// the result counts in w's period, whatever the lifespan's and the rates'.
//
// It returns an error wrapping [ErrNonPositive] if w has no purchases or no
// customers or life has a non-positive length or churn rate,
// [ErrInconsistent] if w has fewer purchases than customers or life sets both
// length and churn rate, [ErrNegative] for a negative amount or rate,
// [ErrAboveOne] for a churn rate or gross margin above 1, [ErrUnknownPeriod]
// for an unknown period, and [ErrOutOfRange] for a decimal, a scale or a
// fixed lifespan beyond the package's bounds.
func Calculate(w Window, life Lifespan, opts ...Option) (Result, error) {
	c, err := newConfig(opts)
	if err != nil {
		return Result{}, err
	}
	t, err := c.totals("", w, life, c.acquisitionCost)
	if err != nil {
		return Result{}, err
	}
	return c.result(t, w.Period), nil
}

// totals are a window's figures summed over all its customers, so that
// windows (segments) combine by adding them.
type totals struct {
	revenue              decimal.Decimal
	purchases, customers int64
	// The lifespans of all customers, in windows, and the lifetime values
	// of all customers: revenue, profit, discounted profit, and discounted
	// retention cost.
	lifespan, value, profit, discounted, retention sum
	// acquisition is customers × the acquisition cost of one.
	acquisition fraction
}

// totals checks w and life, naming them within prefix, and sums their
// figures over w's customers, who cost cac each to acquire.
func (c config) totals(prefix string, w Window, life Lifespan, cac decimal.Decimal) (totals, error) {
	w, err := w.check(prefix + "window")
	if err != nil {
		return totals{}, err
	}
	life, err = life.check(prefix + "lifespan")
	if err != nil {
		return totals{}, err
	}
	discounted, ok := discountedPeriods(life, c.discountRate, c.discountPeriod, c.scale)
	if !ok {
		return totals{}, &argError{fn: prefix + "lifespan", arg: "discounted at " + c.discountRate.String() + " a " + c.discountPeriod.String(), err: ErrOutOfRange}
	}
	periods := intFraction(life.Period.perYear())
	toWindows := intFraction(w.Period.perYear()).over(periods) // windows in a lifespan period
	customers := intFraction(w.Customers)
	revenue := fractionOf(w.Revenue)
	profit := revenue.times(fractionOf(c.margin))
	// Retention cost per customer and lifespan period.
	retention := fractionOf(c.retentionCost).times(intFraction(c.retentionPeriod.perYear())).over(periods)
	lifespan := life.periods().times(toWindows)
	discountedWindows := discounted.times(toWindows)
	return totals{
		revenue:     w.Revenue,
		purchases:   w.Purchases,
		customers:   w.Customers,
		lifespan:    sum{lifespan.times(customers)},
		value:       sum{lifespan.times(revenue)},
		profit:      sum{lifespan.times(profit)},
		discounted:  sum{discountedWindows.times(profit)},
		retention:   sum{discounted.times(retention).times(customers)},
		acquisition: customers.times(fractionOf(cac)),
	}, nil
}

// add returns the totals of t and u together, or false if a count overflows.
// It appends u's terms to t's, so t must not be used afterwards.
func (t totals) add(u totals) (totals, bool) {
	if t.purchases > math.MaxInt64-u.purchases || t.customers > math.MaxInt64-u.customers {
		return t, false
	}
	acquisition := u.acquisition
	if t.customers > 0 {
		acquisition = t.acquisition.plus(u.acquisition)
	}
	return totals{
		revenue:     t.revenue.Add(u.revenue),
		purchases:   t.purchases + u.purchases,
		customers:   t.customers + u.customers,
		lifespan:    append(t.lifespan, u.lifespan...),
		value:       append(t.value, u.value...),
		profit:      append(t.profit, u.profit...),
		discounted:  append(t.discounted, u.discounted...),
		retention:   append(t.retention, u.retention...),
		acquisition: acquisition,
	}, true
}

// result divides totals over their customers and rounds each figure once.
func (c config) result(t totals, window Period) Result {
	s := c.scale
	customers := intFraction(t.customers)
	perCustomer := prepare(sum{customers}, s)
	each := func(terms sum) decimal.Decimal { return roundQuo(prepare(terms, s), perCustomer, s) }
	discounted := prepare(t.discounted, s)
	net := slices.Concat(t.discounted, negate(t.retention), sum{t.acquisition.neg()})
	revenue := fractionOf(t.revenue)

	r := Result{
		Period:                  window,
		AveragePurchaseValue:    revenue.over(intFraction(t.purchases)).round(s),
		PurchaseFrequency:       intFraction(t.purchases).over(customers).round(s),
		CustomerValue:           revenue.over(customers).round(s),
		Lifespan:                each(t.lifespan),
		LifetimeValue:           each(t.value),
		ProfitLifetimeValue:     each(t.profit),
		DiscountedLifetimeValue: roundQuo(discounted, perCustomer, s),
		AcquisitionCost:         t.acquisition.over(customers).round(s),
		RetentionCost:           each(t.retention),
		NetLifetimeValue:        each(net),
	}
	if t.acquisition.sign() > 0 {
		r.LTVToCAC = decimal.NewNullDecimal(roundQuo(discounted, prepare(sum{t.acquisition}, s), s))
		// The contribution of all customers per window: margin × revenue −
		// retention cost a year × customers / windows a year.
		windows := intFraction(window.perYear())
		retention := fractionOf(c.retentionCost).times(intFraction(c.retentionPeriod.perYear())).times(customers).over(windows)
		contribution := revenue.times(fractionOf(c.margin)).plus(retention.neg())
		if contribution.sign() > 0 {
			r.PaybackPeriods = decimal.NewNullDecimal(t.acquisition.over(contribution).round(s))
		}
	}
	return r
}

func negate(s sum) sum {
	n := make(sum, len(s))
	for i, f := range s {
		n[i] = f.neg()
	}
	return n
}

// pow10Int64[n] is 10^n, for the scaled integers of purchase sums.
var pow10Int64 = [...]int64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
	1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

// maxUnitPlaces is the most decimal places a scaled integer sum keeps.
const maxUnitPlaces = 18

// unitsOf returns d as units × 10^−places with trailing zeros dropped, when
// |units| < 10^18 and places ≤ 18; otherwise ok is false. It allocates
// nothing: it is the fast path of summing purchase amounts.
func unitsOf(d decimal.Decimal) (units int64, places int32, ok bool) {
	exp := d.Exponent()
	if exp < -maxUnitPlaces || exp > maxUnitPlaces || d.NumDigits() > 18 {
		return 0, 0, false
	}
	units = d.CoefficientInt64()
	if exp > 0 {
		units, ok = scaleUnits(units, exp)
		return units, 0, ok
	}
	places = -exp
	for places > 0 && units%10 == 0 {
		units /= 10
		places--
	}
	return units, places, true
}

// scaleUnits returns units × 10^k for 0 ≤ k ≤ 18, and whether it fits an
// int64.
func scaleUnits(units int64, k int32) (int64, bool) {
	return mul64(units, pow10Int64[k])
}

// A scaledSum is an exact running sum of decimals: units × 10^−places, with
// places kept by its owner, plus spill, a decimal holding whatever did not
// fit an int64. Nearly every sum stays in units, where adding costs no
// allocation.
type scaledSum struct {
	units int64
	spill decimal.Decimal
}

// add adds units × 10^−places, moving the sum so far to spill if the units
// would overflow.
func (s *scaledSum) add(units int64, places int32) {
	if v, ok := add64(s.units, units); ok {
		s.units = v
		return
	}
	s.spill = s.spill.Add(decimal.New(s.units, -places))
	s.units = units
}

// rescale changes the scale of the units from places to more places.
func (s *scaledSum) rescale(places, more int32) {
	if v, ok := scaleUnits(s.units, more-places); ok {
		s.units = v
		return
	}
	s.spill = s.spill.Add(decimal.New(s.units, -places))
	s.units = 0
}

// value returns the sum.
func (s scaledSum) value(places int32) decimal.Decimal {
	v := decimal.New(s.units, -places)
	if s.spill.Sign() != 0 {
		v = v.Add(s.spill)
	}
	return v
}
