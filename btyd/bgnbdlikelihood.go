package btyd

// This file implements the log-likelihood that the fits of the BG/NBD
// and the MBG/NBD maximise, with its gradient and Hessian, in one pass
// over the weighted histories. The models differ only in the MBG/NBD's
// dropout at time zero: by the mixture of the [MBGNBD] documentation, its
// log-likelihood is the BG/NBD's at b + 1, plus ln(b/(a + b)) for every
// customer, plus, for each customer without a repeat purchase, the term
// ln(1 + e^D) that the BG/NBD gives only customers with one. bgnbdCore
// computes the BG/NBD's, with that term at x = 0 or without; the
// MBG/NBD adds ln(b/(a + b)) in closed form.

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// bgnbdLikelihood is the likelihood of FitBGNBD: bgnbdCore without the
// term at x = 0.
func (d *frequencyData) bgnbdLikelihood(theta, grad, hess []float64) float64 {
	return d.bgnbdCore(theta, grad, hess, false)
}

// mbgnbdLikelihood is the likelihood of FitMBGNBD: bgnbdCore at b + 1
// with the term ln(1 + e^D₀) at x = 0, D₀ = ln(a/b) + r ln(1 + T/α)
// (MBGNBD.logOdds at x = 0), plus N ln(b/(a + b)) over the N customers.
func (d *frequencyData) mbgnbdLikelihood(theta, grad, hess []float64) float64 {
	r, alpha, a, b := theta[0], theta[1], theta[2], theta[3]
	ll := d.bgnbdCore([]float64{r, alpha, a, b + 1}, grad, hess, true)

	// N ln(b/(a + b)).
	n := float64(d.customers)
	iab, ib := 1/(a+b), 1/b
	ll -= n * math.Log1p(a/b)
	grad[2] -= n * iab
	grad[3] += n * (ib - iab)
	if hess != nil {
		hess[2*4+2] += n * iab * iab
		hess[2*4+3] += n * iab * iab
		hess[3*4+2] += n * iab * iab
		hess[3*4+3] += n * (iab*iab - ib*ib)
	}
	return ll
}

// bgnbdCore returns the BG/NBD log-likelihood of the histories at theta,
// with the term ln(1 + e^D) for the customers without a repeat purchase
// too if atZero, adds its gradient to grad and, if hess is not nil, its
// Hessian to hess. With D and σ = e^D/(1 + e^D) as in logOdds,
// ln L = A + ln(1 + e^D), where A holds the terms in x alone and those
// in T; ∂ ln(1 + e^D) = σ ∂D and ∂² = σ ∂²D + σ(1 − σ) ∂D ∂Dᵀ.
func (d *frequencyData) bgnbdCore(theta, grad, hess []float64, atZero bool) float64 {
	r, alpha, a, b := theta[0], theta[1], theta[2], theta[3]
	var s logLik
	if len(d.w) < parallelMin {
		// One part, as split would make it, without the closure whose
		// sums escape to the heap: a fit with covariates evaluates a
		// million groups of one history.
		d.bgnbdHistories(&s, r, alpha, a, b, atZero, 0, len(d.w))
	} else {
		var parts [2]logLik
		split(len(d.w), func(part, lo, hi int) { d.bgnbdHistories(&parts[part], r, alpha, a, b, atZero, lo, hi) })
		s = parts[0]
		s.add(&parts[1])
	}

	// The terms in x alone, group by group: ln Γ(r + x) − ln Γ(r) and
	// ln B(a, b + x) − ln B(a, b), as differences of ln Γ taken whole,
	// which towards a limit of the model, where a and b run to 10^12,
	// lose all their digits (the sum drifted by 10^5 on 5,000 customers).
	psiR, psiB, psiAB := mathext.Digamma(r), mathext.Digamma(b), mathext.Digamma(a+b)
	triR, triB, triAB := trigamma(r), trigamma(b), trigamma(a+b)
	logAlpha := math.Log(alpha)
	for g, x := range d.xs {
		w := d.weight[g]
		s.v += w * (logGammaRatio(r, x) + r*logAlpha + logGammaRatio(b, x) - logGammaRatio(a+b, x))
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
	return s.unpack(grad, hess)
}

// bgnbdHistories adds the terms in T and t_x of histories lo to hi−1,
// those in ln(1 + e^D) at x = 0 only if atZero.
// The sums run in local variables, which the compiler keeps in registers.
func (d *frequencyData) bgnbdHistories(s *logLik, r, alpha, a, b float64, atZero bool, lo, hi int) {
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
		if x == 0 && !atZero {
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
	s.v += ll
	s.g[0] += g0
	s.g[1] += g1
	s.h[0] += h0
	s.h[1] += h1
	s.h[4] += h4
}

// bgnbdStarts are the starts of the BG/NBD and MBG/NBD fits: purchase
// rates of mean 1/α₀, the observed rate, spread as gamma distributions of
// shape 0.3, 1 and 3; drop-out probabilities after a purchase of mean 1/2
// or about 1/10, spread as beta distributions with a + b from 2 to 20.
func bgnbdStarts(alpha float64) [][]float64 {
	return [][]float64{
		{1, alpha, 1, 1},
		{1, alpha, 0.5, 5},
		{0.3, 0.3 * alpha, 0.3, 3},
		{3, 3 * alpha, 2, 18},
	}
}
