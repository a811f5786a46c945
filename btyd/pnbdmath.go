package btyd

// This file implements the integral in the Pareto/NBD likelihood, with its
// gradient and Hessian, as a series of positive terms that neither
// overflows nor cancels, or, at many times where the series is long, one
// series and Gauss–Legendre steps between the times (pnbdChain), or its
// value alone as Gauss's continued fraction;
// a tanh-sinh quadrature in log space for the integrals of the
// probability of purchases and of DERT; and the continued fraction of
// DERT's integral.
//
// A customer alive at t with purchase rate λ ~ Gamma(r, α) and dropout
// rate μ ~ Gamma(s, β) who makes x purchases and drops out after t
// contributes, up to constants,
//
//	I(t) = ∫_t^∞ (α + τ)^−(r+x) (β + τ)^−(s+1) dτ
//
// to the likelihood (Fader, Hardie and Lee, "A Note on Deriving the
// Pareto/NBD Model and Related Expressions", 2005): their A₀ is
// (r + s + x) (I(t_x) − I(T)). The integrand is symmetric in its two
// (base, exponent) pairs; let P be the larger base and d its exponent, Q
// the smaller and c its, m = c + d − 1 = r + s + x, and y = (P − Q)/(P + t)
// in [0, 1). FHL expand (1 − y)^−c, which gives ₂F₁(m, c; m + 1; y), whose
// terms grow like (1 − y)^−c before they fall: for c = r + x in the
// thousands they overflow. Euler's transformation,
// ₂F₁(m, c; m + 1; y) = (1 − y)^(1−c) ₂F₁(1, d; m + 1; y), gives instead
//
//	I(t) = (P + t)^−d (Q + t)^(1−c) / m · Σ_{k≥0} u_k,  u_k = ((d)_k / (m + 1)_k) y^k,
//
// whose terms are positive and fall at least as fast as y^k (the ratio
// (d + k)/(c + d + k) y is below y): the sum lies in [1, 1/(1 − y)], and
// the rest after u_k is at most u_{k+1}/(1 − y). Its logarithm is formed
// term by term, so it is finite for every x; it needs some 37/(1 − y)
// terms at worst, which is few unless one of α and β is hundreds of times
// the other. Where only the value is needed and y > 1/2, Gauss's
// continued fraction for the same ₂F₁ takes some 6/√(1 − y) steps.
//
// The derivatives of ln u_k in c and d are sums over j < k of 1/(d + j)
// and 1/(c + d + j) and their squares, carried along the series, so one
// pass gives ln I, its gradient and its Hessian.

import (
	"math"

	"gonum.org/v1/gonum/integrate/quad"
)

// pnbdTerm is the logarithm of a part of a Pareto/NBD likelihood, with its
// gradient and Hessian in (r, α, s, β).
type pnbdTerm struct {
	logLik
	// logAlpha and logBeta are ln(α + t) and ln(β + t), which
	// pnbdLogTail leaves for its callers when it computes derivatives.
	logAlpha, logBeta float64
}

// pnbdTolerance is where the series stops: a bound on the rest relative
// to the sum.
const pnbdTolerance = 1e-17

// derivTolerance is where the series stops when it carries derivatives.
const derivTolerance = 1e-15

