package btyd

// This file implements the machinery of the intervals: a fit's
// asymptotic normal on the logarithms of its parameters, from which
// parameter vectors are drawn with gonum's distmv; the small abstraction
// that turns a drawn vector into a model (a purchase model, a spend
// model), so that another family is a few lines; the table of each
// draw's expectations for each distinct (x, T); and the selection of
// order statistics.

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/clvkit/clv"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distmv"
)

// A fitted is a fit as the intervals see it: its parameters θ, in the
// order of the rows of cov, their covariance.
type fitted struct {
	what  string // the fit, in errors: "BG/NBD fit"
	names []string
	theta []float64
	cov   [][]float64
}

// logCovariance returns the covariance of ln θ by the delta method,
// Cov(ln θ) = D⁻¹ Cov(θ) D⁻¹ with D = diag θ, after checking that f has a
// finite, symmetric covariance of the right size over valid parameters.
func (f fitted) logCovariance(fn string) (*mat.SymDense, error) {
	n := len(f.names)
	if err := checkParameters(fn+": "+f.what, f.names, f.theta...); err != nil {
		return nil, err
	}
	if len(f.cov) == 0 {
		return nil, fmt.Errorf("btyd: %s: %s: covariance: %w: the fit has none", fn, f.what, clv.ErrMissing)
	}
	if len(f.cov) != n {
		return nil, fmt.Errorf("btyd: %s: %s: covariance: %w: %d rows for %d parameters", fn, f.what, clv.ErrInconsistent, len(f.cov), n)
	}
	s := mat.NewSymDense(n, nil)
	for i, row := range f.cov {
		if len(row) != n {
			return nil, fmt.Errorf("btyd: %s: %s: covariance row %d: %w: %d columns for %d parameters", fn, f.what, i+1, clv.ErrInconsistent, len(row), n)
		}
		for j, c := range row {
			if math.IsNaN(c) || math.IsInf(c, 0) {
				return nil, fmt.Errorf("btyd: %s: %s: covariance[%d][%d] = %v: %w", fn, f.what, i+1, j+1, c, clv.ErrOutOfRange)
			}
			if c != f.cov[j][i] {
				return nil, fmt.Errorf("btyd: %s: %s: covariance: %w: not symmetric", fn, f.what, clv.ErrInconsistent)
			}
			v := c / (f.theta[i] * f.theta[j])
			if math.IsInf(v, 0) {
				return nil, fmt.Errorf("btyd: %s: %s: covariance[%d][%d] = %v: %w: too large for its parameters", fn, f.what, i+1, j+1, c, clv.ErrOutOfRange)
			}
			s.SetSym(i, j, v)
		}
	}
	var chol mat.Cholesky
	if !chol.Factorize(s) {
		return nil, fmt.Errorf("btyd: %s: %s: covariance: %w: not positive definite", fn, f.what, clv.ErrNoFit)
	}
	return s, nil
}

// draw returns n parameter vectors θ = exp(u), u drawn from the normal
// with mean ln θ̂ and covariance Cov(ln θ), from src, by gonum's distmv.
func (f fitted) draw(fn string, n int, src rand.Source) ([][]float64, error) {
	cov, err := f.logCovariance(fn)
	if err != nil {
		return nil, err
	}
	mu := make([]float64, len(f.theta))
	for i, v := range f.theta {
		mu[i] = math.Log(v)
	}
	normal, ok := distmv.NewNormal(mu, cov, src)
	if !ok {
		return nil, fmt.Errorf("btyd: %s: %s: covariance: %w: not positive definite", fn, f.what, clv.ErrNoFit)
	}
	out := make([][]float64, n)
	for k := range out {
		u := normal.Rand(nil)
		for i := range u {
			u[i] = math.Exp(u[i])
		}
		if err := checkParameters(fmt.Sprintf("%s: %s: draw %d", fn, f.what, k+1), f.names, u...); err != nil {
			return nil, fmt.Errorf("%w: the fit is too uncertain to draw from", err)
		}
		out[k] = u
	}
	return out, nil
}

// A purchaseFamily turns a fit's parameter vector into a model of its
// kind.
type purchaseFamily struct {
	fit   fitted
	model func(theta []float64) PurchaseModel
}

// familyOf returns the family of a purchase fit.
func familyOf(f PurchaseFit) purchaseFamily {
	m, stats := f.purchaseFit()
	return purchaseFamily{
		fit:   fitted{what: m.name() + " fit", names: m.parameterNames(), theta: m.parameters(), cov: stats.Covariance},
		model: m.withParameters,
	}
}

