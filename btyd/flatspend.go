package btyd

import (
	"fmt"

	"github.com/clvkit/clv"
	"github.com/shopspring/decimal"
)

// A FlatSpend is the plainest model of spend: every purchase of every
// customer is worth Amount, whatever the customer spent before,
//
//	E[Z | x, z̄] = Amount
//
// It is what a valuation falls back on where the gamma–gamma model cannot
// be fitted — every customer spends the same, say, and [FitGammaGamma]
// runs off to a limit of its model — so that the purchase model's
// expectations are still valued. [MeanSpend] sets Amount to a base's mean
// amount of a repeat purchase, which is the gamma–gamma model's own
// expectation for a customer it knows nothing of, pγ/(q − 1) estimated by
// its sample mean, and its limit where customers' mean spends differ only
// by chance (q, γ → ∞); where every purchase costs the same, it is that
// amount. Unlike the gamma–gamma model it does not weigh a customer's own
// mean: a customer whose one repeat purchase was large is valued at the
// base's mean, not at their own.
//
// A FlatSpend is valid when Amount is from 0 to below 10^24 with at most
// [clv.MaxScale] places; its methods, and the valuations that take it,
// return an error wrapping [clv.ErrNegative] or [clv.ErrOutOfRange]
// otherwise. The zero FlatSpend values every purchase at 0.
type FlatSpend struct {
	Amount decimal.Decimal `json:"amount"`
}

func (f FlatSpend) check(fn string) error {
	if err := checkAmount(fn, "flat spend", f.Amount); err != nil {
		return err
	}
	if f.Amount.Sign() < 0 {
		return fmt.Errorf("btyd: %s: flat spend = %s: %w", fn, f.Amount.StringFixed(2), clv.ErrNegative)
	}
	return nil
}

// ExpectedSpend returns the expected amount of the next purchase of a
// customer with x repeat purchases of mean amount spend: Amount, whatever
// x and spend, rounded half away from zero to [clv.DefaultScale] places.
//
// It returns an error if f is not valid, one wrapping [clv.ErrNegative]
// for a negative x or spend, and [clv.ErrOutOfRange] for an x above 10^7
// or a spend beyond the bounds of the clv package, as
// [GammaGamma.ExpectedSpend] does.
func (f FlatSpend) ExpectedSpend(x int64, spend decimal.Decimal) (decimal.Decimal, error) {
	const fn = "flat expected spend"
	if err := f.check(fn); err != nil {
		return decimal.Zero, err
	}
	if err := checkSpend(fn, x, spend); err != nil {
		return decimal.Zero, err
	}
	return f.Amount.Round(clv.DefaultScale), nil
}

// expectedSpend is Amount as a float64, as the valuations take every
// spend; exactly Amount for up to 15 significant digits.
func (f FlatSpend) expectedSpend(string, float64, float64) (float64, error) {
	return toFloat(f.Amount), nil
}

// MeanSpend returns the [FlatSpend] of the customers' mean amount of a
// repeat purchase: the sum of every repeat purchase over their count,
// from each customer's X and Spend,
//
//	Amount = Σ X · Spend / Σ X,  over the customers with X > 0,
//
// in exact decimals, rounded once, half away from zero, to
// [clv.DefaultScale] places. Each Spend is itself a mean rounded to those
// places ([Customer.Spend]), so Amount is within half a unit of the last
// place, before its own rounding, of the mean of the amounts the log
// gave. Customers whose repeat purchases were all of no value count, at
// zero, where [FitGammaGamma] leaves them out: their purchases were made.
// Pass the [DiscreteCustomer]s' X and Spend for BG/BB, the mean amount of
// a repeat opportunity.
//
// It returns an error wrapping [clv.ErrMissing] if no customer has a
// repeat purchase, and [clv.ErrNegative] or [clv.ErrOutOfRange] for a
// customer's X or Spend as [GammaGamma.ExpectedSpend] does, naming the
// customer.
func MeanSpend(customers []Customer) (FlatSpend, error) {
	const fn = "mean spend"
	sum, n := decimal.Zero, int64(0)
	for i := range customers {
		c := &customers[i]
		if err := checkSpend(fn, c.X, c.Spend); err != nil {
			return FlatSpend{}, naming(err, fn, "customer", int64(i+1))
		}
		if c.X > 0 {
			sum = sum.Add(c.Spend.Mul(decimal.NewFromInt(c.X)))
			n += c.X // at most 10^7 a customer: 2^63 is 10^12 customers away
		}
	}
	if n == 0 {
		return FlatSpend{}, fmt.Errorf("btyd: %s: customers: %w: no customer has a repeat purchase", fn, clv.ErrMissing)
	}
	return FlatSpend{Amount: sum.DivRound(decimal.NewFromInt(n), clv.DefaultScale)}, nil
}
