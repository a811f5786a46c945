package btyd

// This file holds the BG/NBD's and MBG/NBD's conditional forecasts: the
// probability of being alive t after the end of observation, the
// distribution of the purchases in the next t, and DERT. Both models
// share them through the posterior of an alive customer.
//
// A BG/NBD customer (x, t_x, T) alive at T has, given their history,
// λ ~ Gamma(r + x, α + T) and p ~ Beta(a, b + x), independent: the part of
// the likelihood in which they are alive is λ^x e^{−λT} (1 − p)^x. An
// MBG/NBD customer alive at T has survived one more chance to drop out,
// at time zero: p ~ Beta(a, b + x + 1). From T on, either is a new customer
// of the BG/NBD with those parameters, r′ = r + x, α′ = α + T, a and b′,
// because the Poisson process forgets and drop-out happens only at
// purchases. Given λ and p, the chance of surviving every purchase of
// (T, T + t] is Σ_k e^{−λt} (λt)^k/k! (1 − p)^k = e^{−λpt}, so
//
//	P(alive at T + t) = P(alive at T) · E_p[(1 + pt/α′)^{−r′}]
//	                  = P(alive at T) · ₂F₁(r′, a; a + b′; −t/α′)
//
// and E_p is the integral over the beta density that bgnbdSurvival
// evaluates.

import (
	"fmt"
	"math"
	"slices"

	"github.com/clvkit/clv"
	"gonum.org/v1/gonum/mathext"
)

// bgnbdSurvival returns ln E_p[(1 + p w)^{−k}] for p ~ Beta(a, b), k ≥ 0
// and w ≥ 0: ln ₂F₁(k, a; a + b; −w). It integrates
//
//	p^{a−1} (1 − p)^{b−1} (1 + pw)^{−k} / B(a, b)
//
// over (0, 1) in log space by the tanh-sinh rule (logIntegral), split
// where the integrand turns: the derivative of its logarithm, times
// p(1 − p)(1 + pw), is the quadratic
//
//	w(k − a − b + 2) p² + ((a − 1)(w − 1) − (b − 1) − kw) p + (a − 1)
//
// so it has at most two turning points, and each piece is monotone, with
// any peak or singularity at an end, where the rule's nodes crowd; every
// other node of the rule (step 1/16) does as well as all of them. The
// result carries about 11 significant digits: the tests hold it within
// 5·10^−11 of a 320-bit series of the same function, for x up to 10^4 and
// t up to 100 times α + T.
func bgnbdSurvival(k, a, b, w float64) float64 {
	if w == 0 || k == 0 {
		return 0
	}
	lb := logBeta(a, b)
	cuts := []float64{0}
	for _, p := range quadraticRoots(w*(k-a-b+2), (a-1)*(w-1)-(b-1)-k*w, a-1) {
		if p > 0 && p < 1 {
			cuts = append(cuts, p)
		}
	}
	// Where b or kw is large the integrand is a layer at 0, falling at a
	// rate of about b + kw, and then, past p = 1/w, as a power of p: the
	// rule resolves such layers to some 10^−10 only. Cuts a few widths
	// out make each a piece of its own, resolved to 10^−13.
	for _, layer := range []float64{8 * (a + 1) / (a + b + k*w), 4 / w} {
		if layer < 0.5 {
			cuts = append(cuts, layer)
		}
	}
	slices.Sort(cuts)
	cuts = append(cuts, 1)
	total := math.Inf(-1)
	for i := 1; i < len(cuts); i++ {
		lo, hi := cuts[i-1], cuts[i]
		rest := 1 - hi // 1 − p = rest + toB, exact near 1 when hi = 1
		piece := logIntegral(lo, hi, 2, func(from, to float64) float64 {
			p := lo + from
			return (a-1)*math.Log(p) + (b-1)*math.Log(rest+to) - k*math.Log1p(p*w)
		})
		if !math.IsInf(piece, -1) {
			total = logAddExp(total, piece)
		}
	}
	// The mixture of probabilities is at most 1; rounding aside.
	return min(total-lb, 0)
}

