package main

import (
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/internal/logcsv"
	"github.com/clvkit/clv/internal/orderlog"
)

// bigLog is the log of issue 11's comparison with DuckDB: 10,000,000
// lines by 1,000,000 customers over two years, in 8 segments, each
// customer buying in one to three of them, 2-decimal amounts and about
// one line in 50 a refund. It is written once, deterministically, to a
// file in the temporary directory, and kept there for later runs.
var bigLog = sync.OnceValues(func() (string, error) {
	path := filepath.Join(os.TempDir(), "clv-bench-orders-10M-v2.csv")
	if info, err := os.Stat(path); err == nil && info.Size() > 0 {
		return path, nil
	}
	f, err := os.CreateTemp(os.TempDir(), "clv-bench-*.csv")
	if err != nil {
		return "", err
	}
	defer f.Close()
	err = orderlog.Write(f, orderlog.Config{
		Rows: 10_000_000, Customers: 1_000_000,
		Segments: []string{"web", "app", "store", "phone", "partner", "marketplace", "wholesale", "gift"},
		Start:    time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC), Days: 731, Seed: 11,
	})
	if err == nil {
		err = f.Close()
	}
	if err != nil {
		return "", err
	}
	return path, os.Rename(f.Name(), path)
})

// BenchmarkReadLog reads bigLog as clv -input does, with monthly windows,
// and summarises it: on every core from the file, on one core, and from
// a pipe, as standard input is read. It reports lines and megabytes a
// second and the peak of the heap, sampled every millisecond.
func BenchmarkReadLog(b *testing.B) {
	path, err := bigLog()
	if err != nil {
		b.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		workers int
		pipe    bool
	}{
		{"file", defaultWorkers(), false},
		{"file_one_core", 1, false},
		{"pipe", defaultWorkers(), true},
	} {
		b.Run(tc.name, func(b *testing.B) {
			runtime.GC()
			peak := heapPeak()
			b.ReportAllocs()
			for b.Loop() {
				f, err := os.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				var r io.Reader = f
				if tc.pipe {
					r = struct{ io.Reader }{f}
				}
				o := logReading{columns: logcsv.DefaultColumns, period: clv.Month, workers: tc.workers}
				acc, stats, err := readLog(r, o)
				f.Close()
				if err != nil || stats.Lines != 10_000_001 {
					b.Fatal(stats, err)
				}
				if s := acc.Summary(); s.Purchases+s.Refunds != 10_000_000 {
					b.Fatal(s.Purchases, s.Refunds)
				}
			}
			seconds := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(10_000_000/seconds, "lines/s")
			b.ReportMetric(float64(info.Size())/1e6/seconds, "MB/s")
			b.ReportMetric(float64(peak())/1e6, "peak-heap-MB")
		})
	}
}

// heapPeak samples the heap every millisecond until the returned function
// is called, which returns the largest sample.
func heapPeak() func() uint64 {
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		return peak.Load()
	}
}

// BenchmarkCustomers runs clv customers on bigLog end to end, as issue 12
// measures it: read, summarise each customer, fit both models, compare the
// holdout, value every customer over a year and write them all with -out;
// without intervals, and with the default 100 draws.
func BenchmarkCustomers(b *testing.B) {
	path, err := bigLog()
	if err != nil {
		b.Fatal(err)
	}
	out := filepath.Join(b.TempDir(), "customers.csv")
	args := []string{"-input", path, "-calibration-end", "2024-06-30", "-holdout-end", "2024-12-31", "-out", out}
	for _, tc := range []struct {
		name  string
		draws string
	}{{"no_intervals", "0"}, {"intervals", "100"}} {
		b.Run(tc.name, func(b *testing.B) {
			runtime.GC()
			peak := heapPeak()
			b.ReportAllocs()
			for b.Loop() {
				if code := runCustomers(append(args, "-draws", tc.draws), io.Discard, io.Discard); code != 0 {
					b.Fatal(code)
				}
			}
			b.ReportMetric(float64(peak())/1e6, "peak-heap-MB")
		})
	}
}
