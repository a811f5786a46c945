package btyd

import (
	"fmt"
	"math"

	"github.com/clvkit/clv"
	"github.com/shopspring/decimal"
)

// A Horizon is how far ahead [Values] counts: Length periods, in exact
// lengths (a week is 7 days, a month 30.4375, a quarter 91.3125, a year
// 365.25). The zero Period is a year, as in the clv package.
type Horizon struct {
	Length int        `json:"length"`
	Period clv.Period `json:"period"`
}

// maxHorizonDays bounds a valuation's horizon: 1,000 years, which weekly
// steps count in 52,179 steps.
const maxHorizonDays = 1000 * 365.25

// A ValueOption sets an optional input of [Values].
type ValueOption interface {
	applyValue(*valueConfig)
}

type valueConfig struct {
	step       clv.Period
	stepSet    bool
	rate       decimal.Decimal
	ratePeriod clv.Period
	margin     decimal.Decimal
	scale      int32
}

type valueOption func(*valueConfig)

func (f valueOption) applyValue(c *valueConfig) { f(c) }

// WithStep sets the step at which value is counted: purchases expected in
// each step are discounted from the step's end. The default is the
// horizon's period, so a horizon of 3 years counts yearly and one of 36
// months monthly. A step longer than the horizon is the horizon. An
// unknown period makes [Values] fail with [clv.ErrUnknownPeriod].
func WithStep(p clv.Period) ValueOption {
	return valueOption(func(c *valueConfig) { c.step, c.stepSet = p, true })
}

// WithDiscountRate discounts future value at rate per period, compounding
// over exact lengths of time: 0.1 a year is (1.1)^(7/365.25) − 1 a week.
// The default is 0, no discounting. A negative rate makes [Values] fail
// with [clv.ErrNegative], an unknown period with [clv.ErrUnknownPeriod].
func WithDiscountRate(rate decimal.Decimal, per clv.Period) ValueOption {
	return valueOption(func(c *valueConfig) { c.rate, c.ratePeriod = rate, per })
}

// WithGrossMargin sets the share of spend kept as profit, from 0 to 1,
// turning the value of revenue into one of profit, as the clv package's
// option of the same name does. The default is 1. A margin below 0 makes
// [Values] fail with [clv.ErrNegative], above 1 with [clv.ErrAboveOne].
func WithGrossMargin(margin decimal.Decimal) ValueOption {
	return valueOption(func(c *valueConfig) { c.margin = margin })
}

// WithScale sets the decimal places every value is rounded to, half away
// from zero, from 0 to [clv.MaxScale]. The default is [clv.DefaultScale].
// Any other scale makes [Values] fail with [clv.ErrOutOfRange].
func WithScale(places int32) ValueOption {
	return valueOption(func(c *valueConfig) { c.scale = places })
}

// A CustomerValue is one customer's expected purchases and value over a
// horizon, from [Values].
type CustomerValue struct {
	// ID is the customer's id.
	ID string `json:"id"`
	// ProbAlive is the probability that the customer is still a customer
	// at the calibration end ([PurchaseModel] ProbAlive).
	ProbAlive float64 `json:"prob_alive"`
	// Purchases is the expected number of purchases over the horizon, and
	// DiscountedPurchases the same with each step's purchases discounted
	// from its end.
	Purchases           float64 `json:"purchases"`
	DiscountedPurchases float64 `json:"discounted_purchases"`
	// Spend is the expected amount of each purchase
	// ([GammaGamma.ExpectedSpend]), rounded to the scale.
	Spend decimal.Decimal `json:"spend"`
	// Value is gross margin × expected spend × DiscountedPurchases,
	// rounded once to the scale.
	Value decimal.Decimal `json:"value"`
}

// A Valuation is the value of a customer base over a horizon, customer by
// customer and in total, from [Values].
type Valuation struct {
	// Horizon is how far ahead value was counted, and Step the step of
	// counting and discounting.
	Horizon Horizon    `json:"horizon"`
	Step    clv.Period `json:"step"`
	// Customers holds the value of each customer of the base, in its
	// order.
	Customers []CustomerValue `json:"customers"`
	// Purchases is the sum of the customers' expected purchases.
	Purchases float64 `json:"purchases"`
	// Value is the sum of the customers' values before their rounding,
	// rounded once to the scale. It may differ from the sum of the
	// rounded Values by up to half a unit of the last place a customer.
	Value decimal.Decimal `json:"value"`
}

