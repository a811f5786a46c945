package btyd_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/clvkit/clv/btyd"
)

// The fit benchmarks on the Pareto/NBD-like log of story_test.go, the
// issue's story: customers who drop out in time, at rates that differ,
// and buy at rates that differ, from no model's story exactly. Its bases
// of 250,000 and 1,000,000 customers, built once, show how each fit's
// cost grows with the base.

var storyBases = map[int]func() (histories []btyd.History, customers []btyd.Customer){}

func init() {
	for _, n := range []int{250_000, 1_000_000} {
		storyBases[n] = sync.OnceValues(func() ([]btyd.History, []btyd.Customer) {
			s := issueStory.log(n, 2019).summarize(&testing.B{})
			return s.Histories(), s.Base().Customers
		})
	}
}

func BenchmarkFitStory(b *testing.B) {
	fits := []struct {
		name string
		fit  func([]btyd.History, []btyd.Customer) (btyd.FitStats, error)
	}{
		{"bgnbd", func(h []btyd.History, _ []btyd.Customer) (btyd.FitStats, error) {
			f, err := btyd.FitBGNBD(h)
			return f.Stats, err
		}},
		{"mbgnbd", func(h []btyd.History, _ []btyd.Customer) (btyd.FitStats, error) {
			f, err := btyd.FitMBGNBD(h)
			return f.Stats, err
		}},
		{"pnbd", func(h []btyd.History, _ []btyd.Customer) (btyd.FitStats, error) {
			f, err := btyd.FitParetoNBD(h)
			return f.Stats, err
		}},
		{"gammagamma", func(_ []btyd.History, c []btyd.Customer) (btyd.FitStats, error) {
			f, err := btyd.FitGammaGamma(c)
			return f.Stats, err
		}},
	}
	for _, f := range fits {
		for _, n := range []int{250_000, 1_000_000} {
			b.Run(fmt.Sprintf("%s/%d", f.name, n), func(b *testing.B) {
				h, c := storyBases[n]()
				b.ReportAllocs()
				var stats btyd.FitStats
				for b.Loop() {
					var err error
					if stats, err = f.fit(h, c); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(len(h)), "histories")
				b.ReportMetric(float64(stats.Evaluations), "evaluations")
			})
		}
	}
}
