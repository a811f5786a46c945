package btyd

// This file holds the forecasts that every purchase model shares: the
// outlook of each customer of a base over a horizon (P(alive) at its end,
// the distribution and mean of their purchases in it), the P(alive) path
// through a customer's own purchases, and the purchases and revenue of
// cohorts of new customers. The model-specific formulas live in
// bgnbdforecast.go, pnbdforecast.go and bgbbforecast.go.

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/clvkit/clv"
	"github.com/shopspring/decimal"
)

// maxForecastCount bounds the largest count of purchases whose
// probability a forecast of a base gives for each customer.
const maxForecastCount = 100

// maxPathSteps bounds the steps of an alive path.
const maxPathSteps = 1_000_000

// A CustomerForecast is one customer's outlook over a horizon, from
// [Forecasts] or [DiscreteForecasts].
type CustomerForecast struct {
	// ID is the customer's id.
	ID string `json:"id"`
	// ProbAlive is the probability that the customer is alive at the
	// calibration end (for BG/BB, at the next opportunity), and
	// ProbAliveAfter at the horizon's end.
	ProbAlive      float64 `json:"prob_alive"`
	ProbAliveAfter float64 `json:"prob_alive_after"`
	// Purchases is the expected number of purchases in the horizon.
	Purchases float64 `json:"purchases"`
	// ProbPurchases holds the probability of exactly n purchases in the
	// horizon, n = 0, 1, …, up to the count asked for: ProbPurchases[0]
	// is the probability of no purchase.
	ProbPurchases []float64 `json:"prob_purchases"`
}

// A Forecast is every customer's outlook over a horizon, in the base's
// order, from [Forecasts] or [DiscreteForecasts].
type Forecast struct {
	Horizon   Horizon            `json:"horizon"`
	Customers []CustomerForecast `json:"customers"`
}

// checkUpTo refuses a count of purchases below 0 or above
// maxForecastCount.
func checkUpTo(fn string, upTo int) error {
	switch {
	case upTo < 0:
		return fmt.Errorf("btyd: %s: up to = %d: %w", fn, upTo, clv.ErrNegative)
	case upTo > maxForecastCount:
		return fmt.Errorf("btyd: %s: up to = %d: %w: above %d", fn, upTo, clv.ErrOutOfRange, maxForecastCount)
	}
	return nil
}

// forecastHorizon returns the length of h in units of unit, refusing a
// horizon of an unknown period, of no length or beyond 1,000 years.
func forecastHorizon(fn string, h Horizon, unit clv.Period) (float64, error) {
	period, err := checkUnit(fn, "horizon period", h.Period)
	if err != nil {
		return 0, err
	}
	u, err := checkUnit(fn, "base unit", unit)
	if err != nil {
		return 0, err
	}
	switch {
	case h.Length <= 0:
		return 0, fmt.Errorf("btyd: %s: horizon length = %d: %w", fn, h.Length, clv.ErrNonPositive)
	case float64(h.Length)*period > maxHorizonDays:
		return 0, fmt.Errorf("btyd: %s: horizon = %d %ss: %w: beyond 1000 years", fn, h.Length, h.Period, clv.ErrOutOfRange)
	}
	return float64(h.Length) * period / u, nil
}

// aliveOutlook is what a forecast computes once for each distinct
// (x, T): an alive customer's chance of surviving the horizon, their
// expected purchases in it, and the distribution of those.
type aliveOutlook struct {
	ahead, purchases float64
	pmf              []float64
}

