package main

// This file implements clv customers: each customer's future purchases
// and value, from a purchase log, with the models of package btyd.

import (
	"cmp"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/clvkit/clv/internal/logcsv"
	"github.com/shopspring/decimal"
)

// customerInputs are the flags of clv customers.
type customerInputs struct {
	input          string
	columns        logcsv.Columns
	skipBad        bool
	workers        int
	calibrationEnd time.Time
	holdoutEnd     time.Time
	unit           clv.Period
	horizon        int
	horizonUnit    clv.Period
	step           clv.Period // -unit unless stepSet
	stepSet        bool
	discount       decimal.Decimal
	discountPeriod clv.Period
	margin         decimal.Decimal
	window         clv.Period // of the business formulas' windows
	scale          int
	top            int
	out            string
	json           bool
	plot           string
	report         string
	model          string
	level          float64
	draws          int
	saveModel      string       // -save-model's file
	modelFile      string       // -model-file's file
	loaded         *loadedModel // read from modelFile
	customer       string       // -customer's id, whose view prints instead of the base's
	cov            covariateInputs
}

// maxHorizonYears bounds -horizon, as btyd.Values does.
const maxHorizonYears = 1000

func runCustomers(args []string, stdout, stderr io.Writer) int {
	in := customerInputs{workers: defaultWorkers(), columns: logcsv.DefaultColumns}
	fs := flag.NewFlagSet("clv customers", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&in.input, "input", "", "the CSV purchase log, its fields separated by commas, gzipped or not, or - for standard input (required)")
	fs.StringVar(&in.columns.Customer, "customer-column", logcsv.DefaultColumns.Customer, "header of the log's customer id column")
	fs.StringVar(&in.columns.Time, "time-column", logcsv.DefaultColumns.Time, "header of the log's date column: RFC 3339, YYYY-MM-DD or YYYYMMDD")
	fs.StringVar(&in.columns.Amount, "amount-column", logcsv.DefaultColumns.Amount, "header of the log's amount column; negative amounts are refunds, left out")
	fs.StringVar(&in.columns.Segment, "segment-column", logcsv.DefaultColumns.Segment, "header of the log's segment column, if it has one: each customer's is the segment of their first purchase")
	fs.BoolVar(&in.skipBad, "skip-bad", false, "count and skip malformed lines of the log instead of stopping")
	fs.IntVar(&in.workers, "workers", in.workers, "goroutines that read a log file, one a core by default")
	fs.Var(dateFlag{&in.calibrationEnd}, "calibration-end", "last day of the calibration period, YYYY-MM-DD (required)")
	fs.Var(dateFlag{&in.holdoutEnd}, "holdout-end", "last day of a holdout period after it, YYYY-MM-DD, to test the model on")
	fs.TextVar(&in.unit, "unit", clv.Week, "unit of time of the models: week, month, quarter or year; with -model bgbb, the period of an opportunity")
	fs.IntVar(&in.horizon, "horizon", 1, "how far ahead to value customers, in -horizon-unit: the same span for every model, in exact lengths (a year is 365.25 days, a month 30.4375); -model bgbb takes the nearest whole number of its opportunities, a half rounding up (52 weeks or a year are 12 monthly ones)")
	fs.TextVar(&in.horizonUnit, "horizon-unit", clv.Year, "period of -horizon: week, month, quarter or year")
	fs.Var(stepFlag{&in}, "step", "when value is counted: each step's expected purchases are valued, and discounted, at its end; week, month, quarter or year (default -unit; with -model bgbb it must be -unit, an opportunity)")
	fs.TextVar(&in.discount, "discount", decimal.Zero, "discount rate per -discount-period")
	fs.TextVar(&in.discountPeriod, "discount-period", clv.Year, "period of -discount")
	fs.TextVar(&in.margin, "margin", decimal.NewFromInt(1), "gross margin, from 0 to 1")
	fs.TextVar(&in.window, "window", clv.Month, "window of the business formulas, as clv -input -window has it, beside the models' value of each segment where the log has segments: week, month, quarter or year")
	fs.IntVar(&in.scale, "scale", 2, "decimal places of every amount of money printed or written to -out, rounded half away from zero; from 0 to 30")
	fs.IntVar(&in.top, "top", 10, "how many of the most valuable customers to show")
	fs.StringVar(&in.out, "out", "", "write every customer's figures to this CSV file, the most valuable first: customer, x, t_x, t (n with bgbb), spend, with a holdout holdout_x and holdout_spend (not with bgbb), then p_alive (now), purchases and discounted_purchases in the horizon, expected_spend, value, with intervals purchases_low, purchases_high, value_low and value_high, and last p_alive_horizon_end, P(alive) at the horizon's end, and p_no_purchase_horizon, P(no purchase in the horizon)")
	fs.StringVar(&in.customer, "customer", "", "print this customer's view instead of the base's: their purchases in calibration and holdout, x, t_x and T, P(alive) through their history at each -step, and their forecasts over the horizon")
	fs.BoolVar(&in.json, "json", false, "print the result as JSON")
	fs.StringVar(&in.model, "model", "bgnbd", "purchase model: "+modelNames()+" (bgbb counts purchases at opportunities of -unit; all compares the continuous models, not bgbb, whose likelihood is of other data, and values with the lowest BIC; a model it cannot fit is left out, with a warning saying why)")
	fs.Float64Var(&in.level, "level", btyd.DefaultLevel, "level of the intervals around expected purchases and values, from 0 to 1")
	fs.IntVar(&in.draws, "draws", 100, "parameter draws behind the intervals; 0 for none, else at least 2 / (1 − level), 20 at 90 %, so that a draw is expected beyond each end (with fewer, the ends are the extremes of the draws, which hold less than the level); each costs some 0.04 s a million customers")
	fs.StringVar(&in.plot, "plot", "", "draw the holdout chart and the tracking charts, by -unit (weekly by default) and cumulative, each fitted model beside what customers did, to this file: PNG if its name ends in .png, SVG if in .svg (needs -holdout-end; bgbb draws the holdout chart alone)")
	fs.StringVar(&in.report, "report", "", "write a page of the run to this HTML file: the log, the options and warnings, the fits, the charts of -plot, customers by frequency and recency, where the value is, each segment's value both ways, and the most valuable customers and those at risk; it needs no network and prints on A4")
	fs.StringVar(&in.saveModel, "save-model", "", "write the fitted purchase and spend models (with -model all, the one that values) to this JSON file, with their unit and calibration end, for -model-file to score other logs with")
	fs.StringVar(&in.modelFile, "model-file", "", "score the log with the models -save-model wrote to this JSON file instead of fitting: customers are summarised and valued at -calibration-end, which may differ from the model's own, as the parameters are rates per unit of time; -unit must be the model's, and -model, if given, its name")
	in.cov.flags(fs)
	fs.Usage = func() {}

	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		customersUsage(stdout, fs)
		return 0
	}
	if !in.stepSet {
		in.step = in.unit
	}
	if err == nil {
		err = in.check(fs)
	}
	if err == nil {
		err = in.checkModelFlags(fs)
	}
	if err == nil {
		err = in.cov.check(&in)
	}
	if err != nil {
		fmt.Fprintf(stderr, "clv customers: %s (see clv customers -h)\n", strings.ReplaceAll(err.Error(), "clv: ", ""))
		return 2
	}
	// The files asked for are checked before the work, not after it.
	for _, o := range []struct{ flag, path string }{{"-out", in.out}, {"-plot", in.plot}, {"-report", in.report}, {"-save-model", in.saveModel}} {
		if o.path == "" {
			continue
		}
		if err := checkWritable(o.path); err != nil {
			fmt.Fprintf(stderr, "clv customers: %s %s: %v\n", o.flag, o.path, err)
			return 2
		}
	}
	if in.modelFile != "" {
		if in.loaded, err = readModel(in.modelFile, in.unit); err == nil && in.model != "" && in.model != in.loaded.fit.Name {
			err = fmt.Errorf("model %q: -model is %q: %w", in.loaded.fit.Name, in.model, errSavedModel)
		}
		if err == nil && in.loaded.fit.Name == bgbbName && in.step != in.unit {
			err = fmt.Errorf("model %q: counts value at each opportunity, a %s (-unit), and -step is %s: %w", bgbbName, in.unit, in.step, errSavedModel)
		}
		if err != nil {
			fmt.Fprintf(stderr, "clv customers: -model-file %s: %v\n", in.modelFile, err)
			return 2
		}
		in.model = in.loaded.fit.Name
	}

	m, stats, name, code := in.readLog(stderr)
	if m == nil {
		return code
	}
	if err := m.watch.check(in); err != nil {
		fmt.Fprintf(stderr, "clv customers: -customer %v\n", err)
		return 2
	}
	s := m.s.Summarizer
	r, err := model(s, in)
	if err != nil {
		// What the log's span says of the dates may be why.
		printWarnings(stderr, spanWarnings(s.Totals(), in))
		fmt.Fprintf(stderr, "clv customers: %s: %s\n", name, strings.TrimPrefix(err.Error(), "btyd: "))
		return 1
	}
	covCode := r.covariateStep(in, stderr)
	r.valueSegments(m, in)
	r.forecastAhead(in)
	r.fitSegmentsApart(in)
	printWarnings(stderr, r.warnings)
	// One failure does not sink the rest: a file that cannot be written
	// still leaves the report, and a chart, drawn after it, is a warning.
	code = covCode
	if in.out != "" {
		if err := writeCustomers(in.out, r, r.holdout != nil, int32(in.scale)); err != nil {
			fmt.Fprintf(stderr, "clv customers: -out %s: %v\n", in.out, err)
			code = 1
		}
	}
	if in.saveModel != "" {
		if err := writeModel(in.saveModel, r, in); err != nil {
			fmt.Fprintf(stderr, "clv customers: -save-model %s: %v\n", in.saveModel, err)
			code = 1
		}
	}
	switch {
	case in.customer != "":
		if err := printCustomer(stdout, m.watch, r, in); err != nil {
			fmt.Fprintf(stderr, "clv customers: -customer %s: %v\n", in.customer, strings.TrimPrefix(err.Error(), "btyd: "))
			code = 1
		}
	case in.json:
		printCustomersJSON(stdout, stats, r, in.top, int32(in.scale))
	default:
		printCustomers(stdout, name, stats, r, in)
	}
	if in.plot != "" {
		// Drawn after the report, a chart that fails is a warning.
		note, err := writePlot(in.plot, r, s)
		switch {
		case err != nil:
			printWarnings(stderr, []string{"no chart: " + err.Error()})
		case note != "":
			printWarnings(stderr, []string{note})
		}
	}
	if in.report != "" {
		if err := writeCustomersReport(in.report, name, stats, r, s, in, fs); err != nil {
			fmt.Fprintf(stderr, "clv customers: %v\n", err)
			code = 1
		}
	}
	return code
}

