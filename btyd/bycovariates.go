package btyd

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/clvkit/clv"
)

// A CovariatePurchaseModel is a purchase model whose customers' own
// models depend on their covariates: [ParetoNBDCov] and [BGNBDCov], or
// any [PurchaseModel] ([BGNBD], [MBGNBD], [ParetoNBD]), whose customers
// are all alike whatever their covariates. [ValuesByCovariates] and
// [CompareHoldoutByCovariates] take one.
type CovariatePurchaseModel interface {
	// purchaseModelFor returns the model of a customer with covariates
	// z.
	purchaseModelFor(z []float64) (PurchaseModel, error)
}

// A CovariateSpendModel is a spend model whose customers' own models
// depend on their covariates: [GammaGammaCov], or any [SpendModel]
// ([GammaGamma], [FlatSpend]), whose customers are all alike whatever
// their covariates. [ValuesByCovariates] takes one.
type CovariateSpendModel interface {
	// spendModelFor returns the model of a customer with covariates z.
	spendModelFor(z []float64) (SpendModel, error)
}

var (
	_ CovariatePurchaseModel = ParetoNBDCov{}
	_ CovariatePurchaseModel = BGNBDCov{}
	_ CovariatePurchaseModel = ParetoNBD{}
	_ CovariatePurchaseModel = BGNBD{}
	_ CovariatePurchaseModel = MBGNBD{}
	_ CovariateSpendModel    = GammaGammaCov{}
	_ CovariateSpendModel    = GammaGamma{}
	_ CovariateSpendModel    = FlatSpend{}
)

func (m ParetoNBDCov) purchaseModelFor(z []float64) (PurchaseModel, error) { return m.For(z) }
func (m BGNBDCov) purchaseModelFor(z []float64) (PurchaseModel, error)     { return m.For(z) }
func (m ParetoNBD) purchaseModelFor([]float64) (PurchaseModel, error)      { return m, nil }
func (m BGNBD) purchaseModelFor([]float64) (PurchaseModel, error)          { return m, nil }
func (m MBGNBD) purchaseModelFor([]float64) (PurchaseModel, error)         { return m, nil }
func (m GammaGammaCov) spendModelFor(z []float64) (SpendModel, error)      { return m.For(z) }
func (m GammaGamma) spendModelFor([]float64) (SpendModel, error)           { return m, nil }
func (m FlatSpend) spendModelFor([]float64) (SpendModel, error)            { return m, nil }

// byCovariates numbers the distinct covariate vectors of a base's
// customers: group[i] is customer i's, and zs[g] group g's covariates.
// It refuses z of another length than the customers, with
// clv.ErrInconsistent.
func byCovariates(fn string, b Base, z [][]float64) (group []int32, zs [][]float64, err error) {
	if len(z) != len(b.Customers) {
		return nil, nil, fmt.Errorf("btyd: %s: %d covariate vectors: %w: the base has %d customers", fn, len(z), clv.ErrInconsistent, len(b.Customers))
	}
	index := make(map[string]int32)
	group = make([]int32, len(z))
	var key []byte
	for i, zi := range z {
		key = key[:0]
		for _, v := range zi {
			// +0 and −0 are one covariate.
			key = binary.LittleEndian.AppendUint64(key, math.Float64bits(v+0))
		}
		g, ok := index[string(key)]
		if !ok {
			g = int32(len(zs))
			index[string(key)] = g
			zs = append(zs, zi)
		}
		group[i] = g
	}
	return group, zs, nil
}

