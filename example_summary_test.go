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

func ExampleCustomerSummary() {
	acc, _ := clv.NewAccumulator(clv.Month)
	_ = acc.AddAll(slices.Values(shopLog()))
	for c := range acc.Customers() {
		if c.Customer == "ann" {
			fmt.Printf("%+v\n", c)
		}
	}
	// Output:
	// {Customer:ann Segment:web Frequency:2 Recency:2 T:2 RepeatValue:80}
}

func ExampleCustomerSummary_Equal() {
	a := clv.CustomerSummary{Customer: "ann", Frequency: 2, RepeatValue: decimal.RequireFromString("80")}
	b := clv.CustomerSummary{Customer: "ann", Frequency: 2, RepeatValue: decimal.RequireFromString("80.00")}
	fmt.Println(a.Equal(b))
	// Output:
	// true
}

func ExampleCustomerSummary_MeanRepeatValue() {
	c := clv.CustomerSummary{Customer: "ann", Frequency: 3, RepeatValue: decimal.RequireFromString("100")}
	fmt.Println(c.MeanRepeatValue())
	// Output:
	// 33.3333333333
}
