package btyd

// FitStats describes a maximum-likelihood fit, whatever the model: how
// well it fits, how the optimiser got there, and how precisely the data
// pin the parameters down. Every Fit… function returns one beside its
// model.
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
	// optimize.Status: "GradientThreshold" when the gradient vanished,
	// "FunctionConvergence" when the likelihood stopped rising.
	Status string `json:"status"`
	// Parameters names the model's parameters, in the order of the rows
	// and columns of Covariance.
	Parameters []string `json:"parameters"`
	// Covariance is the estimated covariance of the parameters.
	Covariance [][]float64 `json:"covariance"`
}
