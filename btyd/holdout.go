package btyd

import (
	"fmt"

	"github.com/clvkit/clv"
)

// HoldoutFrequencies is the number of rows of [Holdout.ByFrequency]: x = 0
// to 6, and a last row for 7 or more.
const HoldoutFrequencies = 8

// A HoldoutRow compares the holdout purchases of the customers with one
// calibration frequency x, actual against predicted.
type HoldoutRow struct {
	// X is the customers' repeat purchases in the calibration period; the
	// last row, X = 7, holds every customer with 7 or more.
	X int64 `json:"x"`
	// Customers counts the customers of the row.
	Customers int64 `json:"customers"`
	// Actual is their purchase days in the holdout, and Predicted the sum
	// of their conditional expected purchases over it.
	Actual    int64   `json:"actual"`
	Predicted float64 `json:"predicted"`
}

// A Holdout compares what a model fitted on the calibration period
// predicts for the holdout period with what the customers did, as every
// BTYD paper does: in total, and by calibration frequency.
type Holdout struct {
	// Length is the holdout's length, in the base's unit.
	Length float64 `json:"length"`
	// Customers, Actual and Predicted are the sums over ByFrequency.
	Customers int64   `json:"customers"`
	Actual    int64   `json:"actual"`
	Predicted float64 `json:"predicted"`
	// ByFrequency holds a row for each x from 0 to 6 and one for 7 or
	// more, every row present even when empty.
	ByFrequency []HoldoutRow `json:"by_frequency"`
}

// CompareHoldout predicts each customer's purchases in the holdout of b
// with m, the conditional expected purchases over the holdout's length
// (the [PurchaseModel]'s ConditionalExpectedPurchases), and sets them
// beside the purchase days each made there, in total and by calibration
// frequency.
// On the CDNOW sample, with a BG/NBD fitted to its 39-week calibration,
// the 2,357 customers made 1,882 purchases in the 39-week holdout, and
// the model predicts 1,653.4. The expectations are computed once for each
// distinct (x, T).
//
// It returns an error wrapping [clv.ErrMissing] for a nil model or if b
// has no customers or no holdout, fails as the model's
// ConditionalExpectedPurchases does for an invalid model or customer, and with [clv.ErrNegative] or
// [clv.ErrOutOfRange] for a holdout purchase count below 0 or above 10^7.
func CompareHoldout(m PurchaseModel, b Base) (Holdout, error) {
	const fn = "compare holdout"
	if err := checkModel(fn, m); err != nil {
		return Holdout{}, err
	}
	switch {
	case len(b.Customers) == 0:
		return Holdout{}, fmt.Errorf("btyd: %s: base: %w: no customers", fn, clv.ErrMissing)
	case !(b.Holdout > 0):
		return Holdout{}, fmt.Errorf("btyd: %s: base: %w: no holdout", fn, clv.ErrMissing)
	}
	if err := checkTime(fn, "holdout", b.Holdout); err != nil {
		return Holdout{}, err
	}
	h := Holdout{Length: b.Holdout, ByFrequency: make([]HoldoutRow, HoldoutFrequencies)}
	for x := range h.ByFrequency {
		h.ByFrequency[x].X = int64(x)
	}
	expect := func(m PurchaseModel, x int64, T float64) (float64, error) {
		e, ok := m.aliveExpectation(x, T, b.Holdout)
		if !ok {
			return 0, tooLong(fn, b.Holdout)
		}
		return e, nil
	}
	cache := newPairCache(m, expect)
	for i := range b.Customers {
		c := &b.Customers[i]
		if err := checkHoldoutCustomer(fn, c); err != nil {
			return Holdout{}, naming(err, fn, "customer", int64(i+1))
		}
		e, err := cache.get(c.X, c.T)
		if err != nil {
			return Holdout{}, err
		}
		row := &h.ByFrequency[min(c.X, HoldoutFrequencies-1)]
		row.Customers++
		row.Actual += c.HoldoutX
		alive, ok := m.aliveProbability(float64(c.X), c.Tx, c.T)
		if !ok {
			return Holdout{}, naming(notComputable(fn, m), fn, "customer", int64(i+1))
		}
		row.Predicted += alive * e
	}
	for _, row := range h.ByFrequency {
		h.Customers += row.Customers
		h.Actual += row.Actual
		h.Predicted += row.Predicted
	}
	return h, nil
}

