package main

// This file implements -report: one HTML page of a run, for clv
// customers and for clv -input, that holds everything the run found —
// the log, the options, the warnings, the fits, the charts, the figures
// of the whole base and its most valuable customers — with no script and
// nothing from elsewhere: the charts are inline SVG, the style a few
// lines of CSS, and the page prints on A4. Every figure on it that -json
// prints too carries the path of its JSON value in a data-key attribute,
// so that a test holds the two to each other.

import (
	"bytes"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"html/template"
	"image/color"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

//go:embed report.html
var reportHTML string

// reportPage is the page's template; each command fills the block of
// its own.
var reportPage = template.Must(template.New("report").Funcs(template.FuncMap{
	"key":   key,
	"num":   num,
	"count": func(n int64) string { return tickLabel(float64(n), 0) },
	"pct":   func(share float64) string { return num(100*share, 1) + " %" },
	"money": func(d decimal.Decimal, scale int32) string { return groupDigits(d.StringFixed(scale)) },
	"date":  func(t time.Time) string { return t.Format(time.DateOnly) },
	"add":   func(a, b int) int { return a + b },
	"heat":  heat,
	"int64": func(n int) int64 { return int64(n) },
	// tname is the JSON key of a customer's age: n at opportunities.
	"tname": func(discrete bool) string {
		if discrete {
			return "n"
		}
		return "t"
	},
	"segment": segmentLabel,
	"process": processWords,
	"pvalue":  func(p float64) string { return strconv.FormatFloat(p, 'g', 2, 64) },
	// dict passes several values to a template: its arguments are
	// pairs of a name and a value.
	"dict": func(kv ...any) (map[string]any, error) {
		if len(kv)%2 != 0 {
			return nil, errors.New("dict: an odd number of arguments")
		}
		m := make(map[string]any, len(kv)/2)
		for i := 0; i < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return m, nil
	},
}).Parse(reportHTML))

// key joins the parts of a JSON path with dots: key "top" 3 "value" is
// "top.3.value".
func key(parts ...any) string {
	s := make([]string, len(parts))
	for i, p := range parts {
		s[i] = fmt.Sprint(p)
	}
	return strings.Join(s, ".")
}

// num prints v to places decimals, its thousands separated by commas.
func num(v float64, places int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	return groupDigits(strconv.FormatFloat(v, 'f', places, 64))
}

// groupDigits separates the thousands of a number's whole part with
// commas.
func groupDigits(s string) string {
	sign := ""
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		sign, s = "-", rest
	}
	whole, frac, dot := strings.Cut(s, ".")
	for i := len(whole) - 3; i > 0; i -= 3 {
		whole = whole[:i] + "," + whole[i:]
	}
	if dot {
		whole += "." + frac
	}
	return sign + whole
}

// heat returns the colours of a heatmap's cell of value v on a scale to
// top: from white to the dark blue of what customers did, with white
// text on the darker half.
func heat(v, top float64) template.CSS {
	f := 0.0
	if top > 0 {
		f = math.Max(0, math.Min(1, v/top))
	}
	mix := func(from, to uint8) int { return int(math.Round(float64(from) + f*(float64(to)-float64(from)))) }
	text := "#111"
	if f > 0.55 {
		text = "#fff"
	}
	return template.CSS(fmt.Sprintf("background:#%02x%02x%02x;color:%s", mix(0xff, actualColor.R), mix(0xff, actualColor.G), mix(0xff, actualColor.B), text))
}

// A flagSetting is one flag of a run and its value.
type flagSetting struct{ Name, Value string }

// settings returns the flags the user gave, in the order of fs, and the
// others, at their defaults, that bear on the figures; the paths of the
// files written and -json are left out of both.
func settings(fs *flag.FlagSet) (given, defaults []flagSetting) {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	fs.VisitAll(func(f *flag.Flag) {
		switch {
		case slices.Contains([]string{"out", "plot", "report", "json", "workers", "input"}, f.Name):
			return
		case fs.Name() == "clv" && slices.Contains(ownFlags, f.Name) && f.Name != "window":
			return // refused with -input
		}
		s := flagSetting{"-" + f.Name, f.Value.String()}
		if set[f.Name] {
			given = append(given, s)
		} else if s.Value != "" {
			defaults = append(defaults, s)
		}
	})
	return given, defaults
}