// A dateFlag is a flag of a day, YYYY-MM-DD, into t. It prints the day
// it holds, which -report shows among the options; nothing while unset.
type dateFlag struct{ t *time.Time }

// Set parses s, a day as YYYY-MM-DD.
func (d dateFlag) Set(s string) error {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return fmt.Errorf("%q is not a date as YYYY-MM-DD", s)
	}
	*d.t = t
	return nil
}

// String prints the day, or nothing while it is unset.
func (d dateFlag) String() string {
	if d.t == nil || d.t.IsZero() {
		return ""
	}
	return d.t.Format(time.DateOnly)
}

// A stepFlag is -step, a period, and marks it set: unset, it follows
// -unit, whatever order the flags come in.
type stepFlag struct{ in *customerInputs }

// Set parses s, a period, and marks -step set.
func (f stepFlag) Set(s string) error {
	f.in.stepSet = true
	return f.in.step.UnmarshalText([]byte(s))
}

// String prints the period, or nothing while -step follows -unit.
func (f stepFlag) String() string {
	if f.in == nil || !f.in.stepSet {
		return ""
	}
	return f.in.step.String()
}

// check refuses flags that are missing, out of range or at odds.
func (in *customerInputs) check(fs *flag.FlagSet) error {
	years := map[clv.Period]float64{clv.Week: 7 / 365.25, clv.Month: 1.0 / 12, clv.Quarter: 0.25, clv.Year: 1}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case in.input == "":
		return errors.New("missing -input: the purchase log to model")
	case !slices.Contains(strings.Split(modelNames(), ", "), in.model):
		return fmt.Errorf("-model %q: must be one of %s", in.model, modelNames())
	case in.calibrationEnd.IsZero():
		return errors.New("missing -calibration-end: the last day the models learn from")
	case !in.holdoutEnd.IsZero() && !in.holdoutEnd.After(in.calibrationEnd):
		return fmt.Errorf("-holdout-end %s: must be after -calibration-end %s", in.holdoutEnd.Format(time.DateOnly), in.calibrationEnd.Format(time.DateOnly))
	case in.report != "" && checkReport(in.report) != nil:
		return checkReport(in.report)
	case in.plot != "" && in.holdoutEnd.IsZero():
		return errors.New("-plot: needs -holdout-end, to set the model beside what customers did")
	case in.horizon < 1:
		return fmt.Errorf("-horizon %d: must be at least 1", in.horizon)
	case float64(in.horizon)*years[in.horizonUnit] > maxHorizonYears:
		return fmt.Errorf("-horizon %d %ss: must be at most %d years", in.horizon, in.horizonUnit, maxHorizonYears)
	case in.model == bgbbName && in.step != in.unit:
		return fmt.Errorf("-step %s: -model bgbb counts value at each opportunity, a %s (-unit)", in.step, in.unit)
	case in.discount.IsNegative():
		return fmt.Errorf("-discount %s: must not be negative", in.discount)
	case in.margin.IsNegative() || in.margin.GreaterThan(decimal.NewFromInt(1)):
		return fmt.Errorf("-margin %s: must be from 0 to 1", in.margin)
	case in.scale < 0 || in.scale > clv.MaxScale:
		return fmt.Errorf("-scale %d: must be from 0 to %d", in.scale, clv.MaxScale)
	case !(in.level > 0 && in.level < 1):
		return fmt.Errorf("-level %v: must be above 0 and below 1", in.level)
	case in.draws != 0 && (in.draws < 2 || in.draws > btyd.MaxDraws):
		return fmt.Errorf("-draws %d: must be 0, for no intervals, or from 2 to %d", in.draws, btyd.MaxDraws)
	case in.draws != 0 && btyd.MinDraws(in.level) > btyd.MaxDraws:
		return fmt.Errorf("-level %v: a %s %% interval takes at least %d draws, more than -draws allows, %d", in.level, levelLabel(in.level), btyd.MinDraws(in.level), btyd.MaxDraws)
	case in.draws != 0 && in.draws < btyd.MinDraws(in.level):
		return fmt.Errorf("-draws %d: a %s %% interval takes at least %d draws, for one expected beyond each end", in.draws, levelLabel(in.level), btyd.MinDraws(in.level))
	case in.top < 0:
		return fmt.Errorf("-top %d: must not be negative", in.top)
	case in.workers < 1 || in.workers > 256:
		return fmt.Errorf("-workers %d: must be from 1 to 256", in.workers)
	}
	return nil
}