// quadraticRoots returns the real roots of A p² + B p + C, in increasing
// order, formed without cancellation.
func quadraticRoots(A, B, C float64) []float64 {
	if A == 0 {
		if B == 0 {
			return nil
		}
		return []float64{-C / B}
	}
	disc := B*B - 4*A*C
	if disc < 0 {
		return nil
	}
	q := -(B + math.Copysign(math.Sqrt(disc), B)) / 2
	var roots []float64
	roots = append(roots, q/A)
	if q != 0 {
		roots = append(roots, C/q)
	}
	if len(roots) == 2 && roots[0] > roots[1] {
		roots[0], roots[1] = roots[1], roots[0]
	}
	return roots
}

// bgnbdNewPMF returns P(X(t) = n) of a new BG/NBD customer with
// parameters r, α, a, b, FHL's equation 8, as [BGNBD.ProbPurchases] states
// it, but with every ratio of gamma functions by logGammaRatio, so that
// parameters of the order of 10^4 (a heavy buyer's posterior) lose no
// digits:
//
//	B(a, b + n)/B(a, b)         = exp(G(b, n) − G(a + b, n))
//	Γ(r + n)/(Γ(r) n!)          = exp(G(r, n) − G(1, n))
//	B(a + 1, b + n − 1)/B(a, b) = a exp(G(b, n − 1) − G(a + b, n))
//
// with G(z, k) = ln Γ(z + k) − ln Γ(z).
func bgnbdNewPMF(r, alpha, a, b float64, n int64, t float64) float64 {
	if t == 0 {
		if n == 0 {
			return 1
		}
		return 0
	}
	nf := float64(n)
	lz := math.Log(t) - math.Log(alpha+t) // ln(t/(α + t))
	first := logGammaRatio(b, nf) - logGammaRatio(a+b, nf) + logGammaRatio(r, nf) - logGammaRatio(1, nf) -
		r*math.Log1p(t/alpha)
	if n > 0 {
		first += nf * lz
	}
	p := math.Exp(first)
	if n > 0 {
		tail := mathext.RegIncBeta(nf, r, t/(alpha+t))
		p += a * math.Exp(logGammaRatio(b, nf-1)-logGammaRatio(a+b, nf)) * tail
	}
	return min(p, 1)
}

// checkAhead refuses a forecast of n purchases in the next t, with n
// negative or above 10^7 or t not a time a model takes.
func checkAhead(fn string, n int64, t float64) error {
	return checkPurchasesIn(fn, n, t)
}

// ProbAliveAt returns the probability that a customer (x, t_x, T) is
// still alive t after the end of observation, at T + t:
//
//	P(alive at T + t) = P(alive at T) · ₂F₁(r + x, a; a + b + x; −t/(α + T))
//	                  = P(alive at T) · E[(1 + pt/(α + T))^{−(r+x)}],  p ~ Beta(a, b + x)
//
// an alive customer survives each purchase of the next t with
// probability 1 − p, which for given λ and p is e^{−λpt}, averaged over
// the posterior of an alive customer, λ ~ Gamma(r + x, α + T) and
// p ~ Beta(a, b + x) (Fader, Hardie and Lee 2005, the derivation of their
// equation 10, carried to the survival rather than the expectation). At
// t = 0 it is [BGNBD.ProbAlive]. The expectation over p is integrated
// numerically in log space, by the tanh-sinh rule on each piece of the
// integrand between its turning points and past its layer at p = 0, to
// about 11 significant digits;
// the result is finite, in [0, 1], for every valid customer and t, and
// underflows to 0 for customers all but certainly gone.
//
// It fails as the type documentation says, and with an error wrapping
// [clv.ErrNegative] or [clv.ErrOutOfRange] if t is negative, not finite
// or above 10^7.
func (m BGNBD) ProbAliveAt(x int64, tx, T, t float64) (float64, error) {
	return probAliveAt("BG/NBD probability alive at", m, x, tx, T, t)
}

// aliveAhead returns ln P(alive at T + t | alive at T) of a customer with
// x repeat purchases observed for T.
func (m BGNBD) aliveAhead(x, T, t float64) float64 {
	return bgnbdSurvival(m.R+x, m.A, m.B+x, t/(m.Alpha+T))
}

