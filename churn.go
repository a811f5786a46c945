package clv

import (
	"cmp"
	"fmt"
	"math"
	"strings"

	"github.com/shopspring/decimal"
)

// A Period is the unit of time that a rate, a lifespan or a window of
// observation is measured in. A year has 52 weeks, 12 months and 4 quarters.
//
// The zero Period is [Year], the window the CLV formulas assume when none is
// stated, so an unset Period field means a year. Periods print and parse as
// "week", "month", "quarter" and "year", in flags, JSON and configuration
// files alike. Any other value is refused with [ErrUnknownPeriod] wherever a
// Period is taken.
type Period int

// The periods, from the longest. Year is the zero value.
const (
	Year Period = iota
	Quarter
	Month
	Week
)

var periodNames = [...]string{Year: "year", Quarter: "quarter", Month: "month", Week: "week"}

// perYear returns how many periods p make a year, or 0 if p is not a period.
func (p Period) perYear() int64 {
	switch p {
	case Year:
		return 1
	case Quarter:
		return 4
	case Month:
		return 12
	case Week:
		return 52
	}
	return 0
}

// String returns "week", "month", "quarter" or "year", and "Period(n)" for
// any other value.
func (p Period) String() string {
	if p.perYear() == 0 {
		return fmt.Sprintf("Period(%d)", int(p))
	}
	return periodNames[p]
}

// MarshalText returns the name of p, as [Period.String] does. It returns an
// error wrapping [ErrUnknownPeriod] if p is not one of the four periods.
func (p Period) MarshalText() ([]byte, error) {
	if err := checkPeriod("period", "period", p); err != nil {
		return nil, err
	}
	return []byte(periodNames[p]), nil
}

// UnmarshalText sets p from its name: "week", "month", "quarter" or "year",
// in any letter case. Any other text, the empty text included, leaves p
// unchanged and returns an error wrapping [ErrUnknownPeriod].
func (p *Period) UnmarshalText(text []byte) error {
	for q, name := range periodNames {
		if strings.EqualFold(string(text), name) {
			*p = Period(q)
			return nil
		}
	}
	return &argError{fn: "period", arg: fmt.Sprintf("%q", text), err: ErrUnknownPeriod}
}

func checkPeriod(fn, arg string, p Period) error {
	if p.perYear() == 0 {
		return &argError{fn: fn, arg: arg, val: p.String(), err: ErrUnknownPeriod}
	}
	return nil
}

// periodRatio returns the exponent that converts a rate per period from to a
// rate per period to, as the fraction a/b in lowest terms: a year holds
// from.perYear() of the first and to.perYear() of the second, so one period
// to lasts from.perYear()/to.perYear() periods from.
func periodRatio(from, to Period) (a, b int64) {
	a, b = from.perYear(), to.perYear()
	g, y := a, b // their greatest common divisor, by Euclid
	for y != 0 {
		g, y = y, g%y
	}
	return a / g, b / g
}

// ChurnRate returns the share of customers lost over a period:
//
//	churn = lost / atStart
//
// rounded to [DefaultScale] places. A period in which nobody left gives 0,
// which the lifespan functions refuse: no churn observed means no finite
// lifespan can be inferred from it.
//
// It returns an error wrapping [ErrNonPositive] if atStart is not positive,
// [ErrNegative] if lost is negative, [ErrInconsistent] if more customers
// were lost than there were at the start, and [ErrOutOfRange] if some were
// lost but so few that the rate rounds to 0.
func ChurnRate(lost, atStart int64) (decimal.Decimal, error) {
	const fn = "churn rate"
	if err := checkCount(fn, "customers at start", atStart); err != nil {
		return decimal.Zero, err
	}
	if lost < 0 {
		return decimal.Zero, &argError{fn: fn, arg: "lost", val: fmt.Sprint(lost), err: ErrNegative}
	}
	if lost > atStart {
		return decimal.Zero, &argError{fn: fn, arg: "lost", val: fmt.Sprint(lost), note: fmt.Sprintf("> customers at start = %d", atStart), err: ErrInconsistent}
	}
	c := decimal.NewFromInt(lost).DivRound(decimal.NewFromInt(atStart), DefaultScale)
	if c.IsZero() && lost > 0 {
		return decimal.Zero, &argError{fn: fn, arg: "lost", val: fmt.Sprint(lost), note: fmt.Sprintf("of %d", atStart), err: roundsToZero()}
	}
	return c, nil
}

