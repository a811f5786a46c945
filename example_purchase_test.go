package clv_test

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/clvkit/clv"
	"github.com/shopspring/decimal"
)

// shopLog is a quarter of a small shop's orders: web and store customers,
// one refund, one customer who moves from the web to the store.
func shopLog() []clv.Purchase {
	day := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	d := decimal.RequireFromString
	return []clv.Purchase{
		{Customer: "ann", Time: day("2025-01-03"), Amount: d("40.00"), Segment: "web"},
		{Customer: "ben", Time: day("2025-01-09"), Amount: d("25.00"), Segment: "web"},
		{Customer: "cat", Time: day("2025-01-15"), Amount: d("90.00"), Segment: "store"},
		{Customer: "dan", Time: day("2025-01-20"), Amount: d("60.00"), Segment: "store"},
		{Customer: "ann", Time: day("2025-02-02"), Amount: d("35.00"), Segment: "web"},
		{Customer: "cat", Time: day("2025-02-11"), Amount: d("80.00"), Segment: "store"},
		{Customer: "dan", Time: day("2025-02-14"), Amount: d("-60.00"), Segment: "store"}, // a refund
		{Customer: "eve", Time: day("2025-02-21"), Amount: d("30.00"), Segment: "web"},
		{Customer: "ann", Time: day("2025-03-05"), Amount: d("45.00"), Segment: "web"},
		{Customer: "ben", Time: day("2025-03-07"), Amount: d("70.00"), Segment: "store"}, // ben moves to the store
		{Customer: "cat", Time: day("2025-03-12"), Amount: d("85.00"), Segment: "store"},
		{Customer: "eve", Time: day("2025-03-31"), Amount: d("20.00"), Segment: "web"}, // the log runs to the end of March
	}
}

// From a purchase log to the lifetime value of each segment: summarise the
// log by month, measure each segment's churn from the months, and price
// the segments with the last month's totals.
func Example_purchaseLog() {
	acc, _ := clv.NewAccumulator(clv.Month)
	if err := acc.AddAll(slices.Values(shopLog())); err != nil {
		fmt.Println(err)
		return
	}
	summary := acc.Summary()

	fmt.Println("month    segment  revenue  customers  new  lost")
	for i, all := range summary.Windows {
		for _, s := range summary.Segments {
			w := s.Windows[i]
			fmt.Printf("%s  %-7s  %7s  %9d  %3d  %4d\n", all.Start.Format("2006-01"), s.Name,
				w.Revenue.StringFixed(2), w.Customers, w.NewCustomers, w.LostCustomers)
		}
	}

	var segments []clv.Segment
	for _, s := range summary.Segments {
		// The segment's last month with customers, and its churn per
		// month averaged over the log.
		segment, err := s.Segment()
		if err != nil {
			fmt.Println(err)
			return
		}
		segments = append(segments, segment)
		fmt.Printf("%s: churn %s a month\n", s.Name, segment.Lifespan.ChurnRate.StringFixed(4))
	}
	report, err := clv.CalculateSegments(segments, clv.WithGrossMargin(decimal.RequireFromString("0.5")))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range report.Segments {
		fmt.Printf("%s: %s a month for %s months: lifetime value %s, profit %s\n", s.Name,
			s.Result.CustomerValue.StringFixed(2), s.Result.Lifespan.StringFixed(2),
			s.Result.LifetimeValue.StringFixed(2), s.Result.ProfitLifetimeValue.StringFixed(2))
	}
	// Output:
	// month    segment  revenue  customers  new  lost
	// 2025-01  store     150.00          2    2     0
	// 2025-01  web        65.00          2    2     0
	// 2025-02  store      20.00          1    0     1
	// 2025-02  web        65.00          2    1     1
	// 2025-03  store     155.00          2    0     0
	// 2025-03  web        65.00          2    0     0
	// store: churn 0.3333 a month
	// web: churn 0.2500 a month
	// store: 77.50 a month for 3.00 months: lifetime value 232.50, profit 116.25
	// web: 32.50 a month for 4.00 months: lifetime value 130.00, profit 65.00
}

func ExamplePurchase() {
	// A refund is a negative amount: it lowers revenue and is no purchase.
	acc, _ := clv.NewAccumulator(clv.Year)
	when := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	_ = acc.Add(clv.Purchase{Customer: "ann", Time: when, Amount: decimal.RequireFromString("50.00")})
	_ = acc.Add(clv.Purchase{Customer: "ann", Time: when, Amount: decimal.RequireFromString("-20.00")})
	_ = acc.Add(clv.Purchase{Customer: "ben", Time: when, Amount: decimal.Zero}) // a free order
	s := acc.Summary()
	fmt.Println(s.Revenue.StringFixed(2), s.Purchases, s.Refunds, s.Customers)
	// Output:
	// 30.00 2 1 2
}

func ExampleAccumulator() {
	acc, _ := clv.NewAccumulator(clv.Quarter)
	_ = acc.AddAll(slices.Values(shopLog()))
	for _, w := range acc.Summary().Windows {
		fmt.Println(w.Start.Format(time.DateOnly), w.Revenue.StringFixed(2), w.Purchases, w.Customers)
	}
	// Output:
	// 2025-01-01 520.00 11 5
}

func ExampleNewAccumulator() {
	_, err := clv.NewAccumulator(clv.Period(7))
	fmt.Println(err)
	// Output:
	// clv: accumulator: window = Period(7): unknown period
}

