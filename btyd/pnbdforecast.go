package btyd

// This file holds the Pareto/NBD's conditional forecasts: the probability
// of being alive t after the end of observation and the distribution of
// the purchases in the next t.
//
// The likelihood of a customer (x, t_x, T) with rates λ and μ is the sum
// of two parts, alive at T, λ^x e^{−(λ+μ)T}, and gone at some τ in
// (t_x, T] (Fader, Hardie and Lee's 2005 note, equation 3). Given that
// they are alive at T, only the first counts, and it factors: λ ~
// Gamma(r + x, α + T) and μ ~ Gamma(s, β + T), independent. (Given the
// history alone, μ's posterior is a mixture of that gamma and the
// gone part's; it is the condition "alive at T" that makes it a gamma.)
// From T on, the exponential lifetime and the Poisson process forget:
// an alive customer is a new customer of the ParetoNBD{r + x, α + T, s,
// β + T}.

import "math"

// ProbAliveAt returns the probability that a customer (x, t_x, T) is
// still alive t after the end of observation, at T + t:
//
//	P(alive at T + t) = P(alive at T) · E[e^{−μt} | alive at T] = P(alive at T) · ((β + T)/(β + T + t))^s
//
// since an alive customer's μ ~ Gamma(s, β + T) and their lifetime is
// exponential, without memory (Schmittlein, Morrison and Colombo 1987;
// the posterior as in Fader, Hardie and Lee's 2005 note). At t = 0 it is
// [ParetoNBD.ProbAlive]; the factor is e^{−s ln(1 + t/(β + T))}, exact to
// a few units in the last place, so the result carries the 13 digits of
// P(alive). It fails as the type documentation says, and with an error
// wrapping [clv.ErrNegative] or [clv.ErrOutOfRange] if t is negative, not
// finite or above 10^7.
func (m ParetoNBD) ProbAliveAt(x int64, tx, T, t float64) (float64, error) {
	const fn = "Pareto/NBD probability alive at"
	if err := checkModelCustomer(fn, m, x, tx, T); err != nil {
		return 0, err
	}
	if err := checkTime(fn, "t", t); err != nil {
		return 0, err
	}
	p, ok := m.probAlive(float64(x), tx, T)
	if !ok {
		return 0, tooFarApart(fn, m)
	}
	return p * math.Exp(m.aliveAhead(float64(x), T, t)), nil
}

// aliveAhead returns ln P(alive at T + t | alive at T), which does not
// depend on x.
func (m ParetoNBD) aliveAhead(_, T, t float64) float64 {
	return -m.S * math.Log1p(t/(m.Beta+T))
}

// ConditionalProbPurchases returns the probability that a customer
// (x, t_x, T) makes exactly n purchases in the next t, (T, T + t], Fader
// and Hardie's "Deriving the Conditional PMF of the Pareto/NBD Model"
// (2006):
//
//	P(X(T, T + t] = n | x, t_x, T) = δ_{n=0} (1 − P(alive)) + P(alive) · P′(X(t) = n)
//
// where P(alive) is [ParetoNBD.ProbAlive] and P′ is [ParetoNBD.ProbPurchases]
// of the model updated by the customer's history, r + x, α + T, s, β + T:
// an alive customer is a new customer of that model. Its n = 0 is the
// probability of no purchase in the next t. P′ is integrated numerically,
// as [ParetoNBD.ProbPurchases] is, to about 10 significant digits; its
// coefficient Γ(r + x + n)/(Γ(r + x) n!) by a ratio that keeps its digits
// for x up to 10^7. Over n = 0, 1, 2, … the probabilities sum to 1, and
// Σ n P is [ParetoNBD.ConditionalExpectedPurchases]. lifetimes'
// ParetoNBDFitter.conditional_probability_of_n_purchases_up_to_time
// computes the same quantity.
//
// It fails as the type documentation says, and with an error wrapping
// [clv.ErrNegative] or [clv.ErrOutOfRange] if n or t is negative, n is
// above 10^7, or t is not finite or above 10^7.
func (m ParetoNBD) ConditionalProbPurchases(x int64, tx, T float64, n int64, t float64) (float64, error) {
	const fn = "Pareto/NBD conditional probability of purchases"
	if err := checkModelCustomer(fn, m, x, tx, T); err != nil {
		return 0, err
	}
	if err := checkAhead(fn, n, t); err != nil {
		return 0, err
	}
	xf := float64(x)
	p, ok := m.probAlive(xf, tx, T)
	if !ok {
		return 0, tooFarApart(fn, m)
	}
	return mixAlive(p, n, m.alivePMF(xf, T, n, t)), nil
}

// alivePMF returns P(X(T, T + t] = n | alive at T) of a customer with x
// repeat purchases observed for T.
func (m ParetoNBD) alivePMF(x, T float64, n int64, t float64) float64 {
	if t == 0 {
		if n == 0 {
			return 1
		}
		return 0
	}
	return pnbdNewPMF(m.R+x, m.Alpha+T, m.S, m.Beta+T, n, t)
}

// aliveDERT is [ParetoNBD.DERT] over P(alive): ((r + x)/(α + T)) (β + T)
// z^{s−1} U(s, s; z) with z = δ(β + T), as DERT computes it.
func (m ParetoNBD) aliveDERT(x, T, delta float64) float64 {
	B := m.Beta + T
	return (m.R + x) / (m.Alpha + T) * B * math.Exp(logLaplace(m.S, delta*B))
}
