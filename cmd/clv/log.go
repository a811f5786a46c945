package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
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

// readLog reads a log into an Accumulator as o says.
func readLog(r io.Reader, o logReading) (*clv.Accumulator, logStats, error) {
	o.newSum = nil
	sum, stats, err := o.read(r)
	if err != nil {
		return nil, stats, err
	}
	return sum.(accumulator).Accumulator, stats, nil
}

// readInput reads the log named by -input, a file or - for standard
// input, as o says, with progress on stderr if it is a terminal, and
// reports skipped lines and failures there under prefix. On failure it
// returns a nil summary and the exit code: 1 for a log with nothing to
// summarise, 2 for any other.
func readInput(input string, o logReading, prefix string, stderr io.Writer) (summary, logStats, string, int) {
	f, name := os.Stdin, "standard input"
	if input != "-" {
		var err error
		if f, err = os.Open(input); err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", prefix, err)
			return nil, logStats{}, "", 2
		}
		defer f.Close()
		name = input
	}
	r, size, err := logReader(f)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %s: %s\n", prefix, name, err)
		return nil, logStats{}, name, 2
	}
	if isTerminal(stderr) {
		o.progress = newProgress(stderr, size)
	}
	sum, stats, err := o.read(r)
	for _, reason := range stats.FirstSkipped {
		fmt.Fprintf(stderr, "%s: %s: skipped %s\n", prefix, name, reason)
	}
	if more := stats.Skipped - int64(len(stats.FirstSkipped)); more > 0 {
		fmt.Fprintf(stderr, "%s: %s: skipped %d more malformed lines\n", prefix, name, more)
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %s: %s\n", prefix, name, strings.TrimPrefix(err.Error(), "clv: "))
		if errors.Is(err, errNothing) {
			return nil, stats, name, 1
		}
		return nil, stats, name, 2
	}
	return sum, stats, name, 0
}

// gzipMagic opens every gzip stream (RFC 1952).
var gzipMagic = []byte{0x1f, 0x8b}

// logReader returns a reader of the log f holds, and its size if known:
// f itself, or, if f begins with gzip's magic bytes, whatever its name,
// the log decompressed as it is read. A regular file can be read again,
// so on every core, and the reader it gets is an io.Seeker; a pipe or a
// device reads once, so on one. A gzipped log is read in chunks as any
// other, its lines bounded as any other's: no stream, however far it
// decompresses, makes memory large.
func logReader(f *os.File) (io.Reader, int64, error) {
	magic := make([]byte, len(gzipMagic))
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		in := bufio.NewReader(f)
		if head, _ := in.Peek(len(magic)); !bytes.Equal(head, gzipMagic) {
			return struct{ io.Reader }{in}, 0, nil
		}
		z, err := gzip.NewReader(in)
		if err != nil {
			return nil, 0, gzipError(err)
		}
		return struct{ io.Reader }{&gzipLog{z: z}}, 0, nil
	}
	if n, _ := f.ReadAt(magic, 0); n < len(magic) || !bytes.Equal(magic, gzipMagic) {
		return f, info.Size(), nil
	}
	z, err := gzip.NewReader(f)
	if err != nil {
		return nil, 0, gzipError(err)
	}
	return &gzipLog{z: z, f: f}, 0, nil // the decompressed size is not known
}

// A gzipLog is a gzipped log, decompressed as it is read. From a file, it
// can be read again from its start.
type gzipLog struct {
	z *gzip.Reader
	f *os.File // nil for a stream
}

func (g *gzipLog) Read(p []byte) (int, error) {
	n, err := g.z.Read(p)
	return n, gzipError(err)
}

// Seek goes back to the start of the log, the only place it can go.
func (g *gzipLog) Seek(offset int64, whence int) (int64, error) {
	if g.f == nil || offset != 0 || whence != io.SeekStart {
		return 0, errors.New("gzip: a compressed log is read again only from its start")
	}
	if _, err := g.f.Seek(0, io.SeekStart); err != nil {
		return 0, err
	}
	return 0, gzipError(g.z.Reset(g.f))
}

// gzipError says that a failure is the compressed stream's, and turns
// the end of a stream cut short, which would read as the end of the log,
// into an error.
func gzipError(err error) error {
	switch {
	case err == nil || err == io.EOF:
		return err
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("gzip: the compressed log ends early: the file is cut short")
	case strings.HasPrefix(err.Error(), "gzip: "):
		return err
	}
	return fmt.Errorf("gzip: %w", err)
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
	// Churn is each row's churn in the table of windows, as -report and
	// the table in print have it.
	Churn    []windowChurn `json:"churn"`
	Notes    []string      `json:"notes,omitempty"`
	Warnings []string      `json:"warnings"`
}

// partialWarnings says whether the log leaves the last window of s
// partial, and what becomes of it.
func partialWarnings(s clv.Summary) []string {
	warnings := []string{}
	n := len(s.Windows)
	if n == 0 {
		return warnings
	}
	// A partial first window is marked in the table, but its customers
	// are still the ones the next window's churn is measured on.
	if last := s.Windows[n-1]; last.Partial && n > 1 {
		warnings = append(warnings, fmt.Sprintf("the last %s, %s, is partial: the log ends on %s; it is left out of churn and of the value per %[1]s, which come from the %[1]ss before it",
			s.Period, windowLabel(last.Start, s.Period), s.Last.Format(time.DateOnly)))
	}
	return warnings
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
	fmt.Fprintf(w, "%s: %s.\n", name, stats.accounting())
	if len(s.Windows) > 0 {
		fmt.Fprintf(w, "The log runs from %s to %s (UTC).\n", s.First.Format(time.DateOnly), s.Last.Format(time.DateOnly))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%-10s %-12s %14s %9s %7s %9s %6s %9s %6s %8s\n", s.Period, "segment", "revenue", "purchases", "refunds", "customers", "new", "returning", "lost", "churn")
	line := func(name string, ws clv.WindowSummary) {
		churn := "-"
		if c, err := ws.ChurnRate(); err == nil {
			churn = c.StringFixed(4)
		}
		label := windowLabel(ws.Start, s.Period)
		if ws.Partial {
			label += "*"
		}
		fmt.Fprintf(w, "%-10s %-12s %14s %9d %7d %9d %6d %9d %6d %8s\n", label, name,
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
	if n := len(s.Windows); n > 0 && (s.Windows[0].Partial || s.Windows[n-1].Partial) {
		fmt.Fprintf(w, "* partial: the log does not cover the whole %s.\n", s.Period)
	}
	fmt.Fprintln(w)
	if report != nil {
		fmt.Fprintf(w, "Lifetime value per customer, from each segment's last whole window and its average churn per %s:\n\n", s.Period)
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

func printLogJSON(w io.Writer, stats logStats, s clv.Summary, report *clv.SegmentReport, notes, warnings []string) {
	_, churn := logWindows(s)
	out, _ := json.MarshalIndent(logReport{Lines: stats, Summary: s, CLV: report, Churn: churn, Notes: notes, Warnings: warnings}, "", "  ")
	fmt.Fprintln(w, string(out))
}
