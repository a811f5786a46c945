package btyd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/clvkit/clv"
	"github.com/shopspring/decimal"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// An Interval is a range of a float64 figure, from Low to High, at the
// level of the computation that gave it.
type Interval struct {
	Low  float64 `json:"low"`
	High float64 `json:"high"`
}

// A MoneyInterval is a range of an amount of money, from Low to High,
// each rounded once, half away from zero, to the scale in force.
type MoneyInterval struct {
	Low  decimal.Decimal `json:"low"`
	High decimal.Decimal `json:"high"`
}

// Equal reports whether m and n hold the same amounts, compared
// numerically.
func (m MoneyInterval) Equal(n MoneyInterval) bool {
	return m.Low.Equal(n.Low) && m.High.Equal(n.High)
}

// Defaults and bounds of the intervals.
const (
	// DefaultLevel is the share of the draws an interval holds, unless
	// [WithLevel] says otherwise.
	DefaultLevel = 0.9
	// DefaultDraws is the number of parameter vectors drawn, unless
	// [WithDraws] says otherwise.
	DefaultDraws = 200
	// MaxDraws bounds [WithDraws].
	MaxDraws = 100_000
	// maxIntervalTable bounds the distinct (x, T) of a base times the
	// draws: the table of expectations that ValueIntervals holds, 16
	// bytes an entry.
	maxIntervalTable = 1 << 24
	// maxIntervalWork bounds the customers of a base times the draws:
	// some 2.7 × 10^8, a million customers and 268 draws, a minute's work
	// or less.
	maxIntervalWork = 1 << 28
)

// An IntervalOption sets an optional input of [ValueIntervals].
type IntervalOption interface {
	applyInterval(*intervalConfig)
}

type intervalConfig struct {
	level float64
	draws int
	seed  uint64
	value []ValueOption
}

type intervalOption func(*intervalConfig)

func (f intervalOption) applyInterval(c *intervalConfig) { f(c) }

// WithLevel sets the share of the draws each interval holds, strictly
// between 0 and 1; the default is [DefaultLevel], 90 %. Any other level
// makes the intervals fail with [clv.ErrOutOfRange].
func WithLevel(level float64) IntervalOption {
	return intervalOption(func(c *intervalConfig) { c.level = level })
}

// WithDraws sets the number of parameter vectors drawn, from
// [MinDraws] of the level to [MaxDraws]; the default is [DefaultDraws].
// The work grows in proportion, and the bounds' own sampling error falls
// as its square root: at 90 %, 200 draws place each bound within about
// 1.5 percentage points of its level. Any other number makes
// [ValueIntervals] fail with [clv.ErrOutOfRange].
func WithDraws(n int) IntervalOption {
	return intervalOption(func(c *intervalConfig) { c.draws = n })
}

// WithSeed sets the seed of the draws, for math/rand/v2's PCG; the
// default is 1. The same seed and inputs give the same intervals, on any
// machine and with any GOMAXPROCS.
func WithSeed(seed uint64) IntervalOption {
	return intervalOption(func(c *intervalConfig) { c.seed = seed })
}

// WithValueOptions passes options of [Values] — the step, discount rate,
// gross margin and scale — to [ValueIntervals], so that its intervals
// surround the figures [Values] gives with the same options. The default
// is none, Values' defaults.
func WithValueOptions(opts ...ValueOption) IntervalOption {
	opts = slices.Clone(opts)
	return intervalOption(func(c *intervalConfig) { c.value = append(c.value, opts...) })
}

func newIntervalConfig(fn string, opts []IntervalOption) (intervalConfig, error) {
	c := intervalConfig{level: DefaultLevel, draws: DefaultDraws, seed: 1}
	for _, o := range opts {
		if o != nil {
			o.applyInterval(&c)
		}
	}
	if err := checkLevel(fn, c.level); err != nil {
		return c, err
	}
	if c.draws < 2 || c.draws > MaxDraws {
		return c, fmt.Errorf("btyd: %s: draws = %d: %w: from 2 to %d", fn, c.draws, clv.ErrOutOfRange, MaxDraws)
	}
	if least := MinDraws(c.level); c.draws < least {
		more := ""
		if least > MaxDraws {
			more = fmt.Sprintf(", more than %d", MaxDraws)
		}
		return c, fmt.Errorf("btyd: %s: draws = %d: %w: a %s %% interval takes at least %d, for a draw expected beyond each end%s",
			fn, c.draws, clv.ErrOutOfRange, strconv.FormatFloat(100*c.level, 'g', 12, 64), least, more)
	}
	return c, nil
}

