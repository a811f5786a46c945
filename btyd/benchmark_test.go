package btyd_test

import (
	"cmp"
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
)

// The benchmarks run on a deterministic purchase log of 1,000,000
// customers and about 10,000,000 purchases, simulated from the BG/NBD and
// gamma–gamma models (in weeks: r = 2, α = 8, a = 2, b = 13; p = 6,
// q = 4, γ = 15 dollars), so that customers differ in purchase rate,
// dropout and spend and the fits have interior maxima. Customers arrive
// uniformly over the year from 2020-01-06; the calibration ends after two
// years, the holdout a year later. It is built once.

const (
	benchCustomers = 1_000_000
	benchSeed      = 2005
)

var (
	benchStart          = time.Date(2020, 1, 6, 0, 0, 0, 0, time.UTC)
	benchCalibrationEnd = benchStart.AddDate(0, 0, 2*364-1)
	benchHoldoutEnd     = benchStart.AddDate(0, 0, 3*364-1)
)

// benchRow is one purchase of the benchmark log, packed.
type benchRow struct {
	customer int32
	second   int32 // since benchStart
	cents    int32
}

type benchLogData struct {
	// ids holds each row's customer id, 8 bytes a row in the rows' order,
	// as a reader of a log file would hold the line it has just read.
	ids     string
	rows    []benchRow
	amounts []decimal.Decimal // by cents: decimals share no state, so rows may share them
}

var benchLog = sync.OnceValue(func() *benchLogData {
	rng := rand.New(rand.NewPCG(benchSeed, 1))
	d := &benchLogData{}
	const maxCents = 200_000
	d.amounts = make([]decimal.Decimal, maxCents+1)
	for c := range d.amounts {
		d.amounts[c] = decimal.New(int64(c), -2)
	}
	end := float64(3*364) / 7 // weeks from benchStart to the holdout end
	d.rows = make([]benchRow, 0, 10_500_000)
	for i := range benchCustomers {
		first := rng.Float64() * 52
		spend := simGammaGamma(rng, 6, 4, 15)
		add := func(t float64) {
			cents := min(int32(math.Round(spend.Rand()*100)), maxCents)
			d.rows = append(d.rows, benchRow{customer: int32(i), second: int32((first + t) * 7 * 86400), cents: cents})
		}
		add(0)
		for _, t := range simBGNBD(rng, 2, 8, 2, 13, end-first) {
			add(t)
		}
	}
	// A log comes in time order, roughly: shuffle within each day's
	// neighbourhood by sorting on the second, then swapping neighbours.
	slices.SortFunc(d.rows, func(a, b benchRow) int { return cmp.Compare(a.second, b.second) })
	for i := 1; i < len(d.rows); i += 2 {
		if rng.IntN(2) == 0 {
			d.rows[i], d.rows[i-1] = d.rows[i-1], d.rows[i]
		}
	}
	ids := make([]byte, 0, 8*len(d.rows))
	for _, r := range d.rows {
		ids = fmt.Appendf(ids, "C%07d", r.customer)
	}
	d.ids = string(ids)
	return d
})

// purchases returns the log as purchases, built on the fly without
// allocating.
func (d *benchLogData) purchases(rows []benchRow) iter.Seq[clv.Purchase] {
	return func(yield func(clv.Purchase) bool) {
		base := benchStart.Unix()
		for i, r := range rows {
			p := clv.Purchase{Customer: d.ids[8*i : 8*i+8], Time: time.Unix(base+int64(r.second), 0).UTC(), Amount: d.amounts[r.cents]}
			if !yield(p) {
				return
			}
		}
	}
}

// benchBase summarises the benchmark log once.
var benchBase = sync.OnceValues(func() (*btyd.Summarizer, btyd.Base) {
	d := benchLog()
	s, err := btyd.NewSummarizer(benchCalibrationEnd, btyd.WithHoldout(benchHoldoutEnd))
	if err != nil {
		panic(err)
	}
	if err := s.AddAll(d.purchases(d.rows)); err != nil {
		panic(err)
	}
	return s, s.Base()
})

