package main

// This file implements clv forecast: the repeat purchases and revenue,
// period by period, of customers not yet acquired, in cohorts of given
// counts or at a constant rate, by a purchase and spend model fitted to a
// log or read from a file that clv customers -save-model wrote.

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/clvkit/clv/internal/logcsv"
	"github.com/shopspring/decimal"
)

// forecastInputs are the flags of clv forecast.
type forecastInputs struct {
	input          string
	columns        logcsv.Columns
	skipBad        bool
	workers        int
	calibrationEnd time.Time
	unit           clv.Period
	model          string
	modelFile      string
	acquired       []int64
	rate           float64
	period         clv.Period
	horizon        int
	json           bool
	scale          int
}

// An acquiredFlag is -acquired: counts of customers separated by commas,
// each a whole number of 0 or more.
type acquiredFlag struct{ counts *[]int64 }

// Set parses s, counts separated by commas.
func (f acquiredFlag) Set(s string) error {
	var counts []int64
	for i, field := range strings.Split(s, ",") {
		field = strings.TrimSpace(field)
		n, err := strconv.ParseInt(field, 10, 64)
		switch {
		case err != nil:
			return fmt.Errorf("%q, count %d: not a whole number of customers", field, i+1)
		case n < 0:
			return fmt.Errorf("%d, count %d: a count of customers must not be negative", n, i+1)
		}
		counts = append(counts, n)
	}
	*f.counts = counts
	return nil
}

// String prints the counts, or nothing while unset.
func (f acquiredFlag) String() string {
	if f.counts == nil {
		return ""
	}
	var s []string
	for _, n := range *f.counts {
		s = append(s, strconv.FormatInt(n, 10))
	}
	return strings.Join(s, ",")
}

// A newCustomerModel is what clv forecast forecasts with: a purchase
// model, continuous or BG/BB, its unit, and the spend model.
type newCustomerModel struct {
	name, title string
	purchase    btyd.PurchaseModel // nil for BG/BB
	bgbb        btyd.BGBB
	unit        clv.Period
	spend       btyd.SpendModel
	// from says where it came from, in words: fitted to a log, or read
	// from a file, and the day it was fitted to, calibrationEnd.
	from           string
	modelFile      string
	calibrationEnd time.Time
}

