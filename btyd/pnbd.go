package btyd

import (
	"fmt"
	"math"
	"slices"

	"github.com/clvkit/clv"
	"gonum.org/v1/gonum/mathext"
)

// A ParetoNBD is the Pareto/NBD model of Schmittlein, Morrison and
// Colombo, "Counting Your Customers: Who Are They and What Will They Do
// Next?" (Management Science 33(1), 1987), with the likelihood as Fader,
// Hardie and Lee derive it in "A Note on Deriving the Pareto/NBD Model and
// Related Expressions" (2005). While alive, a customer buys at a constant
// rate λ, a Poisson process; they drop out for good at an exponential
// time of rate μ, unseen, whether or not they buy. Customers differ: λ
// and μ follow independent gamma distributions, with shape R and rate
// Alpha, and shape S and rate Beta:
//
//	λ ~ Gamma(r, α),  mean r/α purchases per unit of time
//	μ ~ Gamma(s, β),  mean s/β dropouts per unit of time
//
// Unlike the [BGNBD], a customer may leave without a repeat purchase.
// Time is in the unit the customers were summarised in (see [WithUnit]):
// Alpha and Beta are in that unit, and so are every t_x, T and t the
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
// A ParetoNBD is valid when each parameter is finite and from 10^−10 to
// 10^10; its methods return an error wrapping [clv.ErrNonPositive] for a
// parameter of zero or less and [clv.ErrOutOfRange] for one outside that
// range. The likelihood's hypergeometric function takes longer to sum the
// further apart α and β are, some 6 √(max(α, β)/min(α, β)) steps at
// worst; the methods that need it return an error wrapping
// [clv.ErrOutOfRange] if it would take more than 2 million, when one of
// α and β is some 10^11 times the other. [FitParetoNBD] estimates the
// model from a customer base.
type ParetoNBD struct {
	R     float64 `json:"r"`
	Alpha float64 `json:"alpha"`
	S     float64 `json:"s"`
	Beta  float64 `json:"beta"`
}

var pnbdNames = []string{"r", "alpha", "s", "beta"}

func (m ParetoNBD) check(fn string) error {
	return checkParameters(fn, pnbdNames, m.R, m.Alpha, m.S, m.Beta)
}

func tooFarApart(fn string, m ParetoNBD) error {
	return fmt.Errorf("btyd: %s: alpha = %v, beta = %v: %w: too far apart for the likelihood's series to converge",
		fn, m.Alpha, m.Beta, clv.ErrOutOfRange)
}

// logParts returns the logarithms of the two parts of a customer's
// likelihood, without the factor Γ(r + x) α^r β^s / Γ(r): alive at T,
//
//	ln E = −(r + x) ln(α + T) − s ln(β + T),
//
// and dropped out between t_x and T, ln(s (I(t_x) − I(T))), with I as in
// pnbdLogTail (−∞ if t_x = T). It reports false if the series did not
// converge.
func (m ParetoNBD) logParts(x, tx, T float64) (alive, dead float64, ok bool) {
	hi, ok := pnbdLogTail(m.R, m.Alpha, m.S, m.Beta, x, tx, false)
	if !ok {
		return 0, 0, false
	}
	lo, ok := pnbdLogTail(m.R, m.Alpha, m.S, m.Beta, x, T, false)
	if !ok {
		return 0, 0, false
	}
	alive, dead = pnbdParts(hi.v, lo.v, m.R, m.Alpha, m.S, m.Beta, x, T)
	return alive, dead, true
}

// pnbdParts returns the parts of logParts from ln I(t_x) (high) and
// ln I(T) (low).
func pnbdParts(high, low, r, alpha, s, beta, x, T float64) (alive, dead float64) {
	alive = -(r+x)*math.Log(alpha+T) - s*math.Log(beta+T)
	// I(t_x) − I(T) = I(t_x)(1 − e^{ln I(T) − ln I(t_x)}), never below 0.
	dead = math.Log(s) + high + log1mexp(min(low-high, 0))
	return alive, dead
}

// log1mexp returns ln(1 − e^v) for v ≤ 0, −∞ at 0.
func log1mexp(v float64) float64 {
	if v > -math.Ln2 {
		return math.Log(-math.Expm1(v))
	}
	return math.Log1p(-math.Exp(v))
}

