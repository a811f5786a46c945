package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
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

const (
	// progressEvery is how many lines pass between progress lines.
	progressEvery = 1 << 20
	// reportSkipped is how many skipped lines are reported by reason.
	reportSkipped = 5
)

// errNothing is the failure of a log with no purchase or refund in it.
var errNothing = errors.New("nothing to summarise")

// A logLayout is where a log's header puts the fields of a purchase.
type logLayout struct {
	fields                          int // in every line
	customer, time, amount, segment int // indexes; segment −1 if absent
}

// readHeader reads the header line and finds the columns in it.
func readHeader(lr *lineReader, cols columns) (logLayout, error) {
	line, err := lr.next()
	switch {
	case err == io.EOF:
		return logLayout{}, errors.New("the log is empty: it needs a header line")
	case err != nil:
		return logLayout{}, fmt.Errorf("header: %w", err)
	}
	line = bytes.TrimPrefix(line, []byte("\ufeff")) // a byte order mark
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
	find := func(flag, name string, required bool) (int, error) {
		i, ok := index[name]
		if !ok && required {
			return 0, fmt.Errorf("the header has no column %s (name it with -%s)", quote([]byte(name)), flag)
		}
		if !ok {
			return -1, nil
		}
		return i, nil
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
		if *c.index, err = find(c.flag, c.name, c.required); err != nil {
			return l, err
		}
	}
	return l, nil
}

// parse returns the purchase on a line already split into fields.
func (l logLayout) parse(fields [][]byte) (clv.Purchase, amount, error) {
	var p clv.Purchase
	if len(fields) != l.fields {
		return p, amount{}, fmt.Errorf("%d fields, where the header has %d", len(fields), l.fields)
	}
	id := fields[l.customer]
	if len(id) == 0 {
		return p, amount{}, errors.New("customer: empty")
	}
	t, err := parseTime(fields[l.time])
	if err != nil {
		return p, amount{}, err
	}
	a, err := parseAmount(fields[l.amount])
	if err != nil {
		return p, amount{}, err
	}
	p = clv.Purchase{Customer: string(id), Time: t, Amount: a.decimal()}
	if l.segment >= 0 {
		p.Segment = string(fields[l.segment])
	}
	return p, a, nil
}

// readLog adds the purchases of a CSV log to acc. A malformed line stops
// the reading with its number and reason, or, if skipBad, is counted in
// Skipped. Progress goes to progress, if not nil. A log with no purchase
// or refund fails with errNothing.
func readLog(r io.Reader, cols columns, acc *clv.Accumulator, skipBad bool, progress io.Writer) (logStats, error) {
	var stats logStats
	lr := newLineReader(r)
	layout, err := readHeader(lr, cols)
	stats.Lines = lr.line
	if err != nil {
		return stats, err
	}
	var fields [][]byte
	buf := make([]byte, 0, maxLineBytes)
	for {
		line, err := lr.next()
		if err == io.EOF {
			break
		}
		stats.Lines = lr.line
		if progress != nil && stats.Lines%progressEvery == 0 {
			fmt.Fprintf(progress, "\rclv: read %d lines", stats.Lines)
		}
		if err == nil && len(bytes.TrimLeft(line, " \t")) == 0 {
			stats.Blank++
			continue
		}
		var p clv.Purchase
		var a amount
		if err == nil {
			fields, err = splitLine(line, fields, buf)
		}
		if err == nil {
			p, a, err = layout.parse(fields)
		}
		if err == nil {
			err = acc.Add(p)
		}
		if err != nil {
			err = fmt.Errorf("line %d: %s", lr.line, strings.TrimPrefix(err.Error(), "clv: "))
			if !skipBad {
				return stats, err
			}
			stats.Skipped++
			if len(stats.FirstSkipped) < reportSkipped {
				stats.FirstSkipped = append(stats.FirstSkipped, err.Error())
			}
			continue
		}
		if a.negative() {
			stats.Refunds++
		} else {
			stats.Purchases++
		}
	}
	if progress != nil && stats.Lines >= progressEvery {
		fmt.Fprintf(progress, "\rclv: read %d lines\n", stats.Lines)
	}
	if stats.Purchases+stats.Refunds == 0 {
		return stats, fmt.Errorf("%w: %s", errNothing, stats.accounting())
	}
	return stats, nil
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
