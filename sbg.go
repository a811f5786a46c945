package clv

import (
	"cmp"
	"fmt"
	"math"
	"math/big"
	"math/bits"

	"github.com/shopspring/decimal"
)

// An SBG is the shifted-beta-geometric model of contractual retention, from
// Fader and Hardie, "How to Project Customer Retention" (Journal of
// Interactive Marketing 21(1), 2007). Each customer stays each period with
// a constant probability, but customers differ: their churn probabilities
// θ follow a beta distribution with parameters Alpha and Beta. The
// customers likely to leave leave early, so the retention of those who
// remain rises with tenure:
//
//	P(a customer leaves in period t) = B(α + 1, β + t − 1) / B(α, β)
//	survival S(t)  = B(α, β + t) / B(α, β) = Π_{j=1..t} (β + j − 1) / (α + β + j − 1)
//	retention r(t) = S(t) / S(t − 1) = (β + t − 1) / (α + β + t − 1)
//
// The mean churn probability is α / (α + β). Large Alpha and Beta at a
// fixed ratio make all customers alike, and the model becomes a constant
// churn of α / (α + β). Alpha and Beta are statistics, held in float64;
// Period is the length of one period of the model, in which a customer
// renews or leaves. [FitSBG] estimates the model from cohorts.
//
// An SBG is valid when Alpha and Beta are finite, above zero and at most
// 10^12, and Period is a [Period]; its methods return an error wrapping
// [ErrNonPositive], [ErrOutOfRange] or [ErrUnknownPeriod] otherwise.
type SBG struct {
	Alpha  float64 `json:"alpha"`
	Beta   float64 `json:"beta"`
	Period Period  `json:"period"`
}

// maxSBGParameter bounds Alpha and Beta: beyond it the model is constant
// churn to twelve digits.
const maxSBGParameter = 1e12

// check returns an error if m is not a valid model.
func (m SBG) check(fn string) error {
	for _, p := range []struct {
		name string
		v    float64
	}{{"alpha", m.Alpha}, {"beta", m.Beta}} {
		switch {
		case math.IsNaN(p.v) || p.v > maxSBGParameter:
			return &argError{fn: fn, arg: p.name, val: fmt.Sprint(p.v), err: ErrOutOfRange}
		case p.v <= 0:
			return &argError{fn: fn, arg: p.name, val: fmt.Sprint(p.v), err: ErrNonPositive}
		}
	}
	return checkPeriod(fn, "period", m.Period)
}

// retention returns r(t), the share of customers active in period t − 1
// who stay for period t.
func (m SBG) retention(t float64) float64 {
	// t − 1 first: (β + t) − 1 loses a β below 2^−53 to rounding, and
	// with α as small it makes r(1) 0/0.
	return (m.Beta + (t - 1)) / (m.Alpha + m.Beta + (t - 1))
}

// checkPeriodCount refuses a number of periods below 0 or above maxLength.
func checkPeriodCount(fn, arg string, n int) error {
	if n < 0 {
		return &argError{fn: fn, arg: arg, val: fmt.Sprint(n), err: ErrNegative}
	}
	if n > maxLength {
		return &argError{fn: fn, arg: arg, val: fmt.Sprint(n), err: ErrOutOfRange}
	}
	return nil
}

// SurvivalCurve returns S(0), S(1), …, S(periods): the share of a cohort
// still active after each number of periods, from S(0) = 1. It is
// non-increasing. It returns an error if m is not valid, and one wrapping
// [ErrNegative] or [ErrOutOfRange] if periods is below 0 or above
// 1,000,000.
func (m SBG) SurvivalCurve(periods int) ([]float64, error) {
	const fn = "survival curve"
	if err := cmp.Or(m.check(fn), checkPeriodCount(fn, "periods", periods)); err != nil {
		return nil, err
	}
	s := make([]float64, periods+1)
	s[0] = 1
	for t := 1; t <= periods; t++ {
		s[t] = s[t-1] * m.retention(float64(t))
	}
	return s, nil
}