// MinDraws returns the fewest draws that intervals at level take,
// ⌈2 / (1 − level)⌉: 20 at 90 %, 40 at 95 %, 200 at 99 %, and 3 at least.
// Each end of an interval is a quantile of the draws, the (1 − level)/2
// and the (1 + level)/2; with fewer draws than that, less than one draw
// is expected beyond either, so the ends are the extremes of the draws,
// whose range holds on average (n − 1)/(n + 1) of the distribution, less
// than the level: two draws, a third, whatever the level. From
// 2 / (1 − level) draws on, even the extremes hold the level on average.
// The level is taken as the shortest decimal that is its float64, 0.9
// for 0.9. Levels above 0.99998 take more than [MaxDraws]. For a level
// outside (0, 1) MinDraws returns 0.
func MinDraws(level float64) int {
	if !(level > 0 && level < 1) {
		return 0
	}
	// In decimals, of the level as it is written: in float64, 1 − 0.9 is
	// 0.09999999999999998, and 2 / (1 − 0.9) above 20.
	q, r := decimal.NewFromInt(2).QuoRem(decimal.NewFromInt(1).Sub(decimal.NewFromFloat(level)), 0)
	if r.Sign() != 0 {
		q = q.Add(decimal.NewFromInt(1))
	}
	return int(q.IntPart())
}

func checkLevel(fn string, level float64) error {
	if !(level > 0 && level < 1) {
		return fmt.Errorf("btyd: %s: level = %v: %w: strictly between 0 and 1", fn, level, clv.ErrOutOfRange)
	}
	return nil
}

// ParameterIntervals returns an interval for each of the fit's parameters
// at level, strictly between 0 and 1 (0.9 for 90 %): low holds each
// parameter's low end, high its high end. They come from the asymptotic
// normal of the logarithms of the parameters, in which the fit maximised
// its likelihood, with the covariance of the fit carried over by the
// delta method, so that they stay positive:
//
//	θ exp(± z σ),  σ = StdErr / θ,  z = Φ⁻¹((1 + level)/2)
//
// which is the interval that the draws of [ValueIntervals] approach. It
// returns an error wrapping [clv.ErrOutOfRange] for a level outside
// (0, 1), the errors of the model's type for invalid parameters, and
// fails for the fit's covariance as [ValueIntervals] does.
func (f BGNBDFit) ParameterIntervals(level float64) (low, high BGNBD, err error) {
	lo, hi, err := parameterIntervals("BG/NBD parameter intervals", familyOf(f).fit, level)
	if err != nil {
		return BGNBD{}, BGNBD{}, err
	}
	return BGNBD{R: lo[0], Alpha: lo[1], A: lo[2], B: lo[3]}, BGNBD{R: hi[0], Alpha: hi[1], A: hi[2], B: hi[3]}, nil
}

// ParameterIntervals returns an interval for each of the fit's parameters
// at level, as [BGNBDFit.ParameterIntervals] does, and fails as it does.
func (f GammaGammaFit) ParameterIntervals(level float64) (low, high GammaGamma, err error) {
	lo, hi, err := parameterIntervals("gamma-gamma parameter intervals", gammaGammaFitted(f), level)
	if err != nil {
		return GammaGamma{}, GammaGamma{}, err
	}
	return GammaGamma{P: lo[0], Q: lo[1], Gamma: lo[2]}, GammaGamma{P: hi[0], Q: hi[1], Gamma: hi[2]}, nil
}

