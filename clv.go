package clv

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/shopspring/decimal"
)

const (
	// DefaultScale is the number of decimal places every figure is rounded
	// to unless [WithScale] says otherwise. Ten places keep rates such as a
	// weekly churn of 0.0023077 exact to seven significant digits.
	DefaultScale = 10

	// MaxScale is the most decimal places a decimal input may carry, and
	// the largest scale [WithScale] accepts.
	MaxScale = 30
)

const (
	// maxIntegerDigits bounds the magnitude of decimal inputs: below 10^24.
	maxIntegerDigits = 24
	// magnitudeDigits bounds, in digits, any amount a discount factor is
	// multiplied by: an in-range amount times 52 periods, twice (for net
	// value, which subtracts two such products).
	magnitudeDigits = 27
	// guardDigits is how many digits beyond the scale an irrational
	// figure is evaluated to before its one rounding.
	guardDigits = 20
)

var one = decimal.NewFromInt(1)

// The failures, each wrapped with the function and argument at fault.
var (
	// ErrNonPositive reports a count, length, rate or cost that must be
	// above zero but is not, such as a window without customers.
	ErrNonPositive = errors.New("clv: must be positive")
	// ErrNegative reports an amount or rate below zero where zero is the
	// least allowed, such as negative revenue.
	ErrNegative = errors.New("clv: must not be negative")
	// ErrAboveOne reports a share above 1 (100 %), such as a churn rate or
	// gross margin of 1.5.
	ErrAboveOne = errors.New("clv: must be at most 1")
	// ErrInconsistent reports inputs that contradict each other, such as
	// fewer purchases than customers who bought, or a lifespan with both a
	// length and a churn rate.
	ErrInconsistent = errors.New("clv: inconsistent")
	// ErrUnknownPeriod reports a [Period] that is not one of Week, Month,
	// Quarter and Year, or text that does not name one.
	ErrUnknownPeriod = errors.New("clv: unknown period")
	// ErrNeverPaysBack reports a contribution per period of zero or less:
	// the acquisition cost is never recovered.
	ErrNeverPaysBack = errors.New("clv: never pays back")
	// ErrOutOfRange reports an input far outside any business's range: a
	// decimal of 10^24 or more in magnitude, with more than [MaxScale]
	// decimal places, a scale above [MaxScale], a fixed lifespan of more
	// than 1,000,000 periods, totals that overflow int64, a rate above
	// zero that would be reported as 0, or a purchase log beyond the
	// limits of an [Accumulator]: more than [MaxWindows] windows or
	// [MaxSegments] segments, an id or segment name over 256 bytes, a year
	// outside 1 to 9999.
	ErrOutOfRange = errors.New("clv: out of range")
	// ErrMissing reports a required value left empty, such as a purchase
	// without a customer or a time.
	ErrMissing = errors.New("clv: missing")
	// ErrNoFit reports data from which a model cannot be estimated: cohorts
	// with no churn, with every customer gone at once, or with a single period
	// observed, whose likelihood has no maximum.
	ErrNoFit = errors.New("clv: cannot be estimated")
	// ErrMalformed reports encoded data that cannot be decoded: truncated,
	// altered, of another version, or describing an Accumulator that
	// adding purchases could not have built.
	ErrMalformed = errors.New("clv: malformed encoding")
)

// argError is a failure of one argument, "clv: fn: arg = val note: reason":
// fn is the function or part at fault, arg the argument's name, val its
// value if shown, note what else the caller needs to see, and err the
// sentinel, perhaps wrapped with more words.
type argError struct {
	fn, arg, val, note string
	err                error
}

func (e *argError) Error() string {
	var b strings.Builder
	b.WriteString("clv: ")
	b.WriteString(e.fn)
	b.WriteString(": ")
	b.WriteString(e.arg)
	if e.val != "" {
		b.WriteString(" = ")
		b.WriteString(e.val)
	}
	if e.note != "" {
		b.WriteString(" ")
		b.WriteString(e.note)
	}
	b.WriteString(": ")
	b.WriteString(strings.TrimPrefix(e.err.Error(), "clv: "))
	return b.String()
}

