package btyd

import (
	"encoding/binary"
	"fmt"
	"math"

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
			e, err := cache.get(c.X, c.T)
			if err != nil {
				p.err = err
				return
			}
			alive, ok := mk.aliveProbability(float64(c.X), c.Tx, c.T)
			if !ok {
				p.err = naming(notComputable(fn, mk), fn, "customer", int64(i+1))
				return
			}
			spend, err := gs[k].expectedSpend(fn, float64(c.X), toFloat(c.Spend))
			if err != nil {
				p.err = naming(err, fn, "customer", int64(i+1))
				return
			}
			value := v.margin * spend * alive * e.discounted
			p.add(&out.Customers[i], c.ID, alive, alive*e.purchases, alive*e.discounted, spend, value, v.config.scale)
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
		if err := checkCustomer(fn, c.X, c.Tx, c.T); err != nil {
			return Holdout{}, naming(err, fn, "customer", int64(i+1))
		}
		switch {
		case c.HoldoutX < 0:
			return Holdout{}, naming(fmt.Errorf("btyd: %s: holdout x = %d: %w", fn, c.HoldoutX, clv.ErrNegative), fn, "customer", int64(i+1))
		case c.HoldoutX > maxCount:
			return Holdout{}, naming(fmt.Errorf("btyd: %s: holdout x = %d: %w: above %d", fn, c.HoldoutX, clv.ErrOutOfRange, maxCount), fn, "customer", int64(i+1))
		}
	}
	// Each group's customers in a base of their own, in order, compared
	// by CompareHoldout; the predictions add row by row.
	bases := make([]Base, len(zs))
	for k := range bases {
		bases[k] = Base{Unit: b.Unit, Holdout: b.Holdout}
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