// read summarises the log of -input into each customer's history. On
// failure it reports on stderr and returns a nil Summarizer and the exit
// code.
func (in *customerInputs) read(stderr io.Writer) (*btyd.Summarizer, logStats, string, int) {
	m, stats, name, code := in.readLog(stderr)
	if m == nil {
		return nil, stats, name, code
	}
	return m.s.Summarizer, stats, name, 0
}

// readLog summarises the log of -input into each customer's history and
// into the business's windows of -window, for the business formulas. On
// failure it reports on stderr and returns nil and the exit code.
func (in *customerInputs) readLog(stderr io.Writer) (*modelLog, logStats, string, int) {
	opts := []btyd.SummaryOption{btyd.WithUnit(in.unit)}
	if !in.holdoutEnd.IsZero() {
		opts = append(opts, btyd.WithHoldout(in.holdoutEnd))
	}
	if _, err := btyd.NewSummarizer(in.calibrationEnd, opts...); err != nil {
		fmt.Fprintf(stderr, "clv customers: %s\n", strings.TrimPrefix(err.Error(), "btyd: "))
		return nil, logStats{}, "", 2
	}
	// A segment column, if the log has one, gives each customer the
	// segment of their first purchase, and the Accumulator, for the
	// business formulas, each row's.
	o := logReading{columns: in.columns, skipBad: in.skipBad, workers: in.workers, newSum: func(segments bool) (summary, error) {
		s, err := btyd.NewSummarizer(in.calibrationEnd, opts...)
		if err != nil || !segments {
			return &modelLog{s: summarizer{s}, watch: in.newWatch()}, err
		}
		acc, err := clv.NewAccumulator(in.window)
		return &modelLog{s: summarizer{s}, acc: acc, watch: in.newWatch()}, err
	}}
	sum, stats, name, code := readInput(in.input, o, "clv customers", stderr)
	if sum == nil {
		return nil, stats, name, code
	}
	return sum.(*modelLog), stats, name, 0
}

