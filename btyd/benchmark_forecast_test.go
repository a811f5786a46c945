package btyd_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
)

// benchPurchaseModels are the purchase models fitted to the benchmark
// base, as BenchmarkValues fits them; benchFitted fits them once.
var benchPurchaseModels = []struct {
	name string
	fit  func([]btyd.History) (btyd.PurchaseModel, error)
}{
	{"bgnbd", func(h []btyd.History) (btyd.PurchaseModel, error) { f, err := btyd.FitBGNBD(h); return f.Model, err }},
	{"mbgnbd", func(h []btyd.History) (btyd.PurchaseModel, error) { f, err := btyd.FitMBGNBD(h); return f.Model, err }},
	{"pnbd", func(h []btyd.History) (btyd.PurchaseModel, error) {
		f, err := btyd.FitParetoNBD(h)
		return f.Model, err
	}},
}

var benchFitted = sync.OnceValue(func() []btyd.PurchaseModel {
	s, _ := benchBase()
	h := s.Histories()
	ms := make([]btyd.PurchaseModel, len(benchPurchaseModels))
	for i, tc := range benchPurchaseModels {
		m, err := tc.fit(h)
		if err != nil {
			panic(err)
		}
		ms[i] = m
	}
	return ms
})

// benchBGBB is BG/BB fitted to the benchmark base's monthly
// opportunities, with them, fitted once.
var benchBGBB = sync.OnceValues(func() (btyd.BGBB, btyd.Opportunities) {
	o, err := benchOpportunities()
	if err != nil {
		panic(err)
	}
	fit, err := btyd.FitBGBB(o.Histories)
	if err != nil {
		panic(err)
	}
	return fit.Model, o
})

// benchSizes are the two sizes of base each bulk forecast is timed on:
// the first 100,000 customers of the benchmark base and all of it, so
// that the figures show the cost growing linearly.
var benchSizes = []struct {
	name string
	n    int
}{{"100k", 100_000}, {"1M", benchCustomers}}

// benchBulk runs f as a benchmark on each size of base, reporting the
// customers and the CPU time the process spent per call beside the wall
// time: on a machine others share, the wall time waits for the CPUs and
// the CPU time does not.
func benchBulk(b *testing.B, f func(n int) error) {
	for _, size := range benchSizes {
		b.Run(size.name, func(b *testing.B) {
			b.ReportAllocs()
			before := cpuTime()
			calls := 0
			for b.Loop() {
				if err := f(size.n); err != nil {
					b.Fatal(err)
				}
				calls++
			}
			b.ReportMetric((cpuTime()-before).Seconds()/float64(calls), "cpu-s/op")
			b.ReportMetric(float64(size.n), "customers")
		})
	}
}

// benchFirst returns the first n customers of the benchmark base.
func benchFirst(n int) btyd.Base {
	_, base := benchBase()
	base.Customers = base.Customers[:n]
	return base
}

// benchFirstOpportunities returns the first n customers of the benchmark
// base's monthly opportunities.
func benchFirstOpportunities(n int) (btyd.BGBB, btyd.Opportunities) {
	m, o := benchBGBB()
	o.Customers = o.Customers[:n]
	return m, o
}

// BenchmarkForecasts forecasts every customer of the benchmark base over
// a quarter under each purchase model fitted to it: P(alive) now and at
// the quarter's end, expected purchases, and the chance of no purchase
// (up to 0) or of 0 to 3 purchases (up to 3).
func BenchmarkForecasts(b *testing.B) {
	horizon := btyd.Horizon{Length: 13, Period: clv.Week}
	for i, tc := range benchPurchaseModels {
		m := benchFitted()[i]
		for _, upTo := range []int{0, 3} {
			b.Run(fmt.Sprintf("%s/up-to-%d", tc.name, upTo), func(b *testing.B) {
				benchBulk(b, func(n int) error {
					_, err := btyd.Forecasts(m, benchFirst(n), horizon, upTo)
					return err
				})
			})
		}
	}
}

// BenchmarkDiscreteForecasts forecasts every customer of the benchmark
// base at monthly opportunities over a year under BG/BB: P(alive) now and
// in a year, expected purchases and the chances of 0 to 3 purchases.
func BenchmarkDiscreteForecasts(b *testing.B) {
	benchBGBB() // fitted before the timing
	horizon := btyd.Horizon{Length: 12, Period: clv.Month}
	benchBulk(b, func(n int) error {
		m, o := benchFirstOpportunities(n)
		_, err := btyd.DiscreteForecasts(m, o, horizon, 3)
		return err
	})
}