func runForecast(args []string, stdout, stderr io.Writer) int {
	in := forecastInputs{workers: defaultWorkers(), columns: logcsv.DefaultColumns, unit: clv.Week, period: clv.Month}
	fs := flag.NewFlagSet("clv forecast", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Var(acquiredFlag{&in.acquired}, "acquired", "customers acquired at the start of each period, separated by commas: 120,130,150 are 120 at the start of the first period, 130 of the second and 150 of the third")
	fs.Float64Var(&in.rate, "acquired-rate", 0, "customers acquired in each period, evenly through it, from the start of the horizon to its end, instead of -acquired; need not be whole")
	fs.TextVar(&in.period, "period", clv.Month, "period of each count of -acquired or -acquired-rate, and of each row of the forecast: week, month, quarter or year (with a bgbb model, its opportunity, -unit)")
	fs.IntVar(&in.horizon, "horizon", 0, "periods to forecast; by default as many as -acquired has counts, or 12 with -acquired-rate")
	fs.StringVar(&in.modelFile, "model-file", "", "forecast with the models clv customers -save-model wrote to this JSON file")
	fs.StringVar(&in.input, "input", "", "fit the models to this CSV purchase log instead, as clv customers does, gzipped or not, or - for standard input")
	fs.Var(dateFlag{&in.calibrationEnd}, "calibration-end", "with -input, the last day the models learn from, YYYY-MM-DD")
	fs.TextVar(&in.unit, "unit", clv.Week, "unit of time of the models: week, month, quarter or year; with -model-file, the file's unless given, and then it must be the file's")
	fs.StringVar(&in.model, "model", "bgnbd", "with -input, the purchase model: "+modelNames()+" (all values with the lowest BIC of the continuous models)")
	fs.StringVar(&in.columns.Customer, "customer-column", logcsv.DefaultColumns.Customer, "header of the log's customer id column")
	fs.StringVar(&in.columns.Time, "time-column", logcsv.DefaultColumns.Time, "header of the log's date column")
	fs.StringVar(&in.columns.Amount, "amount-column", logcsv.DefaultColumns.Amount, "header of the log's amount column")
	fs.BoolVar(&in.skipBad, "skip-bad", false, "count and skip malformed lines of the log instead of stopping")
	fs.IntVar(&in.workers, "workers", in.workers, "goroutines that read a log file, one a core by default")
	fs.IntVar(&in.scale, "scale", 2, "decimal places of the revenue printed, rounded half away from zero; from 0 to 30")
	fs.BoolVar(&in.json, "json", false, "print the result as JSON")
	fs.Usage = func() {}

	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		forecastUsage(stdout, fs)
		return 0
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	if err == nil {
		err = in.check(fs, given)
	}
	if err != nil {
		fmt.Fprintf(stderr, "clv forecast: %s (see clv forecast -h)\n", strings.ReplaceAll(err.Error(), "clv: ", ""))
		return 2
	}
	var nm *newCustomerModel
	var code int
	if in.modelFile != "" {
		nm, code = in.readModel(given, stderr)
	} else {
		nm, code = in.fit(stderr)
	}
	if nm == nil {
		return code
	}
	if nm.purchase == nil && given["period"] && in.period != nm.unit {
		fmt.Fprintf(stderr, "clv forecast: -period %s: a bgbb model counts at opportunities of its unit, a %s: give -period %s (see clv forecast -h)\n", in.period, nm.unit, nm.unit)
		return 2
	}
	if nm.purchase == nil {
		in.period = nm.unit
	}
	f, err := in.forecast(nm)
	if err != nil {
		fmt.Fprintf(stderr, "clv forecast: %s\n", strings.ReplaceAll(strings.TrimPrefix(err.Error(), "btyd: "), "clv: ", ""))
		return 1
	}
	if in.json {
		f.printJSON(stdout, nm, int32(in.scale))
	} else {
		f.print(stdout, nm, in)
	}
	return 0
}

// check refuses flags that are missing, out of range or at odds.
func (in *forecastInputs) check(fs *flag.FlagSet, given map[string]bool) error {
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case !given["acquired"] && !given["acquired-rate"]:
		return errors.New("missing -acquired or -acquired-rate: the new customers to forecast")
	case given["acquired"] && given["acquired-rate"]:
		return errors.New("-acquired and -acquired-rate: give counts or a rate, not both")
	case given["acquired-rate"] && (math.IsNaN(in.rate) || math.IsInf(in.rate, 0) || in.rate < 0 || in.rate > 1e12):
		return fmt.Errorf("-acquired-rate %v: must be from 0 to 10^12 customers a period", in.rate)
	case in.input == "" && in.modelFile == "":
		return errors.New("missing -model-file or -input: the model to forecast with, saved by clv customers -save-model or fitted to a log")
	case in.input != "" && in.modelFile != "":
		return errors.New("-input and -model-file: forecast with a model fitted to a log or read from a file, not both")
	case in.input != "" && in.calibrationEnd.IsZero():
		return errors.New("missing -calibration-end: the last day the models fitted to -input learn from")
	case in.modelFile != "" && (given["calibration-end"] || given["model"]):
		return errors.New("-calibration-end and -model: the model of -model-file has its own")
	case !slices.Contains(strings.Split(modelNames(), ", "), in.model):
		return fmt.Errorf("-model %q: must be one of %s", in.model, modelNames())
	case given["horizon"] && in.horizon < 1:
		return fmt.Errorf("-horizon %d: must be at least 1", in.horizon)
	case in.scale < 0 || in.scale > clv.MaxScale:
		return fmt.Errorf("-scale %d: must be from 0 to %d", in.scale, clv.MaxScale)
	case in.workers < 1 || in.workers > 256:
		return fmt.Errorf("-workers %d: must be from 1 to 256", in.workers)
	}
	if !given["horizon"] {
		in.horizon = len(in.acquired)
		if given["acquired-rate"] {
			in.horizon = 12
		}
	}
	switch {
	case len(in.acquired) > in.horizon:
		return fmt.Errorf("-acquired: %d counts, more than the -horizon of %d periods", len(in.acquired), in.horizon)
	case float64(in.horizon)*periodDays(in.period) > maxHorizonYears*365.25:
		return fmt.Errorf("-horizon %d %ss: must be at most %d years", in.horizon, in.period, maxHorizonYears)
	}
	return nil
}

// readModel reads the model of -model-file, of its own unit unless -unit
// is given. On failure it reports on stderr and returns nil and the exit
// code.
func (in *forecastInputs) readModel(given map[string]bool, stderr io.Writer) (*newCustomerModel, int) {
	unit := in.unit
	if !given["unit"] {
		// The file's unit, if it has one; readModel refuses it
		// otherwise, with the reason.
		var doc struct {
			Unit *clv.Period `json:"unit"`
		}
		if data, err := os.ReadFile(in.modelFile); err == nil && json.Unmarshal(data, &doc) == nil && doc.Unit != nil {
			unit = *doc.Unit
		}
	}
	l, err := readModel(in.modelFile, unit)
	if err != nil {
		fmt.Fprintf(stderr, "clv forecast: -model-file %s: %v\n", in.modelFile, err)
		return nil, 2
	}
	nm := &newCustomerModel{name: l.fit.Name, title: l.fit.title, purchase: l.fit.purchase, bgbb: l.bgbb.Model, unit: unit,
		spend: l.spend.Model, from: "read from " + l.path + ", fitted to " + l.calibrationEnd.Format(time.DateOnly), modelFile: l.path, calibrationEnd: l.calibrationEnd}
	if l.flat != nil {
		nm.spend = *l.flat
	}
	return nm, 0
}

