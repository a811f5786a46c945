package btyd

// This file implements the log-likelihood that the fits of the BG/NBD
// and the MBG/NBD maximise, with its gradient and Hessian, in one pass
// over the weighted histories.

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// bgnbdSums are the sums over histories of the BG/NBD log-likelihood, its
// gradient and Hessian (upper triangle, row by row: rr, rα, ra, rb, αα,
// αa, αb, aa, ab, bb) in the natural parameters.
type bgnbdSums struct {
	ll float64
	g  [4]float64
	h  [10]float64
}

func (s *bgnbdSums) add(t *bgnbdSums) {
	s.ll += t.ll
	for i := range s.g {
		s.g[i] += t.g[i]
	}
	for i := range s.h {
		s.h[i] += t.h[i]
	}
}

// bgnbdLikelihood is the likelihood of FitBGNBD. With D and σ = e^D/(1 +
// e^D) as in logOdds, ln L = A + ln(1 + e^D), where A holds the terms in
// x alone and those in T; ∂ ln(1 + e^D) = σ ∂D and ∂² = σ ∂²D +
// σ(1 − σ) ∂D ∂Dᵀ.
func (d *frequencyData) bgnbdLikelihood(theta, grad, hess []float64) float64 {
	r, alpha, a, b := theta[0], theta[1], theta[2], theta[3]
	var parts [2]bgnbdSums
	split(len(d.w), func(part, lo, hi int) { d.bgnbdHistories(&parts[part], r, alpha, a, b, lo, hi) })
	s := parts[0]
	s.add(&parts[1])

	// The terms in x alone, group by group.
	lgr, _ := math.Lgamma(r)
	lbab := logBeta(a, b)
	psiR, psiB, psiAB := mathext.Digamma(r), mathext.Digamma(b), mathext.Digamma(a+b)
	triR, triB, triAB := trigamma(r), trigamma(b), trigamma(a+b)
	logAlpha := math.Log(alpha)
	for g, x := range d.xs {
		w := d.weight[g]
		lgrx, _ := math.Lgamma(r + x)
		s.ll += w * (lgrx - lgr + r*logAlpha + logBeta(a, b+x) - lbab)
		psiABX, psiBX := mathext.Digamma(a+b+x), mathext.Digamma(b+x)
		triABX := trigamma(a + b + x)
		s.g[0] += w * (mathext.Digamma(r+x) - psiR + logAlpha)
		s.g[1] += w * r / alpha
		s.g[2] += w * (psiAB - psiABX)
		s.g[3] += w * (psiBX - psiABX - psiB + psiAB)
		s.h[0] += w * (trigamma(r+x) - triR)
		s.h[1] += w / alpha
		s.h[4] -= w * r / (alpha * alpha)
		s.h[7] += w * (triAB - triABX)
		s.h[8] += w * (triAB - triABX)
		s.h[9] += w * (trigamma(b+x) - triABX - triB + triAB)
	}
	copy(grad, s.g[:])
	if hess != nil {
		k := 0
		for i := range 4 {
			for j := i; j < 4; j++ {
				hess[i*4+j], hess[j*4+i] = s.h[k], s.h[k]
				k++
			}
		}
	}
	return s.ll
}

// bgnbdHistories adds the terms in T and t_x of histories lo to hi−1.
// The sums run in local variables, which the compiler keeps in registers.
func (d *frequencyData) bgnbdHistories(s *bgnbdSums, r, alpha, a, b float64, lo, hi int) {
	var ll, g0, g1, h0, h1, h4 float64
	for g := d.group(lo); g < len(d.xs) && d.lo[g] < hi; g++ {
		x := d.xs[g]
		rx := r + x
		from, to := max(lo, d.lo[g]), min(hi, d.lo[g+1])
		w, T, tx := d.w[from:to], d.T[from:to], d.tx[from:to]
		// The terms in T: −(r + x) ln(α + T).
		var sumL, sumI, sumI2 float64 // Σ w ln(α + T), Σ w/(α + T), Σ w/(α + T)²
		for i, wi := range w {
			iT := 1 / (alpha + T[i])
			sumL += wi * math.Log(alpha+T[i])
			sumI += wi * iT
			sumI2 += wi * iT * iT
		}
		ll -= rx * sumL
		g0 -= sumL
		g1 -= rx * sumI
		h1 -= sumI
		h4 += rx * sumI2
		if x == 0 {
			continue
		}
		// The terms in ln(1 + e^D).
		logA := math.Log(a) - math.Log(b+x-1)
		var sp, sigma, tau, sdr, sda, tdrdr, tdrda, tdada, sd2, tauR, tauA float64
		for i, wi := range w {
			iT := 1 / (alpha + T[i])
			it := 1 / (alpha + tx[i])
			dr := math.Log1p((T[i] - tx[i]) * it) // ln((α + T)/(α + t_x))
			da := rx * (iT - it)
			D := logA + rx*dr
			// σ = e^D/(1 + e^D) and ln(1 + e^D) from one exponential.
			e := math.Exp(-math.Abs(D))
			sg, p := 1/(1+e), math.Log1p(e)
			if D < 0 {
				sg *= e
			} else {
				p += D
			}
			ws := wi * sg
			ts := ws * (1 - sg)
			sp += wi * p
			sigma += ws
			tau += ts
			sdr += ws * dr
			sda += ws * da
			tdrdr += ts * dr * dr
			tdrda += ts * dr * da
			tdada += ts * da * da
			tauR += ts * dr
			tauA += ts * da
			// σ ∂²D/∂r∂α and σ ∂²D/∂α².
			h1 += ws * (iT - it)
			sd2 += ws * (it*it - iT*iT)
		}
		ll += sp
		g0 += sdr
		g1 += sda
		h0 += tdrdr
		h1 += tdrda
		h4 += tdada + rx*sd2
		// ∂D/∂a = 1/a, ∂D/∂b = −1/(b + x − 1), constant within the group.
		ia, ib := 1/a, -1/(b+x-1)
		s.g[2] += sigma * ia
		s.g[3] += sigma * ib
		s.h[2] += tauR * ia
		s.h[3] += tauR * ib
		s.h[5] += tauA * ia
		s.h[6] += tauA * ib
		s.h[7] += -sigma*ia*ia + tau*ia*ia
		s.h[8] += tau * ia * ib
		s.h[9] += sigma*ib*ib + tau*ib*ib
	}
	s.ll += ll
	s.g[0] += g0
	s.g[1] += g1
	s.h[0] += h0
	s.h[1] += h1
	s.h[4] += h4
}