// LogLikelihood returns the natural logarithm of the likelihood of a
// customer (x, t_x, T), FHL's equation 22 in the form
//
//	L = Γ(r + x) α^r β^s / Γ(r) · [(α + T)^−(r+x) (β + T)^−s + s ∫_{t_x}^T (α + τ)^−(r+x) (β + τ)^−(s+1) dτ]
//
// the customer alive at T, or gone at some τ between t_x and T. The
// integral is FHL's A₀ (with its cases α ≥ β and α < β) times
// 1/(r + s + x); it is evaluated here as the Euler transform of their
// Gaussian hypergeometric function, a series of positive terms, or, where
// that converges slowly, Gauss's continued fraction for it, whose
// logarithm is finite for every x (their form overflows for x in the
// hundreds), to a relative error of 10^−16: the result carries about 13
// significant digits. It fails as the type documentation says.
func (m ParetoNBD) LogLikelihood(x int64, tx, T float64) (float64, error) {
	const fn = "Pareto/NBD log-likelihood"
	if err := checkModelCustomer(fn, m, x, tx, T); err != nil {
		return 0, err
	}
	xf := float64(x)
	alive, dead, ok := m.logParts(xf, tx, T)
	if !ok {
		return 0, tooFarApart(fn, m)
	}
	lgrx, _ := math.Lgamma(m.R + xf)
	lgr, _ := math.Lgamma(m.R)
	return lgrx - lgr + m.R*math.Log(m.Alpha) + m.S*math.Log(m.Beta) + logAddExp(alive, dead), nil
}

// logAddExp returns ln(e^a + e^b) without overflow, for a finite.
func logAddExp(a, b float64) float64 {
	if b > a {
		a, b = b, a
	}
	return a + math.Log1p(math.Exp(b-a))
}

// ProbAlive returns the probability that a customer (x, t_x, T) is still
// alive at T, FHL's equation 18:
//
//	P(alive) = 1 / (1 + s (I(t_x) − I(T)) (α + T)^(r+x) (β + T)^s)
//
// with I(t) = ∫_t^∞ (α + τ)^−(r+x) (β + τ)^−(s+1) dτ as in
// [ParetoNBD.LogLikelihood], in log space. It is 1 at T = t_x (a customer
// who has just bought) and falls as T grows past t_x; it is finite, in
// [0, 1], for every customer, and underflows to 0 for heavy buyers long
// silent. It fails as the type documentation says.
func (m ParetoNBD) ProbAlive(x int64, tx, T float64) (float64, error) {
	const fn = "Pareto/NBD probability alive"
	if err := checkModelCustomer(fn, m, x, tx, T); err != nil {
		return 0, err
	}
	p, ok := m.probAlive(float64(x), tx, T)
	if !ok {
		return 0, tooFarApart(fn, m)
	}
	return p, nil
}

func (m ParetoNBD) probAlive(x, tx, T float64) (float64, bool) {
	alive, dead, ok := m.logParts(x, tx, T)
	if !ok {
		return 0, false
	}
	return logistic(alive - dead), true
}

// expectedAlive returns the expected purchases in the next t of a
// customer alive now with rate λ ~ Gamma(r, α) and dropout μ ~ Gamma(s,
// β), Schmittlein, Morrison and Colombo's
//
//	E = (r β / (α (s − 1))) [1 − (β / (β + t))^(s−1)] = (r/α) β L exprel(−(s − 1) L),  L = ln(1 + t/β),
//
// the second form with no singularity at s = 1 (where E = (r/α) β L) and
// no cancellation.
func expectedAlive(r, alpha, s, beta, t float64) float64 {
	L := math.Log1p(t / beta)
	return r / alpha * beta * L * exprel(-(s-1)*L)
}

// ExpectedPurchases returns the expected number of purchases in (0, t] of
// a customer who made their first purchase at 0, FHL's equation 17:
//
//	E[X(t)] = (r β / (α (s − 1))) [1 − (β / (β + t))^(s−1)]
//
// evaluated as (r/α) β L exprel(−(s − 1) L) with L = ln(1 + t/β), which is
// exact at s = 1 ((r β/α) ln(1 + t/β)) and never cancels; it carries
// about 15 significant digits. It rises with t, like rt/α for small t,
// and without bound for s ≤ 1.
//
// It returns an error if m is not valid, and one wrapping
// [clv.ErrNegative] or [clv.ErrOutOfRange] if t is negative, not finite or
// above 10^7.
func (m ParetoNBD) ExpectedPurchases(t float64) (float64, error) {
	const fn = "Pareto/NBD expected purchases"
	if err := m.check(fn); err != nil {
		return 0, err
	}
	if err := checkTime(fn, "t", t); err != nil {
		return 0, err
	}
	return expectedAlive(m.R, m.Alpha, m.S, m.Beta, t), nil
}