// roundsToZero is the reason a rate above zero is refused when it would be
// reported as zero, which every function taking a rate reads otherwise.
func roundsToZero() error {
	return fmt.Errorf("%w: rounds to 0 at %d places", ErrOutOfRange, DefaultScale)
}

// RetentionRate returns the share of customers kept over a period, the
// complement of its churn rate:
//
//	retention = 1 − churn
//
// rounded to [DefaultScale] places.
//
// It returns an error wrapping [ErrNonPositive] if churnRate is not positive,
// [ErrAboveOne] if it is above 1, and [ErrOutOfRange] if it has more than
// [MaxScale] decimal places.
func RetentionRate(churnRate decimal.Decimal) (decimal.Decimal, error) {
	c, err := checkChurn("retention rate", "churn rate", churnRate)
	if err != nil {
		return decimal.Zero, err
	}
	return one.Sub(c).Round(DefaultScale), nil
}

// LifespanFromChurn returns the expected number of periods a customer stays
// when a constant share of customers leaves each period (geometric
// retention), in the churn rate's own period:
//
//	lifespan = 1 / churn
//
// rounded to [DefaultScale] places. A monthly churn of 1 % gives 100 months;
// convert the churn first with [ConvertChurn] to count in another period.
//
// It returns an error wrapping [ErrNonPositive] if churnRate is not positive,
// [ErrAboveOne] if it is above 1, and [ErrOutOfRange] if it has more than
// [MaxScale] decimal places.
func LifespanFromChurn(churnRate decimal.Decimal) (decimal.Decimal, error) {
	c, err := checkChurn("lifespan from churn", "churn rate", churnRate)
	if err != nil {
		return decimal.Zero, err
	}
	return one.DivRound(c, DefaultScale), nil
}

// ConvertChurn converts a churn rate per period from into the churn rate per
// period to that retains the same customers. Retention compounds, so a
// monthly churn c becomes the yearly churn
//
//	1 − (1 − c)^12
//
// and in general 1 − (1 − c)^(n_from / n_to), where n is the number of
// periods in a year. The result is rounded to [DefaultScale] places; a
// conversion to a shorter period takes a root, which is computed to 20
// guard digits before that one rounding. A conversion to the same period
// returns churnRate as it is.
//
// It returns an error wrapping [ErrNonPositive] if churnRate is not positive,
// [ErrAboveOne] if it is above 1, [ErrUnknownPeriod] for an unknown period,
// and [ErrOutOfRange] if churnRate has more than [MaxScale] decimal places
// or the converted rate rounds to 0.
func ConvertChurn(churnRate decimal.Decimal, from, to Period) (decimal.Decimal, error) {
	const fn = "convert churn"
	c, err := checkChurn(fn, "churn rate", churnRate)
	if err = cmp.Or(err, checkPeriods(fn, from, to)); err != nil || from == to {
		return c, err
	}
	converted := one.Sub(compound(one.Sub(c), from, to)).Round(DefaultScale)
	if converted.IsZero() {
		return decimal.Zero, convertedToZero(fn, "churn rate", c, from, to)
	}
	return converted, nil
}

// convertedToZero reports a rate above zero that converts to one that
// rounds to zero.
func convertedToZero(fn, arg string, rate decimal.Decimal, from, to Period) error {
	return &argError{fn: fn, arg: arg, val: rate.String(), note: "a " + from.String(),
		err: fmt.Errorf("%w: a rate a %s rounds to 0 at %d places", ErrOutOfRange, to, DefaultScale)}
}

