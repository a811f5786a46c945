// Package clv computes customer lifetime value (CLV): what a customer is worth
// to a business over the whole time they keep buying. It starts from figures a
// business already has — revenue, purchases, customers, churn, gross margin,
// acquisition cost — and computes in exact decimal arithmetic.
//
// # The formulas
//
// For one window of observation (a year unless stated otherwise):
//
//	average purchase value   APV      = revenue / purchases
//	purchase frequency       APF      = purchases / customers
//	customer value           CV       = APV × APF = revenue / customers, per window
//	lifespan                 L        = average periods a customer keeps buying,
//	                                    or 1 / churn rate
//	lifetime value           CLV      = CV × L
//	profit-based CLV                  = CLV × gross margin
//	acquisition cost         CAC      = acquisition spend / new customers
//	net CLV                           = CLV − CAC − retention costs over the lifespan
//	LTV:CAC                           = CLV / CAC
//	payback                           = CAC / (margin × CV − retention cost), in windows
//
// Each formula is a function of its own, from [AveragePurchaseValue] to
// [PaybackPeriods], and the churn helpers live beside them ([ChurnRate],
// [LifespanFromChurn], [ConvertChurn], …). Most callers want every figure at
// once: [Calculate] takes the totals of a [Window], a [Lifespan] and
// [Option] values and returns a [Result]; [CalculateSegments] does the same
// for several segments and blends them, weighted by customers.
//
// # From purchase records
//
// Most businesses hold orders, not totals. An [Accumulator] takes
// [Purchase] records — customer, time, amount, segment; a negative amount
// is a refund — in any order, and returns a [Summary]: for each calendar
// window and segment, the revenue, purchases, refunds, customers, and the
// new, returning and lost customers from which churn is measured
// ([WindowSummary.ChurnRate], [AverageChurnRate]). A [WindowSummary]'s
// Window goes straight into [Calculate], and [SegmentSummary.Segment]
// prices a segment from its last window with customers at its measured
// churn. Amounts are summed exactly, mostly as integers that cost no
// allocation; a reader that parses its own log hands them over as such
// ([Row], [Accumulator.AddRows]); accumulators over parts of a log merge
// exactly ([Accumulator.Merge]), and travel as bytes
// ([Accumulator.MarshalBinary]). What each customer is worth, from their
// own purchases, is the business of the sub-package btyd.
//
// # Retention curves
//
// A churn rate assumes every customer is as likely to leave in their tenth
// period as in their first. Real cohorts lose their least loyal customers
// early, so retention rises with tenure and 1 / churn understates
// lifetimes. [FitSBG] fits the shifted-beta-geometric model of Fader and
// Hardie to cohorts; the fitted [SBG] gives survival and retention curves,
// expected and discounted residual lifetimes, and, as a [Lifespan] Curve,
// prices CLV in [Calculate] and [CalculateSegments] like any lifespan.
// [SBGFit.Project] sets the curve beside the constant churn of the same
// cohorts. The model's parameters are statistics, in float64; money stays
// decimal.
//
// # Units
//
// Every rate, lifespan and window carries a [Period]: a week, month, quarter
// or year. Values are converted before they meet, never silently mixed.
// Amounts per period scale linearly (1,200 a year is 100 a month); rates
// compound (a monthly churn c is a yearly churn of 1 − (1 − c)^12). A lifespan
// counts in its own period, so a churn of 1 % a month gives 100 months, which
// [Calculate] reports as 8.33 years against a yearly window.
//
// # Timing and discounting
//
// Value arrives at the start of each period in which a customer is active, in
// the period of the [Lifespan], and the first period is not discounted. At a
// discount rate d per period, one unit of value each period is worth
//
//	at churn rate c:        (1 + d) / (d + c)
//	for L whole periods:    (1 + d)(1 − (1 + d)^−L) / d
//
// and a partial last period pays its share at its start. Both reduce to 1 / c
// and L when d = 0, and discounting never raises them. The Gupta–Lehmann
// margin multiple r / (1 + d − r), with retention r = 1 − c, is the
// churn-based form less its first period.
//
// # Rounding
//
// Money and rates are [decimal.Decimal] values, never float64. A reported
// figure is computed from the exact inputs and rounded once, half away from
// zero, to a scale: [DefaultScale] decimal places, or the places set by
// [WithScale]. It is never the product of figures already rounded, so
// customer value is revenue / customers rounded once, even though it is also
// APV × APF. Figures that involve a root — a rate converted to a shorter
// period, such as a yearly discount rate applied to monthly churn — are
// irrational in general; they, and a discounted fixed lifespan of more than
// 10,000 periods or whose exact form would run past 4,000 digits, are
// evaluated with at least 20 guard digits before the one rounding, so they
// are the correctly rounded value unless the exact value lies within
// 10^−(scale+20) of a halfway point. A lifespan from a fitted retention
// curve is a statistic: it is summed in float64, to about twelve
// significant digits, and enters the exact arithmetic as a decimal.
// Every division names its precision:
// the package reads and writes none of the decimal package's global
// settings.
//
// # Errors and limits
//
// Bad input returns an error, never a panic. Each kind of failure wraps an
// exported sentinel — [ErrNonPositive], [ErrNegative], [ErrAboveOne],
// [ErrInconsistent], [ErrUnknownPeriod], [ErrNeverPaysBack], [ErrOutOfRange],
// [ErrMissing], [ErrNoFit] or [ErrMalformed] — for [errors.Is], and the
// message names the argument at fault:
//
//	clv: purchase frequency: customers = 0: must be positive
//
// Decimal inputs must be below 10^24 in magnitude with at most [MaxScale]
// decimal places, and a fixed lifespan at most 1,000,000 periods; anything
// beyond is refused with [ErrOutOfRange] before any arithmetic, so no input
// can make a call slow or its memory large.
//
// All functions are pure and safe for concurrent use. An [Accumulator] is
// the one value that changes; give each goroutine its own.
package clv
