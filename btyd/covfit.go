package btyd

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/clvkit/clv"
)

// This file implements the machinery the models with covariates share:
// the checks and grouping of customers by their covariates, and the
// likelihood of a model whose parameters scale customer by customer with
// exp(±γ·z), in terms of the likelihood of the model without
// covariates, group by group of customers with the same z; the search
// for its maximum, its covariance and its test; and the product γ·z of
// the models' For methods.
//
// The search every fit shares (global.go, maximize.go) climbs on the
// logarithms of positive parameters. A coefficient γ is any real number;
// it enters the search as e^γ, so that the logarithm the search climbs on
// is γ itself, and the likelihood the search sees differentiates in e^γ
// what this file computes in γ. A coefficient beyond ±18.4 (e^γ beyond
// 10^−8 or 10^8) is a boundary to the search, as any parameter there is:
// on covariates of a unit's scale, such a coefficient multiplies a rate by
// 10^8, a limit where the covariate decides everything.

// maxCovariates bounds the covariates of a customer, and maxCovariate
// their magnitude: covariates of larger scale are best rescaled, for a
// coefficient of a tiny scale is a coefficient near zero to the search.
const (
	maxCovariates = 64
	maxCovariate  = 1e6
)

// covGroup is the customers with one z: their items, such as their
// distinct histories with weights.
type covGroup[T any] struct {
	z     []float64
	items []T
}

// groupCovariates checks histories and returns them grouped by z, in
// order of first appearance, each group's histories sorted by (x, t_x, T)
// with equal ones merged; the distinct histories of all the groups, their
// covariates ignored, for the fit of the model without covariates; and
// the number of covariates. It refuses what a fit cannot use: no
// histories, a customer the model cannot have, covariates missing, of
// different lengths, not finite or beyond maxCovariate, and a covariate
// equal for every customer, whose coefficient the base parameters cannot
// be told apart from.
//
// One sort of the histories by (x, t_x, T, group), skipped if they come
// in that order, gives both: equal histories are neighbours, and each
// group's come in order.
func groupCovariates(fn string, histories []CovariateHistory) (groups []covGroup[History], plain []History, k int, err error) {
	if len(histories) == 0 {
		return nil, nil, 0, fmt.Errorf("btyd: %s: histories: %w: no customers", fn, clv.ErrMissing)
	}
	ix, err := newCovIndex(fn, "history", 0, histories[0].Z)
	if err != nil {
		return nil, nil, 0, err
	}
	var total int64
	items := make([]groupedHistory, len(histories))
	var counts []int // customers a group
	for i, h := range histories {
		if h.Weight <= 0 {
			return nil, nil, 0, fmt.Errorf("btyd: %s: history %d: weight = %d: %w", fn, i+1, h.Weight, clv.ErrNonPositive)
		}
		if err := checkCustomer(fn, h.X, h.Tx, h.T); err != nil {
			return nil, nil, 0, naming(err, fn, "history", int64(i+1))
		}
		if total += h.Weight; total > maxWeight || h.Weight > maxWeight {
			return nil, nil, 0, fmt.Errorf("btyd: %s: weights: %w: their sum exceeds 2^53", fn, clv.ErrOutOfRange)
		}
		g, err := ix.add(i, h.Z)
		if err != nil {
			return nil, nil, 0, err
		}
		items[i] = groupedHistory{h.History, g}
		if int(g) == len(counts) {
			counts = append(counts, 0)
		}
		counts[g]++
	}
	if err := ix.constant(); err != nil {
		return nil, nil, 0, err
	}
	// Each group's histories, and the distinct ones of all, have room
	// for as many as come, merged or not.
	groups = make([]covGroup[History], len(ix.zs))
	for g, z := range ix.zs {
		groups[g] = covGroup[History]{z: z, items: make([]History, 0, counts[g])}
	}
	plain = make([]History, 0, len(items))
	items = sortGrouped(items)
	for i, it := range items {
		h := it.History
		if i > 0 && sameHistory(&items[i-1].History, &h) {
			plain[len(plain)-1].Weight += h.Weight
			if items[i-1].group == it.group {
				hs := groups[it.group].items
				hs[len(hs)-1].Weight += h.Weight
				continue
			}
		} else {
			plain = append(plain, h)
		}
		groups[it.group].items = append(groups[it.group].items, h)
	}
	return groups, plain, len(ix.first), nil
}