// Forecasts returns each customer's outlook over a horizon h of length t
// in the base's unit (by exact lengths, as [Values] converts it): the
// probability that they are alive at the calibration end T and at T + t,
// their expected purchases in (T, T + t], and the probability of exactly
// n purchases in it for n = 0 … upTo:
//
//	P(alive at T + t)       the model's ProbAliveAt ([BGNBD.ProbAliveAt], [MBGNBD.ProbAliveAt], [ParetoNBD.ProbAliveAt])
//	E[X(T, T + t]]          the model's ConditionalExpectedPurchases
//	P(X(T, T + t] = n)      the model's ConditionalProbPurchases
//
// each with the formula, source and accuracy stated there. Each is P(alive
// at T) times an alive customer's figure, which depends on the customer
// only through x and T: those are computed once for each distinct (x, T),
// on two goroutines for a large base, and P(alive) once for each customer
// (the Pareto/NBD's from its integrals at each distinct (x, T) and
// (x, t_x), to the bit as ProbAlive). The figures that take an integral
// for each (x, T), P(alive at T + t | alive) under the BG/NBD and MBG/NBD
// and P(X = n | alive) under the Pareto/NBD, are interpolated across the
// T of each x where there are many, as [DERTs] interpolates the DERT,
// within 5·10^−11 of their values computed directly in the tests, for x
// up to 10^4, the noise of those values, which carry 10 or 11 digits: a million customers take some 0.2 to 0.4 s of CPU for upTo = 3.
// Where probabilities up to upTo are not needed, upTo = 0 gives
// P(no purchase in the horizon) alone.
//
// It returns an error wrapping [clv.ErrMissing] for a nil model, an error
// if the model is not valid or a customer is not one it takes (see the
// model's type), one wrapping [clv.ErrUnknownPeriod] for an unknown unit
// or horizon period, [clv.ErrNonPositive] for a horizon of no length,
// [clv.ErrOutOfRange] for one beyond 1,000 years or one whose series do
// not converge (see ConditionalExpectedPurchases), and [clv.ErrNegative]
// or [clv.ErrOutOfRange] for upTo below 0 or above 100.
func Forecasts(m PurchaseModel, b Base, h Horizon, upTo int) (Forecast, error) {
	const fn = "forecasts"
	if err := checkModel(fn, m); err != nil {
		return Forecast{}, err
	}
	t, err := forecastHorizon(fn, h, b.Unit)
	if err != nil {
		return Forecast{}, err
	}
	if err := checkUpTo(fn, upTo); err != nil {
		return Forecast{}, err
	}
	for i := range b.Customers {
		c := &b.Customers[i]
		if err := checkCustomer(fn, c.X, c.Tx, c.T); err != nil {
			return Forecast{}, naming(err, fn, "customer", int64(i+1))
		}
	}
	// The distinct (x, T) first, then their outlooks split between the
	// goroutines, so that none is computed twice: the expectations
	// directly, and the figures that take an integral for each, the
	// BG/NBD's and MBG/NBD's survival and the Pareto/NBD's probabilities,
	// interpolated across T where that pays (see acrosst.go).
	pairs, of := basePairs(b)
	outlooks := make([]aliveOutlook, len(pairs))
	pmfs := make([]float64, len(pairs)*(upTo+1))
	var errs [2]error
	split(len(pairs), func(part, lo, hi int) {
		for j := lo; j < hi; j++ {
			e, ok := m.aliveExpectation(pairs[j].x, pairs[j].T, t)
			if !ok {
				errs[part] = tooLong(fn, t)
				return
			}
			outlooks[j] = aliveOutlook{purchases: e, pmf: pmfs[j*(upTo+1) : (j+1)*(upTo+1) : (j+1)*(upTo+1)]}
		}
	})
	if err := errors.Join(errs[0], errs[1]); err != nil {
		return Forecast{}, err
	}
	// each sets a figure of every pair, f, across T where c > 0, the
	// scale that bounds its analyticity, Re(T + c) > 0, else directly.
	column := make([]float64, len(pairs))
	each := func(c float64, f func(x int64, T float64) float64, set func(o *aliveOutlook, v float64)) {
		if c > 0 {
			acrossT(pairs, c, f, column)
		} else {
			split(len(pairs), func(_, lo, hi int) {
				for j := lo; j < hi; j++ {
					column[j] = f(pairs[j].x, pairs[j].T)
				}
			})
		}
		for j, v := range column {
			set(&outlooks[j], v)
		}
	}
	var aheadScale, pmfScale float64 // 0: each figure directly
	switch m := m.(type) {
	case dropAtPurchase:
		aheadScale = m.scale()
	case ParetoNBD:
		pmfScale = min(m.Alpha, m.Beta)
	}
	each(aheadScale, func(x int64, T float64) float64 { return math.Exp(m.aliveAhead(float64(x), T, t)) },
		func(o *aliveOutlook, v float64) { o.ahead = v })
	for n := range upTo + 1 {
		each(pmfScale, func(x int64, T float64) float64 { return m.alivePMF(float64(x), T, int64(n), t) },
			func(o *aliveOutlook, v float64) { o.pmf[n] = v })
	}
	alives, err := baseAlive(fn, m, b, pairs, of)
	if err != nil {
		return Forecast{}, err
	}
	out := Forecast{Horizon: h, Customers: make([]CustomerForecast, len(b.Customers))}
	probs := make([]float64, len(b.Customers)*(upTo+1))
	split(len(b.Customers), func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			c := &b.Customers[i]
			o := &outlooks[of[i]]
			alive := alives[i]
			f := &out.Customers[i]
			*f = CustomerForecast{ID: c.ID, ProbAlive: alive, ProbAliveAfter: alive * o.ahead, Purchases: alive * o.purchases,
				ProbPurchases: probs[i*(upTo+1) : (i+1)*(upTo+1) : (i+1)*(upTo+1)]}
			for n, p := range o.pmf {
				f.ProbPurchases[n] = mixAlive(alive, int64(n), p)
			}
		}
	})
	return out, nil
}

