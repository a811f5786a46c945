package main

// This file implements clv customers -covariates and -by-segment: the
// purchase and spend models with each customer's covariates, their
// coefficients as multipliers a shop reads, and each segment's value by
// them; and, for comparison, each segment fitted apart.

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/clvkit/clv/btyd"
	"gonum.org/v1/gonum/stat/distuv"
)

// covariateInputs are the flags of -covariates and -by-segment.
type covariateInputs struct {
	source    string   // "segment", or a CSV table of customers
	columns   []string // of the table
	spend     bool     // covariates on spend too
	bySegment bool
}

// flags registers the flags on fs.
func (c *covariateInputs) flags(fs *flag.FlagSet) {
	c.spend = true
	fs.StringVar(&c.source, "covariates", "", "fit the purchase and spend models with each customer's covariates: segment, the log's segment column (each customer's first purchase's), or a CSV table of customers with a column named as -customer-column and the columns of -covariate-columns; numbers are numbers, anything else a category, coded against its level of the most customers (bgnbd and pnbd only)")
	fs.Func("covariate-columns", "the columns of the -covariates table to take, separated by commas", func(s string) error {
		c.columns = nil
		for _, name := range strings.Split(s, ",") {
			if name = strings.TrimSpace(name); name == "" {
				return errors.New("an empty column name")
			}
			c.columns = append(c.columns, name)
		}
		return nil
	})
	fs.Func("covariates-on", "the processes the covariates act on: purchase,dropout,spend (the default) or purchase,dropout; the purchase models take covariates on both their processes or on none", func(s string) error {
		on := strings.Split(s, ",")
		slices.Sort(on)
		switch strings.Join(on, ",") {
		case "dropout,purchase,spend":
			c.spend = true
		case "dropout,purchase":
			c.spend = false
		default:
			return errors.New("purchase,dropout,spend or purchase,dropout: the purchase models take covariates on both their processes or on none")
		}
		return nil
	})
	fs.BoolVar(&c.bySegment, "by-segment", false, "fit the models to each segment of the log apart, and show the table of segments by those fits beside the first, for comparison")
}

// check refuses the covariate flags at odds with the rest.
func (c *covariateInputs) check(in *customerInputs) error {
	switch {
	case c.source == "" && c.columns != nil:
		return errors.New("-covariate-columns needs -covariates, a table of customers")
	case c.source == "segment" && c.columns != nil:
		return errors.New("-covariate-columns names the columns of a table of customers; -covariates segment takes the log's segment column")
	case c.source != "" && c.source != "segment" && c.columns == nil:
		return fmt.Errorf("-covariates %s needs -covariate-columns, the columns to take", c.source)
	}
	if c.source == "" && !c.bySegment {
		return nil
	}
	flag := "-covariates"
	if c.source == "" {
		flag = "-by-segment"
	}
	switch {
	case in.modelFile != "":
		return fmt.Errorf("%s fits models, and -model-file reads them", flag)
	case c.source != "" && in.saveModel != "":
		return errors.New("-save-model writes models without covariates, and with -covariates those are not the models that value")
	case c.source != "" && in.model != "bgnbd" && in.model != "pnbd":
		return fmt.Errorf("-covariates: -model %s has no fit with covariates; bgnbd and pnbd have", in.model)
	case in.model == "all" || in.model == bgbbName:
		return fmt.Errorf("-by-segment: -model %s: fits one continuous model to each segment: bgnbd, mbgnbd or pnbd", in.model)
	}
	return nil
}

// A covariateFit is what -covariates found, as -json prints it.
type covariateFit struct {
	covariateDesign
	// Model names the purchase model with covariates.
	Model string `json:"purchase_model"`
	// Level is the level of the intervals of the multipliers.
	Level float64 `json:"level"`
	// Effects holds each covariate's effect on each process.
	Effects []covariateEffect `json:"effects"`
	// PurchaseTest and SpendTest are the likelihood-ratio tests against
	// the models without covariates; SpendTest is nil where the spend
	// model took none.
	Purchase     btyd.FitStats         `json:"purchase_stats"`
	PurchaseTest btyd.LikelihoodRatio  `json:"purchase_test"`
	Spend        *btyd.FitStats        `json:"spend_stats,omitempty"`
	SpendTest    *btyd.LikelihoodRatio `json:"spend_test,omitempty"`

	purchase btyd.CovariatePurchaseFit
	spend    btyd.CovariateSpendFit
	model    btyd.CovariatePurchaseModel // the fitted model, which values
}

