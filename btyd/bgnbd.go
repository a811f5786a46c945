package btyd

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// A BGNBD is the beta-geometric/negative binomial distribution model of
// Fader, Hardie and Lee, "'Counting Your Customers' the Easy Way: An
// Alternative to the Pareto/NBD Model" (Marketing Science 24(2), 2005).
// While alive, a customer buys at a constant rate λ, a Poisson process;
// after each purchase they drop out for good with probability p. Customers
// differ: λ follows a gamma distribution with shape R and rate Alpha, and
// p a beta distribution with parameters A and B:
//
//	λ ~ Gamma(r, α),  mean r/α purchases per unit of time
//	p ~ Beta(a, b),   mean a/(a + b)
//
// Time is in the unit the customers were summarised in (see
// [WithUnit]): Alpha is in that unit, and so are every t_x, T and t the
// methods take. The parameters are statistics, in float64.
//
// A customer is described by x, their repeat purchases; t_x, the time
// from their first purchase to their last; and T, the time from their
// first purchase to the end of observation, with 0 ≤ t_x ≤ T, t_x = 0
// when x = 0 and t_x > 0 when x > 0. Methods refuse anything else: a
// negative x, t_x or T with an error wrapping [clv.ErrNegative], t_x > T
// or an x that does not fit t_x with [clv.ErrInconsistent], and x above
// 10^7 or a time that is not finite or above 10^7 with
// [clv.ErrOutOfRange].
//
// A BGNBD is valid when each parameter is finite and from 10^−10 to 10^10;
// its methods return an error wrapping [clv.ErrNonPositive] for a
// parameter of zero or less and [clv.ErrOutOfRange] for one outside that
// range. [FitBGNBD] estimates the model from a customer base.
type BGNBD struct {
	R     float64 `json:"r"`
	Alpha float64 `json:"alpha"`
	A     float64 `json:"a"`
	B     float64 `json:"b"`
}

var bgnbdNames = []string{"r", "alpha", "a", "b"}

func (m BGNBD) check(fn string) error {
	return checkParameters(fn, bgnbdNames, m.R, m.Alpha, m.A, m.B)
}

// logOdds returns D, the log of the odds that a customer (x, t_x, T) with
// x > 0 dropped out after their last purchase rather than being alive:
//
//	D = ln(a / (b + x − 1)) + (r + x) ln((α + T) / (α + t_x))
func (m BGNBD) logOdds(x, tx, T float64) float64 {
	// One logarithm of the ratio, not two: with a and b from 10^−10 to
	// 10^10 and x ≤ 10^7, it neither overflows nor underflows.
	return math.Log(m.A/(m.B+x-1)) + (m.R+x)*math.Log1p((T-tx)/(m.Alpha+tx))
}

// LogLikelihood returns the natural logarithm of the likelihood of a
// customer (x, t_x, T), FHL's equation 6, in log space:
//
//	ln L = ln Γ(r + x) − ln Γ(r) + r ln α + ln B(a, b + x) − ln B(a, b)
//	       − (r + x) ln(α + T) + ln(1 + δ_{x>0} e^D)
//
// with D as in [BGNBD.ProbAlive]; ln(1 + e^D) is evaluated so that it
// never overflows. It fails as the type documentation says.
func (m BGNBD) LogLikelihood(x int64, tx, T float64) (float64, error) {
	const fn = "BG/NBD log-likelihood"
	if err := checkModelCustomer(fn, m, x, tx, T); err != nil {
		return 0, err
	}
	xf := float64(x)
	// Γ(r + x)/Γ(r) and B(a, b + x)/B(a, b) as ratios, not differences
	// of ln Γ, which lose their digits for large parameters.
	ll := logGammaRatio(m.R, xf) + m.R*math.Log(m.Alpha) + logGammaRatio(m.B, xf) - logGammaRatio(m.A+m.B, xf) - (m.R+xf)*math.Log(m.Alpha+T)
	if x > 0 {
		ll += softplus(m.logOdds(xf, tx, T))
	}
	return ll, nil
}

