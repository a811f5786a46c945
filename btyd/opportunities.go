package btyd

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/internal/fixed"
	"github.com/shopspring/decimal"
)

// A DiscreteCustomer is one customer's purchases counted at discrete
// opportunities, as the [BGBB] model sees them, from
// [Summarizer.Opportunities]: X repeat opportunities with a purchase of N
// after the first purchase's, the last of them Tx after it, their spend,
// and the holdout opportunities with a purchase.
type DiscreteCustomer struct {
	// ID is the customer's id.
	ID string `json:"id"`
	// X is the number of opportunities after the first purchase's, up to
	// the calibration end, with a purchase; Tx the last of them, counted
	// from the first purchase's, 0 when X is 0; N the number of
	// opportunities after the first purchase's to the calibration end.
	// 0 ≤ X ≤ Tx ≤ N; N is 0 for a customer whose first purchase is in
	// the last opportunity of the calibration period.
	X  int64 `json:"x"`
	Tx int64 `json:"t_x"`
	N  int64 `json:"n"`
	// Spend is the mean amount of a repeat opportunity with a purchase,
	// rounded half away from zero to [clv.DefaultScale] places; zero when
	// X is 0. See [Summarizer.Opportunities] for how it is estimated.
	Spend decimal.Decimal `json:"spend"`
	// HoldoutX is the number of complete holdout opportunities with a
	// purchase.
	HoldoutX int64 `json:"holdout_x"`
}

// Equal reports whether c and d describe the same customer with the same
// figures, spend compared numerically (12.5 equals 12.50).
func (c DiscreteCustomer) Equal(d DiscreteCustomer) bool {
	return c.ID == d.ID && c.X == d.X && c.Tx == d.Tx && c.N == d.N && c.Spend.Equal(d.Spend) && c.HoldoutX == d.HoldoutX
}

// Opportunities is a customer base counted at discrete opportunities, from
// [Summarizer.Opportunities]: each customer's figures, and the weighted
// distinct histories [FitBGBB] takes.
type Opportunities struct {
	// Every is the length of an opportunity.
	Every clv.Period `json:"every"`
	// Holdout is n*, the number of complete opportunities in the holdout;
	// 0 without a holdout or with one shorter than an opportunity.
	Holdout int64 `json:"holdout"`
	// Customers holds every customer of the Summarizer's [Base], in its
	// order, those with N = 0 too.
	Customers []DiscreteCustomer `json:"customers"`
	// Histories holds the distinct (x, t_x, n) of the customers with
	// N ≥ 1, each weighted by the customers who share it, ordered by n,
	// then t_x, then x.
	Histories []DiscreteHistory `json:"histories"`
	// New counts the customers with N = 0, who are in Customers but not
	// in Histories: a [DiscreteHistory] has n ≥ 1.
	New int64 `json:"new"`
}

// sixteenths returns the length of p in sixteenths of a day, in which every
// unit is a whole number: a week is 112, a month 487, a quarter 1,461 and
// a year 5,844.
func sixteenths(fn, arg string, p clv.Period) (int64, error) {
	days, err := checkUnit(fn, arg, p)
	if err != nil {
		return 0, err
	}
	return int64(math.Round(days * 16)), nil
}

// ceilDiv returns ⌈a/b⌉ for b > 0.
func ceilDiv(a, b int64) int64 {
	q := a / b // truncated toward zero: the ceiling for a ≤ 0
	if a > 0 && a%b != 0 {
		q++
	}
	return q
}

