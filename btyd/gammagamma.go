package btyd

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/clvkit/clv"
	"github.com/shopspring/decimal"
	"gonum.org/v1/gonum/mathext"
)

// A GammaGamma is the gamma–gamma model of spend per purchase, from Fader,
// Hardie and Lee, "RFM and CLV: Using Iso-Value Curves for Customer Base
// Analysis" (Journal of Marketing Research 42(4), 2005), and Fader and
// Hardie, "The Gamma-Gamma Model of Monetary Value" (2013). Each
// purchase's amount z of a customer follows a gamma distribution with
// shape P and a rate ν of the customer's own; across customers ν follows a
// gamma distribution with shape Q and rate Gamma. A customer's mean spend
// over x purchases, z̄, then has the density
//
//	f(z̄ | x) = Γ(px + q) / (Γ(px) Γ(q)) · γ^q x^(px) z̄^(px−1) / (γ + x z̄)^(px+q)
//
// and the expected spend of their next purchase is a weighted mean of the
// population's mean spend pγ/(q − 1) and their own:
//
//	E[Z | x, z̄] = (q − 1)/(px + q − 1) · pγ/(q − 1) + px/(px + q − 1) · z̄ = p(γ + x z̄) / (px + q − 1)
//
// The model assumes spend is independent of how often customers buy;
// [GammaGammaFit] reports their correlation to check it.
//
// Amounts go in and come out as decimals; the model is float64 in
// between. An amount is converted to the nearest float64, exactly rounded
// for up to 15 significant digits; each expectation carries about 15
// significant digits and is rounded once, half away from zero, to
// [clv.DefaultScale] places. Gamma is in the currency of the amounts.
//
// A GammaGamma is valid when each parameter is finite and from 10^−10 to
// 10^10; its methods return an error wrapping [clv.ErrNonPositive] or
// [clv.ErrOutOfRange] otherwise. [FitGammaGamma] estimates the model.
type GammaGamma struct {
	P     float64 `json:"p"`
	Q     float64 `json:"q"`
	Gamma float64 `json:"gamma"`
}

var gammaGammaNames = []string{"p", "q", "gamma"}

func (m GammaGamma) check(fn string) error {
	return checkParameters(fn, gammaGammaNames, m.P, m.Q, m.Gamma)
}

// checkSpend refuses a negative x or spend, and a spend beyond the
// decimal bounds of the clv package.
func checkSpend(fn string, x int64, spend decimal.Decimal) error {
	if err := checkX(fn, x); err != nil {
		return err
	}
	if err := checkAmount(fn, "spend", spend); err != nil {
		return err
	}
	if spend.Sign() < 0 {
		return fmt.Errorf("btyd: %s: spend = %s: %w", fn, spend.StringFixed(2), clv.ErrNegative)
	}
	return nil
}

// ExpectedSpend returns the expected amount of the next purchase of a
// customer with x repeat purchases of mean amount spend:
//
//	E[Z | x, z̄] = p(γ + x z̄) / (px + q − 1)
//
// For x = 0, whatever spend, it is the population's mean spend pγ/(q − 1).
// It is rounded half away from zero to [clv.DefaultScale] places.
//
// It returns an error if m is not valid, one wrapping [clv.ErrNegative]
// for a negative x or spend, [clv.ErrOutOfRange] for an x above 10^7 or a
// spend beyond the bounds of the clv package, and [clv.ErrOutOfRange] if
// the expectation is infinite: px + q ≤ 1, which for x = 0 is q ≤ 1.
func (m GammaGamma) ExpectedSpend(x int64, spend decimal.Decimal) (decimal.Decimal, error) {
	const fn = "gamma-gamma expected spend"
	if err := m.check(fn); err != nil {
		return decimal.Zero, err
	}
	if err := checkSpend(fn, x, spend); err != nil {
		return decimal.Zero, err
	}
	v, err := m.expectedSpend(fn, float64(x), toFloat(spend))
	if err != nil {
		return decimal.Zero, err
	}
	return toDecimal(v, clv.DefaultScale), nil
}

func (m GammaGamma) expectedSpend(fn string, x, zbar float64) (float64, error) {
	den := m.P*x + m.Q - 1
	if !(den > 0) {
		return 0, fmt.Errorf("btyd: %s: q = %v: %w: with p x + q ≤ 1 the expected spend is infinite", fn, m.Q, clv.ErrOutOfRange)
	}
	v := m.P * (m.Gamma + x*zbar) / den
	if math.IsInf(v, 0) {
		return 0, fmt.Errorf("btyd: %s: %w: the expected spend overflows", fn, clv.ErrOutOfRange)
	}
	return v, nil
}

