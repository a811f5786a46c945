package btyd

// This file holds the new-customer forecasts of acquisitions at a
// constant rate: customers won evenly through a horizon, where
// NewCustomerForecast (forecast.go) takes cohorts won at each period's
// start. The purchases of customers acquired continuously are an integral
// of a new customer's expected purchases, in closed form for the
// Pareto/NBD and by Gauss–Legendre quadrature for the BG/NBD and MBG/NBD.

import (
	"fmt"
	"math"

	"github.com/clvkit/clv"
	"github.com/shopspring/decimal"
)

// maxAcquisitionRate bounds the rate of a new-customer forecast, as
// checkCohorts bounds a cohort.
const maxAcquisitionRate = 1e12

// A RatePeriodForecast is the expected repeat purchases and revenue in
// one period of customers acquired at a constant rate, from
// [NewCustomerRateForecast] or [DiscreteNewCustomerRateForecast].
type RatePeriodForecast struct {
	// Acquired is the customers acquired in the period: the rate.
	Acquired float64 `json:"acquired"`
	// Purchases is the expected repeat purchases, in the period, of every
	// customer acquired so far.
	Purchases float64 `json:"purchases"`
	// Revenue is Purchases times a new customer's expected spend, rounded
	// once to [clv.DefaultScale] places.
	Revenue decimal.Decimal `json:"revenue"`
}

// NewCustomerRateForecast returns the expected repeat purchases and
// revenue, period by period over a horizon h, of customers acquired at a
// constant rate: rate new customers in each period of h.Period, won
// evenly through it (a Poisson stream, or any other of that mean), from
// the start of the horizon to its end, each then a new customer of the
// purchase model m, whose unit of time is unit. With P the period in the
// model's unit, customers arrive at rate/P a unit, and a customer won at s
// has made E[X(τ − s)] repeat purchases by τ ([BGNBD.ExpectedPurchases],
// [MBGNBD.ExpectedPurchases], [ParetoNBD.ExpectedPurchases]), so those
// won by τ have made (rate/P) ∫_0^τ E[X(u)] du, and in period k
//
//	purchases_k = rate · (1/P) ∫_{(k−1)P}^{kP} E[X(u)] du,  k = 1 … h.Length
//	revenue_k   = purchases_k · E[Z]
//
// rate times the mean of a new customer's expected purchases over the
// period, with E[Z] a new customer's expected spend, as in
// [NewCustomerForecast]. It is the limit of NewCustomerForecast's cohorts
// of rate/N customers at the start of each of N parts of every period, as
// N grows, and lies between rate · E[X((k − 1)P)] and rate · E[X(kP)],
// the cohorts won at the period's start and at its end.
//
// For the Pareto/NBD the integral is in closed form: with c = s − 1 and
// L = ln(1 + τ/β),
//
//	∫_0^τ E[X(u)] du = (r β²/α) · (τ/β − L · exprel((1 − c) L)) / c,  exprel(z) = (e^z − 1)/z
//
// which is exact at s = 2 (c = 1) and, where |c| L ≤ 1/2 and the
// difference would cancel, summed as its series Σ_{j≥2} L^j d_{j−1}/j!,
// d_k = (1 − (1 − c)^k)/c, of positive terms for s < 3; it carries about
// 13 significant digits of the integral, and a period's figure, a
// difference of two, some log₁₀ k fewer in period k. For the BG/NBD and
// MBG/NBD, whose E[X(u)] has a ₂F₁ with no such integral, each period is
// integrated by the 12-point Gauss–Legendre rule, the first on pieces
// [0, α], [α, 2α], [2α, 4α], … up to P: E[X(u)] is analytic but for a
// branch point at u = −α, at least three half-lengths from the centre of
// every piece, so each piece's error is below some 10^−15 of it (the
// rule's on a Bernstein ellipse of ρ = 3 + √8), and the result carries
// the 13 digits of ExpectedPurchases. Tests hold both to a slow
// evaluation, composite Simpson rules refined until they agree.
//
// It returns an error wrapping [clv.ErrMissing] for a nil model or spend
// model, an error if either is not valid, one wrapping
// [clv.ErrUnknownPeriod] for an unknown unit or period,
// [clv.ErrNonPositive] for a horizon of no length, [clv.ErrOutOfRange] for
// one beyond 1,000 years or past the model's series (see
// ExpectedPurchases; for the BG/NBD and MBG/NBD also where the nodes would
// take more than 2·10^7 series terms in all, some 1.5 s, as estimated
// from the parameters before any is summed: with α of a week, beyond some
// 290 weekly periods, where NewCustomerForecast takes 1,000),
// [clv.ErrNegative] for a
// negative rate, [clv.ErrOutOfRange] for a rate above 10^12 or not
// finite, or a revenue that overflows, and the spend model's error if a
// new customer's expected spend is infinite.
func NewCustomerRateForecast(m PurchaseModel, g SpendModel, unit clv.Period, rate float64, h Horizon) ([]RatePeriodForecast, error) {
	const fn = "new customer rate forecast"
	if err := checkModel(fn, m); err != nil {
		return nil, err
	}
	horizon, err := forecastHorizon(fn, h, unit)
	if err != nil {
		return nil, err
	}
	spend, err := checkRate(fn, g, rate)
	if err != nil {
		return nil, err
	}
	P := horizon / float64(h.Length)
	var means []float64 // (1/P) ∫ E[X] over each period
	if p, ok := m.(*ParetoNBD); ok {
		m = *p
	}
	if p, ok := m.(ParetoNBD); ok {
		means, err = pnbdPeriodMeans(fn, p, P, h.Length)
	} else {
		means, err = quadraturePeriodMeans(fn, m, m.parameters()[1], P, h) // α
	}
	if err != nil {
		return nil, err
	}
	return ratePurchases(fn, rate, means, spend)
}

