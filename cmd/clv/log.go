package main

import (
	"encoding/csv"
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

// logStats accounts for every row of a log.
type logStats struct {
	Rows      int64 `json:"rows"`
	Purchases int64 `json:"purchases"`
	Refunds   int64 `json:"refunds"`
	Skipped   int64 `json:"skipped"`
}

// progressEvery is how many rows pass between progress lines.
const progressEvery = 1 << 20

// readLog adds the purchases of a CSV log to acc. A malformed row stops the
// reading with its line number and reason, or, if skipBad, is counted in
// Skipped. Progress goes to progress, if not nil.
func readLog(r io.Reader, cols columns, acc *clv.Accumulator, skipBad bool, progress io.Writer) (logStats, error) {
	var stats logStats
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return stats, errors.New("the log is empty: it needs a header line")
	}
	if err != nil {
		return stats, fmt.Errorf("header: %w", err)
	}
	index := map[string]int{}
	for i, name := range header {
		index[strings.TrimSpace(strings.TrimPrefix(name, "\ufeff"))] = i
	}
	find := func(flag, name string, required bool) (int, error) {
		i, ok := index[name]
		if !ok && required {
			return 0, fmt.Errorf("the header has no column %q (name it with -%s)", name, flag)
		}
		if !ok {
			return -1, nil
		}
		return i, nil
	}
	var ci, ti, ai, si int
	if ci, err = find("customer-column", cols.customer, true); err != nil {
		return stats, err
	}
	if ti, err = find("time-column", cols.time, true); err != nil {
		return stats, err
	}
	if ai, err = find("amount-column", cols.amount, true); err != nil {
		return stats, err
	}
	if si, err = find("segment-column", cols.segment, cols.segment != defaultColumns.segment); err != nil {
		return stats, err
	}

	for {
		record, err := cr.Read()
		if err == io.EOF {
			break
		}
		stats.Rows++
		if progress != nil && stats.Rows%progressEvery == 0 {
			fmt.Fprintf(progress, "\rclv: read %d rows", stats.Rows)
		}
		var p clv.Purchase
		if err == nil {
			p, err = parseRow(record, ci, ti, ai, si)
		}
		if err == nil {
			err = acc.Add(p)
		}
		if err != nil {
			if skipBad {
				stats.Skipped++
				continue
			}
			var perr *csv.ParseError
			if errors.As(err, &perr) {
				return stats, fmt.Errorf("line %d: %w", perr.Line, perr.Err)
			}
			line, _ := cr.FieldPos(0)
			return stats, fmt.Errorf("line %d: %s", line, strings.TrimPrefix(err.Error(), "clv: "))
		}
		if p.Amount.Sign() < 0 {
			stats.Refunds++
		} else {
			stats.Purchases++
		}
	}
	if progress != nil && stats.Rows >= progressEvery {
		fmt.Fprintf(progress, "\rclv: read %d rows\n", stats.Rows)
	}
	return stats, nil
}

func parseRow(record []string, ci, ti, ai, si int) (clv.Purchase, error) {
	var p clv.Purchase
	if p.Customer = record[ci]; p.Customer == "" {
		return p, errors.New("customer: empty")
	}
	t, err := parseTime(record[ti])
	if err != nil {
		return p, err
	}
	p.Time = t
	if p.Amount, err = parseAmount(record[ai]); err != nil {
		return p, err
	}
	if si >= 0 {
		p.Segment = record[si]
	}
	return p, nil
}