func ExampleAccumulator_Period() {
	acc, _ := clv.NewAccumulator(clv.Week)
	fmt.Println(acc.Period())
	// Output:
	// week
}

func ExampleAccumulator_Add() {
	acc, _ := clv.NewAccumulator(clv.Month)
	err := acc.Add(clv.Purchase{Customer: "ann", Amount: decimal.RequireFromString("10")})
	fmt.Println(err)
	// Output:
	// clv: purchase: time: missing
}

func ExampleAccumulator_AddAll() {
	acc, _ := clv.NewAccumulator(clv.Month)
	log := shopLog()
	log[4].Customer = "" // the fifth purchase lost its customer
	err := acc.AddAll(slices.Values(log))
	fmt.Println(err)
	fmt.Println(acc.Summary().Purchases, "purchases added")
	// Output:
	// clv: purchase 5: customer: missing
	// 4 purchases added
}

// Two shards of a log, summarised apart — on two machines, say — merge to
// the summary of the whole.
func ExampleAccumulator_Merge() {
	log := shopLog()
	first, _ := clv.NewAccumulator(clv.Month)
	second, _ := clv.NewAccumulator(clv.Month)
	_ = first.AddAll(slices.Values(log[:6]))
	_ = second.AddAll(slices.Values(log[6:]))
	if err := first.Merge(second); err != nil {
		fmt.Println(err)
		return
	}
	whole, _ := clv.NewAccumulator(clv.Month)
	_ = whole.AddAll(slices.Values(log))
	fmt.Println(first.Summary().Revenue, whole.Summary().Revenue)
	fmt.Println(first.Summary().Windows[1].LostCustomers, whole.Summary().Windows[1].LostCustomers)
	// Output:
	// 520 520
	// 2 2
}

func ExampleAccumulator_Summary() {
	acc, _ := clv.NewAccumulator(clv.Month)
	_ = acc.AddAll(slices.Values(shopLog()))
	s := acc.Summary()
	fmt.Println(s.Period, len(s.Windows), "windows,", len(s.Segments), "segments")
	fmt.Println(s.Revenue.StringFixed(2), s.Purchases, s.Refunds, s.Customers)
	// Output:
	// month 3 windows, 2 segments
	// 520.00 11 1 5
}

// A reader that parses a log itself hands its rows over with amounts as
// integers, and reuses its buffers at once: the Accumulator copies what it
// keeps.
func ExampleAccumulator_AddRows() {
	acc, _ := clv.NewAccumulator(clv.Month)
	day := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	line := []byte("ann,web")
	rows := []clv.Row{
		{Customer: line[:3], Segment: line[4:], Time: day, Units: 1999, Places: 2}, // 19.99
		{Customer: line[:3], Segment: line[4:], Time: day, Units: -500, Places: 2}, // a refund of 5.00
	}
	n, err := acc.AddRows(rows)
	fmt.Println(n, err)
	copy(line, "bob,app")
	s := acc.Summary()
	fmt.Println(s.Segments[0].Name, s.Revenue.StringFixed(2), s.Purchases, s.Refunds)
	// Output:
	// 2 <nil>
	// web 14.99 1 1
}

func ExampleRow() {
	// 12.50 paid by ann: 1250 units of 10^−2.
	r := clv.Row{Customer: []byte("ann"), Time: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), Units: 1250, Places: 2}
	acc, _ := clv.NewAccumulator(clv.Year)
	_, _ = acc.AddRows([]clv.Row{r})
	fmt.Println(acc.Summary().Revenue.StringFixed(2))
	// Output: 12.50
}

// Accumulators travel as bytes, between the workers of a distributed
// engine say, and merge where they meet.
func ExampleAccumulator_MarshalBinary() {
	web, _ := clv.NewAccumulator(clv.Month)
	store, _ := clv.NewAccumulator(clv.Month)
	for _, p := range shopLog() {
		if p.Segment == "web" {
			_ = web.Add(p)
		} else {
			_ = store.Add(p)
		}
	}
	data, _ := store.MarshalBinary()

	var received clv.Accumulator
	if err := received.UnmarshalBinary(data); err != nil {
		fmt.Println(err)
		return
	}
	_ = web.Merge(&received)
	s := web.Summary()
	fmt.Println(s.Revenue.StringFixed(2), s.Purchases, s.Refunds, s.Customers)

	data[len(data)/2] ^= 1 // a bit flipped on the way
	fmt.Println(errors.Is(received.UnmarshalBinary(data), clv.ErrMalformed))
	// Output:
	// 520.00 11 1 5
	// true
}

func ExampleAccumulator_AppendBinary() {
	a, _ := clv.NewAccumulator(clv.Month)
	_ = a.AddAll(slices.Values(shopLog()))
	// Append to a buffer of one's own, as to a message after its header.
	msg := []byte("shard 3:")
	msg, _ = a.AppendBinary(msg)
	var b clv.Accumulator
	fmt.Println(b.UnmarshalBinary(msg[len("shard 3:"):]), b.Summary().Revenue.Equal(a.Summary().Revenue))
	// Output: <nil> true
}

func ExampleAccumulator_UnmarshalBinary() {
	a, _ := clv.NewAccumulator(clv.Month)
	_ = a.AddAll(slices.Values(shopLog()))
	data, _ := a.MarshalBinary()
	var b clv.Accumulator
	fmt.Println(b.UnmarshalBinary(data), b.Summary().Purchases)
	fmt.Println(errors.Is(b.UnmarshalBinary(data[:len(data)-1]), clv.ErrMalformed)) // cut short
	// Output:
	// <nil> 11
	// true
}
