package btyd

// This file implements the interpolation across T of a figure of alive
// customers, for the bulk forecasts. An alive customer's DERT under the
// BG/NBD and the MBG/NBD is a double integral, some 0.3 ms; their chance of
// surviving a horizon a single one, and the Pareto/NBD's chance of n
// purchases in it as well; a base of a million customers holds some
// 20,000 distinct (x, T), but only a few dozen distinct x, each with a few
// hundred T. For one x such a figure is a function of T alone, f(T),
// analytic wherever Re(T + c) > 0, with c the least of the model's scale
// parameters (α for the BG/NBD's, α and β for the Pareto/NBD's): there
// the integrals over the latent rates converge. In u = ln(T + c) that is
// the strip |Im u| < π/2. Chebyshev interpolation of degree N on
// [u₀, u₁], of half-width h, then converges as ρ^{−N}, with ρ the sum of
// the half-axes of the largest ellipse about the interval inside the
// strip, ρ = c′ + √(1 + c′²), c′ = (π/2)/h (Trefethen, "Approximation
// Theory and Approximation Practice", 2013, theorem 8.2). The degree is
// chosen for ρ^{−N} below e^{−30}, some 10^{−13}, with c′ taken at 0.8 of
// the strip, where |f| stays within a small factor of its size on the
// interval; the interpolant is evaluated by the barycentric formula at
// Chebyshev points of the second kind, stable for any degree (Higham,
// "The numerical stability of barycentric Lagrange interpolation", 2004).
// Each x interpolated is checked against three of its T computed
// directly, and computed directly throughout if any differs by more than
// 10^−11 of its value, or if its values at the nodes span more than a
// factor of 100, where an error small beside the largest would not be
// beside the smallest; an x with too few T for the interpolation to pay
// is computed directly.

import (
	"cmp"
	"math"
	"slices"
)

// acrossTolerance is the relative difference from a direct evaluation
// at which an interpolated x is computed directly instead.
const acrossTolerance = 1e-11

// maxAcrossDegree bounds the degree of an interpolant: beyond it, an x's
// T span too wide an interval for interpolation to pay.
const maxAcrossDegree = 120

// maxAcrossSpan bounds the ratio of the largest to the smallest value at
// an interpolant's nodes.
const maxAcrossSpan = 100

// acrossDegree returns the degree of the interpolant of f on [u0, u1].
func acrossDegree(u0, u1 float64) int {
	h := (u1 - u0) / 2
	c := 0.8 * (math.Pi / 2) / h
	rho := c + math.Sqrt(1+c*c)
	return max(int(math.Ceil(30/math.Log(rho))), 4)
}

// acrossT sets out[j] to f(pairs[j].x, pairs[j].T), positive, computed
// directly or interpolated across T for each x in u = ln(T + c) as this
// file describes, on two goroutines for many pairs. It returns the number
// of x interpolated and of those computed directly after failing their
// checks.
func acrossT(pairs []pairKey, c float64, f func(x int64, T float64) float64, out []float64) (interpolated, redone int) {
	// The pairs by x, then T.
	order := make([]int32, len(pairs))
	for j := range order {
		order[j] = int32(j)
	}
	slices.SortFunc(order, func(i, j int32) int {
		if c := cmp.Compare(pairs[i].x, pairs[j].x); c != 0 {
			return c
		}
		return cmp.Compare(pairs[i].T, pairs[j].T)
	})
	// An x's group: its pairs order[lo:hi], and for an interpolated one
	// its nodes' values in evals[node : node+degree+1] and the three
	// checked pairs' in evals[node+degree+1 : node+degree+4].
	type group struct {
		lo, hi, degree, node int
		u0, u1               float64
	}
	type eval struct {
		x int64
		T float64
	}
	var groups []group
	var evals []eval
	for lo := 0; lo < len(order); {
		x := pairs[order[lo]].x
		hi := lo + 1
		for hi < len(order) && pairs[order[hi]].x == x {
			hi++
		}
		g := group{lo: lo, hi: hi, node: len(evals)}
		first, last := pairs[order[lo]].T, pairs[order[hi-1]].T
		g.u0, g.u1 = math.Log(first+c), math.Log(last+c)
		if g.u1 > g.u0 {
			g.degree = acrossDegree(g.u0, g.u1)
		}
		if g.degree == 0 || g.degree > maxAcrossDegree || 2*(g.degree+4) > hi-lo {
			g.degree = -1
			for _, j := range order[lo:hi] {
				evals = append(evals, eval{x, pairs[j].T})
			}
		} else {
			// Chebyshev points of the second kind, from u₁ down, the
			// ends at the first and last T exactly.
			mid, half := (g.u0+g.u1)/2, (g.u1-g.u0)/2
			for k := 0; k <= g.degree; k++ {
				T := math.Exp(mid+half*math.Cos(float64(k)*math.Pi/float64(g.degree))) - c
				switch k {
				case 0:
					T = last
				case g.degree:
					T = first
				}
				evals = append(evals, eval{x, T})
			}
			for _, q := range [3]int{1, 2, 3} {
				evals = append(evals, eval{x, pairs[order[lo+q*(hi-lo)/4]].T})
			}
		}
		groups = append(groups, g)
		lo = hi
	}
	values := make([]float64, len(evals))
	split(len(evals), func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			values[i] = f(evals[i].x, evals[i].T)
		}
	})
	// Each group's pairs from its values; those that fail their checks
	// are computed directly after.
	var redo []int
	for gi, g := range groups {
		if g.degree < 0 {
			for i, j := range order[g.lo:g.hi] {
				out[j] = values[g.node+i]
			}
			continue
		}
		interpolated++
		nodes := values[g.node : g.node+g.degree+1]
		if !(slices.Max(nodes) <= maxAcrossSpan*slices.Min(nodes)) {
			redo = append(redo, gi)
			continue
		}
		for _, j := range order[g.lo:g.hi] {
			out[j] = chebyshevAt(nodes, g.u0, g.u1, math.Log(pairs[j].T+c))
		}
		for q, want := range values[g.node+g.degree+1 : g.node+g.degree+4] {
			j := order[g.lo+(q+1)*(g.hi-g.lo)/4]
			if !(math.Abs(out[j]-want) <= acrossTolerance*want) {
				redo = append(redo, gi)
				break
			}
		}
	}
	for _, gi := range redo {
		g := groups[gi]
		split(g.hi-g.lo, func(_, lo, hi int) {
			for _, j := range order[g.lo+lo : g.lo+hi] {
				out[j] = f(pairs[j].x, pairs[j].T)
			}
		})
	}
	return interpolated, len(redo)
}

// chebyshevAt returns the polynomial of degree len(values) − 1 through
// values at the Chebyshev points of the second kind on [u0, u1], from u1
// down (values[k] at the midpoint plus the half-width times cos(kπ/N)),
// at u, by the barycentric formula: the node's value where u is a node.
func chebyshevAt(values []float64, u0, u1, u float64) float64 {
	n := len(values) - 1
	s := (2*u - u0 - u1) / (u1 - u0) // in [−1, 1]
	var num, den float64
	for k, v := range values {
		d := s - math.Cos(float64(k)*math.Pi/float64(n))
		switch {
		case k == 0 && u == u1, k == n && u == u0, d == 0:
			return v
		}
		w := 1 / d
		if k%2 == 1 {
			w = -w
		}
		if k == 0 || k == n {
			w /= 2
		}
		num += w * v
		den += w
	}
	return num / den
}
