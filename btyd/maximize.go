package btyd

// This file implements the local climb every model's fit shares, from
// one start: Newton's method from gonum's optimize package on the
// logarithms of the parameters, which keeps them positive, with the
// model's analytic gradient and Hessian; plain Newton steps to finish,
// where gonum's line searches would wander among rounding errors; the
// stop where a parameter runs off towards a boundary; the covariance from
// the observed information, by gonum's mat; the samples a large fit
// climbs on first; and the split of a pass over the data between two
// goroutines. global.go chooses among the climbs.
//
// gonum asks for the function, the gradient and the Hessian in separate
// calls, often at one point; a model computes all three in one pass over
// its data, so the last pass is remembered and reused.

import (
	"cmp"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/clvkit/clv"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
)

// A likelihood returns a model's log-likelihood at the natural parameters
// theta, adds its gradient to grad, and, if hess is not nil, adds its
// Hessian to hess, n×n in row-major order. A result that is not finite
// means the parameters are outside the model. A likelihood with a wall
// (see maximize) returns its value alone when grad is nil.
type likelihood func(theta, grad, hess []float64) float64

// A maximum is the outcome of maximize.
type maximum struct {
	theta, stdErr []float64
	stats         FitStats
}

const (
	// minParameter and maxParameter bound every parameter a fit reports:
	// beyond them the likelihood is still rising towards a boundary of
	// the model, so it has no interior maximum.
	minParameter = 1e-8
	maxParameter = 1e8
	// fitIterations bounds the optimiser's major iterations.
	fitIterations = 100
	// gradientTolerance is where the optimiser stops: the largest
	// derivative of the log-likelihood per customer in the logarithm of a
	// parameter.
	gradientTolerance = 1e-9
	// decrementTolerance is where the fit stops: when a Newton step could
	// raise the log-likelihood per customer by no more than this share of
	// it, below the rounding of a sum over a million customers.
	decrementTolerance = 1e-15
	// decrementHandover is where gonum's optimiser hands over to plain
	// Newton steps, at most polishSteps of them.
	decrementHandover = 1e-10
	polishSteps       = 8
	// fitEvaluations bounds the passes over the data of one climb: a
	// climb to a maximum takes 5 to 30, and one that takes more is
	// crawling along a ridge or towards a limit, where another start
	// does better or the search reports the limit. A likelihood costly to
	// evaluate where climbs crawl (Pareto/NBD's) takes fewer.
	fitEvaluations = 300
	// acceptedGradient is the largest such derivative of a fit reported:
	// looser than gradientTolerance, which rounding in a sum over a million
	// customers may deny, and far tighter than a likelihood still rising.
	acceptedGradient = 1e-6
)

// A climb is the outcome of one local maximisation: where it ended, and
// how.
type climb struct {
	// theta is the last point, in the natural parameters, and logLik the
	// log-likelihood there, −Inf if the climb found no point inside the
	// model.
	theta  []float64
	logLik float64
	// gradient is the largest derivative of the log-likelihood per
	// customer in the logarithm of a parameter, at theta.
	gradient float64
	// hess is the Hessian of the log-likelihood at theta, in the natural
	// parameters, n×n in row-major order.
	hess                    []float64
	customers               int64 // the weight of the data climbed
	status                  string
	iterations, evaluations int
	// escaped says that a parameter left [minParameter, maxParameter]:
	// the likelihood rises towards a boundary of the model. walled says
	// that the climb reached the wall of the likelihood's domain.
	escaped, walled bool
	// spent says that the climb ran out of iterations or passes, where
	// Newton's steps still promised a rise: crawling along a ridge
	// towards a limit, however small the gradient there.
	spent bool
}

// interior reports whether c ended at an interior maximum.
func (c *climb) interior() bool {
	return !c.escaped && !c.walled && !c.spent && !math.IsInf(c.logLik, 0) && c.gradient <= acceptedGradient
}

// A climb stops once a parameter passes 10^−12 or 10^12, the logarithms
// stopLow and stopHigh: the likelihood rises towards a boundary there,
// within 10^−4 of its supremum on a million customers in the limits the
// models have, and the parameters still finite are near their limits'.
var (
	stopLow  = math.Log(1e-12)
	stopHigh = math.Log(1e12)
)