// RetentionCurve returns r(1), r(2), …, r(periods): of the customers active
// in a period, the share who stay for the next. It is non-decreasing: the
// longer customers have stayed, the likelier they are to stay. It fails as
// [SBG.SurvivalCurve] does.
func (m SBG) RetentionCurve(periods int) ([]float64, error) {
	const fn = "retention curve"
	if err := cmp.Or(m.check(fn), checkPeriodCount(fn, "periods", periods)); err != nil {
		return nil, err
	}
	r := make([]float64, periods)
	for t := range r {
		r[t] = m.retention(float64(t + 1))
	}
	return r, nil
}

// ExpectedLifetime returns the number of periods a new customer is
// expected to pay for within a horizon, value arriving at the start of
// each period they are active:
//
//	E[lifetime] = Σ_{t=0}^{horizon−1} S(t)
//
// A horizon of 0 means none: the sum runs on forever, to
// (α + β − 1) / (α − 1), which is finite only for α > 1. With α ≤ 1 enough
// customers almost never leave that the expected lifetime is unbounded.
//
// It returns an error if m is not valid, one wrapping [ErrNegative] or
// [ErrOutOfRange] if horizon is below 0 or above 1,000,000, and one
// wrapping [ErrOutOfRange] if the lifetime is unbounded.
func (m SBG) ExpectedLifetime(horizon int) (float64, error) {
	const fn = "expected lifetime"
	if err := m.check(fn); err != nil {
		return 0, err
	}
	if err := checkPeriodCount(fn, "horizon", horizon); err != nil {
		return 0, err
	}
	v, ok := m.presentValue(0, float64(horizon), 1)
	if !ok {
		return 0, m.unbounded(fn)
	}
	return v, nil
}

func (m SBG) unbounded(fn string) error {
	return &argError{fn: fn, arg: "alpha", val: fmt.Sprint(m.Alpha),
		err: fmt.Errorf("%w: with alpha ≤ 1 and no discount the expected lifetime is unbounded; give a horizon", ErrOutOfRange)}
}

// DiscountedResidualLifetime returns the discounted expected residual
// lifetime (DERL) of Fader and Hardie, "Customer-Base Valuation in a
// Contractual Setting: The Perils of Ignoring Heterogeneity" (Marketing
// Science 29(1), 2010): for a customer who has renewed n times, and is about
// to decide on renewal n + 1, the expected number of further periods they
// will pay for, each discounted to that moment at rate per ratePeriod:
//
//	DERL(d | n) = Σ_{t=1}^{∞} S(n + t) / S(n) / (1 + d)^(t − 1)
//	            = (β + n) / (α + β + n) · ₂F₁(1, β + n + 1; α + β + n + 1; 1 / (1 + d))
//
// where d is the rate converted to the model's period. A new customer's
// discounted lifetime, counting the period they just paid for, is
// 1 + DERL(d | 0) / (1 + d). With a constant churn c it is the familiar
// (1 − c)(1 + d) / (d + c).
//
// A zero rate gives the undiscounted (β + n) / (α − 1), finite only for
// α > 1. The sum is evaluated in float64 to about twelve significant
// digits. It returns an error if m is not valid, one wrapping [ErrNegative]
// or [ErrOutOfRange] if renewals is below 0 or above 1,000,000 or rate is
// negative or out of range, one wrapping [ErrUnknownPeriod] for an unknown
// ratePeriod, and one wrapping [ErrOutOfRange] if the lifetime is unbounded
// or the rate so small that the sum would need more than 10,000,000 terms.
func (m SBG) DiscountedResidualLifetime(renewals int, rate decimal.Decimal, ratePeriod Period) (float64, error) {
	const fn = "discounted residual lifetime"
	if err := m.check(fn); err != nil {
		return 0, err
	}
	if err := checkPeriodCount(fn, "renewals", renewals); err != nil {
		return 0, err
	}
	z, err := discountFactor(fn, rate, ratePeriod, m.Period)
	if err != nil {
		return 0, err
	}
	n := float64(renewals)
	v, ok := m.presentValue(n+1, 0, z)
	if !ok {
		if z == 1 {
			return 0, m.unbounded(fn)
		}
		return 0, &argError{fn: fn, arg: "rate", val: rate.String(), err: fmt.Errorf("%w: too small to sum", ErrOutOfRange)}
	}
	return m.retention(n+1) * v, nil
}

