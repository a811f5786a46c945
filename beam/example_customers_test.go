package clvbeam_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/clvkit/clv"
	clvbeam "github.com/clvkit/clv/beam"
	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
)

func init() {
	register.Function2x0(describeCustomers)
	register.Function1x1(describeHistory)
	register.Function1x1(describeSpend)
	register.Function1x1(describeBGNBD)
	register.Function1x1(describeGammaGamma)
}

var (
	exampleCalibrationEnd = time.Date(2025, 2, 28, 0, 0, 0, 0, time.UTC)
	exampleHoldoutEnd     = time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC)
)

// describeCustomers prints the customers of a shard's summary.
func describeCustomers(s *btyd.Summarizer, emit func(string)) {
	for _, c := range s.Base().Customers {
		emit(fmt.Sprintf("%s: x %d, t_x %.2f, T %.2f weeks, spend %s", c.ID, c.X, c.Tx, c.T, c.Spend))
	}
}

func describeHistory(h btyd.History) string {
	return fmt.Sprintf("x %d, t_x %.2f, T %.2f: %d customers", h.X, h.Tx, h.T, h.Weight)
}

func describeSpend(s clvbeam.Spend) string {
	return fmt.Sprintf("x %d, spend %s: %d customers", s.X, s.Spend, s.Weight)
}

func describeBGNBD(f btyd.BGNBDFit) string {
	m := f.Model
	return fmt.Sprintf("%d customers: r %.2f, alpha %.1f, a %.2f, b %.1f", f.Stats.Customers, m.R, m.Alpha, m.A, m.B)
}

func describeGammaGamma(f btyd.GammaGammaFit) string {
	m := f.Model
	return fmt.Sprintf("%d customers: p %.1f, q %.1f, gamma %.0f", f.Stats.Customers, m.P, m.Q, m.Gamma)
}

// simulated returns the purchases of 3,000 customers over 2024 and 2025
// who buy at rates, drop out with probabilities and spend means of their
// own.
func simulated() []clv.Purchase {
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var log []clv.Purchase
	for i := range 3000 {
		rate := rng.ExpFloat64() / 4 // purchases a week
		drop := rng.Float64() / 2    // after each repeat purchase
		mean := 10 + rng.ExpFloat64()*40
		for week := rng.Float64() * 26; week < 104; week += rng.ExpFloat64() / rate {
			cents := math.Round(mean * (0.2 + 1.6*rng.Float64()) * 100)
			log = append(log, clv.Purchase{
				Customer: fmt.Sprintf("c%04d", i),
				Time:     start.Add(time.Duration(week * 7 * 24 * float64(time.Hour))),
				Amount:   decimal.New(int64(cents), -2),
			})
			if week > 0 && rng.Float64() < drop {
				break
			}
		}
	}
	return log
}

var (
	simCalibrationEnd = time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	simHoldoutEnd     = time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)
)

func ExampleSummarizeCustomers() {
	p, s := beam.NewPipelineWithRoot()
	summaries := clvbeam.SummarizeCustomers(s, clv.Week, exampleCalibrationEnd, exampleHoldoutEnd, 4, beam.CreateList(s, orders))
	run(p, s, beam.ParDo(s, describeCustomers, summaries))
	// Output:
	// ann: x 1, t_x 4.29, T 8.00 weeks, spend 35
	// ben: x 0, t_x 0.00, T 7.14 weeks, spend 0
	// cat: x 0, t_x 0.00, T 2.43 weeks, spend 0
}

func ExampleHistories() {
	p, s := beam.NewPipelineWithRoot()
	more := append([]clv.Purchase{{Customer: "dan", Time: orders[1].Time, Amount: decimal.New(9, 0)}}, orders...)
	summaries := clvbeam.SummarizeCustomers(s, clv.Week, exampleCalibrationEnd, exampleHoldoutEnd, 4, beam.CreateList(s, more))
	run(p, s, beam.ParDo(s, describeHistory, clvbeam.Histories(s, summaries)))
	// Output:
	// x 0, t_x 0.00, T 2.43: 1 customers
	// x 0, t_x 0.00, T 7.14: 2 customers
	// x 1, t_x 4.29, T 8.00: 1 customers
}

func ExampleSpends() {
	p, s := beam.NewPipelineWithRoot()
	summaries := clvbeam.SummarizeCustomers(s, clv.Week, exampleCalibrationEnd, exampleHoldoutEnd, 4, beam.CreateList(s, orders))
	run(p, s, beam.ParDo(s, describeSpend, clvbeam.Spends(s, summaries)))
	// Output:
	// x 1, spend 35: 1 customers
}

func ExampleFitBGNBD() {
	p, s := beam.NewPipelineWithRoot()
	summaries := clvbeam.SummarizeCustomers(s, clv.Week, simCalibrationEnd, simHoldoutEnd, 8, beam.CreateList(s, simulated()))
	fit := clvbeam.FitBGNBD(s, clvbeam.Histories(s, summaries))
	run(p, s, beam.ParDo(s, describeBGNBD, fit))
	// Output: 3000 customers: r 0.38, alpha 2.1, a 1.20, b 4.6
}

func ExampleFitGammaGamma() {
	p, s := beam.NewPipelineWithRoot()
	summaries := clvbeam.SummarizeCustomers(s, clv.Week, simCalibrationEnd, simHoldoutEnd, 8, beam.CreateList(s, simulated()))
	fit := clvbeam.FitGammaGamma(s, clvbeam.Spends(s, summaries))
	run(p, s, beam.ParDo(s, describeGammaGamma, fit))
	// Output: 2108 customers: p 2.8, q 2.5, gamma 28
}

func ExampleSpend() {
	// A Spend's amount travels as text, whole; out of the pipeline, each
	// is Weight customers of the base gamma–gamma is fitted to.
	spends := []clvbeam.Spend{{X: 2, Spend: "22.345", Weight: 3}, {X: 1, Spend: "10", Weight: 1}}
	var customers []btyd.Customer
	for _, s := range spends {
		for range s.Weight {
			customers = append(customers, btyd.Customer{X: s.X, Spend: decimal.RequireFromString(s.Spend)})
		}
	}
	fmt.Println(len(customers), customers[0].Spend, customers[3].Spend)
	// Output: 4 22.345 10
}