// discreteOpportunities returns n_H, the opportunities of o.Every in a
// horizon h, the nearest whole number as [DiscreteValues] counts them, or
// an error as DiscreteValues gives one.
func discreteOpportunities(fn string, every clv.Period, h Horizon) (int64, error) {
	periodDays, err := checkUnit(fn, "horizon period", h.Period)
	if err != nil {
		return 0, err
	}
	e, err := sixteenths(fn, "every", every)
	if err != nil {
		return 0, err
	}
	switch {
	case h.Length <= 0:
		return 0, fmt.Errorf("btyd: %s: horizon length = %d: %w", fn, h.Length, clv.ErrNonPositive)
	case float64(h.Length)*periodDays > maxHorizonDays:
		return 0, fmt.Errorf("btyd: %s: horizon = %d %ss: %w: beyond 1000 years", fn, h.Length, h.Period, clv.ErrOutOfRange)
	}
	n := (2*int64(h.Length)*int64(math.Round(periodDays*16)) + e) / (2 * e)
	if n == 0 {
		return 0, fmt.Errorf("btyd: %s: horizon = %d %ss: %w: shorter than half an opportunity, a %s", fn, h.Length, h.Period, clv.ErrInconsistent, every)
	}
	return n, nil
}

// DiscreteForecasts returns each customer's outlook over a horizon h by the
// BG/BB model m, as [Forecasts] does for the continuous models, counted in
// n_H of o's opportunities, the nearest whole number, as [DiscreteValues]
// counts them:
//
//	ProbAlive        P(alive at n + 1)      ([BGBB.ProbAlive])
//	ProbAliveAfter   P(alive at n + n_H)    ([BGBB.ProbAliveAt])
//	Purchases        E[X(n, n + n_H)]       ([BGBB.ConditionalExpectedPurchases])
//	ProbPurchases    P(X(n, n + n_H) = k)   ([BGBB.ConditionalProbPurchases])
//
// A customer with n = 0 is forecast as a new customer, alive at 0:
// P(alive at k) = B(γ, δ + k)/B(γ, δ) and [BGBB.ProbPurchases]. The
// figures are computed once for each distinct (x, t_x, n); the Horizon of
// the result is n_H opportunities of o.Every.
//
// It returns an error if m is not valid, one wrapping
// [clv.ErrUnknownPeriod] for an unknown o.Every or horizon period,
// [clv.ErrNonPositive] for a horizon of no length, [clv.ErrOutOfRange]
// for one beyond 1,000 years, [clv.ErrInconsistent] for one shorter than
// half an opportunity, the errors of [CompareDiscreteHoldout] for a
// customer no log can produce, and [clv.ErrNegative] or
// [clv.ErrOutOfRange] for upTo below 0 or above 100.
func DiscreteForecasts(m BGBB, o Opportunities, h Horizon, upTo int) (Forecast, error) {
	const fn = "discrete forecasts"
	if err := m.check(fn); err != nil {
		return Forecast{}, err
	}
	nH, err := discreteOpportunities(fn, o.Every, h)
	if err != nil {
		return Forecast{}, err
	}
	if err := checkUpTo(fn, upTo); err != nil {
		return Forecast{}, err
	}
	for i := range o.Customers {
		c := &o.Customers[i]
		if err := checkOpportunity(fn, c.X, c.Tx, c.N); err != nil {
			return Forecast{}, naming(err, fn, "customer", int64(i+1))
		}
	}
	// Each distinct (x, t_x, n) once, split between the goroutines, then
	// the customers.
	type outlook struct {
		alive, after, purchases float64
		pmf                     []float64
	}
	keys, of, weights := discreteHistories(m, o)
	outlooks := make([]outlook, len(keys))
	pmfs := make([]float64, len(keys)*(upTo+1))
	split(len(keys), func(_, lo, hi int) {
		for j := lo; j < hi; j++ {
			x, n := keys[j][0], keys[j][2]
			xf, nf := float64(x), float64(n)
			w := weights[j] // 1 at n = 0: alive at 0
			s, _ := m.horizonSums(n, nH, nil)
			e := &outlooks[j]
			*e = outlook{
				alive:     w * (m.Delta + nf) / (m.Gamma + m.Delta + nf), // as ProbAlive
				after:     w * math.Exp(m.logSurvival(nf, float64(nH))),
				purchases: w * (m.Alpha + xf) / (m.Alpha + m.Beta + nf) * s,
				pmf:       pmfs[j*(upTo+1) : (j+1)*(upTo+1) : (j+1)*(upTo+1)],
			}
			for k := range e.pmf {
				e.pmf[k] = mixAlive(w, int64(k), m.alivePMF(xf, nf, int64(k), nH))
			}
		}
	})
	out := Forecast{Horizon: Horizon{Length: int(nH), Period: o.Every}, Customers: make([]CustomerForecast, len(o.Customers))}
	probs := make([]float64, len(o.Customers)*(upTo+1))
	split(len(o.Customers), func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			e := &outlooks[of[i]]
			f := &out.Customers[i]
			*f = CustomerForecast{ID: o.Customers[i].ID, ProbAlive: e.alive, ProbAliveAfter: e.after, Purchases: e.purchases,
				ProbPurchases: probs[i*(upTo+1) : (i+1)*(upTo+1) : (i+1)*(upTo+1)]}
			copy(f.ProbPurchases, e.pmf)
		}
	})
	return out, nil
}