// ValuesByCovariates is [Values] for a base whose customers carry
// covariates: z[i] are those of b.Customers[i], and each customer is
// valued by their own models, m's and g's for their covariates (as
// [ParetoNBDCov.For] and [GammaGammaCov.For] give them), with the same
// formula, steps, discounting and rounding. The customers are grouped by
// their covariates, and each group's expectations are computed once for
// each of its distinct (x, T), as Values computes them for a base; the
// total sums every customer's value before its rounding and rounds once,
// so a base whose customers all share their covariates is valued to the
// bit as Values values it with their models. A base with few distinct
// covariate vectors (categories) takes about the time of Values; one
// whose every customer's covariates differ computes each customer's
// expectations apart.
//
// It returns an error wrapping [clv.ErrMissing] for a nil model or a base
// without customers, [clv.ErrInconsistent] if z has not one vector for
// each customer, the errors of m's and g's For for a customer's
// covariates (named by the customer's place), and Values' errors
// otherwise.
func ValuesByCovariates(m CovariatePurchaseModel, g CovariateSpendModel, b Base, z [][]float64, h Horizon, opts ...ValueOption) (Valuation, error) {
	const fn = "values by covariates"
	if m == nil || g == nil {
		return Valuation{}, fmt.Errorf("btyd: %s: model: %w", fn, clv.ErrMissing)
	}
	group, zs, err := byCovariates(fn, b, z)
	if err != nil {
		return Valuation{}, err
	}
	ms, gs, err := groupModels(fn, m, g, group, zs)
	if err != nil {
		return Valuation{}, err
	}
	// One valuer, of the first group's models, serves every group: its
	// steps and discount factors depend on the horizon and options
	// alone, and each group's models are checked as it checks them.
	if len(zs) == 0 {
		return Valuation{}, fmt.Errorf("btyd: %s: base: %w: no customers", fn, clv.ErrMissing)
	}
	v, err := newValuer(fn, ms[0], gs[0], b, h, opts)
	if err != nil {
		return Valuation{}, err
	}
	for k := 1; k < len(zs); k++ {
		if err := checkModel(fn, ms[k]); err != nil {
			return Valuation{}, err
		}
		if _, _, err := v.config.checkValuation(fn, gs[k], h); err != nil {
			return Valuation{}, err
		}
	}
	out := Valuation{Horizon: h, Step: v.config.step, Customers: make([]CustomerValue, len(b.Customers))}
	var parts [2]valueSums
	split(len(b.Customers), func(part, lo, hi int) {
		p := &parts[part]
		caches := make(map[int32]*pairCache[pairValue])
		for i := lo; i < hi; i++ {
			c := &b.Customers[i]
			k := group[i]
			mk := ms[k]
			cache := caches[k]
			if cache == nil {
				cache = newPairCache(mk, v.expect)
				caches[k] = cache
			}
			if !p.valueCustomer(fn, v, mk, gs[k], cache, c, i, &out.Customers[i]) {
				return
			}
		}
	})
	if err := out.total(fn, &parts, v.config.scale); err != nil {
		return Valuation{}, err
	}
	return out, nil
}

// groupModels returns each covariate group's purchase and spend models,
// or the error of the first customer whose covariates give none.
func groupModels(fn string, m CovariatePurchaseModel, g CovariateSpendModel, group []int32, zs [][]float64) ([]PurchaseModel, []SpendModel, error) {
	ms := make([]PurchaseModel, len(zs))
	var gs []SpendModel
	if g != nil {
		gs = make([]SpendModel, len(zs))
	}
	// The first customer of each group names it in errors.
	first := make([]int, len(zs))
	for i := range first {
		first[i] = -1
	}
	for i, k := range group {
		if first[k] < 0 {
			first[k] = i
		}
	}
	for k, z := range zs {
		var err error
		if ms[k], err = m.purchaseModelFor(z); err != nil {
			return nil, nil, naming(err, fn, "customer", int64(first[k]+1))
		}
		if g == nil {
			continue
		}
		if gs[k], err = g.spendModelFor(z); err != nil {
			return nil, nil, naming(err, fn, "customer", int64(first[k]+1))
		}
	}
	return ms, gs, nil
}