// plainSums returns Σ weight · x and Σ weight · T over histories that
// groupCovariates checked, as a frequencyData of them sums them, without
// building one: the fit of the model without covariates builds its own.
func plainSums(histories []History) (repeats, sumT float64) {
	for _, h := range histories {
		w := float64(h.Weight)
		repeats += w * float64(h.X)
		sumT += w * h.T
	}
	return repeats, sumT
}

// A covIndex numbers the distinct covariate vectors of a fit's items, in
// order of first appearance, and checks them.
type covIndex struct {
	fn, what string
	at       int // the place of the first item
	first    []float64
	// index numbers the covariates by their bits; one covariate, the
	// common case of a continuous one, by its bits alone, which a
	// million customers of their own covariates hash without a string
	// each.
	index  map[string]int32
	index1 map[uint64]int32
	key    []byte
	varies []bool
	// zs are the groups' covariates, the first item's of each: the
	// caller's slices, which the fit reads while it runs.
	zs [][]float64
}

// newCovIndex returns the index of a fit whose first item, a what at
// place at (from 0) among the fit's, has covariates first.
func newCovIndex(fn, what string, at int, first []float64) (*covIndex, error) {
	k := len(first)
	switch {
	case k == 0:
		return nil, fmt.Errorf("btyd: %s: %s %d: covariates: %w: none (a fit without covariates needs no z)", fn, what, at+1, clv.ErrMissing)
	case k > maxCovariates:
		return nil, fmt.Errorf("btyd: %s: %s %d: %d covariates: %w: above %d", fn, what, at+1, k, clv.ErrOutOfRange, maxCovariates)
	}
	return &covIndex{fn: fn, what: what, at: at, first: first, index: make(map[string]int32), index1: make(map[uint64]int32), key: make([]byte, 8*k), varies: make([]bool, k)}, nil
}

// add checks the covariates z of item i (from 0) and returns the number
// of their group.
func (ix *covIndex) add(i int, z []float64) (int32, error) {
	if len(z) != len(ix.first) {
		return 0, fmt.Errorf("btyd: %s: %s %d: %d covariates: %w: %s %d has %d", ix.fn, ix.what, i+1, len(z), clv.ErrInconsistent, ix.what, ix.at+1, len(ix.first))
	}
	for j, v := range z {
		if !(math.Abs(v) <= maxCovariate) {
			return 0, fmt.Errorf("btyd: %s: %s %d: covariate %d = %v: %w: beyond ±%g", ix.fn, ix.what, i+1, j, v, clv.ErrOutOfRange, float64(maxCovariate))
		}
		ix.varies[j] = ix.varies[j] || v != ix.first[j]
		// +0 and −0 are one covariate.
		binary.LittleEndian.PutUint64(ix.key[8*j:], math.Float64bits(v+0))
	}
	if len(z) == 1 {
		bits := math.Float64bits(z[0] + 0)
		g, ok := ix.index1[bits]
		if !ok {
			g = int32(len(ix.zs))
			ix.index1[bits] = g
			ix.zs = append(ix.zs, z)
		}
		return g, nil
	}
	g, ok := ix.index[string(ix.key)]
	if !ok {
		g = int32(len(ix.zs))
		ix.index[string(ix.key)] = g
		ix.zs = append(ix.zs, z)
	}
	return g, nil
}

// constant refuses a covariate equal for every item.
func (ix *covIndex) constant() error {
	for j, v := range ix.varies {
		if !v {
			return fmt.Errorf("btyd: %s: covariate %d: %w: it is %v for every customer, so its coefficient and the base parameters cannot be told apart", ix.fn, j, clv.ErrNoFit, ix.first[j])
		}
	}
	return nil
}

// A groupedHistory is a history and the index of its group.
type groupedHistory struct {
	History
	group int32
}

// compareGrouped orders histories by (x, t_x, T, group).
func compareGrouped(a, b groupedHistory) int {
	switch {
	case a.X != b.X:
		return cmp.Compare(a.X, b.X)
	case a.Tx != b.Tx:
		if a.Tx < b.Tx {
			return -1
		}
		return 1
	case a.T != b.T:
		if a.T < b.T {
			return -1
		}
		return 1
	}
	return cmp.Compare(a.group, b.group)
}