// Opportunities counts the customers of the [Base] at discrete
// opportunities of length every, as the [BGBB] model sees customers: a
// yearly appeal, a monthly issue. Lengths are exact, as for every
// Summarizer figure: a week is 7 days, a month 30.4375, a quarter 91.3125,
// a year 365.25, and the arithmetic is exact, in sixteenths of a day.
//
// # Opportunities
//
// Opportunities of length L are counted back from the calibration end c,
// so that every calibration opportunity is complete: purchase day d is in
// opportunity
//
//	k(d) = ⌈(d − c) / L⌉
//
// with days counted whole. Opportunity 0, (c − L, c], is the last of the
// calibration period, −1 the one before it; 1, (c, c + L], is the first of
// the holdout. For a customer whose first purchase day is in opportunity
// f ≤ 0, that opportunity is their trial and is not one of theirs:
//
//	N  = −f, the opportunities after the trial, f + 1 to 0
//	X  = the distinct opportunities k(d) in f + 1 … 0 of their purchase days
//	Tx = the last of them − f, 0 if X is 0
//
// Several purchase days in one opportunity make one purchase. The holdout,
// if any, from c + 1 to its end h, has
//
//	n* = ⌊(h − c) / L⌋
//
// complete opportunities ([Opportunities.Holdout]); HoldoutX counts the
// distinct opportunities 1 … n* with a purchase. Purchases in a last,
// partial holdout opportunity are left out of HoldoutX.
//
// # Spend
//
// A Summarizer keeps a customer's sums, not each day's amount, so the
// amount of their repeat opportunities is estimated: with A the amounts of
// their calibration days after the first ([Customer.Spend] × its X), R
// those days' number and D the number of them in opportunities after the
// trial,
//
//	Spend = A × D / (R × X)
//
// rounded once, half away from zero, to [clv.DefaultScale] places: every
// day after the first taken at the mean A / R, as many as fall in repeat
// opportunities, per repeat opportunity. It is exact when no purchase
// day follows the first within the trial (D = R), as at yearly
// opportunities of a yearly appeal; days later in the trial are priced at
// the mean of the customer's repeat days, not at their own amounts.
// Spend is 0 when X is 0.
//
// # Customers with N = 0
//
// A customer whose first purchase is in opportunity 0 has had no
// opportunity after it: N = X = Tx = 0. They are in
// [Opportunities.Customers], counted in [Opportunities.New], but not in
// the histories, which [FitBGBB] needs to have n ≥ 1. [CompareDiscreteHoldout]
// and [DiscreteValues] take them as the BG/BB formulas give them at n = 0:
// alive at opportunity 1 with probability δ/(γ + δ), and expecting a new
// customer's purchases, [BGBB.ExpectedPurchases].
//
// # Cost
//
// It reads each customer's distinct days once and allocates, besides the
// result, 8 bytes a customer to find the distinct histories, so a base of
// a million customers fits in the time of its distinct histories, as
// [Summarizer.Histories] does for the continuous models. The ids are
// copies, in one block of memory.
//
// # Errors
//
// It returns an error wrapping [clv.ErrMissing] for a Summarizer not made
// by [NewSummarizer] or with no customer, [clv.ErrUnknownPeriod] for an
// unknown every, [clv.ErrInconsistent] if an opportunity is longer than
// the calibration period of the oldest customer, so that every customer
// has N = 0, and [clv.ErrOutOfRange] if the oldest customer's N or the
// holdout's n* is above 10^5.
func (s *Summarizer) Opportunities(every clv.Period) (Opportunities, error) {
	const fn = "opportunities"
	if err := s.unready(fn); err != nil {
		return Opportunities{}, err
	}
	length, err := sixteenths(fn, "every", every)
	if err != nil {
		return Opportunities{}, err
	}
	o := Opportunities{Every: every, Holdout: int64(s.holdEnd-s.calEnd) * 16 / length}
	if o.Holdout > maxOpportunities {
		return Opportunities{}, fmt.Errorf("btyd: %s: every = %s: %w: the holdout holds %d opportunities, above %d", fn, every, clv.ErrOutOfRange, o.Holdout, maxOpportunities)
	}
	index := func(d int32) int64 { return ceilDiv(16*(int64(d)-int64(s.calEnd)), length) }

	s.compact()
	refs := s.order()
	oldest, found := s.calEnd, false
	for _, k := range refs {
		if c := s.shards[k.shard].state(k.index); c.firstDay <= s.calEnd {
			oldest, found = min(oldest, c.firstDay), true
		}
	}
	switch n := -index(oldest); {
	case !found:
		return Opportunities{}, fmt.Errorf("btyd: %s: %w: no customer bought by the calibration end", fn, clv.ErrMissing)
	case n == 0:
		return Opportunities{}, fmt.Errorf("btyd: %s: every = %s: %w: longer than the calibration period of the oldest customer, from %s, %d days: every customer has n = 0",
			fn, every, clv.ErrInconsistent, dayString(oldest), s.calEnd-oldest)
	case n > maxOpportunities:
		return Opportunities{}, fmt.Errorf("btyd: %s: every = %s: %w: the oldest customer has %d opportunities, above %d", fn, every, clv.ErrOutOfRange, n, maxOpportunities)
	}

	o.Customers = make([]DiscreteCustomer, 0, len(refs))
	keys := make([]uint64, 0, len(refs))
	for bc := range s.inBase(refs) {
		c := bc.c
		cut, _, _ := s.figures(bc.sh, bc.index)
		days := bc.sh.daysOf(bc.index)
		f := index(days[0])
		cu := DiscreteCustomer{ID: bc.id, N: -f, Spend: decimal.Zero}
		var inRepeat int64 // calibration days after the trial
		prev := f
		for _, d := range days[1:cut] {
			j := index(d)
			if j > f {
				inRepeat++
			}
			if j > prev { // days are sorted: j ≥ prev
				cu.X++
				prev = j
			}
		}
		if cu.X > 0 {
			cu.Tx = prev - f
			cu.Spend = bc.sh.opportunityMean(c, int64(cut-1), inRepeat, cu.X)
		}
		prev = 0
		for _, d := range days[cut:] {
			j := index(d)
			if j > o.Holdout {
				break
			}
			if j > prev {
				cu.HoldoutX++
				prev = j
			}
		}
		o.Customers = append(o.Customers, cu)
		if cu.N == 0 {
			o.New++
			continue
		}
		// 17 bits apiece: n ≤ 10^5 < 2^17.
		keys = append(keys, uint64(cu.N)<<34|uint64(cu.Tx)<<17|uint64(cu.X))
	}
	slices.Sort(keys)
	const mask = 1<<17 - 1
	for i, key := range keys {
		if i > 0 && key == keys[i-1] {
			o.Histories[len(o.Histories)-1].Weight++
			continue
		}
		o.Histories = append(o.Histories, DiscreteHistory{X: int64(key & mask), Tx: int64(key >> 17 & mask), N: int64(key >> 34), Weight: 1})
	}
	return o, nil
}

// dayString formats a day counted from 1970-01-01 as YYYY-MM-DD.
func dayString(d int32) string {
	return time.Unix(int64(d)*86400, 0).UTC().Format(time.DateOnly)
}

// opportunityMean returns A × inRepeat / (days × x) rounded half away from
// zero to clv.DefaultScale places, A the amounts of the days after the
// first of c, days their number: the mean amount of a repeat opportunity
// of Summarizer.Opportunities.
func (sh *shard) opportunityMean(c *customerState, days, inRepeat, x int64) decimal.Decimal {
	if c.extra == 0 && c.first != math.MinInt64 {
		if repeat, ok := fixed.Add(c.cal, -c.first); ok {
			if num, ok := fixed.Mul(repeat, inRepeat); ok {
				return meanUnits(num, sh.places, days*x, clv.DefaultScale)
			}
		}
	}
	repeat := sh.sum(c, calSum).Sub(sh.sum(c, firstSum))
	return repeat.Mul(decimal.NewFromInt(inRepeat)).DivRound(decimal.NewFromInt(days*x), clv.DefaultScale)
}
