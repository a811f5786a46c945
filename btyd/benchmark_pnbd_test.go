package btyd_test

import (
	"testing"

	"github.com/clvkit/clv/btyd"
)

// The Pareto/NBD benchmarks fit the generated base of benchmark_test.go,
// simulated from the BG/NBD model: the Pareto/NBD fits it as it would a
// real base, with an interior maximum.

func BenchmarkFitParetoNBD(b *testing.B) {
	s, _ := benchBase()
	h := s.Histories()
	b.ReportAllocs()
	var fit btyd.ParetoNBDFit
	for b.Loop() {
		var err error
		if fit, err = btyd.FitParetoNBD(h); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(h)), "histories")
	b.ReportMetric(float64(fit.Stats.Evaluations), "evaluations")
}

func BenchmarkFitParetoNBDCDNOW(b *testing.B) {
	h := cdnowSummary(b).Histories()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := btyd.FitParetoNBD(h); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParetoNBDPredictions computes, for every customer of the
// generated base, P(alive), the expected purchases of the next year and
// DERT at 10 % a year.
func BenchmarkParetoNBDPredictions(b *testing.B) {
	s, base := benchBase()
	fit, err := btyd.FitParetoNBD(s.Histories())
	if err != nil {
		b.Fatal(err)
	}
	m := fit.Model
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range base.Customers {
			if _, err := m.ConditionalExpectedPurchases(c.X, c.Tx, c.T, 52); err != nil {
				b.Fatal(err)
			}
		}
	}
}
