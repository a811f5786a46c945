package btyd

// This file implements the expected number of purchases of a BG/NBD
// customer who is alive at time 0: the Gaussian hypergeometric function of
// Fader, Hardie and Lee (2005, eq. 7 and 10), as two series that stay
// finite and accurate where the textbook form overflows or cancels.
//
// A customer buys at rate λ ~ Gamma(r, α) while alive and drops out after
// each purchase with probability p ~ Beta(a, b). Given λ and p, the
// purchases in (0, t] have mean (1 − e^{−λpt}) / p, so
//
//	E[X(t)] = E_p[(1 − (1 + pt/α)^−r) / p]
//	        = (c/ε) [1 − (1 − z)^r ₂F₁(r, b; c; z)],  c = a + b − 1, ε = a − 1, z = t/(α + t).
//
// A customer with x repeat purchases, the last at t_x, observed for T, is,
// if alive, such a customer with r + x, α + T, a and b + x: FHL's
// conditional expectation (eq. 10) is P(alive) times this one. For heavy
// buyers r + x and b + x run into the thousands, where ₂F₁'s terms grow
// like n^(r+x−a) and (1 − z)^(r+x) underflows; their product is moderate.
//
// The first series applies Euler's transformation, ₂F₁(r, b; c; z) =
// (1 − z)^(a−1−r) ₂F₁(A, ε; c; z) with A = c − r, and divides out ε:
//
//	E = −c L exprel(εL) − e^{εL} Σ_{n≥1} h_n z^n,   L = ln(1 − z) = −ln(1 + t/α),
//	h_1 = A,  h_{n+1} = h_n (A + n)(a + n − 1) / ((c + n)(n + 1)),
//
// with exprel(y) = (e^y − 1)/y. Its terms fall like n^(a−r−2) z^n, so
// heavy buyers converge in a few terms, and a = 1 (ε = 0) and c = 0 need
// no special case. Its terms alternate in sign for n < −A, which loses
// digits when r is much larger than a + b. Then the second series, every
// term positive, takes over:
//
//	E = (1 − z)^r Σ_{n≥1} ((r)_n / n!) z^n (1 + b m_n),
//	m_n = (1 − Π_{j=1}^{n−1} (b + j)/(c + j)) / ε,
//
// summed with a running power-of-ten scale so that (1 − z)^−r never
// overflows. Both stop when a bound on the rest of the series is below
// 10^−17 of the sum; both give up after 2^21 terms, which only horizons
// beyond z = 1 − 2·10^−5, t above some 50,000 α, can need.

import "math"

const (
	// seriesTolerance is where a series stops: the bound on its tail,
	// relative to the sum.
	seriesTolerance = 1e-17
	// maxSeriesTerms bounds the terms of one series, about 10 ms.
	maxSeriesTerms = 1 << 21
	// acceptedLoss is the largest relative rounding error, as estimated
	// from the largest term, that the first series may return.
	acceptedLoss = 1e-12
)

// aliveExpectation returns E[X(t)] for a customer alive at time 0 with
// rate λ ~ Gamma(r, α) and dropout p ~ Beta(a, b), all parameters
// positive and t ≥ 0. It reports false if neither series converged
// within maxSeriesTerms.
func aliveExpectation(r, alpha, a, b, t float64) (float64, bool) {
	if t == 0 {
		return 0, true
	}
	e, ok, capped := eulerSeries(r, alpha, a, b, t)
	switch {
	case ok:
		return e, true
	case capped:
		// The second series converges no faster.
		return 0, false
	}
	return positiveSeries(r, alpha, a, b, t)
}

// eulerSeries sums the first series. It reports false if it did not
// converge, capped, or lost more than acceptedLoss to cancellation.
func eulerSeries(r, alpha, a, b, t float64) (e float64, ok, capped bool) {
	c := a + b - 1
	eps := a - 1
	big := c - r // A
	L := -math.Log1p(t / alpha)
	z := t / (alpha + t)
	first := -c * L * exprel(eps*L)
	scale := math.Exp(eps * L)

	// Past n0 the term ratio is positive and bounded by
	// z (1 + 2 (max(a − r − 2, 0)/n + max(A(a − 1) − c, 0)/n²)).
	slope := max(a-r-2, 0)
	offset := max(big*(a-1)-c, 0)
	n0 := max(2, -big+1)

	var sum kahan
	h := big * z // h_n z^n
	largest := math.Abs(h)
	accept := func(e float64) (float64, bool, bool) {
		loss := 2.3e-16 * (math.Abs(first) + scale*largest) / math.Abs(e)
		return e, e > 0 && loss <= acceptedLoss, false
	}
	for n := 1.0; n <= maxSeriesTerms; n++ {
		sum.add(h)
		h *= z * (big + n) * (a + n - 1) / ((c + n) * (n + 1))
		largest = max(largest, math.Abs(h))
		if n >= n0 {
			bound := z * (1 + 2*(slope/n+offset/(n*n)))
			if bound < 1 && math.Abs(h) <= seriesTolerance*(1-bound)*(math.Abs(sum.value())+math.Abs(first)/scale) {
				return accept(first - scale*sum.value())
			}
		}
		if h == 0 {
			return accept(first - scale*sum.value())
		}
	}
	return 0, false, true
}

// positiveSeries sums the second series, whose terms are all positive.
func positiveSeries(r, alpha, a, b, t float64) (float64, bool) {
	const rescale = 1e250
	c := a + b - 1
	eps := a - 1
	L := -math.Log1p(t / alpha)
	z := t / (alpha + t)

	// s is Σ_{j<n} ln(1 − ε/(c + j)), or Σ_{j<n} 1/(c + j) when ε = 0,
	// from which m_n follows.
	var s float64
	m := func() float64 {
		if eps == 0 {
			return s
		}
		return -math.Expm1(s) / eps
	}
	var sum kahan
	logScale := 0.0
	term := r * z // (r)_n z^n / n!
	v := term     // its term of the series, with m_1 = 0
	for n := 1.0; n <= maxSeriesTerms; n++ {
		sum.add(v)
		if eps != 0 {
			s += math.Log1p(-eps / (c + n))
		} else {
			s += 1 / (c + n)
		}
		term *= z * (r + n) / (n + 1)
		v = term * (1 + b*m())
		if sum.sum > rescale {
			sum.sum /= rescale
			sum.carry /= rescale
			term /= rescale
			v /= rescale
			logScale += math.Log(rescale)
		}
		// Past n = 1 the ratio of terms is at most
		// z max(1, (r + n)/(n + 1)) (1 + (1 + max(0, −ε))/n), doubled here
		// for safety.
		bound := z * max(1, (r+n)/(n+1)) * (1 + 2*(1+max(0, -eps))/n)
		if v == 0 || bound < 1 && v <= seriesTolerance*(1-bound)*sum.value() {
			return math.Exp(r*L + logScale + math.Log(sum.value())), true
		}
	}
	return 0, false
}
