package btyd

// This file implements the search for a fit's global maximum: local
// climbs from several starts, on a sample of the data first where the
// data are many; the best interior maximum they find, refined on all the
// data; and its comparison with the best boundary any climb approached.
// A fit reports a boundary only when the likelihood there is above every
// interior maximum found.

import (
	"cmp"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/clvkit/clv"
)

// A search is one fit's maximisation problem.
type search struct {
	// fn names the fit in errors, names its parameters.
	fn    string
	names []string
	// levels are the likelihoods of samples of the data, smallest first,
	// and last of all the data. The climbs from every start are on the
	// first; each maximum they find is refined on the next, and so on.
	levels []level
	// starts are the points every climb starts from.
	starts [][]float64
	// limits are the model's limits, which say in words which of them a
	// point beyond [minParameter, maxParameter] approaches.
	limits []limitRule
	// concurrent says that the likelihoods may be evaluated on several
	// goroutines at once.
	concurrent bool
	// wall, if not nil, says that a point nears the edge of the domain
	// where the likelihood can be evaluated, and wallWords what that edge
	// is. wallLimit says in words which limit of the model a climb that
	// stopped at theta on that edge was heading for, or "" if none.
	wall      func(theta []float64) bool
	wallWords string
	wallLimit func(theta []float64) string
	// fartherWall, if not nil, is where a climb goes on to that stopped
	// at wall short of any limit, and where every refinement stops; the
	// wall words are its.
	fartherWall func(theta []float64) bool
	// evaluations, if not 0, bounds the passes over the data of one
	// climb, instead of fitEvaluations.
	evaluations int
}

// refineWall returns the wall of a refinement, which starts at a
// maximum already found.
func (s *search) refineWall() func(theta []float64) bool {
	if s.fartherWall != nil {
		return s.fartherWall
	}
	return s.wall
}

// passes returns the most passes over the data one climb may take.
func (s *search) passes() int {
	if s.evaluations > 0 {
		return s.evaluations
	}
	return fitEvaluations
}

// describe says in words which limit of the model the climb c was
// heading for, or "" if none: for a climb beyond the parameters' bounds,
// always; for one stopped at the wall, as wallLimit says; and for one that
// ended short of both, if its parameters are beyond nearLow or nearHigh
// in a pattern that one of the model's limits names.
func (s *search) describe(c *climb) string {
	switch {
	case c.escaped:
		return describeLimit(s.names, s.limits, c.theta, minParameter, maxParameter, true)
	case c.walled:
		if s.wallLimit == nil {
			return ""
		}
		return s.wallLimit(c.theta)
	}
	return describeLimit(s.names, s.limits, c.theta, nearLow, nearHigh, false)
}

// atEdge reports whether the climb c ended on its way to a limit of the
// model.
func (s *search) atEdge(c *climb) bool { return s.describe(c) != "" }

// A level is the likelihood of some data, of total weight customers.
type level struct {
	ll        likelihood
	customers int64
}

// samples returns the levels of samples of items a search climbs on
// before all of them: of about startSample and warmSample items, where
// there are enough. data builds a level from items, or returns false if
// it cannot.
func samples[T any](items []T, data func([]T) (level, bool)) []level {
	var levels []level
	for _, size := range []int{startSample, warmSample} {
		if part := sample(items, size); part != nil {
			if l, ok := data(part); ok {
				levels = append(levels, l)
			}
		}
	}
	return levels
}

