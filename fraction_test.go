package clv

import (
	"math"
	"math/big"
	"testing"

	"github.com/shopspring/decimal"
)

// The fraction arithmetic keeps small values in int64s and moves to big
// integers on overflow. These tests hold both forms to math/big.Rat.

func ratOf(f fraction) *big.Rat {
	b := f.toBig()
	return new(big.Rat).SetFrac(&b.num, &b.den)
}

// roundRat rounds x half away from zero to places, in big.Rat.
func roundRat(x *big.Rat, places int32) decimal.Decimal {
	scaled := new(big.Rat).Mul(x, new(big.Rat).SetInt(tenTo(int64(places))))
	q, r := new(big.Int).QuoRem(scaled.Num(), scaled.Denom(), new(big.Int))
	if new(big.Int).Lsh(r.Abs(r), 1).Cmp(scaled.Denom()) >= 0 {
		q.Add(q, big.NewInt(int64(scaled.Sign())))
	}
	return decimal.NewFromBigInt(q, -places)
}

func checkFraction(t *testing.T, what string, got fraction, want *big.Rat) {
	t.Helper()
	if got.big == nil && got.den <= 0 {
		t.Fatalf("%s: denominator %d", what, got.den)
	}
	if got.big != nil && got.big.den.Sign() <= 0 {
		t.Fatalf("%s: denominator %s", what, &got.big.den)
	}
	if ratOf(got).Cmp(want) != 0 {
		t.Fatalf("%s = %s, want %s", what, ratOf(got).RatString(), want.RatString())
	}
	if got.sign() != want.Sign() {
		t.Fatalf("%s: sign %d, want %d", what, got.sign(), want.Sign())
	}
	for _, places := range []int32{0, 2, 10, 18, 19, 30} {
		if r, w := got.round(places), roundRat(want, places); !r.Equal(w) {
			t.Fatalf("%s rounded to %d: %s, want %s", what, places, r, w)
		}
	}
}

func FuzzFraction(f *testing.F) {
	f.Add(int64(12000000), int64(100), int64(4), int64(10), false)
	f.Add(int64(math.MaxInt64), int64(1), int64(math.MinInt64), int64(math.MaxInt64), false)
	f.Add(int64(-7), int64(3), int64(5), int64(1000000000000000000), true)
	f.Add(int64(1), int64(3), int64(-1), int64(6), false)
	f.Add(int64(math.MinInt64), int64(2), int64(3), int64(3), true)
	f.Fuzz(func(t *testing.T, a, b, c, d int64, mixed bool) {
		if b <= 0 || d <= 0 {
			return
		}
		x, y := fraction{num: a, den: b}, fraction{num: c, den: d}
		if mixed {
			y = fraction{big: y.toBig()} // mixed forms
		}
		rx, ry := ratOf(x), ratOf(y)
		checkFraction(t, "x", x, rx)
		checkFraction(t, "x × y", x.times(y), new(big.Rat).Mul(rx, ry))
		checkFraction(t, "x + y", x.plus(y), new(big.Rat).Add(rx, ry))
		checkFraction(t, "−x", x.neg(), new(big.Rat).Neg(rx))
		if c != 0 {
			checkFraction(t, "x / y", x.over(y), new(big.Rat).Quo(rx, ry))
		}
		if x.sameDenominator(y) != (b == d) {
			t.Fatalf("sameDenominator(%d/%d, %d/%d)", a, b, c, d)
		}
	})
}

func TestFractionOf(t *testing.T) {
	for _, s := range []string{"0", "1", "-1", "120000.00", "0.000000000000000001", "123456789012345678",
		"1234567890123456789", "0.0000000000000000001", "99999999999999999999.999999999999999999"} {
		d := decimal.RequireFromString(s)
		checkFraction(t, s, fractionOf(d), d.Rat())
	}
	d := decimal.New(5, 3) // a positive exponent
	checkFraction(t, "5e3", fractionOf(d), d.Rat())
}
