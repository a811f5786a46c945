package btyd_test

import (
	"fmt"
	"slices"
	"time"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
)

// cdnowCustomer1 is the first customer of the CDNOW sample: four orders,
// the last in the holdout.
func cdnowCustomer1() []clv.Purchase {
	d := decimal.RequireFromString
	on := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	return []clv.Purchase{
		{Customer: "0001", Time: on("1997-01-01"), Amount: d("29.33")},
		{Customer: "0001", Time: on("1997-01-18"), Amount: d("29.73")},
		{Customer: "0001", Time: on("1997-08-02"), Amount: d("14.96")},
		{Customer: "0001", Time: on("1997-12-12"), Amount: d("26.48")},
	}
}

var (
	exampleCalibrationEnd = time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC)
	exampleHoldoutEnd     = time.Date(1998, 6, 30, 0, 0, 0, 0, time.UTC)
)

func ExampleNewSummarizer() {
	s, err := btyd.NewSummarizer(exampleCalibrationEnd, btyd.WithHoldout(exampleHoldoutEnd))
	fmt.Println(s.Unit(), err)
	_, err = btyd.NewSummarizer(exampleCalibrationEnd, btyd.WithHoldout(exampleCalibrationEnd))
	fmt.Println(err)
	// Output:
	// week <nil>
	// btyd: summarizer: holdout end = 1997-09-30: clv: inconsistent: not after the calibration end, 1997-09-30
}

func ExampleWithUnit() {
	s, _ := btyd.NewSummarizer(exampleCalibrationEnd, btyd.WithUnit(clv.Month))
	_ = s.AddAll(slices.Values(cdnowCustomer1()))
	c := s.Base().Customers[0]
	// 272 days are 8.94 months of 30.4375 days.
	fmt.Printf("x %d, t_x %.2f, T %.2f months\n", c.X, c.Tx, c.T)
	// Output: x 2, t_x 7.00, T 8.94 months
}

func ExampleWithHoldout() {
	s, _ := btyd.NewSummarizer(exampleCalibrationEnd, btyd.WithHoldout(exampleHoldoutEnd))
	_ = s.AddAll(slices.Values(cdnowCustomer1()))
	b := s.Base()
	c := b.Customers[0]
	fmt.Printf("holdout of %.0f weeks: %d purchase of %s\n", b.Holdout, c.HoldoutX, c.HoldoutSpend)
	// Output: holdout of 39 weeks: 1 purchase of 26.48
}

func ExampleSummarizer_Add() {
	s, _ := btyd.NewSummarizer(exampleCalibrationEnd)
	for _, p := range cdnowCustomer1() {
		if err := s.Add(p); err != nil {
			fmt.Println(err)
		}
	}
	err := s.Add(clv.Purchase{Customer: "0002", Amount: decimal.RequireFromString("10")})
	fmt.Println(err)
	t := s.Totals()
	fmt.Printf("%d rows: %d purchases, %d later; %d customer\n", t.Rows, t.Purchases, t.Later, t.Customers)
	// Output:
	// btyd: add: time: clv: missing
	// 4 rows: 3 purchases, 1 later; 1 customer
}

func ExampleSummarizer_AddAll() {
	s, _ := btyd.NewSummarizer(exampleCalibrationEnd, btyd.WithHoldout(exampleHoldoutEnd))
	log := cdnowCustomer1()
	log = append(log, clv.Purchase{Customer: "0002", Time: exampleCalibrationEnd}) // no amount: a zero decimal, a purchase of no value
	log = append(log, clv.Purchase{Customer: "", Time: exampleCalibrationEnd})
	err := s.AddAll(slices.Values(log))
	fmt.Println(err)
	fmt.Println(len(s.Base().Customers), "customers")
	// Output:
	// btyd: add all: purchase 6: customer: clv: missing
	// 2 customers
}

