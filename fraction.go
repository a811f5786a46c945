package clv

// This file implements the exact arithmetic behind the package
// documentation's Rounding: fractions held in two int64s that move to big
// integers when they overflow, sums of them that divide with a proven
// error bound, and the one rounding of each figure.

import (
	"math"
	"math/big"
	"math/bits"
	"slices"

	"github.com/clvkit/clv/internal/fixed"
	"github.com/shopspring/decimal"
)

// exactTerms is how many fractions a sum adds exactly whatever their
// denominators: cross-multiplying a few costs less than approximating.
const exactTerms = 4

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

// pow10 holds the powers of ten that rounding, decimal inputs and the
// scaled integers of purchase sums need.
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

// floatFraction returns v exactly, if ok and v is finite: a curve's sums
// are float64, and a NaN must never reach the decimal package, which
// panics on it.
func floatFraction(v float64, ok bool) (fraction, bool) {
	if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
		return fraction{}, false
	}
	return fractionOf(decimal.NewFromFloat(v)), true
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

// times returns f × g.
func (f fraction) times(g fraction) fraction {
	if f.big == nil && g.big == nil {
		n, ok1 := fixed.Mul(f.num, g.num)
		d, ok2 := fixed.Mul(f.den, g.den)
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
			if n, ok := fixed.Add(f.num, g.num); ok {
				return fraction{num: n, den: f.den}
			}
		} else {
			a, ok1 := fixed.Mul(f.num, g.den)
			b, ok2 := fixed.Mul(g.num, f.den)
			n, ok3 := fixed.Add(a, b)
			d, ok4 := fixed.Mul(f.den, g.den)
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
	hi, lo := bits.Mul64(fixed.Abs(f.num), uint64(tenTo(int64(places)).Int64()))
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

// A fractionSum is a sum of fractions, kept as its terms: adding fractions exactly
// costs little when they share a denominator or are few, and a great deal
// when a thousand segments each bring their own.
type fractionSum []fraction

// A total is a sum prepared for division by [roundQuo]. It holds the exact
// value when the terms share a denominator or are few; otherwise it holds
// approx, the sum of the terms each scaled by 10^approxAt and rounded to an
// integer, which is within err (half a unit per term, rounded up) of the
// exact sum so scaled.
type total struct {
	terms       fractionSum
	exact       fraction // when known
	known       bool     // exact is set: the terms share a denominator or are few
	approx, err big.Int
	approxAt    int32
}

// prepare returns s ready to divide, and to be divided by, with results
// rounded to places.
func prepare(s fractionSum, places int32) total {
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

// neg returns the terms of s negated.
func (s fractionSum) neg() fractionSum {
	n := make(fractionSum, len(s))
	for i, f := range s {
		n[i] = f.neg()
	}
	return n
}

func (s fractionSum) exactSum() fraction {
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