func parameterIntervals(fn string, f fitted, level float64) (low, high []float64, err error) {
	if err := checkLevel(fn, level); err != nil {
		return nil, nil, err
	}
	cov, err := f.logCovariance(fn)
	if err != nil {
		return nil, nil, err
	}
	z := distuv.UnitNormal.Quantile((1 + level) / 2)
	for i, v := range f.theta {
		s := z * math.Sqrt(cov.At(i, i))
		low, high = append(low, v*math.Exp(-s)), append(high, v*math.Exp(s))
	}
	return low, high, nil
}

// A CustomerInterval holds the intervals of one customer's figures from
// [ValueIntervals].
type CustomerInterval struct {
	// ID is the customer's id.
	ID string `json:"id"`
	// Purchases surrounds the customer's expected purchases over the
	// horizon ([CustomerValue.Purchases]).
	Purchases Interval `json:"purchases"`
	// Value surrounds the customer's value over the horizon
	// ([CustomerValue.Value]).
	Value MoneyInterval `json:"value"`
}

// ValuationIntervals are the intervals of a [Valuation]'s figures, from
// [ValueIntervals].
type ValuationIntervals struct {
	// Level is the share of the draws each interval holds, and Draws
	// their number.
	Level float64 `json:"level"`
	Draws int     `json:"draws"`
	// Customers holds the intervals of each customer of the base, in its
	// order, the order of [Valuation.Customers].
	Customers []CustomerInterval `json:"customers"`
	// Purchases surrounds the base's total expected purchases over the
	// horizon, and Value its total value.
	Purchases Interval      `json:"purchases"`
	Value     MoneyInterval `json:"value"`
}

// ValueIntervals returns intervals around the figures of [Values] — each
// customer's expected purchases and value over a horizon, and the base's
// totals — that say how sure the fits are of them. It draws parameter
// vectors from each fit's asymptotic normal, on the logarithms of the
// parameters, where the fits maximise their likelihood and every draw is
// positive, with the covariance of the fit carried over by the delta
// method,
//
//	ln θ ~ N(ln θ̂, D⁻¹ Cov(θ̂) D⁻¹),  D = diag θ̂
//
// the BG/NBD and the gamma–gamma fits independently, since they are fitted
// to different data. For each draw it computes every figure as [Values]
// does, and each interval runs from the (1 − level)/2 to the
// (1 + level)/2 quantile of the draws' figures, as gonum's stat.Quantile
// with stat.Empirical takes them. Options set the level ([WithLevel],
// 90 % by default), the draws ([WithDraws], 200), the seed ([WithSeed]) and
// the options of Values ([WithValueOptions]). The same inputs and seed
// give the same intervals on any machine.
//
// The intervals describe the fits' sampling error only: they say nothing
// of whether the models suit the base, or of the randomness of the
// customers' future purchases about their expectation.
//
// The work is the draws times the distinct (x, T) of the base, each a sum
// over the steps whose cost grows with the logarithm of their number, as
// in [Values], plus the draws times the customers with a repeat
// purchase, each a P(alive) and an expected spend; customers without one
// are computed once for each T. Both run on two goroutines. On a quiet
// two-core machine 200 draws take some 0.04 s for CDNOW's 2,357
// customers over 39 weeks, and the default 100 some 1.9 s (BG/NBD,
// MBG/NBD) and 3.5 s (Pareto/NBD) for a million customers over 52
// weeks (BenchmarkValueIntervalsModels, medians of three); the cost is
// in proportion to the draws and the customers (a busy machine takes up
// to twice as long). For BG/NBD and MBG/NBD draws, P(alive)
// comes from tables of each draw's logarithms for the base's distinct x,
// t_x and T, which leaves one exponential a customer and draw; for
// Pareto/NBD draws, from a table of each draw's hypergeometric series
// for the base's distinct (x, t_x) and (x, T), which leaves two.
// The customers times the draws are bounded by 2^28, a million customers
// and 268 draws.
//
// It returns an error if the fits' models, the base, the horizon or the
// value options are ones [Values] refuses, failing as it does; one
// wrapping [clv.ErrOutOfRange] for a level outside (0, 1), draws outside 2
// to [MaxDraws], customers times draws above 2^28 or distinct (x, T)
// times draws above 2^24; [clv.ErrMissing] for a fit without a
// covariance, [clv.ErrInconsistent] for one of the wrong shape or not
// symmetric, [clv.ErrOutOfRange] for a non-finite one or one that draws
// parameters outside 10^−10 to 10^10, and [clv.ErrNoFit] for one that is
// not positive definite; and
// [clv.ErrOutOfRange] if the high end of a value is infinite, as when
// more than (1 − level)/2 of the draws of the spend model have an infinite
// mean spend (q ≤ 1).
func ValueIntervals(fit PurchaseFit, spend GammaGammaFit, b Base, h Horizon, opts ...IntervalOption) (ValuationIntervals, error) {
	const fn = "value intervals"
	c, err := newIntervalConfig(fn, opts)
	if err != nil {
		return ValuationIntervals{}, err
	}
	if fit == nil {
		return ValuationIntervals{}, fmt.Errorf("btyd: %s: fit: %w", fn, clv.ErrMissing)
	}
	m, _ := fit.purchaseFit()
	v, err := newValuer(fn, m, spend.Model, b, h, c.value)
	if err != nil {
		return ValuationIntervals{}, err
	}
	return valueIntervals(fn, familyOf(fit), gammaGammaFitted(spend), b, v, c)
}

