package main

// This file implements clv customers -save-model and -model-file: a
// fitted purchase and spend model written to JSON, and read back to
// score a log without fitting.

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"strings"
	"time"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
)

// savedFormat and savedVersion name the document -save-model writes. A
// change that an older reader would misread raises the version.
const (
	savedFormat  = "clv-model"
	savedVersion = 1
)

// errSavedModel is the error of a -model-file that cannot be scored
// with: of another format, version or unit, or with bad parameters.
var errSavedModel = errors.New("not a model clv customers can score with")

// A savedModel is the document of -save-model: the purchase model's fit
// (its parameters, standard errors and covariance, as btyd marshals
// them), the spend model's fit or the flat amount that stood in for it,
// and the unit and calibration end they were fitted at. The horizon,
// step, discount and margin are options of scoring, not of the model.
type savedModel struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	// Model is the purchase model's -model name: bgnbd, mbgnbd, pnbd or
	// bgbb.
	Model string `json:"model"`
	// Unit is a pointer, as a missing unit must not read as the zero
	// Period, a year.
	Unit *clv.Period `json:"unit"`
	// CalibrationEnd is the last day the models learnt from, YYYY-MM-DD.
	CalibrationEnd string `json:"calibration_end"`
	// Purchase is a btyd.BGNBDFit, MBGNBDFit, ParetoNBDFit or BGBBFit,
	// by Model.
	Purchase json.RawMessage `json:"purchase"`
	// Spend is the gamma–gamma fit; FlatSpend, the amount every purchase
	// is valued at where it could not be fitted. One of them is set.
	Spend     *btyd.GammaGammaFit `json:"spend,omitempty"`
	FlatSpend *btyd.FlatSpend     `json:"flat_spend,omitempty"`
}

// A loadedModel is a -model-file read and checked: the purchase fit as
// clv customers reports it, the spend model, and where it came from.
type loadedModel struct {
	path           string
	calibrationEnd time.Time
	fit            purchaseFit
	bgbb           btyd.BGBBFit // fit's, for BG/BB
	spend          btyd.GammaGammaFit
	flat           *btyd.FlatSpend
}

// writeModel writes the fit r values with to path, as a savedModel.
func writeModel(path string, r *customerResult, in customerInputs) error {
	f := r.fits[r.best]
	var fit any = f.fit
	if f.Name == bgbbName {
		fit = r.bgbb
	}
	purchase, err := json.Marshal(fit)
	if err != nil {
		return err
	}
	unit := r.base.Unit
	doc := savedModel{Format: savedFormat, Version: savedVersion, Model: f.Name, Unit: &unit,
		CalibrationEnd: in.calibrationEnd.Format(time.DateOnly), Purchase: purchase, FlatSpend: r.flat}
	if r.flat == nil {
		doc.Spend = &r.spend
	}
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err // a fit's figures are finite: not expected
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

// readModel reads and checks the model of -model-file: its format and
// version, its unit against unit, its model name, and its parameters,
// through the btyd models' own checks. Its errors name the file and the
// field at fault and wrap errSavedModel.
func readModel(path string, unit clv.Period) (*loadedModel, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%s: %w", fmt.Sprintf(format, a...), errSavedModel)
	}
	var doc savedModel
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, bad("not JSON of a saved model: %v", err)
	}
	switch {
	case doc.Format != savedFormat:
		return nil, bad("format %q: want %q", doc.Format, savedFormat)
	case doc.Version != savedVersion:
		return nil, bad("version %d: this clv reads version %d", doc.Version, savedVersion)
	case doc.Unit == nil:
		return nil, bad("unit: missing")
	case *doc.Unit != unit:
		return nil, bad("unit %s: the model is of %ss, and -unit is %s", *doc.Unit, *doc.Unit, unit)
	}
	end, err := time.Parse(time.DateOnly, doc.CalibrationEnd)
	if err != nil {
		return nil, bad("calibration_end %q: not a date as YYYY-MM-DD", doc.CalibrationEnd)
	}
	m := &loadedModel{path: path, calibrationEnd: end}
	if m.fit, m.bgbb, err = loadPurchase(doc.Model, doc.Purchase); err != nil {
		return nil, bad("%v", err)
	}
	// Each model's own checks refuse parameters that are not finite and
	// positive; the covariance must be a finite square of them.
	if m.fit.purchase != nil {
		_, err = m.fit.purchase.ExpectedPurchases(1)
	} else {
		_, err = m.bgbb.Model.ExpectedPurchases(1)
	}
	if err != nil {
		return nil, bad("purchase: %v", trimPrefixes(err))
	}
	if err := checkCovariance(m.fit.Stats, len(m.fit.Values)); err != nil {
		return nil, bad("purchase: stats: %v", err)
	}
	one := decimal.NewFromInt(1)
	switch {
	case (doc.Spend == nil) == (doc.FlatSpend == nil):
		return nil, bad("spend, flat_spend: want one of them")
	case doc.Spend != nil:
		if _, err := doc.Spend.Model.ExpectedSpend(1, one); err != nil {
			return nil, bad("spend: %v", trimPrefixes(err))
		}
		if err := checkCovariance(doc.Spend.Stats, 3); err != nil { // p, q, γ
			return nil, bad("spend: stats: %v", err)
		}
		m.spend = *doc.Spend
	default:
		if _, err := doc.FlatSpend.ExpectedSpend(1, one); err != nil {
			return nil, bad("flat_spend: %v", trimPrefixes(err))
		}
		m.flat = doc.FlatSpend
	}
	return m, nil
}

