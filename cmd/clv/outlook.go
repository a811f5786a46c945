package main

// This file implements the forecasts over the horizon that clv customers
// -out and -json give each customer beside their value: P(alive) at the
// horizon's end and P(no purchase in it), from btyd's bulk forecasts,
// which compute each distinct history once.

import (
	"slices"
	"strings"

	"github.com/clvkit/clv/btyd"
)

// aheadFigures are a customer's forecasts over the horizon, in -out's last
// columns and -json's customers.
type aheadFigures struct {
	// ProbAliveEnd is the probability that the customer is alive at the
	// horizon's end (for BG/BB, at the last of its opportunities).
	ProbAliveEnd float64 `json:"prob_alive_horizon_end"`
	// ProbNoPurchase is the probability that they make no purchase in the
	// horizon.
	ProbNoPurchase float64 `json:"prob_no_purchase_horizon"`
}

// forecastAhead sets r.ahead for the customers the run reports: every
// customer with -out, else those -json prints, the most valuable and those
// at risk. A forecast that fails is a warning, and leaves r.ahead nil.
func (r *customerResult) forecastAhead(in customerInputs) {
	var idx []int // nil for every customer
	switch {
	case in.out != "":
	case in.json && in.customer == "":
		idx = slices.Concat(r.order[:min(in.top, len(r.order))], r.atRisk(in.top))
		if len(idx) == 0 {
			return
		}
	default:
		return
	}
	f, err := r.forecasts(in, idx, 0)
	if err != nil {
		r.warnings = append(r.warnings, "no P(alive) at the horizon's end or P(no purchase) in it: "+strings.TrimPrefix(err.Error(), "btyd: "))
		return
	}
	r.ahead = make([]aheadFigures, len(r.valuation.Customers))
	for k, c := range f.Customers {
		i := k
		if idx != nil {
			i = idx[k]
		}
		r.ahead[i] = aheadFigures{ProbAliveEnd: c.ProbAliveAfter, ProbNoPurchase: c.ProbPurchases[0]}
	}
}

// forecasts returns the forecasts over the horizon, with the probabilities
// of 0 to upTo purchases, of the customers at idx of r's base (or, for
// BG/BB, its opportunities), or of every customer if idx is nil: btyd's
// Forecasts, DiscreteForecasts or, with -covariates, ForecastsByCovariates
// over those customers.
func (r *customerResult) forecasts(in customerInputs, idx []int, upTo int) (btyd.Forecast, error) {
	h := btyd.Horizon{Length: in.horizon, Period: in.horizonUnit}
	if o := r.discrete; o != nil {
		sub := *o
		if idx != nil {
			sub.Customers = pick(o.Customers, idx)
		}
		return btyd.DiscreteForecasts(r.bgbb.Model, sub, h, upTo)
	}
	b := r.base
	if idx != nil {
		b.Customers = pick(b.Customers, idx)
	}
	if c := r.covariates; c != nil {
		z := c.z
		if idx != nil {
			z = pick(z, idx)
		}
		return btyd.ForecastsByCovariates(c.model, b, z, h, upTo)
	}
	return btyd.Forecasts(r.fits[r.best].purchase, b, h, upTo)
}

// pick returns the elements of s at idx, in that order.
func pick[T any](s []T, idx []int) []T {
	out := make([]T, len(idx))
	for k, i := range idx {
		out[k] = s[i]
	}
	return out
}