// LogLikelihood returns ln f(z̄ | x), the log-density of a customer's
// mean spend over x repeat purchases, spend, as the type documentation
// gives it. It returns an error if m is not valid, one wrapping
// [clv.ErrNonPositive] if x or spend is zero (the model describes the
// positive spend of repeat purchases), and fails as
// [GammaGamma.ExpectedSpend] does otherwise.
func (m GammaGamma) LogLikelihood(x int64, spend decimal.Decimal) (float64, error) {
	const fn = "gamma-gamma log-likelihood"
	if err := m.check(fn); err != nil {
		return 0, err
	}
	if err := checkSpend(fn, x, spend); err != nil {
		return 0, err
	}
	if x == 0 || spend.IsZero() {
		return 0, fmt.Errorf("btyd: %s: x = %d, spend = %s: %w", fn, x, spend.String(), clv.ErrNonPositive)
	}
	xf, z := float64(x), toFloat(spend)
	px := m.P * xf
	lgpxq, _ := math.Lgamma(px + m.Q)
	lgpx, _ := math.Lgamma(px)
	lgq, _ := math.Lgamma(m.Q)
	return lgpxq - lgpx - lgq + m.Q*math.Log(m.Gamma) + px*math.Log(xf) + (px-1)*math.Log(z) - (px+m.Q)*math.Log(m.Gamma+xf*z), nil
}

// A GammaGammaFit is a [GammaGamma] fitted to customers' spend by
// [FitGammaGamma].
type GammaGammaFit struct {
	// Model is the fitted model.
	Model GammaGamma `json:"model"`
	// StdErr holds the standard error of each of Model's parameters, in
	// the field of that parameter.
	StdErr GammaGamma `json:"std_err"`
	// Stats describes the fit; its Parameters are p, q and gamma, and its
	// Customers those with a repeat purchase and positive spend.
	Stats FitStats `json:"stats"`
	// Correlation is Pearson's correlation of x and spend over the fitted
	// customers. The model assumes it is near zero.
	Correlation float64 `json:"correlation"`
	// ZeroSpend counts the customers with repeat purchases but a spend of
	// zero, whose repeat purchases were all of no value; the model, whose
	// amounts are positive, leaves them out.
	ZeroSpend int64 `json:"zero_spend"`
}

// FitGammaGamma fits the gamma–gamma model to the customers with a repeat
// purchase by maximum likelihood, from each one's X and Spend: it finds
// the p, q and γ that maximise Σ ln f(z̄ | x) ([GammaGamma.LogLikelihood])
// with the optimiser every fit shares (see [FitStats]), from p = 1, q = 2
// and γ the mean spend, or, for 100,000 customers or more, from the fit
// to a sample of 20,000 of them. The customers' spend enters only through ln z̄ summed by x, and
// ln(γ + x z̄) and its derivatives in γ, so a pass over a million
// customers is a logarithm and a division each. Customers without a
// repeat purchase are skipped, as are those whose repeat purchases were
// all of no value ([GammaGammaFit.ZeroSpend]). Published on CDNOW's 946
// repeat customers (Fader and Hardie 2013): p = 6.25, q = 3.74,
// γ = 15.44.
//
// It returns an error wrapping [clv.ErrMissing] if there are no
// customers, [clv.ErrNegative] or [clv.ErrOutOfRange] for a customer's x
// or spend as [GammaGamma.ExpectedSpend] does, and [clv.ErrNoFit] if no
// customer has a repeat purchase of positive spend, or if the likelihood
// has no maximum with every parameter from 10^−8 to 10^8, as when every
// customer spends the same.
func FitGammaGamma(customers []Customer) (GammaGammaFit, error) {
	const fn = "fit gamma-gamma"
	if len(customers) == 0 {
		return GammaGammaFit{}, fmt.Errorf("btyd: %s: customers: %w: no customers", fn, clv.ErrMissing)
	}
	d, err := newSpendData(fn, customers)
	if err != nil {
		return GammaGammaFit{}, err
	}
	fit := GammaGammaFit{ZeroSpend: d.zero, Correlation: d.correlation}
	if len(d.v) == 0 {
		return fit, fmt.Errorf("btyd: %s: %w: no customer has a repeat purchase of positive spend", fn, clv.ErrNoFit)
	}
	start := []float64{1, 2, d.meanSpend}
	warmed := false
	if part := sample(customers); part != nil {
		if s, err := newSpendData(fn, part); err == nil && len(s.v) > 0 {
			if warm, err := maximize(fn, s.likelihood, gammaGammaNames, start, int64(len(s.v)), false); err == nil {
				start, warmed = warm.theta, true
			}
		}
	}
	best, err := maximize(fn, d.likelihood, gammaGammaNames, start, int64(len(d.v)), warmed)
	if err != nil {
		return fit, err
	}
	th, se := best.theta, best.stdErr
	fit.Model = GammaGamma{P: th[0], Q: th[1], Gamma: th[2]}
	fit.StdErr = GammaGamma{P: se[0], Q: se[1], Gamma: se[2]}
	fit.Stats = best.stats
	return fit, nil
}