// CompareHoldoutByCovariates is [CompareHoldout] for a base whose
// customers carry covariates: z[i] are those of b.Customers[i], and each
// customer's holdout purchases are predicted by their own model, m's for
// their covariates. The customers are grouped by their covariates, each
// group's expectations computed once for each of its distinct (x, T);
// the rows by frequency sum over every group, so that a base whose
// customers all share their covariates compares as CompareHoldout
// compares it with their model.
//
// It returns an error wrapping [clv.ErrMissing] for a nil model or a base
// without customers or holdout, [clv.ErrInconsistent] if z has not one
// vector for each customer, the errors of m's For for a customer's
// covariates, and CompareHoldout's errors otherwise.
func CompareHoldoutByCovariates(m CovariatePurchaseModel, b Base, z [][]float64) (Holdout, error) {
	const fn = "compare holdout by covariates"
	if m == nil {
		return Holdout{}, fmt.Errorf("btyd: %s: model: %w", fn, clv.ErrMissing)
	}
	group, zs, err := byCovariates(fn, b, z)
	if err != nil {
		return Holdout{}, err
	}
	ms, _, err := groupModels(fn, m, nil, group, zs)
	if err != nil {
		return Holdout{}, err
	}
	switch {
	case len(zs) == 0:
		return Holdout{}, fmt.Errorf("btyd: %s: base: %w: no customers", fn, clv.ErrMissing)
	case !(b.Holdout > 0):
		return Holdout{}, fmt.Errorf("btyd: %s: base: %w: no holdout", fn, clv.ErrMissing)
	}
	// The customers are checked here, so that an error names each by its
	// place in b, not in its group.
	for i := range b.Customers {
		c := &b.Customers[i]
		if err := checkHoldoutCustomer(fn, c); err != nil {
			return Holdout{}, naming(err, fn, "customer", int64(i+1))
		}
	}
	// Each group's customers in a base of their own, in order, compared
	// by CompareHoldout; the predictions add row by row. Each base is
	// made to size: a customer is some 200 bytes, and a million of them
	// appended would copy twice as many.
	sizes := make([]int, len(zs))
	for _, k := range group {
		sizes[k]++
	}
	bases := make([]Base, len(zs))
	for k := range bases {
		bases[k] = Base{Unit: b.Unit, Holdout: b.Holdout, Customers: make([]Customer, 0, sizes[k])}
	}
	for i, k := range group {
		bases[k].Customers = append(bases[k].Customers, b.Customers[i])
	}
	h := Holdout{Length: b.Holdout, ByFrequency: make([]HoldoutRow, HoldoutFrequencies)}
	for x := range h.ByFrequency {
		h.ByFrequency[x].X = int64(x)
	}
	for k, bk := range bases {
		hk, err := CompareHoldout(ms[k], bk)
		if err != nil {
			return Holdout{}, err
		}
		for x, row := range hk.ByFrequency {
			h.ByFrequency[x].Customers += row.Customers
			h.ByFrequency[x].Actual += row.Actual
			h.ByFrequency[x].Predicted += row.Predicted
		}
	}
	for _, row := range h.ByFrequency {
		h.Customers += row.Customers
		h.Actual += row.Actual
		h.Predicted += row.Predicted
	}
	return h, nil
}

// TrackByCovariates is [Track] for a base whose customers carry
// covariates: z[i] are those of the i-th customer of s's [Base] (in
// [Summarizer.Base]'s order), and each customer's expected purchases are
// their own model's, m's for their covariates. The step ending at τ
// expects
//
//	Σ over customers  E_i[X(τ − f_i)]
//
// with f_i the customer's first purchase day and E_i[X(t)] their own
// model's ExpectedPurchases; it is evaluated once for each step and
// each distinct (first purchase day, covariates), so a base whose
// customers all share their covariates is tracked as Track tracks it with
// their model, and each category multiplies the work by at most the
// number of categories.
//
// It returns an error wrapping [clv.ErrMissing] for a nil model, or if s
// was not made by [NewSummarizer] or has no customers,
// [clv.ErrInconsistent] if z has not one vector for each customer of
// the base, the errors of m's For for a customer's covariates, one
// wrapping [clv.ErrOutOfRange] if the base spans more than 10,000 units
// or would need more than 5 × 10^7 model evaluations, and fails as a
// model's ExpectedPurchases does.
func TrackByCovariates(m CovariatePurchaseModel, s *Summarizer, z [][]float64) (Tracking, error) {
	const fn = "track by covariates"
	if m == nil {
		return Tracking{}, fmt.Errorf("btyd: %s: model: %w", fn, clv.ErrMissing)
	}
	if s == nil || !s.ready {
		return Tracking{}, fmt.Errorf("btyd: %s: summarizer: %w: make it with NewSummarizer", fn, clv.ErrMissing)
	}
	s.compact()
	// The base's customers, in its order: their first days and shards.
	type member struct {
		sh    *shard
		index int32
		first int32
	}
	var members []member
	start := int32(math.MaxInt32)
	for bc := range s.inBase(s.order()) {
		members = append(members, member{bc.sh, bc.index, bc.c.firstDay})
		start = min(start, bc.c.firstDay)
	}
	if len(members) == 0 {
		return Tracking{}, fmt.Errorf("btyd: %s: customers: %w", fn, clv.ErrMissing)
	}
	group, zs, err := byCovariates(fn, Base{Customers: make([]Customer, len(members))}, z)
	if err != nil {
		return Tracking{}, err
	}
	ms, _, err := groupModels(fn, m, nil, group, zs)
	if err != nil {
		return Tracking{}, err
	}
	// Groups whose models are equal are one cohort, so that a model
	// without covariates tracks as Track tracks it, sums and all.
	same := make(map[PurchaseModel]int32, len(ms))
	for k, mk := range ms {
		if err := checkModel(fn, mk); err != nil {
			return Tracking{}, err
		}
		if _, ok := same[mk]; !ok {
			same[mk] = int32(k)
		}
	}
	for i, k := range group {
		group[i] = same[ms[k]]
	}
	steps, stepOf, err := s.trackingSteps(fn, start)
	if err != nil {
		return Tracking{}, err
	}
	// Repeat purchase days by the step they fall in, as Track counts
	// them, and customers by their first day and group.
	repeats := make([]int64, steps)
	type cohortKey struct {
		day   int32
		group int32
	}
	firsts := map[cohortKey]int64{}
	for i, mb := range members {
		firsts[cohortKey{mb.first, group[i]}]++
		addRepeats(repeats, mb.sh.daysOf(mb.index), mb.first, stepOf)
	}
	if err := checkTrackingWork(fn, steps, len(firsts), "first purchase days and covariates"); err != nil {
		return Tracking{}, err
	}
	type cohort struct {
		day       float64 // from start
		group     int32
		customers int64
	}
	cohorts := make([]cohort, 0, len(firsts))
	for k, n := range firsts {
		cohorts = append(cohorts, cohort{float64(k.day - start), k.group, n})
	}
	// By day, then group: the sums run in one order whatever the map's.
	slices.SortFunc(cohorts, func(a, b cohort) int { return cmp.Or(cmp.Compare(a.day, b.day), cmp.Compare(a.group, b.group)) })
	tr := s.newTracking(start, steps)
	err = s.fillSteps(fn, &tr, start, repeats, func(end float64) (float64, error) {
		var expected kahan
		for _, c := range cohorts {
			if c.day >= end {
				break
			}
			e, err := ms[c.group].ExpectedPurchases((end - c.day) / s.unitDays)
			if err != nil {
				return 0, err
			}
			expected.add(float64(c.customers) * e)
		}
		return expected.value(), nil
	})
	if err != nil {
		return Tracking{}, err
	}
	return tr, nil
}