// pnbdLogTail returns ln I(t) for a customer with x purchases, and, if
// deriv, its gradient and Hessian in (r, α, s, β). It reports false if
// the series needs more than maxSeriesTerms terms.
func pnbdLogTail(r, alpha, s, beta, x, t float64, deriv bool) (pnbdTerm, bool) {
	// The variables of the series, (c, d, P, Q), are parameters of the
	// model plus constants: idx says which parameter each one is.
	var c, d, P, Q float64
	var idx [4]int
	if alpha >= beta {
		P, Q, d, c = alpha, beta, r+x, s+1
		idx = [4]int{2, 0, 1, 3}
	} else {
		P, Q, d, c = beta, alpha, s+1, r+x
		idx = [4]int{0, 2, 3, 1}
	}
	m := c + d - 1
	Pt, Qt := P+t, Q+t
	y := (P - Q) / Pt
	var out pnbdTerm
	if !deriv {
		sum, ok := pnbdSum(c, d, y)
		if !ok {
			return out, false
		}
		out.v = -d*math.Log(Pt) + (1-c)*math.Log(Qt) - math.Log(m) + math.Log(sum)
		return out, true
	}

	// Sums over k of u_k times 1, ∂_c ln u_k (b), ∂_d ln u_k (a), and
	// the second derivatives; those in y carry k/y and k(k−1)/y² in v_k
	// and w_k, which y = 0 leaves finite.
	var (
		f, fc, fd, fy, fcc, fcd, fdd, fcy, fdy, fyy float64
		a, b, cc, ad                                float64 // ∂_d, ∂_c, ∂_c² = ∂_c∂_d, ∂_d² of ln u_k
	)
	u, v, w := 1.0, 0.0, 0.0
	// The derivatives' sums carry k and k² beside u_k, so their rests are
	// bounded by about (k + 2)² u_{k+1}/(1 − y)³; 10^−15 of each is ample
	// for the fit, whose optimiser stops at a gradient of 10^−9.
	tol := derivTolerance * (1 - y) * (1 - y) * (1 - y)
	for k := 0.0; ; k++ {
		if k > maxSeriesTerms {
			return out, false
		}
		f += u
		fc += u * b
		fd += u * a
		fcc += u * (b*b + cc)
		fcd += u * (a*b + cc)
		fdd += u * (a*a + ad)
		fy += v
		fcy += v * b
		fdy += v * a
		fyy += w
		p := 1 / ((d + k) * (c + d + k))
		id, icd := (c+d+k)*p, (d+k)*p
		ratio := (d + k) * icd
		a += c * id * icd
		b -= icd
		cc += icd * icd
		ad -= c * id * icd * (id + icd)
		// u_{k+1}, v_{k+1} = (k + 1) u_{k+1}/y, w_{k+1} = (k + 1) k u_{k+1}/y².
		w = (k + 1) * ratio * v
		v = (k + 1) * ratio * u
		u *= ratio * y
		if u*(k+2)*(k+2) <= tol*f && v*(k+2) <= tol*max(f, fy) && w <= tol*max(f, fyy) {
			break
		}
	}
	lf := math.Log(f)
	gc, gd, gy := fc/f, fd/f, fy/f
	hcc, hcd, hdd := fcc/f-gc*gc, fcd/f-gc*gd, fdd/f-gd*gd
	hcy, hdy, hyy := fcy/f-gc*gy, fdy/f-gd*gy, fyy/f-gy*gy
	// y = (P − Q)/(P + t) and its derivatives in P and Q.
	iP, iQ := 1/Pt, 1/Qt
	yP, yQ := Qt*iP*iP, -iP
	yPP, yPQ := -2*Qt*iP*iP*iP, iP*iP

	im := 1 / m
	lP, lQ := math.Log(Pt), math.Log(Qt)
	out.logAlpha, out.logBeta = lP, lQ
	if alpha < beta {
		out.logAlpha, out.logBeta = lQ, lP
	}
	out.v = -d*lP + (1-c)*lQ - math.Log(m) + lf
	// Gradient and Hessian in (c, d, P, Q).
	g := [4]float64{
		-lQ - im + gc,
		-lP - im + gd,
		-d*iP + gy*yP,
		(1-c)*iQ + gy*yQ,
	}
	h := [4][4]float64{}
	h[0][0] = im*im + hcc
	h[0][1] = im*im + hcd
	h[1][1] = im*im + hdd
	h[0][2] = hcy * yP
	h[0][3] = -iQ + hcy*yQ
	h[1][2] = -iP + hdy*yP
	h[1][3] = hdy * yQ
	h[2][2] = d*iP*iP + hyy*yP*yP + gy*yPP
	h[2][3] = hyy*yP*yQ + gy*yPQ
	h[3][3] = -(1-c)*iQ*iQ + hyy*yQ*yQ
	for i := range 4 {
		out.g[idx[i]] = g[i]
		for j := i; j < 4; j++ {
			out.h[hessIndex[idx[i]][idx[j]]] = h[i][j]
		}
	}
	return out, true
}

// pnbdSum returns Σ u_k = ₂F₁(1, d; c + d; y), the series of
// pnbdLogTail, or false if it needs more than maxSeriesTerms steps. Above
// y = 1/2 it evaluates Gauss's continued fraction instead,
//
//	₂F₁(1, d; C + 1; y) = 1 / (1 − k₁y / (1 − k₂y / (1 − …))),  C = c + d − 1,
//	k_{2j+1} = (d + j)(C + j) / ((C + 2j)(C + 2j + 1)),
//	k_{2j+2} = (j + 1)(c + j) / ((C + 2j + 1)(C + 2j + 2)),
//
// by the modified Lentz method: every k is positive, and it converges in
// some 6/√(1 − y) steps where the series needs 37/(1 − y) terms.
func pnbdSum(c, d, y float64) (float64, bool) {
	if y > 0.5 {
		return gaussFraction(c, d, y)
	}
	sum, u := 0.0, 1.0
	tol := pnbdTolerance * (1 - y)
	for k := 0.0; k <= maxSeriesTerms; k++ {
		sum += u
		u *= (d + k) / (c + d + k) * y
		if u <= tol*sum {
			return sum, true
		}
	}
	return 0, false
}