// ConditionalProbPurchases returns the probability that a customer
// (x, t_x, T) makes exactly n purchases in the next t, (T, T + t], Fader
// and Hardie, "Deriving the Conditional PMF of the BG/NBD Model" (2010):
//
//	P(X(T, T + t] = n | x, t_x, T) = δ_{n=0} (1 − P(alive)) + P(alive) · P′(X(t) = n)
//
// where P(alive) is [BGNBD.ProbAlive] and P′ is [BGNBD.ProbPurchases] of
// the model updated by the customer's history, r + x, α + T, a, b + x: a
// customer alive at T is a new customer of that model, since purchases
// follow a Poisson process and drop-out happens only at purchases. Its
// n = 0 is the probability of no purchase in the next t. The ratios of
// gamma functions are formed by logGammaRatio, and P(NBD ≥ n) is gonum's
// regularised incomplete beta function, so the result is finite, in
// [0, 1], for every valid customer; the tests hold it within 10^−9 of
// integrals over the posterior of λ and p. Over n = 0, 1, 2, … the
// probabilities sum to 1, and Σ n P is
// [BGNBD.ConditionalExpectedPurchases], within 10^−9 in the tests for x
// up to 10^4.
//
// It fails as the type documentation says, and with an error wrapping
// [clv.ErrNegative] or [clv.ErrOutOfRange] if n or t is negative, n is
// above 10^7, or t is not finite or above 10^7.
func (m BGNBD) ConditionalProbPurchases(x int64, tx, T float64, n int64, t float64) (float64, error) {
	return conditionalProbPurchases("BG/NBD conditional probability of purchases", m, x, tx, T, n, t)
}

// alivePMF returns P(X(T, T + t] = n | alive at T) of a customer with x
// repeat purchases observed for T.
func (m BGNBD) alivePMF(x, T float64, n int64, t float64) float64 {
	return bgnbdNewPMF(m.R+x, m.Alpha+T, m.A, m.B+x, n, t)
}

// mixAlive returns the probability of n purchases of a customer alive
// with probability alive, who then makes n with probability pmf, and who
// makes none if gone.
func mixAlive(alive float64, n int64, pmf float64) float64 {
	p := alive * pmf
	if n == 0 {
		p += 1 - alive
	}
	return min(max(p, 0), 1)
}

// checkDelta refuses a continuous discount rate delta that is not
// positive, not finite, or outside 10^−10 to 10^3, as [ParetoNBD.DERT]
// does.
func checkDelta(fn string, delta float64) error {
	switch {
	case delta <= 0:
		return fmt.Errorf("btyd: %s: delta = %v: %w", fn, delta, clv.ErrNonPositive)
	case !(delta >= 1e-10 && delta <= 1e3):
		return fmt.Errorf("btyd: %s: delta = %v: %w: outside [1e-10, 1000]", fn, delta, clv.ErrOutOfRange)
	}
	return nil
}

// bgnbdDERT returns ln of the discounted expected purchases of a customer
// alive now with λ ~ Gamma(r, α) and p ~ Beta(a, b), at rate δ:
//
//	ln E[∫_0^∞ e^{−δt} λ e^{−λpt} dt] = ln E_p[(r/p) ∫_0^∞ e^{−(δα/p)w} (1 + w)^{−(r+1)} dw]
//
// (the rate of purchase at t of an alive customer, λ times their chance
// of having survived the purchases until then, e^{−λpt}, averaged over
// λ with t = αw/p). The inner integral is logLaplace(r + 1, δα/p); the
// outer one is integrated over p in log space by the tanh-sinh rule, on
// each side of the beta density's peak, to about 10 significant digits.
func bgnbdDERT(r, alpha, a, b, delta float64) float64 {
	lb := logBeta(a, b)
	g := func(p, q float64) float64 {
		// q = 1 − p, to full precision near 1.
		// Down to z = 0.15 the continued fraction takes some 500 steps
		// at most, cheaper than logLaplace's quadrature, which it uses
		// below z = 0.5: a fifth off the whole on typical customers.
		z := delta * alpha / p
		lap := math.NaN()
		if z >= 0.15 {
			if f, ok := laplaceFraction(r+1, z); ok {
				lap = math.Log(f)
			}
		}
		if math.IsNaN(lap) {
			lap = logLaplace(r+1, z)
		}
		return (a-1)*math.Log(p) + (b-1)*math.Log(q) + math.Log(r/p) + lap
	}
	// The density's log, (a − 1) ln p + (b − 1) ln(1 − p), peaks at
	// (a − 1)/(a + b − 2) when a, b > 1; the other factor falls with p
	// smoothly. Elsewhere the peak is at an end.
	var total float64
	if a > 1 && b > 1 {
		peak := (a - 1) / (a + b - 2)
		left := logIntegral(0, peak, 2, func(from, to float64) float64 { return g(from, 1-peak+to) })
		right := logIntegral(peak, 1, 2, func(from, to float64) float64 { return g(peak+from, to) })
		total = logAddExp(left, right)
	} else {
		total = logIntegral(0, 1, 2, func(from, to float64) float64 { return g(from, to) })
	}
	return total - lb
}