// sortGrouped returns items sorted by compareGrouped: items themselves
// if they are in order. Repeat purchases x are few beside the customers,
// so a counting sort puts the items in order of x in two passes, and each
// x's items, far fewer than all, are sorted by (t_x, T, group), the x in
// two runs of about half the items each, on two goroutines for many (see
// split); x beyond the items' number, which no base of customers has,
// are sorted as they come.
func sortGrouped(items []groupedHistory) []groupedHistory {
	if slices.IsSortedFunc(items, compareGrouped) {
		return items
	}
	var top int64
	for i := range items {
		top = max(top, items[i].X)
	}
	if top >= int64(len(items)) {
		slices.SortFunc(items, compareGrouped)
		return items
	}
	// lo[x] is where the items of x begin in out.
	lo := make([]int, top+2)
	for i := range items {
		lo[items[i].X+1]++
	}
	for x := 1; x < len(lo); x++ {
		lo[x] += lo[x-1]
	}
	out := make([]groupedHistory, len(items))
	next := slices.Clone(lo[:len(lo)-1])
	for _, it := range items {
		out[next[it.X]] = it
		next[it.X]++
	}
	// The x are split where the items are halved, whole x to a part.
	mid := 0
	for mid < len(lo)-1 && lo[mid+1] <= len(items)/2 {
		mid++
	}
	sortRange := func(from, to int) {
		for x := from; x < to; x++ {
			slices.SortFunc(out[lo[x]:lo[x+1]], compareGrouped)
		}
	}
	split(len(items), func(part, _, _ int) {
		if part == 0 {
			sortRange(0, mid)
		} else {
			sortRange(mid, len(lo)-1)
		}
	})
	if len(items) < parallelMin {
		// split made one part: the rest of the x.
		sortRange(mid, len(lo)-1)
	}
	return out
}

// sameHistory reports whether a and b have the same (x, t_x, T).
func sameHistory(a, b *History) bool { return a.X == b.X && a.Tx == b.Tx && a.T == b.T }

// A covLink says how a base parameter scales with a customer's
// covariates: by exp(sign γ_block · z), or not at all if block < 0.
type covLink struct {
	block int
	sign  float64
}

// A covDesign is the parameterisation of a model with covariates: its
// base parameters, how each scales, and where each coefficient lies in ψ,
// the vector the search climbs on: the logarithms of the base parameters,
// then the free coefficients, block 0's, then block 1's not constrained
// equal to block 0's.
type covDesign struct {
	base, k int
	links   []covLink
	// index[b][j] is the place in ψ of the coefficient of covariate j in
	// block b.
	index [][]int
	// blocks[m] and covs[m] are the block and covariate of the free
	// coefficient m, counted after the base parameters (the first block
	// of one shared by both); n is the length of ψ.
	blocks []int
	covs   []int
	n      int
	// lambda is the penalty of each block.
	lambda []float64
}

// newCovDesign returns the design of a model of base parameters linked
// by links to blocks coefficient vectors of k covariates each, with the
// options in cfg.
func newCovDesign(fn string, base int, links []covLink, blocks, k int, cfg covConfig) (*covDesign, error) {
	d := &covDesign{base: base, k: k, links: links, index: make([][]int, blocks), n: base}
	same := make([]bool, k)
	for _, j := range cfg.same {
		switch {
		case blocks < 2:
			return nil, fmt.Errorf("btyd: %s: same coefficients: %w: the model has one process", fn, clv.ErrOutOfRange)
		case j < 0 || j >= k:
			return nil, fmt.Errorf("btyd: %s: same coefficients: covariate %d: %w: the customers have %d", fn, j, clv.ErrOutOfRange, k)
		case same[j]:
			return nil, fmt.Errorf("btyd: %s: same coefficients: covariate %d: %w: given twice", fn, j, clv.ErrOutOfRange)
		}
		same[j] = true
	}
	for _, l := range []float64{cfg.lambda, cfg.lambdaD} {
		if !(l >= 0 && l <= maxPenalty) {
			return nil, fmt.Errorf("btyd: %s: penalty = %v: %w: outside [0, %g]", fn, l, clv.ErrOutOfRange, float64(maxPenalty))
		}
	}
	d.lambda = []float64{cfg.lambda, cfg.lambdaD}
	for b := range blocks {
		d.index[b] = make([]int, k)
		for j := range k {
			if b > 0 && same[j] {
				d.index[b][j] = d.index[0][j]
				continue
			}
			d.index[b][j] = d.n
			d.blocks = append(d.blocks, b)
			d.covs = append(d.covs, j)
			d.n++
		}
	}
	return d, nil
}

