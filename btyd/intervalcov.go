package btyd

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/clvkit/clv"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distmv"
)

// A CovariatePurchaseFit is a purchase model with covariates fitted to a
// customer base, with the covariance of its parameters: a
// [ParetoNBDCovFit] or a [BGNBDCovFit]. [ValueIntervalsByCovariates]
// takes one.
type CovariatePurchaseFit interface {
	// covariateFit returns the fit's base parameters, its coefficients
	// by block (purchase, drop-out), its statistics, and the model of
	// base parameters and coefficients of its kind.
	covariateFit() (base []float64, coef [][]float64, stats FitStats, model func(base []float64, coef [][]float64) CovariatePurchaseModel)
}

// A CovariateSpendFit is a spend model fitted to customers' spend, with
// or without covariates, with the covariance of its parameters: a
// [GammaGammaFit] or a [GammaGammaCovFit]. [ValueIntervalsByCovariates]
// takes one.
type CovariateSpendFit interface {
	// drawSpend returns n draws of the fit's gamma–gamma parameters
	// (p, q, γ) for customers with each of covariates zs: draw j of
	// group g at g·n + j.
	drawSpend(fn string, n int, src rand.Source, zs [][]float64) ([][]float64, error)
}

var (
	_ CovariatePurchaseFit = ParetoNBDCovFit{}
	_ CovariatePurchaseFit = BGNBDCovFit{}
	_ CovariateSpendFit    = GammaGammaFit{}
	_ CovariateSpendFit    = GammaGammaCovFit{}
)

func (f GammaGammaFit) drawSpend(fn string, n int, src rand.Source, zs [][]float64) ([][]float64, error) {
	draws, err := gammaGammaFitted(f).draw(fn, n, src)
	if err != nil {
		return nil, err
	}
	out := make([][]float64, 0, len(zs)*n)
	for range zs {
		out = append(out, draws...)
	}
	return out, nil
}

func (f GammaGammaCovFit) drawSpend(fn string, n int, src rand.Source, zs [][]float64) ([][]float64, error) {
	m := f.Model
	base := []float64{m.Base.P, m.Base.Q, m.Base.Gamma}
	draws, err := drawCovariateFit(fn, base, [][]float64{m.Spend}, []string{"spend"}, f.Stats, n, src)
	if err != nil {
		return nil, err
	}
	out := make([][]float64, len(zs)*n)
	for j, d := range draws {
		model := GammaGammaCov{Base: GammaGamma{P: d.base[0], Q: d.base[1], Gamma: d.base[2]}, Spend: d.coef[0]}
		for g, z := range zs {
			own, err := model.For(z)
			if err != nil {
				return nil, fmt.Errorf("btyd: %s: spend draw %d: %w: the fit is too uncertain to draw from", fn, j+1, err)
			}
			out[g*n+j] = []float64{own.P, own.Q, own.Gamma}
		}
	}
	return out, nil
}

func (f ParetoNBDCovFit) covariateFit() ([]float64, [][]float64, FitStats, func([]float64, [][]float64) CovariatePurchaseModel) {
	m := f.Model
	return []float64{m.Base.R, m.Base.Alpha, m.Base.S, m.Base.Beta}, [][]float64{m.Purchase, m.Dropout}, f.Stats,
		func(th []float64, c [][]float64) CovariatePurchaseModel {
			return ParetoNBDCov{Base: ParetoNBD{R: th[0], Alpha: th[1], S: th[2], Beta: th[3]}, Purchase: c[0], Dropout: c[1]}
		}
}

func (f BGNBDCovFit) covariateFit() ([]float64, [][]float64, FitStats, func([]float64, [][]float64) CovariatePurchaseModel) {
	m := f.Model
	return []float64{m.Base.R, m.Base.Alpha, m.Base.A, m.Base.B}, [][]float64{m.Purchase, m.Dropout}, f.Stats,
		func(th []float64, c [][]float64) CovariatePurchaseModel {
			return BGNBDCov{Base: BGNBD{R: th[0], Alpha: th[1], A: th[2], B: th[3]}, Purchase: c[0], Dropout: c[1]}
		}
}