// gammaGammaFitted is a gamma–gamma fit as the intervals see it.
func gammaGammaFitted(f GammaGammaFit) fitted {
	m := f.Model
	return fitted{what: "gamma-gamma fit", names: gammaGammaNames, theta: []float64{m.P, m.Q, m.Gamma}, cov: f.Stats.Covariance}
}

// spendOf returns a drawn gamma–gamma model's expected spend for (x, z̄),
// p(γ + x z̄)/(px + q − 1), or +Inf where it is infinite (px + q ≤ 1).
func spendOf(th []float64, x, z float64) float64 {
	den := th[0]*x + th[1] - 1
	if !(den > 0) {
		return math.Inf(1)
	}
	return th[0] * (th[2] + x*z) / den
}

// distinctKeys returns the distinct keys of n customers, key(i) being
// customer i's, in the order of the first customer of each, and the index
// of each customer's key among them; ok is false if there are more than
// limit.
func distinctKeys[K comparable](n int, key func(i int) K, limit int) (keys []K, of []int32, ok bool) {
	index := make(map[K]int32)
	of = make([]int32, n)
	for i := range n {
		k := key(i)
		p, seen := index[k]
		if !seen {
			if len(keys) == limit {
				return nil, nil, false
			}
			p = int32(len(keys))
			index[k] = p
			keys = append(keys, k)
		}
		of[i] = p
	}
	return keys, of, true
}

// quantileIndex returns the index in n sorted values of the quantile p
// that gonum's stat.Quantile returns with stat.Empirical: the first i at
// which (i + 1) reaches p·n.
func quantileIndex(p float64, n int) int {
	index := make([]float64, n)
	for i := range index {
		index[i] = float64(i)
	}
	return int(stat.Quantile(p, stat.Empirical, index, nil))
}

// maxTail is the most order statistics from either end that tails
// keeps.
const maxTail = 16

// tails returns the k-th smallest and the m-th largest of x, for k and m
// from 1 to maxTail, by keeping the k smallest and the m largest seen so
// far in order: past the first few values, one comparison at each end
// settles most of them. For a customer's draws at 90 %, k and m are 5 or
// 6 of 100, and it takes a fraction of selectOrder's time; it leaves x
// as it was.
func tails(x []float64, k, m int) (kthSmallest, mthLargest float64) {
	var lo, hi [maxTail]float64 // ascending, and descending
	nl, nh := 0, 0
	// The first values fill both ends.
	i := 0
	for ; i < len(x) && (nl < k || nh < m); i++ {
		v := x[i]
		if nl < k {
			nl = insertAscending(lo[:nl+1], nl, v)
		} else if v < lo[k-1] {
			insertAscending(lo[:k], k-1, v)
		}
		if nh < m {
			nh = insertDescending(hi[:nh+1], nh, v)
		} else if v > hi[m-1] {
			insertDescending(hi[:m], m-1, v)
		}
	}
	// Then each end's bound stays in a register: most values pass both
	// by two comparisons.
	loBound, hiBound := lo[max(k, 1)-1], hi[max(m, 1)-1]
	for _, v := range x[i:] {
		if v < loBound {
			insertAscending(lo[:k], k-1, v)
			loBound = lo[k-1]
		}
		if v > hiBound {
			insertDescending(hi[:m], m-1, v)
			hiBound = hi[m-1]
		}
	}
	return lo[k-1], hi[m-1]
}

// insertAscending puts v into a, sorted ascending, at its place at or
// below index i, moving the values above it up one and dropping a[i]; it
// returns len(a).
func insertAscending(a []float64, i int, v float64) int {
	for i > 0 && a[i-1] > v {
		a[i] = a[i-1]
		i--
	}
	a[i] = v
	return len(a)
}

// insertDescending is insertAscending for a sorted descending.
func insertDescending(a []float64, i int, v float64) int {
	for i > 0 && a[i-1] < v {
		a[i] = a[i-1]
		i--
	}
	a[i] = v
	return len(a)
}

