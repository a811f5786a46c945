package btyd

import (
	"math"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// This file checks the expectation series against the textbook formula
// of Fader, Hardie and Lee (2005, eq. 7),
//
//	E[X(t)] = (c/ε) [1 − (1 − z)^r ₂F₁(r, b; c; z)],  c = a + b − 1, ε = a − 1, z = t/(α + t),
//
// with ₂F₁ summed term by term in math/big.Float, untransformed, and
// (1 − z)^r by a math/big exponential and logarithm: no step of it is
// shared with the package's series.

const bigPrec = 320

func bigF(x float64) *big.Float { return new(big.Float).SetPrec(bigPrec).SetFloat64(x) }

// bigExp returns e^x: Taylor's series for x/2^k, squared k times.
func bigExp(x *big.Float) *big.Float {
	k := 0
	y := new(big.Float).SetPrec(bigPrec + 64).Set(x)
	for y.MantExp(nil) > -12 {
		y.Quo(y, bigF(2))
		k++
	}
	sum := new(big.Float).SetPrec(bigPrec + 64).SetInt64(1)
	term := new(big.Float).SetPrec(bigPrec + 64).SetInt64(1)
	for n := 1; n < 200; n++ {
		term.Mul(term, y)
		term.Quo(term, bigF(float64(n)))
		sum.Add(sum, term)
		if term.Sign() == 0 || term.MantExp(nil) < sum.MantExp(nil)-bigPrec-70 {
			break
		}
	}
	for range k {
		sum.Mul(sum, sum)
	}
	return sum
}

// bigLog returns ln x for x > 0, by Newton's method on e^y = x.
func bigLog(x *big.Float) *big.Float {
	mant := new(big.Float)
	e := x.MantExp(mant)
	m, _ := mant.Float64()
	y := bigF(math.Log(m) + float64(e)*math.Ln2)
	for range 8 {
		ey := bigExp(y)
		// y += 2 (x − e^y) / (x + e^y)
		num := new(big.Float).SetPrec(bigPrec).Sub(x, ey)
		den := new(big.Float).SetPrec(bigPrec).Add(x, ey)
		num.Quo(num, den)
		num.Mul(num, bigF(2))
		y.Add(y, num)
	}
	return y
}

// bigExpectation returns the textbook E[X(t)] in big.Float, and the
// number of terms of ₂F₁ it summed.
func bigExpectation(r, alpha, a, b, t float64) (float64, int) {
	add := func(x *big.Float, y float64) *big.Float { return new(big.Float).SetPrec(bigPrec).Add(x, bigF(y)) }
	c := add(add(bigF(a), b), -1)
	eps := add(bigF(a), -1)
	z := new(big.Float).SetPrec(bigPrec).Quo(bigF(t), add(bigF(alpha), t))
	// ₂F₁(r, b; c; z), with every parameter plus n exact.
	sum := bigF(1)
	term := bigF(1)
	n := 0
	for ; n < 5_000_000; n++ {
		nf := float64(n)
		term.Mul(term, add(bigF(r), nf))
		term.Mul(term, add(bigF(b), nf))
		term.Quo(term, add(c, nf))
		term.Quo(term, bigF(nf+1))
		term.Mul(term, z)
		sum.Add(sum, term)
		if nf > r+b && term.MantExp(nil) < sum.MantExp(nil)-bigPrec {
			break
		}
	}
	// (1 − z)^r = e^{r ln(1 − z)}
	w := new(big.Float).SetPrec(bigPrec).Sub(bigF(1), z)
	lw := bigLog(w)
	lw.Mul(lw, bigF(r))
	p := bigExp(lw)
	p.Mul(p, sum)
	bracket := new(big.Float).SetPrec(bigPrec).Sub(bigF(1), p)
	bracket.Mul(bracket, c)
	bracket.Quo(bracket, eps)
	v, _ := bracket.Float64()
	return v, n
}

func TestBigHelpers(t *testing.T) {
	for _, x := range []float64{-30, -1, -1e-9, 0.5, 3, 40} {
		v, _ := bigExp(bigF(x)).Float64()
		assert.InDelta(t, 1, v/math.Exp(x), 1e-15, "exp %v", x)
		l, _ := bigLog(bigExp(bigF(x))).Float64()
		assert.InDelta(t, x, l, 1e-14*math.Max(1, math.Abs(x)), "log %v", x)
	}
}

// expectationCases are (r, α, a, b, t) of new customers and, through
// r + x, α + T, b + x, of customers with x repeat purchases: light and
// heavy buyers, short and long horizons, parameters far from 1.
func expectationCases() [][5]float64 {
	var cases [][5]float64
	for _, r := range []float64{0.05, 0.243, 1.5, 7} {
		for _, alpha := range []float64{0.5, 4.414, 50} {
			for _, a := range []float64{0.3, 0.793, 2.5} {
				for _, b := range []float64{0.7, 2.426, 15} {
					for _, t := range []float64{0.5, 39, 400} {
						// The textbook form is undefined at c = a + b − 1 = 0.
						if t/(alpha+t) > 0.99 || math.Abs(a+b-1) < 1e-6 {
							continue
						}
						cases = append(cases, [5]float64{r, alpha, a, b, t})
					}
				}
			}
		}
	}
	// CDNOW's fit, conditioned on x repeat purchases over T = 38.86.
	for _, x := range []float64{1, 2, 10, 100, 1000, 10000} {
		for _, t := range []float64{1, 39, 520} {
			cases = append(cases, [5]float64{0.243 + x, 4.414 + 38.86, 0.793, 2.426 + x, t})
		}
	}
	return cases
}

func TestAliveExpectationMatchesTextbookSeries(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: big.Float series")
	}
	for _, c := range expectationCases() {
		want, terms := bigExpectation(c[0], c[1], c[2], c[3], c[4])
		got, ok := aliveExpectation(c[0], c[1], c[2], c[3], c[4])
		require.True(t, ok, "%v", c)
		assert.InDelta(t, 1, got/want, 1e-12, "r, α, a, b, t = %v: got %.17g, want %.17g (%d terms)", c, got, want, terms)
	}
}