// discreteHistories returns the distinct (x, t_x, n) of o's customers,
// the index of each customer's among them, and A/L of each, the chance
// of having been alive through n (1 at n = 0), computed once for each on
// two goroutines for many: A/L sums the likelihood's t_x to n terms, and
// a base's customers share a few thousand histories.
func discreteHistories(m BGBB, o Opportunities) (keys [][3]int64, of []int32, weights []float64) {
	n := len(o.Customers)
	keys, of, _ = distinctKeys(n, func(i int) [3]int64 { c := &o.Customers[i]; return [3]int64{c.X, c.Tx, c.N} }, n)
	weights = make([]float64, len(keys))
	split(len(keys), func(_, lo, hi int) {
		for j := lo; j < hi; j++ {
			weights[j] = m.aliveWeight(float64(keys[j][0]), float64(keys[j][1]), float64(keys[j][2]))
		}
	})
	return keys, of, weights
}

// AlivePath returns the probability that a customer was alive at the end
// of each step of length step through their own history, as lifetimes'
// calculate_alive_path gives it: with repeat purchases at times (each
// after the first purchase, in the model's unit, increasing) observed up
// to T, at s_k = k·step, k = 1 … ⌈T/step⌉, the last step ending at T,
//
//	path[k − 1] = P(alive at s_k | x(s_k), t_x(s_k), s_k)
//
// where x(s) counts the purchases at or before s and t_x(s) is the last
// of them: the model's ProbAlive of the history as it stood at s_k. It
// ends at the ProbAlive of the full history, and between purchases it
// falls (for BG/NBD after the first repeat purchase only, as customers
// leave only at purchases). Its accuracy is ProbAlive's.
//
// It returns an error wrapping [clv.ErrMissing] for a nil model, an error
// if the model is not valid, one wrapping [clv.ErrNonPositive] for a step
// or a purchase time of zero or less, [clv.ErrInconsistent] for times not
// strictly increasing or after T, [clv.ErrOutOfRange] for a step or a
// time that is not finite, more than 10^6 steps or more than 10^7
// purchases, and the model's errors for T.
func AlivePath(m PurchaseModel, times []float64, T, step float64) ([]float64, error) {
	const fn = "alive path"
	if err := checkModel(fn, m); err != nil {
		return nil, err
	}
	if err := checkTime(fn, "T", T); err != nil {
		return nil, err
	}
	switch {
	case math.IsNaN(step) || math.IsInf(step, 0):
		return nil, fmt.Errorf("btyd: %s: step = %v: %w", fn, step, clv.ErrOutOfRange)
	case step <= 0:
		return nil, fmt.Errorf("btyd: %s: step = %v: %w", fn, step, clv.ErrNonPositive)
	case T/step > maxPathSteps:
		return nil, fmt.Errorf("btyd: %s: T/step = %v: %w: above %d steps", fn, T/step, clv.ErrOutOfRange, maxPathSteps)
	case len(times) > maxCount:
		return nil, fmt.Errorf("btyd: %s: %d purchases: %w: above %d", fn, len(times), clv.ErrOutOfRange, maxCount)
	}
	for i, v := range times {
		switch {
		case math.IsNaN(v) || math.IsInf(v, 0):
			return nil, fmt.Errorf("btyd: %s: purchase %d at %v: %w", fn, i+1, v, clv.ErrOutOfRange)
		case v <= 0:
			return nil, fmt.Errorf("btyd: %s: purchase %d at %v: %w: after the first purchase, at 0", fn, i+1, v, clv.ErrNonPositive)
		case v > T:
			return nil, fmt.Errorf("btyd: %s: purchase %d at %v > T = %v: %w", fn, i+1, v, T, clv.ErrInconsistent)
		case i > 0 && v <= times[i-1]:
			return nil, fmt.Errorf("btyd: %s: purchase %d at %v, not after %v: %w: times must increase", fn, i+1, v, times[i-1], clv.ErrInconsistent)
		}
	}
	steps := max(int(math.Ceil(T/step-1e-9)), 1)
	path := make([]float64, 0, steps)
	var x int
	for k := 1; k <= steps; k++ {
		s := min(float64(k)*step, T)
		if k == steps {
			s = T
		}
		for x < len(times) && times[x] <= s {
			x++
		}
		tx := 0.0
		if x > 0 {
			tx = times[x-1]
		}
		p, ok := m.aliveProbability(float64(x), tx, s)
		if !ok {
			return nil, notComputable(fn, m)
		}
		path = append(path, p)
	}
	return path, nil
}