// discountFactor returns 1 / (1 + d), where d is rate per ratePeriod
// converted to period, in float64.
func discountFactor(fn string, rate decimal.Decimal, ratePeriod, period Period) (float64, error) {
	rate, err := checkNonNegative(fn, "rate", rate)
	if err != nil {
		return 0, err
	}
	if err := checkPeriod(fn, "rate period", ratePeriod); err != nil {
		return 0, err
	}
	return perPeriodDiscount(rate, ratePeriod, period), nil
}

// maxSumTerms bounds the terms of an unbounded discounted sum; a discount
// rate too small for it to converge within them is refused.
const maxSumTerms = 10_000_000

// presentValue returns the expected value, at the start of period from + 1,
// of one unit arriving at the start of each period a customer active then
// stays active, each discounted by z per period:
//
//	Σ_{t=0}^{horizon−1} S(from + t) / S(from) · z^t
//
// and, for a fractional horizon, the last partial period's share at its
// start. A horizon of 0 means none. It reports false if the sum is
// unbounded (z = 1 and α ≤ 1) or would need more than maxSumTerms terms.
func (m SBG) presentValue(from, horizon, z float64) (float64, bool) {
	if horizon == 0 && z == 1 {
		if m.Alpha <= 1 {
			return 0, false
		}
		// The mean of 1/θ over the customers left after from periods,
		// whose churn follows beta(α, β + from).
		return (m.Alpha + m.Beta + from - 1) / (m.Alpha - 1), true
	}
	whole := math.Floor(horizon)
	limit := whole
	if horizon == 0 {
		limit = maxSumTerms
	}
	// Neumaier's compensated sum: a million terms keep their digits.
	var sum, carry float64
	add := func(x float64) {
		t := sum + x
		if math.Abs(sum) >= math.Abs(x) {
			carry += (sum - t) + x
		} else {
			carry += (x - t) + sum
		}
		sum = t
	}
	w := 1.0 // S(from + t) / S(from) · z^t
	for t := 0.0; t < limit; t++ {
		add(w)
		w *= m.retention(from+t+1) * z
		if horizon == 0 && w < 1e-17*sum {
			return sum + carry, true
		}
	}
	if horizon == 0 {
		return 0, false
	}
	add((horizon - whole) * w)
	return sum + carry, true
}

// An SBGFit is an [SBG] fitted to cohorts by [FitSBG].
type SBGFit struct {
	// Model is the fitted model.
	Model SBG `json:"model"`
	// LogLikelihood is the natural logarithm of the probability of the
	// cohorts under Model, the maximum over all models.
	LogLikelihood float64 `json:"log_likelihood"`
	// ConstantChurn is the churn rate of the same cohorts under a single
	// constant rate, the one 1 / churn lifespans assume: customers lost
	// over customer periods observed, the maximum-likelihood estimate of
	// that simpler model, rounded to [DefaultScale] places.
	ConstantChurn decimal.Decimal `json:"constant_churn"`
}