// inlineSVG draws one chart as an SVG element to set inline in the page:
// render's document less its XML declaration and comment.
func inlineSVG(c *chart) (template.HTML, error) {
	b, err := render([]*chart{c}, "svg")
	if err != nil {
		return "", err
	}
	if i := bytes.Index(b, []byte("<svg")); i >= 0 {
		b = b[i:]
	}
	// gonum/plot lays the texts out by Liberation Sans's metrics, which
	// Arial's and Helvetica's match: a browser without the one takes the
	// others, not its default serif, whose wider texts would run into
	// each other.
	b = bytes.ReplaceAll(b, []byte("font-family:Liberation Sans;"), []byte("font-family:'Liberation Sans',Arial,Helvetica,sans-serif;"))
	return template.HTML(b), nil // gonum/plot escapes the texts it draws
}

// writeReport executes the page's template with page into path, or
// says, under flag, why it could not: the path once, first.
func writeReport(path string, page any) error {
	var buf bytes.Buffer
	if err := reportPage.Execute(&buf, page); err != nil {
		return fmt.Errorf("-report %s: %w", path, err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("-report %s: %w", path, err)
	}
	return nil
}

// checkReport refuses a -report name that does not say HTML, as -plot
// refuses one that names no format it draws.
func checkReport(path string) error {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".html", ".htm":
		return nil
	}
	return fmt.Errorf("-report %s: name the file .html, the page it writes", path)
}

// A customersPage is what clv customers -report shows.
type customersPage struct {
	Customers bool // selects the template's block

	// The run: the log's name, when the page was written, the accounting
	// of its lines and customers, the units, the scale of money, the
	// flags given and those at their defaults, and what the run warned of
	// and noted.
	Name      string
	Generated string
	Stats     logStats
	Totals    btyd.Totals
	Unit      string // the unit of time, or of opportunities, in the singular
	Units     string // and in the plural
	Scale     int32
	Given     []flagSetting
	Defaults  []flagSetting
	Warnings  []string
	Notes     []string

	// The fits: the purchase models, the one that values, what chose it
	// and those that failed; the spend model and its means, or the flat
	// spend in its place; the holdout; and whether the purchases are
	// counted at opportunities, by BG/BB.
	Fits       []purchaseFit
	Best       int
	ChosenBy   string
	Failed     []string
	Spend      *btyd.GammaGammaFit
	SpendMeans []fitMean
	Flat       *btyd.FlatSpend
	Holdout    *btyd.Holdout
	Discrete   bool
	// ModelFile is the -model-file the models were read from, not
	// fitted; nil after a fit.
	ModelFile *modelFileJSON

	// The charts of -plot, and why some or all are missing.
	Charts    []template.HTML
	ChartNote string

	// The base: customers by frequency and recency, and the grid's
	// highest mean of purchases, for its colours; P(alive) in tenths; the
	// spread of value and the percents of its top shown; the valuation,
	// its horizon, intervals, margin and discount; the most valuable
	// customers and those at risk, below a P(alive) of AtRiskAlive; the
	// log's segment column.
	Grid          historyGrid
	TopPurchases  float64
	AliveBins     []aliveBin
	AliveChart    template.HTML
	Spread        btyd.ValueSpread
	LorenzChart   template.HTML
	TopShares     []int
	Valuation     btyd.Valuation
	Horizon       string
	Intervals     *btyd.ValuationIntervals
	Level         string
	Margin        string // the gross margin
	Discount      string // the discount rate and its period; "" for none
	Top           []reportCustomer
	AtRisk        []reportCustomer
	AtRiskAlive   float64
	SegmentColumn string
	// Segments is the value of each segment, both ways, and
	// SegmentsExplained what each side's columns mean; nil without
	// segments.
	Segments          *segmentTable
	SegmentsExplained []string
	// Covariates are the fits of -covariates, which value; nil without.
	Covariates *covariateFit
}