// DERT returns the discounted expected residual transactions of a
// customer (x, t_x, T): the purchases they are expected to make after T,
// each discounted continuously at rate delta per unit of time, as Fader,
// Hardie and Lee define it for the Pareto/NBD ("RFM and CLV", 2005,
// equation 2) and as [ParetoNBD.DERT] gives it:
//
//	DERT = P(alive) · E[∫_0^∞ e^{−δt} λ e^{−λpt} dt]
//	     = P(alive) · E_p[((r + x)/p) ∫_0^∞ e^{−(δ(α + T)/p) w} (1 + w)^{−(r+x+1)} dw]
//
// an alive customer's purchase rate at T + t is λ times their chance of
// surviving the purchases until then, e^{−λpt}, averaged over their
// posterior λ ~ Gamma(r + x, α + T), p ~ Beta(a, b + x) ([BGNBD.ProbAliveAt]
// states the model's story). The BG/NBD has no closed form for it; the
// inner integral is [ParetoNBD.DERT]'s Laplace transform, z^{s−1} U(s, s;
// z) with s = r + x + 1, evaluated as there, and the expectation over p is
// integrated numerically in log space by the tanh-sinh rule on each side
// of the beta density's peak. It carries about 10 significant digits and
// is finite for every valid customer and rate. As delta falls towards 0
// it rises towards the expected purchases over all time, which are
// infinite for a ≤ 1. With delta in the model's unit of time, a yearly
// rate d on weekly data is delta = ln(1 + d)/52.
//
// It fails as the type documentation says, and returns an error wrapping
// [clv.ErrNonPositive] or [clv.ErrOutOfRange] if delta is not positive,
// is not finite, or is outside 10^−10 to 10^3.
func (m BGNBD) DERT(x int64, tx, T, delta float64) (float64, error) {
	return dert("BG/NBD DERT", m, x, tx, T, delta)
}

// A dropAtPurchase is a model whose customers drop out only at a
// purchase, BG/NBD or MBG/NBD: an alive customer's forecasts are a new
// customer's of the model updated by their history, which each gives.
type dropAtPurchase interface {
	checker
	probAlive(x, tx, T float64) float64
	aliveAhead(x, T, t float64) float64
	alivePMF(x, T float64, n int64, t float64) float64
	aliveDERT(x, T, delta float64) float64
	// scale is α: an alive customer's figures are analytic in T for
	// Re(α + T) > 0 (see acrosst.go).
	scale() float64
}

func (m BGNBD) scale() float64  { return m.Alpha }
func (m MBGNBD) scale() float64 { return m.Alpha }

// probAliveAt is ProbAliveAt of m: P(alive) × P(alive at T + t | alive).
func probAliveAt(fn string, m dropAtPurchase, x int64, tx, T, t float64) (float64, error) {
	if err := checkModelCustomer(fn, m, x, tx, T); err != nil {
		return 0, err
	}
	if err := checkTime(fn, "t", t); err != nil {
		return 0, err
	}
	xf := float64(x)
	return m.probAlive(xf, tx, T) * math.Exp(m.aliveAhead(xf, T, t)), nil
}

