package btyd_test

import (
	"math"
	"sync"
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

// benchPNBD fits the generated base once.
var benchPNBD = sync.OnceValue(func() btyd.ParetoNBD {
	s, _ := benchBase()
	fit, err := btyd.FitParetoNBD(s.Histories())
	if err != nil {
		panic(err)
	}
	return fit.Model
})

// BenchmarkParetoNBDPredictions computes, for every customer of the
// generated base, the expected purchases of the next year, P(alive)
// times the alive customer's expectation.
func BenchmarkParetoNBDPredictions(b *testing.B) {
	_, base := benchBase()
	m := benchPNBD()
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range base.Customers {
			if _, err := m.ConditionalExpectedPurchases(c.X, c.Tx, c.T, 52); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkParetoNBDDERT computes every customer's DERT at 10 % a year.
func BenchmarkParetoNBDDERT(b *testing.B) {
	_, base := benchBase()
	m := benchPNBD()
	delta := math.Log(1.1) / 52
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range base.Customers {
			if _, err := m.DERT(c.X, c.Tx, c.T, delta); err != nil {
				b.Fatal(err)
			}
		}
	}
}