// A customerResult is what clv customers found: the fits, the holdout,
// and each customer's value, most valuable first.
type customerResult struct {
	totals btyd.Totals
	base   btyd.Base
	fits   []purchaseFit // the purchase models fitted
	best   int           // the one that values customers
	failed []failedFit   // those -model all could not fit
	// chosenBy says what chose the best, with -model all; "" otherwise.
	chosenBy string
	// spend is the spend model's fit, or as much of it as failed: then
	// flat is what the purchases are valued at instead.
	spend   btyd.GammaGammaFit
	flat    *btyd.FlatSpend
	holdout *btyd.Holdout // the best's
	// discrete holds the customers at opportunities, for BG/BB; nil for
	// the continuous models.
	discrete  *btyd.Opportunities
	valuation btyd.Valuation
	intervals *btyd.ValuationIntervals // nil with -draws 0, or with a warning why
	// segments is the value of each segment, by the models and by the
	// business formulas; nil where the log has no segments.
	segments *segmentTable
	// bgbb is the BG/BB fit that values, with -model bgbb.
	bgbb btyd.BGBBFit
	// loaded is the model of -model-file the customers were scored
	// with, not fitted; nil after a fit.
	loaded *loadedModel
	// ahead holds, by the index of base.Customers, the forecasts of the
	// customers -out and -json report; nil if none was asked for.
	ahead []aheadFigures
	// covariates is the fit with -covariates, which values; apart, the
	// fits of -by-segment. Nil without.
	covariates *covariateFit
	apart      *segmentsApart
	// order holds the indexes of base.Customers and valuation.Customers,
	// by value from the highest, then by id.
	order []int
	// warnings are what the user should know before trusting the
	// figures, in the order found: [] without any.
	warnings []string
}

// model fits the purchase and spend models to s and values its customers.
func model(s *btyd.Summarizer, in customerInputs) (*customerResult, error) {
	r := &customerResult{totals: s.Totals(), base: s.Base()}
	r.warnings = spanWarnings(r.totals, in)
	var err error
	if in.model == bgbbName {
		err = r.discreteModel(s, in)
	} else {
		err = r.continuousModel(s, in)
	}
	if err != nil {
		return nil, err
	}
	r.rank()
	return r, nil
}

// valueOptions are the options of the valuation the flags set.
func (in *customerInputs) valueOptions() []btyd.ValueOption {
	return []btyd.ValueOption{btyd.WithStep(in.step), btyd.WithDiscountRate(in.discount, in.discountPeriod), btyd.WithGrossMargin(in.margin), btyd.WithScale(int32(in.scale))}
}

// discreteModel fits BG/BB to s's customers at opportunities of -unit,
// gamma–gamma to the mean amounts of their repeat opportunities (the
// spend BG/BB's purchases are valued at), and values them over the
// nearest whole number of opportunities to -horizon.
func (r *customerResult) discreteModel(s *btyd.Summarizer, in customerInputs) error {
	o, err := s.Opportunities(in.unit)
	if err != nil {
		return err
	}
	r.discrete = &o
	var spend btyd.SpendModel
	if l := in.loaded; l != nil {
		if spend, err = r.scoreWith(l); err != nil {
			return err
		}
	} else {
		var f purchaseFit
		if f, r.bgbb, err = fitBGBB(o, r.base.Holdout > 0); err != nil {
			return err
		}
		r.fits, r.best = []purchaseFit{f}, 0
		spenders := make([]btyd.Customer, len(o.Customers))
		for i, c := range o.Customers {
			spenders[i] = btyd.Customer{ID: c.ID, X: c.X, Spend: c.Spend}
		}
		if spend, err = r.fitSpend(spenders, in); err != nil {
			return err
		}
	}
	r.holdout = r.fits[r.best].Holdout
	fit := r.bgbb
	h := btyd.Horizon{Length: in.horizon, Period: in.horizonUnit}
	if r.valuation, err = btyd.DiscreteValues(fit.Model, spend, o, h, in.valueOptions()...); err != nil {
		return err
	}
	if r.wantIntervals(in) {
		iv, err := btyd.DiscreteValueIntervals(fit, r.spend, o, h, in.intervalOptions()...)
		r.setIntervals(iv, err)
	}
	return nil
}

// intervalOptions are the options of the intervals the flags set.
func (in *customerInputs) intervalOptions() []btyd.IntervalOption {
	return []btyd.IntervalOption{btyd.WithLevel(in.level), btyd.WithDraws(in.draws), btyd.WithValueOptions(in.valueOptions()...)}
}

// setIntervals keeps the intervals, or warns why there are none.
// Intervals are a help, not the result: a fit too uncertain to draw from
// leaves them out, and says why.
func (r *customerResult) setIntervals(iv btyd.ValuationIntervals, err error) {
	if err != nil {
		r.warnings = append(r.warnings, "no intervals: "+strings.TrimPrefix(err.Error(), "btyd: "))
		return
	}
	r.intervals = &iv
}

// wantIntervals reports whether intervals were asked for and can be
// drawn, and warns why not if they were asked for and cannot: they draw
// the spend model's parameters too.
func (r *customerResult) wantIntervals(in customerInputs) bool {
	if in.draws == 0 {
		return false
	}
	if r.flat != nil {
		r.warnings = append(r.warnings, "no intervals: they draw the spend model's parameters, and it could not be fitted")
		return false
	}
	return true
}

// fitSpend fits gamma–gamma to customers and returns the model their
// purchases are valued at. If it cannot be fitted, as when every
// purchase costs the same, the purchases are valued at the customers'
// mean amount of a repeat purchase instead (btyd.MeanSpend), and a
// warning says so and why: the purchase model's results stand without a
// spend model, and that mean is what gamma–gamma itself expects of a
// customer it knows nothing of. It fails only where there is no repeat
// purchase to take the mean of, with the fit's error.
func (r *customerResult) fitSpend(customers []btyd.Customer, in customerInputs) (btyd.SpendModel, error) {
	var err error
	if r.spend, err = btyd.FitGammaGamma(customers); err == nil {
		return r.spend.Model, nil
	}
	flat, merr := btyd.MeanSpend(customers)
	if merr != nil {
		return nil, err
	}
	r.flat = &flat
	r.warnings = append(r.warnings, fmt.Sprintf("the spend model could not be fitted, so every purchase is valued at the mean amount of a repeat purchase, %s: %s",
		flat.Amount.StringFixed(int32(in.scale)), strings.ReplaceAll(strings.TrimPrefix(err.Error(), "btyd: "), "clv: ", "")))
	return flat, nil
}

