package btyd

// FitStats describes a maximum-likelihood fit, whatever the model: how
// well it fits, how the optimiser got there, and how precisely the data
// pin the parameters down. Every Fit… function returns one beside its
// model.
//
// Every fit maximises its likelihood the same way: Newton's method, from
// gonum's optimize package, on the logarithms of the parameters, which
// keeps them positive, with the model's analytic gradient and Hessian
// computed together in one pass over the data (split over two goroutines
// for large data). Once a full Newton step promises to raise the
// log-likelihood per customer by less than 10^−10 of it, plain Newton
// steps finish, each kept only if the likelihood does not fall beyond
// rounding, until one promises less than 10^−15. A start near the
// maximum, from a fit to a sample, takes the plain steps at once. The fit
// is refused with [clv.ErrNoFit] if it ends with a parameter outside
// 10^−8 to 10^8, where the likelihood still rises towards a boundary of
// the model, with a gradient above 10^−6 per customer, or with a Hessian
// that is not negative definite.
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