// DiscreteValueIntervals returns intervals around the figures of
// [DiscreteValues] — each customer's expected purchases and value over a
// horizon of whole opportunities, and the base's totals — as
// [ValueIntervals] does for the continuous models: parameter vectors
// drawn from the BG/BB and the gamma–gamma fits' asymptotic normals on
// the logarithms of their parameters, independently, each draw's figures
// computed as DiscreteValues does, and each interval from the
// (1 − level)/2 to the (1 + level)/2 quantile of the draws. The options,
// the seed's meaning and the errors are those of ValueIntervals, with
// the inputs DiscreteValues refuses in place of those Values refuses.
//
// The work is the draws times the distinct n of the base, each a sum over
// the horizon's opportunities, plus the draws times the distinct
// (x, t_x, n), each a P(alive) from the draw's ratios of gamma
// functions, tabled once a draw, and a sum over the opportunities since
// t_x, plus the draws times the customers with a repeat purchase, each an
// expected spend; customers without one are computed once for each n.
// All run on two goroutines.
func DiscreteValueIntervals(fit BGBBFit, spend GammaGammaFit, o Opportunities, h Horizon, opts ...IntervalOption) (ValuationIntervals, error) {
	const fn = "discrete value intervals"
	c, err := newIntervalConfig(fn, opts)
	if err != nil {
		return ValuationIntervals{}, err
	}
	v, err := newDiscreteValuer(fn, fit.Model, spend.Model, o, h, c.value)
	if err != nil {
		return ValuationIntervals{}, err
	}
	n := c.draws
	if len(o.Customers)*n > maxIntervalWork {
		return ValuationIntervals{}, fmt.Errorf("btyd: %s: draws = %d: %w: %d customers times the draws exceed 2^28; draw fewer", fn, n, clv.ErrOutOfRange, len(o.Customers))
	}
	m := fit.Model
	bgbb := fitted{what: "BG/BB fit", names: bgbbNames, theta: []float64{m.Alpha, m.Beta, m.Gamma, m.Delta}, cov: fit.Stats.Covariance}
	purchaseDraws, err := bgbb.draw(fn, n, rand.NewPCG(c.seed, 1))
	if err != nil {
		return ValuationIntervals{}, err
	}
	spendDraws, err := gammaGammaFitted(spend).draw(fn, n, rand.NewPCG(c.seed, 2))
	if err != nil {
		return ValuationIntervals{}, err
	}

	// The distinct (x, t_x, n) of the base, and each draw's expectations
	// for each, P(alive) within them.
	patterns, patternOf, ok := distinctKeys(len(o.Customers), func(i int) [3]int64 {
		cu := &o.Customers[i]
		return [3]int64{cu.X, cu.Tx, cu.N}
	}, maxIntervalTable/n)
	if !ok {
		return ValuationIntervals{}, fmt.Errorf("btyd: %s: draws = %d: %w: more than 2^24 expectations for the base's distinct (x, t_x, n); draw fewer", fn, n, clv.ErrOutOfRange)
	}
	// The sums over the horizon depend on a pattern's n alone: each
	// draw's, for each distinct n, first.
	ns, nOf, _ := distinctKeys(len(patterns), func(p int) int64 { return patterns[p][2] }, len(patterns))
	drawn := make([]BGBB, n)
	for j, th := range purchaseDraws {
		drawn[j] = BGBB{Alpha: th[0], Beta: th[1], Gamma: th[2], Delta: th[3]}
	}
	sums := make([][2]float64, len(ns)*n)
	split(len(sums), func(_, lo, hi int) {
		for k := lo; k < hi; k++ {
			sums[k][0], sums[k][1] = drawn[k%n].horizonSums(ns[k/n], v.opportunities, v.discount)
		}
	})
	// Each draw's ln Γ ratios, for the parts of every pattern's P(alive).
	var most int64
	for _, v := range ns {
		most = max(most, v)
	}
	gammas := make([]bgbbGammas, n)
	for j, m := range drawn {
		gammas[j] = m.gammas(most)
	}
	table := make([]pairValue, len(patterns)*n)
	split(len(table), func(_, lo, hi int) {
		for k := lo; k < hi; k++ {
			p, j := k/n, k%n
			pat, s := patterns[p], sums[int(nOf[p])*n+j]
			w := drawn[j].aliveWeightBy(&gammas[j], pat[0], pat[1], pat[2])
			_, table[k].purchases, table[k].discounted = drawn[j].outlookAt(w, pat[0], pat[2], s[0], s[1])
		}
	})
	customer := func(i int) (id string, x int64, z float64, p int32) {
		cu := &o.Customers[i]
		if cu.X > 0 {
			z = toFloat(cu.Spend)
		}
		return cu.ID, cu.X, z, patternOf[i]
	}
	return drawnIntervals(fn, drawTable{draws: n, patterns: len(patterns), table: table}, len(o.Customers), customer, nil, spendDraws, nil, v.margin, v.config.scale, c.level)
}

