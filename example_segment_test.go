package clv_test

import (
	"fmt"

	"github.com/clvkit/clv"
	"github.com/shopspring/decimal"
)

func ExampleSegment() {
	d := decimal.RequireFromString
	s := clv.Segment{
		Name:            "newsletter",
		Window:          clv.Window{Revenue: d("36000"), Purchases: 900, Customers: 300},
		Lifespan:        clv.Lifespan{ChurnRate: d("0.2")},
		AcquisitionCost: d("15"),
	}
	r, _ := clv.CalculateSegments([]clv.Segment{s})
	fmt.Println(r.Segments[0].Result.LifetimeValue, r.Segments[0].Result.LTVToCAC.Decimal)
	// Output: 600 40
}

func ExampleSegment_Equal() {
	d := decimal.RequireFromString
	a := clv.Segment{Name: "web", Window: clv.Window{Revenue: d("10"), Purchases: 1, Customers: 1}, Lifespan: clv.Lifespan{Length: d("1")}}
	b := a
	b.AcquisitionCost = d("0.00")
	fmt.Println(a.Equal(b))
	// Output: true
}

func ExampleCalculateSegments() {
	d := decimal.RequireFromString
	segments := []clv.Segment{
		{Name: "search", Window: clv.Window{Revenue: d("60000"), Purchases: 2500, Customers: 1000},
			Lifespan: clv.Lifespan{Length: d("2")}, AcquisitionCost: d("40")},
		{Name: "referral", Window: clv.Window{Revenue: d("20000"), Purchases: 500, Customers: 250},
			Lifespan: clv.Lifespan{ChurnRate: d("0.25")}, AcquisitionCost: d("10")},
	}
	r, err := clv.CalculateSegments(segments, clv.WithScale(2))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range r.Segments {
		fmt.Printf("%-8s rank %d  CLV %7s  customers %s  value %s\n", s.Name, s.Rank,
			s.Result.LifetimeValue.StringFixed(2), s.CustomerShare.StringFixed(2), s.ValueShare.StringFixed(2))
	}
	fmt.Printf("%-8s         CLV %7s  LTV:CAC %s\n", "all", r.Blended.LifetimeValue.StringFixed(2), r.Blended.LTVToCAC.Decimal.StringFixed(2))
	// Output:
	// search   rank 2  CLV  120.00  customers 0.80  value 0.60
	// referral rank 1  CLV  320.00  customers 0.20  value 0.40
	// all              CLV  160.00  LTV:CAC 4.71
}

func ExampleSegmentResult() {
	d := decimal.RequireFromString
	w := clv.Window{Revenue: d("100"), Purchases: 2, Customers: 2}
	r, _ := clv.CalculateSegments([]clv.Segment{
		{Name: "short", Window: w, Lifespan: clv.Lifespan{Length: d("1")}},
		{Name: "long", Window: w, Lifespan: clv.Lifespan{Length: d("3")}},
	})
	for _, s := range r.Segments {
		fmt.Println(s.Name, s.Rank, s.CustomerShare, s.ValueShare)
	}
	// Output:
	// short 2 0.5 0.25
	// long 1 0.5 0.75
}

func ExampleSegmentResult_Equal() {
	d := decimal.RequireFromString
	w := clv.Window{Revenue: d("100"), Purchases: 2, Customers: 2}
	a, _ := clv.CalculateSegments([]clv.Segment{{Name: "x", Window: w, Lifespan: clv.Lifespan{Length: d("1")}}})
	b, _ := clv.CalculateSegments([]clv.Segment{{Name: "x", Window: w, Lifespan: clv.Lifespan{Length: d("12"), Period: clv.Month}}})
	fmt.Println(a.Segments[0].Equal(b.Segments[0]))
	// Output: true
}

// The blend of segments that share a lifespan is the calculation on their
// totals.
func ExampleSegmentReport() {
	d := decimal.RequireFromString
	life := clv.Lifespan{ChurnRate: d("0.3")}
	r, _ := clv.CalculateSegments([]clv.Segment{
		{Name: "east", Window: clv.Window{Revenue: d("7000"), Purchases: 90, Customers: 70}, Lifespan: life},
		{Name: "west", Window: clv.Window{Revenue: d("3000"), Purchases: 40, Customers: 30}, Lifespan: life},
	})
	whole, _ := clv.Calculate(r.Total, life)
	fmt.Println(r.Total.Revenue, r.Total.Purchases, r.Total.Customers)
	fmt.Println(r.Blended.LifetimeValue, r.Blended.Equal(whole))
	// Output:
	// 10000 130 100
	// 333.3333333333 true
}

func ExampleSegmentReport_Equal() {
	d := decimal.RequireFromString
	s := []clv.Segment{{Name: "x", Window: clv.Window{Revenue: d("10"), Purchases: 1, Customers: 1}, Lifespan: clv.Lifespan{Length: d("2")}}}
	a, _ := clv.CalculateSegments(s)
	b, _ := clv.CalculateSegments(s, clv.WithGrossMargin(d("0.5")))
	fmt.Println(a.Equal(a), a.Equal(b))
	// Output: true false
}