// checkRate checks the spend model and the rate of a new-customer
// forecast, and returns a new customer's expected spend.
func checkRate(fn string, g SpendModel, rate float64) (float64, error) {
	if g == nil {
		return 0, fmt.Errorf("btyd: %s: spend model: %w", fn, clv.ErrMissing)
	}
	if err := g.check(fn); err != nil {
		return 0, err
	}
	switch {
	case math.IsNaN(rate) || math.IsInf(rate, 0):
		return 0, fmt.Errorf("btyd: %s: rate = %v: %w", fn, rate, clv.ErrOutOfRange)
	case rate < 0:
		return 0, fmt.Errorf("btyd: %s: rate = %v: %w", fn, rate, clv.ErrNegative)
	case rate > maxAcquisitionRate:
		return 0, fmt.Errorf("btyd: %s: rate = %v: %w: above 10^12", fn, rate, clv.ErrOutOfRange)
	}
	return g.expectedSpend(fn, 0, 0)
}

// ratePurchases returns, for each period k, rate customers a period times
// means[k], a new customer's mean expected purchases over the period, and
// those times spend, rounded.
func ratePurchases(fn string, rate float64, means []float64, spend float64) ([]RatePeriodForecast, error) {
	out := make([]RatePeriodForecast, len(means))
	for k, e := range means {
		p := rate * max(e, 0) // never negative, whatever the last digits say
		revenue := p * spend
		if math.IsInf(revenue, 0) || math.IsNaN(revenue) {
			return nil, fmt.Errorf("btyd: %s: %w: the revenue of period %d overflows float64", fn, clv.ErrOutOfRange, k+1)
		}
		out[k] = RatePeriodForecast{Acquired: rate, Purchases: p, Revenue: toDecimal(revenue, clv.DefaultScale)}
	}
	return out, nil
}