// ConditionalExpectedPurchases returns the expected number of purchases
// in the next t, (T, T + t], of a customer (x, t_x, T), FHL's equation
// 19:
//
//	E[Y(t) | x, t_x, T] = P(alive) · ((r + x) (β + T) / ((α + T)(s − 1))) [1 − ((β + T)/(β + T + t))^(s−1)]
//
// the expected purchases of a new customer of the model updated by the
// customer's history (r + x, α + T, s, β + T; see
// [ParetoNBD.ExpectedPurchases]), times the probability that they are
// alive ([ParetoNBD.ProbAlive]). It is finite and carries about 13
// significant digits for every valid customer.
//
// It fails as the type documentation and [ParetoNBD.ExpectedPurchases]
// say.
func (m ParetoNBD) ConditionalExpectedPurchases(x int64, tx, T, t float64) (float64, error) {
	const fn = "Pareto/NBD conditional expected purchases"
	if err := checkModelCustomer(fn, m, x, tx, T); err != nil {
		return 0, err
	}
	if err := checkTime(fn, "t", t); err != nil {
		return 0, err
	}
	xf := float64(x)
	p, ok := m.probAlive(xf, tx, T)
	if !ok {
		return 0, tooFarApart(fn, m)
	}
	return p * expectedAlive(m.R+xf, m.Alpha+T, m.S, m.Beta+T, t), nil
}

// ProbPurchases returns the probability that a new customer makes exactly
// n purchases in (0, t], FHL's equation 24, from its integral over the
// dropout time τ:
//
//	P(X(t) = n) = Γ(r + n)/(Γ(r) n!) [(α/(α + t))^r (t/(α + t))^n (β/(β + t))^s
//	            + α^r β^s s ∫_0^t τ^n (α + τ)^−(r+n) (β + τ)^−(s+1) dτ]
//
// FHL write the integral as a sum of n + 2 Gaussian hypergeometric
// functions, which cancel and overflow for large n; here it is
// integrated numerically, in log space, by the tanh-sinh rule on each
// side of the integrand's single peak (201 points a side), to about 10
// significant digits. Over n = 0, 1, 2, … the probabilities sum to 1.
//
// It returns an error if m is not valid, and one wrapping
// [clv.ErrNegative] or [clv.ErrOutOfRange] if n or t is negative, n is
// above 10^7, or t is not finite or above 10^7.
func (m ParetoNBD) ProbPurchases(n int64, t float64) (float64, error) {
	const fn = "Pareto/NBD probability of purchases"
	if p, done, err := checkProbPurchases(fn, m, n, t); done {
		return p, err
	}
	return pnbdNewPMF(m.R, m.Alpha, m.S, m.Beta, n, t), nil
}

// pnbdNewPMF returns P(X(t) = n) of a new Pareto/NBD customer with
// parameters r, α, s, β and t > 0, as [ParetoNBD.ProbPurchases] states it;
// the conditional forecasts call it with a customer's updated parameters.
// The coefficient Γ(r + n)/(Γ(r) n!) is formed by logGammaRatio, which
// keeps its digits for r + x in the thousands.
func pnbdNewPMF(r, alpha, s, beta float64, n int64, t float64) float64 {
	nf := float64(n)
	lead := logGammaRatio(r, nf) - logGammaRatio(1, nf)
	logT := math.Log(t)
	alive := -r*math.Log1p(t/alpha) + nf*(logT-math.Log(alpha+t)) - s*math.Log1p(t/beta)
	// The integrand g(τ) = τ^n (α + τ)^−(r+n) (β + τ)^−(s+1) rises to its
	// peak at the positive root of −(r + s + 1)τ² + (nα − rβ − (s + 1)α)τ
	// + nαβ, then falls.
	g := func(tau float64) float64 {
		v := -(r+nf)*math.Log(alpha+tau) - (s+1)*math.Log(beta+tau)
		if n > 0 {
			v += nf * math.Log(tau)
		}
		return v
	}
	k := r + s + 1
	bq := nf*alpha - r*beta - (s+1)*alpha
	disc := math.Sqrt(bq*bq + 4*k*nf*alpha*beta)
	var peak float64
	if bq >= 0 {
		peak = (bq + disc) / (2 * k)
	} else {
		peak = 2 * nf * alpha * beta / (disc - bq)
	}
	var dead float64
	switch {
	case peak <= 0 || peak >= t:
		// Monotone on (0, t).
		dead = logIntegral(0, t, 1, func(from, _ float64) float64 { return g(from) })
	default:
		left := logIntegral(0, peak, 1, func(from, _ float64) float64 { return g(from) })
		right := logIntegral(peak, t, 1, func(_, to float64) float64 { return g(t - to) })
		dead = logAddExp(left, right)
	}
	dead += r*math.Log(alpha) + s*math.Log(beta) + math.Log(s)
	p := math.Exp(lead + logAddExp(alive, dead))
	return min(p, 1)
}