func ExampleSummarizer_AddRows() {
	// A reader that parses a log itself hands over ids as bytes and
	// amounts as integers: 29.33 is 2933 hundredths.
	s, _ := btyd.NewSummarizer(exampleCalibrationEnd)
	rows := []clv.Row{
		{Customer: []byte("0001"), Time: time.Date(1997, 1, 1, 0, 0, 0, 0, time.UTC), Units: 1177, Places: 2},
		{Customer: []byte("0001"), Time: time.Date(1997, 1, 12, 0, 0, 0, 0, time.UTC), Units: 2933, Places: 2},
		{Customer: []byte("0001"), Time: time.Date(1997, 8, 2, 0, 0, 0, 0, time.UTC), Units: 2999, Places: 2},
		{Customer: nil, Time: time.Date(1997, 8, 2, 0, 0, 0, 0, time.UTC), Units: 100},
	}
	n, err := s.AddRows(rows)
	fmt.Println(n, "added;", err)
	c := s.Base().Customers[0]
	fmt.Printf("x = %d, t_x = %.2f, T = %.2f weeks, spend %s\n", c.X, c.Tx, c.T, c.Spend)
	// Output:
	// 3 added; btyd: add rows: row 4: customer: clv: missing
	// x = 2, t_x = 30.43, T = 38.86 weeks, spend 29.66
}

func ExampleSummarizer_AddRowsAt() {
	// Two goroutines each summarise the lines of a log they were given,
	// here the even and the odd lines, with the lines' numbers as places:
	// merged, the customers come in the order of the log, b first, as
	// one Summarizer reading line by line has them.
	day := func(d int) time.Time { return time.Date(1997, 1, d, 0, 0, 0, 0, time.UTC) }
	lines := []clv.Row{
		{Customer: []byte("b"), Time: day(3), Units: 10},
		{Customer: []byte("a"), Time: day(1), Units: 20},
		{Customer: []byte("c"), Time: day(2), Units: 30},
		{Customer: []byte("a"), Time: day(9), Units: 40},
	}
	even, _ := btyd.NewSummarizer(exampleCalibrationEnd)
	odd, _ := btyd.NewSummarizer(exampleCalibrationEnd)
	_, _ = even.AddRowsAt([]clv.Row{lines[0], lines[2]}, []int64{1, 3})
	_, _ = odd.AddRowsAt([]clv.Row{lines[1], lines[3]}, []int64{2, 4})
	_ = odd.Merge(even)
	for _, c := range odd.Base().Customers {
		fmt.Print(c.ID, " ")
	}
	fmt.Println()
	// Output: b a c
}

func ExampleSummarizer_AddAt() {
	// A purchase added with its line's number keeps that place in the
	// order of the Base, whichever was added first.
	s, _ := btyd.NewSummarizer(exampleCalibrationEnd)
	_ = s.AddAt(clv.Purchase{Customer: "late", Time: time.Date(1997, 3, 1, 0, 0, 0, 0, time.UTC), Amount: decimal.NewFromInt(5)}, 7)
	_ = s.AddAt(clv.Purchase{Customer: "early", Time: time.Date(1997, 2, 1, 0, 0, 0, 0, time.UTC), Amount: decimal.NewFromInt(5)}, 2)
	fmt.Println(s.Base().Customers[0].ID, s.Base().Customers[1].ID)
	err := s.AddAt(clv.Purchase{Customer: "x", Time: time.Date(1997, 2, 1, 0, 0, 0, 0, time.UTC), Amount: decimal.NewFromInt(5)}, -1)
	fmt.Println(err)
	// Output:
	// early late
	// btyd: add: place = -1: clv: must not be negative
}

func ExampleSummarizer_Merge() {
	// Two halves of a log, summarised apart, merge into the whole.
	log := cdnowCustomer1()
	a, _ := btyd.NewSummarizer(exampleCalibrationEnd)
	b, _ := btyd.NewSummarizer(exampleCalibrationEnd)
	_ = a.AddAll(slices.Values(log[:2]))
	_ = b.AddAll(slices.Values(log[2:]))
	if err := a.Merge(b); err != nil {
		fmt.Println(err)
	}
	c := a.Base().Customers[0]
	fmt.Printf("x %d, t_x %.2f, T %.2f, spend %s\n", c.X, c.Tx, c.T, c.Spend)
	// Output: x 2, t_x 30.43, T 38.86, spend 22.345
}