// A reportCustomer is a row of the tables of customers: the index of
// the row of the same customer in -json's list, and their figures.
type reportCustomer struct {
	Row       int
	ID        string
	X         int64
	Tx, T     float64
	Discrete  bool
	ProbAlive float64
	Purchases float64
	Spend     decimal.Decimal
	Value     decimal.Decimal
	Interval  *btyd.MoneyInterval
}

// reportCustomers returns the rows of the customers idx of r.
func (r *customerResult) reportCustomers(idx []int) []reportCustomer {
	rows := make([]reportCustomer, len(idx))
	for k, i := range idx {
		cv := r.valuation.Customers[i]
		row := reportCustomer{Row: k, ID: cv.ID, ProbAlive: cv.ProbAlive, Purchases: cv.Purchases, Spend: cv.Spend, Value: cv.Value}
		if d := r.discrete; d != nil {
			c := d.Customers[i]
			row.X, row.Tx, row.T, row.Discrete = c.X, float64(c.Tx), float64(c.N), true
		} else {
			c := r.base.Customers[i]
			row.X, row.Tx, row.T = c.X, c.Tx, c.T
		}
		if r.intervals != nil {
			row.Interval = &r.intervals.Customers[i].Value
		}
		rows[k] = row
	}
	return rows
}

// writeCustomersReport writes the page of a run of clv customers to
// path: the run, the fits, the charts of r's fits on s, and the figures
// of the whole base.
func writeCustomersReport(path, name string, stats logStats, r *customerResult, s *btyd.Summarizer, in customerInputs, fs *flag.FlagSet) error {
	page, err := customersReport(name, stats, r, s, in, fs)
	if err != nil {
		return fmt.Errorf("-report %s: %w", path, err)
	}
	return writeReport(path, page)
}

// customersReport gathers the page of a run of clv customers.
func customersReport(name string, stats logStats, r *customerResult, s *btyd.Summarizer, in customerInputs, fs *flag.FlagSet) (*customersPage, error) {
	p := &customersPage{Customers: true, Name: name, Generated: time.Now().UTC().Format("2006-01-02 15:04 UTC"),
		Stats: stats, Totals: r.totals, Unit: r.base.Unit.String(), Scale: int32(in.scale),
		Warnings: r.warnings, Fits: r.fits, Best: r.best, ChosenBy: r.chosenBy, Holdout: r.holdout,
		Discrete: r.discrete != nil, Valuation: r.valuation, Intervals: r.intervals,
		AtRiskAlive: atRiskAlive, SegmentColumn: in.columns.Segment, TopShares: []int{1, 10, 20}, Segments: r.segments,
		Covariates: r.covariates}
	if r.segments != nil {
		p.SegmentsExplained = segmentsExplained(r, in)
	}
	p.Units = p.Unit + "s"
	if r.discrete != nil {
		often := map[clv.Period]string{clv.Week: "weekly", clv.Month: "monthly", clv.Quarter: "quarterly", clv.Year: "yearly"}[r.discrete.Every]
		p.Unit, p.Units = often+" opportunity", often+" opportunities"
	}
	p.Given, p.Defaults = settings(fs)
	if l := r.loaded; l != nil {
		p.ModelFile = &modelFileJSON{Path: l.path, CalibrationEnd: l.calibrationEnd.Format(time.DateOnly)}
	}
	for _, f := range r.failed {
		p.Failed = append(p.Failed, f.title)
	}
	if r.flat != nil {
		p.Flat = &btyd.FlatSpend{Amount: r.flat.Amount.Round(p.Scale)}
	} else {
		p.Spend, p.SpendMeans = &r.spend, fitMeans(r.spend.Model, r.base.Unit)
		if note := zeroSpendNote(r.spend); note != "" {
			p.Notes = append(p.Notes, note)
		}
	}
	if r.intervals != nil {
		p.Level = levelLabel(r.intervals.Level)
	}
	p.Margin = in.margin.String()
	if !in.discount.IsZero() {
		p.Discount = in.discount.String() + " a " + in.discountPeriod.String()
	}
	// "the next year", not "the next 1 year".
	p.Horizon = periods(r.valuation.Horizon.Length, r.valuation.Horizon.Period)
	if r.valuation.Horizon.Length == 1 {
		p.Horizon = r.valuation.Horizon.Period.String()
	}

	charts, note, err := modelCharts(r, s)
	switch {
	case errors.Is(err, errNoHoldout):
		p.ChartNote = "No holdout: give -holdout-end to set each model's predictions beside what customers did."
	case err != nil:
		p.ChartNote = "No charts of the fits: " + err.Error() + "."
	default:
		if note != "" {
			p.ChartNote = "Only " + note + "."
		}
		for _, c := range charts {
			svg, err := inlineSVG(c)
			if err != nil {
				return nil, err
			}
			p.Charts = append(p.Charts, svg)
		}
	}

	p.Grid = r.grid()
	for _, row := range p.Grid.Cells {
		for _, c := range row {
			p.TopPurchases = max(p.TopPurchases, c.Purchases)
		}
	}
	p.AliveBins = r.aliveBins()
	if p.AliveChart, err = aliveChart(p.AliveBins); err != nil {
		return nil, err
	}
	p.Spread = btyd.Spread(r.valuation)
	if p.LorenzChart, err = lorenzChart(p.Spread); err != nil {
		return nil, err
	}
	p.Top = r.reportCustomers(r.order[:min(in.top, len(r.order))])
	p.AtRisk = r.reportCustomers(r.atRisk(in.top))
	return p, nil
}

