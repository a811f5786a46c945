package btyd

// This file implements the maximum-likelihood machinery every model's fit
// shares: Newton's method from gonum's optimize package on the logarithms
// of the parameters, which keeps them positive, with the model's analytic
// gradient and Hessian; the checks that the maximum is an interior one;
// and the covariance from the observed information, by gonum's mat.
//
// gonum asks for the function, the gradient and the Hessian in separate
// calls, often at one point; a model computes all three in one pass over
// its data, so the last pass is remembered and reused.

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/clvkit/clv"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
)

// A likelihood returns a model's log-likelihood at the natural parameters
// theta, adds its gradient to grad, and, if hess is not nil, adds its
// Hessian to hess, n×n in row-major order. A result that is not finite
// means the parameters are outside the model.
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
	fitIterations = 200
	// gradientTolerance is where the optimiser stops: the largest
	// derivative of the log-likelihood per customer in the logarithm of a
	// parameter. It also stops when two iterations in a row raise the
	// log-likelihood by less than 10^−13 of itself, which rounding in the
	// sums may force first.
	gradientTolerance = 1e-9
	// acceptedGradient is the largest such derivative of a fit reported:
	// looser than gradientTolerance, which rounding in a sum over a million
	// customers may deny, and far tighter than a likelihood still rising.
	acceptedGradient = 1e-6
)

// maximize maximises ll over positive parameters from start. names names
// the parameters, customers is the total weight of the data. fn names the
// fit in errors.
func maximize(fn string, ll likelihood, names []string, start []float64, customers int64) (maximum, error) {
	n := len(start)
	w := float64(customers)
	theta := make([]float64, n)
	grad := make([]float64, n)
	hess := make([]float64, n*n)

	// The last point evaluated, in the logarithms u of the parameters:
	// f = −LL / customers, its gradient and, if withHess, its Hessian.
	var (
		lastU       []float64
		f           float64
		gu, hu      = make([]float64, n), make([]float64, n*n)
		withHess    bool
		evaluations int
	)
	eval := func(u []float64, needHess bool) {
		if lastU != nil && slices.Equal(u, lastU) && (withHess || !needHess) {
			return
		}
		evaluations++
		lastU = append(lastU[:0], u...)
		withHess = needHess
		clear(grad)
		clear(hess)
		ok := true
		for i, v := range u {
			theta[i] = math.Exp(v)
			ok = ok && theta[i] > 0 && !math.IsInf(theta[i], 0)
		}
		var h []float64
		if needHess {
			h = hess
		}
		var l float64
		if ok {
			l = ll(theta, grad, h)
		}
		if !ok || math.IsNaN(l) || math.IsInf(l, 0) {
			f = math.Inf(1)
			clear(gu)
			clear(hu)
			return
		}
		f = -l / w
		// ∂/∂u_i = θ_i ∂/∂θ_i, ∂²/∂u_i∂u_j = θ_i θ_j ∂²/∂θ_i∂θ_j + δ_ij θ_i ∂/∂θ_i.
		for i := range n {
			gu[i] = -theta[i] * grad[i] / w
			if needHess {
				for j := range n {
					hu[i*n+j] = -theta[i] * theta[j] * hess[i*n+j] / w
				}
				hu[i*n+i] += gu[i]
			}
		}
	}
	problem := optimize.Problem{
		Func: func(u []float64) float64 { eval(u, false); return f },
		Grad: func(g, u []float64) { eval(u, false); copy(g, gu) },
		Hess: func(h *mat.SymDense, u []float64) {
			eval(u, true)
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
		Converger:         &optimize.FunctionConverge{Relative: 1e-13, Iterations: 2},
	}
	u0 := make([]float64, n)
	for i, v := range start {
		u0[i] = math.Log(v)
	}
	result, err := optimize.Minimize(problem, u0, settings, &optimize.Newton{})
	if result == nil {
		return maximum{}, fmt.Errorf("btyd: %s: %w: %v", fn, clv.ErrNoFit, err)
	}
	u := result.X
	eval(u, true)
	gradNorm := 0.0
	for _, g := range gu {
		gradNorm = max(gradNorm, math.Abs(g))
	}
	for i, v := range u {
		theta[i] = math.Exp(v)
	}
	for i, v := range theta {
		if !(v >= minParameter && v <= maxParameter) {
			return maximum{}, fmt.Errorf("btyd: %s: %w: the likelihood rises towards %s = %.3g, outside [%g, %g]: it has no interior maximum",
				fn, clv.ErrNoFit, names[i], v, float64(minParameter), float64(maxParameter))
		}
	}
	if math.IsInf(f, 0) || gradNorm > acceptedGradient {
		return maximum{}, fmt.Errorf("btyd: %s: %w: the optimiser stopped (%v) with a gradient of %.3g per customer: the likelihood has no maximum it can find",
			fn, clv.ErrNoFit, result.Status, gradNorm)
	}

	// The observed information, −∂²LL/∂θ², at the maximum.
	clear(grad)
	clear(hess)
	logLik := ll(theta, grad, hess)
	info := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			info.SetSym(i, j, -hess[i*n+j])
		}
	}
	var chol mat.Cholesky
	var cov mat.SymDense
	if !chol.Factorize(info) || chol.InverseTo(&cov) != nil {
		return maximum{}, fmt.Errorf("btyd: %s: %w: the likelihood is flat at its maximum: the data cannot tell the parameters apart", fn, clv.ErrNoFit)
	}
	m := maximum{theta: slices.Clone(theta), stdErr: make([]float64, n)}
	m.stats = FitStats{
		LogLikelihood: logLik,
		Customers:     customers,
		Iterations:    result.Stats.MajorIterations,
		Evaluations:   evaluations,
		Status:        result.Status.String(),
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