// Values returns the lifetime value of each customer of a base over a
// horizon: expected spend × discounted expected purchases × gross margin.
// With steps of length Δ ending at t_k = min(kΔ, H), k = 1 … K, over a
// horizon H, and a discount rate d per period of length P,
//
//	discounted purchases = Σ_k (E[Y(t_k)] − E[Y(t_{k−1})]) (1 + d)^(−t_k / P)
//	value                = margin × E[Z | x, z̄] × discounted purchases
//
// where E[Y(t)] is the customer's conditional expected purchases in the
// next t (the [PurchaseModel]'s ConditionalExpectedPurchases) and
// E[Z | x, z̄] their expected spend by the [SpendModel]
// ([GammaGamma.ExpectedSpend], or a [FlatSpend]'s amount): each
// step's purchases are valued at its end, discounted to the calibration
// end, and a partial last step ends at the horizon. Time converts between
// units by exact lengths. The purchase model and the spend model are
// float64; exactness ends at the conversion of spend and margin to
// float64, and each value carries about 12 significant digits before its
// one rounding, half away from zero, to the scale ([WithScale]). Options
// set the step ([WithStep]), the discount rate ([WithDiscountRate]) and
// the gross margin ([WithGrossMargin]).
//
// The expectations depend on a customer only through x and T, so they are
// computed once for each distinct (x, T) of the base, on two goroutines
// for a large base. Each sums the increments over the steps as integrals
// of the customer's purchase rate, by Taylor series that cover many steps
// at once, in work that grows with the logarithm of the steps (plus a
// table of the discount factors, linear in the steps, that every customer
// shares): on the CDNOW sample, 52,000 weekly steps (1,000 years) take
// under twice the time of 1,000. Where the expectation's own series is the
// cheaper, for heavy buyers over few steps, it is evaluated at every
// step's end instead. The two agree within 10^−10.
//
// It returns an error wrapping [clv.ErrMissing] for a nil purchase or
// spend model, an error if either model is not valid or a customer is not one the models take
// (see the model's type and [GammaGamma.ExpectedSpend]), one wrapping
// [clv.ErrUnknownPeriod] for an unknown unit, period or step,
// [clv.ErrNonPositive] for a horizon of no length, [clv.ErrOutOfRange]
// for a horizon beyond 1,000 years or a scale outside 0 to
// [clv.MaxScale], [clv.ErrNegative] or [clv.ErrAboveOne] for a bad
// rate or margin, and [clv.ErrOutOfRange] if the spend model's mean is
// infinite (q ≤ 1) for a customer without a repeat purchase.
func Values(m PurchaseModel, g SpendModel, b Base, h Horizon, opts ...ValueOption) (Valuation, error) {
	const fn = "values"
	v, err := newValuer(fn, m, g, b, h, opts)
	if err != nil {
		return Valuation{}, err
	}
	out := Valuation{Horizon: h, Step: v.config.step, Customers: make([]CustomerValue, len(b.Customers))}
	var parts [2]valueSums
	split(len(b.Customers), func(part, lo, hi int) {
		p := &parts[part]
		cache := newPairCache(m, v.expect)
		for i := lo; i < hi; i++ {
			if !p.valueCustomer(fn, v, m, g, cache, &b.Customers[i], i, &out.Customers[i]) {
				return
			}
		}
	})
	if err := out.total(fn, &parts, v.config.scale); err != nil {
		return Valuation{}, err
	}
	return out, nil
}