func (e *argError) Unwrap() error { return e.err }

// checkDecimal returns d ready for arithmetic, or an error wrapping
// ErrOutOfRange. Its cost grows with d's digits, never with its exponent:
// nothing is rescaled before the value is known to be in range.
func checkDecimal(fn, arg string, d decimal.Decimal) (decimal.Decimal, error) {
	if d.Sign() == 0 {
		return decimal.Zero, nil // also drops an extreme exponent on a zero
	}
	exp := int64(d.Exponent())
	if int64(d.NumDigits())+exp > maxIntegerDigits { // |d| ≥ 10^24
		return decimal.Zero, &argError{fn: fn, arg: arg, val: shortDecimal(d),
			err: fmt.Errorf("%w: must be below 10^%d in magnitude", ErrOutOfRange, maxIntegerDigits)}
	}
	if exp < -MaxScale {
		// Trailing zeros are harmless: 0.05 written with 40 places is 0.05.
		if d = d.Normalize(); d.Exponent() < -MaxScale {
			return decimal.Zero, &argError{fn: fn, arg: arg, val: shortDecimal(d),
				err: fmt.Errorf("%w: at most %d decimal places", ErrOutOfRange, MaxScale)}
		}
	}
	return d, nil
}

// shortDecimal returns d for a message: in full if that is short, and
// otherwise its leading digits and exponent, as 1234567890…e-40, so that
// neither a long coefficient nor an extreme exponent is spelt out.
func shortDecimal(d decimal.Decimal) string {
	const digits = 20
	if n, exp := d.NumDigits(), d.Exponent(); n <= digits && exp >= -digits && exp <= digits-int32(n) {
		return d.String()
	}
	c := d.Coefficient().String()
	exp := int64(d.Exponent())
	if len(c) > digits {
		c = c[:digits] + "…"
	}
	return fmt.Sprintf("%se%d", c, exp)
}

func checkNonNegative(fn, arg string, d decimal.Decimal) (decimal.Decimal, error) {
	d, err := checkDecimal(fn, arg, d)
	if err == nil && d.Sign() < 0 {
		err = &argError{fn: fn, arg: arg, val: d.String(), err: ErrNegative}
	}
	return d, err
}

func checkPositive(fn, arg string, d decimal.Decimal) (decimal.Decimal, error) {
	d, err := checkDecimal(fn, arg, d)
	if err == nil && d.Sign() <= 0 {
		err = &argError{fn: fn, arg: arg, val: d.String(), err: ErrNonPositive}
	}
	return d, err
}

// checkShare checks a share that may be zero, such as a gross margin: [0, 1].
func checkShare(fn, arg string, d decimal.Decimal) (decimal.Decimal, error) {
	d, err := checkNonNegative(fn, arg, d)
	if err == nil && d.GreaterThan(one) {
		err = &argError{fn: fn, arg: arg, val: d.String(), err: ErrAboveOne}
	}
	return d, err
}

// checkChurn checks a churn rate: (0, 1].
func checkChurn(fn, arg string, d decimal.Decimal) (decimal.Decimal, error) {
	d, err := checkPositive(fn, arg, d)
	if err == nil && d.GreaterThan(one) {
		err = &argError{fn: fn, arg: arg, val: d.String(), err: ErrAboveOne}
	}
	return d, err
}

func checkCount(fn, arg string, n int64) error {
	if n <= 0 {
		return &argError{fn: fn, arg: arg, val: fmt.Sprint(n), err: ErrNonPositive}
	}
	return nil
}