// outside reports whether a point u, in the logarithms of the parameters,
// lies where a climb stops.
func outside(u []float64) bool {
	for _, v := range u {
		if !(v >= stopLow && v <= stopHigh) {
			return true
		}
	}
	return false
}

// escaped reports whether a parameter of theta lies beyond those a fit
// reports.
func escaped(theta []float64) bool {
	for _, v := range theta {
		if !(v >= minParameter && v <= maxParameter) {
			return true
		}
	}
	return false
}

// maximize climbs ll from start to a local maximum over positive
// parameters, or until a parameter leaves [minParameter, maxParameter],
// or until wall, if not nil, says that the climb nears the edge of where
// ll can be evaluated, or after passes passes over the data.
// customers is the total weight of the data, warm says whether start is
// near the maximum (a sample's). Beyond the wall, where the derivatives
// cost most, a point costs its value alone unless the optimiser accepts
// it and asks for them: most points tried there are steps too far.
func maximize(ll likelihood, wall func(theta []float64) bool, passes int, start []float64, customers int64, warm bool) climb {
	n := len(start)
	w := float64(customers)
	theta := make([]float64, n)
	grad := make([]float64, n)
	hess := make([]float64, n*n)

	// The last point evaluated, in the logarithms u of the parameters:
	// f = −LL / customers, its gradient and its Hessian. Every pass
	// computes all three: Newton's method asks for the Hessian at every
	// point it accepts, and a pass that skipped it would be repeated.
	var (
		iterations  int
		lastU       []float64
		lastFull    bool // whether the last point's derivatives are known
		f, logLik   float64
		gu, hu      = make([]float64, n), make([]float64, n*n)
		evaluations int
	)
	walled := func(u []float64) bool {
		if wall == nil {
			return false
		}
		th := make([]float64, n)
		for i, v := range u {
			th[i] = math.Exp(v)
		}
		return wall(th)
	}
	// evalValue evaluates f at u, and its derivatives too unless u lies
	// beyond the wall; eval evaluates all three.
	var evalAt func(u []float64, full bool)
	eval := func(u []float64) { evalAt(u, true) }
	evalValue := func(u []float64) { evalAt(u, !walled(u)) }
	evalAt = func(u []float64, full bool) {
		same := lastU != nil && slices.Equal(u, lastU)
		if same && (lastFull || !full || math.IsInf(f, 1)) {
			return
		}
		evaluations++
		lastU = append(lastU[:0], u...)
		lastFull = full
		clear(grad)
		clear(hess)
		clear(gu)
		clear(hu)
		ok := true
		for i, v := range u {
			theta[i] = math.Exp(v)
			ok = ok && theta[i] > 0 && !math.IsInf(theta[i], 0)
		}
		var l float64
		switch {
		case !ok:
		case full:
			l = ll(theta, grad, hess)
		default:
			l = ll(theta, nil, nil)
		}
		if !ok || math.IsNaN(l) || math.IsInf(l, 0) {
			f, logLik = math.Inf(1), math.Inf(-1)
			return
		}
		if same {
			// The value stays the one the optimiser was given.
			l = logLik
		}
		f, logLik = -l/w, l
		if !full {
			return
		}
		// ∂/∂u_i = θ_i ∂/∂θ_i, ∂²/∂u_i∂u_j = θ_i θ_j ∂²/∂θ_i∂θ_j + δ_ij θ_i ∂/∂θ_i.
		for i := range n {
			gu[i] = -theta[i] * grad[i] / w
			for j := range n {
				hu[i*n+j] = -theta[i] * theta[j] * hess[i*n+j] / w
			}
			hu[i*n+i] += gu[i]
		}
	}
	problem := optimize.Problem{
		Func: func(u []float64) float64 { evalValue(u); return f },
		Grad: func(g, u []float64) { eval(u); copy(g, gu) },
		Hess: func(h *mat.SymDense, u []float64) {
			eval(u)
			for i := range n {
				for j := i; j < n; j++ {
					h.SetSym(i, j, hu[i*n+j])
				}
			}
		},
	}
	settings := &optimize.Settings{
		GradientThreshold: gradientTolerance,
		MajorIterations:   fitIterations,
		Converger: &decrementConverger{
			at:   func(u []float64) ([]float64, []float64) { eval(u); return gu, hu },
			stop: func(u []float64) bool { return outside(u) || walled(u) },
			// A likelihood with a wall can give its value alone.
			leap: func(u []float64) float64 { evalAt(u, wall == nil); return f },
		},
		FuncEvaluations: passes,
	}
	// Near the maximum, gonum's line searches can wander among rounding
	// errors, so its optimiser hands over once a Newton step promises
	// little (decrementHandover), and full Newton steps, each kept only
	// if f does not rise beyond rounding, finish: each step doubles the
	// digits, until one promises less than decrementTolerance. polish
	// takes such steps from u and returns where they end, and whether
	// they converged there.
	// keep returns the last pass, to be restored by restore.
	keep := func() passState {
		p := passState{lastU: &lastU, lastFull: &lastFull, f: &f, logLik: &logLik,
			u: slices.Clone(lastU), full: lastFull, fv: f, ll: logLik, vectors: [][]float64{gu, hu, grad, hess, theta}}
		for _, v := range p.vectors {
			p.was = append(p.was, slices.Clone(v))
		}
		return p
	}
	polished := 0
	polish := func(u []float64) ([]float64, bool) {
		eval(u)
		for range polishSteps {
			step, ok := newtonStep(gu, hu)
			if !ok || math.IsInf(f, 0) {
				return u, false
			}
			decrement := -floats.Dot(gu, step) / 2
			if decrement <= decrementTolerance*(1+math.Abs(f)) {
				return u, true
			}
			fu := f
			next := slices.Clone(u)
			for i := range next {
				next[i] += step[i]
			}
			// The pass at u is kept, to be restored if the step does
			// not pay: on a million customers the last step often does
			// not, by rounding, and a pass to repeat u's costs as much
			// as a Newton step.
			at := keep()
			if eval(next); f > fu+4e-16*math.Abs(fu) || outside(next) {
				// A step that does not pay is rounding, if it promised
				// little.
				at.restore()
				return u, decrement <= decrementHandover*(1+math.Abs(f))
			}
			u = next
			polished++
		}
		return u, false
	}

	u := make([]float64, n)
	for i, v := range start {
		u[i] = math.Log(v)
	}
	status := optimize.FunctionConvergence.String()
	// A start near the maximum, from a sample, needs Newton steps alone.
	converged := false
	if warm {
		u, converged = polish(u)
	}
	spent := false
	if !converged {
		result, err := optimize.Minimize(problem, u, settings, &optimize.Newton{})
		switch leapt := settings.Converger.(*decrementConverger).leapt; {
		case leapt != nil:
			// A crawl towards a limit, cut short where the limit lies.
			u, status = leapt, crawlStatus
			if result != nil {
				iterations += result.Stats.MajorIterations
			}
		case result == nil:
			eval(u)
			status = err.Error()
		default:
			status = result.Status.String()
			iterations += result.Stats.MajorIterations
			u = slices.Clone(result.X)
			if !outside(u) && !walled(u) {
				u, converged = polish(u)
			}
			spent = !converged && (result.Status == optimize.IterationLimit || result.Status == optimize.FunctionEvaluationLimit)
		}
	}
	eval(u)
	c := climb{
		theta:       make([]float64, n),
		logLik:      logLik,
		hess:        slices.Clone(hess),
		customers:   customers,
		status:      status,
		iterations:  iterations + polished,
		evaluations: evaluations,
		escaped:     outside(u) || escaped(theta),
		walled:      walled(u),
		spent:       spent,
	}
	for i, v := range u {
		c.theta[i] = math.Exp(v)
	}
	for _, g := range gu {
		c.gradient = max(c.gradient, math.Abs(g))
	}
	return c
}

