package btyd_test

import (
	"fmt"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
)

// exampleBase is two customers of the CDNOW sample's kind, in weeks.
var exampleBase = btyd.Base{Unit: clv.Week, Customers: []btyd.Customer{
	{ID: "0001", X: 2, Tx: 30.43, T: 38.86, Spend: decimal.RequireFromString("22.345")},
	{ID: "0002", X: 0, T: 38.86, Spend: decimal.Zero},
}}

func ExampleValues() {
	v, err := btyd.Values(exampleModel, exampleSpend, exampleBase, btyd.Horizon{Length: 12, Period: clv.Month},
		btyd.WithDiscountRate(decimal.RequireFromString("0.01"), clv.Month), btyd.WithScale(2))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range v.Customers {
		fmt.Printf("%s: P(alive) %.3f, %.3f purchases, %.3f discounted, spend %s, value %s\n",
			c.ID, c.ProbAlive, c.Purchases, c.DiscountedPurchases, c.Spend, c.Value)
	}
	fmt.Printf("total %s\n", v.Value)
	// Output:
	// 0001: P(alive) 0.727, 1.563 purchases, 1.472 discounted, spend 24.66, value 36.31
	// 0002: P(alive) 1.000, 0.253 purchases, 0.238 discounted, spend 35.22, value 8.37
	// total 44.68
}

func ExampleWithStep() {
	// Purchases are valued at the end of their step: coarser steps value
	// them later. A year counted weekly is 52 weeks and a seventh, the
	// last step short.
	year := btyd.Horizon{Length: 1, Period: clv.Year}
	rate := btyd.WithDiscountRate(decimal.RequireFromString("0.2"), clv.Year)
	for _, step := range []clv.Period{clv.Year, clv.Quarter, clv.Week} {
		v, _ := btyd.Values(exampleModel, exampleSpend, exampleBase, year, rate, btyd.WithStep(step), btyd.WithScale(2))
		fmt.Printf("%-7s %s\n", step, v.Value)
	}
	// Output:
	// year    39.54
	// quarter 42.63
	// week    43.56
}

func ExampleWithDiscountRate() {
	ten := btyd.Horizon{Length: 10, Period: clv.Year}
	for _, rate := range []string{"0", "0.05", "0.2"} {
		v, _ := btyd.Values(exampleModel, exampleSpend, exampleBase, ten,
			btyd.WithDiscountRate(decimal.RequireFromString(rate), clv.Year), btyd.WithScale(2))
		fmt.Printf("%-4s a year: %s\n", rate, v.Value)
	}
	// Output:
	// 0    a year: 232.51
	// 0.05 a year: 189.84
	// 0.2  a year: 118.79
}

func ExampleWithGrossMargin() {
	v, _ := btyd.Values(exampleModel, exampleSpend, exampleBase, btyd.Horizon{Length: 1, Period: clv.Year},
		btyd.WithGrossMargin(decimal.RequireFromString("0.3")), btyd.WithScale(2))
	fmt.Println("profit over a year:", v.Value)
	// Output: profit over a year: 14.23
}

func ExampleWithScale() {
	for _, places := range []int32{0, 2, 6} {
		v, _ := btyd.Values(exampleModel, exampleSpend, exampleBase, btyd.Horizon{Length: 1, Period: clv.Year}, btyd.WithScale(places))
		fmt.Println(v.Customers[0].Value)
	}
	// Output:
	// 39
	// 38.55
	// 38.545432
}