func TestSeriesAgree(t *testing.T) {
	// Where the first series does not cancel, the two agree, the second
	// to the 10^−11 its long runs of terms allow.
	for _, c := range expectationCases() {
		e1, ok1, _ := eulerSeries(c[0], c[1], c[2], c[3], c[4])
		e2, ok2 := positiveSeries(c[0], c[1], c[2], c[3], c[4])
		if !ok1 {
			continue
		}
		require.True(t, ok2, "%v", c)
		assert.InDelta(t, 1, e1/e2, 1e-11, "%v: %v %v", c, e1, e2)
	}
}

func TestAliveExpectationAtAEqualToOne(t *testing.T) {
	// The closed form divides by a − 1; the series have no such
	// singularity, and are continuous through a = 1.
	for _, c := range [][4]float64{{0.243, 4.414, 2.426, 39}, {3, 1, 0.5, 10}, {1000.2, 50, 1002, 39}} {
		at, ok := aliveExpectation(c[0], c[1], 1, c[2], c[3])
		require.True(t, ok)
		below, _ := aliveExpectation(c[0], c[1], 1-1e-7, c[2], c[3])
		above, _ := aliveExpectation(c[0], c[1], 1+1e-7, c[2], c[3])
		assert.InDelta(t, 1, at/below, 1e-6, "%v", c)
		assert.InDelta(t, 1, at/above, 1e-6, "%v", c)
		assert.Less(t, above, at)
		assert.Less(t, at, below)
	}
}

func TestPositiveSeriesWhereEulerCancels(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: big.Float series")
	}
	// r far above a + b: the first series' terms alternate and cancel.
	for _, c := range [][5]float64{{50, 4.414, 0.793, 2.426, 52}, {50, 4.414, 0.793, 2.426, 5}, {200, 10, 2.5, 0.3, 20}} {
		_, ok, _ := eulerSeries(c[0], c[1], c[2], c[3], c[4])
		assert.False(t, ok, "%v: the first series should refuse", c)
		got, ok := aliveExpectation(c[0], c[1], c[2], c[3], c[4])
		require.True(t, ok)
		want, _ := bigExpectation(c[0], c[1], c[2], c[3], c[4])
		assert.InDelta(t, 1, got/want, 1e-11, "%v: got %.17g, want %.17g", c, got, want)
	}
}

func TestAliveExpectationSmallT(t *testing.T) {
	// E[X(t)] = r t / α − O(t²) as t → 0.
	for _, c := range [][4]float64{{0.243, 4.414, 0.793, 2.426}, {5, 2, 3, 0.5}} {
		t0 := 1e-9
		e, ok := aliveExpectation(c[0], c[1], c[2], c[3], t0)
		require.True(t, ok)
		assert.InDelta(t, 1, e/(c[0]*t0/c[1]), 1e-7)
	}
	e, ok := aliveExpectation(1, 1, 1, 1, 0)
	assert.True(t, ok)
	assert.Zero(t, e)
}

func TestAliveExpectationGivesUpBeyondTheCap(t *testing.T) {
	// z = 1 − 10^−12, with a near 1 and r small: neither series converges
	// within its cap, and the call says so rather than hang.
	_, ok := aliveExpectation(0.01, 1e-5, 1.5, 1, 1e7)
	assert.False(t, ok)
}

func TestTrigamma(t *testing.T) {
	// ψ′(x) = Σ_{k≥0} 1/(x + k)², summed here directly with the tail
	// 1/(x + n) + 1/(2(x + n)²) + 1/(6(x + n)³) beyond n terms.
	for _, x := range []float64{1e-3, 0.1, 0.5, 1, 2.5, 9.99, 10, 37, 1e4} {
		var sum kahan
		n := 200000
		for k := range n {
			d := x + float64(k)
			sum.add(1 / (d * d))
		}
		d := x + float64(n)
		sum.add(1/d + 1/(2*d*d) + 1/(6*d*d*d))
		assert.InDelta(t, 1, trigamma(x)/sum.value(), 1e-13, "x = %v", x)
	}
	assert.InDelta(t, math.Pi*math.Pi/6, trigamma(1), 1e-15)
}

func TestLogisticSoftplus(t *testing.T) {
	for _, d := range []float64{-1000, -40, -1, 0, 1e-20, 2, 40, 1000} {
		s, l := softplus(d), logistic(d)
		assert.False(t, math.IsNaN(s) || math.IsInf(s, 0) || math.IsNaN(l), "%v", d)
		assert.GreaterOrEqual(t, l, 0.0)
		assert.LessOrEqual(t, l, 1.0)
		if math.Abs(d) < 30 {
			assert.InDelta(t, math.Log(1+math.Exp(d)), s, 1e-14)
			assert.InDelta(t, 1/(1+math.Exp(-d)), l, 1e-15)
		}
	}
	assert.Equal(t, 1000.0, softplus(1000))
	assert.InDelta(t, 1, exprel(1e-7), 1e-7)
	assert.InDelta(t, math.Expm1(0.3)/0.3, exprel(0.3), 1e-15)
}