// checkPurchases checks the counts of a window: both positive, and every
// customer counted with at least one purchase.
func checkPurchases(fn string, purchases, customers int64) error {
	if err := checkCount(fn, "purchases", purchases); err != nil {
		return err
	}
	if err := checkCount(fn, "customers", customers); err != nil {
		return err
	}
	if purchases < customers {
		return &argError{fn: fn, arg: "purchases", val: fmt.Sprint(purchases), note: fmt.Sprintf("< customers = %d", customers), err: ErrInconsistent}
	}
	return nil
}

// AveragePurchaseValue returns the mean revenue per purchase (APV):
//
//	APV = revenue / purchases
//
// rounded to [DefaultScale] places. Zero revenue gives zero.
//
// It returns an error wrapping [ErrNegative] if revenue is negative,
// [ErrNonPositive] if purchases is not positive, and [ErrOutOfRange] if
// revenue is beyond the bounds of [ErrOutOfRange].
func AveragePurchaseValue(revenue decimal.Decimal, purchases int64) (decimal.Decimal, error) {
	const fn = "average purchase value"
	revenue, err1 := checkNonNegative(fn, "revenue", revenue)
	if err := cmp.Or(err1, checkCount(fn, "purchases", purchases)); err != nil {
		return decimal.Zero, err
	}
	return revenue.DivRound(decimal.NewFromInt(purchases), DefaultScale), nil
}

// PurchaseFrequency returns the mean number of purchases per customer who
// bought in the window (APF):
//
//	APF = purchases / customers
//
// rounded to [DefaultScale] places. Every customer counted bought at least
// once, so the result is at least 1.
//
// It returns an error wrapping [ErrNonPositive] if purchases or customers is
// not positive, and [ErrInconsistent] if there are fewer purchases than
// customers.
func PurchaseFrequency(purchases, customers int64) (decimal.Decimal, error) {
	if err := checkPurchases("purchase frequency", purchases, customers); err != nil {
		return decimal.Zero, err
	}
	return decimal.NewFromInt(purchases).DivRound(decimal.NewFromInt(customers), DefaultScale), nil
}

// CustomerValue returns the revenue of one customer in one window:
//
//	customer value = average purchase value × purchase frequency
//
// rounded to [DefaultScale] places. Its inputs are usually rounded figures
// themselves; [Calculate] instead reports revenue / customers rounded once.
//
// It returns an error wrapping [ErrNegative] if averagePurchaseValue is
// negative, [ErrNonPositive] if purchaseFrequency is not positive, and
// [ErrOutOfRange] if either is beyond the bounds of [ErrOutOfRange].
func CustomerValue(averagePurchaseValue, purchaseFrequency decimal.Decimal) (decimal.Decimal, error) {
	const fn = "customer value"
	apv, err1 := checkNonNegative(fn, "average purchase value", averagePurchaseValue)
	apf, err2 := checkPositive(fn, "purchase frequency", purchaseFrequency)
	if err := cmp.Or(err1, err2); err != nil {
		return decimal.Zero, err
	}
	return apv.Mul(apf).Round(DefaultScale), nil
}

// LifetimeValue returns the revenue of one customer over their lifespan:
//
//	CLV = customer value × lifespan
//
// rounded to [DefaultScale] places. The lifespan must count the periods the
// customer value is per: a yearly customer value takes a lifespan in years.
// For a profit-based CLV pass customer value × gross margin.
//
// It returns an error wrapping [ErrNegative] if customerValue is negative,
// [ErrNonPositive] if lifespan is not positive, and [ErrOutOfRange] if either
// is beyond the bounds of [ErrOutOfRange].
func LifetimeValue(customerValue, lifespan decimal.Decimal) (decimal.Decimal, error) {
	const fn = "lifetime value"
	cv, err1 := checkNonNegative(fn, "customer value", customerValue)
	l, err2 := checkPositive(fn, "lifespan", lifespan)
	if err := cmp.Or(err1, err2); err != nil {
		return decimal.Zero, err
	}
	return cv.Mul(l).Round(DefaultScale), nil
}