const (
	// maxCohortPeriods bounds the periods of a cohort given to FitSBG.
	maxCohortPeriods = 10_000
	// maxCohortSize bounds the customers of all cohorts together, which
	// keeps every count exact in float64.
	maxCohortSize = 1 << 53
	// geometricScale is where FitSBG stops when the likelihood rises
	// without bound along α / (α + β) fixed: α + β = 10^6 is constant
	// churn to six digits.
	geometricScale = 1e6
	// fitIterations bounds the Newton steps of FitSBG.
	fitIterations = 500
	// dampings bounds how many times one step is damped, λ rising tenfold
	// each time, before FitSBG gives up on climbing: by then λ has grown
	// 10^60 past the curvature and the step is below any float64 change.
	dampings = 60
	// convergedGradient is where FitSBG stops, relative to 1 + |LL|: a
	// step could raise the likelihood by no more than its rounding error.
	convergedGradient = 1e-9
	// acceptedGradient is the largest gradient, relative to 1 + |LL|, of a
	// fit FitSBG reports when no step climbs any more: a thousand times
	// looser than convergence, which a flat optimum in float64 may need,
	// and far tighter than a likelihood still rising towards a boundary.
	acceptedGradient = 1e-6
	// minSBGParameter is the least Alpha and Beta FitSBG reports: below
	// it the likelihood is rising towards a model with no interior
	// maximum, everyone gone at once or no one ever leaving.
	minSBGParameter = 1e-6
)

// FitSBG fits the shifted-beta-geometric model to cohorts by maximum
// likelihood. Each cohort is the number of its customers still active at
// the start of each period, starting with its size:
//
//	[]int64{1000, 631, 468, 382, 326, 289, 262, 241}
//
// is a cohort of 1,000 of whom 631 renewed for a second period and 241 for
// an eighth. Cohorts may differ in size and length; all share one model,
// whose periods are per. The log-likelihood, with n_t customers lost in
// period t and the s_T customers of a cohort of T periods still active, is
//
//	LL(α, β) = Σ n_t ln P(T = t) + Σ s_T ln S(T)
//
// maximised by Newton's method on ln α and ln β, with steps damped until
// each raises the likelihood, from α = β = 1 and from three starts with
// the constant churn's mean, α/(α + β), and α + β of 0.2, 3 and 100; the
// best end is the fit. Where the cohorts show no
// sign that customers differ — churn as even as a constant rate's — the
// likelihood rises for ever as α and β grow at a fixed ratio; the fit then
// stops at α + β = 10^6 with α / (α + β) the constant churn rate, which is
// that constant rate to six digits.
//
// It returns an error wrapping [ErrMissing] if there are no cohorts or a
// cohort has no period after its size, [ErrNonPositive] if a cohort's size
// is not positive, [ErrNegative] for a negative count, [ErrInconsistent]
// if a count exceeds the one before, [ErrOutOfRange] for more than 10,000
// periods or cohorts whose sizes sum to 2^53 or more, [ErrUnknownPeriod]
// for an unknown per, and [ErrNoFit] if no customer churned, so few did
// that the constant churn rounds to 0 at [DefaultScale] places, every
// customer churned in the first period, only one period was observed, or
// the likelihood has no maximum with α and β between 10^−6 and 10^12.
func FitSBG(per Period, cohorts ...[]int64) (SBGFit, error) {
	const fn = "fit sBG"
	if err := checkPeriod(fn, "period", per); err != nil {
		return SBGFit{}, err
	}
	if len(cohorts) == 0 {
		return SBGFit{}, &argError{fn: fn, arg: "cohorts", err: ErrMissing}
	}
	var d cohortData
	for i, c := range cohorts {
		if err := d.add(fn, i, c); err != nil {
			return SBGFit{}, err
		}
	}
	// The constant rate: customers lost over customer periods observed.
	// Every per-period sum is below 2^53, but their sum may pass 2^63.
	var lost int64
	var exposure, carry uint64 // exposure + 2^64 carry
	for t := 1; t < len(d.lost); t++ {
		lost += d.lost[t]
		var c uint64
		exposure, c = bits.Add64(exposure, uint64(d.active[t]), 0)
		carry += c
	}
	switch {
	case lost == 0:
		return SBGFit{}, &argError{fn: fn, arg: "cohorts", err: fmt.Errorf("%w: no customer churned", ErrNoFit)}
	case d.lost[1] == d.active[1]:
		return SBGFit{}, &argError{fn: fn, arg: "cohorts", err: fmt.Errorf("%w: every customer churned in the first period", ErrNoFit)}
	case len(d.lost) < 3:
		return SBGFit{}, &argError{fn: fn, arg: "cohorts", err: fmt.Errorf("%w: one period cannot tell how churn changes with tenure", ErrNoFit)}
	}
	periods := new(big.Int).Lsh(new(big.Int).SetUint64(carry), 64)
	periods.Or(periods, new(big.Int).SetUint64(exposure))
	constant := decimal.NewFromInt(lost).DivRound(decimal.NewFromBigInt(periods, 0), DefaultScale)
	if constant.IsZero() {
		return SBGFit{}, &argError{fn: fn, arg: "cohorts", note: fmt.Sprintf("with %d lost in %s customer periods", lost, periods),
			err: fmt.Errorf("%w: the constant churn rounds to 0 at %d places", ErrNoFit, DefaultScale)}
	}
	fit := SBGFit{ConstantChurn: constant}
	churn := float64(lost) / (float64(carry)*0x1p64 + float64(exposure))

	// The climbs start at α = β = 1 and at the constant churn's mean with
	// three spreads; the best end that is a maximum wins.
	ends := []sbgEnd{d.climb(0, 0, churn)}
	for _, spread := range sbgSpreads {
		ends = append(ends, d.climb(math.Log(churn*spread), math.Log((1-churn)*spread), churn))
	}
	var best *sbgEnd
	for i, e := range ends {
		if e.accepted() && (best == nil || e.ll > best.ll) {
			best = &ends[i]
		}
	}
	if best == nil {
		return SBGFit{}, &argError{fn: fn, arg: "cohorts", err: fmt.Errorf("%w: the likelihood has no maximum with alpha and beta between 1e-6 and 1e12", ErrNoFit)}
	}
	alpha, beta, ll := best.alpha(), best.beta(), best.ll
	fit.Model, fit.LogLikelihood = SBG{Alpha: alpha, Beta: beta, Period: per}, ll
	return fit, nil
}