// A covariateEffect is one coefficient: a customer one unit up the
// covariate (at the level, against the reference) has the process's rate
// Multiplier times a reference customer's, exp(Coefficient), within Low to
// High, exp of the coefficient's interval at the level, coefficient ±
// the normal quantile × standard error.
type covariateEffect struct {
	Covariate   string  `json:"covariate"`
	Process     string  `json:"process"` // purchase, dropout or spend
	Coefficient float64 `json:"coefficient"`
	StdErr      float64 `json:"std_err"`
	Multiplier  float64 `json:"multiplier"`
	Low         float64 `json:"low"`
	High        float64 `json:"high"`
}

// withCovariates fits the model r values with and the spend model with
// the covariates of -covariates, and values, checks the holdout and draws
// the intervals by them in place of the fits without. It fails where the
// covariates or the purchase fit do, leaving r as it was; a spend model
// that cannot be fitted with covariates leaves the one without, with a
// warning.
func (r *customerResult) withCovariates(in customerInputs) error {
	c := in.cov
	var d *covariateDesign
	var err error
	if c.source == "segment" {
		d, err = segmentDesign(r.base)
	} else {
		d, err = fileDesign(c.source, in.columns.Customer, c.columns, r.base)
	}
	if err != nil {
		return err
	}
	// The design's warnings hold whether the fits do or not.
	r.warnings = append(r.warnings, d.warnings...)
	cf := &covariateFit{covariateDesign: *d, Level: in.level}
	best := &r.fits[r.best]
	model, coef, stdErr, err := cf.fitPurchases(best.Name, r.base, d.z)
	if err != nil {
		return err
	}
	cf.Model, cf.model = best.title+" with covariates", model
	q := distuv.UnitNormal.Quantile((1 + in.level) / 2)
	effect := func(name, process string, g, se float64) covariateEffect {
		return covariateEffect{Covariate: name, Process: process, Coefficient: g, StdErr: se,
			Multiplier: math.Exp(g), Low: math.Exp(g - q*se), High: math.Exp(g + q*se)}
	}
	for j, name := range d.Names {
		cf.Effects = append(cf.Effects, effect(name, "purchase", coef[0][j], stdErr[0][j]), effect(name, "dropout", coef[1][j], stdErr[1][j]))
	}

	var spend btyd.CovariateSpendModel = r.spend.Model
	cf.spend = r.spend
	if r.flat != nil {
		spend = *r.flat
	}
	if c.spend && r.flat == nil {
		// Those the fit takes: a repeat purchase of positive spend,
		// counted first, as a customer is some 200 bytes.
		spends := func(c btyd.Customer) bool { return c.X > 0 && c.Spend.Sign() > 0 }
		n := 0
		for _, cu := range r.base.Customers {
			if spends(cu) {
				n++
			}
		}
		cs := make([]btyd.CovariateCustomer, 0, n)
		for i, cu := range r.base.Customers {
			if spends(cu) {
				cs = append(cs, btyd.CovariateCustomer{Customer: cu, Z: d.z[i]})
			}
		}
		if g, err := btyd.FitGammaGammaCov(cs); err != nil {
			r.warnings = append(r.warnings, "spend by covariates: no fit, so spend is valued by gamma–gamma without them: "+trimErr(err))
		} else {
			spend, cf.spend, cf.Spend, cf.SpendTest = g.Model, g, &g.Stats, &g.Test
			for j, name := range d.Names {
				cf.Effects = append(cf.Effects, effect(name, "spend", g.Model.Spend[j], g.StdErr.Spend[j]))
			}
		}
	}

	h := btyd.Horizon{Length: in.horizon, Period: in.horizonUnit}
	v, err := btyd.ValuesByCovariates(model, spend, r.base, d.z, h, in.valueOptions()...)
	if err != nil {
		return err
	}
	var holdout *btyd.Holdout
	if r.base.Holdout > 0 {
		ho, err := btyd.CompareHoldoutByCovariates(model, r.base, d.z)
		if err != nil {
			return err
		}
		holdout = &ho
	}
	r.valuation, r.holdout, r.intervals, r.covariates = v, holdout, nil, cf
	if r.wantIntervals(in) {
		iv, err := btyd.ValueIntervalsByCovariates(cf.purchase, cf.spend, r.base, d.z, h, in.intervalOptions()...)
		r.setIntervals(iv, err)
	}
	r.rank()
	return nil
}