// AlivePath returns the probability that a customer of the BG/BB model
// was alive at the next opportunity after each of their first n
// opportunities, through their own history: with repeat purchases at the
// opportunities buys (increasing, from 1 to n),
//
//	path[k − 1] = P(alive at k + 1 | x(k), t_x(k), k),  k = 1 … n
//
// [BGBB.ProbAlive] of the history as it stood at opportunity k, x(k)
// counting the purchases at or before k and t_x(k) the last of them. It
// ends at the ProbAlive of the full history (x, t_x, n), and carries its
// accuracy.
//
// It fails as [BGBB.ProbAlive] does for n, and with an error wrapping
// [clv.ErrNonPositive] for an opportunity of zero or less,
// [clv.ErrInconsistent] for opportunities not strictly increasing or
// after n.
func (m BGBB) AlivePath(buys []int64, n int64) ([]float64, error) {
	const fn = "BG/BB alive path"
	if err := m.check(fn); err != nil {
		return nil, err
	}
	if err := checkDiscrete(fn, 0, 0, n); err != nil {
		return nil, err
	}
	for i, b := range buys {
		switch {
		case b <= 0:
			return nil, fmt.Errorf("btyd: %s: purchase %d at opportunity %d: %w", fn, i+1, b, clv.ErrNonPositive)
		case b > n:
			return nil, fmt.Errorf("btyd: %s: purchase %d at opportunity %d > n = %d: %w", fn, i+1, b, n, clv.ErrInconsistent)
		case i > 0 && b <= buys[i-1]:
			return nil, fmt.Errorf("btyd: %s: purchase %d at opportunity %d, not after %d: %w: opportunities must increase", fn, i+1, b, buys[i-1], clv.ErrInconsistent)
		}
	}
	path := make([]float64, n)
	var x int64
	for k := int64(1); k <= n; k++ {
		for x < int64(len(buys)) && buys[x] <= k {
			x++
		}
		var tx int64
		if x > 0 {
			tx = buys[x-1]
		}
		kf := float64(k)
		path[k-1] = m.aliveWeight(float64(x), float64(tx), kf) * (m.Delta + kf) / (m.Gamma + m.Delta + kf) // as ProbAlive
	}
	return path, nil
}

// A PeriodForecast is the expected repeat purchases and revenue of
// cohorts of new customers in one period, from [NewCustomerForecast].
type PeriodForecast struct {
	// Acquired is the number of customers acquired at the period's
	// start.
	Acquired int64 `json:"acquired"`
	// Purchases is the expected repeat purchases of every cohort acquired
	// so far, in the period.
	Purchases float64 `json:"purchases"`
	// Revenue is Purchases times a new customer's expected spend, rounded
	// once to [clv.DefaultScale] places.
	Revenue decimal.Decimal `json:"revenue"`
}

// maxCohortWork bounds the cohorts times the periods of a new-customer
// forecast: 10^8, about a tenth of a second.
const maxCohortWork = 100_000_000

// maxCohortTerms bounds the series terms of a BG/NBD or MBG/NBD
// new-customer forecast: 2·10^7, about 1.5 s.
const maxCohortTerms = 20_000_000

// NewCustomerForecast returns the expected repeat purchases and revenue,
// period by period over a horizon h, of cohorts of new customers:
// acquired[j] customers make their first purchase at the start of period
// j + 1 of h.Period (j = 0 … len(acquired) − 1), and are then new
// customers of the purchase model m, whose unit of time is unit. With P
// the period in the model's unit and E[X(t)] the model's ExpectedPurchases
// ([BGNBD.ExpectedPurchases], [MBGNBD.ExpectedPurchases],
// [ParetoNBD.ExpectedPurchases]),
//
//	purchases_k = Σ_{j ≤ k} acquired[j] · (E[X((k − j + 1)P)] − E[X((k − j)P)]),  k = 0 … h.Length − 1
//	revenue_k   = purchases_k · E[Z]
//
// where E[Z] is a new customer's expected spend, g's ExpectedSpend of a
// customer without repeat purchases (for gamma–gamma pγ/(q − 1), the
// population mean). This is CLVTools' newcustomer() forecast, period by
// period, for cohorts acquired in bulk at each period's start; the first
// purchases themselves are not counted. E[X(t)] is computed once at each
// of the h.Length period ends, with the accuracy the model's
// ExpectedPurchases states; exactness ends at the conversion of spend to
// float64.
//
// It returns an error wrapping [clv.ErrMissing] for a nil model or spend
// model, an error if either is not valid, one wrapping
// [clv.ErrUnknownPeriod] for an unknown unit or period,
// [clv.ErrNonPositive] for a horizon of no length, [clv.ErrOutOfRange]
// for one beyond 1,000 years or past the model's series (see
// ExpectedPurchases; for BG/NBD and MBG/NBD, whose series take some
// 40 t/α terms at t, also where the periods' ends would take more than
// 2·10^7 terms in all, some 1.5 s: a thousand weekly periods with α below
// a week), [clv.ErrInconsistent] for more cohorts than
// periods, [clv.ErrNegative] for a negative count, [clv.ErrOutOfRange] for
// a count above 10^12 or more than 10^8 cohorts times periods, and the
// spend model's error if a new customer's expected spend is infinite.
func NewCustomerForecast(m PurchaseModel, g SpendModel, unit clv.Period, acquired []int64, h Horizon) ([]PeriodForecast, error) {
	const fn = "new customer forecast"
	if err := checkModel(fn, m); err != nil {
		return nil, err
	}
	horizon, err := forecastHorizon(fn, h, unit)
	if err != nil {
		return nil, err
	}
	spend, err := checkCohorts(fn, g, acquired, h.Length)
	if err != nil {
		return nil, err
	}
	P := horizon / float64(h.Length)
	// The BG/NBD's and MBG/NBD's series for E[X(t)] take some 40 t/α
	// terms, and the periods' ends sum to some H² P/2: refuse what would
	// take over a second or two.
	var alpha float64
	switch m := m.(type) {
	case BGNBD:
		alpha = m.Alpha
	case MBGNBD:
		alpha = m.Alpha
	}
	if n := float64(h.Length); alpha > 0 && 20*n*n*P/alpha > maxCohortTerms {
		return nil, fmt.Errorf("btyd: %s: horizon = %d %ss: %w: its series would take over %g terms with alpha = %v", fn, h.Length, h.Period, clv.ErrOutOfRange, float64(maxCohortTerms), alpha)
	}
	// inc[i] = E[X((i + 1)P)] − E[X(iP)], the purchases of a cohort in its
	// (i + 1)th period.
	inc := make([]float64, h.Length)
	prev := 0.0
	for i := range inc {
		e, err := m.ExpectedPurchases(float64(i+1) * P)
		if err != nil {
			return nil, err
		}
		// E rises with t; its series' last digits need not, and a
		// period's purchases are never negative.
		inc[i], prev = max(e-prev, 0), e
	}
	return cohortPurchases(fn, acquired, inc, spend)
}

