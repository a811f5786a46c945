package btyd

// This file implements the input checks the models share: the bounds of a
// valid model's parameters, of times, counts and opportunities; the checks
// of a customer (x, t_x, T), of a discrete customer (x, t_x, n), of an
// amount and of a spend; and the naming of the item at fault among many.

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/clvkit/clv"
	"github.com/shopspring/decimal"
)

// The bounds of a valid model's parameters.
const (
	minModelParameter = 1e-10
	maxModelParameter = 1e10
)

// checkParameters refuses parameters that are not finite and within the
// bounds of a valid model.
func checkParameters(fn string, names []string, values ...float64) error {
	for i, v := range values {
		switch {
		case v <= 0:
			return fmt.Errorf("btyd: %s: %s = %v: %w", fn, names[i], v, clv.ErrNonPositive)
		case !(v >= minModelParameter && v <= maxModelParameter):
			return fmt.Errorf("btyd: %s: %s = %v: %w: outside [%g, %g]", fn, names[i], v, clv.ErrOutOfRange,
				float64(minModelParameter), float64(maxModelParameter))
		}
	}
	return nil
}

// maxTime bounds every time given to a model, in its unit: 10^7 units are
// over 190,000 years of weeks, beyond any customer base.
const maxTime = 1e7

// maxCount bounds repeat purchases x: a log of years 1 to 9999 holds
// fewer than 3.7 million days.
const maxCount = 10_000_000

// maxOpportunities bounds n and n*.
const maxOpportunities = 100_000

// checkTime returns an error wrapping clv.ErrOutOfRange if v is NaN,
// infinite or above maxTime, and clv.ErrNegative if it is below zero.
func checkTime(fn, arg string, v float64) error {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return fmt.Errorf("btyd: %s: %s = %v: %w", fn, arg, v, clv.ErrOutOfRange)
	case v < 0:
		return fmt.Errorf("btyd: %s: %s = %v: %w", fn, arg, v, clv.ErrNegative)
	case v > maxTime:
		return fmt.Errorf("btyd: %s: %s = %v: %w: above %g", fn, arg, v, clv.ErrOutOfRange, float64(maxTime))
	}
	return nil
}

// checkX refuses a repeat-purchase count below 0 or above maxCount.
func checkX(fn string, x int64) error {
	switch {
	case x < 0:
		return fmt.Errorf("btyd: %s: x = %d: %w", fn, x, clv.ErrNegative)
	case x > maxCount:
		return fmt.Errorf("btyd: %s: x = %d: %w: above %d", fn, x, clv.ErrOutOfRange, maxCount)
	}
	return nil
}

// checkCustomer refuses a customer (x, t_x, T) that no log can produce.
func checkCustomer(fn string, x int64, tx, T float64) error {
	if err := checkX(fn, x); err != nil {
		return err
	}
	if err := checkTime(fn, "t_x", tx); err != nil {
		return err
	}
	if err := checkTime(fn, "T", T); err != nil {
		return err
	}
	switch {
	case tx > T:
		return fmt.Errorf("btyd: %s: t_x = %v > T = %v: %w", fn, tx, T, clv.ErrInconsistent)
	case x > 0 && tx == 0:
		return fmt.Errorf("btyd: %s: x = %d with t_x = 0: %w: repeat purchases come after the first", fn, x, clv.ErrInconsistent)
	case x == 0 && tx != 0:
		return fmt.Errorf("btyd: %s: x = 0 with t_x = %v: %w: t_x is 0 without a repeat purchase", fn, tx, clv.ErrInconsistent)
	}
	return nil
}

// A checker is a model that refuses its own invalid parameters.
type checker interface{ check(fn string) error }

// checkModelCustomer refuses an invalid m, and a customer (x, t_x, T)
// that no log can produce.
func checkModelCustomer[M checker](fn string, m M, x int64, tx, T float64) error {
	if err := m.check(fn); err != nil {
		return err
	}
	return checkCustomer(fn, x, tx, T)
}

// checkPurchasesIn refuses a ProbPurchases of n purchases in (0, t] with
// n negative or above 10^7, or t not a time a model takes.
func checkPurchasesIn(fn string, n int64, t float64) error {
	switch {
	case n < 0:
		return fmt.Errorf("btyd: %s: n = %d: %w", fn, n, clv.ErrNegative)
	case n > maxCount:
		return fmt.Errorf("btyd: %s: n = %d: %w: above %d", fn, n, clv.ErrOutOfRange, maxCount)
	}
	return checkTime(fn, "t", t)
}

// checkProbPurchases refuses a ProbPurchases of an invalid m, or of n
// purchases in (0, t] that checkPurchasesIn refuses, with done true. At
// t = 0, where a new customer has made no purchase yet, it answers with
// done true and p = 1 for n = 0, 0 for n > 0. Otherwise the model
// computes p.
func checkProbPurchases[M checker](fn string, m M, n int64, t float64) (p float64, done bool, err error) {
	if err := m.check(fn); err != nil {
		return 0, true, err
	}
	if err := checkPurchasesIn(fn, n, t); err != nil {
		return 0, true, err
	}
	if t == 0 {
		if n == 0 {
			return 1, true, nil
		}
		return 0, true, nil
	}
	return 0, false, nil
}

