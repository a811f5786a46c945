package btyd

import (
	"fmt"
	"maps"
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

// gammaGammaStarts are the starts of the gamma–gamma fit, each with a
// population mean spend pγ/(q − 1) of mean, the customers' mean spend:
// amounts within a customer of three spreads (p), and customers' means
// of three spreads (q).
func gammaGammaStarts(mean float64) [][]float64 {
	return [][]float64{{1, 2, mean}, {4, 3, mean / 2}, {0.5, 10, 18 * mean}, {20, 1.5, mean / 40}}
}

// FitGammaGamma fits the gamma–gamma model to the customers with a repeat
// purchase by maximum likelihood, from each one's X and Spend: it finds
// the p, q and γ that maximise Σ ln f(z̄ | x) ([GammaGamma.LogLikelihood])
// with the search every fit shares (see [FitStats]), from four starts,
// (p, q) = (1, 2), (4, 3), (0.5, 10) and (20, 1.5), each with γ such that
// the population's mean spend pγ/(q − 1) is the customers' mean spend,
// on samples of 5,000 and 20,000 customers first where they are many.
// The customers' spend enters only through
// Σ ln z̄, Σ x ln z̄ and sums of ln(γ + x z̄) and its derivatives in γ,
// which a pass over the customers expands in powers of γ − c about a
// centre c (the samples' γ): every evaluation near c is then exact to the
// last bit without another pass, and one farther away recentres. Customers without a
// repeat purchase are skipped, as are those whose repeat purchases were
// all of no value ([GammaGammaFit.ZeroSpend]). Published on CDNOW's 946
// repeat customers (Fader and Hardie 2013): p = 6.25, q = 3.74,
// γ = 15.44.
//
// # Boundaries
//
// The likelihood may rise towards a limit of the model instead of an
// interior maximum; the fit then returns a [BoundaryError] naming it:
//
//   - p, q → ∞: every customer spends the same amount at every purchase;
//   - q, γ → ∞ at a fixed γ/q: every customer has the same mean spend,
//     and their averages differ only by chance;
//   - p, γ → ∞: each customer spends the same amount at every purchase,
//     and customers differ.
//
// It returns an error wrapping [clv.ErrMissing] if there are no
// customers, [clv.ErrNegative] or [clv.ErrOutOfRange] for a customer's x
// or spend as [GammaGamma.ExpectedSpend] does, and [clv.ErrNoFit] if no
// customer has a repeat purchase of positive spend, if the likelihood is
// highest at a boundary (a [BoundaryError]), as when every customer
// spends the same, or if no climb ends at a maximum.
func FitGammaGamma(customers []Customer) (GammaGammaFit, error) {
	const fn = "fit gamma-gamma"
	if len(customers) == 0 {
		return GammaGammaFit{}, fmt.Errorf("btyd: %s: customers: %w: no customers", fn, clv.ErrMissing)
	}
	// The climbs start on samples, if the customers are many, and all of
	// them are then expanded about the γ of the samples' maximum, from
	// where one climb finishes: the full fit's moments are centred there.
	var mean float64
	levels := samples(customers, func(cs []Customer) (level, bool) {
		s, err := newSpendData(fn, cs)
		if err != nil || s.n == 0 {
			return level{}, false
		}
		mean = s.meanSpend
		return level{s.likelihood, int64(s.n)}, true
	})
	starts, centre := [][]float64(nil), 0.0
	if len(levels) > 0 {
		s := search{fn: fn, names: gammaGammaNames, levels: levels, limits: gammaGammaLimits, starts: gammaGammaStarts(mean)}
		if m, err := s.run(); err == nil {
			starts, centre = [][]float64{m.theta}, m.theta[2]
		}
	}
	d, err := newSpendDataAt(fn, customers, centre)
	if err != nil {
		return GammaGammaFit{}, err
	}
	fit := GammaGammaFit{ZeroSpend: d.zero, Correlation: d.correlation}
	if d.n == 0 {
		return fit, fmt.Errorf("btyd: %s: %w: no customer has a repeat purchase of positive spend", fn, clv.ErrNoFit)
	}
	if starts == nil {
		starts = gammaGammaStarts(d.meanSpend)
	}
	s := search{fn: fn, names: gammaGammaNames, levels: []level{{d.likelihood, int64(d.n)}},
		starts: starts, limits: gammaGammaLimits}
	best, err := s.run()
	if err != nil {
		return fit, err
	}
	th, se := best.theta, best.stdErr
	fit.Model = GammaGamma{P: th[0], Q: th[1], Gamma: th[2]}
	fit.StdErr = GammaGamma{P: se[0], Q: se[1], Gamma: se[2]}
	fit.Stats = best.stats
	return fit, nil
}

// spendData holds what the likelihood of FitGammaGamma needs of the
// repeat customers with positive spend. Their x enters the terms in Γ,
// ψ and ψ′ only through how many customers have each x, counted in
// count for each distinct x of xs, ascending; their ln z̄ only through
// Σ ln z̄ and Σ x ln z̄; and γ only through
//
//	Σ w ln(γ + x z̄),  Σ w/(γ + x z̄),  Σ w/(γ + x z̄)²,  w = 1 and x,
//
// which moments give for every γ near a centre (see spendMoments). The
// customers themselves, (x, z̄), are kept in parts[k] for part k of
// split(customers), to recentre the moments.
type spendData struct {
	xs, count   []float64
	logZ, xLogZ float64
	parts       [2][]spendPoint
	customers   int // the length of the customers read, for split
	n           int // the customers kept
	zero        int64
	meanSpend   float64
	correlation float64
	mom         spendMoments
	recentred   int // how many times the moments were recomputed
}

// A spendPoint is one repeat customer's x and mean spend z̄.
type spendPoint struct{ x, z float64 }

// maxDenseX is the largest x counted in an array; beyond it, in a map.
const maxDenseX = 1 << 20

// A spendPart is what one goroutine reads of a part of the customers.
type spendPart struct {
	points      []spendPoint
	counts      []int64         // customers by x, for x < len(counts)
	wide        map[int64]int64 // customers by x, for x ≥ maxDenseX
	logZ, xLogZ float64
	sumX, sumZ  float64
	zero        int64
	mom         spendMoments
	err         error
}

// newSpendData reads the customers' spend for the likelihood.
func newSpendData(fn string, customers []Customer) (*spendData, error) {
	return newSpendDataAt(fn, customers, 0)
}

// newSpendDataAt reads the customers' spend and, if centre is positive,
// computes the moments at centre in the same pass, on two goroutines for
// many customers.
func newSpendDataAt(fn string, customers []Customer, centre float64) (*spendData, error) {
	var parts [2]spendPart
	split(len(customers), func(part, lo, hi int) {
		parts[part] = readSpend(fn, customers, lo, hi, centre)
	})
	d := &spendData{customers: len(customers)}
	var sumX, sumZ float64
	counts := map[int64]int64{}
	var dense []int64
	for k := range parts {
		p := &parts[k]
		if p.err != nil {
			return nil, p.err
		}
		d.parts[k] = p.points
		d.n += len(p.points)
		d.zero += p.zero
		d.logZ += p.logZ
		d.xLogZ += p.xLogZ
		sumX += p.sumX
		sumZ += p.sumZ
		if len(p.counts) > len(dense) {
			dense = append(dense, make([]int64, len(p.counts)-len(dense))...)
		}
		for x, c := range p.counts {
			dense[x] += c
		}
		for x, c := range p.wide {
			counts[x] += c
		}
	}
	if d.n == 0 {
		return d, nil
	}
	for x, c := range dense {
		if c > 0 {
			d.xs = append(d.xs, float64(x))
			d.count = append(d.count, float64(c))
		}
	}
	wide := slices.Sorted(maps.Keys(counts))
	for _, x := range wide {
		d.xs = append(d.xs, float64(x))
		d.count = append(d.count, float64(counts[x]))
	}
	if centre > 0 {
		d.mom = parts[0].mom
		d.mom.add(&parts[1].mom)
	}
	nf := float64(d.n)
	d.meanSpend = sumZ / nf
	mx := sumX / nf
	var cxz, cxx, czz float64 // centred sums, for the correlation
	for _, points := range d.parts {
		for _, pt := range points {
			dx, dz := pt.x-mx, pt.z-d.meanSpend
			cxz += dx * dz
			cxx += dx * dx
			czz += dz * dz
		}
	}
	if cxx > 0 && czz > 0 {
		d.correlation = max(-1, min(1, cxz/math.Sqrt(cxx*czz)))
	}
	return d, nil
}

// readSpend reads customers lo to hi−1 and, if centre is positive,
// their moments at centre, a block at a time while the block is in
// cache; sums run by blocks, as in spendMoments.accumulate.
func readSpend(fn string, customers []Customer, lo, hi int, centre float64) spendPart {
	p := spendPart{points: make([]spendPoint, 0, hi-lo), counts: make([]int64, 64)}
	if centre > 0 {
		p.mom.reset(centre)
	}
	from := 0
	var logZ, xLogZ, sumX, sumZ float64 // of the block
	var zs logProducts                  // of z̄, by x
	zs.reset()
	flush := func() {
		l, xl := zs.logs()
		logZ += l
		xLogZ += xl
		zs.reset()
		p.logZ += logZ
		p.xLogZ += xLogZ
		p.sumX += sumX
		p.sumZ += sumZ
		logZ, xLogZ, sumX, sumZ = 0, 0, 0, 0
		if centre > 0 {
			p.mom.accumulate(p.points[from:])
		}
		from = len(p.points)
	}
	for i := lo; i < hi; i++ {
		c := &customers[i]
		z, ok := spendFloat(c.Spend)
		if !ok || c.X < 0 || c.X > maxCount {
			if err := checkSpend(fn, c.X, c.Spend); err != nil {
				p.err = naming(err, fn, "customer", int64(i+1))
				return p
			}
			z = toFloat(c.Spend)
		}
		switch {
		case c.X == 0:
			continue
		case z == 0:
			p.zero++
			continue
		}
		if c.X < maxDenseX {
			for int(c.X) >= len(p.counts) {
				p.counts = append(p.counts, make([]int64, len(p.counts))...)
			}
			p.counts[c.X]++
		} else {
			if p.wide == nil {
				p.wide = map[int64]int64{}
			}
			p.wide[c.X]++
		}
		x := float64(c.X)
		if c.X < logBuckets {
			zs.mul(int(c.X), z)
		} else {
			l := math.Log(z)
			logZ += l
			xLogZ += x * l
		}
		sumX += x
		sumZ += z
		p.points = append(p.points, spendPoint{x, z})
		if len(p.points)-from == spendBlock {
			flush()
		}
	}
	flush()
	return p
}

// recentre computes the moments afresh at centre.
func (d *spendData) recentre(centre float64) {
	d.recentred++
	var parts [2]spendMoments
	split(d.customers, func(part, _, _ int) {
		parts[part].reset(centre)
		parts[part].accumulate(d.parts[part])
	})
	d.mom = parts[0]
	d.mom.add(&parts[1])
}

// spendOrder is the number of moments kept: enough for the step from a
// sample's γ to the full data's, a few per cent, to be exact to rounding.
const spendOrder = 16

// spendMoments are the moments of the customers' u = 1/(c + x z̄) at a
// centre c, with weights w = 1 and x:
//
//	l[w] = Σ w ln(c + x z̄),  m[w][k−1] = M_k = Σ w u^k,  k = 1 … spendOrder
//
// From them, with δ = γ − c and ρ = |δ| max u < 1, the expansions of
// ln(1 + δu) and of its derivatives give the sums at γ:
//
//	Σ w ln(γ + x z̄)   = l + Σ_{k≥1} (−1)^(k+1) δ^k M_k / k
//	Σ w /(γ + x z̄)    = Σ_{k≥0} (−δ)^k M_{k+1}
//	Σ w /(γ + x z̄)²   = Σ_{k≥0} (k + 1)(−δ)^k M_{k+2}
//
// cut off where the moments end. Since each customer's u^j ≤ ρ^(j−K)
// u^K / |δ|^(j−K) for j > K, the terms left out are bounded by the last
// moment M_K; at sums evaluates them only where those bounds are below
// 2^−55 of each sum, and a pass over the customers recomputes the moments
// elsewhere.
type spendMoments struct {
	centre, umax float64
	weight       [2]float64 // Σ w
	l            [2]float64
	m            [2][spendOrder]float64
}

func (s *spendMoments) reset(centre float64) { *s = spendMoments{centre: centre} }

// accumulate adds points to the moments, summed a block at a time and
// the blocks' sums added, which keeps a sum over a million customers
// accurate to a few units of its last place.
func (s *spendMoments) accumulate(points []spendPoint) {
	for len(points) > 0 {
		n := min(len(points), spendBlock)
		var b spendMoments
		b.centre = s.centre
		b.block(points[:n])
		s.add(&b)
		points = points[n:]
	}
}

// spendBlock is the number of customers summed before their sums are
// added to the totals.
const spendBlock = 1024

// block sets the moments of points at s's centre.
func (s *spendMoments) block(points []spendPoint) {
	c := s.centre
	var l0, l1, w1, umax float64
	var vs logProducts // of c + x z̄, by x
	vs.reset()
	m0, m1 := &s.m[0], &s.m[1]
	for _, pt := range points {
		v := c + pt.x*pt.z
		u := 1 / v
		if pt.x < logBuckets {
			vs.mul(int(pt.x), v)
		} else {
			l := math.Log(v)
			l0 += l
			l1 += pt.x * l
		}
		w1 += pt.x
		umax = max(umax, u)
		uk := u
		for k := range spendOrder {
			m0[k] += uk
			m1[k] += pt.x * uk
			uk *= u
		}
	}
	l, xl := vs.logs()
	s.l[0], s.l[1], s.weight[1], s.umax = l0+l, l1+xl, w1, umax
	s.weight[0] = float64(len(points))
}

// add adds the moments t, at the same centre, to s.
func (s *spendMoments) add(t *spendMoments) {
	s.umax = max(s.umax, t.umax)
	for w := range 2 {
		s.weight[w] += t.weight[w]
		s.l[w] += t.l[w]
		for k := range spendOrder {
			s.m[w][k] += t.m[w][k]
		}
	}
}

// spendSums are the sums over customers that depend on γ, each with the
// weights 1 and x: Σ w ln(γ + x z̄), Σ w/(γ + x z̄) and Σ w/(γ + x z̄)².
type spendSums struct{ log, inv, inv2 [2]float64 }

// at returns the sums at γ, and whether they are exact there.
func (s *spendMoments) at(gamma float64) (spendSums, bool) {
	var out spendSums
	if !(s.centre > 0) {
		return out, false
	}
	const eps = 0x1p-55
	const K = spendOrder
	delta := gamma - s.centre
	rho := math.Abs(delta) * s.umax
	if !(rho < 0.5) {
		return out, false
	}
	for w := range 2 {
		m := &s.m[w]
		mK := m[K-1]
		// |δ|^(K−1) M_K, and the bounds on the terms left out.
		t := math.Pow(math.Abs(delta), K-1) * mK
		tailLog := t * math.Abs(delta) * rho / ((K + 1) * (1 - rho))
		tailInv := t * math.Abs(delta) * s.umax / (1 - rho)
		tailInv2 := t * s.umax * (K/(1-rho) + rho/((1-rho)*(1-rho)))
		// Horner's rule from the last term.
		var lg, inv, inv2 float64
		for k := K; k >= 1; k-- {
			lg = lg*(-delta) + m[k-1]/float64(k)
		}
		lg = s.l[w] + delta*lg
		for k := K - 1; k >= 0; k-- {
			inv = inv*(-delta) + m[k]
		}
		for k := K - 2; k >= 0; k-- {
			inv2 = inv2*(-delta) + float64(k+1)*m[k+1]
		}
		if tailLog > eps*s.weight[w] || tailInv > eps*inv || tailInv2 > eps*inv2 {
			return out, false
		}
		out.log[w], out.inv[w], out.inv2[w] = lg, inv, inv2
	}
	return out, true
}

// likelihood is the likelihood of FitGammaGamma in (p, q, γ).
func (d *spendData) likelihood(theta, grad, hess []float64) float64 {
	p, q, gamma := theta[0], theta[1], theta[2]
	s, ok := d.mom.at(gamma)
	if !ok {
		d.recentre(gamma)
		s, _ = d.mom.at(gamma)
	}
	lgq, _ := math.Lgamma(q)
	psiQ, triQ := mathext.Digamma(q), trigamma(q)
	logGamma := math.Log(gamma)
	// The customers' terms: Σ (px − 1) ln z̄ − (px + q) ln(γ + x z̄).
	ll := p*d.xLogZ - d.logZ - p*s.log[1] - q*s.log[0]
	g := [3]float64{d.xLogZ - s.log[1], -s.log[0], -(p*s.inv[1] + q*s.inv[0])}
	var h [6]float64 // pp, pq, pγ, qq, qγ, γγ
	h[2] = -s.inv[1]
	h[4] = -s.inv[0]
	h[5] = p*s.inv2[1] + q*s.inv2[0]
	// The terms in x alone, once for each distinct x.
	for k, x := range d.xs {
		w := d.count[k]
		px := p * x
		lgpxq, _ := math.Lgamma(px + q)
		lgpx, _ := math.Lgamma(px)
		psiPXQ, psiPX := mathext.Digamma(px+q), mathext.Digamma(px)
		triPXQ, triPX := trigamma(px+q), trigamma(px)
		logX := math.Log(x)
		ll += w * (lgpxq - lgpx - lgq + q*logGamma + px*logX)
		g[0] += w * x * (psiPXQ - psiPX + logX)
		g[1] += w * (psiPXQ - psiQ + logGamma)
		g[2] += w * q / gamma
		h[0] += w * x * x * (triPXQ - triPX)
		h[1] += w * x * triPXQ
		h[3] += w * (triPXQ - triQ)
		h[4] += w / gamma
		h[5] -= w * q / (gamma * gamma)
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