// checkCohorts checks the spend model and the cohorts of a new-customer
// forecast of the given periods, and returns a new customer's expected
// spend.
func checkCohorts(fn string, g SpendModel, acquired []int64, periods int) (float64, error) {
	if g == nil {
		return 0, fmt.Errorf("btyd: %s: spend model: %w", fn, clv.ErrMissing)
	}
	if err := g.check(fn); err != nil {
		return 0, err
	}
	switch {
	case len(acquired) > periods:
		return 0, fmt.Errorf("btyd: %s: %d cohorts: %w: more than the horizon's %d periods", fn, len(acquired), clv.ErrInconsistent, periods)
	case float64(len(acquired))*float64(periods) > maxCohortWork:
		return 0, fmt.Errorf("btyd: %s: %d cohorts over %d periods: %w: above %d", fn, len(acquired), periods, clv.ErrOutOfRange, maxCohortWork)
	}
	for j, c := range acquired {
		switch {
		case c < 0:
			return 0, fmt.Errorf("btyd: %s: acquired[%d] = %d: %w", fn, j, c, clv.ErrNegative)
		case c > 1e12:
			return 0, fmt.Errorf("btyd: %s: acquired[%d] = %d: %w: above 10^12", fn, j, c, clv.ErrOutOfRange)
		}
	}
	return g.expectedSpend(fn, 0, 0)
}

// cohortPurchases returns, for each period k, the acquired[j] customers
// of each cohort j ≤ k times inc[k − j], their purchases in their
// (k − j + 1)th period, and those times spend, rounded.
func cohortPurchases(fn string, acquired []int64, inc []float64, spend float64) ([]PeriodForecast, error) {
	out := make([]PeriodForecast, len(inc))
	for k := range out {
		var sum kahan
		for j := range min(k+1, len(acquired)) {
			sum.add(float64(acquired[j]) * inc[k-j])
		}
		if k < len(acquired) {
			out[k].Acquired = acquired[k]
		}
		out[k].Purchases = sum.value()
		revenue := out[k].Purchases * spend
		if math.IsInf(revenue, 0) || math.IsNaN(revenue) {
			return nil, fmt.Errorf("btyd: %s: %w: the revenue of period %d overflows float64", fn, clv.ErrOutOfRange, k+1)
		}
		out[k].Revenue = toDecimal(revenue, clv.DefaultScale)
	}
	return out, nil
}