func tooLong(fn string, t float64) error {
	return fmt.Errorf("btyd: %s: t = %v: %w: too long a horizon for the series to converge", fn, t, clv.ErrOutOfRange)
}

// checkDiscrete refuses a customer (x, t_x, n) that no log can produce.
func checkDiscrete(fn string, x, tx, n int64) error {
	switch {
	case x < 0:
		return fmt.Errorf("btyd: %s: x = %d: %w", fn, x, clv.ErrNegative)
	case tx < 0:
		return fmt.Errorf("btyd: %s: t_x = %d: %w", fn, tx, clv.ErrNegative)
	case n <= 0:
		return fmt.Errorf("btyd: %s: n = %d: %w", fn, n, clv.ErrNonPositive)
	case n > maxOpportunities:
		return fmt.Errorf("btyd: %s: n = %d: %w: above %d", fn, n, clv.ErrOutOfRange, maxOpportunities)
	case tx > n:
		return fmt.Errorf("btyd: %s: t_x = %d > n = %d: %w", fn, tx, n, clv.ErrInconsistent)
	case x > tx:
		return fmt.Errorf("btyd: %s: x = %d > t_x = %d: %w: one purchase an opportunity", fn, x, tx, clv.ErrInconsistent)
	case x == 0 && tx > 0:
		return fmt.Errorf("btyd: %s: x = 0 with t_x = %d: %w: t_x is 0 without a repeat purchase", fn, tx, clv.ErrInconsistent)
	case x > 0 && tx == 0:
		return fmt.Errorf("btyd: %s: x = %d with t_x = 0: %w", fn, x, clv.ErrInconsistent)
	}
	return nil
}

// checkHorizon refuses a number of opportunities below 0 or above
// maxOpportunities.
func checkHorizon(fn, arg string, n int64) error {
	switch {
	case n < 0:
		return fmt.Errorf("btyd: %s: %s = %d: %w", fn, arg, n, clv.ErrNegative)
	case n > maxOpportunities:
		return fmt.Errorf("btyd: %s: %s = %d: %w: above %d", fn, arg, n, clv.ErrOutOfRange, maxOpportunities)
	}
	return nil
}

// checkOpportunity refuses a customer of [Opportunities] that no log can
// produce: what checkDiscrete refuses, but for n = 0 with x = t_x = 0, a
// customer with no opportunity yet after their first.
func checkOpportunity(fn string, x, tx, n int64) error {
	switch {
	case n == 0 && x == 0 && tx == 0:
		return nil
	case n == 0 && x >= 0 && tx >= 0:
		return fmt.Errorf("btyd: %s: n = 0 with x = %d, t_x = %d: %w: no opportunity to buy at", fn, x, tx, clv.ErrInconsistent)
	}
	return checkDiscrete(fn, x, tx, n)
}

// checkAmount refuses an amount, argument arg of fn, of 10^24 or more in
// magnitude, or with more than clv.MaxScale places, as the clv package
// does.
func checkAmount(fn, arg string, d decimal.Decimal) error {
	if d.IsZero() {
		return nil
	}
	if int64(d.NumDigits())+int64(d.Exponent()) > 24 {
		return fmt.Errorf("btyd: %s: %s: %w: 10^24 or more", fn, arg, clv.ErrOutOfRange)
	}
	if d.Exponent() < -clv.MaxScale && d.Normalize().Exponent() < -clv.MaxScale {
		return fmt.Errorf("btyd: %s: %s: %w: more than %d decimal places", fn, arg, clv.ErrOutOfRange, clv.MaxScale)
	}
	return nil
}

// checkSpend refuses a negative x or spend, and a spend beyond the
// decimal bounds of the clv package.
func checkSpend(fn string, x int64, spend decimal.Decimal) error {
	if err := checkX(fn, x); err != nil {
		return err
	}
	if err := checkAmount(fn, "spend", spend); err != nil {
		return err
	}
	if spend.Sign() < 0 {
		return fmt.Errorf("btyd: %s: spend = %s: %w", fn, spend.StringFixed(2), clv.ErrNegative)
	}
	return nil
}

// checkValuedCustomer refuses a customer of a valuation whose history
// (x, t_x, T) or spend no log can produce.
func checkValuedCustomer(fn string, c *Customer) error {
	if err := checkCustomer(fn, c.X, c.Tx, c.T); err != nil {
		return err
	}
	return checkSpend(fn, c.X, c.Spend)
}

// checkValuedOpportunity refuses a customer of a discrete valuation whose
// history (x, t_x, n) or spend no log can produce.
func checkValuedOpportunity(fn string, c *DiscreteCustomer) error {
	if err := checkOpportunity(fn, c.X, c.Tx, c.N); err != nil {
		return err
	}
	return checkSpend(fn, c.X, c.Spend)
}

// naming returns err, whose message begins "btyd: fn: ", with "what n: "
// after that prefix: the error of one item of many, which is named only
// when it fails, so that checking a million items formats nothing.
func naming(err error, fn, what string, n int64) error {
	prefix := "btyd: " + fn + ": "
	return &namedError{msg: prefix + what + " " + strconv.FormatInt(n, 10) + ": " + strings.TrimPrefix(err.Error(), prefix), err: err}
}

// A namedError is an error with the item at fault named.
type namedError struct {
	msg string
	err error
}

func (e *namedError) Error() string { return e.msg }
func (e *namedError) Unwrap() error { return e.err }