// gaussFraction returns ₂F₁(1, d; c + d; y) by Gauss's continued
// fraction, as pnbdSum says.
func gaussFraction(c, d, y float64) (float64, bool) {
	C := c + d - 1
	l := newLentz(1)
	for n := 1; n <= maxSeriesTerms; n++ {
		j := float64((n - 1) / 2)
		var k float64
		if n%2 == 1 {
			k = (d + j) * (C + j) / ((C + 2*j) * (C + 2*j + 1))
		} else {
			k = (j + 1) * (c + j) / ((C + 2*j + 1) * (C + 2*j + 2))
		}
		if l.next(-k*y, 1) {
			return 1 / l.f, true
		}
	}
	return 0, false
}

// A lentz evaluates a continued fraction f = b₀ + a₁/(b₁ + a₂/(b₂ + …))
// by the modified Lentz method: f after the terms so far, with Lentz's
// C_n (num) and D_n (den).
type lentz struct{ f, num, den float64 }

// newLentz starts the fraction with b₀, which must not be zero.
func newLentz(b0 float64) lentz { return lentz{f: b0, num: b0} }

// next takes in the next terms a_n and b_n, and reports whether the
// fraction has converged: whether they changed f by at most 4·10^−16 of
// it.
func (l *lentz) next(a, b float64) bool {
	const tiny = 1e-300
	if l.den = b + a*l.den; l.den == 0 {
		l.den = tiny
	}
	if l.num = b + a/l.num; l.num == 0 {
		l.num = tiny
	}
	l.den = 1 / l.den
	step := l.num * l.den
	l.f *= step
	return math.Abs(step-1) <= 4e-16
}

// The tanh-sinh rule on [−1, 1]: nodes x_j = tanh(π/2 sinh(jh)) for
// |jh| ≤ 3.15, where the nodes come within 10^−16 of the ends, with
// weights h π/2 cosh(jh) / cosh²(π/2 sinh(jh)). Its error falls
// exponentially in 1/h for integrands analytic inside, whatever their
// singularities at the ends, and it resolves layers at the ends down to
// 10^−15 of the interval. Every other node makes the rule of step 2h,
// half the work, for smoother integrands.
const (
	tanhSinhStep  = 1.0 / 32
	tanhSinhNodes = 100 // each side of 0
)

// tanhSinhRule holds, for j = −tanhSinhNodes … tanhSinhNodes, the
// distances of the nodes from −1 and from 1 on [0, 1] (that is, (1 + x)/2
// and (1 − x)/2, each to full relative precision) and the weights on
// [0, 1].
var tanhSinhRule = func() (rule struct{ lo, hi, w [2*tanhSinhNodes + 1]float64 }) {
	for j := -tanhSinhNodes; j <= tanhSinhNodes; j++ {
		t := float64(j) * tanhSinhStep
		u := math.Pi / 2 * math.Sinh(t)
		i := j + tanhSinhNodes
		rule.lo[i] = 1 / (1 + math.Exp(-2*u))
		rule.hi[i] = 1 / (1 + math.Exp(2*u))
		ch := math.Cosh(u)
		rule.w[i] = tanhSinhStep * math.Pi / 4 * math.Cosh(t) / (ch * ch)
	}
	return rule
}()

// logIntegral returns ln ∫_a^b e^{g(τ)} dτ by the tanh-sinh rule of step
// stride·h (stride 1 or 2), for a < b. g receives each node as its
// distances from a and from b, so that it can work to full precision near
// either end; a node where g is −∞ adds nothing.
func logIntegral(a, b float64, stride int, g func(fromA, toB float64) float64) float64 {
	width := b - a
	var logs [2*tanhSinhNodes + 1]float64
	top := math.Inf(-1)
	for i := 0; i < len(logs); i += stride {
		logs[i] = g(width*tanhSinhRule.lo[i], width*tanhSinhRule.hi[i])
		top = max(top, logs[i])
	}
	if math.IsInf(top, -1) || math.IsNaN(top) {
		return top
	}
	var sum float64
	for i := 0; i < len(logs); i += stride {
		sum += tanhSinhRule.w[i] * math.Exp(logs[i]-top)
	}
	return top + math.Log(float64(stride)*width*sum)
}