// valueIntervals computes ValueIntervals for a purchase family and a
// gamma–gamma fit.
func valueIntervals(fn string, family purchaseFamily, spend fitted, b Base, v *valuer, c intervalConfig) (ValuationIntervals, error) {
	n := c.draws
	if len(b.Customers)*n > maxIntervalWork {
		return ValuationIntervals{}, fmt.Errorf("btyd: %s: draws = %d: %w: %d customers times the draws exceed 2^28; draw fewer", fn, n, clv.ErrOutOfRange, len(b.Customers))
	}
	purchaseDraws, err := family.fit.draw(fn, n, rand.NewPCG(c.seed, 1))
	if err != nil {
		return ValuationIntervals{}, err
	}
	spendDraws, err := spend.draw(fn, n, rand.NewPCG(c.seed, 2))
	if err != nil {
		return ValuationIntervals{}, err
	}
	models := make([]PurchaseModel, n)
	for j, th := range purchaseDraws {
		models[j] = family.model(th)
	}

	// The distinct (x, T) of the base, and each draw's expectations for
	// each.
	pairs, pairOf, ok := distinctKeys(len(b.Customers), func(i int) pairKey {
		return pairKey{b.Customers[i].X, b.Customers[i].T}
	}, maxIntervalTable/n)
	if !ok {
		return ValuationIntervals{}, fmt.Errorf("btyd: %s: draws = %d: %w: more than 2^24 expectations for the base's distinct (x, T); draw fewer", fn, n, clv.ErrOutOfRange)
	}
	np := len(pairs)
	table, err := expectationTable(np, n, func(p, j int) (pairValue, error) {
		return v.expect(models[j], pairs[p].x, pairs[p].T)
	})
	if err != nil {
		return ValuationIntervals{}, err
	}
	customer := baseCustomers(b, pairOf)
	alive, ok := aliveTable(models, b)
	if !ok {
		alive = ownAlive(models, n, b, nil)
	}
	return drawnIntervals(fn, drawTable{draws: n, patterns: np, table: table, models: models}, len(b.Customers), customer, alive, spendDraws, nil, v.margin, v.config.scale, c.level)
}