// fit fits the models to the log of -input, as clv customers does. On
// failure it reports on stderr and returns nil and the exit code.
func (in *forecastInputs) fit(stderr io.Writer) (*newCustomerModel, int) {
	cin := customerInputs{input: in.input, columns: in.columns, skipBad: in.skipBad, workers: in.workers,
		calibrationEnd: in.calibrationEnd, unit: in.unit, horizon: 1, horizonUnit: clv.Year, step: in.unit,
		discountPeriod: clv.Year, margin: decimal.NewFromInt(1), window: clv.Month, scale: in.scale, model: in.model,
		level: btyd.DefaultLevel}
	m, _, name, code := cin.readLog(stderr)
	if m == nil {
		return nil, code
	}
	s := m.s.Summarizer
	r, err := model(s, cin)
	if err != nil {
		printWarnings(stderr, spanWarnings(s.Totals(), cin))
		fmt.Fprintf(stderr, "clv forecast: %s: %s\n", name, strings.TrimPrefix(err.Error(), "btyd: "))
		return nil, 1
	}
	for _, w := range r.warnings {
		fmt.Fprintln(stderr, "clv forecast: warning: "+w)
	}
	f := r.fits[r.best]
	nm := &newCustomerModel{name: f.Name, title: f.title, purchase: f.purchase, bgbb: r.bgbb.Model, unit: in.unit,
		spend: r.spend.Model, from: "fitted to " + name + " to " + in.calibrationEnd.Format(time.DateOnly), calibrationEnd: in.calibrationEnd}
	if r.flat != nil {
		nm.spend = *r.flat
	}
	return nm, 0
}

// A newCustomerForecast is clv forecast's result.
type newCustomerForecast struct {
	Horizon btyd.Horizon `json:"horizon"`
	// Acquired are the counts of -acquired; Rate is -acquired-rate,
	// customers a period, where the counts are nil.
	Acquired []int64  `json:"acquired,omitempty"`
	Rate     *float64 `json:"acquired_rate,omitempty"`
	// ExpectedSpend is a new customer's expected spend a purchase.
	ExpectedSpend decimal.Decimal     `json:"expected_spend"`
	Periods       []newCustomerPeriod `json:"periods"`
	// Purchases and Revenue are the periods' totals; Customers the
	// customers acquired in all.
	Customers float64         `json:"customers"`
	Purchases float64         `json:"purchases"`
	Revenue   decimal.Decimal `json:"revenue"`
}

// A newCustomerPeriod is one period of the forecast.
type newCustomerPeriod struct {
	Period    int             `json:"period"`
	Acquired  float64         `json:"acquired"`
	Purchases float64         `json:"purchases"`
	Revenue   decimal.Decimal `json:"revenue"`
}

// forecast forecasts the new customers of -acquired or -acquired-rate
// with nm, by btyd's NewCustomerForecast, NewCustomerRateForecast or
// their BG/BB forms. Each period's revenue, carried by btyd to
// clv.DefaultScale places, is rounded again here to -scale, and the
// total is their sum so carried, rounded once to it.
func (in *forecastInputs) forecast(nm *newCustomerModel) (*newCustomerForecast, error) {
	h := btyd.Horizon{Length: in.horizon, Period: in.period}
	out := &newCustomerForecast{Horizon: h, Acquired: in.acquired}
	spend, err := nm.spend.ExpectedSpend(0, decimal.Zero)
	if err != nil {
		return nil, err
	}
	out.ExpectedSpend = spend
	var periods []btyd.RatePeriodForecast
	if in.acquired != nil {
		var counts []btyd.PeriodForecast
		if nm.purchase != nil {
			counts, err = btyd.NewCustomerForecast(nm.purchase, nm.spend, nm.unit, in.acquired, h)
		} else {
			counts, err = btyd.DiscreteNewCustomerForecast(nm.bgbb, nm.spend, nm.unit, in.acquired, h)
		}
		for _, p := range counts {
			periods = append(periods, btyd.RatePeriodForecast{Acquired: float64(p.Acquired), Purchases: p.Purchases, Revenue: p.Revenue})
		}
	} else {
		rate := in.rate
		out.Rate = &rate
		if nm.purchase != nil {
			periods, err = btyd.NewCustomerRateForecast(nm.purchase, nm.spend, nm.unit, in.rate, h)
		} else {
			periods, err = btyd.DiscreteNewCustomerRateForecast(nm.bgbb, nm.spend, nm.unit, in.rate, h)
		}
	}
	if err != nil {
		return nil, err
	}
	total := decimal.Zero
	for k, p := range periods {
		out.Periods = append(out.Periods, newCustomerPeriod{Period: k + 1, Acquired: p.Acquired, Purchases: p.Purchases, Revenue: p.Revenue.Round(int32(in.scale))})
		out.Customers += p.Acquired
		out.Purchases += p.Purchases
		total = total.Add(p.Revenue)
	}
	out.Horizon.Length = len(periods) // BG/BB's opportunities
	out.Revenue = total.Round(int32(in.scale))
	out.ExpectedSpend = spend.Round(int32(in.scale))
	return out, nil
}

