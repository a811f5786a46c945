package main

import (
	"io"
	"runtime"
	"testing"
)

// BenchmarkCustomersModels runs clv customers as a user runs it on bigLog, 10
// million lines by a million customers, with each model's defaults (100
// interval draws and the segment table), with a holdout half-year and
// without one: the whole run, reading, fitting, the holdout, the
// intervals, the segments and the report, written to nowhere. Issue 22
// asks for 5 s or less for each, on a quiet machine.
func BenchmarkCustomersModels(b *testing.B) {
	path, err := bigLog()
	if err != nil {
		b.Fatal(err)
	}
	for _, model := range []string{"bgnbd", "mbgnbd", "pnbd", "bgbb"} {
		for _, holdout := range []bool{true, false} {
			name := model
			args := []string{"customers", "-input", path, "-calibration-end", "2024-06-30", "-model", model}
			if holdout {
				name += "/holdout"
				args = append(args, "-holdout-end", "2024-12-31")
			} else {
				name += "/no_holdout"
			}
			b.Run(name, func(b *testing.B) {
				runtime.GC()
				peak := heapPeak()
				b.ReportAllocs()
				for b.Loop() {
					if code := run(args, io.Discard, io.Discard); code != 0 {
						b.Fatalf("clv %v: exit %d", args, code)
					}
				}
				b.ReportMetric(float64(peak())/1e6, "peak-heap-MB")
			})
		}
	}
}