// sbgSpreads are α + β at the starts of FitSBG's climbs besides α = β = 1:
// churn that varies much, some and little between customers.
var sbgSpreads = [...]float64{0.2, 3, 100}

// An sbgEnd is where one of FitSBG's climbs ended: at α = e^u, β = e^v,
// with log-likelihood ll and gradient g in (u, v) there; geometric says
// it ended at the geometric limit.
type sbgEnd struct {
	u, v, ll  float64
	g         [2]float64
	geometric bool
}

func (e sbgEnd) alpha() float64 { return math.Exp(e.u) }
func (e sbgEnd) beta() float64  { return math.Exp(e.v) }

// accepted reports whether e is a maximum FitSBG may report: the geometric
// limit, or a point of vanishing gradient with α and β in range.
// Written so that a NaN anywhere fails the test.
func (e sbgEnd) accepted() bool {
	alpha, beta := e.alpha(), e.beta()
	return (e.geometric || math.Abs(e.g[0])+math.Abs(e.g[1]) <= acceptedGradient*(1+math.Abs(e.ll))) &&
		alpha >= minSBGParameter && beta >= minSBGParameter && alpha <= maxSBGParameter && beta <= maxSBGParameter &&
		!math.IsNaN(e.ll) && !math.IsInf(e.ll, 0)
}