// aliveChart draws how many customers lie in each tenth of P(alive).
func aliveChart(bins []aliveBin) (template.HTML, error) {
	c := newChart("Customers by P(alive)", "P(alive) at the calibration end", "customers")
	// Each bar edged in white, apart from its neighbours.
	h := &plotter.Histogram{FillColor: actualColor}
	h.LineStyle.Color, h.LineStyle.Width = color.White, vg.Points(1)
	for _, b := range bins {
		h.Bins = append(h.Bins, plotter.HistogramBin{Min: b.Low, Max: b.High, Weight: float64(b.Customers)})
		c.top = max(c.top, float64(b.Customers))
	}
	c.X.Tick.Marker = niceTicks{}
	c.X.Min, c.X.Max = 0, 1
	c.Add(h)
	return inlineSVG(c)
}

// lorenzChart draws the Lorenz curve of value: the share of the value
// the most valuable customers hold, against their share of the
// customers, beside the diagonal of a base whose customers are worth
// the same.
func lorenzChart(s btyd.ValueSpread) (template.HTML, error) {
	c := newChart("Share of value held by the most valuable", "% of customers, the most valuable first", "% of the value")
	c.X.Tick.Marker, c.Y.Tick.Marker = niceTicks{}, niceTicks{}
	c.X.Min, c.X.Max, c.top, c.full = 0, 100, 100, true
	c.Legend.Top, c.Legend.Left = false, false
	curve := make(plotter.XYs, len(s.Top))
	for p, t := range s.Top {
		curve[p] = plotter.XY{X: float64(p), Y: 100 * t.Share}
	}
	equal, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 100, Y: 100}})
	if err != nil {
		return "", err
	}
	equal.Color, equal.Width, equal.Dashes = calibrationColor, vg.Points(1), modelDashes[0]
	line, err := plotter.NewLine(curve)
	if err != nil {
		return "", err
	}
	line.Color, line.Width = actualColor, vg.Points(2)
	c.Add(equal, line)
	c.Legend.Add("customers' value", line)
	c.Legend.Add("all worth the same", equal)
	return inlineSVG(c)
}

