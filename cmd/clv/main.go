// Command clv computes customer lifetime value at the terminal, with the
// calculations of package [github.com/clvkit/clv].
//
// With no flags it prints a worked example, a small online shop. Give the
// totals of a window and a lifespan to compute your own:
//
//	clv -revenue 120000 -purchases 4800 -customers 1500 -window year \
//	    -churn 0.02 -period month -margin 0.4 -discount 0.1 -cac 30
//
// Give a purchase log to summarise it by calendar window and segment:
//
//	clv -input orders.csv -window month -margin 0.4
//
// clv customers models each customer of a log with the BG/NBD and
// gamma–gamma models of package [github.com/clvkit/clv/btyd]: how likely
// they are still a customer, how many purchases they will make, and what
// they are worth:
//
//	clv customers -input orders.csv -calibration-end 2025-06-30 \
//	    -holdout-end 2025-12-31 -out customers.csv -plot fit.svg
//
// clv forecast gives the repeat purchases and revenue, period by period,
// of customers not yet acquired, by a model clv customers -save-model
// saved:
//
//	clv forecast -model-file model.json -acquired 120,130,150 -horizon 12
//
// -report report.html, with either command, writes the run as one HTML
// page that needs no network and prints on A4.
//
// -json prints the result as JSON. Figures are rounded once, half away
// from zero, to -scale places (2 by default). Bad flags or values print one
// line on standard error and exit with status 2.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/internal/logcsv"
	"github.com/shopspring/decimal"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// inputs are the flags, each a parameter or option of clv.Calculate.
type inputs struct {
	window          clv.Window
	length, churn   decimal.Decimal
	period          clv.Period
	margin          decimal.Decimal
	discount        decimal.Decimal
	discountPeriod  clv.Period
	cac             decimal.Decimal
	retention       decimal.Decimal
	retentionPeriod clv.Period
	scale           int
	json            bool
	input           string
	columns         logcsv.Columns
	skipBad         bool
	workers         int
	report          string
}

// example is the built-in small business.
var example = inputs{
	window: clv.Window{Revenue: decimal.RequireFromString("120000.00"), Purchases: 4800, Customers: 1500, Period: clv.Year},
	churn:  decimal.RequireFromString("0.02"), period: clv.Month,
	margin:   decimal.RequireFromString("0.4"),
	discount: decimal.RequireFromString("0.1"), discountPeriod: clv.Year,
	cac:       decimal.RequireFromString("30"),
	retention: decimal.RequireFromString("0.5"), retentionPeriod: clv.Month,
	scale:   2,
	workers: defaultWorkers(),
}