func ExampleSummarizer_Base() {
	s, _ := btyd.NewSummarizer(exampleCalibrationEnd, btyd.WithHoldout(exampleHoldoutEnd))
	_ = s.AddAll(slices.Values(cdnowCustomer1()))
	for _, c := range s.Base().Customers {
		// Spend is the mean of the repeat days: (29.73 + 14.96) / 2.
		fmt.Printf("%s: x %d, t_x %.2f, T %.2f weeks, spend %s; holdout %d, %s\n",
			c.ID, c.X, c.Tx, c.T, c.Spend, c.HoldoutX, c.HoldoutSpend)
	}
	// Output: 0001: x 2, t_x 30.43, T 38.86 weeks, spend 22.345; holdout 1, 26.48
}

func ExampleSummarizer_Histories() {
	s, _ := btyd.NewSummarizer(exampleCalibrationEnd)
	on := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	ten := decimal.NewFromInt(10)
	for _, id := range []string{"a", "b", "c"} {
		_ = s.Add(clv.Purchase{Customer: id, Time: on("1997-09-02"), Amount: ten})
	}
	_ = s.Add(clv.Purchase{Customer: "c", Time: on("1997-09-16"), Amount: ten})
	for _, h := range s.Histories() {
		fmt.Printf("x %d, t_x %.0f, T %.0f: %d customers\n", h.X, h.Tx, h.T, h.Weight)
	}
	// Output:
	// x 0, t_x 0, T 4: 2 customers
	// x 1, t_x 2, T 4: 1 customers
}

func ExampleSummarizer_Totals() {
	s, _ := btyd.NewSummarizer(exampleCalibrationEnd, btyd.WithHoldout(exampleHoldoutEnd))
	log := append(cdnowCustomer1(),
		clv.Purchase{Customer: "0001", Time: exampleCalibrationEnd, Amount: decimal.RequireFromString("-14.96")}, // a refund
		clv.Purchase{Customer: "0002", Time: exampleHoldoutEnd, Amount: decimal.RequireFromString("5")},          // a late customer
		clv.Purchase{Customer: "0003", Time: exampleHoldoutEnd.AddDate(0, 0, 1), Amount: decimal.RequireFromString("5")},
	)
	_ = s.AddAll(slices.Values(log))
	t := s.Totals()
	fmt.Printf("%d rows: %d purchases, %d later, %d refunds\n", t.Rows, t.Purchases, t.Later, t.Refunds)
	fmt.Printf("%d customer, %d late\n", t.Customers, t.Late)
	fmt.Printf("the log runs from %s to %s\n", t.First.Format(time.DateOnly), t.Last.Format(time.DateOnly))
	// Output:
	// 7 rows: 5 purchases, 1 later, 1 refunds
	// 1 customer, 1 late
	// the log runs from 1997-01-01 to 1998-07-01
}

func ExampleSummarizer_Unit() {
	s, _ := btyd.NewSummarizer(exampleCalibrationEnd, btyd.WithUnit(clv.Quarter))
	fmt.Println(s.Unit())
	// Output: quarter
}

func ExampleCustomer_Equal() {
	a := btyd.Customer{ID: "0001", X: 2, Spend: decimal.RequireFromString("22.345")}
	b := btyd.Customer{ID: "0001", X: 2, Spend: decimal.RequireFromString("22.3450")}
	fmt.Println(a.Equal(b), a == b)
	// Output: true false
}

func ExampleCustomer_History() {
	c := btyd.Customer{ID: "0001", X: 2, Tx: 30.43, T: 38.86}
	fmt.Printf("%+v\n", c.History())
	// Output: {X:2 Tx:30.43 T:38.86 Weight:1}
}

// A customer's segment is that of their first purchase, the channel that
// won them: here the app, on 1997-01-01, where they bought by email too,
// "app" coming first in byte order; their later purchases by email leave
// it as it is.
func ExampleCustomer_segment() {
	s, _ := btyd.NewSummarizer(exampleCalibrationEnd)
	log := cdnowCustomer1()
	for i := range log {
		log[i].Segment = "email"
	}
	log = append(log, clv.Purchase{Customer: "0001", Time: log[0].Time, Amount: decimal.RequireFromString("5"), Segment: "app"})
	_ = s.AddAll(slices.Values(log))
	c := s.Base().Customers[0]
	fmt.Printf("%s: segment %s, x %d\n", c.ID, c.Segment, c.X)
	// Output: 0001: segment app, x 2
}