// expectationTable returns each draw's expectations for each of a base's
// patterns, pattern p and draw j at p·draws + j, a customer's draws side
// by side, as expect(p, j) computes them on two goroutines; or the first
// error it returns.
func expectationTable(patterns, draws int, expect func(p, j int) (pairValue, error)) ([]pairValue, error) {
	table := make([]pairValue, patterns*draws)
	var tableErr [2]error
	split(len(table), func(part, lo, hi int) {
		for k := lo; k < hi; k++ {
			e, err := expect(k/draws, k%draws)
			if err != nil {
				tableErr[part] = err
				return
			}
			table[k] = e
		}
	})
	for _, err := range tableErr {
		if err != nil {
			return nil, err
		}
	}
	return table, nil
}

// baseCustomers returns the customer function of drawnIntervals for the
// customers of b, customer i of pattern patternOf[i]: their id, x, and
// mean spend z̄ (0 without a repeat purchase).
func baseCustomers(b Base, patternOf []int32) func(i int) (id string, x int64, zbar float64, p int32) {
	return func(i int) (id string, x int64, zbar float64, p int32) {
		cu := &b.Customers[i]
		if cu.X > 0 {
			zbar = toFloat(cu.Spend)
		}
		return cu.ID, cu.X, zbar, patternOf[i]
	}
}

// A drawTable holds each draw's expectations for each pattern of a base,
// the customers who share a model's expectations: pattern p, draw j at
// p·draws + j, a customer's draws side by side.
type drawTable struct {
	draws, patterns int
	table           []pairValue
	models          []PurchaseModel // the draws' models, to name one in an error; nil for BG/BB
}