// DiscreteNewCustomerForecast returns the expected repeat purchases and
// revenue, opportunity by opportunity, of cohorts of new customers of the
// BG/BB model m: acquired[j] customers make their first purchase at
// opportunity j + 1 of the n_H opportunities of every in the horizon h
// (the nearest whole number, as [DiscreteValues] counts them), which is
// their trial, and may buy again from the next. A cohort's purchases at
// the ith opportunity after its trial are a new customer's,
//
//	E[X(i)] − E[X(i − 1)] = α/(α + β) · B(γ, δ + i)/B(γ, δ)
//
// ([BGBB.ExpectedPurchases]), so
//
//	purchases_k = Σ_{j < k} acquired[j] · α/(α + β) · B(γ, δ + k − j − 1)/B(γ, δ),  k = 1 … n_H
//	revenue_k   = purchases_k · E[Z]
//
// with E[Z] a new customer's expected spend, as in [NewCustomerForecast].
// The chances of survival are running products of their ratios, in n_H
// steps; the result carries about 13 significant digits.
//
// It returns an error if m or g is not valid, one wrapping
// [clv.ErrMissing] for a nil g, [clv.ErrUnknownPeriod] for an unknown
// every or horizon period, [clv.ErrNonPositive] for a horizon of no
// length, [clv.ErrOutOfRange] for one beyond 1,000 years (at most 52,179
// weekly opportunities), [clv.ErrInconsistent] for one shorter than half an
// opportunity or for more cohorts than opportunities, and the errors of
// [NewCustomerForecast] for the counts and the spend model.
func DiscreteNewCustomerForecast(m BGBB, g SpendModel, every clv.Period, acquired []int64, h Horizon) ([]PeriodForecast, error) {
	const fn = "discrete new customer forecast"
	if err := m.check(fn); err != nil {
		return nil, err
	}
	nH, err := discreteOpportunities(fn, every, h)
	if err != nil {
		return nil, err
	}
	spend, err := checkCohorts(fn, g, acquired, int(nH))
	if err != nil {
		return nil, err
	}
	// inc[i]: a cohort's purchases at the ith opportunity after its
	// trial, none at the trial itself.
	inc := make([]float64, nH)
	survive := m.Alpha / (m.Alpha + m.Beta)
	for i := 1; i < len(inc); i++ {
		j := float64(i - 1)
		survive *= (m.Delta + j) / (m.Gamma + m.Delta + j)
		inc[i] = survive
	}
	return cohortPurchases(fn, acquired, inc, spend)
}

// DERTs returns the DERT of each customer of a base, in its order: the
// purchases they are expected to make after the calibration end, each
// discounted continuously at rate delta per unit of the base's time, as
// the model's DERT gives it ([BGNBD.DERT], [MBGNBD.DERT],
// [ParetoNBD.DERT]), with its formula, source and accuracy:
//
//	DERT = P(alive) · E[∫_0^∞ e^{−δt} (purchase rate of an alive customer at t) dt]
//
// The expectation depends on a customer only through x and T, so it is
// computed once for each distinct (x, T), on two goroutines for a large
// base, and P(alive) once for each customer (the Pareto/NBD's from its
// integrals at each distinct (x, T) and (x, t_x), to the bit as
// ProbAlive). Under the BG/NBD and MBG/NBD, where an alive customer's
// expectation is a double integral of some 0.3 ms, an x with many
// distinct T has it interpolated across them: by a Chebyshev polynomial in
// ln(α + T), of the degree that the expectation's analyticity for
// Re(α + T) > 0 makes accurate to about 10^−13, through values computed
// as DERT computes them, and checked against three more; an x whose
// checks differ by more than 10^−11, or with too few T to pay, is
// computed directly. The tests find it within 10^−14 of the model's DERT
// for x up to 10^4 and T up to 1,000 weeks, and a million customers take
// some 0.25 s of CPU, not 3. With a yearly rate d and weekly data,
// delta = ln(1 + d)/52.
//
// It returns an error wrapping [clv.ErrMissing] for a nil model, an error
// if the model is not valid or a customer is not one it takes (see the
// model's type), and one wrapping [clv.ErrNonPositive] or
// [clv.ErrOutOfRange] if delta is not positive, not finite, or outside
// 10^−10 to 10^3.
func DERTs(m PurchaseModel, b Base, delta float64) ([]float64, error) {
	const fn = "DERTs"
	if err := checkModel(fn, m); err != nil {
		return nil, err
	}
	if err := checkDelta(fn, delta); err != nil {
		return nil, err
	}
	for i := range b.Customers {
		c := &b.Customers[i]
		if err := checkCustomer(fn, c.X, c.Tx, c.T); err != nil {
			return nil, naming(err, fn, "customer", int64(i+1))
		}
	}
	// The distinct (x, T) first, then their expectations split between
	// the goroutines, so that none is computed twice.
	pairs, of := basePairs(b)
	dert := make([]float64, len(pairs))
	if d, ok := m.(dropAtPurchase); ok {
		acrossT(pairs, d.scale(), func(x int64, T float64) float64 { return d.aliveDERT(float64(x), T, delta) }, dert)
	} else {
		split(len(pairs), func(_, lo, hi int) {
			for j := lo; j < hi; j++ {
				dert[j] = m.aliveDERT(float64(pairs[j].x), pairs[j].T, delta)
			}
		})
	}
	out, err := baseAlive(fn, m, b, pairs, of)
	if err != nil {
		return nil, err
	}
	split(len(b.Customers), func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			out[i] *= dert[of[i]]
		}
	})
	return out, nil
}