// DERT returns the discounted expected residual transactions of a
// customer (x, t_x, T): the purchases they are expected to make after T,
// each discounted continuously at rate delta per unit of time, Fader,
// Hardie and Lee, "RFM and CLV: Using Iso-Value Curves for Customer Base
// Analysis" (Journal of Marketing Research 42(4), 2005), equation 2:
//
//	DERT = α^r β^s δ^(s−1) Γ(r + x + 1) U(s, s; δ(β + T)) / (Γ(r) (α + T)^(r+x+1) L(r, α, s, β | x, t_x, T))
//	     = P(alive) · ((r + x)/(α + T)) · E[1/(μ + δ)],  μ ~ Gamma(s, β + T)
//
// where U is Tricomi's confluent hypergeometric function of the second
// kind. It is computed in the second form, the expectation as
//
//	E[1/(μ + δ)] = (β + T) ∫_0^∞ e^{−zw} (1 + w)^−s dw,  z = δ(β + T)
//
// which is (β + T) z^(s−1) U(s, s; z): from z = 1/2 up by the continued
// fraction of the incomplete gamma function, e^z z^(s−1) Γ(1 − s, z),
// below by numerical integration after the change of variable
// w = e^σ − 1, on each side of the integrand's peak, by the tanh-sinh
// rule in log space; it carries about 10 significant digits (14 for z
// from 0.1 to 10^4) and is finite for every valid customer and rate. Multiplied by the margin per purchase it is the customer's
// residual value. With delta in the model's unit of time, a yearly rate
// d on weekly data is delta = ln(1 + d)/52.
//
// It fails as the type documentation says, and returns an error wrapping
// [clv.ErrNonPositive] or [clv.ErrOutOfRange] if delta is not positive,
// is not finite, or is outside 10^−10 to 10^3.
func (m ParetoNBD) DERT(x int64, tx, T, delta float64) (float64, error) {
	const fn = "Pareto/NBD DERT"
	if err := checkModelCustomer(fn, m, x, tx, T); err != nil {
		return 0, err
	}
	switch {
	case delta <= 0:
		return 0, fmt.Errorf("btyd: %s: delta = %v: %w", fn, delta, clv.ErrNonPositive)
	case !(delta >= 1e-10 && delta <= 1e3):
		return 0, fmt.Errorf("btyd: %s: delta = %v: %w: outside [1e-10, 1000]", fn, delta, clv.ErrOutOfRange)
	}
	xf := float64(x)
	p, ok := m.probAlive(xf, tx, T)
	if !ok {
		return 0, tooFarApart(fn, m)
	}
	B := m.Beta + T
	return p * (m.R + xf) / (m.Alpha + T) * B * math.Exp(logLaplace(m.S, delta*B)), nil
}

// logLaplace returns ln ∫_0^∞ e^{−zw} (1 + w)^−s dw, which is
// ln(z^(s−1) U(s, s; z)), for s, z > 0. With w = e^σ − 1 the integrand is
// e^{(1−s)σ − z(e^σ − 1)}, analytic, with a single peak, at
// σ* = ln((1 − s)/z) if that is positive, and falling doubly
// exponentially beyond ln(1 + K/z), where it is below e^−100 of the
// peak; the tanh-sinh rule integrates each side of the peak up to there.
// From z = 1/2 up, the continued fraction of laplaceFraction is quicker.
func logLaplace(s, z float64) float64 {
	if z >= 0.5 {
		if g, ok := laplaceFraction(s, z); ok {
			return math.Log(g)
		}
	}
	g := func(sigma float64) float64 { return (1-s)*sigma - z*math.Expm1(sigma) }
	k := 100 + max(0, 1-s)*(2*math.Log1p(1/z)+10)
	end := math.Log1p(k / z)
	peak := 0.0
	if s < 1 {
		peak = math.Log((1 - s) / z)
	}
	if peak <= 0 || peak >= end {
		return logIntegral(0, end, 2, func(from, _ float64) float64 { return g(from) })
	}
	left := logIntegral(0, peak, 2, func(from, _ float64) float64 { return g(from) })
	right := logIntegral(peak, end, 2, func(from, _ float64) float64 { return g(peak + from) })
	return logAddExp(left, right)
}

// A ParetoNBDFit is a [ParetoNBD] fitted to a customer base by
// [FitParetoNBD].
type ParetoNBDFit struct {
	// Model is the fitted model.
	Model ParetoNBD `json:"model"`
	// StdErr holds the standard error of each of Model's parameters, in
	// the field of that parameter.
	StdErr ParetoNBD `json:"std_err"`
	// Stats describes the fit; its Parameters are r, alpha, s and beta.
	Stats FitStats `json:"stats"`
}