// climb maximises the log-likelihood from α = e^u, β = e^v by Newton's
// method on (ln α, ln β), each step damped until it raises the
// likelihood, until the gradient vanishes, no step climbs, or α + β passes
// geometricScale, where the climb ends at the geometric model of the
// constant churn.
func (d *cohortData) climb(u, v, churn float64) sbgEnd {
	ll, g, h := d.logLikelihood(u, v)
	lambda := 0.0
	for range fitIterations {
		if math.Exp(u)+math.Exp(v) > geometricScale {
			// exp(ln(c·10^6)) + exp(ln((1 − c)·10^6)) may round below
			// 10^6: the end says it is geometric.
			u, v = math.Log(churn*geometricScale), math.Log((1-churn)*geometricScale)
			ll, g, _ = d.logLikelihood(u, v)
			return sbgEnd{u: u, v: v, ll: ll, g: g, geometric: true}
		}
		if math.Abs(g[0])+math.Abs(g[1]) < convergedGradient*(1+math.Abs(ll)) {
			break
		}
		// Solve (H − λI) δ = −g; raise λ until the step climbs.
		improved := false
		for range dampings {
			a, b, c := h[0]-lambda, h[1], h[2]-lambda
			det := a*c - b*b
			if a < 0 && det > 0 {
				du := -(c*g[0] - b*g[1]) / det
				dv := -(a*g[1] - b*g[0]) / det
				if l2, g2, h2 := d.logLikelihood(u+du, v+dv); l2 >= ll && !math.IsNaN(l2) {
					u, v, ll, g, h = u+du, v+dv, l2, g2, h2
					improved = true
					lambda /= 10
					break
				}
			}
			lambda = max(10*lambda, 1e-3*(math.Abs(h[0])+math.Abs(h[2])+1))
		}
		if !improved {
			break
		}
	}
	return sbgEnd{u: u, v: v, ll: ll, g: g}
}

// cohortData sums cohorts into what their likelihood needs: for each period
// t ≥ 1, the customers active at its start, those lost during it, and
// those still active at its end when their cohort's record ends there.
// The cohorts' sizes sum below 2^53, so every count is exact in float64.
type cohortData struct {
	active, lost, censored []int64
	size                   int64 // all cohorts' customers
}

func (d *cohortData) add(fn string, i int, c []int64) error {
	name := func(j int) string { return fmt.Sprintf("cohort %d: period %d", i+1, j) }
	switch {
	case len(c) < 2:
		return &argError{fn: fn, arg: fmt.Sprintf("cohort %d", i+1), err: fmt.Errorf("%w: a cohort needs its size and at least one period", ErrMissing)}
	case len(c)-1 > maxCohortPeriods:
		return &argError{fn: fn, arg: fmt.Sprintf("cohort %d: periods", i+1), val: fmt.Sprint(len(c) - 1), err: ErrOutOfRange}
	case c[0] <= 0:
		return &argError{fn: fn, arg: fmt.Sprintf("cohort %d: size", i+1), val: fmt.Sprint(c[0]), err: ErrNonPositive}
	case c[0] >= maxCohortSize:
		return &argError{fn: fn, arg: fmt.Sprintf("cohort %d: size", i+1), val: fmt.Sprint(c[0]), err: ErrOutOfRange}
	case c[0] >= maxCohortSize-d.size:
		return &argError{fn: fn, arg: fmt.Sprintf("cohort %d: size", i+1), val: fmt.Sprint(c[0]),
			err: fmt.Errorf("%w: the cohorts' sizes sum to 2^53 or more", ErrOutOfRange)}
	}
	for j := 1; j < len(c); j++ {
		switch {
		case c[j] < 0:
			return &argError{fn: fn, arg: name(j), val: fmt.Sprint(c[j]), err: ErrNegative}
		case c[j] > c[j-1]:
			return &argError{fn: fn, arg: name(j), val: fmt.Sprint(c[j]), err: fmt.Errorf("%w: more customers than in the period before, %d", ErrInconsistent, c[j-1])}
		}
	}
	for len(d.active) < len(c) {
		d.active, d.lost, d.censored = append(d.active, 0), append(d.lost, 0), append(d.censored, 0)
	}
	for t := 1; t < len(c); t++ {
		d.active[t] += c[t-1]
		d.lost[t] += c[t-1] - c[t]
	}
	d.censored[len(c)-1] += c[len(c)-1]
	d.size += c[0]
	return nil
}

