package clvbeam

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/clvkit/clv"
	"github.com/clvkit/clv/internal/logcsv"
	"github.com/shopspring/decimal"
)

func init() {
	register.DoFn3x1[context.Context, string, func(clv.Purchase), error](&parseFn{})
	register.Emitter1[clv.Purchase]()
}

// ParseLines returns the purchases on lines of CSV purchase logs, a
// PCollection of string such as textio.Read makes of files: a
// PCollection of clv.Purchase. Every file is to start with header, its
// header line, which names the columns as the command clv's -input log
// does (customer_id, date, amount and, optionally, segment); lines equal
// to it are the files' headers, and are skipped, as are blank lines. The
// lines are read as the command reads them.
//
// A malformed line fails the pipeline with its reason and its first bytes
// (textio gives no line numbers), or, with skipBad, is counted in the
// counter clvbeam.skipped and dropped. ParseLines panics, as Beam's
// transforms do, if header names none of the columns it needs.
func ParseLines(s beam.Scope, header string, skipBad bool, lines beam.PCollection) beam.PCollection {
	s = s.Scope("clvbeam.ParseLines")
	header = strings.TrimRight(header, "\r\n")
	if _, err := logcsv.ParseHeader([]byte(header), logcsv.DefaultColumns); err != nil {
		panic(fmt.Sprintf("clvbeam: ParseLines: %v", err))
	}
	return beam.ParDo(s, &parseFn{Header: header, SkipBad: skipBad}, lines)
}

// parseFn parses lines into purchases.
type parseFn struct {
	Header  string
	SkipBad bool

	layout  logcsv.Layout
	fields  [][]byte
	buf     []byte
	times   logcsv.Times
	header  []byte // Header without a byte order mark or line end
	skipped beam.Counter
}

func (f *parseFn) Setup() error {
	var err error
	f.layout, err = logcsv.ParseHeader([]byte(f.Header), logcsv.DefaultColumns)
	f.header = bytes.TrimSuffix(bytes.TrimPrefix([]byte(f.Header), []byte("\ufeff")), []byte("\r"))
	f.buf = make([]byte, 0, logcsv.MaxLineBytes)
	f.skipped = beam.NewCounter("clvbeam", "skipped")
	return err
}

func (f *parseFn) ProcessElement(ctx context.Context, line string, emit func(clv.Purchase)) error {
	b := bytes.TrimSuffix(bytes.TrimPrefix([]byte(line), []byte("\ufeff")), []byte("\r"))
	if bytes.Equal(b, f.header) || logcsv.IsBlank(b) {
		return nil
	}
	r, big, err := f.row(b)
	if err != nil {
		if f.SkipBad {
			f.skipped.Inc(ctx, 1)
			return nil
		}
		return fmt.Errorf("clvbeam: line %s: %v", logcsv.Quote(b), err)
	}
	p := clv.Purchase{Customer: string(r.Customer), Segment: string(r.Segment), Time: r.Time, Amount: logcsv.Amount{Units: r.Units, Places: r.Places, Big: big}.Decimal()}
	emit(p)
	return nil
}

// row parses a line.
func (f *parseFn) row(line []byte) (clv.Row, *decimal.Decimal, error) {
	if len(line) > logcsv.MaxLineBytes {
		return clv.Row{}, nil, logcsv.ErrLineTooLong
	}
	var err error
	if f.fields, err = logcsv.SplitLine(line, f.fields, f.buf); err != nil {
		return clv.Row{}, nil, err
	}
	return f.layout.Row(f.fields, f.times.Parse)
}