// valueCustomer values the customer c, the i-th of the base, by the purchase
// model m, whose expectations cache holds, and the spend model g, into
// out, and adds them to p: P(alive) × the expected purchases, expected
// spend, and margin × spend × P(alive) × the discounted purchases. It
// returns false, with p.err set, if a figure cannot be computed.
func (p *valueSums) valueCustomer(fn string, v *valuer, m PurchaseModel, g SpendModel, cache *pairCache[pairValue], c *Customer, i int, out *CustomerValue) bool {
	e, err := cache.get(c.X, c.T)
	if err != nil {
		p.err = err
		return false
	}
	alive, ok := m.aliveProbability(float64(c.X), c.Tx, c.T)
	if !ok {
		p.err = naming(notComputable(fn, m), fn, "customer", int64(i+1))
		return false
	}
	spend, err := g.expectedSpend(fn, float64(c.X), toFloat(c.Spend))
	if err != nil {
		p.err = naming(err, fn, "customer", int64(i+1))
		return false
	}
	value := v.margin * spend * alive * e.discounted
	p.add(out, c.ID, alive, alive*e.purchases, alive*e.discounted, spend, value, v.config.scale)
	return true
}

// valueSums are one part's sums of a valuation's expected purchases and
// values, and the first error the part met.
type valueSums struct {
	purchases, value kahan
	err              error
}

// add sets c to the value of a customer, from their P(alive), expected
// purchases, discounted expected purchases, expected spend and value, and
// adds it to the sums.
func (p *valueSums) add(c *CustomerValue, id string, alive, purchases, discounted, spend, value float64, scale int32) {
	*c = CustomerValue{
		ID:                  id,
		ProbAlive:           alive,
		Purchases:           purchases,
		DiscountedPurchases: discounted,
		Spend:               toDecimal(spend, scale),
		Value:               toDecimal(value, scale),
	}
	p.purchases.add(purchases)
	p.value.add(value)
}

// total sets out's expected purchases and value to the sums of parts,
// the value rounded to scale places. It returns the first part's error,
// or one wrapping clv.ErrOutOfRange if the value overflows float64.
func (out *Valuation) total(fn string, parts *[2]valueSums, scale int32) error {
	for _, p := range parts {
		if p.err != nil {
			return p.err
		}
	}
	out.Purchases = parts[0].purchases.value() + parts[1].purchases.value()
	total := parts[0].value.value() + parts[1].value.value()
	if math.IsInf(total, 0) || math.IsNaN(total) {
		return fmt.Errorf("btyd: %s: %w: the total value overflows float64", fn, clv.ErrOutOfRange)
	}
	out.Value = toDecimal(total, scale)
	return nil
}

// A valuer holds the checked inputs of Values: the step ends and their
// discount factors, in the model's unit, and the same as a stepGrid.
type valuer struct {
	config   valueConfig
	margin   float64
	ends     []float64 // t_1, …, t_K
	discount []float64 // (1 + d)^(−t_k/P)
	grid     *stepGrid
}

// newValueConfig returns the options of a valuation, with their defaults.
func newValueConfig(opts []ValueOption) valueConfig {
	c := valueConfig{margin: decimal.NewFromInt(1), scale: clv.DefaultScale}
	for _, o := range opts {
		if o != nil {
			o.applyValue(&c)
		}
	}
	return c
}

// checkValuation checks what every valuation shares: a valid spend model
// g; a horizon of a known period, a positive length and at most 1,000
// years; the discount rate's period; and the money options (checkMoney).
// It returns the lengths in days of the horizon's period and of the
// rate's.
func (c *valueConfig) checkValuation(fn string, g SpendModel, h Horizon) (period, ratePeriod float64, err error) {
	if g == nil {
		return 0, 0, fmt.Errorf("btyd: %s: spend model: %w", fn, clv.ErrMissing)
	}
	if err := g.check(fn); err != nil {
		return 0, 0, err
	}
	if period, err = checkUnit(fn, "horizon period", h.Period); err != nil {
		return 0, 0, err
	}
	if ratePeriod, err = checkUnit(fn+": discount rate", "period", c.ratePeriod); err != nil {
		return 0, 0, err
	}
	switch {
	case h.Length <= 0:
		return 0, 0, fmt.Errorf("btyd: %s: horizon length = %d: %w", fn, h.Length, clv.ErrNonPositive)
	case float64(h.Length)*period > maxHorizonDays:
		return 0, 0, fmt.Errorf("btyd: %s: horizon = %d %ss: %w: beyond 1000 years", fn, h.Length, h.Period, clv.ErrOutOfRange)
	}
	return period, ratePeriod, c.checkMoney(fn)
}