// continuousModel fits the continuous models -model names to s and values
// its customers with the best.
func (r *customerResult) continuousModel(s *btyd.Summarizer, in customerInputs) error {
	var err error
	var spend btyd.SpendModel
	if l := in.loaded; l != nil {
		if spend, err = r.scoreWith(l); err != nil {
			return err
		}
	} else {
		if r.fits, r.best, r.failed, err = fitPurchases(in.model, s.Histories(), r.base); err != nil {
			return err
		}
		for _, f := range r.failed {
			r.warnings = append(r.warnings, failedWarning(f))
		}
		r.chosenBy = chosenBy(r.fits, in.model)
		if spend, err = r.fitSpend(r.base.Customers, in); err != nil {
			return err
		}
	}
	m := r.fits[r.best].purchase
	r.holdout = r.fits[r.best].Holdout
	h := btyd.Horizon{Length: in.horizon, Period: in.horizonUnit}
	valueOpts := in.valueOptions()
	if r.valuation, err = btyd.Values(m, spend, r.base, h, valueOpts...); err != nil {
		return err
	}
	if r.wantIntervals(in) {
		iv, err := btyd.ValueIntervals(r.fits[r.best].fit, r.spend, r.base, h, in.intervalOptions()...)
		r.setIntervals(iv, err)
	}
	return nil
}

// rank orders the customers by value.
func (r *customerResult) rank() {
	// By value as float64 first, which rounding keeps in order. A value
	// of at most 15 digits is its float64 exactly, so between two such
	// values equal floats are a tie; only longer ones compare decimals.
	values := r.valuation.Customers
	type ranked struct {
		value float64
		exact bool
		i     int
	}
	ranks := make([]ranked, len(values))
	for i, v := range values {
		ranks[i] = ranked{v.Value.InexactFloat64(), v.Value.NumDigits() <= 15, i}
	}
	slices.SortFunc(ranks, func(a, b ranked) int {
		if c := cmp.Compare(b.value, a.value); c != 0 {
			return c
		}
		if !a.exact || !b.exact {
			if c := values[b.i].Value.Cmp(values[a.i].Value); c != 0 {
				return c
			}
		}
		return strings.Compare(values[a.i].ID, values[b.i].ID)
	})
	r.order = make([]int, len(ranks))
	for k, rk := range ranks {
		r.order[k] = rk.i
	}
}