// spendData holds the repeat customers' spend grouped by x: group g has
// x = xs[g], count[g] customers, Σ ln z̄ of logs[g], and their x z̄ in
// v[lo[g]:lo[g+1]].
type spendData struct {
	xs, count, logs []float64
	lo              []int
	v               []float64
	zero            int64
	meanSpend       float64
	correlation     float64
}

// maxDenseX is the largest x grouped by a counting sort; beyond it the
// customers are sorted.
const maxDenseX = 1 << 20

func newSpendData(fn string, customers []Customer) (*spendData, error) {
	d := &spendData{}
	xs := make([]int32, 0, len(customers))
	zs := make([]float64, 0, len(customers))
	counts := make([]int, 64) // customers by x, while x is small enough
	var maxX int64
	var sumX, sumZ float64
	for i := range customers {
		c := &customers[i]
		z, ok := spendFloat(c.Spend)
		if !ok || c.X < 0 || c.X > maxCount {
			if err := checkSpend(fn, c.X, c.Spend); err != nil {
				return nil, naming(err, fn, "customer", int64(i+1))
			}
			z = toFloat(c.Spend)
		}
		switch {
		case c.X == 0:
			continue
		case z == 0:
			d.zero++
			continue
		}
		if c.X <= maxDenseX {
			for int(c.X) >= len(counts) {
				counts = append(counts, make([]int, len(counts))...)
			}
			counts[c.X]++
		}
		xs = append(xs, int32(c.X))
		zs = append(zs, z)
		maxX = max(maxX, c.X)
		sumX += float64(c.X)
		sumZ += z
	}
	n := len(xs)
	if n == 0 {
		return d, nil
	}
	// Each customer's place, grouped by x in ascending order.
	place := make([]int32, n)
	if maxX <= maxDenseX {
		at := 0
		for x, k := range counts {
			if k > 0 {
				d.xs = append(d.xs, float64(x))
				d.lo = append(d.lo, at)
				counts[x] = at
				at += k
			}
		}
		for i, x := range xs {
			place[i] = int32(counts[x])
			counts[x]++
		}
	} else {
		order := make([]int32, n)
		for i := range order {
			order[i] = int32(i)
		}
		slices.SortStableFunc(order, func(i, j int32) int { return cmp.Compare(xs[i], xs[j]) })
		for k, i := range order {
			place[i] = int32(k)
			if k == 0 || xs[i] != xs[order[k-1]] {
				d.xs = append(d.xs, float64(xs[i]))
				d.lo = append(d.lo, k)
			}
		}
	}
	d.lo = append(d.lo, n)
	groups := len(d.xs)
	d.count, d.logs = make([]float64, groups), make([]float64, groups)
	d.v = make([]float64, n)
	placed := make([]float64, n) // z in the order of v
	nf := float64(n)
	d.meanSpend = sumZ / nf
	mx := sumX / nf
	var cxz, cxx, czz float64 // centred sums, for the correlation
	for i, x := range xs {
		z, xf := zs[i], float64(x)
		d.v[place[i]] = xf * z
		placed[place[i]] = z
		cxz += (xf - mx) * (z - d.meanSpend)
		cxx += (xf - mx) * (xf - mx)
		czz += (z - d.meanSpend) * (z - d.meanSpend)
	}
	if cxx > 0 && czz > 0 {
		d.correlation = max(-1, min(1, cxz/math.Sqrt(cxx*czz)))
	}
	var logs [2][]float64
	split(n, func(part, lo, hi int) {
		sums := make([]float64, groups)
		for g := d.groupOf(lo); g < groups && d.lo[g] < hi; g++ {
			var l float64
			for _, z := range placed[max(lo, d.lo[g]):min(hi, d.lo[g+1])] {
				l += math.Log(z)
			}
			sums[g] = l
		}
		logs[part] = sums
	})
	for g := range groups {
		d.count[g] = float64(d.lo[g+1] - d.lo[g])
		d.logs[g] = logs[0][g]
		if logs[1] != nil {
			d.logs[g] += logs[1][g]
		}
	}
	return d, nil
}