// A logPage is what clv -input -report shows.
type logPage struct {
	Customers bool // false: the template's block of a log

	// The run, as the customers' page has it, with the log's span, the
	// windows' period and the charts of the windows.
	Name      string
	Generated string
	Stats     logStats
	First     time.Time
	Last      time.Time
	Period    string
	Scale     int32
	Given     []flagSetting
	Defaults  []flagSetting
	Warnings  []string
	Notes     []string
	Charts    []template.HTML

	// The table of windows, whether its first or last is partial, and
	// each segment's lifetime value; nil where none could be priced.
	Windows []logWindow
	Partial bool
	Report  *clv.SegmentReport
}

// FirstKey, LastKey and LinesKey are the JSON paths of the figures of
// the run's table, the log's first and last days and its accounting of
// lines, which the two commands' JSON put in different places.
func (logPage) FirstKey() string { return "summary.first" }

// LastKey is the JSON path of the log's last day.
func (logPage) LastKey() string { return "summary.last" }

// LinesKey is the JSON path of the accounting of the log's lines.
func (logPage) LinesKey() string { return "lines" }

// FirstKey is the JSON path of the log's first day.
func (customersPage) FirstKey() string { return "totals.first" }

// LastKey is the JSON path of the log's last day.
func (customersPage) LastKey() string { return "totals.last" }

// LinesKey is the JSON path of the accounting of the log's lines.
func (customersPage) LinesKey() string { return "log" }

// First is the log's first day, as the log's page has it.
func (p customersPage) First() time.Time { return p.Totals.First }

// Last is the log's last day.
func (p customersPage) Last() time.Time { return p.Totals.Last }

// A logWindow is a row of the table of windows: a window of the whole
// log or of one segment, and the JSON path of its figures.
type logWindow struct {
	Label, Segment, Key, Churn, ChurnKey string
	W                                    clv.WindowSummary
}

// A windowChurn is the churn of a row of the table of windows, in the
// JSON of a log: null where the window had no previous customers.
type windowChurn struct {
	Window  string           `json:"window"`
	Segment string           `json:"segment"`
	Rate    *decimal.Decimal `json:"rate"`
}

// logWindows returns the rows of the table of windows of s, each window
// of the whole log followed, where there are several segments, by its
// windows of each, and their churn as the JSON has it.
func logWindows(s clv.Summary) ([]logWindow, []windowChurn) {
	var rows []logWindow
	churn := []windowChurn{}
	add := func(segment, path string, ws clv.WindowSummary) {
		label := windowLabel(ws.Start, s.Period)
		if ws.Partial {
			label += "*"
		}
		row := logWindow{Label: label, Segment: segment, Key: path, Churn: "–", ChurnKey: key("churn", len(churn), "rate"), W: ws}
		c := windowChurn{Window: windowLabel(ws.Start, s.Period), Segment: segment}
		if rate, err := ws.ChurnRate(); err == nil {
			rate = rate.Round(4)
			row.Churn, c.Rate = rate.StringFixed(4), &rate
		}
		rows, churn = append(rows, row), append(churn, c)
	}
	for i, all := range s.Windows {
		add("all", key("summary.windows", i), all)
		if len(s.Segments) > 1 {
			for k, seg := range s.Segments {
				add(segmentLabel(seg.Name), key("summary.segments", k, "windows", i), seg.Windows[i])
			}
		}
	}
	return rows, churn
}