// DiscreteDERTs returns BG/BB's DERT of each customer of o, in its order,
// at a discount rate d per opportunity, as [BGBB.DERT] gives it:
//
//	DERT(d | x, t_x, n) = A/L · (α + x)/(α + β + n) · Σ_{t≥1} B(γ, δ + n + t)/B(γ, δ + n) (1 + d)^−t
//
// The sum depends on a customer only through n, and is computed once for
// each distinct n; A/L once for each customer. A customer with n = 0 is
// valued as a new one, A/L = 1.
//
// It returns an error if m is not valid, one wrapping [clv.ErrNonPositive]
// or [clv.ErrOutOfRange] for a d that is not positive or not finite or so
// small (below some 2·10^−5) that the series would need more than 2
// million terms, and the errors of [CompareDiscreteHoldout] for a
// customer no log can produce.
func DiscreteDERTs(m BGBB, o Opportunities, d float64) ([]float64, error) {
	const fn = "discrete DERTs"
	if err := m.check(fn); err != nil {
		return nil, err
	}
	switch {
	case math.IsNaN(d) || math.IsInf(d, 0):
		return nil, fmt.Errorf("btyd: %s: d = %v: %w", fn, d, clv.ErrOutOfRange)
	case d <= 0:
		return nil, fmt.Errorf("btyd: %s: d = %v: %w", fn, d, clv.ErrNonPositive)
	}
	for i := range o.Customers {
		c := &o.Customers[i]
		if err := checkOpportunity(fn, c.X, c.Tx, c.N); err != nil {
			return nil, naming(err, fn, "customer", int64(i+1))
		}
	}
	// The sum of each distinct n, then the DERT of each distinct
	// (x, t_x, n), then the customers.
	keys, of, weights := discreteHistories(m, o)
	sums := make(map[int64]float64)
	for _, k := range keys {
		if _, ok := sums[k[2]]; ok {
			continue
		}
		s, ok := survivalSum(m.Gamma, m.Delta+float64(k[2]), -1, 1/(1+d))
		if !ok {
			return nil, fmt.Errorf("btyd: %s: d = %v: %w: too small a discount rate for the series to converge", fn, d, clv.ErrOutOfRange)
		}
		sums[k[2]] = s
	}
	derts := make([]float64, len(keys))
	for j, k := range keys {
		xf, nf := float64(k[0]), float64(k[2])
		derts[j] = weights[j] * (m.Alpha + xf) / (m.Alpha + m.Beta + nf) * sums[k[2]]
	}
	out := make([]float64, len(o.Customers))
	for i, j := range of {
		out[i] = derts[j]
	}
	return out, nil
}

// basePairs returns the distinct (x, T) of b's customers and the index of
// each customer's among them.
func basePairs(b Base) ([]pairKey, []int32) {
	n := len(b.Customers)
	pairs, of, _ := distinctKeys(n, func(i int) pairKey { return pairKey{b.Customers[i].X, b.Customers[i].T} }, n)
	return pairs, of
}

// baseAlive returns P(alive) of each customer of b, whose distinct (x, T)
// are pairs, customer i's pairs[of[i]], on two goroutines for a large
// base. The Pareto/NBD's P(alive) takes ln I(t) at t_x and at T (see
// [ParetoNBD.ProbAlive]), which depend on a customer only through x and
// t, and a base summarised in days holds a few hundred distinct t: ln I
// is summed once for each distinct (x, T) and (x, t_x), and P(alive)
// formed from them as ProbAlive forms it, to the bit, where a customer's
// own would sum two series. The other models' take two logarithms a
// customer, cheaper than a look-up.
func baseAlive(fn string, m PurchaseModel, b Base, pairs []pairKey, of []int32) ([]float64, error) {
	out := make([]float64, len(b.Customers))
	var errs [2]error
	pm, ok := m.(ParetoNBD)
	if !ok {
		split(len(b.Customers), func(part, lo, hi int) {
			for i := lo; i < hi; i++ {
				c := &b.Customers[i]
				alive, ok := m.aliveProbability(float64(c.X), c.Tx, c.T)
				if !ok {
					errs[part] = naming(notComputable(fn, m), fn, "customer", int64(i+1))
					return
				}
				out[i] = alive
			}
		})
		return out, errors.Join(errs[0], errs[1])
	}
	n := len(b.Customers)
	highs, highOf, _ := distinctKeys(n, func(i int) pairKey { return pairKey{b.Customers[i].X, b.Customers[i].Tx} }, n)
	// ln I(T) of each pair, then ln I(t_x) of each (x, t_x), in one list.
	keys := append(slices.Clip(pairs), highs...)
	tails := make([]float64, len(keys))
	split(len(keys), func(part, lo, hi int) {
		for j := lo; j < hi; j++ {
			v, ok := pnbdLogTail(pm.R, pm.Alpha, pm.S, pm.Beta, float64(keys[j].x), keys[j].T, false)
			if !ok {
				errs[part] = notComputable(fn, m)
				return
			}
			tails[j] = v.v
		}
	})
	if err := errors.Join(errs[0], errs[1]); err != nil {
		return nil, err
	}
	split(n, func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			c := &b.Customers[i]
			alive, dead := pnbdParts(tails[len(pairs)+int(highOf[i])], tails[of[i]], pm.R, pm.Alpha, pm.S, pm.Beta, float64(c.X), c.T)
			out[i] = logistic(alive - dead)
		}
	})
	return out, nil
}