// drawnIntervals returns the intervals of the customers of a base from a
// drawTable and the spend model's draws. customer(i) gives customer i's
// id, x, mean spend z̄ and pattern; if alive is not nil, alive(i, dst)
// sets dst[j] to their P(alive) under draw j, by which the table's
// expectations are multiplied, and otherwise the table holds them whole. If spendGroup is
// not nil, customer i's spend model of draw j is spendDraws[spendGroup(i)
// · draws + j], one for each group of customers with their own spend
// model (customers of one pattern share it), and otherwise
// spendDraws[j]. The customers
// run on two goroutines; those without a repeat purchase depend on their
// pattern alone and are computed once for each, weighted by their number.
func drawnIntervals(fn string, t drawTable, customers int, customer func(int) (string, int64, float64, int32), alive aliveRow,
	spendDraws [][]float64, spendGroup func(i int) int, margin float64, scale int32, level float64) (ValuationIntervals, error) {
	n := t.draws
	lowAt, highAt := quantileIndex((1-level)/2, n), quantileIndex((1+level)/2, n)
	out := ValuationIntervals{Level: level, Draws: n, Customers: make([]CustomerInterval, customers)}
	type partSums struct {
		purchases, value []kahan // by draw
		err              error
	}
	var parts [2]partSums
	split(customers, func(part, lo, hi int) {
		ps := &parts[part]
		ps.purchases, ps.value = make([]kahan, n), make([]kahan, n)
		bufP, bufV, bufA := make([]float64, n), make([]float64, n), make([]float64, n)
		for j := range bufA {
			bufA[j] = 1 // without alive, the table's expectations whole
		}
		// figures returns the interval of customer i, of x repeat
		// purchases, mean spend z and pattern p, adding w times their
		// draws to the totals.
		figures := func(i int, x, z float64, p int, w float64) (CustomerInterval, error) {
			spendAt := 0
			if spendGroup != nil {
				spendAt = spendGroup(i) * n
			}
			if alive != nil {
				if j := alive(i, bufA); j >= 0 {
					return CustomerInterval{}, notComputable(fn, t.models[j])
				}
			}
			for j, a := range bufA {
				e := t.table[p*n+j]
				purchases := a * e.purchases
				value := margin * spendOf(spendDraws[spendAt+j], x, z) * a * e.discounted
				if math.IsNaN(value) {
					value = math.Inf(1) // an infinite spend at a vanishing chance
				}
				bufP[j], bufV[j] = purchases, value
				ps.purchases[j].add(w * purchases)
				ps.value[j].add(w * value)
			}
			pi, err := bounds(bufP, lowAt, highAt)
			if err != nil {
				return CustomerInterval{}, err
			}
			vi, err := bounds(bufV, lowAt, highAt)
			if err != nil {
				return CustomerInterval{}, err
			}
			return CustomerInterval{Purchases: pi, Value: MoneyInterval{toDecimal(vi.Low, scale), toDecimal(vi.High, scale)}}, nil
		}
		fail := func(i int, err error) {
			ps.err = naming(fmt.Errorf("btyd: %s: %w", fn, err), fn, "customer", int64(i+1))
		}
		zeros := make([]float64, t.patterns)
		zeroAt := make([]int, t.patterns) // the first such customer of each pattern
		for i := lo; i < hi; i++ {
			if _, x, _, p := customer(i); x == 0 {
				if zeros[p] == 0 {
					zeroAt[p] = i
				}
				zeros[p]++
			}
		}
		zeroIntervals := make([]CustomerInterval, t.patterns)
		for p, w := range zeros {
			if w > 0 {
				iv, err := figures(zeroAt[p], 0, 0, p, w)
				if err != nil {
					fail(zeroAt[p], err)
					return
				}
				zeroIntervals[p] = iv
			}
		}
		for i := lo; i < hi; i++ {
			id, x, z, p := customer(i)
			if x == 0 {
				out.Customers[i] = zeroIntervals[p]
			} else {
				iv, err := figures(i, float64(x), z, int(p), 1)
				if err != nil {
					fail(i, err)
					return
				}
				out.Customers[i] = iv
			}
			out.Customers[i].ID = id
		}
	})
	totalP, totalV := make([]float64, n), make([]float64, n)
	for _, ps := range parts {
		if ps.err != nil {
			return ValuationIntervals{}, ps.err
		}
		for j := range ps.purchases {
			totalP[j] += ps.purchases[j].value()
			totalV[j] += ps.value[j].value()
		}
	}
	slices.Sort(totalP)
	slices.Sort(totalV)
	out.Purchases = Interval{stat.Quantile((1-level)/2, stat.Empirical, totalP, nil), stat.Quantile((1+level)/2, stat.Empirical, totalP, nil)}
	low, high := stat.Quantile((1-level)/2, stat.Empirical, totalV, nil), stat.Quantile((1+level)/2, stat.Empirical, totalV, nil)
	if math.IsInf(high, 0) || math.IsNaN(high) {
		return ValuationIntervals{}, fmt.Errorf("btyd: %s: total value: %w: the high end is infinite", fn, clv.ErrOutOfRange)
	}
	out.Value = MoneyInterval{toDecimal(low, scale), toDecimal(high, scale)}
	return out, nil
}

// bounds returns the order statistics lowAt and highAt of the draws x,
// reordering x, or an error wrapping clv.ErrOutOfRange if the high one
// is infinite.
func bounds(x []float64, lowAt, highAt int) (Interval, error) {
	var low, high float64
	if k, m := lowAt+1, len(x)-highAt; k <= maxTail && m <= maxTail {
		low, high = tails(x, k, m)
	} else {
		high = selectOrder(x, highAt)
		low = selectOrder(x[:highAt+1], lowAt)
	}
	if math.IsInf(high, 0) {
		return Interval{}, fmt.Errorf("%w: the high end is infinite: too many draws of the spend model have an infinite mean (q ≤ 1)", clv.ErrOutOfRange)
	}
	return Interval{low, high}, nil
}