// fitPurchases fits the purchase model named name (pnbd, or bgnbd) with
// covariates z to b's customers, sets cf's fit, statistics and test, and
// returns the model and the coefficients and their standard errors by
// process, purchase and drop-out. The histories live only as long as the
// fit, which on a large base matters.
func (cf *covariateFit) fitPurchases(name string, b btyd.Base, z [][]float64) (btyd.CovariatePurchaseModel, [2][]float64, [2][]float64, error) {
	hs := make([]btyd.CovariateHistory, len(b.Customers))
	for i, cu := range b.Customers {
		hs[i] = btyd.CovariateHistory{History: btyd.History{X: cu.X, Tx: cu.Tx, T: cu.T, Weight: 1}, Z: z[i]}
	}
	if name == "pnbd" {
		f, err := btyd.FitParetoNBDCov(hs)
		cf.purchase, cf.Purchase, cf.PurchaseTest = f, f.Stats, f.Test
		return f.Model, [2][]float64{f.Model.Purchase, f.Model.Dropout}, [2][]float64{f.StdErr.Purchase, f.StdErr.Dropout}, err
	}
	f, err := btyd.FitBGNBDCov(hs)
	cf.purchase, cf.Purchase, cf.PurchaseTest = f, f.Stats, f.Test
	return f.Model, [2][]float64{f.Model.Purchase, f.Model.Dropout}, [2][]float64{f.StdErr.Purchase, f.StdErr.Dropout}, err
}

// trimErr is err's message without its packages' prefixes.
func trimErr(err error) string {
	return strings.ReplaceAll(strings.TrimPrefix(err.Error(), "btyd: "), "clv: ", "")
}

// processWords name each process's multiplier in print. BG/NBD's drop-out
// coefficient scales its a and b together, which keeps the mean chance
// of dropping out after a purchase and changes how alike customers are in
// it; Pareto/NBD's scales the drop-out rate.
func processWords(model, process string) string {
	switch {
	case process == "purchase":
		return "purchase rate"
	case process == "spend":
		return "spend per order"
	case model == "pnbd":
		return "drop-out rate"
	}
	return "a and b of drop-out"
}