// AcquisitionCost returns the cost of acquiring one new customer (CAC):
//
//	CAC = acquisition spend / new customers
//
// rounded to [DefaultScale] places.
//
// It returns an error wrapping [ErrNegative] if spend is negative,
// [ErrNonPositive] if newCustomers is not positive, and [ErrOutOfRange] if
// spend is beyond the bounds of [ErrOutOfRange].
func AcquisitionCost(spend decimal.Decimal, newCustomers int64) (decimal.Decimal, error) {
	const fn = "acquisition cost"
	spend, err1 := checkNonNegative(fn, "spend", spend)
	if err := cmp.Or(err1, checkCount(fn, "new customers", newCustomers)); err != nil {
		return decimal.Zero, err
	}
	return spend.DivRound(decimal.NewFromInt(newCustomers), DefaultScale), nil
}

// NetLifetimeValue returns what a customer is worth after the cost of
// acquiring them:
//
//	net CLV = CLV − CAC
//
// rounded to [DefaultScale] places. A customer who costs more to acquire than
// they bring in has a negative net value; that is a finding, not an error, so
// NetLifetimeValue fails only with [ErrOutOfRange], for an argument beyond
// its bounds. [Calculate] also subtracts retention costs.
func NetLifetimeValue(lifetimeValue, acquisitionCost decimal.Decimal) (decimal.Decimal, error) {
	const fn = "net lifetime value"
	ltv, err1 := checkDecimal(fn, "lifetime value", lifetimeValue)
	cac, err2 := checkDecimal(fn, "acquisition cost", acquisitionCost)
	if err := cmp.Or(err1, err2); err != nil {
		return decimal.Zero, err
	}
	return ltv.Sub(cac).Round(DefaultScale), nil
}

// LTVToCAC returns the ratio of a customer's lifetime value to the cost of
// acquiring them:
//
//	LTV:CAC = CLV / CAC
//
// rounded to [DefaultScale] places. A ratio of 3 is a common rule of thumb
// for a healthy business.
//
// It returns an error wrapping [ErrNegative] if lifetimeValue is negative,
// [ErrNonPositive] if acquisitionCost is not positive (a ratio to a zero
// cost is undefined), and [ErrOutOfRange] if either is beyond the bounds of
// [ErrOutOfRange].
func LTVToCAC(lifetimeValue, acquisitionCost decimal.Decimal) (decimal.Decimal, error) {
	const fn = "LTV to CAC"
	ltv, err1 := checkNonNegative(fn, "lifetime value", lifetimeValue)
	cac, err2 := checkPositive(fn, "acquisition cost", acquisitionCost)
	if err := cmp.Or(err1, err2); err != nil {
		return decimal.Zero, err
	}
	return ltv.DivRound(cac, DefaultScale), nil
}

// PaybackPeriods returns how many periods of contribution recover the cost
// of acquiring a customer:
//
//	payback = CAC / contribution per period
//
// rounded to [DefaultScale] places, in the period of the contribution. The
// contribution is what a customer leaves after costs each period: gross
// margin × customer value − retention cost. The result ignores churn and
// discounting, as the rule of thumb does.
//
// It returns an error wrapping [ErrNegative] if acquisitionCost is negative,
// [ErrNeverPaysBack] if contributionPerPeriod is zero or negative, and
// [ErrOutOfRange] if either is beyond the bounds of [ErrOutOfRange].
func PaybackPeriods(acquisitionCost, contributionPerPeriod decimal.Decimal) (decimal.Decimal, error) {
	const fn = "payback periods"
	cac, err1 := checkNonNegative(fn, "acquisition cost", acquisitionCost)
	contribution, err2 := checkDecimal(fn, "contribution per period", contributionPerPeriod)
	if err := cmp.Or(err1, err2); err != nil {
		return decimal.Zero, err
	}
	if contribution.Sign() <= 0 {
		return decimal.Zero, &argError{fn: fn, arg: "contribution per period", val: contribution.String(), err: ErrNeverPaysBack}
	}
	return cac.DivRound(contribution, DefaultScale), nil
}

