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
// |units| < 10^18 and places ≤ MaxPlaces; otherwise ok is false.
func Units(d decimal.Decimal) (units int64, places int32, ok bool) {
	exp := d.Exponent()
	if exp < -MaxPlaces || exp > MaxPlaces || d.NumDigits() > 18 {
		return 0, 0, false
	}
	units = d.CoefficientInt64()
	if exp > 0 {
		units, ok = Scale(units, exp)
		return units, 0, ok
	}
	places = -exp
	for places > 0 && units%10 == 0 {
		units /= 10
		places--
	}
	return units, places, true
}

// Scale returns units × 10^k, and whether it fits an int64; ok is false
// for k outside 0 … MaxPlaces.
func Scale(units int64, k int32) (int64, bool) {
	if k < 0 || k > MaxPlaces {
		return 0, false
	}
	return Mul(units, Pow10[k])
}

// Add returns a + b, and whether it fits an int64.
func Add(a, b int64) (int64, bool) {
	s := a + b
	return s, (s > a) == (b > 0)
}

// Mul returns a × b, and whether it fits an int64.
func Mul(a, b int64) (int64, bool) {
	hi, lo := bits.Mul64(Abs(a), Abs(b))
	if (a < 0) != (b < 0) {
		if hi != 0 || lo > 1<<63 {
			return 0, false
		}
		return -int64(lo), true // 2^63 wraps to math.MinInt64, as it should
	}
	if hi != 0 || lo > math.MaxInt64 {
		return 0, false
	}
	return int64(lo), true
}

// Abs returns |a|, math.MinInt64's included.
func Abs(a int64) uint64 {
	if a < 0 {
		return uint64(-(a + 1)) + 1
	}
	return uint64(a)
}
