package btyd

// This file implements the small numerical helpers the models share: the
// log-beta and trigamma functions, the log of the negative binomial
// coefficient, logistic and softplus in a form that never overflows, a
// relative exponential, compensated sums, the exact length of each unit
// of time, and the conversions between decimals and float64 at the edge
// of the models.

import (
	"fmt"
	"math"

	"github.com/clvkit/clv"
	"github.com/shopspring/decimal"
)

// unitDays returns the exact length of one p in days: a week is 7 days, a
// month 365.25 / 12 = 30.4375, a quarter 91.3125, a year 365.25.
func unitDays(p clv.Period) (float64, bool) {
	switch p {
	case clv.Week:
		return 7, true
	case clv.Month:
		return 30.4375, true
	case clv.Quarter:
		return 91.3125, true
	case clv.Year:
		return 365.25, true
	}
	return 0, false
}

// checkUnit returns the length of p in days, or an error wrapping
// clv.ErrUnknownPeriod.
func checkUnit(fn, arg string, p clv.Period) (float64, error) {
	d, ok := unitDays(p)
	if !ok {
		return 0, fmt.Errorf("btyd: %s: %s = %v: %w", fn, arg, p, clv.ErrUnknownPeriod)
	}
	return d, nil
}

// trigamma returns ψ′(x), the derivative of the digamma function, for
// x > 0: by the recurrence ψ′(x) = ψ′(x + 1) + 1/x² up to x ≥ 10, then the
// asymptotic series, whose first omitted term is below 10^−17 there.
func trigamma(x float64) float64 {
	var acc float64
	for x < 10 {
		acc += 1 / (x * x)
		x++
	}
	y := 1 / (x * x)
	// 1/x + 1/(2x²) + Σ B_2k / x^(2k+1)
	series := y * (1.0/6 - y*(1.0/30-y*(1.0/42-y*(1.0/30-y*(5.0/66-y*(691.0/2730-y*7.0/6))))))
	return acc + 1/x + y/2 + series/x
}

// logBeta returns ln B(a, b) for a, b > 0.
func logBeta(a, b float64) float64 {
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	return la + lb - lab
}

// logNBDCoefficient returns ln(Γ(r + n) / (Γ(r) n!)), the log of the
// coefficient of n in the negative binomial distribution of a gamma
// mixture of Poisson counts, for r > 0 and n ≥ 0.
func logNBDCoefficient(r, n float64) float64 {
	lgrn, _ := math.Lgamma(r + n)
	lgr, _ := math.Lgamma(r)
	lgn1, _ := math.Lgamma(n + 1)
	return lgrn - lgr - lgn1
}

// logistic returns 1 / (1 + e^−d), without overflow for any d.
func logistic(d float64) float64 {
	if d >= 0 {
		return 1 / (1 + math.Exp(-d))
	}
	e := math.Exp(d)
	return e / (1 + e)
}

// softplus returns ln(1 + e^d), without overflow for any d.
func softplus(d float64) float64 {
	if d > 0 {
		return d + math.Log1p(math.Exp(-d))
	}
	return math.Log1p(math.Exp(d))
}

// exprel returns (e^y − 1) / y, and 1 at y = 0, accurate near 0.
func exprel(y float64) float64 {
	if math.Abs(y) < 1e-5 {
		return 1 + y/2 + y*y/6
	}
	return math.Expm1(y) / y
}

// A kahan is a compensated (Neumaier) running sum: millions of terms keep
// the digits of a float64.
type kahan struct{ sum, carry float64 }

func (k *kahan) add(x float64) {
	t := k.sum + x
	if math.Abs(k.sum) >= math.Abs(x) {
		k.carry += (k.sum - t) + x
	} else {
		k.carry += (x - t) + k.sum
	}
	k.sum = t
}

func (k kahan) value() float64 { return k.sum + k.carry }

// toFloat returns d as the nearest float64. Amounts of up to 15
// significant digits with at most 22 places convert exactly rounded
// without allocating.
func toFloat(d decimal.Decimal) float64 { return d.InexactFloat64() }

// pow10 holds the powers of ten that float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// toDecimal returns v rounded half away from zero to places decimal
// places. v must be finite. Below 2^52 units of the last place it scales
// and rounds in float64, so v's own rounding error, not this one, is what
// limits the result; larger values go through decimal.NewFromFloat.
func toDecimal(v float64, places int32) decimal.Decimal {
	if places >= 0 && int(places) < len(pow10) {
		if u := v * pow10[places]; math.Abs(u) < 1<<52 {
			return decimal.New(int64(math.Round(u)), -places)
		}
	}
	return decimal.NewFromFloat(v).Round(places)
}

// logBuckets is the number of x that logProducts keeps apart.
const logBuckets = 64

// logProducts sums ln v and x ln v over positive values v, each with its
// x < logBuckets, by multiplying the values of each x together and taking
// one logarithm a bucket at the end: a multiplication in place of each
// logarithm, which is most of the cost of a pass over a million
// customers. A product leaves [2^−500, 2^500] only to be renormalised,
// its binary exponent kept apart, so it neither overflows nor
// underflows for values within 2^±500; its rounding error grows with the
// square root of the values multiplied, as a sum of their logarithms'
// does. The zero logProducts is not ready: reset it first.
type logProducts struct {
	mant [logBuckets]float64
	exp  [logBuckets]int
}

// reset empties every bucket.
func (p *logProducts) reset() {
	for x := range p.mant {
		p.mant[x], p.exp[x] = 1, 0
	}
}

// mul multiplies v into the bucket of x.
func (p *logProducts) mul(x int, v float64) {
	m := p.mant[x] * v
	if m > 0x1p500 || m < 0x1p-500 {
		var e int
		m, e = math.Frexp(m)
		p.exp[x] += e
	}
	p.mant[x] = m
}

// logs returns Σ ln v and Σ x ln v over the values multiplied in.
func (p *logProducts) logs() (sum, xSum float64) {
	for x, m := range p.mant {
		if m == 1 && p.exp[x] == 0 {
			continue
		}
		l := math.Log(m) + float64(p.exp[x])*math.Ln2
		sum += l
		xSum += float64(x) * l
	}
	return sum, xSum
}