// printCovariates prints the covariates' effects as multipliers, with
// their intervals, and the likelihood-ratio tests.
func printCovariates(w io.Writer, r *customerResult) {
	cf := r.covariates
	if cf == nil {
		return
	}
	fmt.Fprintf(w, "Covariates from %s: ", cf.Source)
	for k, c := range cf.Columns {
		if k > 0 {
			fmt.Fprint(w, "; ")
		}
		if c.Kind == "number" {
			fmt.Fprintf(w, "%s, a number", c.Column)
			continue
		}
		fmt.Fprintf(w, "%s, a category against %s, the level of the most customers (%d)", c.Column, segmentLabel(c.Reference), levelCustomers(c))
	}
	fmt.Fprintln(w, ".")
	fmt.Fprintf(w, "%s: log-likelihood %.2f, %d customers", cf.Model, cf.Purchase.LogLikelihood, cf.Purchase.Customers)
	printTest(w, cf.PurchaseTest)
	if cf.SpendTest != nil {
		fmt.Fprintf(w, "gamma–gamma with covariates: log-likelihood %.2f, %d customers", cf.Spend.LogLikelihood, cf.Spend.Customers)
		printTest(w, *cf.SpendTest)
	}
	name := r.fits[r.best].Name
	processes := []string{"purchase", "dropout"}
	if cf.SpendTest != nil {
		processes = append(processes, "spend")
	}
	header := fmt.Sprintf("%-20s", "covariate")
	for _, p := range processes {
		header += fmt.Sprintf(" %-28s", processWords(name, p))
	}
	fmt.Fprintln(w, strings.TrimRight(header, " "))
	for _, c := range cf.Names {
		line := fmt.Sprintf("%-20s", segmentLabel(c))
		for _, p := range processes {
			k := slices.IndexFunc(cf.Effects, func(e covariateEffect) bool { return e.Covariate == c && e.Process == p })
			e := cf.Effects[k]
			line += fmt.Sprintf(" %-28s", fmt.Sprintf("× %.3g (%.3g to %.3g)", e.Multiplier, e.Low, e.High))
		}
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}
	fmt.Fprintf(w, "Each multiplier is exp of a coefficient, in brackets its %s %% interval: a customer at the level (or one unit up the number) has a reference customer's mean rate or spend times it, all else equal; an interval that holds 1 says the data cannot tell the difference from none.", levelLabel(cf.Level))
	if name != "pnbd" {
		fmt.Fprint(w, " BG/NBD's drop-out multiplier scales its a and b together: the mean chance of dropping out after a purchase stays, and above 1 customers are the more alike in it.")
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w)
}

// levelCustomers is the customers at a category's reference level.
func levelCustomers(c covariateColumn) int64 {
	for _, l := range c.Levels {
		if l.Level == c.Reference {
			return l.Customers
		}
	}
	return 0
}

// printTest ends a line with the likelihood-ratio test against the model
// without covariates, if there was one.
func printTest(w io.Writer, t btyd.LikelihoodRatio) {
	if t.DF == 0 {
		fmt.Fprintln(w, "; no test against the model without covariates, which could not be fitted")
		return
	}
	fmt.Fprintf(w, "; against %.2f without covariates, likelihood ratio %.2f on %d degrees of freedom, p = %.2g\n", t.NullLogLikelihood, t.Statistic, t.DF, t.PValue)
}

// covariateStep runs -covariates, if asked for. On failure it says why on
// stderr and returns 1: the rest of the run goes on without covariates.
func (r *customerResult) covariateStep(in customerInputs, stderr io.Writer) int {
	if in.cov.source == "" {
		return 0
	}
	if err := r.withCovariates(in); err != nil {
		msg := strings.TrimPrefix(trimErr(err), errCovariates.Error()+": ")
		fmt.Fprintf(stderr, "clv customers: -covariates %s: %s; the figures below are without covariates\n", in.cov.source, msg)
		return 1
	}
	return 0
}

// valuedBy names the model that values the customers: the best fit's,
// with covariates if -covariates fitted them.
func (r *customerResult) valuedBy() string {
	if r.covariates != nil {
		return r.covariates.Model
	}
	return r.fits[r.best].title
}

// forCustomer returns a copy of r whose purchase model is customer i's
// own, the covariate model's for their covariates, so that -customer's
// view forecasts them as the covariate model values them.
func (r *customerResult) forCustomer(i int) (*customerResult, error) {
	var m btyd.PurchaseModel
	var err error
	switch cm := r.covariates.model.(type) {
	case btyd.ParetoNBDCov:
		m, err = cm.For(r.covariates.z[i])
	case btyd.BGNBDCov:
		m, err = cm.For(r.covariates.z[i])
	default:
		err = fmt.Errorf("no model of a customer for covariates of %T", cm)
	}
	if err != nil {
		return nil, err
	}
	one := *r
	one.fits = slices.Clone(r.fits)
	one.fits[r.best].purchase = m
	one.covariates = nil
	return &one, nil
}
