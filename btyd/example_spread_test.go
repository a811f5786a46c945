package btyd_test

import (
	"fmt"

	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
)

func ExampleSpread() {
	// Ten customers, one worth as much as the other nine together.
	var v btyd.Valuation
	for i, value := range []string{"450", "150", "100", "60", "50", "40", "30", "20", "0", "0"} {
		v.Customers = append(v.Customers, btyd.CustomerValue{ID: fmt.Sprint(i), Value: decimal.RequireFromString(value)})
	}
	s := btyd.Spread(v)
	fmt.Println("customers", s.Customers, "worth", s.Value.StringFixed(2))
	for _, p := range []int{1, 10, 20, 50} {
		top := s.Top[p]
		fmt.Printf("top %d %%: %d customers, %s, %.0f %% of the value\n", p, top.Customers, top.Value.StringFixed(2), 100*top.Share)
	}
	d := s.Deciles[9]
	fmt.Printf("last tenth: %d customer, %s to %s\n", d.Customers, d.Low.StringFixed(2), d.High.StringFixed(2))
	// Output:
	// customers 10 worth 900.00
	// top 1 %: 1 customers, 450.00, 50 % of the value
	// top 10 %: 1 customers, 450.00, 50 % of the value
	// top 20 %: 2 customers, 600.00, 67 % of the value
	// top 50 %: 5 customers, 810.00, 90 % of the value
	// last tenth: 1 customer, 0.00 to 0.00
}