// A passState is maximize's record of its last pass, kept to be
// restored: the variables it points to, among them vectors, and their
// values when kept.
type passState struct {
	lastU        *[]float64
	lastFull     *bool
	f, logLik    *float64
	u            []float64
	full         bool
	fv, ll       float64
	vectors, was [][]float64
}

// restore sets the variables of p back to their values when kept.
func (p passState) restore() {
	*p.lastU = append((*p.lastU)[:0], p.u...)
	for i, v := range p.vectors {
		copy(v, p.was[i])
	}
	*p.lastFull, *p.f, *p.logLik = p.full, p.fv, p.ll
}

// finish returns the maximum at the end of an interior climb, with the
// covariance of the parameters from the observed information there, or
// an error if the information is not positive definite.
func finish(fn string, names []string, customers int64, c climb) (maximum, error) {
	n := len(c.theta)
	info := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			info.SetSym(i, j, -c.hess[i*n+j])
		}
	}
	var chol mat.Cholesky
	var cov mat.SymDense
	if !chol.Factorize(info) || chol.InverseTo(&cov) != nil {
		return maximum{}, fmt.Errorf("btyd: %s: %w: the likelihood is flat at its maximum: the data cannot tell the parameters apart", fn, clv.ErrNoFit)
	}
	m := maximum{theta: slices.Clone(c.theta), stdErr: make([]float64, n)}
	m.stats = FitStats{
		LogLikelihood: c.logLik,
		Customers:     customers,
		Iterations:    c.iterations,
		Evaluations:   c.evaluations,
		Status:        c.status,
		Parameters:    names,
		Covariance:    make([][]float64, n),
	}
	for i := range n {
		m.stats.Covariance[i] = make([]float64, n)
		for j := range n {
			m.stats.Covariance[i][j] = cov.At(i, j)
		}
		m.stdErr[i] = math.Sqrt(cov.At(i, i))
	}
	return m, nil
}

