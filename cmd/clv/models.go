package main

// This file implements clv customers -model: the purchase models it can
// fit, and their comparison.

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
)

// A purchaseModel is a model clv customers can fit: its -model name, its
// name in print, and its fit.
type purchaseModel struct {
	name, title string
	fit         func([]btyd.History) (purchaseFit, error)
}

// purchaseModels are the models of -model, in the order of -model all's
// table.
var purchaseModels = []purchaseModel{
	{"bgnbd", "BG/NBD", func(hs []btyd.History) (purchaseFit, error) {
		f, err := btyd.FitBGNBD(hs)
		m, se := f.Model, f.StdErr
		return purchaseFit{Model: m, purchase: m, Stats: f.Stats, Values: []float64{m.R, m.Alpha, m.A, m.B}, StdErrs: []float64{se.R, se.Alpha, se.A, se.B}, fit: f}, err
	}},
	{"mbgnbd", "MBG/NBD", func(hs []btyd.History) (purchaseFit, error) {
		f, err := btyd.FitMBGNBD(hs)
		m, se := f.Model, f.StdErr
		return purchaseFit{Model: m, purchase: m, Stats: f.Stats, Values: []float64{m.R, m.Alpha, m.A, m.B}, StdErrs: []float64{se.R, se.Alpha, se.A, se.B}, fit: f}, err
	}},
	{"pnbd", "Pareto/NBD", func(hs []btyd.History) (purchaseFit, error) {
		f, err := btyd.FitParetoNBD(hs)
		m, se := f.Model, f.StdErr
		return purchaseFit{Model: m, purchase: m, Stats: f.Stats, Values: []float64{m.R, m.Alpha, m.S, m.Beta}, StdErrs: []float64{se.R, se.Alpha, se.S, se.Beta}, fit: f}, err
	}},
}

// bgbbName is the -model name of the BG/BB model, which is fitted to
// opportunities, not to the continuous histories of purchaseModels.
const bgbbName = "bgbb"

// modelNames lists the names -model takes.
func modelNames() string {
	var names []string
	for _, m := range purchaseModels {
		names = append(names, m.name)
	}
	return strings.Join(append(names, bgbbName, "all"), ", ")
}

// A purchaseFit is a fitted purchase model as clv customers reports it.
type purchaseFit struct {
	Name string `json:"name"`
	// Model is the fitted model: a btyd.PurchaseModel, or a btyd.BGBB.
	Model any           `json:"model"`
	Stats btyd.FitStats `json:"stats"`
	// Values are the parameters, in the order of Stats.Parameters, and
	// StdErrs their standard errors.
	Values  []float64 `json:"values"`
	StdErrs []float64 `json:"std_errs"`
	// Means are what the parameters say of the mean customer, in words.
	Means []fitMean `json:"means"`
	// AIC and BIC are Akaike's and Schwarz's criteria, 2k − 2LL and
	// k ln n − 2LL for k parameters and n customers: lower is better.
	AIC float64 `json:"aic"`
	BIC float64 `json:"bic"`
	// Holdout compares the model's holdout predictions with what
	// customers did, if there is a holdout.
	Holdout *btyd.Holdout `json:"holdout,omitempty"`

	title    string
	purchase btyd.PurchaseModel // Model, for a continuous model; nil for BG/BB
	fit      btyd.PurchaseFit
}

// Title names the model in print: "BG/NBD".
func (f purchaseFit) Title() string { return f.title }

// holdoutErrors returns the error of a holdout's predictions in total,
// predicted − actual, and by calibration frequency: the sum over the
// frequencies of |predicted − actual|, as a share of the actual total.
func holdoutErrors(h *btyd.Holdout) (total, byFrequency float64) {
	for _, row := range h.ByFrequency {
		byFrequency += math.Abs(row.Predicted - float64(row.Actual))
	}
	if h.Actual > 0 {
		byFrequency /= float64(h.Actual)
	}
	return h.Predicted - float64(h.Actual), byFrequency
}

// A failedFit is a model -model all could not fit, and why.
type failedFit struct {
	title string
	err   error
}

// fitPurchases fits the models -model names to hs, and returns them with
// the one to value customers with: the only one, or with all, the one of
// lowest BIC. With all, a model that cannot be fitted is left out, and
// returned among failed with its error, unless none can be fitted.
func fitPurchases(model string, hs []btyd.History, b btyd.Base) (fits []purchaseFit, best int, failed []failedFit, err error) {
	var errs []error
	for _, m := range purchaseModels {
		if model != "all" && model != m.name {
			continue
		}
		f, err := m.fit(hs)
		if err != nil {
			errs = append(errs, err)
			failed = append(failed, failedFit{m.title, err})
			continue
		}
		f.Name, f.title = m.name, m.title
		f.criteria()
		f.Means = fitMeans(f.Model, b.Unit)
		if b.Holdout > 0 {
			h, err := btyd.CompareHoldout(f.purchase, b)
			if err != nil {
				return nil, 0, nil, err
			}
			f.Holdout = &h
		}
		fits = append(fits, f)
	}
	if len(fits) == 0 {
		return nil, 0, nil, errors.Join(errs...)
	}
	for i, f := range fits {
		if f.BIC < fits[best].BIC {
			best = i
		}
	}
	return fits, best, failed, nil
}

// failedWarning says that -model all left out a model it could not fit,
// and why.
func failedWarning(f failedFit) string {
	return fmt.Sprintf("-model all: %s could not be fitted and is left out: %s", f.title, strings.ReplaceAll(strings.TrimPrefix(f.err.Error(), "btyd: "), "clv: ", ""))
}

