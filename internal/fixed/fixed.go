// Package fixed holds the integer arithmetic behind the exact sums of
// amounts in clv and btyd: a decimal as a whole number of units of its
// last place, and int64 sums and products that report overflow instead
// of wrapping. Nothing here allocates.
package fixed

import (
	"math"
	"math/bits"

	"github.com/shopspring/decimal"
)

// MaxPlaces is the most decimal places a sum in units keeps.
const MaxPlaces = 18

// Pow10 holds 10^k for k = 0 … MaxPlaces.
var Pow10 = func() (p [MaxPlaces + 1]int64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = 10 * p[i-1]
	}
	return p
}()

// Units returns d as units × 10^−places with trailing zeros dropped, when
// d's coefficient has at most 18 digits, its exponent is from −MaxPlaces
// to MaxPlaces and the units fit an int64; otherwise units and places are
// 0 and ok is false, so that a caller may add the units either way.
func Units(d decimal.Decimal) (units int64, places int32, ok bool) {
	exp := d.Exponent()
	if exp < -MaxPlaces || exp > MaxPlaces || d.NumDigits() > 18 {
		return 0, 0, false
	}
	units = d.CoefficientInt64()
	if exp > 0 {
		if units, ok = Scale(units, exp); !ok {
			return 0, 0, false
		}
		return units, 0, true
	}
	places = -exp
	for places > 0 && units%10 == 0 {
		units /= 10
		places--
	}
	return units, places, true
}

// Scale returns units × 10^k, and whether it fits an int64; ok is false,
// and the result means nothing, if it does not or k is outside
// 0 … MaxPlaces.
func Scale(units int64, k int32) (int64, bool) {
	if k < 0 || k > MaxPlaces {
		return 0, false
	}
	return Mul(units, Pow10[k])
}

// Add returns a + b, and whether it fits an int64; if it does not, the
// result means nothing.
func Add(a, b int64) (int64, bool) {
	s := a + b
	return s, (s > a) == (b > 0)
}

// Mul returns a × b, and whether it fits an int64; if it does not, the
// result means nothing.
func Mul(a, b int64) (int64, bool) {
	hi, lo := bits.Mul64(Abs(a), Abs(b))
	if (a < 0) != (b < 0) {
		return -int64(lo), hi == 0 && lo <= 1<<63 // 2^63 wraps to math.MinInt64, as it should
	}
	return int64(lo), hi == 0 && lo <= math.MaxInt64
}

// Abs returns |a|, math.MinInt64's included.
func Abs(a int64) uint64 {
	if a < 0 {
		return uint64(-(a + 1)) + 1
	}
	return uint64(a)
}