// laplaceFraction returns ∫_0^∞ e^{−zw} (1 + w)^−s dw = U(1, 2 − s; z) by
// the continued fraction of the incomplete gamma function (Legendre's, in
// its even form),
//
//	1 / (z + s − 1·s / (z + s + 2 − 2(s + 1) / (z + s + 4 − 3(s + 2) / …)))
//
// by the modified Lentz method, or false if it has not converged after
// maxFractionSteps: it is quick for z from about 1/2 up.
func laplaceFraction(s, z float64) (float64, bool) {
	l := newLentz(z + s)
	for n := 1.0; n <= maxFractionSteps; n++ {
		if l.next(-n*(s+n-1), z+s+2*n) {
			return 1 / l.f, true
		}
	}
	return 0, false
}

// maxFractionSteps bounds laplaceFraction.
const maxFractionSteps = 2000

// Where the series needs thousands of terms, because α and β are far
// apart, a customer's tails at the distinct times t₁ > t₂ > … of a base
// follow each other more cheaply: I(t_{i+1}) = I(t_i) + ∫_{t_{i+1}}^{t_i}
// of the integrand, which is smooth on a short interval, and so are its
// derivatives in the parameters. pnbdChain sums the first tail by the
// series and each later one from the one before, by Gauss–Legendre
// quadrature, wherever that costs less than the series.

// A gaussRule is a Gauss–Legendre rule on [0, 1]: nodes x and weights w.
type gaussRule struct{ x, w []float64 }

// gaussLegendre returns the n-point Gauss–Legendre rule on [0, 1], exact
// for polynomials of degree 2n − 1.
func gaussLegendre(n int) gaussRule {
	r := gaussRule{x: make([]float64, n), w: make([]float64, n)}
	quad.Legendre{}.FixedLocations(r.x, r.w, 0, 1)
	return r
}

// The rules of pnbdStep: 4 points where a piece is short beside the
// integrand's scale, else 8.
var legendre4, legendre8, legendre16 = gaussLegendre(4), gaussLegendre(8), gaussLegendre(16)

// addIntegral sets t to ln of the sum of the two positive integrals t
// and q, with its gradient and Hessian. As ∂² ln I is the mean of ∂² ln f
// plus the covariance of ∂ ln f under the density f/I, for a sum with
// shares ω_t and ω_q,
//
//	∂ ln I = ω_t ∂ ln I_t + ω_q ∂ ln I_q,
//	∂² ln I = ω_t ∂² ln I_t + ω_q ∂² ln I_q + ω_t ω_q δ δᵀ,  δ = ∂ ln I_t − ∂ ln I_q,
//
// which adds no large terms that cancel.
func (t *logLik) addIntegral(q *logLik) {
	top := max(t.v, q.v)
	wt, wq := math.Exp(t.v-top), math.Exp(q.v-top)
	total := wt + wq
	wt, wq = wt/total, wq/total
	t.v = top + math.Log(total)
	var delta [4]float64
	for i := range 4 {
		delta[i] = t.g[i] - q.g[i]
		t.g[i] = wt*t.g[i] + wq*q.g[i]
	}
	for i := range 4 {
		for j := i; j < 4; j++ {
			k := hessIndex[i][j]
			t.h[k] = wt*t.h[k] + wq*q.h[k] + wt*wq*delta[i]*delta[j]
		}
	}
}

// A pnbdMesh is how pnbdStep cuts [a, b] into pieces: pieces of them,
// each by rule, of equal length in τ if step is 0, else of equal length
// step in w = ln((q + τ)/(q + a)), the logarithm of the distance from the
// nearer singularity, at −q = −min(α, β).
type pnbdMesh struct {
	pieces, step float64
	rule         gaussRule
}

