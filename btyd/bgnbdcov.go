package btyd

import (
	"fmt"
	"math"

	"github.com/clvkit/clv"
)

// A BGNBDCov is the BG/NBD model with static covariates, as Fader and
// Hardie set it out in "Incorporating Time-Invariant Covariates into the
// Pareto/NBD and BG/NBD Models" (2007) and CLVTools fits it (its bgnbd on
// clv.data.static.covariates, whose bgnbd_staticcov_LL_ind scales α, a
// and b so): a customer with covariates z is a BG/NBD customer with
//
//	α_i = α exp(−γ_purchase · z),
//	a_i = a exp(γ_dropout · z),  b_i = b exp(γ_dropout · z),
//
// r shared. A positive purchase coefficient raises the expected purchase
// rate r/α_i; a drop-out coefficient scales a and b alike, which keeps
// the mean drop-out probability a/(a + b) and makes it the more alike
// among customers the larger γ_dropout · z (the beta distribution of p
// concentrates). Base is the model of a customer with z = 0.
//
// [BGNBDCov.For] gives a customer's own [BGNBD], through which every
// prediction of that model holds for them. [FitBGNBDCov] estimates the
// model from a customer base.
type BGNBDCov struct {
	Base BGNBD `json:"base"`
	// Purchase and Dropout hold the coefficients γ_purchase and
	// γ_dropout, one for each covariate.
	Purchase []float64 `json:"purchase"`
	Dropout  []float64 `json:"dropout"`
}

// For returns the BG/NBD model of a customer with covariates z: Base
// with α scaled by exp(−γ_purchase · z), a and b by exp(γ_dropout · z).
//
// It returns an error wrapping [clv.ErrInconsistent] if z has not one
// covariate for each coefficient, [clv.ErrOutOfRange] if a covariate or
// coefficient is not finite, or a product γ · z beyond ±700, and the
// errors of the [BGNBD] type if the customer's model is not valid.
func (m BGNBDCov) For(z []float64) (BGNBD, error) {
	const fn = "BG/NBD with covariates"
	ep, err := linear(fn, "purchase", m.Purchase, z)
	if err != nil {
		return BGNBD{}, err
	}
	ed, err := linear(fn, "dropout", m.Dropout, z)
	if err != nil {
		return BGNBD{}, err
	}
	c := BGNBD{R: m.Base.R, Alpha: m.Base.Alpha * math.Exp(-ep), A: m.Base.A * math.Exp(ed), B: m.Base.B * math.Exp(ed)}
	if err := c.check(fn); err != nil {
		return BGNBD{}, err
	}
	return c, nil
}

// A BGNBDCovFit is a [BGNBDCov] fitted to a customer base by
// [FitBGNBDCov].
type BGNBDCovFit struct {
	// Model is the fitted model.
	Model BGNBDCov `json:"model"`
	// StdErr holds the standard error of each of Model's parameters, in
	// the field of that parameter.
	StdErr BGNBDCov `json:"std_err"`
	// Stats describes the fit; its Parameters are r, alpha, a and b, then
	// purchase[j] for each covariate j, then dropout[j], a coefficient
	// constrained equal in both named both[j], in its purchase place.
	Stats FitStats `json:"stats"`
	// Null is the fit of the model without covariates to the same
	// customers, the zero value if it failed, and Test the
	// likelihood-ratio test of the covariates against it.
	Null BGNBDFit        `json:"null"`
	Test LikelihoodRatio `json:"test"`
}

// bgnbdCovLinks are the links of BG/NBD's parameters to the covariates:
// α to the purchase coefficients as exp(−γ · z), a and b to the drop-out
// ones as exp(γ · z).
var bgnbdCovLinks = []covLink{{-1, 0}, {0, -1}, {1, 1}, {1, 1}}

// FitBGNBDCov fits the BG/NBD model with static covariates ([BGNBDCov])
// to a customer base by maximum likelihood: it finds the r, α, a, b,
// γ_purchase and γ_dropout that maximise
//
//	LL = Σ weight · ln L(r, α_i, a_i, b_i | x, t_x, T)
//
// over the histories, ln L as in [BGNBD.LogLikelihood], with α_i, a_i and
// b_i each history's as [BGNBDCov.For] gives them, less any penalty of
// [WithPenalty]. It works as [FitParetoNBDCov] does: histories grouped by
// their covariates and merged where equal, each group's likelihood that
// of [FitBGNBD] taken by the chain rule to the coefficients, the climb
// from the maximum of the model without covariates (or from FitBGNBD's
// starts, if that fit fails), the likelihood-ratio test against it, and
// the covariance of every parameter from the observed information.
//
// The model's limits are [FitBGNBD]'s, with a coefficient beyond ±18.4
// one more.
//
// It fails as [FitParetoNBDCov] does, with FitBGNBD's errors for a bad
// history.
func FitBGNBDCov(histories []CovariateHistory, opts ...CovariateOption) (BGNBDCovFit, error) {
	const fn = "fit BG/NBD with covariates"
	var cfg covConfig
	for _, o := range opts {
		o.apply(&cfg)
	}
	groups, plain, k, err := groupCovariates(fn, histories)
	if err != nil {
		return BGNBDCovFit{}, err
	}
	repeats, sumT := plainSums(plain)
	if repeats == 0 {
		return BGNBDCovFit{}, fmt.Errorf("btyd: %s: %w: no customer made a repeat purchase", fn, clv.ErrNoFit)
	}
	null, nullErr := FitBGNBD(plain)
	arena := &frequencyArena{}
	m := covModel[History]{
		fn: fn, names: bgnbdNames, links: bgnbdCovLinks, blocks: []string{"purchase", "dropout"},
		data: func(hs []History) (likelihood, int64, bool) {
			// The groups' histories are checked and sorted.
			d := newFrequencyDataIn(arena, hs)
			return d.bgnbdValueOrAll, d.customers, true
		},
		concurrent: true,
		search:     search{fn: fn, limits: bgnbdLimits},
	}
	nullTheta := []float64{null.Model.R, null.Model.Alpha, null.Model.A, null.Model.B}
	r, err := fitCovariates(m, groups, k, nullStarts(nullTheta, nullErr, bgnbdStarts(max(sumT/repeats, 1e-3))), cfg)
	if err != nil {
		return BGNBDCovFit{}, err
	}
	fit := BGNBDCovFit{
		Model:  BGNBDCov{Base: BGNBD{R: r.base[0], Alpha: r.base[1], A: r.base[2], B: r.base[3]}, Purchase: r.coef[0], Dropout: r.coef[1]},
		StdErr: BGNBDCov{Base: BGNBD{R: r.stdErrBase[0], Alpha: r.stdErrBase[1], A: r.stdErrBase[2], B: r.stdErrBase[3]}, Purchase: r.stdErrCoef[0], Dropout: r.stdErrCoef[1]},
		Stats:  r.stats,
		Test:   nullTest(r, nullErr, null.Stats.LogLikelihood),
	}
	if nullErr == nil {
		fit.Null = null
	}
	return fit, nil
}

// bgnbdValueOrAll is the likelihood of FitBGNBD, which computes its
// gradient whatever it is asked, also where only its value is: the search
// with covariates asks for the value alone.
func (d *frequencyData) bgnbdValueOrAll(theta, grad, hess []float64) float64 {
	if grad == nil {
		grad = make([]float64, 4)
	}
	return d.bgnbdLikelihood(theta, grad, hess)
}
