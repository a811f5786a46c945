package main

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/internal/logcsv"
	"github.com/shopspring/decimal"
)

// BenchmarkReport writes the -report page of clv customers on bigLog,
// 748,170 customers modelled: the charts of the fits, tracking on every
// customer, the grid, the bins and the spread of value, and the page
// itself; the reading and the fits are done once, before. It reports the
// page's size.
func BenchmarkReport(b *testing.B) {
	path, err := bigLog()
	if err != nil {
		b.Fatal(err)
	}
	in := customerInputs{input: path, columns: logcsv.DefaultColumns, workers: defaultWorkers(),
		calibrationEnd: time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC), holdoutEnd: time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC),
		unit: clv.Week, step: clv.Week, horizon: 1, horizonUnit: clv.Year, margin: decimal.NewFromInt(1), scale: 2, top: 10, model: "bgnbd", level: 0.9}
	s, stats, name, code := in.read(io.Discard)
	if code != 0 {
		b.Fatal(code)
	}
	r, err := model(s, in)
	if err != nil {
		b.Fatal(err)
	}
	out := filepath.Join(b.TempDir(), "report.html")
	fs := flag.NewFlagSet("clv customers", flag.ContinueOnError)
	b.ReportAllocs()
	for b.Loop() {
		if err := writeCustomersReport(out, name, stats, r, s, in, fs); err != nil {
			b.Fatal(err)
		}
	}
	info, err := os.Stat(out)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(len(r.valuation.Customers)), "customers")
	b.ReportMetric(float64(info.Size())/1e6, "page-MB")
}