// pnbdPieces returns the mesh of pnbdStep on [a, b]: 8 points on pieces
// of half-width h where ln of the integrand moves by at most 2 and the
// nearer singularity, at −min(α, β), lies at least 5h away; 4 points on
// one piece a tenth of that. Where the singularity is near a, such
// pieces are as short as the first one must be. In w, the integrand
// times dτ/dw = q + τ is (q + τ)^(1−c) (p + τ)^−d, with p the farther
// singularity: its own singularities lie π from the real axis, and ln of
// it moves by |1 − (q + τ)(c/(α + τ) + d/(β + τ))| a unit of w, which
// grows with τ to at most its value at b. The mesh in w, where it takes
// less work, has 16 points on pieces up to logPiece long where ln of it
// moves by at most logMove. On 20,000 random tails, with α and β up to
// 300 times apart, x up to 1,000 and b − a up to 400, the steps then
// agree with the series to 3·10^−13 in ln I and its gradient and 10^−10 in
// its Hessian (TestParetoNBDChainIsTheSeries, which holds them to 10^−12
// and 10^−9); pieces 6 long or moves of
// 20 lose two digits or more.
func pnbdPieces(r, alpha, s, beta, x, a, b float64) pnbdMesh {
	w := b - a
	size := max(w/(0.4*(min(alpha, beta)+a)), w*((r+x)/(alpha+a)+(s+1)/(beta+a))/2)
	if size <= smallPiece {
		return pnbdMesh{pieces: 1, rule: legendre4}
	}
	uniform := pnbdMesh{pieces: math.Ceil(size), rule: legendre8}
	q := min(alpha, beta)
	move := max(1, (q+b)*((r+x)/(alpha+b)+(s+1)/(beta+b))-1)
	span := math.Log((q + b) / (q + a))
	pieces := math.Ceil(span * max(1/logPiece, move/logMove))
	if 2*pieces >= uniform.pieces {
		return uniform
	}
	return pnbdMesh{pieces: pieces, step: span / pieces, rule: legendre16}
}

// smallPiece is the size of a piece, as pnbdPieces measures it, up to
// which 4 points suffice.
const smallPiece = 0.1

// logPiece is the longest piece in w of pnbdPieces, and logMove the most
// ln of the integrand moves on one.
const logPiece, logMove = 4.0, 12.0

// node returns node k of piece p of mesh on [a, b]: its distance from
// a, its weight in τ, and ln((α + τ)/(α + a)) and ln((β + τ)/(β + a)).
func (m *pnbdMesh) node(p float64, k int, alpha, beta, a, b float64) (off, weight, da, db float64) {
	q := min(alpha, beta)
	var lq float64
	if m.step == 0 {
		width := (b - a) / m.pieces
		off = (p + m.rule.x[k]) * width
		weight = m.rule.w[k] * width
		lq = math.Log1p(off / (q + a))
	} else {
		lq = (p + m.rule.x[k]) * m.step
		e := math.Expm1(lq)
		off, weight = (q+a)*e, m.rule.w[k]*m.step*(q+a)*(1+e)
	}
	if alpha <= beta {
		return off, weight, lq, math.Log1p(off / (beta + a))
	}
	return off, weight, math.Log1p(off / (alpha + a)), lq
}

// pnbdStep returns ln ∫_a^b f(τ) dτ, f = (α + τ)^−(r+x) (β + τ)^−(s+1),
// for a < b, with its gradient and Hessian in (r, α, s, β), by the
// Gauss–Legendre rule on each piece of mesh:
// ∂ ln ∫f is the mean of ∂ ln f under the density f/∫f, and ∂² ln ∫f the
// mean of ∂² ln f plus the covariance of ∂ ln f. Here
//
//	∂ ln f = (−ln(α + τ), −(r + x)/(α + τ), −ln(β + τ), −(s + 1)/(β + τ)),
//
// and ∂² ln f has −1/(α + τ) in (r, α), (r + x)/(α + τ)² in (α, α), and
// the same in (s, β) with s + 1 and β. The moments are taken about ∂ ln f
// at a, so that the covariance is not the difference of large numbers.
func pnbdStep(r, alpha, s, beta, x, a, b float64, mesh pnbdMesh) logLik {
	cr, cs := r+x, s+1
	la0, lb0 := math.Log(alpha+a), math.Log(beta+a)
	g0 := [4]float64{-la0, -cr / (alpha + a), -lb0, -cs / (beta + a)}
	// The integrand falls with τ, so the first node sets the scale; a
	// larger value later would rescale what has been summed.
	var sum float64
	var m [4]float64   // Σ f (∂ ln f − g0)
	var mm [10]float64 // Σ f (∂ ln f − g0)(∂ ln f − g0)ᵀ
	var h [10]float64  // Σ f ∂² ln f
	top := math.Inf(-1)
	for p := 0.0; p < mesh.pieces; p++ {
		for k := range mesh.rule.x {
			off, weight, da, db := mesh.node(p, k, alpha, beta, a, b)
			tau := a + off
			l := -cr*(la0+da) - cs*(lb0+db)
			if l > top {
				scale := math.Exp(top - l)
				sum *= scale
				for i := range m {
					m[i] *= scale
				}
				for i := range mm {
					mm[i] *= scale
					h[i] *= scale
				}
				top = l
			}
			f := weight * math.Exp(l-top)
			ia, ib := 1/(alpha+tau), 1/(beta+tau)
			d := [4]float64{-da, -cr*ia - g0[1], -db, -cs*ib - g0[3]}
			sum += f
			for i := range 4 {
				m[i] += f * d[i]
				for j := i; j < 4; j++ {
					mm[hessIndex[i][j]] += f * d[i] * d[j]
				}
			}
			h[hessIndex[0][1]] -= f * ia
			h[hessIndex[1][1]] += f * cr * ia * ia
			h[hessIndex[2][3]] -= f * ib
			h[hessIndex[3][3]] += f * cs * ib * ib
		}
	}
	out := logLik{v: top + math.Log(sum)}
	for i := range 4 {
		m[i] /= sum
		out.g[i] = g0[i] + m[i]
	}
	for i := range 4 {
		for j := i; j < 4; j++ {
			k := hessIndex[i][j]
			out.h[k] = h[k]/sum + mm[k]/sum - m[i]*m[j]
		}
	}
	return out
}