// ProbAlive returns the probability that a customer (x, t_x, T) is still
// alive at T, FHL's equation (A8) in log space:
//
//	P(alive) = 1 / (1 + δ_{x>0} e^D),  D = ln(a / (b + x − 1)) + (r + x) ln((α + T) / (α + t_x))
//
// It is 1 for a customer without a repeat purchase, who cannot have
// dropped out (the model lets customers leave only just after a
// purchase), and falls as T grows past t_x. It is finite, in [0, 1], for
// every customer; for heavy buyers long silent it underflows to 0. It
// fails as the type documentation says.
func (m BGNBD) ProbAlive(x int64, tx, T float64) (float64, error) {
	const fn = "BG/NBD probability alive"
	if err := checkModelCustomer(fn, m, x, tx, T); err != nil {
		return 0, err
	}
	return m.probAlive(float64(x), tx, T), nil
}

func (m BGNBD) probAlive(x, tx, T float64) float64 {
	if x == 0 {
		return 1
	}
	return logistic(-m.logOdds(x, tx, T))
}

// ExpectedPurchases returns the expected number of purchases in (0, t] of
// a customer who made their first purchase at 0, FHL's equation 7:
//
//	E[X(t)] = ((a + b − 1)/(a − 1)) [1 − (α/(α + t))^r ₂F₁(r, b; a + b − 1; t/(α + t))]
//
// evaluated by a series in the Euler-transformed form, which has no
// singularity at a = 1 and no overflow, or, where that one would cancel
// (r far above a + b), a series of positive terms. Both are summed to a
// relative tail of 10^−17; the result carries about 13 significant
// digits. It rises with t, like rt/α for small t, and without bound for
// a ≤ 1.
//
// It returns an error if m is not valid, one wrapping [clv.ErrNegative] or
// [clv.ErrOutOfRange] if t is negative, not finite or above 10^7, and one
// wrapping [clv.ErrOutOfRange] if t is so far beyond α (some 50,000 α)
// that the series would need more than 2 million terms.
func (m BGNBD) ExpectedPurchases(t float64) (float64, error) {
	const fn = "BG/NBD expected purchases"
	if err := m.check(fn); err != nil {
		return 0, err
	}
	if err := checkTime(fn, "t", t); err != nil {
		return 0, err
	}
	e, ok := aliveExpectation(m.R, m.Alpha, m.A, m.B, t)
	if !ok {
		return 0, tooLong(fn, t)
	}
	return e, nil
}

// ConditionalExpectedPurchases returns the expected number of purchases
// in the next t, (T, T + t], of a customer (x, t_x, T), FHL's equation 10:
//
//	E[Y(t) | x, t_x, T] = P(alive) · E[X(t) | r + x, α + T, a, b + x]
//
// the expected purchases of a new customer of the model updated by the
// customer's history ([BGNBD.ExpectedPurchases]), times the probability
// that they are alive ([BGNBD.ProbAlive]). The updated ₂F₁ has parameters
// of the order of x, where the textbook series overflows for heavy
// buyers; these series do not, and the result is finite and carries about
// 13 significant digits for every valid customer.
//
// It fails as the type documentation and [BGNBD.ExpectedPurchases] say.
func (m BGNBD) ConditionalExpectedPurchases(x int64, tx, T, t float64) (float64, error) {
	const fn = "BG/NBD conditional expected purchases"
	if err := checkModelCustomer(fn, m, x, tx, T); err != nil {
		return 0, err
	}
	if err := checkTime(fn, "t", t); err != nil {
		return 0, err
	}
	xf := float64(x)
	e, ok := aliveExpectation(m.R+xf, m.Alpha+T, m.A, m.B+xf, t)
	if !ok {
		return 0, tooLong(fn, t)
	}
	return m.probAlive(xf, tx, T) * e, nil
}

// ProbPurchases returns the probability that a new customer makes exactly
// n purchases in (0, t], FHL's equation 8:
//
//	P(X(t) = n) = B(a, b + n)/B(a, b) · Γ(r + n)/(Γ(r) n!) · (α/(α + t))^r (t/(α + t))^n
//	            + δ_{n>0} B(a + 1, b + n − 1)/B(a, b) · P(NBD ≥ n)
//
// where P(NBD ≥ n), the chance that a customer who never drops out makes
// at least n purchases, is the regularised incomplete beta function
// I_{t/(α+t)}(n, r) (gonum's mathext.RegIncBeta) rather than 1 less a
// partial sum, which would cancel. Each term is formed in log space. Over
// n = 0, 1, 2, … the probabilities sum to 1.
//
// It returns an error if m is not valid, and one wrapping
// [clv.ErrNegative] or [clv.ErrOutOfRange] if n or t is negative, n is
// above 10^7, or t is not finite or above 10^7.
func (m BGNBD) ProbPurchases(n int64, t float64) (float64, error) {
	const fn = "BG/NBD probability of purchases"
	if p, done, err := checkProbPurchases(fn, m, n, t); done {
		return p, err
	}
	nf := float64(n)
	q := math.Log(m.Alpha / (m.Alpha + t)) // ln(α/(α + t))
	z := t / (m.Alpha + t)
	first := logBeta(m.A, m.B+nf) - logBeta(m.A, m.B) + logNBDCoefficient(m.R, nf) + m.R*q + nf*math.Log(z)
	p := math.Exp(first)
	if n > 0 {
		tail := mathext.RegIncBeta(nf, m.R, z)
		second := logBeta(m.A+1, m.B+nf-1) - logBeta(m.A, m.B)
		p += math.Exp(second) * tail
	}
	return min(p, 1), nil
}

