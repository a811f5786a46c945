package btyd

// This file implements what each model's boundaries mean: the words a
// BoundaryError gives for the limit a fit's climb approached, where a
// parameter went below minParameter or above maxParameter, or where it
// ended short of them with parameters beyond nearLow or nearHigh.

import (
	"fmt"
	"strings"
)

// A limitRule is one limit of a model: when holds says a point approaches
// it, and say describes it from the parameters that stay finite.
type limitRule struct {
	holds func(lo, hi []bool) bool
	say   func(theta []float64) string
}

// describeLimit joins the descriptions of the rules that hold at theta,
// where a parameter below low or above high counts as gone to zero or to
// infinity. If no rule holds and generic is set, it names each such
// parameter instead.
func describeLimit(names []string, rules []limitRule, theta []float64, low, high float64, generic bool) string {
	lo, hi := make([]bool, len(theta)), make([]bool, len(theta))
	for i, v := range theta {
		lo[i], hi[i] = v < low, v > high
	}
	var parts []string
	for _, r := range rules {
		if r.holds(lo, hi) {
			parts = append(parts, r.say(theta))
		}
	}
	if len(parts) == 0 && generic {
		for i, v := range theta {
			switch {
			case lo[i]:
				parts = append(parts, fmt.Sprintf("%s → 0 (%.3g)", names[i], v))
			case hi[i]:
				parts = append(parts, fmt.Sprintf("%s → ∞ (%.3g)", names[i], v))
			}
		}
	}
	return strings.Join(parts, ", and ")
}

// A climb that ends with a parameter beyond minParameter or maxParameter
// has run off towards a boundary. One that ends short of them, where the
// likelihood is too flat to climb any further or its Hessian is no longer
// negative definite, has run off too if its parameters are beyond
// nearLow or nearHigh in a pattern that one of its model's limits names.
const (
	nearLow  = 1e-4
	nearHigh = 1e4
)

// both is the rule that parameters i and j both grow without bound
// at a fixed ratio: a gamma or beta distribution collapses to a point.
func both(i, j int) func(lo, hi []bool) bool {
	return func(lo, hi []bool) bool { return hi[i] && hi[j] }
}

// alone is the rule that parameter i grows without bound while j does
// not.
func alone(i, j int) func(lo, hi []bool) bool {
	return func(lo, hi []bool) bool { return hi[i] && !hi[j] }
}

// sameRate is the limit of a gamma-distributed rate with shape theta[i]
// and rate theta[j] whose spread vanishes; format takes the rate.
func sameRate(i, j int, format string) limitRule {
	return limitRule{both(i, j), func(theta []float64) string { return fmt.Sprintf(format, theta[i]/theta[j]) }}
}

// sameProbability is the limit of a beta-distributed probability with
// parameters theta[i] and theta[j] whose spread vanishes; format takes
// the probability.
func sameProbability(i, j int, format string) limitRule {
	return limitRule{both(i, j), func(theta []float64) string { return fmt.Sprintf(format, theta[i]/(theta[i]+theta[j])) }}
}

func words(s string) func([]float64) string { return func([]float64) string { return s } }

// bgnbdLimits are the limits of BG/NBD and MBG/NBD, in (r, α, a, b):
// λ ~ Gamma(r, α), p ~ Beta(a, b).
var bgnbdLimits = []limitRule{
	sameRate(0, 1, "every customer buys at the same rate while alive, λ = r/α = %.4g per unit of time"),
	sameProbability(2, 3, "drop-out after each purchase has the same probability p = a/(a + b) = %.4g for every customer"),
	{func(lo, hi []bool) bool { return lo[2] && !lo[3] || alone(3, 2)(lo, hi) },
		words("customers never drop out (p → 0): the negative binomial model of purchases")},
	{func(lo, hi []bool) bool { return lo[3] && !lo[2] || alone(2, 3)(lo, hi) },
		words("every customer drops out at their first chance (p → 1)")},
	{func(lo, hi []bool) bool { return lo[2] && lo[3] }, func(theta []float64) string {
		return fmt.Sprintf("a share a/(a + b) = %.4g of customers drop out at their first chance and the rest never do", theta[2]/(theta[2]+theta[3]))
	}},
}

// pnbdLimits are the limits of Pareto/NBD, in (r, α, s, β):
// λ ~ Gamma(r, α), μ ~ Gamma(s, β).
var pnbdLimits = []limitRule{
	sameRate(0, 1, "every customer buys at the same rate while alive, λ = r/α = %.4g per unit of time"),
	sameRate(2, 3, "every customer drops out at the same rate, μ = s/β = %.4g per unit of time"),
	{func(lo, hi []bool) bool { return lo[2] && !hi[3] || alone(3, 2)(lo, hi) },
		words("customers never drop out (μ → 0): the negative binomial model of purchases")},
}

// bgbbLimits are the limits of BG/BB, in (α, β, γ, δ): p ~ Beta(α, β),
// θ ~ Beta(γ, δ).
var bgbbLimits = []limitRule{
	sameProbability(0, 1, "every customer buys at an opportunity with the same probability p = α/(α + β) = %.4g while alive"),
	sameProbability(2, 3, "every customer drops out at an opportunity with the same probability θ = γ/(γ + δ) = %.4g"),
	{func(lo, hi []bool) bool { return lo[2] && !lo[3] || alone(3, 2)(lo, hi) },
		words("customers never drop out (θ → 0)")},
	{func(lo, hi []bool) bool { return lo[3] && !lo[2] || alone(2, 3)(lo, hi) },
		words("every customer drops out at the first opportunity (θ → 1)")},
	{func(lo, hi []bool) bool { return lo[1] && !lo[0] || alone(0, 1)(lo, hi) },
		words("customers buy at every opportunity while alive (p → 1)")},
	{func(lo, hi []bool) bool { return lo[0] && !lo[1] || alone(1, 0)(lo, hi) },
		words("customers never buy (p → 0)")},
	{func(lo, hi []bool) bool { return lo[0] && lo[1] }, func(theta []float64) string {
		return fmt.Sprintf("a share α/(α + β) = %.4g of customers buy at every opportunity while alive and the rest never do", theta[0]/(theta[0]+theta[1]))
	}},
	{func(lo, hi []bool) bool { return lo[2] && lo[3] }, func(theta []float64) string {
		return fmt.Sprintf("a share γ/(γ + δ) = %.4g of customers drop out at the first opportunity and the rest never do", theta[2]/(theta[2]+theta[3]))
	}},
}

// gammaGammaLimits are the limits of gamma–gamma, in (p, q, γ): each
// amount ~ Gamma(p, ν), ν ~ Gamma(q, γ).
var gammaGammaLimits = []limitRule{
	{func(lo, hi []bool) bool { return hi[0] && hi[1] }, func(theta []float64) string {
		return fmt.Sprintf("every customer spends the same amount, %.4g, at every purchase", theta[0]*theta[2]/theta[1])
	}},
	{func(lo, hi []bool) bool { return hi[1] && hi[2] && !hi[0] }, func(theta []float64) string {
		return fmt.Sprintf("every customer has the same mean spend, %.4g a purchase: they differ only by chance", theta[0]*theta[2]/theta[1])
	}},
	{func(lo, hi []bool) bool { return hi[0] && hi[2] && !hi[1] }, words("each customer spends the same amount at every purchase, and customers differ")},
}