// ConvertDiscountRate converts a discount (or interest) rate per period from
// into the equivalent rate per period to. Rates compound, so a rate d per
// period becomes
//
//	(1 + d)^(n_from / n_to) − 1
//
// where n is the number of periods in a year: 1 % a month is about 12.68 % a
// year. The result is rounded to [DefaultScale] places; a conversion to a
// shorter period takes a root, which is computed to 20 guard digits before
// that one rounding. A conversion to the same period returns rate as it
// is.
//
// It returns an error wrapping [ErrNegative] if rate is negative,
// [ErrUnknownPeriod] for an unknown period, and [ErrOutOfRange] if rate is
// beyond the magnitude and scale bounds of [ErrOutOfRange] or is above
// zero and converts to a rate that rounds to 0.
func ConvertDiscountRate(rate decimal.Decimal, from, to Period) (decimal.Decimal, error) {
	const fn = "convert discount rate"
	d, err := checkNonNegative(fn, "rate", rate)
	if err = cmp.Or(err, checkPeriods(fn, from, to)); err != nil || from == to {
		return d, err
	}
	converted := compound(one.Add(d), from, to).Sub(one).Round(DefaultScale)
	if converted.IsZero() && d.Sign() > 0 {
		return decimal.Zero, convertedToZero(fn, "rate", d, from, to)
	}
	return converted, nil
}

func checkPeriods(fn string, from, to Period) error {
	return cmp.Or(checkPeriod(fn, "from", from), checkPeriod(fn, "to", to))
}

// compound returns the growth factor x per period from as a factor per
// period to, x^(from.perYear() / to.perYear()), with a root computed to
// guard digits beyond the default scale.
func compound(x decimal.Decimal, from, to Period) decimal.Decimal {
	a, b := periodRatio(from, to)
	return ratePower(x, a, b, DefaultScale+guardDigits)
}

// ratePower returns x^(a/b) for x ≥ 0 and 1 ≤ a, b ≤ 52: exactly when b is 1,
// and rounded to places otherwise.
func ratePower(x decimal.Decimal, a, b int64, places int32) decimal.Decimal {
	// Neither call can fail here: the exponent a is positive and small, and
	// x has at most MaxScale places, so the power's exponent fits an int32;
	// an odd or even root of x ≥ 0 always exists.
	p, _ := x.PowInt32(int32(a))
	if b == 1 {
		return p
	}
	r, _ := p.RootRound(b, places)
	return r
}

// A Lifespan is how long a customer keeps buying, in one of three forms:
//
//   - a fixed average Length in periods: 3 years, 36 months;
//   - a ChurnRate per period: 5 % of customers leave each month, so each
//     stays a geometric number of periods, 1 / ChurnRate on average;
//   - a retention Curve fitted to cohorts ([FitSBG]), whose customers stay
//     S(t) of the time for t periods, optionally cut off after Length
//     periods.
//
// Set exactly one of Length and ChurnRate, or a Curve with or without a
// Length; the zero Period is a year, and a Curve's Period must be the
// Lifespan's. The
// Period of a Lifespan is also the period in which value arrives: at the
// start of each period a customer is active, the first one undiscounted. So
// the two forms agree undiscounted when Length = 1 / ChurnRate, but discount
// differently, because churn spreads the same average over short and long
// lives. At a discount rate d per Period, one unit of value per period is
// worth
//
//	churn:  (1 + d) / (d + ChurnRate)
//	fixed:  1 + (1 + d)^−1 + … + (1 + d)^−(n−1) + (Length − n)(1 + d)^−n
//
// where n is the whole part of Length: the last, partial period pays its
// share at its start. For a whole Length the fixed form sums to
//
//	(1 + d)(1 − (1 + d)^−Length) / d
//
// Neither form exceeds the undiscounted 1 / ChurnRate or Length, and 36
// months discount a little more than 3 years do. A Curve is worth
//
//	curve:  S(0) + S(1)(1 + d)^−1 + S(2)(1 + d)^−2 + …
//
// up to its Length, if it has one, the partial last period again paying
// its share at its start. Without a Length and undiscounted the sum is
// (α + β − 1) / (α − 1), so a Curve with α ≤ 1 needs a Length. A Curve's
// sums are evaluated in float64, to about twelve significant digits, and
// enter the exact arithmetic as decimals.
type Lifespan struct {
	// Length is the average number of periods a customer keeps buying, or,
	// with a Curve, the most periods counted. It must be positive, and at
	// most 1,000,000 periods, when ChurnRate and Curve are zero, at least
	// zero and at most 1,000,000 with a Curve, and zero with a ChurnRate.
	Length decimal.Decimal `json:"length"`
	// ChurnRate is the share of customers lost each period, in (0, 1].
	// Zero, it is unset; with Length and Curve zero too the Lifespan is
	// refused with an error wrapping [ErrNonPositive] that says a churn
	// rate of 0 would make it unbounded.
	ChurnRate decimal.Decimal `json:"churn_rate"`
	// Curve is a retention curve, if its Alpha or Beta is set.
	Curve SBG `json:"curve,omitzero"`
	// Period is the unit of Length, ChurnRate and Curve.
	Period Period `json:"period"`
}

