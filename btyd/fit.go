package btyd

import (
	"fmt"
	"math"

	"github.com/clvkit/clv"
)

// FitStats describes a maximum-likelihood fit, whatever the model: how
// well it fits, how the optimiser got there, and how precisely the data
// pin the parameters down. Every Fit… function returns one beside its
// model.
//
// Every fit maximises its likelihood the same way. A likelihood may have
// more than one local maximum, and on data from another model's story a
// climb from a poor start may run off towards a boundary of the model
// while a higher interior maximum exists, so a fit climbs from several
// starts, which each fit's documentation lists, and keeps the best:
//
//   - Each climb is Newton's method, from gonum's optimize package, on the
//     logarithms of the parameters, which keeps them positive, with the
//     model's analytic gradient and Hessian computed together in one pass
//     over the data (split over two goroutines for large data). Once a
//     full Newton step promises to raise the log-likelihood per customer
//     by less than 10^−10 of it, plain Newton steps finish, each kept only
//     if the likelihood does not fall beyond rounding, until one promises
//     less than 10^−15, or after 300 passes (30 for Pareto/NBD, whose
//     passes cost more). A climb out of passes, where Newton's steps still
//     promise a rise, is crawling towards a limit and ends at no maximum,
//     however flat the likelihood is there. A climb ends early once a
//     parameter passes 10^−12 or 10^12: the likelihood still rises towards
//     a boundary there, and beyond 10^−8 to 10^8 the climb counts as
//     having run off to it. So does one that ends short of them, too flat
//     to go on or out of passes, with its parameters beyond 10^−4 or 10^4
//     in a pattern that one of the model's limits names. A climb that
//     crawls, its Hessian not negative definite and its likelihood
//     rising by less than 10^−5 of itself in three iterations, tries
//     each parameter it moved alone at 10^−12 or 10^12, the way it moved
//     it; if the likelihood is no lower there, the climb ends there, at
//     the limit it was crawling to.
//   - On 10,000 distinct histories or more, the climbs from every start
//     run on a sample of about 5,000 of them (two at a time on two CPUs);
//     the best interior maximum found is then refined on a sample of
//     about 20,000, on 40,000 or more, and on all of them, each time from
//     the last maximum with plain Newton steps. A maximum that does not
//     hold on more data gives way to the next best. If no climb on a
//     sample ends at a maximum or on its way to a limit, the climbs from
//     every start run again on the next sample, or on all the data: a
//     small sample can hide a maximum that all the data have.
//   - The boundary wins only if the log-likelihood of all the data where a
//     climb ran off is above the best interior maximum's, or if that
//     maximum is too flat for a covariance on the way to a limit, and
//     above that of every climb that ended short of both. The fit then
//     returns a [BoundaryError], which says which limit of the model the
//     data prefer, in words, and how well it fits.
//
// A fit is also refused with [clv.ErrNoFit] if every climb ends with a
// gradient above 10^−6 per customer and short of any limit, or with a
// Hessian that is not negative definite at its maximum.
//
// The covariance is the inverse of the observed information, the negated
// Hessian of the log-likelihood at the maximum, in the model's own
// parameters (not their logarithms, in which the optimiser works); its
// diagonal's square roots are the standard errors the fit reports beside
// its model. They describe the sampling error of a large customer base
// and say nothing of whether the model suits it.
type FitStats struct {
	// LogLikelihood is the natural logarithm of the probability of the
	// data under the fitted model: the maximum over all models.
	LogLikelihood float64 `json:"log_likelihood"`
	// Customers is the number of customers fitted: the sum of the
	// weights.
	Customers int64 `json:"customers"`
	// Iterations counts the optimiser's major iterations, and
	// Evaluations the passes over the data it asked for.
	Iterations  int `json:"iterations"`
	Evaluations int `json:"evaluations"`
	// Status is how the optimiser stopped, in the words of gonum's
	// optimize.Status: "FunctionConvergence" when Newton steps stopped
	// raising the likelihood, "GradientThreshold" when the gradient
	// vanished first.
	Status string `json:"status"`
	// Parameters names the model's parameters, in the order of the rows
	// and columns of Covariance.
	Parameters []string `json:"parameters"`
	// Covariance is the estimated covariance of the parameters.
	Covariance [][]float64 `json:"covariance"`
}

// A BoundaryError is the error of a fit whose likelihood has no interior
// maximum: it rises towards a limit of the model, where a parameter goes
// to 0 or to infinity, and stays below the log-likelihood there at every
// interior maximum the fit found, from every start. Each fit's
// documentation says what its limits mean. The limit is itself a simpler
// model (customers alike in one respect), which a caller may prefer to
// fit instead; LogLikelihood says how well it fits.
//
// A BoundaryError wraps [clv.ErrNoFit], so errors.Is(err, clv.ErrNoFit)
// holds, and errors.As finds its fields.
type BoundaryError struct {
	// Fit names the fit, such as "fit BG/NBD".
	Fit string
	// Limit says in words which limit of the model the data prefer, with
	// the parameters that stay finite there.
	Limit string
	// LogLikelihood is the highest log-likelihood the fit reached on its
	// way to the limit, a lower bound of its supremum there: within
	// rounding of it where a parameter passed 10^−12 or 10^12, and a few
	// units below it where the fit stopped at the edge of the domain its
	// likelihood can be evaluated in (Pareto/NBD's, where α and β are 200
	// or 1,000 times apart).
	LogLikelihood float64
	// Interior is the log-likelihood of the best interior local maximum
	// the fit found, or −Inf if none.
	Interior float64
}

func (e *BoundaryError) Error() string {
	interior := "no start found an interior maximum"
	if !math.IsInf(e.Interior, -1) {
		interior = fmt.Sprintf("the best interior maximum has %.1f", e.Interior)
	}
	return fmt.Sprintf("btyd: %s: %v: the likelihood has no interior maximum: it is highest in the limit where %s, with a log-likelihood of at least %.1f; %s",
		e.Fit, clv.ErrNoFit, e.Limit, e.LogLikelihood, interior)
}

// Unwrap returns [clv.ErrNoFit].
func (e *BoundaryError) Unwrap() error { return clv.ErrNoFit }