// CompareDiscreteHoldout predicts each customer's purchases in the
// complete holdout opportunities of o with the BG/BB model m, and sets
// them beside the opportunities at which each bought there
// ([DiscreteCustomer.HoldoutX]), in total and by calibration frequency
// x, as [CompareHoldout] does for the continuous models: a customer
// (x, t_x, n) is predicted
//
//	E[X(n, n + n*) | x, t_x, n]   ([BGBB.ConditionalExpectedPurchases])
//
// for the n* = [Opportunities.Holdout] opportunities; a customer with
// n = 0 a new customer's [BGBB.ExpectedPurchases](n*), which is what the
// formula gives at n = 0. The Holdout's Length is n*, in opportunities,
// and Actual counts opportunities with a purchase, not days. The
// expectations are computed once for each distinct (x, t_x, n).
//
// It returns an error if m is not valid (see [BGBB]), one wrapping
// [clv.ErrMissing] if o has no customers or no complete holdout
// opportunity, [clv.ErrOutOfRange] if n* is above 10^5, the errors of
// [BGBB] for a customer (x, t_x, n) no log can produce (n = 0 only with
// x = t_x = 0), and [clv.ErrNegative] or [clv.ErrInconsistent] for a
// HoldoutX below 0 or above n*.
func CompareDiscreteHoldout(m BGBB, o Opportunities) (Holdout, error) {
	const fn = "compare discrete holdout"
	if err := m.check(fn); err != nil {
		return Holdout{}, err
	}
	switch {
	case len(o.Customers) == 0:
		return Holdout{}, fmt.Errorf("btyd: %s: opportunities: %w: no customers", fn, clv.ErrMissing)
	case o.Holdout == 0:
		return Holdout{}, fmt.Errorf("btyd: %s: opportunities: %w: no complete opportunity of a %s in the holdout", fn, clv.ErrMissing, o.Every)
	}
	if err := checkHorizon(fn, "holdout", o.Holdout); err != nil {
		return Holdout{}, err
	}
	h := Holdout{Length: float64(o.Holdout), ByFrequency: make([]HoldoutRow, HoldoutFrequencies)}
	for x := range h.ByFrequency {
		h.ByFrequency[x].X = int64(x)
	}
	cache := make(map[[3]int64]float64)
	for i := range o.Customers {
		c := &o.Customers[i]
		err := checkOpportunity(fn, c.X, c.Tx, c.N)
		switch {
		case err != nil:
		case c.HoldoutX < 0:
			err = fmt.Errorf("btyd: %s: holdout x = %d: %w", fn, c.HoldoutX, clv.ErrNegative)
		case c.HoldoutX > o.Holdout:
			err = fmt.Errorf("btyd: %s: holdout x = %d: %w: above the %d holdout opportunities", fn, c.HoldoutX, clv.ErrInconsistent, o.Holdout)
		}
		if err != nil {
			return Holdout{}, naming(err, fn, "customer", int64(i+1))
		}
		key := [3]int64{c.X, c.Tx, c.N}
		e, ok := cache[key]
		if !ok {
			_, e, _ = m.outlook(c.X, c.Tx, c.N, o.Holdout, nil)
			cache[key] = e
		}
		row := &h.ByFrequency[min(c.X, HoldoutFrequencies-1)]
		row.Customers++
		row.Actual += c.HoldoutX
		row.Predicted += e
	}
	for _, row := range h.ByFrequency {
		h.Customers += row.Customers
		h.Actual += row.Actual
		h.Predicted += row.Predicted
	}
	return h, nil
}

// checkHoldoutCustomer returns the error that refuses a customer of a base
// with a holdout: a history no customer can have, or a count of holdout
// purchases below 0 or beyond what any customer makes.
func checkHoldoutCustomer(fn string, c *Customer) error {
	if err := checkCustomer(fn, c.X, c.Tx, c.T); err != nil {
		return err
	}
	switch {
	case c.HoldoutX < 0:
		return fmt.Errorf("btyd: %s: holdout x = %d: %w", fn, c.HoldoutX, clv.ErrNegative)
	case c.HoldoutX > maxCount:
		return fmt.Errorf("btyd: %s: holdout x = %d: %w: above %d", fn, c.HoldoutX, clv.ErrOutOfRange, maxCount)
	}
	return nil
}
