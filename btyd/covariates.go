package btyd

import (
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// A CovariateHistory is a [History] with the static covariates its
// customers share: numbers that describe them and do not change over the
// calibration period, such as the channel they were won by or their
// gender. A category of c levels is c − 1 indicators, 0 or 1, each
// against a reference level that has none, as CLVTools codes factors
// (its SetStaticCovariates). Every history of a fit has as many
// covariates, in the same order.
//
// The fits with covariates ([FitParetoNBDCov], [FitBGNBDCov]) group the
// histories by their covariates, and within a group merge equal
// histories, so a base of a million customers with two binary covariates
// fits in the time of its distinct (history, covariates) pairs.
type CovariateHistory struct {
	History
	// Z holds the covariates.
	Z []float64 `json:"z"`
}

// A LikelihoodRatio is the likelihood-ratio test of a model with
// covariates against the same model without them, which is the model
// with covariates whose coefficients are all zero (Wilks' theorem):
//
//	Statistic = 2 (LL − LL₀),  PValue = P(χ²_DF > Statistic)
//
// with LL the log-likelihood of the model with covariates at its maximum,
// LL₀ that of the model without them, and DF the number of free
// coefficients. The χ² tail is gonum's distuv.ChiSquared. A small PValue
// says that the covariates explain differences between customers that
// chance would not; a large one, that the data cannot tell.
type LikelihoodRatio struct {
	// NullLogLikelihood is LL₀.
	NullLogLikelihood float64 `json:"null_log_likelihood"`
	Statistic         float64 `json:"statistic"`
	DF                int     `json:"df"`
	PValue            float64 `json:"p_value"`
}

// newLikelihoodRatio returns the test of ll against null with df degrees
// of freedom. A statistic below zero, which only rounding gives at a
// maximum, is zero.
func newLikelihoodRatio(ll, null float64, df int) LikelihoodRatio {
	stat := max(2*(ll-null), 0)
	return LikelihoodRatio{NullLogLikelihood: null, Statistic: stat, DF: df,
		PValue: distuv.ChiSquared{K: float64(df)}.Survival(stat)}
}

// A CovariateOption sets an option of a fit with covariates.
type CovariateOption interface{ apply(*covConfig) }

// covConfig holds the options of a fit with covariates; its zero value is
// the default: every coefficient free, no penalty.
type covConfig struct {
	same    []int
	lambda  float64
	lambdaD float64
}

type sameOption []int

func (o sameOption) apply(c *covConfig) { c.same = append(c.same, o...) }

// WithSameCoefficients constrains the coefficients of the covariates
// numbered covariates (from 0, in the order of [CovariateHistory.Z]) to be
// equal in the two processes of a purchase model, purchase and drop-out,
// as CLVTools' names.cov.constr does: one coefficient each, estimated
// once, which a customer's covariate moves both processes by. By default
// every coefficient is free. A fit refuses a number out of range, or one
// given twice, with an error wrapping [clv.ErrOutOfRange].
func WithSameCoefficients(covariates ...int) CovariateOption {
	return sameOption(slices.Clone(covariates))
}

type penaltyOption [2]float64

func (o penaltyOption) apply(c *covConfig) { c.lambda, c.lambdaD = o[0], o[1] }

// WithPenalty adds an L2 penalty on the coefficients to the
// log-likelihood a fit maximises, as CLVTools' reg.lambdas does:
//
//	LL − λ_purchase Σ γ_purchase,j² − λ_dropout Σ γ_dropout,j²
//
// which shrinks the coefficients towards zero, each process's by its own
// λ (a spend model's one coefficient vector by purchase); a coefficient
// constrained equal in both processes ([WithSameCoefficients]) carries
// both penalties. CLVTools' code (its interlayer_regularization) adds
// λ Σ γ² to the negative log-likelihood divided by the number of
// customers n, so its λ is this one divided by n. The default is no
// penalty (λ = 0). The fit reports the log-likelihood without the penalty
// at the penalised maximum, and standard errors from the penalised
// information. A fit refuses a λ that is negative, not finite or above
// 10^9 with an error wrapping [clv.ErrOutOfRange].
func WithPenalty(purchase, dropout float64) CovariateOption {
	return penaltyOption{purchase, dropout}
}