func BenchmarkSummarizer(b *testing.B) {
	d := benchLog()
	b.ReportAllocs()
	var s *btyd.Summarizer
	for b.Loop() {
		s, _ = btyd.NewSummarizer(benchCalibrationEnd, btyd.WithHoldout(benchHoldoutEnd))
		if err := s.AddAll(d.purchases(d.rows)); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	// The memory the summary holds, live, per customer.
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	before := m.HeapAlloc
	runtime.KeepAlive(s)
	runtime.GC()
	runtime.ReadMemStats(&m)
	b.ReportMetric(float64(before-m.HeapAlloc)/benchCustomers, "live-B/customer")
	b.ReportMetric(float64(len(d.rows)), "purchases")
}

func BenchmarkHistories(b *testing.B) {
	s, _ := benchBase()
	b.ReportAllocs()
	var n int
	for b.Loop() {
		n = len(s.Histories())
	}
	b.ReportMetric(float64(n), "histories")
}

func BenchmarkBase(b *testing.B) {
	s, _ := benchBase()
	b.ReportAllocs()
	for b.Loop() {
		_ = s.Base()
	}
}

func BenchmarkFitBGNBD(b *testing.B) {
	s, _ := benchBase()
	h := s.Histories()
	b.ReportAllocs()
	var fit btyd.BGNBDFit
	for b.Loop() {
		var err error
		if fit, err = btyd.FitBGNBD(h); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(h)), "histories")
	b.ReportMetric(float64(fit.Stats.Evaluations), "evaluations")
}

func BenchmarkFitGammaGamma(b *testing.B) {
	_, base := benchBase()
	b.ReportAllocs()
	var fit btyd.GammaGammaFit
	for b.Loop() {
		var err error
		if fit, err = btyd.FitGammaGamma(base.Customers); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(fit.Stats.Customers), "customers")
	b.ReportMetric(float64(fit.Stats.Evaluations), "evaluations")
}