// checkMoney refuses a scale, discount rate or gross margin out of range.
func (c *valueConfig) checkMoney(fn string) error {
	if c.scale < 0 || c.scale > clv.MaxScale {
		return fmt.Errorf("btyd: %s: scale = %d: %w", fn, c.scale, clv.ErrOutOfRange)
	}
	if err := checkAmount(fn, "discount rate", c.rate); err != nil {
		return err
	}
	if c.rate.Sign() < 0 {
		return fmt.Errorf("btyd: %s: discount rate = %s: %w", fn, c.rate, clv.ErrNegative)
	}
	if err := checkAmount(fn, "gross margin", c.margin); err != nil {
		return err
	}
	switch {
	case c.margin.Sign() < 0:
		return fmt.Errorf("btyd: %s: gross margin = %s: %w", fn, c.margin, clv.ErrNegative)
	case c.margin.GreaterThan(decimal.NewFromInt(1)):
		return fmt.Errorf("btyd: %s: gross margin = %s: %w", fn, c.margin, clv.ErrAboveOne)
	}
	return nil
}

func newValuer(fn string, m PurchaseModel, g SpendModel, b Base, h Horizon, opts []ValueOption) (*valuer, error) {
	c := newValueConfig(opts)
	if !c.stepSet {
		c.step = h.Period
	}
	if err := checkModel(fn, m); err != nil {
		return nil, err
	}
	period, ratePeriod, err := c.checkValuation(fn, g, h)
	if err != nil {
		return nil, err
	}
	unit, err := checkUnit(fn, "base unit", b.Unit)
	if err != nil {
		return nil, err
	}
	step, err := checkUnit(fn, "step", c.step)
	if err != nil {
		return nil, err
	}
	for i := range b.Customers {
		if err := checkValuedCustomer(fn, &b.Customers[i]); err != nil {
			return nil, naming(err, fn, "customer", int64(i+1))
		}
	}

	// The step ends in the model's unit, and their discount factors.
	horizon := float64(h.Length) * period / unit
	delta := step / unit
	steps := math.Ceil(horizon/delta - 1e-9)
	v := &valuer{config: c, margin: toFloat(c.margin)}
	rate := math.Log1p(toFloat(c.rate)) * unit / ratePeriod // ln(1 + d) per unit of the model
	if rate == 0 {
		// Undiscounted, the steps' purchases add up to those of the
		// whole horizon: one step gives the same sum, at a step's cost.
		steps = 1
		delta = horizon
	}
	v.ends, v.discount = make([]float64, 0, int(steps)), make([]float64, 0, int(steps))
	for k := 1.0; k <= steps; k++ {
		t := min(k*delta, horizon)
		v.ends = append(v.ends, t)
		v.discount = append(v.discount, math.Exp(-rate*t))
	}
	v.grid = newStepGrid(delta, v.ends[len(v.ends)-1], rate, v.discount)
	return v, nil
}

// A pairValue holds the expectations of an alive customer with a given x
// and T: purchases over the horizon, and discounted.
type pairValue struct {
	purchases, discounted float64
}

// expect returns the expectations of an alive customer (x, T) under m.
func (v *valuer) expect(m PurchaseModel, x int64, T float64) (pairValue, error) {
	p, _, err := v.expectWork(m, x, T)
	return p, err
}

// expectWork returns the expectations of an alive customer (x, T) under
// m, and the work they took: the blocks of stepsum.go, or the
// evaluations of m's expectation, one at each step's end. It sums by
// blocks where stepGrid.plan expects them to be the cheaper, and step by
// step where it does not or where the blocks give up.
func (v *valuer) expectWork(m PurchaseModel, x int64, T float64) (pairValue, int, error) {
	var p pairValue
	var work int
	r := m.aliveRate(x, T)
	if budget, ok := v.grid.plan(r); ok {
		plain, weighted, attempts, ok := v.grid.sum(r, budget)
		if ok {
			return pairValue{purchases: r.scale * plain, discounted: r.scale * weighted}, attempts, nil
		}
		work = attempts
	}
	prev := 0.0
	for k, t := range v.ends {
		e, ok := m.aliveExpectation(x, T, t)
		work++
		if !ok {
			return p, work, tooLong("values", t)
		}
		p.discounted += (e - prev) * v.discount[k]
		prev = e
	}
	p.purchases = prev
	return p, work, nil
}