// maxPenalty bounds λ.
const maxPenalty = 1e9

// coefficients returns the coefficients of block b in ψ.
func (d *covDesign) coefficients(psi []float64, b int) []float64 {
	out := make([]float64, d.k)
	for j, m := range d.index[b] {
		out[j] = psi[m]
	}
	return out
}

// scale returns the factor exp(sign γ_block · z) of base parameter i, 1
// if it has no covariates.
func (d *covDesign) scale(psi []float64, i int, z []float64) float64 {
	l := d.links[i]
	if l.block < 0 {
		return 1
	}
	var e float64
	for j, m := range d.index[l.block] {
		e += psi[m] * z[j]
	}
	return math.Exp(l.sign * e)
}

// penalty returns the penalty at ψ and, if g is not nil, adds its
// gradient to g and its Hessian to h (n×n), in ψ.
func (d *covDesign) penalty(psi, g, h []float64) float64 {
	var p float64
	for m := d.base; m < d.n; m++ {
		l := d.lambda[d.blocks[m-d.base]]
		// A coefficient shared by both blocks carries both penalties.
		if b := d.blocks[m-d.base]; b == 0 && len(d.index) > 1 && d.index[1][d.covs[m-d.base]] == m {
			l += d.lambda[1]
		}
		p += l * psi[m] * psi[m]
		if g != nil {
			g[m] -= 2 * l * psi[m]
			if h != nil {
				h[m*d.n+m] -= 2 * l
			}
		}
	}
	return p
}

// A covPart is a group's likelihood, in the base parameters, and the
// weight of its customers.
type covPart struct {
	z         []float64
	ll        likelihood
	customers int64
}

// A covData is the data of a fit with covariates, group by group.
type covData struct {
	design    *covDesign
	parts     []covPart
	customers int64
}

// covScratch is one goroutine's buffers for covData.eval.
type covScratch struct {
	theta, g, h, gl, hl []float64
	rows                [][]covEntry
	b                   []float64
	sum                 float64
	gu, hu              []float64
	failed              bool
}

// A covEntry is a nonzero of the map from ψ to the logarithm of a group's
// base parameter: ∂ ln θ_i / ∂ψ_col = val.
type covEntry struct {
	col int
	val float64
}

func (d *covData) scratch() *covScratch {
	base, n := d.design.base, d.design.n
	return &covScratch{
		theta: make([]float64, base), g: make([]float64, base), h: make([]float64, base*base),
		gl: make([]float64, base), hl: make([]float64, base*base),
		rows: make([][]covEntry, base), b: make([]float64, base*n),
		gu: make([]float64, n), hu: make([]float64, n*n),
	}
}