// BenchmarkDERT computes the DERT at 10 % a year of the first 10,000
// customers of the benchmark base under BG/NBD and MBG/NBD fitted to it,
// one call each, as BenchmarkParetoNBDDERT does for the Pareto/NBD: a
// call integrates over the dropout probability, with a Laplace transform
// at each node, and costs some 0.3 ms.
func BenchmarkDERT(b *testing.B) {
	s, base := benchBase()
	h := s.Histories()
	delta := 0.0018 // ln(1.1)/52
	for _, tc := range benchPurchaseModels[:2] {
		m, err := tc.fit(h)
		if err != nil {
			b.Fatal(err)
		}
		d := m.(interface {
			DERT(x int64, tx, T, delta float64) (float64, error)
		})
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, c := range base.Customers[:10_000] {
					if _, err := d.DERT(c.X, c.Tx, c.T, delta); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(10_000, "customers")
		})
	}
}

// BenchmarkWindowValues values every customer of the benchmark base in
// years 3 to 5, in monthly steps at 10 % a year, under each purchase model
// fitted to it: two valuations' sums for each distinct (x, T).
func BenchmarkWindowValues(b *testing.B) {
	g := btyd.FlatSpend{Amount: decimal.NewFromInt(30)}
	w := btyd.Window{Start: 2, End: 5, Period: clv.Year}
	opts := []btyd.ValueOption{btyd.WithStep(clv.Month), btyd.WithDiscountRate(decimal.RequireFromString("0.1"), clv.Year)}
	for i, tc := range benchPurchaseModels {
		m := benchFitted()[i]
		b.Run(tc.name, func(b *testing.B) {
			benchBulk(b, func(n int) error {
				_, err := btyd.WindowValues(m, g, benchFirst(n), w, opts...)
				return err
			})
		})
	}
}

// BenchmarkDiscreteWindowValues values every customer of the benchmark
// base at monthly opportunities in years 3 to 5 at 10 % a year under
// BG/BB.
func BenchmarkDiscreteWindowValues(b *testing.B) {
	benchBGBB() // fitted before the timing
	g := btyd.FlatSpend{Amount: decimal.NewFromInt(30)}
	w := btyd.Window{Start: 2, End: 5, Period: clv.Year}
	rate := btyd.WithDiscountRate(decimal.RequireFromString("0.1"), clv.Year)
	benchBulk(b, func(n int) error {
		m, o := benchFirstOpportunities(n)
		_, err := btyd.DiscreteWindowValues(m, g, o, w, rate)
		return err
	})
}

// BenchmarkDERTs computes every customer's DERT at 10 % a year under each
// purchase model fitted to the benchmark base, the expectation once for
// each distinct (x, T).
func BenchmarkDERTs(b *testing.B) {
	delta := 0.0018 // ln(1.1)/52
	for i, tc := range benchPurchaseModels {
		m := benchFitted()[i]
		b.Run(tc.name, func(b *testing.B) {
			benchBulk(b, func(n int) error {
				_, err := btyd.DERTs(m, benchFirst(n), delta)
				return err
			})
		})
	}
}

// BenchmarkDiscreteDERTs computes every customer's BG/BB DERT at monthly
// opportunities and 0.8 % a month.
func BenchmarkDiscreteDERTs(b *testing.B) {
	benchBGBB() // fitted before the timing
	benchBulk(b, func(n int) error {
		m, o := benchFirstOpportunities(n)
		_, err := btyd.DiscreteDERTs(m, o, 0.008)
		return err
	})
}

// BenchmarkAlivePath follows P(alive) through the history of a customer
// who buys every 3 weeks for 4 and 40 years, in weekly steps, under each
// purchase model of the benchmark base: one ProbAlive a step.
func BenchmarkAlivePath(b *testing.B) {
	for i, tc := range benchPurchaseModels {
		m := benchFitted()[i]
		for _, years := range []int{4, 40} {
			T := float64(52 * years)
			var times []float64
			for t := 3.0; t <= T; t += 3 {
				times = append(times, t)
			}
			b.Run(fmt.Sprintf("%s/%d-years", tc.name, years), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := btyd.AlivePath(m, times, T, 1); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(T, "steps")
			})
		}
	}
	m, _ := benchBGBB()
	for _, n := range []int64{48, 480} {
		var buys []int64
		for k := int64(2); k <= n; k += 2 {
			buys = append(buys, k)
		}
		b.Run(fmt.Sprintf("bgbb/%d-months", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := m.AlivePath(buys, n); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n), "steps")
		})
	}
}