// BenchmarkValues prices every customer over a year, in monthly steps at
// 10 % a year, as lifetimes' defaults do: P(alive), expected purchases,
// expected spend and value for each of the million, under each purchase
// model fitted to the base.
func BenchmarkValues(b *testing.B) {
	s, base := benchBase()
	h := s.Histories()
	spend, err := btyd.FitGammaGamma(base.Customers)
	if err != nil {
		b.Fatal(err)
	}
	horizon := btyd.Horizon{Length: 12, Period: clv.Month}
	rate := btyd.WithDiscountRate(decimal.RequireFromString("0.1"), clv.Year)
	for _, tc := range []struct {
		name string
		fit  func([]btyd.History) (btyd.PurchaseModel, error)
	}{
		{"bgnbd", func(h []btyd.History) (btyd.PurchaseModel, error) { f, err := btyd.FitBGNBD(h); return f.Model, err }},
		{"mbgnbd", func(h []btyd.History) (btyd.PurchaseModel, error) { f, err := btyd.FitMBGNBD(h); return f.Model, err }},
		{"pnbd", func(h []btyd.History) (btyd.PurchaseModel, error) {
			f, err := btyd.FitParetoNBD(h)
			return f.Model, err
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			m, err := tc.fit(h)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := btyd.Values(m, spend.Model, base, horizon, rate); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkValuesSteps values the CDNOW sample's 2,357 customers under
// each purchase model fitted to it, at 10 % a year in weekly steps, over
// horizons of 1,000, 8,000 and 52,000 steps (a thousand years is 52,179):
// the cost should grow linearly with the steps, not with their square.
func BenchmarkValuesSteps(b *testing.B) {
	s := cdnowSummary(b)
	base, h := s.Base(), s.Histories()
	rate := btyd.WithDiscountRate(decimal.RequireFromString("0.1"), clv.Year)
	for _, tc := range []struct {
		name string
		fit  func([]btyd.History) (btyd.PurchaseModel, error)
	}{
		{"bgnbd", func(h []btyd.History) (btyd.PurchaseModel, error) { f, err := btyd.FitBGNBD(h); return f.Model, err }},
		{"mbgnbd", func(h []btyd.History) (btyd.PurchaseModel, error) { f, err := btyd.FitMBGNBD(h); return f.Model, err }},
		{"pnbd", func(h []btyd.History) (btyd.PurchaseModel, error) {
			f, err := btyd.FitParetoNBD(h)
			return f.Model, err
		}},
	} {
		m, err := tc.fit(h)
		if err != nil {
			b.Fatal(err)
		}
		for _, steps := range []int{1000, 8000, 52000} {
			b.Run(fmt.Sprintf("%s/steps=%d", tc.name, steps), func(b *testing.B) {
				horizon := btyd.Horizon{Length: steps, Period: clv.Week}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := btyd.Values(m, cdnowSpend, base, horizon, rate); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func BenchmarkCompareHoldout(b *testing.B) {
	s, base := benchBase()
	freq, err := btyd.FitBGNBD(s.Histories())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := btyd.CompareHoldout(freq.Model, base); err != nil {
			b.Fatal(err)
		}
	}
}

// benchMonthEnd summarises the benchmark log once to the last day of a
// month, 2021-12-31, two days before the benchmark base's calibration
// end, with a holdout of 2022: monthly opportunities are calendar months,
// and a calibration of them ends with one.
var benchMonthEnd = sync.OnceValue(func() *btyd.Summarizer {
	d := benchLog()
	s, err := btyd.NewSummarizer(time.Date(2021, 12, 31, 0, 0, 0, 0, time.UTC), btyd.WithHoldout(time.Date(2022, 12, 31, 0, 0, 0, 0, time.UTC)))
	if err != nil {
		panic(err)
	}
	if err := s.AddAll(d.purchases(d.rows)); err != nil {
		panic(err)
	}
	return s
})

// benchOpportunities counts the benchmark log at monthly opportunities,
// once, to 2021-12-31 (benchMonthEnd).
var benchOpportunities = sync.OnceValues(func() (btyd.Opportunities, error) {
	return benchMonthEnd().Opportunities(clv.Month)
})

func BenchmarkOpportunities(b *testing.B) {
	s := benchMonthEnd()
	b.ReportAllocs()
	var o btyd.Opportunities
	for b.Loop() {
		var err error
		if o, err = s.Opportunities(clv.Month); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(o.Histories)), "histories")
}

// BenchmarkDiscreteValues prices every customer of the benchmark base at
// monthly opportunities over a year at 10 % a year under BG/BB: P(alive),
// expected purchases, expected spend and value for each of the million.
func BenchmarkDiscreteValues(b *testing.B) {
	o, err := benchOpportunities()
	if err != nil {
		b.Fatal(err)
	}
	fit, err := btyd.FitBGBB(o.Histories)
	if err != nil {
		b.Fatal(err)
	}
	spenders := make([]btyd.Customer, len(o.Customers))
	for i, c := range o.Customers {
		spenders[i] = btyd.Customer{ID: c.ID, X: c.X, Spend: c.Spend}
	}
	spend, err := btyd.FitGammaGamma(spenders)
	if err != nil {
		b.Fatal(err)
	}
	horizon := btyd.Horizon{Length: 12, Period: clv.Month}
	rate := btyd.WithDiscountRate(decimal.RequireFromString("0.1"), clv.Year)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := btyd.DiscreteValues(fit.Model, spend.Model, o, horizon, rate); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(o.Customers)), "customers")
}

func BenchmarkFitBGBBOpportunities(b *testing.B) {
	o, err := benchOpportunities()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := btyd.FitBGBB(o.Histories); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(o.Histories)), "histories")
}