// eval returns the log-likelihood at ψ, without the penalty, and, if gu
// is not nil, adds its gradient in ψ to gu and its Hessian to hu (n×n),
// or NaN where a group's likelihood is not finite. Each group's base
// parameters are θ_i = exp(ψ_i ± γ_b · z), so ln θ is linear in ψ, with
// the map A; a group's gradient G and Hessian H in ln θ give A'G and
// A'HA in ψ.
func (d *covData) eval(psi, gu, hu []float64) float64 {
	des := d.design
	base, n := des.base, des.n
	deriv := gu != nil
	var parts [2]*covScratch
	split(len(d.parts), func(part, lo, hi int) {
		s := d.scratch()
		parts[part] = s
		for _, p := range d.parts[lo:hi] {
			for i := range base {
				s.theta[i] = math.Exp(psi[i]) * des.scale(psi, i, p.z)
			}
			if !deriv {
				v := p.ll(s.theta, nil, nil)
				if math.IsNaN(v) || math.IsInf(v, 0) {
					s.failed = true
					return
				}
				s.sum += v
				continue
			}
			clear(s.g)
			clear(s.h)
			v := p.ll(s.theta, s.g, s.h)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				s.failed = true
				return
			}
			s.sum += v
			// In ln θ: G_i = θ_i g_i, H_ij = θ_i θ_j h_ij + δ_ij G_i.
			for i := range base {
				s.gl[i] = s.theta[i] * s.g[i]
			}
			for i := range base {
				for j := range base {
					s.hl[i*base+j] = s.theta[i] * s.theta[j] * s.h[i*base+j]
				}
				s.hl[i*base+i] += s.gl[i]
			}
			for i := range base {
				s.rows[i] = append(s.rows[i][:0], covEntry{i, 1})
				if l := des.links[i]; l.block >= 0 {
					for j, m := range des.index[l.block] {
						if p.z[j] != 0 {
							s.rows[i] = append(s.rows[i], covEntry{m, l.sign * p.z[j]})
						}
					}
				}
			}
			// B = H A, then A'G and A'B.
			clear(s.b)
			for i := range base {
				for l := range base {
					hil := s.hl[i*base+l]
					for _, e := range s.rows[l] {
						s.b[i*n+e.col] += hil * e.val
					}
				}
			}
			for i := range base {
				for _, e := range s.rows[i] {
					s.gu[e.col] += e.val * s.gl[i]
					row := s.hu[e.col*n : e.col*n+n]
					for c, v := range s.b[i*n : i*n+n] {
						row[c] += e.val * v
					}
				}
			}
		}
	})
	var sum float64
	for _, s := range parts {
		if s == nil {
			continue
		}
		if s.failed {
			return math.NaN()
		}
		sum += s.sum
		if deriv {
			for i, v := range s.gu {
				gu[i] += v
			}
			for i, v := range s.hu {
				hu[i] += v
			}
		}
	}
	return sum
}

// likelihood is the penalised log-likelihood as the search sees it: in
// θ, the base parameters and e^γ for each free coefficient γ, whose
// logarithms are ψ. With G and H the gradient and Hessian in ψ,
// ∂/∂θ_i = G_i/θ_i and ∂²/∂θ_i∂θ_j = (H_ij − δ_ij G_i)/(θ_i θ_j).
func (d *covData) likelihood(theta, grad, hess []float64) float64 {
	n := d.design.n
	psi := make([]float64, n)
	for i, v := range theta {
		psi[i] = math.Log(v)
	}
	if grad == nil {
		return d.eval(psi, nil, nil) - d.design.penalty(psi, nil, nil)
	}
	gu, hu := make([]float64, n), make([]float64, n*n)
	v := d.eval(psi, gu, hu)
	v -= d.design.penalty(psi, gu, hu)
	for i := range n {
		grad[i] += gu[i] / theta[i]
		if hess == nil {
			continue
		}
		for j := range n {
			hess[i*n+j] += hu[i*n+j] / (theta[i] * theta[j])
		}
		hess[i*n+i] -= gu[i] / (theta[i] * theta[i])
	}
	return v
}

// A covModel is what a fit with covariates needs of its model: its name,
// base parameters and their links, how a group's likelihood is built from
// its items, and the search's settings for the model.
type covModel[T any] struct {
	fn     string
	names  []string
	links  []covLink
	blocks []string
	// data returns the likelihood of a group's items and the weight of
	// its customers, or false if it cannot be built.
	data func(items []T) (likelihood, int64, bool)
	// search is the model's search, without levels and starts;
	// concurrent says whether its likelihoods may be evaluated on
	// several goroutines at once;
	// wall, if not nil, says that a group's base parameters near the edge
	// of where the likelihood can be evaluated, and fartherWall the edge
	// beyond.
	search      search
	concurrent  bool
	wall        func(theta []float64) bool
	fartherWall func(theta []float64) bool
}

// A covResult is the outcome of a fit with covariates.
type covResult struct {
	base, stdErrBase []float64
	coef, stdErrCoef [][]float64
	stats            FitStats
	// free is the number of free coefficients.
	free int
}