// parseTime reads a date as RFC 3339, YYYY-MM-DD or YYYYMMDD; dates
// without a time of day are midnight UTC.
func parseTime(s string) (time.Time, error) {
	switch {
	case len(s) == 10 && s[4] == '-' && s[7] == '-':
		if t, ok := date(s[0:4], s[5:7], s[8:10]); ok {
			return t, nil
		}
	case len(s) == 8:
		if t, ok := date(s[0:4], s[4:6], s[6:8]); ok {
			return t, nil
		}
	default:
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("time %q: not RFC 3339, YYYY-MM-DD or YYYYMMDD", s)
}

// date returns midnight UTC of a calendar date, if it is one.
func date(year, month, day string) (time.Time, bool) {
	y, ok1 := digits(year)
	m, ok2 := digits(month)
	d, ok3 := digits(day)
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return t, t.Day() == d // time.Date would roll February 30 into March
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// parseAmount reads a decimal string such as 19.99 or -5. Plain amounts
// of up to 18 digits take a fast path; anything else goes to the decimal
// package's parser.
func parseAmount(s string) (decimal.Decimal, error) {
	var units int64
	places, n, dot := int32(0), 0, false
	i := 0
	if len(s) > 0 && s[0] == '-' {
		i = 1
	}
	for j := i; j < len(s) && n >= 0; j++ {
		switch c := s[j]; {
		case c >= '0' && c <= '9' && n < 18:
			units = units*10 + int64(c-'0')
			n++
			if dot {
				places++
			}
		case c == '.' && !dot:
			dot = true
		default:
			n = -1 // not plain: the slow path decides
		}
	}
	if n > 0 {
		if i == 1 {
			units = -units
		}
		return decimal.New(units, -places), nil
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return d, fmt.Errorf("amount %q: not a decimal number", s)
	}
	return d, nil
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
	Rows    logStats           `json:"rows"`
	Summary clv.Summary        `json:"summary"`
	CLV     *clv.SegmentReport `json:"clv"`
	Notes   []string           `json:"notes,omitempty"`
}

// priceLog prices each segment of a summary: its last window with
// customers, and its average churn per window as the lifespan. Segments
// whose churn cannot be measured are left out, with a note saying why.
func priceLog(s clv.Summary, opts []clv.Option) (*clv.SegmentReport, []string) {
	var segments []clv.Segment
	var notes []string
	for _, seg := range s.Segments {
		name := seg.Name
		if name == "" {
			name = "(none)"
		}
		churn, err := clv.AverageChurnRate(seg.Windows)
		if err == nil && churn.IsZero() {
			err = errors.New("no customer was lost, so the churn rate is 0")
		}
		if err != nil {
			notes = append(notes, fmt.Sprintf("segment %s: no lifetime value: %s", name, strings.TrimPrefix(err.Error(), "clv: ")))
			continue
		}
		last := seg.Windows[len(seg.Windows)-1]
		for i := len(seg.Windows) - 1; i >= 0 && last.Customers == 0; i-- {
			last = seg.Windows[i]
		}
		segment := clv.Segment{Name: name, Window: last.Window(), Lifespan: clv.Lifespan{ChurnRate: churn, Period: s.Period}}
		if _, err := clv.Calculate(segment.Window, segment.Lifespan, opts...); err != nil {
			notes = append(notes, fmt.Sprintf("segment %s: no lifetime value: %s", name, strings.TrimPrefix(err.Error(), "clv: ")))
			continue
		}
		segments = append(segments, segment)
	}
	if len(segments) == 0 {
		return nil, notes
	}
	report, err := clv.CalculateSegments(segments, opts...)
	if err != nil {
		return nil, append(notes, "no lifetime value: "+strings.TrimPrefix(err.Error(), "clv: "))
	}
	return &report, notes
}

func printLog(w io.Writer, name string, stats logStats, s clv.Summary, report *clv.SegmentReport, notes []string, scale int32) {
	fmt.Fprintf(w, "%s: %d rows: purchases %d, refunds %d, skipped as malformed %d.\n\n", name, stats.Rows, stats.Purchases, stats.Refunds, stats.Skipped)
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
				name := seg.Name
				if name == "" {
					name = "(none)"
				}
				line(name, seg.Windows[i])
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
			row(seg.Name, seg.CustomerShare, seg.Result)
		}
		row("blended", decimal.NewFromInt(1), report.Blended)
	}
	for _, n := range notes {
		fmt.Fprintln(w, n)
	}
}

func printLogJSON(w io.Writer, stats logStats, s clv.Summary, report *clv.SegmentReport, notes []string) {
	out, _ := json.MarshalIndent(logReport{Rows: stats, Summary: s, CLV: report, Notes: notes}, "", "  ")
	fmt.Fprintln(w, string(out))
}