// ForecastsByCovariates is [Forecasts] for a base whose customers carry
// covariates: z[i] are those of b.Customers[i], and each customer's
// forecasts over h are those of their own model, m's for their covariates
// (as [ParetoNBDCov.For] gives it), with the same formulas and accuracy.
// The customers are grouped by their covariates and each group is
// forecast as Forecasts forecasts a base, so a base whose customers all
// share their covariates is forecast to the bit as Forecasts forecasts it
// with their model. A base with few distinct covariate vectors
// (categories) takes about the time of Forecasts; one whose every
// customer's covariates differ forecasts each customer apart.
//
// It returns an error wrapping [clv.ErrMissing] for a nil model,
// [clv.ErrInconsistent] if z has not one vector for each customer, the
// errors of m's For for a customer's covariates, and Forecasts' errors
// otherwise, a customer named by their place in b.
func ForecastsByCovariates(m CovariatePurchaseModel, b Base, z [][]float64, h Horizon, upTo int) (Forecast, error) {
	const fn = "forecasts by covariates"
	if m == nil {
		return Forecast{}, fmt.Errorf("btyd: %s: model: %w", fn, clv.ErrMissing)
	}
	group, zs, err := byCovariates(fn, b, z)
	if err != nil {
		return Forecast{}, err
	}
	ms, _, err := groupModels(fn, m, nil, group, zs)
	if err != nil {
		return Forecast{}, err
	}
	// Customers are checked here, so that an error names their place in
	// b, not in their group.
	for i := range b.Customers {
		c := &b.Customers[i]
		if err := checkCustomer(fn, c.X, c.Tx, c.T); err != nil {
			return Forecast{}, naming(err, fn, "customer", int64(i+1))
		}
	}
	members := make([][]int, len(zs))
	for i, k := range group {
		members[k] = append(members[k], i)
	}
	out := Forecast{Horizon: h, Customers: make([]CustomerForecast, len(b.Customers))}
	for k, idx := range members {
		sub := b
		sub.Customers = make([]Customer, len(idx))
		for j, i := range idx {
			sub.Customers[j] = b.Customers[i]
		}
		f, err := Forecasts(ms[k], sub, h, upTo)
		if err != nil {
			return Forecast{}, err
		}
		for j, i := range idx {
			out.Customers[i] = f.Customers[j]
		}
	}
	return out, nil
}