func printCustomers(w io.Writer, name string, stats logStats, r *customerResult, in customerInputs) {
	unit := r.base.Unit.String()
	fmt.Fprintf(w, "%s: %s.\n", name, stats.accounting())
	fmt.Fprintf(w, "The log runs from %s to %s (UTC).\n", r.totals.First.Format(time.DateOnly), r.totals.Last.Format(time.DateOnly))
	fmt.Fprintf(w, "%d customers to %s, in %ss", r.totals.Customers, in.calibrationEnd.Format(time.DateOnly), unit)
	if o := r.discrete; o != nil {
		fmt.Fprintf(w, ", counted at opportunities of %s", opportunityName(o.Every))
		if o.New > 0 {
			fmt.Fprintf(w, "; %d first bought in the last, left out of the fit", o.New)
		}
	}
	if r.totals.Late > 0 {
		fmt.Fprintf(w, "; %d first seen in the holdout, left out", r.totals.Late)
	}
	if r.totals.Later > 0 {
		fmt.Fprintf(w, "; %d purchases after the end, left out", r.totals.Later)
	}
	fmt.Fprintln(w, ".")
	fmt.Fprintln(w)

	if l := r.loaded; l != nil {
		fmt.Fprintf(w, "Models read from %s, not fitted: fitted to %s, in %ss.\n", l.path, l.calibrationEnd.Format(time.DateOnly), unit)
	}
	for _, f := range r.fits {
		printFit(w, f)
	}
	g, gse := r.spend.Model, r.spend.StdErr
	scale := int32(in.scale)
	switch note := zeroSpendNote(r.spend); {
	case r.flat != nil:
		// No fit, and no customers fitted: the mean counts every repeat
		// customer.
		fmt.Fprintf(w, "%-23s no fit (see the warnings): every purchase valued at the mean amount of a repeat purchase, %s\n", "spend, gamma–gamma:", r.flat.Amount.StringFixed(scale))
	case note != "":
		fmt.Fprintf(w, "%-23s p %s  q %s  gamma %s\n", "spend, gamma–gamma:", pm(g.P, gse.P), pm(g.Q, gse.Q), pm(g.Gamma, gse.Gamma))
		fmt.Fprintf(w, "%-23s %d customers with repeat purchases; correlation of frequency and spend over the %d fitted %.3f\n", "",
			r.spend.Stats.Customers+r.spend.ZeroSpend, r.spend.Stats.Customers, r.spend.Correlation)
		fmt.Fprintf(w, "%-23s %s.\n", "", note)
	default:
		fmt.Fprintf(w, "%-23s p %s  q %s  gamma %s\n", "spend, gamma–gamma:", pm(g.P, gse.P), pm(g.Q, gse.Q), pm(g.Gamma, gse.Gamma))
		fmt.Fprintf(w, "%-23s %d customers with repeat purchases; correlation of frequency and spend %.3f\n", "", r.spend.Stats.Customers, r.spend.Correlation)
	}
	fmt.Fprintln(w)
	printCovariates(w, r)
	if in.model == "all" {
		printComparison(w, r.fits, r.best, r.failed)
		fmt.Fprintln(w)
	}
	best := r.valuedBy()

	if h := r.holdout; h != nil {
		length := fmt.Sprintf("%.2f %ss", h.Length, unit)
		if r.discrete != nil {
			length = fmt.Sprintf("%.0f whole %s", h.Length, plural(int(h.Length), r.discrete.Every))
		}
		fmt.Fprintf(w, "Holdout of %s to %s, %s: purchases by calibration frequency%s\n", length, in.holdoutEnd.Format(time.DateOnly), best, holdoutShort(r.totals, in.holdoutEnd))
		fmt.Fprintf(w, "%-6s %10s %10s %10s\n", "x", "customers", "actual", "predicted")
		for _, row := range h.ByFrequency {
			x := strconv.FormatInt(row.X, 10)
			if row.X == btyd.HoldoutFrequencies-1 {
				x += "+"
			}
			fmt.Fprintf(w, "%-6s %10d %10d %10.1f\n", x, row.Customers, row.Actual, row.Predicted)
		}
		fmt.Fprintf(w, "%-6s %10d %10d %10.1f\n\n", "all", h.Customers, h.Actual, h.Predicted)
	}

	v := r.valuation
	by := best
	if r.chosenBy != "" {
		by += ", " + r.chosenBy + ","
	}
	spendBy := "gamma–gamma"
	if r.flat != nil {
		spendBy = "a flat spend of " + r.flat.Amount.StringFixed(scale) + " a purchase"
	}
	horizon := periods(v.Horizon.Length, v.Horizon.Period)
	if asked := (btyd.Horizon{Length: in.horizon, Period: in.horizonUnit}); !sameSpan(v.Horizon, asked) {
		horizon += " (the nearest to -horizon " + periods(asked.Length, asked.Period) + ")"
	}
	fmt.Fprintf(w, "Value by %s and %s over %s, counted each %s", by, spendBy, horizon, v.Step)
	if !in.discount.IsZero() {
		fmt.Fprintf(w, ", discounted at %s a %s", in.discount, in.discountPeriod)
	}
	fmt.Fprintf(w, ", at a gross margin of %s: %s from %d customers, %.1f purchases expected.\n", in.margin, v.Value.StringFixed(scale), len(v.Customers), v.Purchases)
	iv := r.intervals
	if iv != nil {
		fmt.Fprintf(w, "%s %% intervals, from %d draws of the fits' parameters: value %s to %s, purchases %.1f to %.1f.\n",
			levelLabel(iv.Level), iv.Draws, iv.Value.Low.StringFixed(scale), iv.Value.High.StringFixed(scale), iv.Purchases.Low, iv.Purchases.High)
	}
	if r.segments != nil {
		fmt.Fprintln(w)
		printSegments(w, r, in)
		printSegmentsApart(w, r, in)
	}
	if in.top == 0 || len(r.order) == 0 {
		return
	}
	fmt.Fprintf(w, "\nThe %d most valuable:\n", min(in.top, len(r.order)))
	age := "T"
	if r.discrete != nil {
		age = "n"
	}
	fmt.Fprintf(w, "%-16s %6s %8s %8s %8s %10s %10s %12s", "customer", "x", "t_x", age, "P(alive)", "purchases", "spend", "value")
	if iv != nil {
		fmt.Fprintf(w, "  %s %% interval of value", levelLabel(iv.Level))
	}
	fmt.Fprintln(w)
	for _, i := range r.order[:min(in.top, len(r.order))] {
		c, cv := r.base.Customers[i], v.Customers[i]
		figures := fmt.Sprintf("%6d %8.2f %8.2f", c.X, c.Tx, c.T)
		if r.discrete != nil {
			d := r.discrete.Customers[i]
			figures = fmt.Sprintf("%6d %8d %8d", d.X, d.Tx, d.N)
		}
		fmt.Fprintf(w, "%-16s %s %8.3f %10.2f %10s %12s", segmentLabel(c.ID), figures, cv.ProbAlive, cv.Purchases,
			cv.Spend.StringFixed(scale), cv.Value.StringFixed(scale))
		if iv != nil {
			fmt.Fprintf(w, "  %s to %s", iv.Customers[i].Value.Low.StringFixed(scale), iv.Customers[i].Value.High.StringFixed(scale))
		}
		fmt.Fprintln(w)
	}
}

// opportunityName names BG/BB's opportunities of a period, as
// btyd.Summarizer.Opportunities counts them.
func opportunityName(every clv.Period) string {
	if every == clv.Week {
		return "7 days back from it"
	}
	return "a calendar " + every.String()
}

// periods prints n periods of p: "1 year", "12 months".
func periods(n int, p clv.Period) string {
	return strconv.Itoa(n) + " " + plural(n, p)
}

// plural names p for a count of n: "year" for 1, "years" for others.
func plural(n int, p clv.Period) string {
	if n == 1 {
		return p.String()
	}
	return p.String() + "s"
}

// sameSpan reports whether two horizons are the same span in exact
// lengths: 3 years and 36 months, not 52 weeks and 12 months.
func sameSpan(a, b btyd.Horizon) bool {
	// Sixteenths of a day, in which every period is whole.
	sixteenths := map[clv.Period]int{clv.Week: 112, clv.Month: 487, clv.Quarter: 1461, clv.Year: 5844}
	return a.Length*sixteenths[a.Period] == b.Length*sixteenths[b.Period]
}

// levelLabel prints a level as a percentage: 90 for 0.9.
func levelLabel(level float64) string {
	return strconv.FormatFloat(100*level, 'g', 12, 64) // 99.999, not 99.99900000000001
}

// pm formats an estimate and its standard error.
func pm(v, se float64) string {
	return strconv.FormatFloat(v, 'g', 4, 64) + " ± " + strconv.FormatFloat(se, 'g', 2, 64)
}

// customerRow is a customer in the JSON output: their figures and value,
// with intervals if there are.
type customerRow struct {
	btyd.Customer
	valueFigures
}

// discreteRow is a customer at opportunities in the JSON output, for
// BG/BB.
type discreteRow struct {
	btyd.DiscreteCustomer
	valueFigures
}