// A Window holds what was observed over one period of time: the revenue,
// the purchases, and the distinct customers who bought. It is the input to
// [Calculate]. Refunds are netted out of Revenue and are not purchases.
type Window struct {
	// Revenue is the money taken in the window, net of refunds.
	Revenue decimal.Decimal `json:"revenue"`
	// Purchases is the number of purchases (orders) in the window.
	Purchases int64 `json:"purchases"`
	// Customers is the number of distinct customers who bought in the
	// window, each at least once.
	Customers int64 `json:"customers"`
	// Period is the length of the window; the zero Period is a year.
	Period Period `json:"period"`
}

// Equal reports whether w and v hold the same totals: numerically equal
// revenue (100 equals 100.00), equal counts and equal periods.
func (w Window) Equal(v Window) bool {
	return w.Revenue.Equal(v.Revenue) && w.Purchases == v.Purchases &&
		w.Customers == v.Customers && w.Period == v.Period
}

func (w Window) check(fn string) (Window, error) {
	var err error
	if w.Revenue, err = checkNonNegative(fn, "revenue", w.Revenue); err != nil {
		return w, err
	}
	if err := checkPurchases(fn, w.Purchases, w.Customers); err != nil {
		return w, err
	}
	return w, checkPeriod(fn, "period", w.Period)
}

// A Result holds every figure [Calculate] derives for the customers of a
// window. Each is rounded once, from the exact inputs, to the scale in force.
// Amounts are per customer; Lifespan and PaybackPeriods count windows.
type Result struct {
	// Period is the window's period: the unit of CustomerValue, Lifespan
	// and PaybackPeriods.
	Period Period `json:"period"`

	// AveragePurchaseValue is revenue / purchases.
	AveragePurchaseValue decimal.Decimal `json:"average_purchase_value"`
	// PurchaseFrequency is purchases / customers.
	PurchaseFrequency decimal.Decimal `json:"purchase_frequency"`
	// CustomerValue is revenue / customers: one customer's revenue per
	// window.
	CustomerValue decimal.Decimal `json:"customer_value"`
	// Lifespan is the expected number of windows a customer keeps buying,
	// undiscounted.
	Lifespan decimal.Decimal `json:"lifespan"`

	// LifetimeValue is CustomerValue × Lifespan: revenue over a lifetime.
	LifetimeValue decimal.Decimal `json:"lifetime_value"`
	// ProfitLifetimeValue is LifetimeValue × gross margin. It equals
	// LifetimeValue unless [WithGrossMargin] is given.
	ProfitLifetimeValue decimal.Decimal `json:"profit_lifetime_value"`
	// DiscountedLifetimeValue is ProfitLifetimeValue with each period's
	// value discounted to the start of the first period. It equals
	// ProfitLifetimeValue unless [WithDiscountRate] is given. This is the
	// lifetime value that AcquisitionCost is set against.
	DiscountedLifetimeValue decimal.Decimal `json:"discounted_lifetime_value"`

	// AcquisitionCost is the cost of acquiring one customer, zero unless
	// [WithAcquisitionCost] is given.
	AcquisitionCost decimal.Decimal `json:"acquisition_cost"`
	// RetentionCost is the cost of keeping one customer over their
	// lifespan, discounted like their value; zero unless
	// [WithRetentionCost] is given.
	RetentionCost decimal.Decimal `json:"retention_cost"`
	// NetLifetimeValue is DiscountedLifetimeValue − AcquisitionCost −
	// RetentionCost. It may be negative.
	NetLifetimeValue decimal.Decimal `json:"net_lifetime_value"`
	// LTVToCAC is DiscountedLifetimeValue / AcquisitionCost. It is set
	// (Valid) only when the acquisition cost is positive.
	LTVToCAC decimal.NullDecimal `json:"ltv_to_cac"`
	// PaybackPeriods is AcquisitionCost / (gross margin × CustomerValue −
	// retention cost per window), in windows, ignoring churn and
	// discounting. It is set (Valid) only when the acquisition cost is
	// positive and the customer contributes more than zero per window.
	PaybackPeriods decimal.NullDecimal `json:"payback_periods"`
}