// mbgnbdLikelihood is the likelihood of FitMBGNBD: the BG/NBD's at
// b + 1, plus N ln(b/(a + b)) over the N customers, plus ln(1 + e^D₀)
// for each customer without a repeat purchase, D₀ = ln(a/b) + r ln(1 + T/α)
// (MBGNBD.logOdds at x = 0). With σ = e^D₀/(1 + e^D₀), ∂ ln(1 + e^D₀) =
// σ ∂D₀ and ∂² = σ ∂²D₀ + σ(1 − σ) ∂D₀ ∂D₀ᵀ.
func (d *frequencyData) mbgnbdLikelihood(theta, grad, hess []float64) float64 {
	r, alpha, a, b := theta[0], theta[1], theta[2], theta[3]
	ll := d.bgnbdLikelihood([]float64{r, alpha, a, b + 1}, grad, hess)

	// N ln(b/(a + b)).
	n := float64(d.customers)
	iab, ib := 1/(a+b), 1/b
	ll -= n * math.Log1p(a/b)
	g := [4]float64{0, 0, -n * iab, n * (ib - iab)}
	h := [4][4]float64{2: {2: n * iab * iab, 3: n * iab * iab}, 3: {3: n * (iab*iab - ib*ib)}}

	// ln(1 + e^D₀) over the customers without a repeat purchase.
	if len(d.xs) > 0 && d.xs[0] == 0 {
		var parts [2]zeroSums
		lo, hi := d.lo[0], d.lo[1]
		split(hi-lo, func(part, from, to int) {
			parts[part].add(d.w[lo+from:lo+to], d.T[lo+from:lo+to], r, alpha, math.Log(a/b))
		})
		s := parts[0]
		s.merge(&parts[1])
		ia := 1 / a
		ll += s.sp
		g[0] += s.sl
		g[1] += r * s.sq
		g[2] += s.s * ia
		g[3] -= s.s * ib
		h[0][0] += s.ull
		h[0][1] += s.sq + r*s.ulq
		h[0][2] += s.ul * ia
		h[0][3] -= s.ul * ib
		h[1][1] += r*s.sq2 + r*r*s.uqq
		h[1][2] += r * s.uq * ia
		h[1][3] -= r * s.uq * ib
		h[2][2] += (s.u - s.s) * ia * ia
		h[2][3] -= s.u * ia * ib
		h[3][3] += (s.s + s.u) * ib * ib
	}
	for i := range 4 {
		grad[i] += g[i]
		if hess == nil {
			continue
		}
		for j := i; j < 4; j++ {
			hess[i*4+j] += h[i][j]
			if j != i {
				hess[j*4+i] += h[i][j]
			}
		}
	}
	return ll
}

// zeroSums are the sums over customers without a repeat purchase, of
// weight w, of ln(1 + e^D₀) and of σ and τ = σ(1 − σ) times the
// derivatives of D₀ = ln(a/b) + r ℓ, ℓ = ln(1 + T/α): ∂D₀/∂r = ℓ,
// ∂D₀/∂α = r q with q = −T/(α(α + T)), ∂²D₀/∂r∂α = q and ∂²D₀/∂α² = r q₂
// with q₂ = T(2α + T)/(α(α + T))².
type zeroSums struct {
	sp, s, sl, sq, sq2       float64 // Σ w ln(1 + e^D₀), Σ wσ, Σ wσℓ, Σ wσq, Σ wσq₂
	u, ul, uq, ull, ulq, uqq float64 // Σ wτ, Σ wτℓ, Σ wτq, Σ wτℓ², Σ wτℓq, Σ wτq²
}

func (s *zeroSums) add(w, T []float64, r, alpha, logAB float64) {
	for i, wi := range w {
		t := T[i]
		l := math.Log1p(t / alpha)
		iat := 1 / (alpha * (alpha + t))
		q := -t * iat
		q2 := t * (2*alpha + t) * iat * iat
		D := logAB + r*l
		// σ and ln(1 + e^D₀) from one exponential.
		e := math.Exp(-math.Abs(D))
		sg, p := 1/(1+e), math.Log1p(e)
		if D < 0 {
			sg *= e
		} else {
			p += D
		}
		ws := wi * sg
		wt := ws * (1 - sg)
		s.sp += wi * p
		s.s += ws
		s.sl += ws * l
		s.sq += ws * q
		s.sq2 += ws * q2
		s.u += wt
		s.ul += wt * l
		s.uq += wt * q
		s.ull += wt * l * l
		s.ulq += wt * l * q
		s.uqq += wt * q * q
	}
}

func (s *zeroSums) merge(t *zeroSums) {
	s.sp += t.sp
	s.s += t.s
	s.sl += t.sl
	s.sq += t.sq
	s.sq2 += t.sq2
	s.u += t.u
	s.ul += t.ul
	s.uq += t.uq
	s.ull += t.ull
	s.ulq += t.ulq
	s.uqq += t.uqq
}
