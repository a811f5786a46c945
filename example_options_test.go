package clv_test

import (
	"fmt"

	"github.com/clvkit/clv"
	"github.com/shopspring/decimal"
)

func ExampleOption() {
	d := decimal.RequireFromString
	opts := []clv.Option{
		clv.WithGrossMargin(d("0.6")),
		clv.WithDiscountRate(d("0.1"), clv.Year),
		clv.WithScale(2),
	}
	w := clv.Window{Revenue: d("1000"), Purchases: 10, Customers: 10}
	r, _ := clv.Calculate(w, clv.Lifespan{Length: d("2")}, opts...)
	fmt.Println(r.LifetimeValue, r.ProfitLifetimeValue, r.DiscountedLifetimeValue)
	// Output: 200 120 114.55
}

func ExampleWithGrossMargin() {
	d := decimal.RequireFromString
	w := clv.Window{Revenue: d("1000"), Purchases: 10, Customers: 10}
	r, _ := clv.Calculate(w, clv.Lifespan{Length: d("3")}, clv.WithGrossMargin(d("0.25")))
	fmt.Println(r.LifetimeValue, r.ProfitLifetimeValue)
	// Output: 300 75
}

func ExampleWithDiscountRate() {
	d := decimal.RequireFromString
	w := clv.Window{Revenue: d("100"), Purchases: 1, Customers: 1}
	// 100 a year for 3 years, the first at once: 100 + 100/1.1 + 100/1.21.
	r, _ := clv.Calculate(w, clv.Lifespan{Length: d("3")}, clv.WithDiscountRate(d("0.1"), clv.Year), clv.WithScale(2))
	fmt.Println(r.DiscountedLifetimeValue)
	// Output: 273.55
}

func ExampleWithAcquisitionCost() {
	d := decimal.RequireFromString
	w := clv.Window{Revenue: d("100"), Purchases: 1, Customers: 1}
	r, _ := clv.Calculate(w, clv.Lifespan{Length: d("3")}, clv.WithAcquisitionCost(d("75")), clv.WithScale(2))
	fmt.Println(r.NetLifetimeValue, r.LTVToCAC.Decimal, r.PaybackPeriods.Decimal)
	// Output: 225 4 0.75
}

func ExampleWithRetentionCost() {
	d := decimal.RequireFromString
	w := clv.Window{Revenue: d("100"), Purchases: 1, Customers: 1}
	// 2 a month of support is 24 a year, over 3 years.
	r, _ := clv.Calculate(w, clv.Lifespan{Length: d("3")}, clv.WithRetentionCost(d("2"), clv.Month))
	fmt.Println(r.RetentionCost, r.NetLifetimeValue)
	// Output: 72 228
}

func ExampleWithScale() {
	d := decimal.RequireFromString
	w := clv.Window{Revenue: d("100"), Purchases: 3, Customers: 3}
	life := clv.Lifespan{Length: d("1")}
	precise, _ := clv.Calculate(w, life)
	cents, _ := clv.Calculate(w, life, clv.WithScale(2))
	fmt.Println(precise.CustomerValue, cents.CustomerValue)
	// Output: 33.3333333333 33.33
}
