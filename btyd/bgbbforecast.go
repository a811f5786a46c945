package btyd

// This file holds the BG/BB's forecasts: the probability of being alive k
// opportunities after the last observed, the distribution of a new
// customer's purchases, and that of a customer's purchases in the next n*
// opportunities.
//
// A customer (x, t_x, n) alive through opportunity n has, given their
// history, p ~ Beta(α + x, β + n − x) and θ ~ Beta(γ, δ + n), independent
// (the part of the likelihood in which they are alive through n is
// p^x (1 − p)^{n−x} (1 − θ)^n). From n on they are a new customer of the
// BG/BB with those parameters (Fader, Hardie and Shang 2010).

import "math"

// ProbAliveAt returns the probability that a customer (x, t_x, n) is alive
// at opportunity n + k, k ≥ 0, Fader, Hardie and Shang's P(alive) carried
// k opportunities on:
//
//	P(alive at n + k) = A/L · B(γ, δ + n + k)/B(γ, δ + n)
//
// where A/L is the chance of having been alive through n (the first term
// of [BGBB.LogLikelihood] over the whole) and the beta ratio the chance of
// surviving the next k opportunities with θ ~ Beta(γ, δ + n). k = 0 gives
// P(alive at n), k = 1 [BGBB.ProbAlive], the chance of being alive at the
// next opportunity. The ratio is exp(ln Γ(δ + n + k) − ln Γ(δ + n) −
// ln Γ(γ + δ + n + k) + ln Γ(γ + δ + n)) by logGammaRatio; the result
// carries about 13 significant digits.
//
// It fails as the type documentation says, and with an error wrapping
// [clv.ErrNegative] or [clv.ErrOutOfRange] if k is negative or above 10^5.
func (m BGBB) ProbAliveAt(x, tx, n, k int64) (float64, error) {
	const fn = "BG/BB probability alive at"
	if err := m.checkCustomer(fn, x, tx, n); err != nil {
		return 0, err
	}
	if err := checkHorizon(fn, "k", k); err != nil {
		return 0, err
	}
	nf := float64(n)
	return m.aliveWeight(float64(x), float64(tx), nf) * math.Exp(m.logSurvival(nf, float64(k))), nil
}

// logSurvival returns ln B(γ, δ + n + k)/B(γ, δ + n), the log of the chance
// that a customer alive through n survives k more opportunities.
func (m BGBB) logSurvival(n, k float64) float64 {
	return logGammaRatio(m.Delta+n, k) - logGammaRatio(m.Gamma+m.Delta+n, k)
}

// bgbbNewPMF returns P(X(m) = k) of a new BG/BB customer with parameters
// a, b, g, d over m opportunities, as Fader, Hardie and Shang give it:
//
//	P(X(m) = k) = C(m, k) B(a + k, b + m − k)/B(a, b) · B(g, d + m)/B(g, d)
//	            + Σ_{i=k}^{m−1} C(i, k) B(a + k, b + i − k)/B(a, b) · B(g + 1, d + i)/B(g, d)
//
// alive through m and buying at k of them, or alive through i and gone at
// opportunity i + 1, having bought at k of the i. The first term of the
// sum is formed in log space, each next from it by the ratio
//
//	(i + 1)/(i + 1 − k) · (b + i − k)/(a + b + i) · (d + i)/(g + d + 1 + i)
//
// with a running scale so that no term overflows; its m − k terms are
// all positive.
func bgbbNewPMF(a, b, g, d float64, k, m int64) float64 {
	if k > m {
		return 0
	}
	kf, mf := float64(k), float64(m)
	lbin := func(i float64) float64 { return logGammaRatio(i-kf+1, kf) - logGammaRatio(1, kf) } // ln C(i, k)
	lp := func(i float64) float64 {                                                             // ln B(a + k, b + i − k)/B(a, b)
		return logGammaRatio(a, kf) + logGammaRatio(b, i-kf) - logGammaRatio(a+b, i)
	}
	alive := lbin(mf) + lp(mf) + logGammaRatio(d, mf) - logGammaRatio(g+d, mf)
	if k == m {
		return math.Exp(alive)
	}
	first := lbin(kf) + lp(kf) + math.Log(g) + logGammaRatio(d, kf) - logGammaRatio(g+d, kf+1)
	const rescale = 1e200
	scale, sum, term := 0.0, 0.0, 1.0
	for i := kf; i < mf; i++ {
		sum += term
		term *= (i + 1) / (i + 1 - kf) * (b + i - kf) / (a + b + i) * (d + i) / (g + d + 1 + i)
		if term > rescale {
			sum /= rescale
			term /= rescale
			scale += math.Log(rescale)
		}
	}
	dead := first + scale + math.Log(sum)
	return min(math.Exp(logAddExp(alive, dead)), 1)
}

