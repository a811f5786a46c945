package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/clvkit/clv"
	"github.com/shopspring/decimal"
)

// columns names the header fields of a purchase log.
type columns struct {
	customer, time, amount, segment string
}

// logStats accounts for every line of a log: Lines is the header plus
// each of the others.
type logStats struct {
	Lines     int64 `json:"lines"`
	Purchases int64 `json:"purchases"`
	Refunds   int64 `json:"refunds"`
	Blank     int64 `json:"blank"`
	Skipped   int64 `json:"skipped"`
	// FirstSkipped says why the first few skipped lines were skipped.
	FirstSkipped []string `json:"first_skipped,omitempty"`
}

// reportSkipped is how many skipped lines are reported by reason.
const reportSkipped = 5

// errNothing is the failure of a log with no purchase or refund in it.
var errNothing = errors.New("nothing to summarise")

// A logLayout is where a log's header puts the fields of a purchase.
type logLayout struct {
	fields                          int // in every line
	customer, time, amount, segment int // indexes; segment −1 if absent
}

// parseHeader finds the columns in the header line.
func parseHeader(line []byte, cols columns) (logLayout, error) {
	line = bytes.TrimSuffix(line, []byte("\r"))
	line = bytes.TrimPrefix(line, []byte("\ufeff")) // a byte order mark
	if len(line) == 0 {
		return logLayout{}, errors.New("the log is empty: it needs a header line")
	}
	names, err := splitLine(line, nil, make([]byte, 0, len(line)))
	if err != nil {
		return logLayout{}, fmt.Errorf("header: %w", err)
	}
	index := map[string]int{}
	for i, name := range names {
		if j, ok := index[string(name)]; ok {
			return logLayout{}, fmt.Errorf("header: columns %d and %d are both named %s", j+1, i+1, quote(name))
		}
		index[string(name)] = i
	}
	l := logLayout{fields: len(names)}
	for _, c := range []struct {
		flag, name string
		required   bool
		index      *int
	}{
		{"customer-column", cols.customer, true, &l.customer},
		{"time-column", cols.time, true, &l.time},
		{"amount-column", cols.amount, true, &l.amount},
		{"segment-column", cols.segment, cols.segment != defaultColumns.segment, &l.segment},
	} {
		i, ok := index[c.name]
		switch {
		case !ok && c.required:
			return l, fmt.Errorf("the header has no column %s (name it with -%s)", quote([]byte(c.name)), c.flag)
		case !ok:
			i = -1
		}
		*c.index = i
	}
	return l, nil
}

// row returns the purchase on a line split into fields, as a Row, with
// every check that is the line's own: the limits the Accumulator enforces
// on single purchases are checked here, the year of the time by
// parseTime, so that only the limits of the whole log are left to the
// Accumulator. An amount with more digits than a Row holds comes back as
// a decimal beside it.
func (l logLayout) row(fields [][]byte, parseTime func([]byte) (time.Time, error)) (clv.Row, *decimal.Decimal, error) {
	var r clv.Row
	if len(fields) != l.fields {
		return r, nil, fmt.Errorf("%d fields, where the header has %d", len(fields), l.fields)
	}
	r.Customer = fields[l.customer]
	switch {
	case len(r.Customer) == 0:
		return r, nil, errors.New("customer: empty")
	case len(r.Customer) > maxNameBytes:
		return r, nil, fmt.Errorf("customer %s: out of range: longer than %d bytes", quote(r.Customer), maxNameBytes)
	}
	if l.segment >= 0 {
		if r.Segment = fields[l.segment]; len(r.Segment) > maxNameBytes {
			return r, nil, fmt.Errorf("segment %s: out of range: longer than %d bytes", quote(r.Segment), maxNameBytes)
		}
	}
	var err error
	if r.Time, err = parseTime(fields[l.time]); err != nil {
		return r, nil, err
	}
	a, err := parseAmount(fields[l.amount])
	if err != nil {
		return r, nil, err
	}
	r.Units, r.Places = a.units, a.places
	return r, a.big, nil
}

// readLog reads a log as o says.
func readLog(r io.Reader, o logReading) (*clv.Accumulator, logStats, error) {
	return o.read(r)
}

// accounting says what became of every line.
func (s logStats) accounting() string {
	return fmt.Sprintf("%d lines: the header, %d purchases, %d refunds, %d blank, %d skipped as malformed",
		s.Lines, s.Purchases, s.Refunds, s.Blank, s.Skipped)
}

