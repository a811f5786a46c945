package clv_test

import (
	"fmt"
	"slices"
	"time"

	"github.com/clvkit/clv"
	"github.com/shopspring/decimal"
)

func ExampleSummary() {
	acc, _ := clv.NewAccumulator(clv.Month)
	_ = acc.AddAll(slices.Values(shopLog()))
	for _, w := range acc.Summary().Windows {
		fmt.Println(w.Start.Format("2006-01"), w.Customers, "customers:", w.NewCustomers, "new,", w.ReturningCustomers, "returning;", w.LostCustomers, "lost")
	}
	// Output:
	// 2025-01 4 customers: 4 new, 0 returning; 0 lost
	// 2025-02 3 customers: 1 new, 2 returning; 2 lost
	// 2025-03 4 customers: 0 new, 4 returning; 0 lost
}

func ExampleSegmentSummary() {
	acc, _ := clv.NewAccumulator(clv.Month)
	_ = acc.AddAll(slices.Values(shopLog()))
	for _, s := range acc.Summary().Segments {
		fmt.Print(s.Name, ":")
		for _, w := range s.Windows {
			fmt.Print(" ", w.Revenue.StringFixed(2))
		}
		fmt.Println()
	}
	// Output:
	// store: 150.00 20.00 155.00
	// web: 65.00 65.00 65.00
}

func ExampleSegmentSummary_Segment() {
	acc, _ := clv.NewAccumulator(clv.Month)
	_ = acc.AddAll(slices.Values(shopLog()))
	for _, s := range acc.Summary().Segments {
		segment, err := s.Segment()
		if err != nil {
			fmt.Println(err)
			continue
		}
		w := segment.Window
		fmt.Printf("%s: %s from %d customers in a %s, churn %s a %s\n", segment.Name, w.Revenue.StringFixed(2),
			w.Customers, w.Period, segment.Lifespan.ChurnRate.StringFixed(4), segment.Lifespan.Period)
	}
	// Output:
	// store: 155.00 from 2 customers in a month, churn 0.3333 a month
	// web: 65.00 from 2 customers in a month, churn 0.2500 a month
}

// The program of the README's "From purchase records": a segment that
// sold nothing in the log's last month is priced from its last month with
// sales. TestReadmePurchaseRecords holds the README to this code.
func ExampleSegmentSummary_Segment_readme() {
	type order struct {
		CustomerID, Channel string
		PaidAt              time.Time
		Total               decimal.Decimal
	}
	day := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	orders := []order{
		{"ann", "web", day("2025-01-03"), decimal.RequireFromString("40.00")},
		{"cat", "store", day("2025-01-15"), decimal.RequireFromString("90.00")},
		{"dan", "store", day("2025-01-20"), decimal.RequireFromString("60.00")},
		{"ann", "web", day("2025-02-02"), decimal.RequireFromString("35.00")},
		{"cat", "store", day("2025-02-11"), decimal.RequireFromString("80.00")},
		{"eve", "web", day("2025-02-21"), decimal.RequireFromString("30.00")},
		{"ann", "web", day("2025-03-05"), decimal.RequireFromString("45.00")}, // the store sells nothing in March
		{"fay", "web", day("2025-03-31"), decimal.RequireFromString("45.00")}, // and the log runs to its end
	}
	margin := decimal.RequireFromString("0.4")
	run := func() error {
		// README begin
		acc, _ := clv.NewAccumulator(clv.Month) // calendar months, UTC
		for _, order := range orders {
			err := acc.Add(clv.Purchase{Customer: order.CustomerID, Time: order.PaidAt, Amount: order.Total, Segment: order.Channel})
			if err != nil {
				return err // e.g. clv: purchase: customer: missing
			}
		}
		var segments []clv.Segment
		for _, s := range acc.Summary().Segments {
			segment, err := s.Segment() // its last month with sales, at its churn per month
			if err != nil {
				return err // e.g. clv: segment "gift": churn rate = 0 (no customer was lost): must be positive
			}
			segments = append(segments, segment)
		}
		report, err := clv.CalculateSegments(segments, clv.WithGrossMargin(margin), clv.WithScale(2))
		if err != nil {
			return err
		}
		for _, s := range report.Segments {
			fmt.Println(s.Name, s.Result.ProfitLifetimeValue.StringFixed(2)) // profit over a customer's lifetime
		}
		// README end
		return nil
	}
	if err := run(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// store 48.00
	// web 54.00
}

func ExampleWindowSummary() {
	acc, _ := clv.NewAccumulator(clv.Month)
	_ = acc.AddAll(slices.Values(shopLog()))
	feb := acc.Summary().Segments[0].Windows[1] // the store in February
	fmt.Println(feb.Start.Format(time.DateOnly), "to", feb.End.Format(time.DateOnly))
	fmt.Println(feb.Revenue.StringFixed(2), feb.Purchases, feb.Refunds, feb.Customers, feb.PreviousCustomers, feb.LostCustomers)
	// Output:
	// 2025-02-01 to 2025-03-01
	// 20.00 1 1 1 2 1
}

func ExampleWindowSummary_Window() {
	acc, _ := clv.NewAccumulator(clv.Month)
	_ = acc.AddAll(slices.Values(shopLog()))
	march := acc.Summary().Windows[2]
	r, _ := clv.Calculate(march.Window(), clv.Lifespan{Length: decimal.NewFromInt(12), Period: clv.Month})
	fmt.Println(r.CustomerValue.StringFixed(2), "a month,", r.LifetimeValue.StringFixed(2), "over a year")
	// Output:
	// 55.00 a month, 660.00 over a year
}

func ExampleWindowSummary_ChurnRate() {
	acc, _ := clv.NewAccumulator(clv.Month)
	_ = acc.AddAll(slices.Values(shopLog()))
	for _, w := range acc.Summary().Windows {
		churn, err := w.ChurnRate()
		fmt.Println(w.Start.Format("2006-01"), churn.StringFixed(4), err)
	}
	// Output:
	// 2025-01 0.0000 clv: churn rate: customers at start = 0: must be positive
	// 2025-02 0.5000 <nil>
	// 2025-03 0.0000 <nil>
}

func ExampleAverageChurnRate() {
	acc, _ := clv.NewAccumulator(clv.Month)
	_ = acc.AddAll(slices.Values(shopLog()))
	churn, _ := clv.AverageChurnRate(acc.Summary().Windows)
	fmt.Println(churn.StringFixed(4))
	// Output:
	// 0.2857
}

// The summaries of parts of a log with no customer in common, as the
// workers of a distributed engine make them, add up to the summary of the
// whole log.
func ExampleAddSummaries() {
	web, _ := clv.NewAccumulator(clv.Month)
	others, _ := clv.NewAccumulator(clv.Month)
	for _, p := range shopLog() {
		if p.Customer == "ann" || p.Customer == "eve" { // split by customer
			_ = web.Add(p)
		} else {
			_ = others.Add(p)
		}
	}
	s, _ := clv.AddSummaries(web.Summary(), others.Summary())
	for _, w := range s.Windows {
		fmt.Println(w.Start.Format("2006-01"), w.Revenue.StringFixed(2), w.Customers, w.NewCustomers, w.LostCustomers)
	}
	// Output:
	// 2025-01 215.00 4 4 0
	// 2025-02 85.00 3 1 2
	// 2025-03 220.00 4 0 0
}