// fitCovariates fits the model m with covariates to groups, from each of
// starts (base parameters, coefficients zero), with the options cfg.
func fitCovariates[T any](m covModel[T], groups []covGroup[T], k int, starts [][]float64, cfg covConfig) (covResult, error) {
	des, err := newCovDesign(m.fn, len(m.names), m.links, len(m.blocks), k, cfg)
	if err != nil {
		return covResult{}, err
	}
	build := func(gs []covGroup[T]) (*covData, bool) {
		d := &covData{design: des, parts: make([]covPart, 0, len(gs))}
		for _, g := range gs {
			ll, w, ok := m.data(g.items)
			if !ok {
				return nil, false
			}
			d.parts = append(d.parts, covPart{z: g.z, ll: ll, customers: w})
			d.customers += w
		}
		return d, true
	}
	all, ok := build(groups)
	if !ok {
		return covResult{}, fmt.Errorf("btyd: %s: %w: the histories cannot be fitted", m.fn, clv.ErrNoFit)
	}
	// The samples are every k-th item of the groups' in order, as
	// samples takes them from one slice, without making that slice.
	var total int
	for _, gr := range groups {
		total += len(gr.items)
	}
	var levels []level
	for _, size := range []int{startSample, warmSample} {
		if total < 2*size {
			continue
		}
		k := total / size
		var gs []covGroup[T]
		at := 0 // the place of the group's first item among all
		for _, gr := range groups {
			var part []T
			for j := (at+k-1)/k*k - at; j < len(gr.items); j += k {
				part = append(part, gr.items[j])
			}
			if part != nil {
				gs = append(gs, covGroup[T]{z: gr.z, items: part})
			}
			at += len(gr.items)
		}
		if d, ok := build(gs); ok {
			levels = append(levels, level{d.likelihood, d.customers})
		}
	}
	s := m.search
	s.levels = append(levels, level{all.likelihood, all.customers})
	s.concurrent = m.concurrent
	s.names = slices.Clone(m.names)
	for i := range des.n - des.base {
		s.names = append(s.names, fmt.Sprintf("exp(%s)", coefName(m.blocks, des, i)))
	}
	for _, st := range starts {
		start := slices.Clone(st)
		for range des.n - des.base {
			start = append(start, 1)
		}
		s.starts = append(s.starts, start)
	}
	zs := make([][]float64, len(groups))
	for g, gr := range groups {
		zs[g] = gr.z
	}
	if m.wall != nil {
		s.wall = groupWall(des, zs, m.wall)
	}
	if m.fartherWall != nil {
		s.fartherWall = groupWall(des, zs, m.fartherWall)
	}
	best, err := s.run()
	if err != nil {
		return covResult{}, err
	}
	psi := make([]float64, des.n)
	for i, v := range best.theta {
		psi[i] = math.Log(v)
	}
	// The search's covariance is of θ, whose coefficients' entries are
	// e^γ: by the delta method, exact at the maximum, that of γ = ln θ
	// divides them by θ.
	jac := make([]float64, des.n)
	for i := range jac {
		jac[i] = 1
		if i >= des.base {
			jac[i] = 1 / best.theta[i]
		}
	}
	r := covResult{base: best.theta[:des.base], stdErrBase: make([]float64, des.base), stats: best.stats, free: des.n - des.base}
	// The log-likelihood without the penalty.
	r.stats.LogLikelihood += des.penalty(psi, nil, nil)
	r.stats.Parameters = slices.Clone(m.names)
	se := make([]float64, des.n)
	for i := range des.n {
		for j := range des.n {
			r.stats.Covariance[i][j] *= jac[i] * jac[j]
		}
		se[i] = math.Sqrt(r.stats.Covariance[i][i])
		if i >= des.base {
			r.stats.Parameters = append(r.stats.Parameters, coefName(m.blocks, des, i-des.base))
		}
	}
	copy(r.stdErrBase, se)
	for b := range m.blocks {
		r.coef = append(r.coef, des.coefficients(psi, b))
		r.stdErrCoef = append(r.stdErrCoef, des.coefficients(se, b))
	}
	return r, nil
}

// coefName names the free coefficient m of des (counted after the base
// parameters): "purchase[0]", or "both[0]" for one shared by the blocks.
func coefName(blocks []string, des *covDesign, m int) string {
	b, j := des.blocks[m], des.covs[m]
	if len(des.index) > 1 && des.index[0][j] == des.index[1][j] {
		return fmt.Sprintf("both[%d]", j)
	}
	return fmt.Sprintf("%s[%d]", blocks[b], j)
}