// Equal reports whether l and m describe the same lifespan: equal periods and
// curves and numerically equal Length and ChurnRate (3 equals 3.00).
func (l Lifespan) Equal(m Lifespan) bool {
	return l.Period == m.Period && l.Length.Equal(m.Length) && l.ChurnRate.Equal(m.ChurnRate) && l.Curve == m.Curve
}

// curved reports whether l has a Curve.
func (l Lifespan) curved() bool { return l.Curve.Alpha != 0 || l.Curve.Beta != 0 }

// check returns l with its decimals ready for arithmetic, or an error naming
// the field at fault.
func (l Lifespan) check(fn string) (Lifespan, error) {
	if err := checkPeriod(fn, "period", l.Period); err != nil {
		return l, err
	}
	var err error
	switch {
	case l.curved():
		if err = l.checkCurve(fn); err != nil {
			return l, err
		}
		// A curve counts up to its Length, if it has one.
		if l.Length, err = checkLength(fn, l.Length, true); err == nil && l.Length.IsZero() && l.Curve.Alpha <= 1 {
			err = l.Curve.unbounded(fn)
		}
	case l.ChurnRate.IsZero() && l.Length.IsZero():
		// Neither, or a churn rate of 0: not a missing length, but a
		// lifespan without end.
		err = &argError{fn: fn, arg: "length and churn rate", val: "0", note: "(a churn rate of 0 loses no customer: the lifespan would be unbounded)", err: ErrNonPositive}
	case l.ChurnRate.IsZero():
		l.Length, err = checkLength(fn, l.Length, false)
	case !l.Length.IsZero():
		err = &argError{fn: fn, arg: "length and churn rate", note: "both set", err: ErrInconsistent}
	default:
		l.ChurnRate, err = checkChurn(fn, "churn rate", l.ChurnRate)
	}
	return l, err
}

// checkCurve checks the Curve of a Lifespan and how it fits the rest.
func (l Lifespan) checkCurve(fn string) error {
	if err := l.Curve.check(fn + ": curve"); err != nil {
		return err
	}
	switch {
	case l.Curve.Period != l.Period:
		return &argError{fn: fn, arg: "curve period", note: fmt.Sprintf("%s, lifespan period %s", l.Curve.Period, l.Period), err: ErrInconsistent}
	case !l.ChurnRate.IsZero():
		return &argError{fn: fn, arg: "curve and churn rate", note: "both set", err: ErrInconsistent}
	}
	return nil
}

// checkLength checks the Length of a Lifespan: positive, or zero if
// zeroAllowed, and at most maxLength periods.
func checkLength(fn string, length decimal.Decimal, zeroAllowed bool) (decimal.Decimal, error) {
	check := checkPositive
	if zeroAllowed {
		check = checkNonNegative
	}
	length, err := check(fn, "length", length)
	if err == nil && length.GreaterThan(decimal.NewFromInt(maxLength)) {
		err = &argError{fn: fn, arg: "length", val: length.String(), err: ErrOutOfRange}
	}
	return length, err
}

// periods returns the expected number of periods a customer pays for,
// undiscounted: Length, 1 / ChurnRate, or the Curve's sum. It reports
// false if the sum is unbounded, which a checked Lifespan rules out.
func (l Lifespan) periods() (fraction, bool) {
	if l.curved() {
		return floatFraction(l.Curve.presentValue(0, l.Length.InexactFloat64(), 1))
	}
	if l.ChurnRate.IsZero() {
		return fractionOf(l.Length), true
	}
	return intFraction(1).over(fractionOf(l.ChurnRate)), true
}

const (
	// maxLength bounds a fixed lifespan: a million weeks are over 19,000
	// years. It keeps the powers of discounting within int64 exponents.
	maxLength = 1_000_000
	// Limits of the exact form of a discounted fixed lifespan, which needs
	// (1 + d)^n in full: beyond them it is evaluated to guard digits.
	maxExactLength = 10_000
	maxExactDigits = 4_000
)