// ProbPurchases returns the probability that a new customer makes
// exactly k purchases in their first n opportunities, as Fader, Hardie and
// Shang give it:
//
//	P(X(n) = k) = C(n, k) B(α + k, β + n − k)/B(α, β) · B(γ, δ + n)/B(γ, δ)
//	            + Σ_{i=k}^{n−1} C(i, k) B(α + k, β + i − k)/B(α, β) · B(γ + 1, δ + i)/B(γ, δ)
//
// alive through n, or gone at opportunity i + 1, having bought at k of the
// opportunities they lived. It is formed in log space, the sum by running
// products of its positive terms' ratios, in work n − k; it carries about
// 13 significant digits, fewer (down to about 10) for sums of 10^5 terms.
// It is 0 for k > n, and over k = 0 … n the probabilities sum to 1, with
// mean [BGBB.ExpectedPurchases].
//
// It returns an error if m is not valid, and one wrapping
// [clv.ErrNegative] or [clv.ErrOutOfRange] if k or n is negative or above
// 10^5.
func (m BGBB) ProbPurchases(k, n int64) (float64, error) {
	const fn = "BG/BB probability of purchases"
	if err := m.check(fn); err != nil {
		return 0, err
	}
	if err := checkHorizon(fn, "k", k); err != nil {
		return 0, err
	}
	if err := checkHorizon(fn, "n", n); err != nil {
		return 0, err
	}
	return bgbbNewPMF(m.Alpha, m.Beta, m.Gamma, m.Delta, k, n), nil
}

// ConditionalProbPurchases returns the probability that a customer
// (x, t_x, n) makes exactly k purchases in the next n* opportunities, n + 1
// to n + n*, as Fader, Hardie and Shang give it:
//
//	P(X(n, n + n*) = k | x, t_x, n) = δ_{k=0} (1 − A/L) + A/L · P′(X(n*) = k)
//
// where A/L is the chance of having been alive through n (as in
// [BGBB.ConditionalExpectedPurchases]) and P′ is [BGBB.ProbPurchases] of
// the model updated by the history, α + x, β + n − x, γ, δ + n. Its k = 0
// is the probability of no purchase in the next n* opportunities. It is
// formed as [BGBB.ProbPurchases] is, with its accuracy; over k the
// probabilities sum to 1, with mean [BGBB.ConditionalExpectedPurchases].
//
// It fails as the type documentation says, and with an error wrapping
// [clv.ErrNegative] or [clv.ErrOutOfRange] if k or n* is negative or above
// 10^5.
func (m BGBB) ConditionalProbPurchases(x, tx, n, k, nStar int64) (float64, error) {
	const fn = "BG/BB conditional probability of purchases"
	if err := m.checkCustomer(fn, x, tx, n); err != nil {
		return 0, err
	}
	if err := checkHorizon(fn, "k", k); err != nil {
		return 0, err
	}
	if err := checkHorizon(fn, "n*", nStar); err != nil {
		return 0, err
	}
	xf, nf := float64(x), float64(n)
	w := m.aliveWeight(xf, float64(tx), nf)
	return mixAlive(w, k, m.alivePMF(xf, nf, k, nStar)), nil
}

// alivePMF returns P(X(n, n + n*) = k | alive through n) of a customer
// with x repeat purchases in n opportunities.
func (m BGBB) alivePMF(x, n float64, k, nStar int64) float64 {
	return bgbbNewPMF(m.Alpha+x, m.Beta+n-x, m.Gamma, m.Delta+n, k, nStar)
}