// loadPurchase decodes the purchase fit of the model named name into
// the purchaseFit a fit of it returns, and for BG/BB its btyd.BGBBFit.
func loadPurchase(name string, data json.RawMessage) (purchaseFit, btyd.BGBBFit, error) {
	var f purchaseFit
	var bgbb btyd.BGBBFit
	var err error
	switch name {
	case "bgnbd":
		var fit btyd.BGNBDFit
		err = json.Unmarshal(data, &fit)
		m, se := fit.Model, fit.StdErr
		f = purchaseFit{Model: m, purchase: m, Stats: fit.Stats, Values: []float64{m.R, m.Alpha, m.A, m.B}, StdErrs: []float64{se.R, se.Alpha, se.A, se.B}, fit: fit}
	case "mbgnbd":
		var fit btyd.MBGNBDFit
		err = json.Unmarshal(data, &fit)
		m, se := fit.Model, fit.StdErr
		f = purchaseFit{Model: m, purchase: m, Stats: fit.Stats, Values: []float64{m.R, m.Alpha, m.A, m.B}, StdErrs: []float64{se.R, se.Alpha, se.A, se.B}, fit: fit}
	case "pnbd":
		var fit btyd.ParetoNBDFit
		err = json.Unmarshal(data, &fit)
		m, se := fit.Model, fit.StdErr
		f = purchaseFit{Model: m, purchase: m, Stats: fit.Stats, Values: []float64{m.R, m.Alpha, m.S, m.Beta}, StdErrs: []float64{se.R, se.Alpha, se.S, se.Beta}, fit: fit}
	case bgbbName:
		err = json.Unmarshal(data, &bgbb)
		m, se := bgbb.Model, bgbb.StdErr
		f = purchaseFit{Name: bgbbName, title: "BG/BB", Model: m, Stats: bgbb.Stats,
			Values: []float64{m.Alpha, m.Beta, m.Gamma, m.Delta}, StdErrs: []float64{se.Alpha, se.Beta, se.Gamma, se.Delta}}
	default:
		return f, bgbb, fmt.Errorf("model %q: must be bgnbd, mbgnbd, pnbd or bgbb", name)
	}
	if err != nil {
		return f, bgbb, fmt.Errorf("purchase: %v", err)
	}
	for _, m := range purchaseModels {
		if m.name == name {
			f.Name, f.title = m.name, m.title
		}
	}
	f.criteria()
	return f, bgbb, nil
}

// checkCovariance refuses stats that do not name n parameters, or whose
// covariance is not a square of finite numbers, one row and column a
// parameter.
func checkCovariance(st btyd.FitStats, n int) error {
	if len(st.Parameters) != n {
		return fmt.Errorf("parameters: %d names for %d parameters", len(st.Parameters), n)
	}
	if len(st.Covariance) != n {
		return fmt.Errorf("covariance: %d rows for %d parameters", len(st.Covariance), n)
	}
	for _, row := range st.Covariance {
		if len(row) != n {
			return fmt.Errorf("covariance: a row of %d for %d parameters", len(row), n)
		}
		for _, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("covariance: %v is not finite", v)
			}
		}
	}
	return nil
}

// trimPrefixes drops the package prefixes of a btyd error.
func trimPrefixes(err error) string {
	s := err.Error()
	for _, p := range []string{"btyd: ", "clv: "} {
		s = strings.ReplaceAll(s, p, "")
	}
	return s
}

// checkModelFlags refuses -save-model and -model-file where they
// contradict each other or the other flags: both at once, and a -model given beside -model-file (which names its own model) and
// different from it, checked once the file is read.
func (in *customerInputs) checkModelFlags(fs *flag.FlagSet) error {
	modelSet := false
	fs.Visit(func(f *flag.Flag) { modelSet = modelSet || f.Name == "model" })
	switch {
	case in.saveModel != "" && in.modelFile != "":
		return errors.New("-save-model and -model-file: a run fits and saves, or scores with a saved model, not both")
	case in.modelFile != "" && in.plot != "":
		return errors.New("-plot: charts a fit, and -model-file fits nothing")
	case in.modelFile != "" && modelSet && in.model == "all":
		return errors.New("-model all: compares fits, and -model-file fits nothing")
	case in.modelFile != "" && !modelSet:
		in.model = "" // the file's, once read
	}
	return nil
}

// scoreWith sets r's fit to the model of -model-file, compares it with
// the holdout if there is one (at opportunities, for BG/BB, whose
// r.discrete is set first), and returns the spend model to value
// with.
func (r *customerResult) scoreWith(l *loadedModel) (btyd.SpendModel, error) {
	r.loaded = l
	f := l.fit
	if r.base.Holdout > 0 {
		var h btyd.Holdout
		var err error
		if r.discrete != nil {
			h, err = btyd.CompareDiscreteHoldout(l.bgbb.Model, *r.discrete)
		} else {
			h, err = btyd.CompareHoldout(f.purchase, r.base)
		}
		if err != nil {
			return nil, err
		}
		f.Holdout = &h
	}
	r.bgbb = l.bgbb
	f.Means = fitMeans(f.Model, r.base.Unit)
	r.fits, r.best = []purchaseFit{f}, 0
	r.spend, r.flat = l.spend, l.flat
	if l.flat != nil {
		return *l.flat, nil
	}
	return l.spend.Model, nil
}

// modelFileJSON is, in -json's output, the -model-file the customers
// were scored with, and the calibration end its models were fitted to.
type modelFileJSON struct {
	Path           string `json:"path"`
	CalibrationEnd string `json:"calibration_end"`
}
