package btyd_test

import (
	"fmt"

	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
)

func ExampleValueBySegment() {
	d := decimal.RequireFromString
	// Four customers, three won by the app and one by email, and their
	// values as Values gives them, rounded to cents.
	b := btyd.Base{Customers: []btyd.Customer{
		{ID: "a", Segment: "app", X: 3},
		{ID: "b", Segment: "email", X: 1},
		{ID: "c", Segment: "app"},
		{ID: "d", Segment: "app", X: 2},
	}}
	v := btyd.Valuation{Customers: []btyd.CustomerValue{
		{ID: "a", ProbAlive: 0.9, Purchases: 2.5, Value: d("50.00")},
		{ID: "b", ProbAlive: 0.6, Purchases: 1, Value: d("20.01")},
		{ID: "c", ProbAlive: 1, Purchases: 0.5, Value: d("10.00")},
		{ID: "d", ProbAlive: 0.5, Purchases: 1, Value: d("20.01")},
	}}
	sv, err := btyd.ValueBySegment(b, v, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range append(sv.Segments, sv.Blended) {
		fmt.Printf("%-6q %d customers, %d repeat, P(alive) %.2f, %.1f purchases, value %s, %s a customer\n",
			s.Segment, s.Customers, s.RepeatBuyers, s.ProbAlive, s.Purchases, s.Value.StringFixed(2), s.ValuePerCustomer.StringFixed(2))
	}
	// Output:
	// "app"  3 customers, 2 repeat, P(alive) 0.80, 4.0 purchases, value 80.01, 26.67 a customer
	// "email" 1 customers, 1 repeat, P(alive) 0.60, 1.0 purchases, value 20.01, 20.01 a customer
	// ""     4 customers, 3 repeat, P(alive) 0.75, 5.0 purchases, value 100.02, 25.01 a customer
}

func ExampleSegmentValue_Equal() {
	a := btyd.SegmentValue{Segment: "app", Customers: 2, Value: decimal.RequireFromString("10.5"), ValuePerCustomer: decimal.RequireFromString("5.25")}
	b := a
	b.Value = decimal.RequireFromString("10.50")
	fmt.Println(a.Equal(b))
	b.Customers = 3
	fmt.Println(a.Equal(b))
	// Output:
	// true
	// false
}

// A SegmentValues holds each segment's value, by name, and their blend,
// whose value is the segments' added.
func ExampleSegmentValues() {
	d := decimal.RequireFromString
	b := btyd.Base{Customers: []btyd.Customer{{ID: "a", Segment: "web"}, {ID: "b", Segment: "app"}}}
	v := btyd.Valuation{Customers: []btyd.CustomerValue{{ID: "a", Value: d("3.00")}, {ID: "b", Value: d("4.00")}}}
	sv, _ := btyd.ValueBySegment(b, v, 2)
	for _, s := range sv.Segments {
		fmt.Println(s.Segment, s.Value.StringFixed(2))
	}
	fmt.Println("blended", sv.Blended.Value.StringFixed(2), sv.Blended.ValuePerCustomer.StringFixed(2))
	// Output:
	// app 4.00
	// web 3.00
	// blended 7.00 3.50
}

func ExampleSegmentValues_Equal() {
	d := decimal.RequireFromString
	b := btyd.Base{Customers: []btyd.Customer{{ID: "a", Segment: "web"}}}
	x, _ := btyd.ValueBySegment(b, btyd.Valuation{Customers: []btyd.CustomerValue{{ID: "a", Value: d("3.00")}}}, 2)
	y, _ := btyd.ValueBySegment(b, btyd.Valuation{Customers: []btyd.CustomerValue{{ID: "a", Value: d("3")}}}, 2)
	fmt.Println(x.Equal(y))
	// Output: true
}