// seriesTerms estimates the terms pnbdLogTail's series with derivatives
// takes at y: its tolerance is 10^−15 (1 − y)³, and its terms fall at
// least as fast as y^k.
func seriesTerms(y float64) float64 {
	return (34.5 + 3*math.Log(1/(1-y))) / (1 - y)
}

// Where pnbdChain steps rather than sums the series: a piece of pnbdStep
// costs about as much as stepCost terms of the series.
const stepCost = 64

// chainPays reports whether pnbdChain could beat the series for a
// customer with x purchases at t ≥ 0: whether the series takes more
// than 2·stepCost terms at t = 0.
func chainPays(alpha, beta float64) bool {
	return seriesTerms(math.Abs(alpha-beta)/max(alpha, beta)) > 2*stepCost
}

// pnbdChain sets tails[i] to ln I(ts[i]) and, if deriv, its gradient and
// Hessian, as pnbdLogTail does, for the times ts in decreasing order: the
// first by the series (or the continued fraction), each later one from
// the one before by pnbdStep where its pieces cost less than the series
// would, else by the series. It reports false if a series did not
// converge.
func pnbdChain(r, alpha, s, beta, x float64, ts []float64, tails []pnbdTerm, deriv bool) bool {
	P, Q := max(alpha, beta), min(alpha, beta)
	for i, t := range ts {
		if i > 0 {
			mesh := pnbdPieces(r, alpha, s, beta, x, t, ts[i-1])
			if stepCost*mesh.pieces*float64(len(mesh.rule.x))/8 < seriesTerms((P-Q)/(P+t)) {
				tails[i] = tails[i-1]
				if deriv {
					step := pnbdStep(r, alpha, s, beta, x, t, ts[i-1], mesh)
					tails[i].addIntegral(&step)
					tails[i].logAlpha, tails[i].logBeta = math.Log(alpha+t), math.Log(beta+t)
				} else {
					tails[i].v = logAddExp(tails[i].v, pnbdStepValue(r, alpha, s, beta, x, t, ts[i-1], mesh))
				}
				continue
			}
		}
		var ok bool
		if tails[i], ok = pnbdLogTail(r, alpha, s, beta, x, t, deriv); !ok {
			return false
		}
	}
	return true
}

// pnbdStepValue returns ln ∫_a^b f(τ) dτ as pnbdStep does, without the
// derivatives.
func pnbdStepValue(r, alpha, s, beta, x, a, b float64, mesh pnbdMesh) float64 {
	cr, cs := r+x, s+1
	la0, lb0 := math.Log(alpha+a), math.Log(beta+a)
	// The integrand falls with τ: the first node is the largest.
	top := -cr*la0 - cs*lb0
	var sum float64
	for p := 0.0; p < mesh.pieces; p++ {
		for k := range mesh.rule.x {
			_, weight, da, db := mesh.node(p, k, alpha, beta, a, b)
			l := -cr*da - cs*db
			sum += weight * math.Exp(l)
		}
	}
	return top + math.Log(sum)
}