// The flags that describe a business of the user's own; any of them turns
// the example off.
var ownFlags = []string{"revenue", "purchases", "customers", "window", "lifespan", "churn", "period"}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "customers" {
		return runCustomers(args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "forecast" {
		return runForecast(args[1:], stdout, stderr)
	}
	var in inputs
	fs := flag.NewFlagSet("clv", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.TextVar(&in.window.Revenue, "revenue", decimal.Zero, "revenue of the window, net of refunds")
	fs.Int64Var(&in.window.Purchases, "purchases", 0, "purchases (orders) in the window")
	fs.Int64Var(&in.window.Customers, "customers", 0, "distinct customers who bought in the window")
	fs.TextVar(&in.window.Period, "window", clv.Year, "length of the window: week, month, quarter or year")
	fs.TextVar(&in.length, "lifespan", decimal.Zero, "average lifespan, in periods of -period")
	fs.TextVar(&in.churn, "churn", decimal.Zero, "churn rate per -period, above 0, such as 0.05 (instead of -lifespan); a churn of 0 would keep customers for ever")
	fs.TextVar(&in.period, "period", clv.Year, "period of -lifespan or -churn")
	fs.TextVar(&in.margin, "margin", decimal.NewFromInt(1), "gross margin, from 0 to 1")
	fs.TextVar(&in.discount, "discount", decimal.Zero, "discount rate per -discount-period")
	fs.TextVar(&in.discountPeriod, "discount-period", clv.Year, "period of -discount")
	fs.TextVar(&in.cac, "cac", decimal.Zero, "cost of acquiring one customer")
	fs.TextVar(&in.retention, "retention-cost", decimal.Zero, "cost of keeping one customer per -retention-period")
	fs.TextVar(&in.retentionPeriod, "retention-period", clv.Month, "period of -retention-cost")
	fs.IntVar(&in.scale, "scale", 2, "decimal places of the results, from 0 to 30")
	fs.BoolVar(&in.json, "json", false, "print the result as JSON")
	fs.StringVar(&in.input, "input", "", "a CSV purchase log to summarise, its fields separated by commas, gzipped or not, or - for standard input")
	fs.StringVar(&in.columns.Customer, "customer-column", logcsv.DefaultColumns.Customer, "header of the log's customer id column")
	fs.StringVar(&in.columns.Time, "time-column", logcsv.DefaultColumns.Time, "header of the log's date column: RFC 3339, YYYY-MM-DD or YYYYMMDD")
	fs.StringVar(&in.columns.Amount, "amount-column", logcsv.DefaultColumns.Amount, "header of the log's amount column; negative amounts are refunds")
	fs.StringVar(&in.columns.Segment, "segment-column", logcsv.DefaultColumns.Segment, "header of the log's segment column, if it has one")
	fs.BoolVar(&in.skipBad, "skip-bad", false, "count and skip malformed lines of the log instead of stopping")
	fs.IntVar(&in.workers, "workers", defaultWorkers(), "goroutines that read a log file, one a core by default")
	fs.StringVar(&in.report, "report", "", "with -input, write a page of the run to this HTML file: the log, each window and segment, a chart of the customers each window, and each segment's lifetime value; it needs no network and prints on A4")
	fs.Usage = func() {} // help only on -h, below; a bad flag gets one line

	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		usage(stdout, fs)
		return 0
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	own := slices.ContainsFunc(ownFlags, func(name string) bool { return given[name] })
	switch {
	case err != nil:
	case fs.NArg() > 0:
		err = fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case given["input"]:
		for _, name := range []string{"revenue", "purchases", "customers"} {
			if given[name] {
				err = fmt.Errorf("-%s: the log gives the totals; leave it out with -input", name)
			}
		}
		for _, name := range []string{"lifespan", "churn", "period"} {
			if given[name] {
				err = fmt.Errorf("-%s: the log measures churn; leave it out with -input", name)
			}
		}
		if !given["window"] {
			in.window.Period = clv.Month
		}
	case own && given["churn"] && in.churn.IsZero():
		err = fmt.Errorf("-churn %s: a churn rate of 0 loses no customer, so the lifespan, and the lifetime value, would be unbounded: give a churn rate above 0, or a -lifespan", in.churn)
	case own:
		err = requireOwn(given)
	default:
		// No business described: the example, adjusted by any options,
		// which parse again over it as they did over the defaults.
		in = example
		_ = fs.Parse(args)
	}
	if err == nil && given["report"] && !given["input"] {
		err = errors.New("-report: needs -input, the log to report on")
	}
	if err == nil && given["report"] {
		err = checkReport(in.report)
	}
	if err == nil && (in.workers < 1 || in.workers > 256) {
		err = fmt.Errorf("-workers %d: must be from 1 to 256", in.workers)
	}
	if err == nil && (in.scale < 0 || in.scale > clv.MaxScale) {
		err = fmt.Errorf("-scale %d: must be from 0 to %d", in.scale, clv.MaxScale)
	}
	if err != nil {
		fmt.Fprintf(stderr, "clv: %s (see clv -h)\n", strings.ReplaceAll(err.Error(), "clv: ", ""))
		return 2
	}

	opts := []clv.Option{
		clv.WithGrossMargin(in.margin),
		clv.WithDiscountRate(in.discount, in.discountPeriod),
		clv.WithAcquisitionCost(in.cac),
		clv.WithRetentionCost(in.retention, in.retentionPeriod),
		clv.WithScale(int32(in.scale)),
	}
	// Refuse a bad option before any log is read: on a window and
	// lifespan that are fine, only an option can fail.
	probe := clv.Window{Revenue: decimal.NewFromInt(1), Purchases: 1, Customers: 1}
	if _, err := clv.Calculate(probe, clv.Lifespan{Length: decimal.NewFromInt(1)}, opts...); err != nil {
		fmt.Fprintf(stderr, "clv: %s (see clv -h)\n", flagNames(err))
		return 2
	}
	if given["input"] {
		if in.report != "" {
			if err := checkWritable(in.report); err != nil {
				fmt.Fprintf(stderr, "clv: -report %s: %v\n", in.report, err)
				return 2
			}
		}
		return runLog(in, opts, fs, stdout, stderr)
	}
	life := clv.Lifespan{Length: in.length, ChurnRate: in.churn, Period: in.period}
	result, err := clv.Calculate(in.window, life, opts...)
	if err != nil {
		fmt.Fprintf(stderr, "clv: %s\n", flagNames(err))
		return 2
	}
	if in.json {
		out, _ := json.MarshalIndent(result, "", "  ") // a Result always marshals
		fmt.Fprintln(stdout, string(out))
		return 0
	}
	if !own {
		fmt.Fprintln(stdout, "A worked example: a small online shop. Run clv -h to enter your own figures.")
		fmt.Fprintln(stdout)
	}
	printInputs(stdout, in, life)
	fmt.Fprintln(stdout)
	printResult(stdout, result, int32(in.scale))
	return 0
}

// runLog summarises the purchase log named by -input and prices its
// segments.
func runLog(in inputs, opts []clv.Option, fs *flag.FlagSet, stdout, stderr io.Writer) int {
	o := logReading{columns: in.columns, period: in.window.Period, skipBad: in.skipBad, workers: in.workers}
	sum, stats, name, code := readInput(in.input, o, "clv", stderr)
	if sum == nil {
		return code
	}
	acc := sum.(accumulator).Accumulator
	s := acc.Summary()
	report, notes := priceLog(s, opts)
	warnings := partialWarnings(s)
	for _, w := range warnings {
		fmt.Fprintln(stderr, "clv: warning: "+w)
	}
	if in.json {
		printLogJSON(stdout, stats, s, report, notes, warnings)
	} else {
		printLog(stdout, name, stats, s, report, notes, int32(in.scale))
	}
	if in.report != "" {
		if err := writeLogReport(in.report, name, stats, s, report, notes, warnings, int32(in.scale), fs); err != nil {
			fmt.Fprintf(stderr, "clv: %v\n", err)
			return 1
		}
	}
	return 0
}

// optionFlags are the flags behind the library's options, by the prefix
// of the option's messages.
var optionFlags = []struct{ prefix, flag string }{
	{"clv: WithGrossMargin: margin", "-margin"},
	{"clv: WithDiscountRate: rate", "-discount"},
	{"clv: WithAcquisitionCost: cost", "-cac"},
	{"clv: WithRetentionCost: cost", "-retention-cost"},
}

// flagNames returns the message of err, a failure of the library, with
// an option's name replaced by the flag that set it: "-margin = 1.5: must
// be at most 1", not "WithGrossMargin: margin = 1.5: …".
func flagNames(err error) string {
	msg := err.Error()
	for _, o := range optionFlags {
		if rest, ok := strings.CutPrefix(msg, o.prefix); ok {
			return o.flag + rest
		}
	}
	return strings.TrimPrefix(msg, "clv: ")
}

func requireOwn(given map[string]bool) error {
	var missing []string
	for _, name := range []string{"revenue", "purchases", "customers"} {
		if !given[name] {
			missing = append(missing, "-"+name)
		}
	}
	if !given["lifespan"] && !given["churn"] {
		missing = append(missing, "-lifespan or -churn")
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing %s: give the window's totals and a lifespan, or no flags for the example", strings.Join(missing, ", "))
	}
	return nil
}

func usage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintln(w, `Usage: clv [flags]

clv computes customer lifetime value from what a window of time observed
and how long customers stay. With no flags it prints a worked example.

  clv -revenue 120000 -purchases 4800 -customers 1500 -window year \
      -churn 0.02 -period month -margin 0.4 -discount 0.1 -cac 30

clv customers -h tells how to model each customer of a purchase log, and
clv forecast -h how to forecast customers not yet acquired.
Periods are week, month, quarter or year. Flags:`)
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

func printInputs(w io.Writer, in inputs, life clv.Lifespan) {
	row := func(name, value string) { fmt.Fprintf(w, "%-24s %s\n", name, value) }
	win := in.window
	row("window", fmt.Sprintf("a %s: revenue %s from %d purchases by %d customers", win.Period, win.Revenue, win.Purchases, win.Customers))
	if life.ChurnRate.IsZero() {
		row("lifespan", fmt.Sprintf("%s %ss", life.Length, life.Period))
	} else {
		row("lifespan", fmt.Sprintf("churn of %s a %s", life.ChurnRate, life.Period))
	}
	row("gross margin", in.margin.String())
	if !in.discount.IsZero() {
		row("discount rate", fmt.Sprintf("%s a %s", in.discount, in.discountPeriod))
	}
	if !in.cac.IsZero() {
		row("acquisition cost", in.cac.String())
	}
	if !in.retention.IsZero() {
		row("retention cost", fmt.Sprintf("%s a %s", in.retention, in.retentionPeriod))
	}
}

func printResult(w io.Writer, r clv.Result, scale int32) {
	per := r.Period.String()
	row := func(name string, v decimal.Decimal, unit string) {
		line := fmt.Sprintf("%-24s %12s", name, v.StringFixed(scale))
		if unit != "" {
			line += " " + unit
		}
		fmt.Fprintln(w, line)
	}
	row("average purchase value", r.AveragePurchaseValue, "")
	row("purchase frequency", r.PurchaseFrequency, "a "+per)
	row("customer value", r.CustomerValue, "a "+per)
	row("lifespan", r.Lifespan, per+"s")
	row("lifetime value", r.LifetimeValue, "revenue")
	row("", r.ProfitLifetimeValue, "profit")
	row("", r.DiscountedLifetimeValue, "profit, discounted")
	row("acquisition cost", r.AcquisitionCost, "")
	row("retention cost", r.RetentionCost, "over the lifespan, discounted")
	row("net lifetime value", r.NetLifetimeValue, "")
	if r.LTVToCAC.Valid {
		row("LTV:CAC", r.LTVToCAC.Decimal, "")
	}
	if r.PaybackPeriods.Valid {
		row("payback", r.PaybackPeriods.Decimal, per+"s")
	}
}