// FitParetoNBD fits the Pareto/NBD model to a customer base by maximum
// likelihood: it finds the r, α, s and β that maximise
//
//	LL = Σ weight · ln L(r, α, s, β | x, t_x, T)
//
// over the histories, ln L as in [ParetoNBD.LogLikelihood]. Histories with
// the same (x, t_x, T) may come as one with their count as weight, as
// [Summarizer.Histories] gives them, so a base fits in the time of its
// distinct histories. The search is shared with every fit of the
// package (see [FitStats]): Newton's method on the logarithms of the
// parameters with the analytic gradient and Hessian, which the
// likelihood's series gives term by term, from three starts, each with
// α = r Σ T / Σ x, the observed purchase rate, and β = 2α: r = s = 1,
// 0.3 and 3, and r = 1 with s = 0.03, on samples of the histories first
// where they are many. Published on the CDNOW sample (2,357
// customers, weeks): r = 0.553, α = 10.578, s = 0.606, β = 11.669,
// LL = −9,595.0; this fit gives LL = −9,594.98. The standard errors come
// from the observed information at the maximum; see [FitStats].
//
// # Boundaries
//
// The likelihood may rise towards a limit of the model instead of an
// interior maximum; the fit then returns a [BoundaryError] naming it:
//
//   - s, β → ∞ at a fixed s/β: every customer drops out at the same rate
//     μ = s/β (a log that ends long after every customer's last purchase
//     often says so);
//   - r, α → ∞ at a fixed r/α: every customer buys at the same rate;
//   - s → 0 or β → ∞ alone: customers never drop out, the negative
//     binomial model of purchases.
//
// The series of the likelihood needs some 37 max(α, β)/min(α, β) terms a
// history; where that is many, the fit sums it once for each number of
// purchases and steps between the base's times by quadrature. Still, it
// evaluates the likelihood only where α and β are within a factor of
// 5,000 of each other, its derivatives only within 1,000, and a climb
// stops where they are 200 times apart. A climb that stops there with s
// (or r) of 10 or more, on its way to the first limit (or the second),
// counts as reaching it, and its log-likelihood there is a lower bound of
// the limit's; one that stops there short of a limit goes on to where
// they are 1,000 times apart. A maximum beyond that is out of the fit's
// reach: it returns an error wrapping [clv.ErrNoFit] that says so.
//
// It returns an error wrapping [clv.ErrMissing] if there are no
// histories, [clv.ErrNonPositive] for a weight of zero or less, the
// errors of the [ParetoNBD] type for a history no customer can have,
// [clv.ErrOutOfRange] if the weights sum beyond 2^53, and [clv.ErrNoFit]
// if no customer made a repeat purchase, if the likelihood is highest at
// a boundary (a [BoundaryError]), or if no climb ends at a maximum.
func FitParetoNBD(histories []History) (ParetoNBDFit, error) {
	s := search{fn: "fit Pareto/NBD", names: pnbdNames, limits: pnbdLimits, evaluations: pnbdEvaluations,
		wall: pnbdWall, fartherWall: pnbdFartherWall, wallWords: pnbdWallWords, wallLimit: pnbdWallLimit}
	best, err := fitFrequency(s, histories, pnbdStarts, (*frequencyData).pnbdLikelihood)
	if err != nil {
		return ParetoNBDFit{}, err
	}
	th, se := best.theta, best.stdErr
	return ParetoNBDFit{
		Model:  ParetoNBD{R: th[0], Alpha: th[1], S: th[2], Beta: th[3]},
		StdErr: ParetoNBD{R: se[0], Alpha: se[1], S: se[2], Beta: se[3]},
		Stats:  best.stats,
	}, nil
}

// pnbdStarts are the starts of the Pareto/NBD fit: purchase rates of
// mean 1/α₀, the observed rate, and drop-out rates of mean 1/(2α₀), both
// spread as gamma distributions of shape 0.3, 1 and 3, and the drop-out
// rates also of shape 0.03, where most customers stay for good and a few
// leave fast. β is 2α, not α:
// at α = β gonum's first Newton step can jump far out, to where the
// series takes thousands of terms; and a start farther from α = β costs
// more at every step of its climb, on the way to the same maximum.
func pnbdStarts(alpha float64) [][]float64 {
	return [][]float64{
		{1, alpha, 1, 2 * alpha},
		{0.3, 0.3 * alpha, 0.3, 0.6 * alpha},
		{3, 3 * alpha, 3, 6 * alpha},
		{1, alpha, 0.03, 2 * alpha},
	}
}

// maxFitRatio bounds max(α, β)/min(α, β) where the fit evaluates the
// likelihood: beyond it even the continued fraction that gives the value
// alone takes hundreds of steps a purchase count, and the optimiser goes
// there only on its way elsewhere.
const maxFitRatio = 5000

// pnbdWall is where a Pareto/NBD climb stops, on its way to the edge of
// the likelihood's domain, where α and β are pnbdWallRatio apart: there
// the series at each purchase count takes some 7,000 terms, and a climb
// that walks along the edge towards a limit would take seconds. A climb
// that stops there short of a limit goes on to pnbdFartherWall: a
// maximum may lie beyond the first wall (one of the conformance suite's
// mixtures of two segments has its maximum where α and β are 269 times
// apart), and the climbs that walk towards the limits, the common case,
// stop at the first.
func pnbdWall(theta []float64) bool { return pnbdApart(theta, pnbdWallRatio) }