// selectOrder returns the k-th smallest of x (from 0), reordering x:
// Hoare's selection with the median of three as pivot. It is the value
// at k of x sorted, without sorting: for a customer's 200 draws, a
// fifth of the time.
func selectOrder(x []float64, k int) float64 {
	lo, hi := 0, len(x)-1
	for lo < hi {
		mid := lo + (hi-lo)/2
		if x[mid] < x[lo] {
			x[mid], x[lo] = x[lo], x[mid]
		}
		if x[hi] < x[lo] {
			x[hi], x[lo] = x[lo], x[hi]
		}
		if x[hi] < x[mid] {
			x[hi], x[mid] = x[mid], x[hi]
		}
		pivot := x[mid]
		i, j := lo, hi
		for i <= j {
			for x[i] < pivot {
				i++
			}
			for x[j] > pivot {
				j--
			}
			if i <= j {
				x[i], x[j] = x[j], x[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return x[k]
		}
	}
	return x[k]
}

// maxAliveTable bounds each table of aliveTable: draws times the base's
// distinct x, and times its distinct t_x and T.
const maxAliveTable = 1 << 22

// An aliveRow sets dst[j] to the P(alive) of customer i under draw j, for
// every draw j, and returns the first draw whose P(alive) cannot be
// computed, or −1: one call a customer, whose keys into the tables are
// read once for all the draws.
type aliveRow func(i int, dst []float64) int

// ownAlive returns the aliveRow of the customers of b by each drawn
// model's own aliveProbability: customer i's draw j is models[g·n + j],
// with g = groupOf(i), their group of covariates, or 0 if groupOf is nil.
func ownAlive(models []PurchaseModel, n int, b Base, groupOf func(i int) int) aliveRow {
	return func(i int, dst []float64) int {
		cu, at := &b.Customers[i], 0
		if groupOf != nil {
			at = groupOf(i) * n
		}
		for j, m := range models[at : at+n] {
			var ok bool
			if dst[j], ok = m.aliveProbability(float64(cu.X), cu.Tx, cu.T); !ok {
				return j
			}
		}
		return -1
	}
}

// aliveTable returns the aliveRow of the customers of b for
// draws of the BG/NBD or the MBG/NBD, whose log odds are
//
//	D = ln(a / (b' + x − 1)) + (r + x) (ln(α + T) − ln(α + t_x))
//
// with b' = b for the BG/NBD and b + 1 for the MBG/NBD (see
// MBGNBD.logOdds), from tables of each draw's ln(a / (b' + x − 1)) for each
// distinct x of the base and ln(α + t) for each distinct t among its t_x
// and T: one exponential a customer and draw, where the models' own
// aliveProbability takes two logarithms besides. The difference of
// logarithms loses a few units of 10^−16 of ln(α + T) to cancellation
// where t_x is near T, far below the draws' own spread. It reports false
// for other models, or for a base whose tables would pass maxAliveTable.
// Draws of the Pareto/NBD go to pnbdAliveTable.
func aliveTable(models []PurchaseModel, b Base) (aliveRow, bool) {
	n := len(models)
	if _, ok := models[0].(ParetoNBD); ok {
		return pnbdAliveTable(models, b)
	}
	type params struct{ r, alpha, a, b float64 }
	ps := make([]params, n)
	oneAtZero := false // the BG/NBD's P(alive) is 1 without a repeat purchase
	for j, m := range models {
		switch m := m.(type) {
		case BGNBD:
			ps[j], oneAtZero = params{m.R, m.Alpha, m.A, m.B}, true
		case MBGNBD:
			ps[j] = params{m.R, m.Alpha, m.A, m.B + 1}
		default:
			return nil, false
		}
	}
	xs, xOf, ok := distinctKeys(len(b.Customers), func(i int) int64 { return b.Customers[i].X }, maxAliveTable/n)
	if !ok {
		return nil, false
	}
	times := make(map[float64]int32)
	txOf, tOf := make([]int32, len(b.Customers)), make([]int32, len(b.Customers))
	var ts []float64
	index := func(t float64) (int32, bool) {
		k, seen := times[t]
		if !seen {
			if len(ts) == maxAliveTable/n {
				return 0, false
			}
			k = int32(len(ts))
			times[t] = k
			ts = append(ts, t)
		}
		return k, true
	}
	for i := range b.Customers {
		c := &b.Customers[i]
		var ok1, ok2 bool
		txOf[i], ok1 = index(c.Tx)
		tOf[i], ok2 = index(c.T)
		if !ok1 || !ok2 {
			return nil, false
		}
	}
	// Each table holds a key's draws side by side, as a customer reads
	// them.
	odds := make([]float64, len(xs)*n)
	for k, x := range xs {
		for j, p := range ps {
			odds[k*n+j] = math.Log(p.a / (p.b + float64(x) - 1))
		}
	}
	logs := make([]float64, len(ts)*n)
	for k, t := range ts {
		for j, p := range ps {
			logs[k*n+j] = math.Log(p.alpha + t)
		}
	}
	return func(i int, dst []float64) int {
		x := b.Customers[i].X
		if x == 0 && oneAtZero {
			for j := range dst {
				dst[j] = 1
			}
			return -1
		}
		xf := float64(x)
		odds, logT, logTx := odds[int(xOf[i])*n:][:n], logs[int(tOf[i])*n:][:n], logs[int(txOf[i])*n:][:n]
		for j, p := range ps {
			dst[j] = logistic(-(odds[j] + (p.r+xf)*(logT[j]-logTx[j])))
		}
		return -1
	}, true
}

// pnbdAliveTable returns a P(alive) of customer i of b under draw j for
// draws of the Pareto/NBD, FHL's equation 18 as ParetoNBD.ProbAlive
// takes it,
//
//	1/P(alive) − 1 = s (I(t_x) − I(T)) (α + T)^(r+x) (β + T)^s = e^(u + ln I(t_x)) (1 − e^(ln I(T) − ln I(t_x)))
//
// with u = ln s + (r + x) ln(α + T) + s ln(β + T), from a table of each
// draw's ln I(t) for each distinct (x, t) of the base, t among its t_x
// and T, and of ln(α + T) and ln(β + T) for each distinct T: ln I is the
// Gaussian hypergeometric series that costs most of a P(alive), and a
// year and a half of daily purchases by a million customers has some
// 43,000 distinct (x, t) where its (x, t_x, T) are nearly all distinct.
// What is left is an exponential and an expm1 a customer and draw, where
// ParetoNBD.probAlive takes two series and five logarithms. The two ways
// round differently, by a few units of 10^−16 times the log odds, far
// below the draws' own spread. The series' table holds up to
// maxIntervalTable entries, 128 MB, as the expectations' does, the
// others maxAliveTable. It reports false if the models are not all
// Pareto/NBD or a table would pass its bound; the function it returns
// reports false for a draw whose series does not converge, as probAlive
// does.
func pnbdAliveTable(models []PurchaseModel, b Base) (aliveRow, bool) {
	n, nc := len(models), len(b.Customers)
	ms := make([]ParetoNBD, n)
	for j, m := range models {
		pm, ok := m.(ParetoNBD)
		if !ok {
			return nil, false
		}
		ms[j] = pm
	}
	type xt struct {
		x int64
		t float64
	}
	// Customer i's (x, t_x) is key of[i], and their (x, T) key of[nc + i].
	keys, of, ok := distinctKeys(2*nc, func(k int) xt {
		if c := &b.Customers[k%nc]; k < nc {
			return xt{c.X, c.Tx}
		} else {
			return xt{c.X, c.T}
		}
	}, maxIntervalTable/n)
	if !ok {
		return nil, false
	}
	ts, tOf, ok := distinctKeys(nc, func(i int) float64 { return b.Customers[i].T }, maxAliveTable/n)
	if !ok {
		return nil, false
	}
	// Each key's draws side by side, as a customer reads them; a series
	// that does not converge leaves NaN.
	logI := make([]float64, len(keys)*n)
	split(len(logI), func(_, lo, hi int) {
		for k := lo; k < hi; k++ {
			key, m := keys[k/n], ms[k%n]
			logI[k] = math.NaN()
			if v, ok := pnbdLogTail(m.R, m.Alpha, m.S, m.Beta, float64(key.x), key.t, false); ok {
				logI[k] = v.v
			}
		}
	})
	logA, logB := make([]float64, len(ts)*n), make([]float64, len(ts)*n)
	for k, t := range ts {
		for j, m := range ms {
			logA[k*n+j], logB[k*n+j] = math.Log(m.Alpha+t), math.Log(m.Beta+t)
		}
	}
	logS := make([]float64, n)
	for j, m := range ms {
		logS[j] = math.Log(m.S)
	}
	return func(i int, dst []float64) int {
		xf := float64(b.Customers[i].X)
		high, low := logI[int(of[i])*n:][:n], logI[int(of[nc+i])*n:][:n]
		logA, logB := logA[int(tOf[i])*n:][:n], logB[int(tOf[i])*n:][:n]
		for j := range dst {
			h, l := high[j], low[j]
			switch {
			case math.IsNaN(h) || math.IsNaN(l):
				return j
			case l >= h: // t_x = T: I(t_x) − I(T) = 0
				dst[j] = 1
				continue
			}
			m := &ms[j]
			d := logS[j] + (m.R+xf)*logA[j] + m.S*logB[j] + h
			if d < 700 {
				dst[j] = 1 / (1 + math.Exp(d)*-math.Expm1(l-h))
			} else { // where e^d overflows, in logarithms
				dst[j] = logistic(-d - log1mexp(l-h))
			}
		}
		return -1
	}, true
}