// writeLogReport writes the page of a run of clv -input to path: the
// run, each window, a chart of them, and each segment's lifetime value.
func writeLogReport(path, name string, stats logStats, s clv.Summary, report *clv.SegmentReport, notes, warnings []string, scale int32, fs *flag.FlagSet) error {
	p := &logPage{Name: name, Generated: time.Now().UTC().Format("2006-01-02 15:04 UTC"), Stats: stats,
		First: s.First, Last: s.Last, Period: s.Period.String(), Scale: scale, Warnings: warnings, Notes: notes, Report: report}
	p.Given, p.Defaults = settings(fs)
	p.Windows, _ = logWindows(s)
	if n := len(s.Windows); n > 0 {
		p.Partial = s.Windows[0].Partial || s.Windows[n-1].Partial
		for _, draw := range []func(clv.Summary) (*chart, error){revenueChart, windowsChart} {
			c, err := draw(s)
			if err != nil {
				return fmt.Errorf("-report %s: %w", path, err)
			}
			svg, err := inlineSVG(c)
			if err != nil {
				return fmt.Errorf("-report %s: %w", path, err)
			}
			p.Charts = append(p.Charts, svg)
		}
	}
	return writeReport(path, p)
}

// maxSegmentLines is the most segments the chart of revenue draws a
// line of; with more, it draws the whole log's alone, and the table
// gives each segment's.
const maxSegmentLines = 3

// revenueChart draws the revenue of each window of s, net of refunds:
// the whole log's, and each segment's where there are a few.
func revenueChart(s clv.Summary) (*chart, error) {
	c := newChart("Revenue each "+s.Period.String(), s.Period.String()+" of the log, the first "+windowLabel(s.Windows[0].Start, s.Period), "revenue, net of refunds")
	c.Y.Tick.Marker = niceTicks{}
	lines := []struct {
		name    string
		windows []clv.WindowSummary
	}{{"all", s.Windows}}
	if n := len(s.Segments); n > 1 && n <= maxSegmentLines {
		for _, seg := range s.Segments {
			lines = append(lines, struct {
				name    string
				windows []clv.WindowSummary
			}{segmentLabel(seg.Name), seg.Windows})
		}
	}
	for k, l := range lines {
		xys := make(plotter.XYs, len(l.windows))
		for i, w := range l.windows {
			xys[i] = plotter.XY{X: float64(i + 1), Y: w.Revenue.InexactFloat64()}
			c.top = max(c.top, xys[i].Y)
		}
		ln, err := plotter.NewLine(xys)
		if err != nil {
			return nil, err
		}
		ln.Color, ln.Width = actualColor, vg.Points(2)
		if k > 0 {
			ln.Color, ln.Width, ln.Dashes = modelColors[(k-1)%len(modelColors)], vg.Points(1.5), modelDashes[(k-1)%len(modelDashes)]
		}
		c.Add(ln)
		c.Legend.Add(l.name, ln)
	}
	c.X.Min, c.X.Max = 1, float64(max(len(s.Windows), 2))
	return c, nil
}

// windowsChart draws the customers of each window of s: new, returning,
// and lost since the window before.
func windowsChart(s clv.Summary) (*chart, error) {
	c := newChart("Customers each "+s.Period.String(), s.Period.String()+" of the log, the first "+windowLabel(s.Windows[0].Start, s.Period), "customers")
	series := []struct {
		name  string
		clr   color.Color
		value func(clv.WindowSummary) int64
	}{
		{"new", actualColor, func(w clv.WindowSummary) int64 { return w.NewCustomers }},
		{"returning", modelColors[1], func(w clv.WindowSummary) int64 { return w.ReturningCustomers }},
		{"lost", modelColors[0], func(w clv.WindowSummary) int64 { return w.LostCustomers }},
	}
	for k, sr := range series {
		xys := make(plotter.XYs, len(s.Windows))
		for i, w := range s.Windows {
			xys[i] = plotter.XY{X: float64(i + 1), Y: float64(sr.value(w))}
			c.top = max(c.top, xys[i].Y)
		}
		ln, err := plotter.NewLine(xys)
		if err != nil {
			return nil, err
		}
		ln.Color, ln.Width = sr.clr, vg.Points(1.5)
		if k > 0 {
			ln.Dashes = modelDashes[k-1]
		}
		c.Add(ln)
		c.Legend.Add(sr.name, ln)
	}
	c.X.Min, c.X.Max = 1, float64(max(len(s.Windows), 2))
	return c, nil
}