// pnbdPeriodMeans returns (1/P) ∫ E[X(u)] du over each of n periods of
// length P, by the Pareto/NBD's closed form of the integral from 0.
func pnbdPeriodMeans(fn string, m ParetoNBD, P float64, n int) ([]float64, error) {
	means := make([]float64, n)
	prev := 0.0
	for k := range means {
		c := pnbdIntegral(m, float64(k+1)*P)
		if math.IsInf(c, 0) || math.IsNaN(c) {
			return nil, fmt.Errorf("btyd: %s: %w: a new customer's purchases overflow float64 by period %d", fn, clv.ErrOutOfRange, k+1)
		}
		means[k], prev = (c-prev)/P, c
	}
	return means, nil
}

// pnbdIntegral returns ∫_0^τ E[X(u)] du for a new customer of the
// Pareto/NBD (see NewCustomerRateForecast).
func pnbdIntegral(m ParetoNBD, tau float64) float64 {
	if tau == 0 {
		return 0
	}
	c := m.S - 1
	y := tau / m.Beta
	L := math.Log1p(y)
	front := m.R * m.Beta * m.Beta / m.Alpha
	if math.Abs(c)*L > 0.5 {
		return front * (y - L*exprel((1-c)*L)) / c
	}
	return front * pnbdIntegralSeries(c, L)
}

// pnbdIntegralSeries returns (e^L − 1 − L exprel((1 − c) L)) / c, for
// |c| L ≤ 1/2, as the series Σ_{j≥2} L^j d_{j−1}/j!, d_k = 1 + (1 − c) d_{k−1},
// d_0 = 0, whose terms are positive for c < 2 and fall once j passes
// (1 + |c|) L.
func pnbdIntegralSeries(c, L float64) float64 {
	var sum kahan
	term, d := L, 0.0 // L^j/j! at j = 1, d_0
	for j := 2; j < 10_000; j++ {
		term *= L / float64(j)
		d = 1 + (1-c)*d
		v := term * d
		sum.add(v)
		// Past (1 + |c|) L the terms, bounded by ((1 + |c|) L)^j/j!
		// times j, fall; d may be 0 for one term where c = 2.
		if float64(j) > (1+math.Abs(c))*L+1 && term*(math.Abs(d)+1) <= 1e-17*math.Abs(sum.value()) {
			break
		}
	}
	return sum.value()
}

// legendre12 is the 12-point Gauss–Legendre rule on [0, 1].
var legendre12 = gaussLegendre(12)

// quadraturePeriodMeans returns (1/P) ∫ E[X(u)] du over each period of a
// horizon h of periods of length P, for a BG/NBD or MBG/NBD m, whose
// E[X(u)] is analytic but for a branch point at u = −scale (α), by the
// 12-point Gauss–Legendre rule on each period, the first on pieces that
// double from scale (see NewCustomerRateForecast). It refuses, before any
// series is summed, a horizon whose nodes would take more than
// maxCohortTerms terms in all, as bgnbdSeriesTerms estimates them.
func quadraturePeriodMeans(fn string, m PurchaseModel, scale, P float64, h Horizon) ([]float64, error) {
	th := m.parameters() // r, α, a, b
	r, alpha, a, b := th[0], th[1], th[2], th[3]
	if _, ok := m.(MBGNBD); ok {
		b++ // its E[X(t)] is the BG/NBD's with b + 1
	}
	// The pieces: those of the first period, then one a period.
	type piece struct{ lo, hi float64 }
	var pieces []piece
	for lo, hi := 0.0, min(scale, P); lo < P; lo, hi = hi, min(2*hi, P) {
		pieces = append(pieces, piece{lo, hi})
	}
	firstPieces := len(pieces)
	for k := 1; k < h.Length; k++ {
		pieces = append(pieces, piece{float64(k) * P, float64(k+1) * P})
	}
	var terms float64
	for _, p := range pieces {
		for _, x := range legendre12.x {
			terms += bgnbdSeriesTerms(r, alpha, a, b, p.lo+(p.hi-p.lo)*x)
		}
	}
	if terms > maxCohortTerms {
		return nil, fmt.Errorf("btyd: %s: horizon = %d %ss: %w: its quadrature would take some %.2g series terms, over %g", fn, h.Length, h.Period, clv.ErrOutOfRange, terms, float64(maxCohortTerms))
	}
	integrals := make([]float64, len(pieces))
	for i, p := range pieces {
		var s kahan
		for j, x := range legendre12.x {
			e, err := m.ExpectedPurchases(p.lo + (p.hi-p.lo)*x)
			if err != nil {
				return nil, err
			}
			s.add(legendre12.w[j] * e)
		}
		integrals[i] = s.value() * (p.hi - p.lo)
	}
	means := make([]float64, h.Length)
	var first kahan
	for _, v := range integrals[:firstPieces] {
		first.add(v)
	}
	means[0] = first.value() / P
	for k := 1; k < h.Length; k++ {
		means[k] = integrals[firstPieces+k-1] / P
	}
	return means, nil
}