// spendFloat returns d as a float64, and whether d is a valid spend: at
// least 0, with at most 15 significant digits and 22 places, when it
// converts exactly rounded without allocating. Any other d is for the
// full checks.
func spendFloat(d decimal.Decimal) (float64, bool) {
	exp := d.Exponent()
	if exp > 0 || exp < -22 || d.NumDigits() > 15 {
		return 0, false
	}
	u := d.CoefficientInt64()
	if u < 0 {
		return 0, false
	}
	return float64(u) / pow10[-exp], true
}

// spendSums are the per-group sums over customers that depend on γ:
// Σ ln(γ + x z̄), Σ 1/(γ + x z̄) and Σ 1/(γ + x z̄)².
type spendSums struct{ log, inv, inv2 []float64 }

// likelihood is the likelihood of FitGammaGamma in (p, q, γ).
func (d *spendData) likelihood(theta, grad, hess []float64) float64 {
	p, q, gamma := theta[0], theta[1], theta[2]
	groups := len(d.xs)
	var parts [2]spendSums
	for k := range parts {
		parts[k] = spendSums{make([]float64, groups), make([]float64, groups), make([]float64, groups)}
	}
	split(len(d.v), func(part, lo, hi int) {
		s := &parts[part]
		for g := d.groupOf(lo); g < groups && d.lo[g] < hi; g++ {
			var l, r, r2 float64
			for _, v := range d.v[max(lo, d.lo[g]):min(hi, d.lo[g+1])] {
				inv := 1 / (gamma + v)
				l += math.Log(gamma + v)
				r += inv
				r2 += inv * inv
			}
			s.log[g], s.inv[g], s.inv2[g] = l, r, r2
		}
	})
	lgq, _ := math.Lgamma(q)
	psiQ, triQ := mathext.Digamma(q), trigamma(q)
	logGamma := math.Log(gamma)
	var ll float64
	var g [3]float64
	var h [6]float64 // pp, pq, pγ, qq, qγ, γγ
	for k, x := range d.xs {
		w := d.count[k]
		L := parts[0].log[k] + parts[1].log[k]
		R := parts[0].inv[k] + parts[1].inv[k]
		R2 := parts[0].inv2[k] + parts[1].inv2[k]
		px := p * x
		lgpxq, _ := math.Lgamma(px + q)
		lgpx, _ := math.Lgamma(px)
		psiPXQ, psiPX := mathext.Digamma(px+q), mathext.Digamma(px)
		triPXQ, triPX := trigamma(px+q), trigamma(px)
		logX := math.Log(x)
		ll += w*(lgpxq-lgpx-lgq+q*logGamma+px*logX) + (px-1)*d.logs[k] - (px+q)*L
		g[0] += w*x*(psiPXQ-psiPX+logX) + x*d.logs[k] - x*L
		g[1] += w*(psiPXQ-psiQ+logGamma) - L
		g[2] += w*q/gamma - (px+q)*R
		h[0] += w * x * x * (triPXQ - triPX)
		h[1] += w * x * triPXQ
		h[2] -= x * R
		h[3] += w * (triPXQ - triQ)
		h[4] += w/gamma - R
		h[5] += -w*q/(gamma*gamma) + (px+q)*R2
	}
	copy(grad, g[:])
	if hess != nil {
		k := 0
		for i := range 3 {
			for j := i; j < 3; j++ {
				hess[i*3+j], hess[j*3+i] = h[k], h[k]
				k++
			}
		}
	}
	return ll
}

// groupOf returns the group that holds customer i of v.
func (d *spendData) groupOf(i int) int {
	lo, hi := 0, len(d.xs)-1
	for lo < hi {
		m := (lo + hi + 1) / 2
		if d.lo[m] <= i {
			lo = m
		} else {
			hi = m - 1
		}
	}
	return lo
}