// pnbdFartherWall is where a Pareto/NBD climb stops that went on from
// pnbdWall.
func pnbdFartherWall(theta []float64) bool { return pnbdApart(theta, pnbdFartherWallRatio) }

// pnbdApart reports whether α and β are more than ratio times apart.
func pnbdApart(theta []float64, ratio float64) bool {
	alpha, beta := theta[1], theta[3]
	return max(alpha, beta) > ratio*min(alpha, beta)
}

const pnbdWallWords = "α and β more than 1,000 times apart"

// The ratios of α and β where a climb stops first, and where it stops if
// it goes on. Evaluations are value alone beyond a wall, up to
// maxFitRatio.
const (
	pnbdWallRatio        = 200
	pnbdFartherWallRatio = 1000
)

// pnbdEvaluations bounds the passes of one Pareto/NBD climb, as many as
// a climb to a maximum takes at most: a climb that takes more is crawling
// towards a limit, where the customers never drop out (s → 0 or β → ∞)
// or drop out alike, and a crawl of 60 passes made a refusal take seven
// times as long as a fit of the same customers; 30 halve that, and every
// story of the conformance suite still finds its maximum.
const pnbdEvaluations = 30

// pnbdWallLimit says which limit a climb that stopped at the wall was
// heading for: where β or α, with s or r, grows without bound, every
// customer's drop-out or purchase rate is the same.
func pnbdWallLimit(theta []float64) string {
	r, alpha, s, beta := theta[0], theta[1], theta[2], theta[3]
	switch {
	case beta > alpha && s >= minWallShape:
		return fmt.Sprintf("every customer drops out at the same rate, μ = s/β = %.4g per unit of time (the fit stopped on its way there, at s = %.3g, β = %.3g)", s/beta, s, beta)
	case alpha > beta && r >= minWallShape:
		return fmt.Sprintf("every customer buys at the same rate while alive, λ = r/α = %.4g per unit of time (the fit stopped on its way there, at r = %.3g, α = %.3g)", r/alpha, r, alpha)
	}
	return ""
}

// minWallShape is the least shape of a gamma distribution, s or r, that
// says a climb stopped at the wall is heading for the limit where the
// distribution collapses to a point: its coefficient of variation is
// below 0.3.
const minWallShape = 10

// pnbdLikelihood is the likelihood of FitParetoNBD. With the parts of
// logParts, ln L = K + ln(e^{l₁} + e^{l₂} − e^{l₃}), where K holds the
// terms in x alone, l₁ = ln E, l₂ = ln s + ln I(t_x) and
// l₃ = ln s + ln I(T). With ω_i = ±e^{l_i}/(e^{l₁} + e^{l₂} − e^{l₃}),
// ∂ ln(…) = Σ ω_i ∂l_i and ∂² ln(…) = Σ ω_i (∂²l_i + ∂l_i ∂l_iᵀ) − ∂ ∂ᵀ.
// It returns NaN where the series does not converge, which the optimiser
// treats as outside the model. With grad nil it returns the value alone,
// whose integrals Gauss's continued fraction gives in some 6/√(1 − y)
// steps where the series with derivatives takes 37/(1 − y) terms.
func (d *frequencyData) pnbdLikelihood(theta, grad, hess []float64) float64 {
	r, alpha, s, beta := theta[0], theta[1], theta[2], theta[3]
	if max(alpha, beta) > maxFitRatio*min(alpha, beta) {
		return math.NaN()
	}
	if len(d.w) >= pnbdIndexMin {
		// Built here, before the split, lest both halves build it.
		d.pnbdIndex()
	}
	var parts [2]logLik
	var failed [2]bool
	split(len(d.w), func(part, lo, hi int) {
		failed[part] = !d.pnbdHistories(&parts[part], r, alpha, s, beta, lo, hi, grad != nil)
	})
	if failed[0] || failed[1] {
		return math.NaN()
	}
	sum := parts[0]
	sum.add(&parts[1])
	if grad == nil {
		lgr, _ := math.Lgamma(r)
		for g, x := range d.xs {
			lgrx, _ := math.Lgamma(r + x)
			sum.v += d.weight[g] * (lgrx - lgr + r*math.Log(alpha) + s*math.Log(beta))
		}
		return sum.v
	}

	// The terms in x alone, group by group.
	lgr, _ := math.Lgamma(r)
	psiR, triR := mathext.Digamma(r), trigamma(r)
	logAlpha, logBeta := math.Log(alpha), math.Log(beta)
	for g, x := range d.xs {
		w := d.weight[g]
		lgrx, _ := math.Lgamma(r + x)
		sum.v += w * (lgrx - lgr + r*logAlpha + s*logBeta)
		sum.g[0] += w * (mathext.Digamma(r+x) - psiR + logAlpha)
		sum.g[1] += w * r / alpha
		sum.g[2] += w * logBeta
		sum.g[3] += w * s / beta
		sum.h[0] += w * (trigamma(r+x) - triR)
		sum.h[1] += w / alpha
		sum.h[4] -= w * r / (alpha * alpha)
		sum.h[8] += w / beta
		sum.h[9] -= w * s / (beta * beta)
	}
	return sum.unpack(grad, hess)
}