// bgnbdSeriesTerms estimates the terms aliveExpectation's series take for
// E[X(t)] with parameters r, α, a, b (see hypergeo.go), at least 1: with
// w = 1/(1 − z) = (α + t)/α, some 40 w for the Euler-transformed series
// until its bound on the term ratio falls below 1, √(2 max(A(a − 1) − c, 0) w)
// and 2 max(a − r − 2, 0) w, and r w for the positive series, which takes
// over where A = c − r < 0 may cancel; at most two series of
// maxSeriesTerms.
func bgnbdSeriesTerms(r, alpha, a, b, t float64) float64 {
	c := a + b - 1
	A := c - r
	w := (alpha + t) / alpha
	n := max(40*w, math.Sqrt(2*max(A*(a-1)-c, 0)*w), 2*max(a-r-2, 0)*w)
	if A < 0 {
		n += r * w
	}
	return min(max(n, 1), 2*maxSeriesTerms)
}

// DiscreteNewCustomerRateForecast returns the expected repeat purchases
// and revenue, opportunity by opportunity, of customers of the BG/BB model
// m acquired at a constant rate: rate new customers make their first
// purchase, their trial, at each of the n_H opportunities of every in the
// horizon h (the nearest whole number, as [DiscreteValues] counts them),
// and may buy again from the next. The customers with their trial at
// opportunity j make a new customer's purchases at j + 1, j + 2, …, so at
// opportunity k those of the k − 1 earlier trials have made
//
//	purchases_k = rate · Σ_{i=1}^{k−1} α/(α + β) · B(γ, δ + i)/B(γ, δ) = rate · E[X(k − 1)],  k = 1 … n_H
//	revenue_k   = purchases_k · E[Z]
//
// with E[X(n)] a new customer's expected purchases in n opportunities
// ([BGBB.ExpectedPurchases]) and E[Z] a new customer's expected spend, as
// in [NewCustomerForecast]. In time counted at opportunities a constant
// rate is the same count at each: this is [DiscreteNewCustomerForecast]
// with rate customers at every opportunity, for a rate that need not be a
// whole number. The chances of survival are running products of their
// ratios, summed as they come; the result carries about 13 significant
// digits.
//
// It fails as DiscreteNewCustomerForecast does for m, every and h, and
// with the errors of [NewCustomerRateForecast] for the rate and the spend
// model.
func DiscreteNewCustomerRateForecast(m BGBB, g SpendModel, every clv.Period, rate float64, h Horizon) ([]RatePeriodForecast, error) {
	const fn = "discrete new customer rate forecast"
	if err := m.check(fn); err != nil {
		return nil, err
	}
	nH, err := discreteOpportunities(fn, every, h)
	if err != nil {
		return nil, err
	}
	spend, err := checkRate(fn, g, rate)
	if err != nil {
		return nil, err
	}
	means := make([]float64, nH) // E[X(k − 1)] at opportunity k
	var sum kahan
	survive := m.Alpha / (m.Alpha + m.Beta)
	for k := 1; k < len(means); k++ {
		j := float64(k - 1)
		survive *= (m.Delta + j) / (m.Gamma + m.Delta + j)
		sum.add(survive)
		means[k] = sum.value()
	}
	return ratePurchases(fn, rate, means, spend)
}
