package clv

import (
	"cmp"

	"github.com/shopspring/decimal"
)

// An Option adds an input to [Calculate] or [CalculateSegments] beyond the
// window and the lifespan: a margin, a discount rate, costs, or the scale of
// the result. Options apply in order, so a later option of a kind replaces an
// earlier one; a nil Option is ignored. Their values are checked when the
// calculation runs, which reports the first bad one.
type Option interface {
	apply(*config)
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// config holds every option's value, defaults included.
type config struct {
	margin          decimal.Decimal
	discountRate    decimal.Decimal
	discountPeriod  Period
	acquisitionCost decimal.Decimal
	retentionCost   decimal.Decimal
	retentionPeriod Period
	scale           int32
}

// newConfig applies opts to the defaults and checks the outcome.
func newConfig(opts []Option) (config, error) {
	c := config{margin: one, scale: DefaultScale}
	for _, o := range opts {
		if o != nil {
			o.apply(&c)
		}
	}
	// Each check returns its value ready for arithmetic; the first error,
	// in the order of the options, is the one reported.
	var margin, rate, acquisition, retention error
	c.margin, margin = checkShare("WithGrossMargin", "margin", c.margin)
	c.discountRate, rate = checkNonNegative("WithDiscountRate", "rate", c.discountRate)
	c.acquisitionCost, acquisition = checkNonNegative("WithAcquisitionCost", "cost", c.acquisitionCost)
	c.retentionCost, retention = checkNonNegative("WithRetentionCost", "cost", c.retentionCost)
	var scale error
	if c.scale < 0 || c.scale > MaxScale {
		scale = &argError{fn: "WithScale", arg: "places", val: decimal.NewFromInt32(c.scale).String(), err: ErrOutOfRange}
	}
	return c, cmp.Or(margin, rate, checkPeriod("WithDiscountRate", "period", c.discountPeriod),
		acquisition, retention, checkPeriod("WithRetentionCost", "period", c.retentionPeriod), scale)
}

// WithGrossMargin sets the share of revenue kept as gross profit, from 0 to 1
// (0.4 for 40 %). It turns the lifetime value of revenue into one of profit:
// [Result.ProfitLifetimeValue] and everything after it are multiplied by it.
// The default is 1: lifetime value of revenue.
//
// A margin below 0 fails with [ErrNegative], above 1 with [ErrAboveOne].
func WithGrossMargin(margin decimal.Decimal) Option {
	return optionFunc(func(c *config) { c.margin = margin })
}

// WithDiscountRate discounts future value at rate per period: the cost of
// capital, 0.1 for 10 % a year. The rate is converted, compounding, to the
// lifespan's period, in which value arrives; see [Lifespan] for the
// discounted forms. The default is 0: no discounting.
//
// A negative rate fails with [ErrNegative], an unknown period with
// [ErrUnknownPeriod].
func WithDiscountRate(rate decimal.Decimal, per Period) Option {
	return optionFunc(func(c *config) { c.discountRate, c.discountPeriod = rate, per })
}

// WithAcquisitionCost sets the cost of acquiring one customer (CAC), as
// [AcquisitionCost] computes it. It is subtracted from the net lifetime
// value, and makes [Result.LTVToCAC] and [Result.PaybackPeriods] available.
// The default is none: nothing is subtracted and those two stay unset.
//
// A negative cost fails with [ErrNegative].
func WithAcquisitionCost(cost decimal.Decimal) Option {
	return optionFunc(func(c *config) { c.acquisitionCost = cost })
}

// WithRetentionCost sets the cost of keeping one customer for one period
// (loyalty programmes, account management, support): 2.50 a month. It is
// spread over the lifespan and discounted like value, then subtracted from
// the net lifetime value and from the contribution that pays back the
// acquisition cost. The default is 0.
//
// A negative cost fails with [ErrNegative], an unknown period with
// [ErrUnknownPeriod].
func WithRetentionCost(cost decimal.Decimal, per Period) Option {
	return optionFunc(func(c *config) { c.retentionCost, c.retentionPeriod = cost, per })
}

// WithScale sets the number of decimal places every figure is rounded to,
// half away from zero, from 0 to [MaxScale]. The default is [DefaultScale].
// Use 2 for results in cents; rates and ratios want more.
//
// A scale outside that range fails with [ErrOutOfRange].
func WithScale(places int32) Option {
	return optionFunc(func(c *config) { c.scale = places })
}