// pnbdHistories adds ln(e^{l₁} + e^{l₂} − e^{l₃}) and, if deriv, its
// gradient and its Hessian over histories lo to hi−1 to sum. It reports
// false if a series did not converge. Within a group, ln I(t) depends on
// t alone, and a base summarised in days holds a few hundred distinct t_x
// and T: each is summed once, at the places the data's pnbdTimes give
// them, which are found once for all the passes of a fit rather than by
// a sort of the times and a lookup a history on every pass. Data of a few
// histories, such as the group of one customer with a continuous
// covariate, take their tails one history at a time, without an index.
func (d *frequencyData) pnbdHistories(sum *logLik, r, alpha, s, beta float64, lo, hi int, deriv bool) bool {
	logS, iS := math.Log(s), 1/s
	chain := chainPays(alpha, beta)
	add := func(i int, x float64, high, low *pnbdTerm) {
		if !deriv {
			sum.v += d.w[i] * logAddExp(pnbdParts(high.v, low.v, r, alpha, s, beta, x, d.T[i]))
			return
		}
		var t logLik
		pnbdCombine(&t, high, low, r, alpha, s, beta, x, d.T[i], logS, iS)
		sum.addScaled(d.w[i], &t)
	}
	if len(d.w) < pnbdIndexMin {
		var two [2]pnbdTerm
		for g := d.group(lo); g < len(d.xs) && d.lo[g] < hi; g++ {
			x := d.xs[g]
			for i := max(lo, d.lo[g]); i < min(hi, d.lo[g+1]); i++ {
				if !pnbdTwoTails(&two, r, alpha, s, beta, x, d.tx[i], d.T[i], chain, deriv) {
					return false
				}
				add(i, x, &two[1], &two[0])
			}
		}
		return true
	}
	ix := d.pnbdIndex()
	var tails []pnbdTerm
	for g := d.group(lo); g < len(d.xs) && d.lo[g] < hi; g++ {
		x := d.xs[g]
		ts := ix.ts[ix.from[g]:ix.from[g+1]]
		tails = slices.Grow(tails[:0], len(ts))[:len(ts)]
		if chain {
			// Every tail of the group at once, from the latest time back.
			if !pnbdChain(r, alpha, s, beta, x, ts, tails, deriv) {
				return false
			}
		} else {
			for j, t := range ts {
				var ok bool
				if tails[j], ok = pnbdLogTail(r, alpha, s, beta, x, t, deriv); !ok {
					return false
				}
			}
		}
		for i := max(lo, d.lo[g]); i < min(hi, d.lo[g+1]); i++ {
			add(i, x, &tails[ix.high[i]], &tails[ix.low[i]])
		}
	}
	return true
}

// pnbdIndexMin is the least number of histories whose tails
// pnbdHistories finds through a pnbdTimes: below it, building the index
// costs more than it saves.
const pnbdIndexMin = 8

// pnbdTwoTails sets tails[0] to ln I(T) and tails[1] to ln I(t_x) for a
// customer with x purchases, as pnbdHistories would by pnbdChain if chain,
// else by the series, with derivatives if deriv. It reports false if a
// series did not converge.
func pnbdTwoTails(tails *[2]pnbdTerm, r, alpha, s, beta, x, tx, T float64, chain, deriv bool) bool {
	var ok bool
	if tx == T {
		tails[0], ok = pnbdLogTail(r, alpha, s, beta, x, T, deriv)
		tails[1] = tails[0]
		return ok
	}
	if chain {
		ts := [2]float64{T, tx}
		return pnbdChain(r, alpha, s, beta, x, ts[:], tails[:], deriv)
	}
	if tails[0], ok = pnbdLogTail(r, alpha, s, beta, x, T, deriv); !ok {
		return false
	}
	tails[1], ok = pnbdLogTail(r, alpha, s, beta, x, tx, deriv)
	return ok
}

// A pnbdTimes indexes the times of a frequencyData for pnbdHistories:
// each group's distinct times t_x and T, latest first, as pnbdChain takes
// them, and the places of each history's t_x and T among its group's.
type pnbdTimes struct {
	// ts holds the groups' times, group after group; group g's are
	// ts[from[g]:from[g+1]].
	ts   []float64
	from []int
	// high[i] and low[i] are the places of history i's t_x and T among
	// its group's times.
	high, low []int32
}