// A pairCache remembers the expectations of each distinct (x, T) it is
// asked for.
type pairCache[V any] struct {
	m       PurchaseModel
	compute func(PurchaseModel, int64, float64) (V, error)
	index   map[pairKey]V
}

type pairKey struct {
	x int64
	T float64
}

func newPairCache[V any](m PurchaseModel, compute func(PurchaseModel, int64, float64) (V, error)) *pairCache[V] {
	return &pairCache[V]{m: m, compute: compute, index: make(map[pairKey]V)}
}

func (c *pairCache[V]) get(x int64, T float64) (V, error) {
	k := pairKey{x, T}
	if v, ok := c.index[k]; ok {
		return v, nil
	}
	v, err := c.compute(c.m, x, T)
	if err == nil {
		c.index[k] = v
	}
	return v, err
}

// A discreteValuer holds the checked inputs of DiscreteValues: the
// opportunities of the horizon and their discount factors.
type discreteValuer struct {
	config        valueConfig
	margin        float64
	opportunities int64     // n_H
	discount      []float64 // opportunity k's (1 + d)^(−kL/P), k = 1 … n_H
}

// newDiscreteValuer checks the inputs of DiscreteValues, each customer of
// o among them.
func newDiscreteValuer(fn string, m BGBB, g SpendModel, o Opportunities, h Horizon, opts []ValueOption) (*discreteValuer, error) {
	c := newValueConfig(opts)
	if err := m.check(fn); err != nil {
		return nil, err
	}
	periodDays, ratePeriod, err := c.checkValuation(fn, g, h)
	if err != nil {
		return nil, err
	}
	every, err := sixteenths(fn, "every", o.Every)
	if err != nil {
		return nil, err
	}
	if c.stepSet && c.step != o.Every {
		return nil, fmt.Errorf("btyd: %s: step = %v: %w: the step of a discrete valuation is its opportunity, a %s", fn, c.step, clv.ErrInconsistent, o.Every)
	}
	// n_H = ⌊H·P/L + 1/2⌋, exact in sixteenths of a day.
	n := (2*int64(h.Length)*int64(math.Round(periodDays*16)) + every) / (2 * every)
	if n == 0 {
		return nil, fmt.Errorf("btyd: %s: horizon = %d %ss: %w: shorter than half an opportunity, a %s", fn, h.Length, h.Period, clv.ErrInconsistent, o.Every)
	}
	for i := range o.Customers {
		if err := checkValuedOpportunity(fn, &o.Customers[i]); err != nil {
			return nil, naming(err, fn, "customer", int64(i+1))
		}
	}
	// Opportunity k's discount factor, (1 + d)^(−kL/P).
	rate := math.Log1p(toFloat(c.rate)) * float64(every) / 16 / ratePeriod
	v := &discreteValuer{config: c, margin: toFloat(c.margin), opportunities: n, discount: make([]float64, n)}
	for k := range v.discount {
		v.discount[k] = math.Exp(-rate * float64(k+1))
	}
	return v, nil
}

