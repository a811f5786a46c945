package btyd_test

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"
)

// This file simulates customers through each model's own generative story,
// for the recovery tests and the benchmarks' purchase log.

// simBGNBD simulates a customer of the BG/NBD model with parameters r, α,
// a, b, observed for T after their first purchase: they buy at rate
// λ ~ Gamma(r, α) and, after each repeat purchase, drop out with
// probability p ~ Beta(a, b). It returns the times of the repeat purchases, up to T.
func simBGNBD(rng *rand.Rand, r, alpha, a, b, T float64) []float64 {
	src := rand.NewPCG(rng.Uint64(), rng.Uint64())
	lambda := distuv.Gamma{Alpha: r, Beta: alpha, Src: src}.Rand()
	p := distuv.Beta{Alpha: a, Beta: b, Src: src}.Rand()
	var times []float64
	t := 0.0
	for {
		t += rng.ExpFloat64() / lambda
		if t > T || math.IsInf(t, 0) {
			return times
		}
		times = append(times, t)
		// After each repeat purchase, gone for good with probability p.
		if rng.Float64() < p {
			return times
		}
	}
}

// simGammaGamma returns a customer's spend model of the gamma–gamma model
// with parameters p, q, γ: each purchase's amount is Gamma(p, ν) with
// ν ~ Gamma(q, γ).
func simGammaGamma(rng *rand.Rand, p, q, gamma float64) distuv.Gamma {
	src := rand.NewPCG(rng.Uint64(), rng.Uint64())
	nu := distuv.Gamma{Alpha: q, Beta: gamma, Src: src}.Rand()
	return distuv.Gamma{Alpha: p, Beta: nu, Src: src}
}