// pnbdIndex returns the index of d's times, built by the first call.
// Calls may come at once from the climbs of a search: each builds one,
// and the first stored serves every later call.
func (d *frequencyData) pnbdIndex() *pnbdTimes {
	if ix := d.times.Load(); ix != nil {
		return ix
	}
	n := len(d.w)
	ix := &pnbdTimes{from: make([]int, 1, len(d.xs)+1), high: make([]int32, n), low: make([]int32, n)}
	var buf []float64
	// seen holds the bits of times already in buf, one a slot, so that a
	// base of a million histories over a few hundred days sorts a few
	// hundred times a group, not two million; a time whose slot another
	// holds is added again, and compacted away after the sort.
	var seen [1024]uint64
	for g := range d.xs {
		from, to := d.lo[g], d.lo[g+1]
		buf = buf[:0]
		for i := range seen {
			// No time has these bits: a time is not negative.
			seen[i] = math.MaxUint64
		}
		for _, ts := range [][]float64{d.tx[from:to], d.T[from:to]} {
			for _, t := range ts {
				bits := math.Float64bits(t)
				slot := (bits ^ bits>>29) * 0x9e3779b97f4a7c15 >> 54
				if seen[slot] != bits {
					seen[slot] = bits
					buf = append(buf, t)
				}
			}
		}
		slices.Sort(buf)
		buf = slices.Compact(buf)
		// The times are found in buf, earliest first, and placed among
		// them latest first; histories sorted by t_x, as the fits with
		// covariates and [Summarizer.Histories] give them, find their t_x
		// where the one before did.
		last, at := math.NaN(), 0
		for i := from; i < to; i++ {
			if d.tx[i] != last {
				last, at = d.tx[i], place(buf, d.tx[i])
			}
			ix.high[i] = int32(at)
			ix.low[i] = int32(place(buf, d.T[i]))
		}
		for j := len(buf) - 1; j >= 0; j-- {
			ix.ts = append(ix.ts, buf[j])
		}
		ix.from = append(ix.from, len(ix.ts))
	}
	d.times.CompareAndSwap(nil, ix)
	return d.times.Load()
}

// place returns the place of t among ts, distinct times in increasing
// order that hold it, counted from the last.
func place(ts []float64, t float64) int {
	i, _ := slices.BinarySearch(ts, t)
	return len(ts) - 1 - i
}

// pnbdCombine sets out to ln(e^{l₁} + e^{l₂} − e^{l₃}) with its gradient
// and Hessian, from ln I(t_x) (high) and ln I(T) (low); logS and iS are
// ln s and 1/s. It runs once a history and pass, the most of any part of
// the likelihood on a large base, so it takes the Hessian entry by entry,
// ∂²(…) = Σ ω_k (∂²l_k + ∂l_k ∂l_kᵀ) − ∂ ∂ᵀ, with l₁'s four nonzero
// second derivatives and l₂'s and l₃'s shared one in s, ln s's, written
// out.
func pnbdCombine(out *logLik, high, low *pnbdTerm, r, alpha, s, beta, x, T, logS, iS float64) {
	// l₁ = −(r + x) ln(α + T) − s ln(β + T), and its gradient.
	iA, iB := 1/(alpha+T), 1/(beta+T)
	lA, lB := low.logAlpha, low.logBeta
	rx := r + x
	ev := -rx*lA - s*lB
	g1 := [4]float64{-lA, -rx * iA, -lB, -s * iB}
	var h1 [10]float64
	h1[1], h1[4], h1[8], h1[9] = -iA, rx*iA*iA, -iB, s*iB*iB
	// l₂ and l₃ add ln s. The larger of l₁ and l₂ scales the terms, its
	// own share e⁰ = 1.
	l2, l3 := high.v+logS, low.v+logS
	top, w1, w2 := ev, 1.0, 1.0
	if ev >= l2 {
		w2 = math.Exp(l2 - ev)
	} else {
		top, w1 = l2, math.Exp(ev-l2)
	}
	w3 := -math.Exp(min(l3, l2) - top)
	total := w1 + w2 + w3
	out.v = top + math.Log(total)
	w1, w2, w3 = w1/total, w2/total, w3/total
	g2, g3 := high.g, low.g
	g2[2] += iS
	g3[2] += iS
	for i := range 4 {
		out.g[i] = w1*g1[i] + w2*g2[i] + w3*g3[i]
	}
	for k, p := range hessPairs {
		i, j := p[0], p[1]
		out.h[k] = w1*(h1[k]+g1[i]*g1[j]) + w2*(high.h[k]+g2[i]*g2[j]) + w3*(low.h[k]+g3[i]*g3[j]) - out.g[i]*out.g[j]
	}
	out.h[hessIndex[2][2]] -= (w2 + w3) * iS * iS
}

// hessPairs are the parameters of each entry of logLik.h, as hessIndex
// places them.
var hessPairs = [10][2]int{{0, 0}, {0, 1}, {0, 2}, {0, 3}, {1, 1}, {1, 2}, {1, 3}, {2, 2}, {2, 3}, {3, 3}}