// logLikelihood returns LL at α = e^u, β = e^v, its gradient in (u, v), and
// its Hessian in (u, v) as {∂uu, ∂uv, ∂vv}. With A_j = α + β + j − 1 and
// B_j = β + j − 1, ln S(t) = Σ_{j≤t} ln(B_j / A_j) and
// ln P(t) = ln S(t − 1) + ln(α / A_t), so every derivative is a sum of
// simple fractions.
func (d *cohortData) logLikelihood(u, v float64) (ll float64, g [2]float64, h [3]float64) {
	alpha, beta := math.Exp(u), math.Exp(v)
	// Derivatives in (α, β) first.
	var da, db, daa, dab, dbb float64
	var lostAll float64
	// weight[j]: the terms whose ln S reaches j, those lost after period
	// j and those still active at the end of period j or later.
	weight := 0.0
	for t := len(d.lost) - 1; t >= 1; t-- {
		weight += float64(d.censored[t])
		a, b := alpha+beta+float64(t-1), beta+float64(t-1)
		if n := float64(d.lost[t]); n > 0 {
			// n ln(α / A_t)
			lostAll += n
			ll -= n * math.Log(a)
			da -= n / a
			db -= n / a
			daa += n / (a * a)
			dab += n / (a * a)
			dbb += n / (a * a)
		}
		if weight > 0 {
			// weight · ln(B_t / A_t)
			ll += weight * (math.Log(b) - math.Log(a))
			da -= weight / a
			db += weight * (1/b - 1/a)
			daa += weight / (a * a)
			dab += weight / (a * a)
			dbb += weight * (1/(a*a) - 1/(b*b))
		}
		weight += float64(d.lost[t])
	}
	ll += lostAll * u
	da += lostAll / alpha
	daa -= lostAll / (alpha * alpha)
	// To (u, v): ∂u = α ∂α, ∂uu = α² ∂αα + α ∂α.
	g = [2]float64{alpha * da, beta * db}
	h = [3]float64{alpha*alpha*daa + alpha*da, alpha * beta * dab, beta*beta*dbb + beta*db}
	return ll, g, h
}

// A ProjectedPeriod is one period of [SBGFit.Project]: the share of a
// cohort still active after Tenure periods, as the fitted model projects
// it and as the constant churn of the same cohorts does.
type ProjectedPeriod struct {
	// Tenure counts the periods since the cohort started, from 0.
	Tenure        int     `json:"tenure"`
	Fitted        float64 `json:"fitted"`
	ConstantChurn float64 `json:"constant_churn"`
}

// Project returns, for 0 to periods periods, the share of a cohort still
// active: S(t) under the fitted model beside (1 − c)^t under its constant
// churn c. The two agree on the periods the fit saw, roughly; beyond them
// the constant rate keeps losing the same share while the fitted curve
// flattens, as the customers likely to leave are gone. It returns an error
// wrapping [ErrNegative] or [ErrOutOfRange] if periods is below 0 or
// above 1,000,000, and fails as [SBG.SurvivalCurve] does for a fit not
// made by [FitSBG].
func (f SBGFit) Project(periods int) ([]ProjectedPeriod, error) {
	s, err := f.Model.SurvivalCurve(periods)
	if err != nil {
		return nil, err
	}
	c, err := checkShare("project", "constant churn", f.ConstantChurn)
	if err != nil {
		return nil, err
	}
	stay := 1 - c.InexactFloat64()
	p := make([]ProjectedPeriod, len(s))
	for t := range p {
		p[t] = ProjectedPeriod{Tenure: t, Fitted: s[t], ConstantChurn: math.Pow(stay, float64(t))}
	}
	return p, nil
}