// discountedPeriods returns the present value, at the start of the first
// period, of one unit of value arriving at the start of each period of l in
// which the customer is still active, with money discounted at rate per
// ratePeriod (see [Lifespan]). l must be checked.
//
// The result is exact when the rate converts to l's period without a root
// and, for a fixed lifespan of n whole periods, n ≤ maxExactLength and n
// times the digits of g = (1 + rate)^a is at most maxExactDigits.
// Otherwise it is evaluated with a working precision chosen so that,
// multiplied by any in-range amount, its error stays below
// 10^−(scale+guardDigits). It depends only on its arguments, so segments that
// share a lifespan get identical factors and blend exactly. It reports false
// only if a power it needs cannot be computed, which the bounds on its
// inputs are meant to rule out.
func discountedPeriods(l Lifespan, rate decimal.Decimal, ratePeriod Period, scale int32) (fraction, bool) {
	if l.curved() {
		if rate.IsZero() {
			return l.periods()
		}
		z := perPeriodDiscount(rate, ratePeriod, l.Period)
		return floatFraction(l.Curve.presentValue(0, l.Length.InexactFloat64(), z))
	}
	fixed := l.ChurnRate.IsZero()
	// Undiscounted, or a life of at most one period, paid at once: exact.
	if rate.IsZero() || fixed && l.Length.LessThanOrEqual(one) || l.ChurnRate.Equal(one) {
		return l.periods()
	}
	a, b := periodRatio(ratePeriod, l.Period)
	whole := l.Length.Floor()
	part := l.Length.Sub(whole)
	if b == 1 {
		g := ratePower(one.Add(rate), a, 1, 0) // 1 + the rate per period of l
		if !fixed {
			return fractionOf(g).over(fractionOf(g.Sub(one).Add(l.ChurnRate))), true
		}
		if whole.LessThanOrEqual(decimal.NewFromInt(maxExactLength)) &&
			int64(g.NumDigits())*whole.IntPart() <= maxExactDigits {
			// With G = g^n: g(G − 1) / ((g − 1)G) + part / G.
			gn, _ := g.PowInt32(int32(whole.IntPart())) // small exponent, no error
			gm1 := g.Sub(one)
			return fractionOf(g.Mul(gn.Sub(one)).Add(part.Mul(gm1))).over(fractionOf(gm1.Mul(gn))), true
		}
	}

	// Errors in g, in g^−n and in the last division reach the result
	// amplified by at most amp, a bound on the partial derivatives of the
	// two forms; an amount below 10^magnitudeDigits multiplies them further.
	growth := float64(a) / float64(b) * math.Log1p(rate.InexactFloat64()) // ln g
	var amp float64
	if fixed {
		amp = 2*(l.Length.InexactFloat64()+1)*(1+1/math.Expm1(growth)) + 1
	} else {
		c := l.ChurnRate.InexactFloat64()
		amp = 1/(c*c) + 1
	}
	w := scale + guardDigits + magnitudeDigits + int32(math.Ceil(math.Log10(amp))) + 1

	g := ratePower(one.Add(rate), a, b, w)
	gm1 := g.Sub(one)
	if gm1.Sign() <= 0 { // unreachable at this precision; never divide by zero
		return fraction{}, false
	}
	if !fixed {
		return fractionOf(g.DivRound(gm1.Add(l.ChurnRate), w)), true
	}
	vn := decimal.Zero // v^n = g^−n, left 0 where it is below the working precision
	if whole.InexactFloat64()*growth/math.Ln10 <= float64(w+2) {
		var err error
		if vn, err = g.PowWithPrecision(whole.Neg(), w); err != nil {
			return fraction{}, false
		}
	}
	f := g.Mul(one.Sub(vn)).DivRound(gm1, w).Add(part.Mul(vn))
	return fractionOf(f), true
}

// perPeriodDiscount returns 1 / (1 + d) for a checked rate per ratePeriod,
// d being the rate compounded to period, in float64.
func perPeriodDiscount(rate decimal.Decimal, ratePeriod, period Period) float64 {
	a, b := periodRatio(ratePeriod, period)
	return math.Pow(1+rate.InexactFloat64(), -float64(a)/float64(b))
}