// chosenBy names what chose the model that values: the lowest BIC of
// the models fitted, with -model all, and "" for a model named alone.
func chosenBy(fits []purchaseFit, model string) string {
	if model != "all" {
		return ""
	}
	titles := make([]string, len(fits))
	for i, f := range fits {
		titles[i] = f.title
	}
	if len(titles) == 1 {
		return "the only model fitted"
	}
	return "the lowest BIC of " + strings.Join(titles[:len(titles)-1], ", ") + " and " + titles[len(titles)-1]
}

// criteria sets f's AIC and BIC.
func (f *purchaseFit) criteria() {
	k, n := float64(len(f.Values)), float64(f.Stats.Customers)
	f.AIC = 2*k - 2*f.Stats.LogLikelihood
	f.BIC = k*math.Log(n) - 2*f.Stats.LogLikelihood
}

// fitBGBB fits the BG/BB model to o's histories, and compares it with
// the holdout if there is one, which fails if it holds no whole
// opportunity. Its AIC and BIC are of the opportunities'
// likelihood, not comparable with the continuous models'.
func fitBGBB(o btyd.Opportunities, holdout bool) (purchaseFit, btyd.BGBBFit, error) {
	fit, err := btyd.FitBGBB(o.Histories)
	if err != nil {
		return purchaseFit{}, fit, err
	}
	m, se := fit.Model, fit.StdErr
	f := purchaseFit{Name: bgbbName, title: "BG/BB", Model: m, Stats: fit.Stats,
		Values: []float64{m.Alpha, m.Beta, m.Gamma, m.Delta}, StdErrs: []float64{se.Alpha, se.Beta, se.Gamma, se.Delta}}
	f.criteria()
	f.Means = fitMeans(m, o.Every)
	if holdout {
		h, err := btyd.CompareDiscreteHoldout(m, o)
		if err != nil {
			return purchaseFit{}, fit, err
		}
		f.Holdout = &h
	}
	return f, fit, nil
}

// printFit prints a fit's parameters with their standard errors.
func printFit(w io.Writer, f purchaseFit) {
	label := "purchases, " + f.title + ":"
	var params []string
	for i, name := range f.Stats.Parameters {
		params = append(params, name+" "+pm(f.Values[i], f.StdErrs[i]))
	}
	fmt.Fprintf(w, "%-23s %s\n", label, strings.Join(params, "  "))
	st := f.Stats
	fmt.Fprintf(w, "%-23s log-likelihood %.2f, %d customers, %d iterations (%s)\n", "", st.LogLikelihood, st.Customers, st.Iterations, st.Status)
}

// printComparison prints -model all's table of the fits, and a row for
// each model that failed.
func printComparison(w io.Writer, fits []purchaseFit, best int, failed []failedFit) {
	fmt.Fprintf(w, "%-12s %14s %14s %14s %16s %14s\n", "model", "log-lik.", "AIC", "BIC", "holdout error", "by frequency")
	for i, f := range fits {
		total, byFreq := "-", "-"
		if f.Holdout != nil {
			t, b := holdoutErrors(f.Holdout)
			total, byFreq = fmt.Sprintf("%+.1f", t), fmt.Sprintf("%.1f%%", 100*b)
		}
		mark := ""
		if i == best {
			mark = "  <- lowest BIC: values below"
		}
		fmt.Fprintf(w, "%-12s %14.2f %14.2f %14.2f %16s %14s%s\n", f.title, f.Stats.LogLikelihood, f.AIC, f.BIC, total, byFreq, mark)
	}
	for _, f := range failed {
		fmt.Fprintf(w, "%-12s %14s\n", f.title, "no fit: see the warnings")
	}
}

// A fitMean is one thing a fit's parameters say of the mean customer:
// Value, of the quantity Name, and Text, which says what it is.
type fitMean struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	Text  string  `json:"-"`
}

// fitMeans returns what a purchase or spend model's parameters say of
// the mean customer, in units of time of unit: the means of the distributions of purchase rate
// and drop-out across customers, which the papers read the parameters
// by, and for gamma–gamma the mean spend of a purchase, where it is
// finite (q > 1).
func fitMeans(model any, unit clv.Period) []fitMean {
	per := "a " + unit.String()
	switch m := model.(type) {
	case btyd.BGNBD:
		return []fitMean{
			{"purchase_rate", m.R / m.Alpha, "purchases " + per + ", on average, while a customer is alive (r / α)"},
			{"drop_out", m.A / (m.A + m.B), "chance, on average, that a customer drops out after a purchase (a / (a + b))"},
		}
	case btyd.MBGNBD:
		return []fitMean{
			{"purchase_rate", m.R / m.Alpha, "purchases " + per + ", on average, while a customer is alive (r / α)"},
			{"drop_out", m.A / (m.A + m.B), "chance, on average, that a customer drops out at the first purchase and after each one (a / (a + b))"},
		}
	case btyd.ParetoNBD:
		return []fitMean{
			{"purchase_rate", m.R / m.Alpha, "purchases " + per + ", on average, while a customer is alive (r / α)"},
			{"drop_out_rate", m.S / m.Beta, "rate of dropping out " + per + ", on average (s / β)"},
		}
	case btyd.BGBB:
		return []fitMean{
			{"purchase_chance", m.Alpha / (m.Alpha + m.Beta), "chance, on average, that a customer alive buys at an opportunity (α / (α + β))"},
			{"drop_out", m.Gamma / (m.Gamma + m.Delta), "chance, on average, that a customer drops out before an opportunity (γ / (γ + δ))"},
		}
	case btyd.GammaGamma:
		if m.Q <= 1 {
			return nil
		}
		return []fitMean{{"spend", m.P * m.Gamma / (m.Q - 1), "mean amount of a purchase across customers (p γ / (q − 1))"}}
	}
	return nil
}
