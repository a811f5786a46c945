package btyd

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/internal/civil"
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
	// Every is the period of an opportunity: a calendar month, quarter
	// or year, or 7 days.
	Every clv.Period `json:"every"`
	// Holdout is n*, the number of whole opportunities in the holdout; 0
	// without a holdout or with one shorter than an opportunity.
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
// opportunities of the period every, as the [BGBB] model sees customers:
// a yearly appeal, a monthly issue. Opportunities of a month, quarter or
// year are calendar periods in UTC, the windows of a [clv.Accumulator]:
// January to March is a quarter wherever a customer's purchases fall in
// it. Opportunities of a week are 7 days, counted back from the
// calibration end.
//
// # Opportunities
//
// Opportunity 0 is the one that holds the calibration end c, and is the
// last of the calibration period; −1 is the one before it, and 1, the
// first after it, is the first of the holdout. A calendar opportunity is
// counted from 1970's, as the Accumulator's windows are: purchase day d
// is in opportunity
//
//	k(d) = m(d) − m(c),  m(d) = the calendar months, quarters or years from 1970 to d's
//	k(d) = ⌈(d − c) / 7⌉ for weeks, with days counted whole
//
// With calendar opportunities c must be the last day of its period, so
// that every calibration opportunity is a whole one, as the model has
// them: a calibration cut in mid-month would count the rest of the month
// as an opportunity every customer let pass, and lower every customer's
// estimated chance of buying, while its remaining days, in the holdout,
// would fall in no opportunity. Shifting the periods to end on c, as
// weeks do, is what made "the 1st" and "the 28th" of a month different
// opportunities, and dropping the part after the last whole period would
// leave out purchases without a word; so such a calibration end is
// refused, and the error names the period ends on either side of it.
//
// For a customer whose first purchase day is in opportunity f ≤ 0, that
// opportunity is their trial and is not one of theirs:
//
//	N  = −f, the opportunities after the trial, f + 1 to 0
//	X  = the distinct opportunities k(d) in f + 1 … 0 of their purchase days
//	Tx = the last of them − f, 0 if X is 0
//
// Several purchase days in one opportunity make one purchase. The holdout,
// if any, from c + 1 to its end h, has n* whole opportunities
// ([Opportunities.Holdout]): those whose last day is on or before h,
//
//	n* = k(h + 1) − 1, and ⌊(h − c) / 7⌋ for weeks
//
// so a holdout of the calendar year after a calibration that ends on 31
// December has one yearly opportunity, twelve monthly ones, and 52
// weekly ones. HoldoutX counts the distinct opportunities 1 … n* with a
// purchase. Purchases in a last, partial holdout opportunity are left out
// of HoldoutX.
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
// It reads each customer's distinct days once, finding a day's
// opportunity in a table of the opportunities' first days, as cheaply as
// a division, and allocates, besides the result, 8 bytes a customer to
// find the distinct histories and 4 bytes an opportunity for the table,
// so a base of a million customers fits in the time of its distinct
// histories, as [Summarizer.Histories] does for the continuous models.
// The ids are copies, in one block of memory.
//
// # Errors
//
// It returns an error wrapping [clv.ErrMissing] for a Summarizer not made
// by [NewSummarizer] or with no customer, [clv.ErrUnknownPeriod] for an
// unknown every, [clv.ErrInconsistent] if every is a month, quarter or
// year and the calibration end is not the last day of one, or if every
// customer first bought in opportunity 0, so that every customer has
// N = 0, and [clv.ErrOutOfRange] if the oldest customer's N or the
// holdout's n* is above 10^5.
func (s *Summarizer) Opportunities(every clv.Period) (Opportunities, error) {
	const fn = "opportunities"
	if err := s.unready(fn); err != nil {
		return Opportunities{}, err
	}
	if _, err := checkUnit(fn, "every", every); err != nil {
		return Opportunities{}, err
	}
	cal := newOpportunityCalendar(every, s.calEnd)
	if !cal.endsPeriod() {
		prev, next := cal.periodEnds()
		return Opportunities{}, fmt.Errorf("btyd: %s: every = %s: calibration end = %s: %w: not the last day of a %s; end the calibration on %s or %s",
			fn, every, dayString(s.calEnd), clv.ErrInconsistent, every, dayString(prev), dayString(next))
	}
	o := Opportunities{Every: every, Holdout: cal.holdout(s.holdEnd)}
	if o.Holdout > maxOpportunities {
		return Opportunities{}, fmt.Errorf("btyd: %s: every = %s: %w: the holdout holds %d opportunities, above %d", fn, every, clv.ErrOutOfRange, o.Holdout, maxOpportunities)
	}

	s.compact()
	refs := s.order()
	oldest, found := s.calEnd, false
	for _, k := range refs {
		if c := s.shards[k.shard].state(k.index); c.firstDay <= s.calEnd {
			oldest, found = min(oldest, c.firstDay), true
		}
	}
	n := -cal.at(oldest)
	switch {
	case !found:
		return Opportunities{}, fmt.Errorf("btyd: %s: %w: no customer bought by the calibration end", fn, clv.ErrMissing)
	case n == 0:
		return Opportunities{}, fmt.Errorf("btyd: %s: every = %s: %w: every customer first bought in the calibration end's opportunity, the oldest on %s: every customer has n = 0",
			fn, every, clv.ErrInconsistent, dayString(oldest))
	case n > maxOpportunities:
		return Opportunities{}, fmt.Errorf("btyd: %s: every = %s: %w: the oldest customer has %d opportunities, above %d", fn, every, clv.ErrOutOfRange, n, maxOpportunities)
	}
	cal.cover(-n, s.holdEnd)

	o.Customers = make([]DiscreteCustomer, 0, len(refs))
	keys := make([]uint64, 0, len(refs))
	for bc := range s.inBase(refs) {
		c := bc.c
		cut, _, _ := s.figures(bc.sh, bc.index)
		days := bc.sh.daysOf(bc.index)
		f := cal.index(days[0])
		cu := DiscreteCustomer{ID: bc.id, N: -f, Spend: decimal.Zero}
		var inRepeat int64 // calibration days after the trial
		prev := f
		for _, d := range days[1:cut] {
			j := cal.index(d)
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
			j := cal.index(d)
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

// An opportunityCalendar numbers the days of a Summarizer by their
// opportunity of one period, 0 the calibration end's (see
// Summarizer.Opportunities).
type opportunityCalendar struct {
	// months is the months an opportunity spans: 1, 3 or 12, or 0 for
	// 7-day weeks.
	months int64
	calEnd int64
	// base is the calibration end's calendar period, counted from the
	// one that holds 1970-01-01; 0 for weeks.
	base int64
	// starts holds the first day of opportunities first, first + 1, …,
	// once cover has been called, and perCycle their number in the
	// Gregorian calendar's 400 years of 146,097 days: index finds a
	// day's opportunity among them without the calendar's arithmetic,
	// which costs some 10 ns a day, several times the rest of the count.
	first    int64
	starts   []int32
	perCycle int64
}

// daysPerCycle is the days of the Gregorian calendar's 400-year cycle:
// 4,800 months, 1,600 quarters, 400 years and 20,871 weeks.
const daysPerCycle = 146097

// newOpportunityCalendar returns the calendar of opportunities of a known
// period every, for a calibration that ends on day calEnd.
func newOpportunityCalendar(every clv.Period, calEnd int32) *opportunityCalendar {
	k := &opportunityCalendar{calEnd: int64(calEnd), perCycle: daysPerCycle / 7}
	switch every {
	case clv.Month:
		k.months = 1
	case clv.Quarter:
		k.months = 3
	case clv.Year:
		k.months = 12
	}
	if k.months > 0 {
		k.base = k.period(k.calEnd)
		k.perCycle = 4800 / k.months
	}
	return k
}

// period returns the calendar period of day d, counted from the one that
// holds 1970-01-01, for an opportunityCalendar of months.
func (k *opportunityCalendar) period(d int64) int64 {
	// Constant divisors, which compile to multiplications.
	switch m := civil.Months(d); k.months {
	case 1:
		return m
	case 3:
		return civil.FloorDiv(m, 3)
	default:
		return civil.FloorDiv(m, 12)
	}
}

// at returns the opportunity of day d, k(d) of Summarizer.Opportunities,
// by the calendar's arithmetic.
func (k *opportunityCalendar) at(d int32) int64 {
	if k.months == 0 {
		return ceilDiv(int64(d)-k.calEnd, 7)
	}
	return k.period(int64(d)) - k.base
}

// start returns the first day of opportunity j.
func (k *opportunityCalendar) start(j int64) int64 {
	if k.months == 0 {
		return k.calEnd + 7*(j-1) + 1
	}
	return civil.MonthStart((k.base + j) * k.months)
}

// cover readies index for the days from opportunity first to the holdout
// end h: it lists the first days of opportunities first to n* + 2, 4
// bytes an opportunity, the holdout end being in n* + 1 at the latest.
func (k *opportunityCalendar) cover(first int64, h int32) {
	last := k.at(h) + 1
	k.first, k.starts = first, make([]int32, last-first+1)
	for i := range k.starts {
		k.starts[i] = int32(k.start(first + int64(i)))
	}
}

// index returns the opportunity of day d, as at does, for a d that cover
// has covered. Periods start within a few days of the multiples of their
// mean length over the Gregorian 400 years, exactly so for weeks, so the
// period the mean gives is the one that holds d or one beside it, and the
// starts say which.
func (k *opportunityCalendar) index(d int32) int64 {
	starts := k.starts
	i := min(int64(d-starts[0])*k.perCycle/daysPerCycle, int64(len(starts))-2)
	if d < starts[i] {
		i--
	} else if d >= starts[i+1] {
		i++
	}
	return k.first + i
}

// endsPeriod reports whether the calibration end is the last day of its
// opportunity: always for weeks, which end on it.
func (k *opportunityCalendar) endsPeriod() bool {
	return k.months == 0 || k.period(k.calEnd+1) != k.base
}

// periodEnds returns the last day of the calendar period before the
// calibration end's, and of the calibration end's own.
func (k *opportunityCalendar) periodEnds() (prev, next int32) {
	return int32(civil.MonthStart(k.base*k.months) - 1), int32(civil.MonthStart((k.base+1)*k.months) - 1)
}

// holdout returns n*, the whole opportunities from the day after the
// calibration end to the holdout end h, or 0 if h is the calibration end.
func (k *opportunityCalendar) holdout(h int32) int64 {
	if k.months == 0 {
		return (int64(h) - k.calEnd) / 7
	}
	return k.at(h+1) - 1
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