// A decrementConverger stops the optimiser when Newton's decrement,
// gᵀH⁻¹g / 2, the fall of f that a full Newton step promises, is below
// decrementHandover of f: unlike a bound on the gradient, it does not
// depend on the parameters' scale, and it stops before a line search
// wanders among rounding errors. at returns the gradient and Hessian of f
// at a point; gonum's Location for the converger carries no Hessian.
//
// It also watches for a crawl (see crawling) and, if it sees one, tries
// the limits it heads for: leap returns f at a point, and leapt is set to
// the limit where f is no higher than where the climb is, which ends it.
type decrementConverger struct {
	at   func(u []float64) (g, h []float64)
	stop func(u []float64) bool
	leap func(u []float64) float64

	// crawl holds the points and values of the last iterations in a row
	// where the Hessian was not positive definite.
	crawl []crawlPoint
	leapt []float64
}

type crawlPoint struct {
	u []float64
	f float64
}

func (c *decrementConverger) Init(int) { c.crawl, c.leapt = c.crawl[:0], nil }

func (c *decrementConverger) Converged(loc *optimize.Location) optimize.Status {
	if c.stop(loc.X) {
		// Beyond the parameters a fit reports the likelihood still rises
		// towards a boundary, and near the edge of its domain a
		// likelihood may take long to evaluate: the climb ends there.
		return optimize.FunctionConvergence
	}
	g, h := c.at(loc.X)
	step, ok := newtonStep(g, h)
	if !ok {
		c.crawl = append(c.crawl, crawlPoint{slices.Clone(loc.X), loc.F})
		if c.leapt = c.crawling(loc.X, loc.F); c.leapt != nil {
			return optimize.FunctionConvergence
		}
		return optimize.NotTerminated
	}
	c.crawl = c.crawl[:0]
	if -floats.Dot(g, step)/2 <= decrementHandover*(1+math.Abs(loc.F)) {
		return optimize.FunctionConvergence
	}
	return optimize.NotTerminated
}