// groupWall returns the wall of a search with covariates: a point where
// wall holds for the base parameters of any group, of covariates zs.
func groupWall(des *covDesign, zs [][]float64, wall func(theta []float64) bool) func(theta []float64) bool {
	return func(theta []float64) bool {
		psi := make([]float64, len(theta))
		for i, v := range theta {
			psi[i] = math.Log(v)
		}
		th := make([]float64, des.base)
		for _, z := range zs {
			for i := range th {
				th[i] = theta[i] * des.scale(psi, i, z)
			}
			if wall(th) {
				return true
			}
		}
		return false
	}
}

// nullStarts returns the starts of a fit with covariates: the maximum of
// the model without them, if it has one, else starts.
func nullStarts(null []float64, err error, starts [][]float64) [][]float64 {
	if err == nil {
		return [][]float64{null}
	}
	return starts
}

// linear returns γ·z for a model's method, or an error wrapping
// [clv.ErrInconsistent] if z has not as many covariates as γ
// coefficients, [clv.ErrOutOfRange] if a covariate or coefficient is not
// finite or γ·z is beyond ±700, where exp(γ·z) overflows.
func linear(fn, what string, gamma, z []float64) (float64, error) {
	if len(z) != len(gamma) {
		return 0, fmt.Errorf("btyd: %s: z has %d covariates: %w: %s has %d coefficients", fn, len(z), clv.ErrInconsistent, what, len(gamma))
	}
	var e float64
	for j, v := range z {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, fmt.Errorf("btyd: %s: covariate %d = %v: %w", fn, j, v, clv.ErrOutOfRange)
		}
		if g := gamma[j]; math.IsNaN(g) || math.IsInf(g, 0) {
			return 0, fmt.Errorf("btyd: %s: %s[%d] = %v: %w", fn, what, j, g, clv.ErrOutOfRange)
		}
		e += gamma[j] * v
	}
	if !(math.Abs(e) <= 700) {
		return 0, fmt.Errorf("btyd: %s: %s · z = %v: %w: beyond ±700", fn, what, e, clv.ErrOutOfRange)
	}
	return e, nil
}

// A frequencyArena carves the slices of many small frequencyData from
// a few large blocks: a fit whose every customer has covariates of their
// own builds a million groups of one history, and a slice each would cost
// more to allocate and collect than to evaluate. It is not safe for
// concurrent use.
type frequencyArena struct {
	floats []float64
	ints   []int
	data   []frequencyData
}

// arenaBlock is the size of an arena's blocks, in items.
const arenaBlock = 1 << 14

func (a *frequencyArena) takeFloats(n int) []float64 { return take(&a.floats, n) }

func (a *frequencyArena) takeInts(n int) []int { return take(&a.ints, n) }

// take returns n items from the front of block, a fresh block of
// arenaBlock items (or n, if more) when it holds fewer.
func take[T any](block *[]T, n int) []T {
	if len(*block) < n {
		*block = make([]T, max(n, arenaBlock))
	}
	out := (*block)[:n:n]
	*block = (*block)[n:]
	return out
}

func (a *frequencyArena) takeData() *frequencyData {
	if len(a.data) == 0 {
		a.data = make([]frequencyData, arenaBlock/16)
	}
	d := &a.data[0]
	a.data = a.data[1:]
	return d
}

// newFrequencyDataIn returns the frequencyData of histories that
// groupCovariates checked and sorted by (x, t_x, T), as newFrequencyData
// builds it, its slices carved from a.
func newFrequencyDataIn(a *frequencyArena, hs []History) *frequencyData {
	groups := 0
	var customers int64
	for i, h := range hs {
		if i == 0 || h.X != hs[i-1].X {
			groups++
		}
		customers += h.Weight
	}
	d := a.takeData()
	*d = frequencyData{xs: a.takeFloats(groups)[:0], weight: a.takeFloats(groups)[:0], lo: a.takeInts(groups + 1)[:0],
		w: a.takeFloats(len(hs)), tx: a.takeFloats(len(hs)), T: a.takeFloats(len(hs)), customers: customers}
	d.fill(hs)
	return d
}
