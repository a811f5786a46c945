// Package btyd models each customer of a business with no contracts —
// a shop, not a subscription — with the "buy till you die" models of the
// customer-base literature: which customers are still active, how many
// purchases each will make, and what each is worth. It is the per-customer
// companion of package [github.com/clvkit/clv], which it imports and which
// never imports it.
//
// # From a purchase log to each customer's value
//
// A [Summarizer] takes the rows of a purchase log ([clv.Purchase]), in any
// order, and summarises each customer as the models see them ([Customer]):
// x repeat purchases, the last at t_x after the first, observed for T, in
// a unit of time, with their mean spend, and what they bought in a
// holdout period. [FitBGNBD] fits the BG/NBD model of Fader, Hardie and
// Lee (2005) to the customers' distinct histories ([History]); the fitted
// [BGNBD] says how likely each customer is to be alive
// ([BGNBD.ProbAlive]) and how many purchases they will make
// ([BGNBD.ConditionalExpectedPurchases]). [FitGammaGamma] fits the
// gamma–gamma model of spend ([GammaGamma]); where it cannot be fitted,
// [MeanSpend] gives a [FlatSpend], the base's mean amount of a repeat
// purchase, to value purchases at instead. [Values] combines a purchase
// model and a spend model ([SpendModel]) into each customer's lifetime
// value over a horizon, discounted;
// [CompareHoldout] checks the purchase model against a holdout period, and
// [Track] follows the base's repeat purchases through it, step by step.
// [Spread] says how a valuation's value is shared among its customers:
// by decile, and the share the top 1 %, 10 %, 20 % hold. Each customer
// keeps the segment of their first purchase ([Customer.Segment]), and
// [ValueBySegment] totals a valuation by segment and blends the segments
// as the business formulas do ([clv.CalculateSegments]).
// A Summarizer marshals to a compact binary form and merges exactly, so a
// log too large for one machine is summarised in parts.
//
// # Models
//
// Purchase models, fitted to the same histories, each behind
// [PurchaseModel], which Values, CompareHoldout and Track take: [BGNBD]
// (Fader, Hardie and Lee 2005), [MBGNBD] (Batislam, Denizel and
// Filiztekin 2007), in which a customer may also leave at once, and
// [ParetoNBD] (Schmittlein, Morrison and Colombo 1987), in which they
// leave at any time. Each fit ([PurchaseFit]) carries the covariance of
// its parameters, from which [ValueIntervals] draws intervals around
// every customer's expected purchases and value. [BGBB]
// (Fader, Hardie and Shang 2010) models discrete opportunities — yearly
// donations, issues of a magazine — from [DiscreteHistory] counts, which
// [Summarizer.Opportunities] makes from a purchase log, with each
// customer's figures for [CompareDiscreteHoldout] and [DiscreteValues].
//
// One model per file, as gonum's distuv keeps one distribution per file: a
// value type with exported parameters ([BGNBD]{R, Alpha, A, B},
// [GammaGamma]{P, Q, Gamma}), one method per quantity, each stating its
// formula and its paper, and a fit that returns the model with its
// standard errors and [FitStats]. Fits maximise the likelihood with
// Newton's method from gonum's optimize package, on the logarithms of the
// parameters, with analytic gradients and Hessians; the Hessian at the
// maximum gives the covariance. Special functions come from gonum's
// mathext, the covariance's inverse from its mat.
//
// # Forecasts
//
// Beyond P(alive) now and the expected purchases, every purchase model
// says whether a customer will still be one t after the end of
// observation (ProbAliveAt: [BGNBD.ProbAliveAt], [MBGNBD.ProbAliveAt],
// [ParetoNBD.ProbAliveAt], [BGBB.ProbAliveAt]), how likely each count of
// purchases in the next t is, no purchase at all the first
// (ConditionalProbPurchases), how many purchases remain discounted (DERT:
// continuously for the BG/NBD, MBG/NBD and Pareto/NBD, per opportunity for
// the BG/BB), and how P(alive)
// moved through a customer's own purchases ([AlivePath],
// [BGBB.AlivePath]). Each follows from one fact: a customer alive at the
// end of observation is a new customer of the model with parameters
// updated by their history, so each figure is P(alive) times a new
// customer's. [Forecasts] and [DiscreteForecasts] give them for a whole
// base, and [DERTs] and [DiscreteDERTs] the DERT, each computed once for
// each distinct history; [WindowValues] and
// [DiscreteWindowValues] value a window of the future, years 3 to 5, as
// [Values] and [DiscreteValues] value a horizon; and
// [NewCustomerForecast] and [DiscreteNewCustomerForecast] give the repeat
// purchases and revenue of cohorts yet to be acquired, period by period,
// and [NewCustomerRateForecast] and [DiscreteNewCustomerRateForecast]
// those of customers won at a constant rate through the horizon.
//
// # Covariates
//
// A customer may carry static covariates z — numbers, categories as 0/1
// indicators against a reference level — that scale a model's rate
// parameters by exp(±γ·z), one coefficient vector per process, as
// CLVTools does: [ParetoNBDCov], [BGNBDCov] and, for spend, [GammaGammaCov],
// each with a For method that gives a customer's own model, fitted by
// [FitParetoNBDCov], [FitBGNBDCov] and [FitGammaGammaCov] with standard
// errors, the covariance of every coefficient and a [LikelihoodRatio]
// test against the model without covariates, optionally with
// coefficients equal in both processes ([WithSameCoefficients]) or an L2
// penalty ([WithPenalty]). The fits group customers by their covariates
// and run each group through the likelihood of the model without them,
// so categorical covariates cost passes over their distinct (history,
// covariates) pairs, not over customers: on a million customers with two
// binary covariates, some 0.49 s for BG/NBD and 1.1 s for Pareto/NBD
// (medians of three on a quiet two-core machine), the fits without them
// for the likelihood-ratio test included; one continuous covariate,
// whose customers each have models of their own, 2.0 s and 12 s.
// [ValuesByCovariates], [CompareHoldoutByCovariates], [TrackByCovariates],
// [ForecastsByCovariates] and [ValueIntervalsByCovariates] value,
// compare, track, forecast and bound a base customer by customer with
// their own models. The API is in
// covariates.go, each model's file (pnbdcov.go, bgnbdcov.go,
// gammagammacov.go), bycovariates.go and intervalcov.go; the shared
// machinery in covfit.go.
//
// # Units and time
//
// Time is in a unit, a [clv.Period] — weeks by default, as the literature
// counts ([WithUnit]) — of exact length: a week is 7 days, a month 365.25 /
// 12 = 30.4375 days, a quarter 91.3125, a year 365.25; never a 30-day
// month. Purchases fall on UTC calendar days, and the calibration and
// holdout ends are days, included. A model's Alpha (BG/NBD) is in the unit
// its customers were summarised in, and so is every t its methods take.
// BG/BB's opportunities are the exception: calendar months, quarters or
// years in UTC, as a [clv.Accumulator]'s windows, or 7-day weeks counted
// back from the calibration end ([Summarizer.Opportunities]).
//
// # Money and exactness
//
// Amounts are [decimal.Decimal] going in and coming out. A [Summarizer]
// sums them exactly and divides once, to [clv.DefaultScale] places, for a
// customer's mean spend. The models are statistics, in float64: an amount
// enters them as the nearest float64, every expectation carries about 12
// to 15 significant digits, and a value comes out as a decimal rounded
// once, half away from zero, to the scale in force. No global setting of
// the decimal package is read or written.
//
// # Errors and limits
//
// Bad input returns an error, never a panic, a hang or a NaN. Each failure
// wraps a sentinel of package clv — [clv.ErrNonPositive],
// [clv.ErrNegative], [clv.ErrAboveOne], [clv.ErrInconsistent],
// [clv.ErrOutOfRange], [clv.ErrMissing], [clv.ErrNoFit] or
// [clv.ErrUnknownPeriod] — for [errors.Is], and the message names the
// argument at fault:
//
//	btyd: fit BG/NBD: history 3: t_x = 5 > T = 4: clv: inconsistent
//
// Model parameters must be from 10^−10 to 10^10, times at most 10^7 units,
// repeat purchases at most 10^7, horizons at most 1,000 years.
//
// All functions are pure and safe for concurrent use; a [Summarizer] is
// the one value that changes, and belongs to one goroutine at a time.
package btyd