// isTerminal reports whether w is a terminal, where progress is shown.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// windowLabel names a window by its start: 2024, 2024-Q2, 2024-05, or the
// Monday of a week.
func windowLabel(start time.Time, p clv.Period) string {
	switch p {
	case clv.Year:
		return strconv.Itoa(start.Year())
	case clv.Quarter:
		return fmt.Sprintf("%d-Q%d", start.Year(), (int(start.Month())+2)/3)
	case clv.Month:
		return start.Format("2006-01")
	}
	return start.Format(time.DateOnly)
}

// logReport is what -json prints for a log.
type logReport struct {
	Lines   logStats           `json:"lines"`
	Summary clv.Summary        `json:"summary"`
	CLV     *clv.SegmentReport `json:"clv"`
	Notes   []string           `json:"notes,omitempty"`
}

// priceLog prices each segment of a summary: its last window with
// customers, and its average churn per window as the lifespan. Segments
// that cannot be priced are left out, with a note saying why.
func priceLog(s clv.Summary, opts []clv.Option) (*clv.SegmentReport, []string) {
	var segments []clv.Segment
	var notes []string
	for _, seg := range s.Segments {
		segment, err := seg.Segment() // its message names the segment
		if err == nil {
			if _, err = clv.Calculate(segment.Window, segment.Lifespan, opts...); err != nil {
				err = fmt.Errorf("segment %.20q: %s", seg.Name, flagNames(err))
			}
		}
		if err != nil {
			notes = append(notes, "no lifetime value for "+flagNames(err))
			continue
		}
		segments = append(segments, segment)
	}
	if len(segments) == 0 {
		return nil, notes
	}
	report, err := clv.CalculateSegments(segments, opts...)
	if err != nil {
		return nil, append(notes, "no lifetime value: "+flagNames(err))
	}
	return &report, notes
}

func printLog(w io.Writer, name string, stats logStats, s clv.Summary, report *clv.SegmentReport, notes []string, scale int32) {
	fmt.Fprintf(w, "%s: %s.\n\n", name, stats.accounting())
	fmt.Fprintf(w, "%-10s %-12s %14s %9s %7s %9s %6s %9s %6s %8s\n", s.Period, "segment", "revenue", "purchases", "refunds", "customers", "new", "returning", "lost", "churn")
	line := func(name string, ws clv.WindowSummary) {
		churn := "-"
		if c, err := ws.ChurnRate(); err == nil {
			churn = c.StringFixed(4)
		}
		fmt.Fprintf(w, "%-10s %-12s %14s %9d %7d %9d %6d %9d %6d %8s\n", windowLabel(ws.Start, s.Period), name,
			ws.Revenue.StringFixed(scale), ws.Purchases, ws.Refunds, ws.Customers, ws.NewCustomers, ws.ReturningCustomers, ws.LostCustomers, churn)
	}
	for i, all := range s.Windows {
		line("all", all)
		if len(s.Segments) > 1 {
			for _, seg := range s.Segments {
				line(segmentLabel(seg.Name), seg.Windows[i])
			}
		}
	}
	fmt.Fprintln(w)
	if report != nil {
		fmt.Fprintf(w, "Lifetime value per customer, from each segment's last window and its average churn per %s:\n\n", s.Period)
		fmt.Fprintf(w, "%-12s %9s %12s %12s %14s %14s %12s\n", "segment", "customers", "value/"+s.Period.String(), "lifespan", "revenue LTV", "profit, disc.", "net")
		row := func(name string, share decimal.Decimal, r clv.Result) {
			fmt.Fprintf(w, "%-12s %8s%% %12s %12s %14s %14s %12s\n", name, share.Shift(2).StringFixed(1), r.CustomerValue.StringFixed(scale),
				r.Lifespan.StringFixed(scale), r.LifetimeValue.StringFixed(scale), r.DiscountedLifetimeValue.StringFixed(scale), r.NetLifetimeValue.StringFixed(scale))
		}
		for _, seg := range report.Segments {
			row(segmentLabel(seg.Name), seg.CustomerShare, seg.Result)
		}
		row("blended", decimal.NewFromInt(1), report.Blended)
	}
	for _, n := range notes {
		fmt.Fprintln(w, n)
	}
}

// segmentLabel names a segment in a table: "(none)" for the empty name,
// and a long one cut to 24 bytes.
func segmentLabel(name string) string {
	switch {
	case name == "":
		return "(none)"
	case len(name) > 24:
		return name[:23] + "…"
	}
	return name
}

func printLogJSON(w io.Writer, stats logStats, s clv.Summary, report *clv.SegmentReport, notes []string) {
	out, _ := json.MarshalIndent(logReport{Lines: stats, Summary: s, CLV: report, Notes: notes}, "", "  ")
	fmt.Fprintln(w, string(out))
}