// print prints the forecast as a table.
func (f *newCustomerForecast) print(w io.Writer, nm *newCustomerModel, in forecastInputs) {
	scale := int32(in.scale)
	fmt.Fprintf(w, "New customers by %s, %s, in %ss; a new customer's expected spend %s a purchase.\n",
		nm.title, nm.from, nm.unit, f.ExpectedSpend.StringFixed(scale))
	span := periods(f.Horizon.Length, f.Horizon.Period)
	switch {
	case f.Rate != nil && nm.purchase == nil:
		fmt.Fprintf(w, "%s customers at each opportunity, their first purchase there, over %s: their repeat purchases, the first not counted.\n",
			strconv.FormatFloat(*f.Rate, 'f', -1, 64), span)
	case f.Rate != nil:
		fmt.Fprintf(w, "%s customers a %s, won evenly through each, over %s: their repeat purchases, the first not counted.\n",
			strconv.FormatFloat(*f.Rate, 'f', -1, 64), f.Horizon.Period, span)
	case nm.purchase == nil:
		fmt.Fprintf(w, "Customers won at each opportunity, their first purchase there, over %s: their repeat purchases, the first not counted.\n", span)
	default:
		fmt.Fprintf(w, "Customers won at the start of each %s, over %s: their repeat purchases, the first not counted.\n", f.Horizon.Period, span)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%-8s %12s %12s %16s\n", f.Horizon.Period.String(), "acquired", "purchases", "revenue")
	for _, p := range f.Periods {
		fmt.Fprintf(w, "%-8d %12s %12.2f %16s\n", p.Period, strconv.FormatFloat(p.Acquired, 'f', -1, 64), p.Purchases, p.Revenue.StringFixed(scale))
	}
	fmt.Fprintf(w, "%-8s %12s %12.2f %16s\n", "all", strconv.FormatFloat(f.Customers, 'f', -1, 64), f.Purchases, f.Revenue.StringFixed(scale))
}

// printJSON prints the forecast as JSON, with the model it came from.
func (f *newCustomerForecast) printJSON(w io.Writer, nm *newCustomerModel, scale int32) {
	out := struct {
		Model          string     `json:"purchase_model"`
		Unit           clv.Period `json:"unit"`
		ModelFile      string     `json:"model_file,omitempty"`
		CalibrationEnd string     `json:"calibration_end"`
		*newCustomerForecast
	}{nm.name, nm.unit, nm.modelFile, nm.calibrationEnd.Format(time.DateOnly), f}
	data, _ := json.MarshalIndent(out, "", "  ") // finite floats and decimals always marshal
	fmt.Fprintln(w, string(data))
}

func forecastUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintln(w, `Usage: clv forecast -acquired 120,130,150 (or -acquired-rate 40) -model-file model.json [flags]
       clv forecast -acquired 120,130,150 -input orders.csv -calibration-end YYYY-MM-DD [flags]

clv forecast says what customers not yet acquired will bring: each
period's expected repeat purchases and revenue of cohorts won at the
start of each period (-acquired, one count a period) or of customers won
evenly at a constant rate (-acquired-rate, customers a period), over a
horizon of -horizon periods of -period. Each new customer is a new
customer of the purchase model, and each purchase is worth a new
customer's expected spend, the spend model's population mean; the first
purchases themselves are not counted. The models are those clv customers
-save-model wrote (-model-file), or fitted here to a log as clv customers
fits them (-input, -calibration-end, -model, -unit).

  clv customers -input orders.csv -calibration-end 2025-06-30 -save-model model.json
  clv forecast -model-file model.json -acquired 120,130,150 -horizon 12
  clv forecast -model-file model.json -acquired-rate 40 -period month -horizon 24

With a bgbb model, a period is an opportunity of its unit, and a rate is
that many customers whose first purchase, their trial, is at each.
Exit status: 0 with a forecast, 1 if no model can be fitted or the
forecast cannot be computed, 2 for bad flags, logs or model files.

Flags:`)
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}