// Equal reports whether r and s hold numerically equal figures.
func (r Result) Equal(s Result) bool {
	return r.Period == s.Period &&
		r.AveragePurchaseValue.Equal(s.AveragePurchaseValue) &&
		r.PurchaseFrequency.Equal(s.PurchaseFrequency) &&
		r.CustomerValue.Equal(s.CustomerValue) &&
		r.Lifespan.Equal(s.Lifespan) &&
		r.LifetimeValue.Equal(s.LifetimeValue) &&
		r.ProfitLifetimeValue.Equal(s.ProfitLifetimeValue) &&
		r.DiscountedLifetimeValue.Equal(s.DiscountedLifetimeValue) &&
		r.AcquisitionCost.Equal(s.AcquisitionCost) &&
		r.RetentionCost.Equal(s.RetentionCost) &&
		r.NetLifetimeValue.Equal(s.NetLifetimeValue) &&
		nullEqual(r.LTVToCAC, s.LTVToCAC) &&
		nullEqual(r.PaybackPeriods, s.PaybackPeriods)
}

func nullEqual(a, b decimal.NullDecimal) bool {
	return a.Valid == b.Valid && (!a.Valid || a.Decimal.Equal(b.Decimal))
}

// Calculate returns every figure of a [Result] for the customers observed in
// w, who are expected to stay for life. Options add a gross margin, a
// discount rate, an acquisition cost, a retention cost and the scale; see
// [Option]. Units are converted as the package documentation describes:
// the result counts in w's period, whatever the lifespan's and the rates'.
//
// It returns an error wrapping [ErrNonPositive] if w has no purchases or no
// customers or life has a non-positive length or churn rate,
// [ErrInconsistent] if w has fewer purchases than customers or life sets both
// length and churn rate, [ErrNegative] for a negative amount or rate,
// [ErrAboveOne] for a churn rate or gross margin above 1, [ErrUnknownPeriod]
// for an unknown period, and [ErrOutOfRange] for a decimal, a scale or a
// fixed lifespan beyond the package's bounds.
func Calculate(w Window, life Lifespan, opts ...Option) (Result, error) {
	c, err := newConfig(opts)
	if err != nil {
		return Result{}, err
	}
	t, err := c.totals("", w, life, c.acquisitionCost)
	if err != nil {
		return Result{}, err
	}
	return c.result(t, w.Period), nil
}

// totals are a window's figures summed over all its customers, so that
// windows (segments) combine by adding them.
type totals struct {
	revenue              decimal.Decimal
	purchases, customers int64
	// The lifespans of all customers, in windows, and the lifetime values
	// of all customers: revenue, profit, discounted profit, and discounted
	// retention cost.
	lifespan, value, profit, discounted, retention fractionSum
	// acquisition is customers × the acquisition cost of one.
	acquisition fraction
}