// DiscreteValues returns the lifetime value of each customer of o over a
// horizon by the BG/BB model m and the gamma–gamma model g, as [Values]
// does for the continuous models, counted at o's opportunities. The
// horizon H is taken as the nearest whole number of opportunities of mean
// length L, by exact lengths, a half rounding up, so that a horizon means
// the same span as it does to [Values] whatever unit it is written in:
// 52 weeks or a year are 12 monthly opportunities, 4 quarterly ones, 1
// yearly one or 52 weekly ones, and 36 months are 3 years. Opportunities
// are calendar periods (see [Summarizer.Opportunities]), so n_H monthly
// opportunities are the n_H calendar months after the calibration end.
// Each opportunity's expected purchase is valued at its end and
// discounted as kL after the calibration end, by mean lengths, so that a
// February discounts as a March does, at a rate d per period of length P:
//
//	n_H                  = ⌊H / L + 1/2⌋
//	discounted purchases = Σ_{k=1}^{n_H} (E[X(n, n + k)] − E[X(n, n + k − 1)]) (1 + d)^(−kL/P)
//	value                = margin × E[Z | x, z̄] × discounted purchases
//
// where E[X(n, n + k)] is the customer's conditional expected purchases
// in the next k opportunities ([BGBB.ConditionalExpectedPurchases]), its
// increments A/L · (α + x)/(α + β + n) · B(γ, δ + n + k)/B(γ, δ + n), and
// E[Z | x, z̄] their expected spend at an opportunity (the
// [SpendModel]'s ExpectedSpend of X and Spend, a repeat opportunity's
// mean amount): fit g to the same figures. Unlike [BGBB.DERT], the sum is
// finite and compounds by whole opportunities. A customer with n = 0 is
// valued as the formulas give at n = 0: P(alive) = δ/(γ + δ) and a new
// customer's expected purchases (see [Summarizer.Opportunities]).
//
// The result is a [Valuation] whose Horizon is n_H opportunities (Length
// n_H, Period o.Every) and whose Step is o.Every; each CustomerValue's
// ProbAlive is P(alive at n + 1) ([BGBB.ProbAlive]). Exactness ends, and
// rounding happens, as in [Values]. Options set the discount rate
// ([WithDiscountRate]), the gross margin ([WithGrossMargin]) and the
// scale ([WithScale]); the step is always an opportunity. The expectations
// are computed once for each distinct (x, t_x, n), on two goroutines for a
// large base, from sums over the horizon computed once for each distinct
// n: the work is the opportunities times the distinct n plus the distinct
// (x, t_x, n) times their calibration's opportunities.
//
// It returns an error if m or g is not valid, one wrapping
// [clv.ErrMissing] for a nil g, [clv.ErrUnknownPeriod] for an unknown o.Every, horizon period or rate
// period, [clv.ErrNonPositive] for a horizon of no length,
// [clv.ErrOutOfRange] for one beyond 1,000 years or a scale outside 0 to
// [clv.MaxScale], [clv.ErrInconsistent] for a horizon shorter than half
// an opportunity or a [WithStep] other than o.Every, [clv.ErrNegative] or
// [clv.ErrAboveOne] for a bad rate or margin, the errors of
// [CompareDiscreteHoldout] for a customer no log can produce, and those of
// [GammaGamma.ExpectedSpend] for their spend.
func DiscreteValues(m BGBB, g SpendModel, o Opportunities, h Horizon, opts ...ValueOption) (Valuation, error) {
	const fn = "discrete values"
	v, err := newDiscreteValuer(fn, m, g, o, h, opts)
	if err != nil {
		return Valuation{}, err
	}
	n, discount, margin, c := v.opportunities, v.discount, v.margin, v.config
	out := Valuation{Horizon: Horizon{Length: int(n), Period: o.Every}, Step: o.Every, Customers: make([]CustomerValue, len(o.Customers))}
	type outlook struct{ alive, purchases, discounted float64 }
	var parts [2]valueSums
	split(len(o.Customers), func(part, lo, hi int) {
		p := &parts[part]
		cache := make(map[[3]int64]outlook)
		sums := make(map[int64][2]float64) // horizonSums by n
		for i := lo; i < hi; i++ {
			cu := &o.Customers[i]
			key := [3]int64{cu.X, cu.Tx, cu.N}
			e, ok := cache[key]
			if !ok {
				s, ok := sums[cu.N]
				if !ok {
					s[0], s[1] = m.horizonSums(cu.N, n, discount)
					sums[cu.N] = s
				}
				e.alive, e.purchases, e.discounted = m.outlookOf(cu.X, cu.Tx, cu.N, s[0], s[1])
				cache[key] = e
			}
			spend, err := g.expectedSpend(fn, float64(cu.X), toFloat(cu.Spend))
			if err != nil {
				p.err = naming(err, fn, "customer", int64(i+1))
				return
			}
			value := margin * spend * e.discounted
			p.add(&out.Customers[i], cu.ID, e.alive, e.purchases, e.discounted, spend, value, c.scale)
		}
	})
	if err := out.total(fn, &parts, c.scale); err != nil {
		return Valuation{}, err
	}
	return out, nil
}