// A BGNBDFit is a [BGNBD] fitted to a customer base by [FitBGNBD].
type BGNBDFit struct {
	// Model is the fitted model.
	Model BGNBD `json:"model"`
	// StdErr holds the standard error of each of Model's parameters, in
	// the field of that parameter.
	StdErr BGNBD `json:"std_err"`
	// Stats describes the fit; its Parameters are r, alpha, a and b.
	Stats FitStats `json:"stats"`
}

// FitBGNBD fits the BG/NBD model to a customer base by maximum
// likelihood: it finds the r, α, a and b that maximise
//
//	LL = Σ weight · ln L(r, α, a, b | x, t_x, T)
//
// over the histories, ln L as in [BGNBD.LogLikelihood]. Histories with the
// same (x, t_x, T) may come as one with their count as weight, as
// [Summarizer.Histories] gives them, so a base fits in the time of its
// distinct histories. The search is shared with every fit of the
// package (see [FitStats]): Newton's method on the logarithms of the
// parameters with the analytic gradient and Hessian, from four starts,
// each with α = r Σ T / Σ x, the observed purchase rate: (r, a, b) =
// (1, 1, 1), (1, 0.5, 5), (0.3, 0.3, 3) and (3, 2, 18), on samples of the
// histories first where they are many. Published on the CDNOW
// sample (2,357 customers, weeks): r = 0.243, α = 4.414, a = 0.793,
// b = 2.426, LL = −9,582.4; this fit gives LL = −9,582.43. The standard
// errors come from the observed information at the maximum; see
// [FitStats].
//
// # Boundaries
//
// The likelihood may rise towards a limit of the model instead of an
// interior maximum; the fit then returns a [BoundaryError] naming it:
//
//   - a, b → ∞ at a fixed a/(a + b): drop-out after each purchase has
//     the same probability p = a/(a + b) for every customer;
//   - r, α → ∞ at a fixed r/α: every customer buys at the same rate;
//   - a → 0 or b → ∞ alone: customers never drop out, the negative
//     binomial model of purchases (purchases so regular that nobody seems
//     to leave);
//   - b → 0 or a → ∞ alone: every customer drops out at their first
//     repeat purchase.
//
// On data from another model's story, such as a log where customers drop
// out in time rather than after purchases, a single climb from a poor
// start may run to the first limit while an interior maximum lies higher;
// the climbs from the other starts find it.
//
// It returns an error wrapping [clv.ErrMissing] if there are no
// histories, [clv.ErrNonPositive] for a weight of zero or less, the
// errors of the [BGNBD] type for a history no customer can have,
// [clv.ErrOutOfRange] if the weights sum beyond 2^53, and [clv.ErrNoFit]
// if no customer made a repeat purchase, if the likelihood is highest at
// a boundary (a [BoundaryError]), or if no climb ends at a maximum.
func FitBGNBD(histories []History) (BGNBDFit, error) {
	best, err := fitFrequency(search{fn: "fit BG/NBD", names: bgnbdNames, limits: bgnbdLimits}, histories, bgnbdStarts, (*frequencyData).bgnbdLikelihood)
	if err != nil {
		return BGNBDFit{}, err
	}
	th, se := best.theta, best.stdErr
	return BGNBDFit{
		Model:  BGNBD{R: th[0], Alpha: th[1], A: th[2], B: th[3]},
		StdErr: BGNBD{R: se[0], Alpha: se[1], A: se[2], B: se[3]},
		Stats:  best.stats,
	}, nil
}