// A climb crawls when, for crawlIterations iterations in a row, the
// Hessian is not positive definite and f falls by less than crawlHeadway
// of it in all: on data from another model's story, a climb towards a
// limit of the model (customers who never drop out, say) often crawls
// along a ridge, a parameter moving a few per cent an iteration, for a
// hundred iterations. Near a maximum the Hessian is positive definite (f
// is minimised there), so a climb to one does not crawl.
const (
	crawlIterations = 3
	crawlHeadway    = 1e-5
)

// crawlStatus is the status of a climb cut short by a leap to a limit.
const crawlStatus = "crawl to a limit"

// crawling returns where the climb, at u with value f, should leap to, if
// it crawls: each parameter that the crawl moved, taken alone to where a
// climb stops (10^−12 or 10^12, the way it moved), is a point of the limit
// it heads for; the first such point, the parameter that moved most
// first, where f is no higher than at u is the answer, nil if none. A
// crawl that no leap ends waits crawlIterations more before it tries
// again. The leap ends the climb beyond the parameters a fit reports, so
// the search weighs the limit against every interior maximum found.
func (c *decrementConverger) crawling(u []float64, f float64) []float64 {
	if len(c.crawl) <= crawlIterations {
		return nil
	}
	first := c.crawl[0]
	c.crawl = c.crawl[:0]
	if first.f-f > crawlHeadway*(1+math.Abs(f)) {
		return nil
	}
	moved := make([]float64, len(u))
	order := make([]int, len(u))
	for i := range u {
		moved[i], order[i] = u[i]-first.u[i], i
	}
	slices.SortFunc(order, func(i, j int) int { return cmp.Compare(math.Abs(moved[j]), math.Abs(moved[i])) })
	for _, i := range order {
		if math.Abs(moved[i]) < crawlMove {
			break
		}
		p := slices.Clone(u)
		p[i] = stopLow - 1
		if moved[i] > 0 {
			p[i] = stopHigh + 1
		}
		if c.leap(p) <= f {
			return p
		}
	}
	return nil
}

// crawlMove is the least a parameter's logarithm must move in a crawl for
// its limit to be tried.
const crawlMove = 0.01

// newtonStep returns −H⁻¹g, the Newton step of a function with gradient g
// and Hessian h (n×n, row-major), or false if h is not positive definite.
func newtonStep(g, h []float64) ([]float64, bool) {
	n := len(g)
	hess := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			hess.SetSym(i, j, h[i*n+j])
		}
	}
	var chol mat.Cholesky
	if !chol.Factorize(hess) {
		return nil, false
	}
	var step mat.VecDense
	if err := chol.SolveVecTo(&step, mat.NewVecDense(n, slices.Clone(g))); err != nil {
		return nil, false
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = -step.AtVec(i)
	}
	return out, true
}

// The sizes of the samples a large fit climbs on: from every start on
// startSample items, a few thousand, which find every basin of the
// likelihood the data have, at a few milliseconds a climb; then from the
// best maximum there on warmSample, whose maximum lies within a few per
// cent of the full data's, from where Newton's method needs three or four
// passes over all of them instead of a dozen or more.
const (
	startSample = 5_000
	warmSample  = 20_000
)

// sample returns every k-th item of items, for a sample of about size,
// or nil if items are too few to be worth it.
func sample[T any](items []T, size int) []T {
	if len(items) < 2*size {
		return nil
	}
	k := len(items) / size
	out := make([]T, 0, len(items)/k+1)
	for i := 0; i < len(items); i += k {
		out = append(out, items[i])
	}
	return out
}

// parallelMin is the least work, in items, worth splitting in two.
const parallelMin = 20_000

// split calls f(part, lo, hi) on the parts of [0, n): one part below
// parallelMin items, else two halves, run on two goroutines when more than
// one CPU is available. The parts depend only on n, never on the machine,
// so sums over them are the same everywhere. It returns the number of
// parts.
func split(n int, f func(part, lo, hi int)) int {
	if n < parallelMin {
		f(0, 0, n)
		return 1
	}
	mid := n / 2
	if runtime.GOMAXPROCS(0) == 1 {
		f(0, 0, mid)
		f(1, mid, n)
		return 2
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		f(1, mid, n)
	}()
	f(0, 0, mid)
	wg.Wait()
	return 2
}
