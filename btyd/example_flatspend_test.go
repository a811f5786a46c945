package btyd_test

import (
	"errors"
	"fmt"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
)

func ExampleMeanSpend() {
	// Two repeat purchases of 10 on average, one of 40, and a customer
	// who never came back: (2 × 10 + 40) / 3.
	d := decimal.RequireFromString
	customers := []btyd.Customer{{ID: "a", X: 2, Spend: d("10")}, {ID: "b", X: 1, Spend: d("40")}, {ID: "c"}}
	f, err := btyd.MeanSpend(customers)
	fmt.Println(f.Amount, err)
	// Output: 20 <nil>
}

func ExampleFlatSpend() {
	// A shop whose every purchase costs 9.99: gamma–gamma has no maximum,
	// as every customer spends the same, and the purchases are valued at
	// that amount instead.
	d := decimal.RequireFromString
	base := btyd.Base{Unit: clv.Week, Customers: []btyd.Customer{
		{ID: "0001", X: 2, Tx: 30.43, T: 38.86, Spend: d("9.99")},
		{ID: "0002", X: 5, Tx: 35, T: 38.86, Spend: d("9.99")},
		{ID: "0003", X: 1, Tx: 3, T: 38.86, Spend: d("9.99")},
		{ID: "0004", X: 0, T: 38.86, Spend: d("0")},
	}}
	_, err := btyd.FitGammaGamma(base.Customers)
	fmt.Println(errors.Is(err, clv.ErrNoFit))
	spend, _ := btyd.MeanSpend(base.Customers)
	v, err := btyd.Values(exampleModel, spend, base, btyd.Horizon{Length: 1, Period: clv.Year}, btyd.WithScale(2))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range v.Customers {
		fmt.Printf("%s: %.3f purchases at %s, value %s\n", c.ID, c.Purchases, c.Spend, c.Value)
	}
	// Output:
	// true
	// 0001: 1.563 purchases at 9.99, value 15.62
	// 0002: 4.008 purchases at 9.99, value 40.04
	// 0003: 0.313 purchases at 9.99, value 3.12
	// 0004: 0.253 purchases at 9.99, value 2.53
}

func ExampleFlatSpend_ExpectedSpend() {
	// Every customer's next purchase is the flat amount, rounded to
	// DefaultScale places, whatever they spent before.
	f := btyd.FlatSpend{Amount: decimal.RequireFromString("9.995")}
	for _, x := range []int64{0, 3} {
		e, err := f.ExpectedSpend(x, decimal.NewFromInt(40))
		fmt.Println(e, err)
	}
	_, err := f.ExpectedSpend(-1, decimal.NewFromInt(40))
	fmt.Println(errors.Is(err, clv.ErrNegative))
	// Output:
	// 9.995 <nil>
	// 9.995 <nil>
	// true
}
