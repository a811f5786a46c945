package logcsv

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/clvkit/clv"
	"github.com/shopspring/decimal"
)

// Columns names the header fields of a purchase log.
type Columns struct {
	Customer, Time, Amount, Segment string
}

// DefaultColumns are the header names of a purchase log unless a user
// names others. The segment column may be missing.
var DefaultColumns = Columns{Customer: "customer_id", Time: "date", Amount: "amount", Segment: "segment"}

// A Layout is where a log's header puts the fields of a purchase.
type Layout struct {
	Fields                          int // in every line
	Customer, Time, Amount, Segment int // indexes; Segment −1 if absent
}

// ParseHeader finds the columns in the header line. The segment column
// may be missing when cols names the default. A header without a comma
// that seems delimited by semicolons, tabs, vertical bars or spaces is
// refused with an error that names the delimiter it seems to have.
func ParseHeader(line []byte, cols Columns) (Layout, error) {
	line = bytes.TrimSuffix(line, []byte("\r"))
	line = bytes.TrimPrefix(line, []byte("\ufeff")) // a byte order mark
	if len(line) == 0 {
		return Layout{}, errors.New("the log is empty: it needs a header line")
	}
	names, err := SplitLine(line, nil, make([]byte, 0, len(line)))
	if err != nil && bytes.IndexByte(line, ',') < 0 {
		if d := delimiter(line); d != "" { // "customer_id";"date";…
			return Layout{}, delimiterError(line, d)
		}
	}
	if err != nil {
		return Layout{}, fmt.Errorf("header: %w", err)
	}
	index := map[string]int{}
	for i, name := range names {
		if j, ok := index[string(name)]; ok {
			return Layout{}, fmt.Errorf("header: columns %d and %d are both named %s", j+1, i+1, Quote(name))
		}
		index[string(name)] = i
	}
	l := Layout{Fields: len(names)}
	for _, c := range []struct {
		flag, name string
		required   bool
		index      *int
	}{
		{"customer-column", cols.Customer, true, &l.Customer},
		{"time-column", cols.Time, true, &l.Time},
		{"amount-column", cols.Amount, true, &l.Amount},
		{"segment-column", cols.Segment, cols.Segment != DefaultColumns.Segment, &l.Segment},
	} {
		i, ok := index[c.name]
		switch {
		case !ok && c.required && len(names) == 1:
			if d := delimiter(line); d != "" {
				return l, delimiterError(line, d)
			}
			fallthrough
		case !ok && c.required:
			return l, fmt.Errorf("the header has no column %s (name it with -%s)", Quote([]byte(c.name)), c.flag)
		case !ok:
			i = -1
		}
		*c.index = i
	}
	return l, nil
}

// delimiter names the delimiter of a header of one field, if it seems to
// have another: the most frequent of semicolons, tabs and vertical bars,
// or else spaces between names; "" if none. A log is read with commas
// only, so that a line splits the same in the command and on Beam and an
// amount's decimal comma is never a field's end: one with another
// delimiter is refused, saying which it seems to have.
func delimiter(header []byte) string {
	best, name := 0, ""
	for _, d := range []struct {
		c    byte
		name string
	}{{';', "semicolons"}, {'\t', "tabs"}, {'|', "vertical bars"}} {
		if n := bytes.Count(header, []byte{d.c}); n > best {
			best, name = n, d.name
		}
	}
	if best == 0 && bytes.ContainsRune(TrimSpace(header), ' ') {
		return "spaces"
	}
	return name
}

func delimiterError(header []byte, d string) error {
	return fmt.Errorf("header %s: fields delimited by %s, where a log's are delimited by commas: save it as comma-separated values, amounts with a decimal point", Quote(header), d)
}

// Row returns the purchase on a line split into fields, as a Row, with
// every check that is the line's own: the limits the Accumulator enforces
// on single purchases are checked here, the year of the time by
// parseTime (a [Times]), so that only the limits of the whole log are left to the
// Accumulator. An amount with more digits than a Row holds comes back as
// a decimal beside it.
func (l Layout) Row(fields [][]byte, ParseTime func([]byte) (time.Time, error)) (clv.Row, *decimal.Decimal, error) {
	var r clv.Row
	if len(fields) != l.Fields {
		return r, nil, fmt.Errorf("%d fields, where the header has %d", len(fields), l.Fields)
	}
	r.Customer = fields[l.Customer]
	switch {
	case len(r.Customer) == 0:
		return r, nil, errors.New("customer: empty")
	case len(r.Customer) > MaxNameBytes:
		return r, nil, fmt.Errorf("customer %s: out of range: longer than %d bytes", Quote(r.Customer), MaxNameBytes)
	}
	if l.Segment >= 0 {
		if r.Segment = fields[l.Segment]; len(r.Segment) > MaxNameBytes {
			return r, nil, fmt.Errorf("segment %s: out of range: longer than %d bytes", Quote(r.Segment), MaxNameBytes)
		}
	}
	var err error
	if r.Time, err = ParseTime(fields[l.Time]); err != nil {
		return r, nil, err
	}
	a, err := ParseAmount(fields[l.Amount])
	if err != nil {
		return r, nil, err
	}
	r.Units, r.Places = a.Units, a.Places
	return r, a.Big, nil
}

// Times parses the times of a log's lines and checks that their years are
// from 1 to 9999, as an Accumulator takes them. It remembers the last day
// it parsed, as logs run in time order; give each goroutine its own.
type Times struct {
	day []byte
	t   time.Time
}

// Parse parses a time as ParseTime does, and checks its year.
func (c *Times) Parse(b []byte) (time.Time, error) {
	if len(c.day) > 0 && bytes.Equal(b, c.day) {
		return c.t, nil
	}
	t, err := ParseTime(b)
	if err != nil {
		return t, err
	}
	if y := t.UTC().Year(); y < 1 || y > 9999 {
		return t, fmt.Errorf("time %s: out of range: the year must be from 1 to 9999", Quote(b))
	}
	if len(b) <= 10 {
		c.day, c.t = append(c.day[:0], b...), t
	}
	return t, nil
}