// run climbs from every start and returns the global maximum the climbs
// find, or a [BoundaryError] if a boundary lies above every interior
// maximum, or another error wrapping [clv.ErrNoFit] if no climb ended
// either way.
func (s *search) run() (maximum, error) {
	all := s.levels[len(s.levels)-1]
	// The climbs from every start, on the smallest level where one of
	// them ends at an interior maximum or on its way to a limit: a climb
	// on a sample that ends neither way, stuck or at the wall short of a
	// limit, says nothing of all the data, and on more of them the
	// likelihood may well have the maximum the sample hid.
	on := 0
	climbs := s.climbs(s.levels[on])
	for on < len(s.levels)-1 && !slices.ContainsFunc(climbs, func(c climb) bool { return c.interior() || s.atEdge(&c) }) {
		on++
		climbs = s.climbs(s.levels[on])
	}
	var interior []climb
	// edge is the best climb that left the parameters' bounds, and
	// edgeLL the log-likelihood of all the data at its end.
	var edge, stuck *climb
	for _, c := range climbs {
		switch {
		case c.interior():
			if !slices.ContainsFunc(interior, func(d climb) bool { return same(c.theta, d.theta) }) {
				interior = append(interior, c)
			}
		case s.atEdge(&c):
			if edge == nil || c.logLik > edge.logLik {
				edge = &c
			}
		case stuck == nil || c.logLik > stuck.logLik:
			stuck = &c
		}
	}
	slices.SortFunc(interior, func(a, b climb) int { return cmp.Compare(b.logLik, a.logLik) })

	edgeLL := math.Inf(-1)
	if edge != nil {
		edgeLL = logLikelihoodOnAll(all, edge)
	}
	// The best interior candidate, refined on all the data. A sample's
	// maximum that does not hold on more data gives way to the next.
	var best *climb
	for _, c := range interior {
		for _, l := range s.levels[on+1:] {
			if c = maximize(l.ll, s.refineWall(), s.passes(), c.theta, l.customers, true); !c.interior() {
				break
			}
		}
		switch {
		case c.interior():
			best = &c
		case s.atEdge(&c):
			// A sample's limit is weighed on all the data.
			if ll := logLikelihoodOnAll(all, &c); ll > edgeLL {
				edge, edgeLL = &c, ll
			}
		case stuck == nil || c.logLik > stuck.logLik:
			stuck = &c
		}
		if best != nil {
			break
		}
	}
	if best != nil && !(edgeLL > best.logLik) {
		m, err := finish(s.fn, s.names, all.customers, *best)
		if err == nil || !s.atEdge(best) {
			return m, err
		}
		// A maximum too flat to have a covariance, on the way to a
		// limit, is that limit's.
		edge, edgeLL, best = best, best.logLik, nil
	}
	// A limit is the answer only if no climb that ended short of it, stuck,
	// climbed higher.
	if edge != nil && !math.IsInf(edgeLL, 0) && !(stuck != nil && logLikelihoodOnAll(all, stuck) > edgeLL) {
		e := &BoundaryError{Fit: s.fn, Limit: s.describe(edge), LogLikelihood: edgeLL, Interior: math.Inf(-1)}
		if best != nil {
			e.Interior = best.logLik
		}
		return maximum{}, e
	}
	if stuck == nil {
		stuck = edge
	}
	if stuck == nil {
		return maximum{}, fmt.Errorf("btyd: %s: %w: no climb ended where the likelihood is finite", s.fn, clv.ErrNoFit)
	}
	if stuck.walled {
		return maximum{}, fmt.Errorf("btyd: %s: %w: the likelihood rises towards %s, beyond which this fit cannot evaluate it (log-likelihood %.1f there)",
			s.fn, clv.ErrNoFit, s.wallWords, stuck.logLik)
	}
	at := make([]string, len(s.names))
	for i, name := range s.names {
		at[i] = fmt.Sprintf("%s = %.4g", name, stuck.theta[i])
	}
	return maximum{}, fmt.Errorf("btyd: %s: %w: the optimiser stopped (%v) with a gradient of %.3g per customer, at %s: the likelihood has no maximum it can find",
		s.fn, clv.ErrNoFit, stuck.status, stuck.gradient, strings.Join(at, ", "))
}

// climbs climbs l from every start, on two goroutines if the likelihood
// allows it and the machine has two CPUs, and returns the climbs in the
// order of the starts. Each goroutine takes the next start as it finishes
// a climb: climbs differ in length (one that crawls towards a limit may
// take twice the passes of one that finds a maximum), and a fixed share
// of the starts left one goroutine idle while the other climbed on.
func (s *search) climbs(l level) []climb {
	out := make([]climb, len(s.starts))
	climb := func(i int) {
		c := maximize(l.ll, s.wall, s.passes(), s.starts[i], l.customers, false)
		if c.walled && s.fartherWall != nil && !s.atEdge(&c) {
			c = maximize(l.ll, s.fartherWall, s.passes(), c.theta, l.customers, false)
		}
		out[i] = c
	}
	if !s.concurrent || runtime.GOMAXPROCS(0) == 1 {
		for i := range s.starts {
			climb(i)
		}
		return out
	}
	var next atomic.Int64
	work := func() {
		for i := int(next.Add(1) - 1); i < len(s.starts); i = int(next.Add(1) - 1) {
			climb(i)
		}
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		work()
	}()
	work()
	wg.Wait()
	return out
}

// same reports whether two maxima are one: their parameters agree to
// within 10^−4 of each.
func same(a, b []float64) bool {
	for i := range a {
		if math.Abs(math.Log(a[i]/b[i])) > 1e-4 {
			return false
		}
	}
	return true
}

// logLikelihoodOnAll returns the log-likelihood of all the data at the
// end of the climb c.
func logLikelihoodOnAll(all level, c *climb) float64 {
	if c.customers == all.customers {
		return c.logLik
	}
	return logLikelihoodAt(all.ll, c.theta)
}

// logLikelihoodAt returns ll at theta, or −Inf where it is not finite.
func logLikelihoodAt(ll likelihood, theta []float64) float64 {
	l := ll(theta, make([]float64, len(theta)), nil)
	if math.IsNaN(l) || math.IsInf(l, 0) {
		return math.Inf(-1)
	}
	return l
}