// ValueIntervalsByCovariates is [ValueIntervals] for a base whose
// customers carry covariates, z[i] those of b.Customers[i], valued by a
// purchase model with covariates and a spend model with or without them:
// it draws each fit's base parameters and coefficients together from
// their asymptotic normal — on the logarithms of the base parameters and
// on the coefficients themselves, the scales on which the fits climb,
// with each fit's covariance carried over by the delta method — the two
// fits independently; each draw values every customer with their own
// models of the drawn parameters, as [ValuesByCovariates] does, and each
// interval runs from the (1 − level)/2 to the (1 + level)/2 quantile of
// the draws, the totals' from the draws' totals. The options, the seed's
// meaning and the limits are ValueIntervals'. A group's base parameters
// are linear in the drawn ones on the logarithmic scale, so the draws of
// a customer's own model are the normal of that model's parameters, as
// the fit describes them.
//
// The work is the draws times the distinct (covariates, x, T) of the
// base, plus the draws times the customers.
//
// It returns an error wrapping [clv.ErrMissing] for a nil fit or one
// without a covariance, [clv.ErrInconsistent] if z has not one vector
// for each customer or a covariance is not of its fit's parameters,
// [clv.ErrOutOfRange] if a draw gives a customer a model outside the
// model's bounds (the fit is too uncertain to draw from), and
// ValueIntervals' errors otherwise.
func ValueIntervalsByCovariates(fit CovariatePurchaseFit, spend CovariateSpendFit, b Base, z [][]float64, h Horizon, opts ...IntervalOption) (ValuationIntervals, error) {
	const fn = "value intervals by covariates"
	c, err := newIntervalConfig(fn, opts)
	if err != nil {
		return ValuationIntervals{}, err
	}
	if fit == nil || spend == nil {
		return ValuationIntervals{}, fmt.Errorf("btyd: %s: fit: %w", fn, clv.ErrMissing)
	}
	base, coef, stats, model := fit.covariateFit()
	group, zs, err := byCovariates(fn, b, z)
	if err != nil {
		return ValuationIntervals{}, err
	}
	if len(zs) == 0 {
		return ValuationIntervals{}, fmt.Errorf("btyd: %s: base: %w: no customers", fn, clv.ErrMissing)
	}
	point, _, err := groupModels(fn, model(base, coef), nil, group, zs)
	if err != nil {
		return ValuationIntervals{}, err
	}
	spendModel, err := pointSpend(spend, zs[0])
	if err != nil {
		return ValuationIntervals{}, err
	}
	v, err := newValuer(fn, point[0], spendModel, b, h, c.value)
	if err != nil {
		return ValuationIntervals{}, err
	}
	n := c.draws
	if len(b.Customers)*n > maxIntervalWork {
		return ValuationIntervals{}, fmt.Errorf("btyd: %s: draws = %d: %w: %d customers times the draws exceed 2^28; draw fewer", fn, n, clv.ErrOutOfRange, len(b.Customers))
	}
	draws, err := drawCovariateFit(fn, base, coef, []string{"purchase", "dropout"}, stats, n, rand.NewPCG(c.seed, 1))
	if err != nil {
		return ValuationIntervals{}, err
	}
	spendDraws, err := spend.drawSpend(fn, n, rand.NewPCG(c.seed, 2), zs)
	if err != nil {
		return ValuationIntervals{}, err
	}
	// Each draw's model of each group: models[g*n + j].
	models := make([]PurchaseModel, len(zs)*n)
	for j, d := range draws {
		m := model(d.base, d.coef)
		for g, zg := range zs {
			mg, err := m.purchaseModelFor(zg)
			if err != nil {
				return ValuationIntervals{}, fmt.Errorf("btyd: %s: draw %d: %w: the fit is too uncertain to draw from", fn, j+1, err)
			}
			models[g*n+j] = mg
		}
	}
	// The distinct (group, x, T), and each draw's expectations for each.
	type key struct {
		g int32
		p pairKey
	}
	patterns, patternOf, ok := distinctKeys(len(b.Customers), func(i int) key {
		return key{group[i], pairKey{b.Customers[i].X, b.Customers[i].T}}
	}, maxIntervalTable/n)
	if !ok {
		return ValuationIntervals{}, fmt.Errorf("btyd: %s: draws = %d: %w: more than 2^24 expectations for the base's distinct (covariates, x, T); draw fewer", fn, n, clv.ErrOutOfRange)
	}
	table, err := expectationTable(len(patterns), n, func(p, j int) (pairValue, error) {
		pat := patterns[p]
		return v.expect(models[int(pat.g)*n+j], pat.p.x, pat.p.T)
	})
	if err != nil {
		return ValuationIntervals{}, err
	}
	customer := baseCustomers(b, patternOf)
	groupOf := func(i int) int { return int(group[i]) }
	return drawnIntervals(fn, drawTable{draws: n, patterns: len(patterns), table: table, models: models[:n]},
		len(b.Customers), customer, ownAlive(models, n, b, groupOf), spendDraws, groupOf, v.margin, v.config.scale, c.level)
}

// A covariateDraw is one draw of a fit with covariates: its base
// parameters and its coefficients by block.
type covariateDraw struct {
	base []float64
	coef [][]float64
}

