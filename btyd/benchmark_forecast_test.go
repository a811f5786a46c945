package btyd_test

import (
	"testing"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
)

// benchPurchaseModels are the purchase models fitted to the benchmark
// base, as BenchmarkValues fits them.
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

// BenchmarkForecasts forecasts every customer of the million of the
// benchmark base over a quarter under each purchase model fitted to it:
// P(alive) now and at the quarter's end, expected purchases, and the
// chance of no purchase (up to 0) or of 0 to 3 purchases (up to 3).
func BenchmarkForecasts(b *testing.B) {
	s, base := benchBase()
	h := s.Histories()
	horizon := btyd.Horizon{Length: 13, Period: clv.Week}
	for _, tc := range benchPurchaseModels {
		m, err := tc.fit(h)
		if err != nil {
			b.Fatal(err)
		}
		for _, upTo := range []int{0, 3} {
			b.Run(tc.name+"/up-to-"+string(rune('0'+upTo)), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := btyd.Forecasts(m, base, horizon, upTo); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(len(base.Customers)), "customers")
			})
		}
	}
}

// BenchmarkDiscreteForecasts forecasts every customer of the benchmark
// base at monthly opportunities over a year under BG/BB: P(alive) now and
// in a year, expected purchases and the chances of 0 to 3 purchases.
func BenchmarkDiscreteForecasts(b *testing.B) {
	o, err := benchOpportunities()
	if err != nil {
		b.Fatal(err)
	}
	fit, err := btyd.FitBGBB(o.Histories)
	if err != nil {
		b.Fatal(err)
	}
	horizon := btyd.Horizon{Length: 12, Period: clv.Month}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := btyd.DiscreteForecasts(fit.Model, o, horizon, 3); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(o.Customers)), "customers")
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
	s, base := benchBase()
	h := s.Histories()
	g := btyd.FlatSpend{Amount: decimal.NewFromInt(30)}
	w := btyd.Window{Start: 2, End: 5, Period: clv.Year}
	opts := []btyd.ValueOption{btyd.WithStep(clv.Month), btyd.WithDiscountRate(decimal.RequireFromString("0.1"), clv.Year)}
	for _, tc := range benchPurchaseModels {
		m, err := tc.fit(h)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := btyd.WindowValues(m, g, base, w, opts...); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(base.Customers)), "customers")
		})
	}
}

// BenchmarkDiscreteWindowValues values every customer of the benchmark
// base at monthly opportunities in years 3 to 5 at 10 % a year under
// BG/BB.
func BenchmarkDiscreteWindowValues(b *testing.B) {
	o, err := benchOpportunities()
	if err != nil {
		b.Fatal(err)
	}
	fit, err := btyd.FitBGBB(o.Histories)
	if err != nil {
		b.Fatal(err)
	}
	g := btyd.FlatSpend{Amount: decimal.NewFromInt(30)}
	w := btyd.Window{Start: 2, End: 5, Period: clv.Year}
	rate := btyd.WithDiscountRate(decimal.RequireFromString("0.1"), clv.Year)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := btyd.DiscreteWindowValues(fit.Model, g, o, w, rate); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(o.Customers)), "customers")
}

// BenchmarkDERTs computes every customer's DERT at 10 % a year under each
// purchase model fitted to the benchmark base, the expectation once for
// each distinct (x, T).
func BenchmarkDERTs(b *testing.B) {
	s, base := benchBase()
	h := s.Histories()
	delta := 0.0018 // ln(1.1)/52
	for _, tc := range benchPurchaseModels {
		m, err := tc.fit(h)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := btyd.DERTs(m, base, delta); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(base.Customers)), "customers")
		})
	}
}

// BenchmarkDiscreteDERTs computes every customer's BG/BB DERT at monthly
// opportunities and 0.8 % a month.
func BenchmarkDiscreteDERTs(b *testing.B) {
	o, err := benchOpportunities()
	if err != nil {
		b.Fatal(err)
	}
	fit, err := btyd.FitBGBB(o.Histories)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := btyd.DiscreteDERTs(fit.Model, o, 0.008); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(o.Customers)), "customers")
}