// totals checks w and life, naming them within prefix, and sums their
// figures over w's customers, who cost cac each to acquire.
func (c config) totals(prefix string, w Window, life Lifespan, cac decimal.Decimal) (totals, error) {
	w, err := w.check(prefix + "window")
	if err != nil {
		return totals{}, err
	}
	life, err = life.check(prefix + "lifespan")
	if err != nil {
		return totals{}, err
	}
	undiscounted, ok := life.periods()
	if !ok {
		return totals{}, life.Curve.unbounded(prefix + "lifespan")
	}
	discounted, ok := discountedPeriods(life, c.discountRate, c.discountPeriod, c.scale)
	if !ok {
		return totals{}, &argError{fn: prefix + "lifespan", arg: "discounted", note: "at " + c.discountRate.String() + " a " + c.discountPeriod.String(), err: ErrOutOfRange}
	}
	periods := intFraction(life.Period.perYear())
	toWindows := intFraction(w.Period.perYear()).over(periods) // windows in a lifespan period
	customers := intFraction(w.Customers)
	revenue := fractionOf(w.Revenue)
	profit := revenue.times(fractionOf(c.margin))
	// Retention cost per customer and lifespan period.
	retention := fractionOf(c.retentionCost).times(intFraction(c.retentionPeriod.perYear())).over(periods)
	lifespan := undiscounted.times(toWindows)
	discountedWindows := discounted.times(toWindows)
	return totals{
		revenue:     w.Revenue,
		purchases:   w.Purchases,
		customers:   w.Customers,
		lifespan:    fractionSum{lifespan.times(customers)},
		value:       fractionSum{lifespan.times(revenue)},
		profit:      fractionSum{lifespan.times(profit)},
		discounted:  fractionSum{discountedWindows.times(profit)},
		retention:   fractionSum{discounted.times(retention).times(customers)},
		acquisition: customers.times(fractionOf(cac)),
	}, nil
}

// add returns the totals of t and u together, or false if a count overflows.
// It appends u's terms to t's, so t must not be used afterwards.
func (t totals) add(u totals) (totals, bool) {
	if t.purchases > math.MaxInt64-u.purchases || t.customers > math.MaxInt64-u.customers {
		return t, false
	}
	acquisition := u.acquisition
	if t.customers > 0 {
		acquisition = t.acquisition.plus(u.acquisition)
	}
	return totals{
		revenue:     t.revenue.Add(u.revenue),
		purchases:   t.purchases + u.purchases,
		customers:   t.customers + u.customers,
		lifespan:    append(t.lifespan, u.lifespan...),
		value:       append(t.value, u.value...),
		profit:      append(t.profit, u.profit...),
		discounted:  append(t.discounted, u.discounted...),
		retention:   append(t.retention, u.retention...),
		acquisition: acquisition,
	}, true
}

// result divides totals over their customers and rounds each figure once.
func (c config) result(t totals, window Period) Result {
	s := c.scale
	customers := intFraction(t.customers)
	perCustomer := prepare(fractionSum{customers}, s)
	each := func(terms fractionSum) decimal.Decimal { return roundQuo(prepare(terms, s), perCustomer, s) }
	discounted := prepare(t.discounted, s)
	net := slices.Concat(t.discounted, t.retention.neg(), fractionSum{t.acquisition.neg()})
	revenue := fractionOf(t.revenue)

	r := Result{
		Period:                  window,
		AveragePurchaseValue:    revenue.over(intFraction(t.purchases)).round(s),
		PurchaseFrequency:       intFraction(t.purchases).over(customers).round(s),
		CustomerValue:           revenue.over(customers).round(s),
		Lifespan:                each(t.lifespan),
		LifetimeValue:           each(t.value),
		ProfitLifetimeValue:     each(t.profit),
		DiscountedLifetimeValue: roundQuo(discounted, perCustomer, s),
		AcquisitionCost:         t.acquisition.over(customers).round(s),
		RetentionCost:           each(t.retention),
		NetLifetimeValue:        each(net),
	}
	if t.acquisition.sign() > 0 {
		r.LTVToCAC = decimal.NewNullDecimal(roundQuo(discounted, prepare(fractionSum{t.acquisition}, s), s))
		// The contribution of all customers per window: margin × revenue −
		// retention cost a year × customers / windows a year.
		windows := intFraction(window.perYear())
		retention := fractionOf(c.retentionCost).times(intFraction(c.retentionPeriod.perYear())).times(customers).over(windows)
		contribution := revenue.times(fractionOf(c.margin)).plus(retention.neg())
		if contribution.sign() > 0 {
			r.PaybackPeriods = decimal.NewNullDecimal(t.acquisition.over(contribution).round(s))
		}
	}
	return r
}