// conditionalProbPurchases is ConditionalProbPurchases of m.
func conditionalProbPurchases(fn string, m dropAtPurchase, x int64, tx, T float64, n int64, t float64) (float64, error) {
	if err := checkModelCustomer(fn, m, x, tx, T); err != nil {
		return 0, err
	}
	if err := checkAhead(fn, n, t); err != nil {
		return 0, err
	}
	xf := float64(x)
	return mixAlive(m.probAlive(xf, tx, T), n, m.alivePMF(xf, T, n, t)), nil
}

// dert is DERT of m: P(alive) × an alive customer's DERT.
func dert(fn string, m dropAtPurchase, x int64, tx, T, delta float64) (float64, error) {
	if err := checkModelCustomer(fn, m, x, tx, T); err != nil {
		return 0, err
	}
	if err := checkDelta(fn, delta); err != nil {
		return 0, err
	}
	xf := float64(x)
	return m.probAlive(xf, tx, T) * m.aliveDERT(xf, T, delta), nil
}

func (m BGNBD) aliveDERT(x, T, delta float64) float64 {
	return math.Exp(bgnbdDERT(m.R+x, m.Alpha+T, m.A, m.B+x, delta))
}

// ProbAliveAt returns the probability that a customer (x, t_x, T) is
// still alive t after the end of observation, at T + t:
//
//	P(alive at T + t) = P(alive at T) · ₂F₁(r + x, a; a + b + x + 1; −t/(α + T))
//
// as for the [BGNBD] ([BGNBD.ProbAliveAt]), whose story the MBG/NBD's
// alive customers follow, with p ~ Beta(a, b + x + 1): an alive customer
// has survived x + 1 chances to drop out, the first at time zero. At
// t = 0 it is [MBGNBD.ProbAlive]. It is computed, and fails, as
// [BGNBD.ProbAliveAt] is and does.
func (m MBGNBD) ProbAliveAt(x int64, tx, T, t float64) (float64, error) {
	return probAliveAt("MBG/NBD probability alive at", m, x, tx, T, t)
}

func (m MBGNBD) aliveAhead(x, T, t float64) float64 {
	return bgnbdSurvival(m.R+x, m.A, m.B+x+1, t/(m.Alpha+T))
}

// ConditionalProbPurchases returns the probability that a customer
// (x, t_x, T) makes exactly n purchases in the next t, (T, T + t]:
//
//	P(X(T, T + t] = n | x, t_x, T) = δ_{n=0} (1 − P(alive)) + P(alive) · P′(X(t) = n)
//
// with P(alive) as in [MBGNBD.ProbAlive] and P′ the [BGNBD.ProbPurchases]
// of the BG/NBD r + x, α + T, a, b + x + 1: the conditional PMF of Fader
// and Hardie's 2010 note for the BG/NBD ([BGNBD.ConditionalProbPurchases]),
// carried to the MBG/NBD's alive customers, who have survived x + 1
// chances to drop out. It is computed, and fails, as
// [BGNBD.ConditionalProbPurchases] is and does; Σ n P is
// [MBGNBD.ConditionalExpectedPurchases].
func (m MBGNBD) ConditionalProbPurchases(x int64, tx, T float64, n int64, t float64) (float64, error) {
	return conditionalProbPurchases("MBG/NBD conditional probability of purchases", m, x, tx, T, n, t)
}

func (m MBGNBD) alivePMF(x, T float64, n int64, t float64) float64 {
	return bgnbdNewPMF(m.R+x, m.Alpha+T, m.A, m.B+x+1, n, t)
}

// DERT returns the discounted expected residual transactions of a
// customer (x, t_x, T) at a continuous rate delta per unit of time, as
// [BGNBD.DERT] gives them, with the MBG/NBD's P(alive)
// ([MBGNBD.ProbAlive]) and an alive customer's p ~ Beta(a, b + x + 1). It
// is computed, carries the digits, and fails, as [BGNBD.DERT] does.
func (m MBGNBD) DERT(x int64, tx, T, delta float64) (float64, error) {
	return dert("MBG/NBD DERT", m, x, tx, T, delta)
}

func (m MBGNBD) aliveDERT(x, T, delta float64) float64 {
	return math.Exp(bgnbdDERT(m.R+x, m.Alpha+T, m.A, m.B+x+1, delta))
}