// valueFigures are a customer's expectations and value in the JSON
// output.
type valueFigures struct {
	ProbAlive           float64             `json:"prob_alive"`
	Purchases           float64             `json:"purchases"`
	DiscountedPurchases float64             `json:"discounted_purchases"`
	ExpectedSpend       decimal.Decimal     `json:"expected_spend"`
	Value               decimal.Decimal     `json:"value"`
	PurchasesInterval   *btyd.Interval      `json:"purchases_interval,omitempty"`
	ValueInterval       *btyd.MoneyInterval `json:"value_interval,omitempty"`
	*aheadFigures                           // nil where the forecasts failed, with a warning
}

// intervalsJSON is the intervals of the totals in the JSON output.
type intervalsJSON struct {
	Level     float64            `json:"level"`
	Draws     int                `json:"draws"`
	Purchases btyd.Interval      `json:"purchases"`
	Value     btyd.MoneyInterval `json:"value"`
}

// opportunitiesJSON describes the opportunities of BG/BB in the JSON
// output.
type opportunitiesJSON struct {
	Every     clv.Period `json:"every"`
	Holdout   int64      `json:"holdout"`
	New       int64      `json:"new"`
	Histories int        `json:"histories"`
}

// row returns customer i's row of the JSON output: a customerRow, or a
// discreteRow for BG/BB.
func (r *customerResult) row(i int, scale int32) any {
	cv := r.valuation.Customers[i]
	v := valueFigures{ProbAlive: cv.ProbAlive, Purchases: cv.Purchases,
		DiscountedPurchases: cv.DiscountedPurchases, ExpectedSpend: cv.Spend, Value: cv.Value}
	if r.intervals != nil {
		ci := r.intervals.Customers[i]
		v.PurchasesInterval, v.ValueInterval = &ci.Purchases, &ci.Value
	}
	if r.ahead != nil {
		v.aheadFigures = &r.ahead[i]
	}
	// The log's amounts at the scale of every other, as -out has them.
	if r.discrete != nil {
		c := r.discrete.Customers[i]
		c.Spend = c.Spend.Round(scale)
		return discreteRow{c, v}
	}
	c := r.base.Customers[i]
	c.Spend, c.HoldoutSpend = c.Spend.Round(scale), c.HoldoutSpend.Round(scale)
	return customerRow{c, v}
}

func printCustomersJSON(w io.Writer, stats logStats, r *customerResult, top int, scale int32) {
	out := struct {
		Log    logStats      `json:"log"`
		Totals btyd.Totals   `json:"totals"`
		Unit   clv.Period    `json:"unit"`
		Models []purchaseFit `json:"purchase_models"`
		Model  string        `json:"purchase_model"`
		// ChosenBy says what chose Model among Models: "lowest BIC",
		// with -model all.
		ChosenBy string              `json:"chosen_by,omitempty"`
		Spend    *btyd.GammaGammaFit `json:"spend_model"`
		// SpendMeans say what the spend model's parameters say of the
		// mean customer.
		SpendMeans []fitMean `json:"spend_means,omitempty"`
		// FlatSpend is what every purchase is valued at where the spend
		// model could not be fitted.
		FlatSpend *btyd.FlatSpend `json:"flat_spend,omitempty"`
		Holdout   *btyd.Holdout   `json:"holdout,omitempty"`
		Horizon   btyd.Horizon    `json:"horizon"`
		Step      clv.Period      `json:"step"`
		Expected  float64         `json:"expected_purchases"`
		Value     decimal.Decimal `json:"value"`
		Intervals *intervalsJSON  `json:"intervals,omitempty"`
		// Opportunities are BG/BB's.
		Opportunities *opportunitiesJSON `json:"opportunities,omitempty"`
		Top           []any              `json:"top"`
		// AtRisk are the most valuable customers more likely gone than
		// not, as many as Top.
		AtRisk []any `json:"at_risk"`
		// Spread, AliveBins and Grid describe the whole base, as
		// -report draws it.
		Spread    btyd.ValueSpread `json:"value_spread"`
		AliveBins []aliveBin       `json:"prob_alive_bins"`
		Grid      historyGrid      `json:"history_grid"`
		// Segments is the value of each segment by the models and by
		// the business formulas, where the log has segments.
		Segments *segmentTable `json:"segment_values,omitempty"`
		// Covariates are the fits of -covariates, which value; Apart the
		// fits of -by-segment and their table of segments.
		Covariates *covariateFit  `json:"covariates,omitempty"`
		Apart      *segmentsApart `json:"segment_values_apart,omitempty"`
		Notes      []string       `json:"notes,omitempty"`
		Warnings   []string       `json:"warnings"`
		// ModelFile says where the models came from with -model-file,
		// which scores without fitting.
		ModelFile *modelFileJSON `json:"model_file,omitempty"`
	}{
		Log: stats, Totals: r.totals, Unit: r.base.Unit, Models: r.fits, Model: r.fits[r.best].Name, Spend: &r.spend, Holdout: r.holdout,
		Horizon: r.valuation.Horizon, Step: r.valuation.Step, Expected: r.valuation.Purchases, Value: r.valuation.Value,
		Top: []any{}, AtRisk: []any{}, Warnings: r.warnings,
		Spread: btyd.Spread(r.valuation), AliveBins: r.aliveBins(), Grid: r.grid(), Segments: r.segments,
		Covariates: r.covariates, Apart: r.apart,
	}
	if r.chosenBy != "" {
		out.ChosenBy = "lowest BIC"
	}
	if l := r.loaded; l != nil {
		out.ModelFile = &modelFileJSON{Path: l.path, CalibrationEnd: l.calibrationEnd.Format(time.DateOnly)}
	}
	if r.flat != nil {
		out.Spend, out.FlatSpend = nil, &btyd.FlatSpend{Amount: r.flat.Amount.Round(scale)}
	} else {
		out.SpendMeans = fitMeans(r.spend.Model, r.base.Unit)
	}
	if note := zeroSpendNote(r.spend); note != "" && r.flat == nil {
		out.Notes = append(out.Notes, note)
	}
	if o := r.discrete; o != nil {
		out.Opportunities = &opportunitiesJSON{Every: o.Every, Holdout: o.Holdout, New: o.New, Histories: len(o.Histories)}
	}
	if iv := r.intervals; iv != nil {
		out.Intervals = &intervalsJSON{Level: iv.Level, Draws: iv.Draws, Purchases: iv.Purchases, Value: iv.Value}
	}
	for _, i := range r.order[:min(top, len(r.order))] {
		out.Top = append(out.Top, r.row(i, scale))
	}
	for _, i := range r.atRisk(top) {
		out.AtRisk = append(out.AtRisk, r.row(i, scale))
	}
	data, _ := json.MarshalIndent(out, "", "  ") // finite floats and decimals always marshal
	fmt.Fprintln(w, string(data))
}

func customersUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintln(w, `Usage: clv customers -input orders.csv -calibration-end YYYY-MM-DD [flags]

clv customers models each customer of a purchase log: how likely they are
still a customer, how many purchases they will make and what they are
worth. It fits the BG/NBD model of purchases and the gamma–gamma model of
spend to the calibration period, checks the fit against a holdout period
after it if -holdout-end is given, and values every customer over a
horizon, a year unless -horizon and -horizon-unit say otherwise, counting
value at each -step, each -unit unless -step says otherwise. The horizon
is a span of time, whatever unit it is written in: -horizon 3
-horizon-unit year and -horizon 36 -horizon-unit month value the same.

  clv customers -input orders.csv -calibration-end 2025-06-30 \
      -holdout-end 2025-12-31 -horizon 12 -horizon-unit month \
      -discount 0.1 -margin 0.4 -out customers.csv -plot fit.svg

Where customers buy only at discrete opportunities, -model bgbb fits the
BG/BB model instead, at opportunities of -unit: calendar months, quarters
or years in UTC, so the calibration end must be the last day of one, or
weeks of 7 days counted back from the calibration end. The holdout counts
the whole opportunities in it, a partial last one left out; the horizon
is the nearest whole number of opportunities to its span, a half rounding
up (52 weeks are 12 months), and value is counted at each. Customers first
seen in the last opportunity are valued as new customers but left out of
the fit:

  clv customers -input donations.csv -calibration-end 2024-12-31 \
      -model bgbb -unit year -horizon 5 -horizon-unit year -discount 0.1

Where the log has a segment column (-segment-column), each customer is in
the segment of their first purchase, their acquisition channel, and clv
customers prints the value of each segment both ways: the models'
(customers, repeat buyers, mean P(alive), expected purchases and value,
in total and a customer) beside the business formulas' lifetime value of
the same segment, from the same log's windows of -window (a month by
default), as clv -input -window prices them, at the same -margin and
-discount. -json has it as "segment_values".

-covariates segment fits the purchase model (bgnbd or pnbd) and the spend
model with each customer's segment as covariates, and -covariates
customers.csv -covariate-columns gender,channel with the columns of a
table of customers (numbers as numbers, anything else as categories):
each category against its level of the most customers. It prints each
covariate's effect as a multiplier of the purchase rate, the drop-out and
the spend per order, with -level intervals, and the likelihood-ratio tests
against the models without covariates; the customers and the table of
segments are then valued by the models with covariates. -by-segment also
fits the model to each segment apart, and prints the table of segments by
those fits after the first, for comparison. -json has them as
"covariates" and "segment_values_apart".

clv customers states the log's span, its first and last days, and
warns, on standard error and under -json's "warnings", of what the
figures should be read with: a -calibration-end after the log's last day
(the days between look like days nobody bought) or before its first
(nobody to model), a -holdout-end after the last day (the holdout's
actual purchases stop there, short of the predicted). A customer whose
repeat purchases were all of no value is left out of the spend fit, whose
amounts are positive, and the report says how many were.

One failure does not sink the rest. If the spend model cannot be fitted
(every purchase costs the same, say), the purchase model's results still
print and every purchase is valued at the mean amount of a repeat
purchase, with a warning saying why: that mean is what gamma–gamma itself
expects of a customer it knows nothing of, and its limit where customers'
mean spends differ only by chance, where a customer's own mean would
value one large repeat purchase as a habit. -out, -plot, -report and
-save-model are checked before the log is read, and -model-file is read
before it; the charts are drawn after the report,
and one that cannot be drawn is a warning. Exit status: 0 with a report,
whatever its warnings; 1 if no purchase model can be fitted or -out,
-report or -save-model could not be written; 2 for bad flags, paths, logs
or model files.

-save-model model.json writes the fitted models (the one that values,
with -model all) to a versioned JSON file, and -model-file model.json
scores another log with them, or the same log at a later
-calibration-end, without fitting: the parameters are rates per unit of
time, so they value customers summarised at any date. A file of another
format, version, unit or model, or of bad parameters, is refused.

-customer ID prints one customer's view instead of the base's: their
purchases by UTC day in the calibration and the holdout, x, t_x and T,
P(alive) through their history at the end of each -step (at each
opportunity with bgbb), and over the horizon P(alive) now and at its end,
the probability of each number of purchases in it, from none until what
is left falls below 10^-4, the expected purchases and value, and the
DERT at -discount. A customer not in the log, first seen after the
calibration end, or only refunded is refused, with status 2. -out's last
columns carry P(alive) at the horizon's end and P(no purchase) in it for
every customer, and -json's customers for those it prints. clv forecast
-h tells how to forecast customers not yet acquired.

-report report.html writes the run as one HTML page that needs no
network and prints on A4: the log, the options and warnings, the fits
and what they mean, the charts of -plot (which stays, a subset of the
page), customers by frequency and recency, P(alive), value by decile and
the share the most valuable hold, each segment's value both ways, the
most valuable customers and those at risk. Its figures are those -json prints.

Flags:`)
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}