// drawCovariateFit draws n parameter vectors of a fit with covariates
// from the normal of (ln base, γ) with mean at the fit and covariance
// D⁻¹ Σ D⁻¹, D = diag(base, 1, …, 1), Σ the fit's covariance of
// (base, γ) in the order of stats.Parameters: base, then the free
// coefficients named blocks[b][j] for the coefficient j of coef[b], or
// both[j] for one shared by the two blocks.
func drawCovariateFit(fn string, base []float64, coef [][]float64, blocks []string, stats FitStats, n int, src rand.Source) ([]covariateDraw, error) {
	names := stats.Parameters
	k := len(names)
	if len(stats.Covariance) == 0 {
		return nil, fmt.Errorf("btyd: %s: fit: covariance: %w: the fit has none", fn, clv.ErrMissing)
	}
	if len(stats.Covariance) != k || k < len(base) {
		return nil, fmt.Errorf("btyd: %s: fit: covariance: %w: %d rows for %d parameters", fn, clv.ErrInconsistent, len(stats.Covariance), k)
	}
	// Where each parameter lies: base i, or coefficient j of blocks.
	type place struct {
		blocks []int
		j      int
	}
	places := make([]place, k)
	mu := make([]float64, k)
	for i, name := range names {
		if i < len(base) {
			if !(base[i] > 0) {
				return nil, fmt.Errorf("btyd: %s: fit: %s = %v: %w", fn, name, base[i], clv.ErrNonPositive)
			}
			mu[i] = math.Log(base[i])
			continue
		}
		var j int
		var p place
		for b, block := range blocks {
			if scanCoef(name, block, &j) {
				p = place{[]int{b}, j}
			}
		}
		if p.blocks == nil && len(blocks) == 2 && scanCoef(name, "both", &j) {
			p = place{[]int{0, 1}, j}
		}
		if p.blocks == nil {
			return nil, fmt.Errorf("btyd: %s: fit: parameter %q: %w: not a coefficient", fn, name, clv.ErrInconsistent)
		}
		for _, b := range p.blocks {
			if j < 0 || j >= len(coef[b]) {
				return nil, fmt.Errorf("btyd: %s: fit: parameter %q: %w: the model has %d coefficients", fn, name, clv.ErrInconsistent, len(coef[b]))
			}
		}
		places[i] = p
		mu[i] = coef[p.blocks[0]][j]
	}
	scale := func(i int) float64 {
		if i < len(base) {
			return base[i]
		}
		return 1
	}
	cov := mat.NewSymDense(k, nil)
	for i, row := range stats.Covariance {
		if len(row) != k {
			return nil, fmt.Errorf("btyd: %s: fit: covariance row %d: %w: %d columns for %d parameters", fn, i+1, clv.ErrInconsistent, len(row), k)
		}
		for j, c := range row {
			if math.IsNaN(c) || math.IsInf(c, 0) {
				return nil, fmt.Errorf("btyd: %s: fit: covariance[%d][%d] = %v: %w", fn, i+1, j+1, c, clv.ErrOutOfRange)
			}
			if c != stats.Covariance[j][i] {
				return nil, fmt.Errorf("btyd: %s: fit: covariance: %w: not symmetric", fn, clv.ErrInconsistent)
			}
			cov.SetSym(i, j, c/(scale(i)*scale(j)))
		}
	}
	normal, ok := distmv.NewNormal(mu, cov, src)
	if !ok {
		return nil, fmt.Errorf("btyd: %s: fit: covariance: %w: not positive definite", fn, clv.ErrNoFit)
	}
	out := make([]covariateDraw, n)
	for d := range out {
		u := normal.Rand(nil)
		draw := covariateDraw{base: make([]float64, len(base)), coef: make([][]float64, len(coef))}
		for b := range coef {
			draw.coef[b] = append([]float64(nil), coef[b]...)
		}
		for i, v := range u {
			if i < len(base) {
				draw.base[i] = math.Exp(v)
				continue
			}
			for _, b := range places[i].blocks {
				draw.coef[b][places[i].j] = v
			}
		}
		out[d] = draw
	}
	return out, nil
}

// scanCoef reports whether name is block[j], and sets j.
func scanCoef(name, block string, j *int) bool {
	var rest string
	n, err := fmt.Sscanf(name, block+"[%d%s", j, &rest)
	return err == nil && n == 2 && rest == "]"
}

// pointSpend returns a spend fit's model of customers with covariates z,
// which the valuation checks as Values does.
func pointSpend(spend CovariateSpendFit, z []float64) (SpendModel, error) {
	switch f := spend.(type) {
	case GammaGammaFit:
		return f.Model, nil
	case GammaGammaCovFit:
		return f.Model.For(z)
	}
	return nil, fmt.Errorf("btyd: value intervals by covariates: spend fit: %w", clv.ErrMissing)
}
