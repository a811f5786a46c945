package btyd_test

import (
	"fmt"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
)

func ExampleNewCustomerRateForecast() {
	// 1,000 customers won a month, evenly through it, for the next four
	// months: their repeat purchases and revenue month by month.
	f, err := btyd.NewCustomerRateForecast(exampleModel, exampleSpend, clv.Week, 1000, btyd.Horizon{Length: 4, Period: clv.Month})
	if err != nil {
		fmt.Println(err)
		return
	}
	for k, p := range f {
		fmt.Printf("month %d: %4.0f acquired, %6.1f purchases, revenue %s\n", k+1, p.Acquired, p.Purchases, p.Revenue.StringFixed(2))
	}
	// Output:
	// month 1: 1000 acquired,  109.8 purchases, revenue 3866.78
	// month 2: 1000 acquired,  300.6 purchases, revenue 10587.29
	// month 3: 1000 acquired,  462.1 purchases, revenue 16275.68
	// month 4: 1000 acquired,  604.3 purchases, revenue 21281.56
}

func ExampleDiscreteNewCustomerRateForecast() {
	// 1,500 new supporters at each of the next 4 yearly appeals, giving
	// 50 a gift: their repeat donations appeal by appeal.
	g := btyd.FlatSpend{Amount: decimal.NewFromInt(50)}
	f, err := btyd.DiscreteNewCustomerRateForecast(exampleBGBB, g, clv.Year, 1500, btyd.Horizon{Length: 4, Period: clv.Year})
	if err != nil {
		fmt.Println(err)
		return
	}
	for k, p := range f {
		fmt.Printf("year %d: %6.1f donations, %s\n", k+1, p.Purchases, p.Revenue.StringFixed(2))
	}
	// Output:
	// year 1:    0.0 donations, 0.00
	// year 2:  747.7 donations, 37386.77
	// year 3: 1384.8 donations, 69241.31
	// year 4: 1945.0 donations, 97248.71
}

func ExampleRatePeriodForecast() {
	// 2.5 customers a week, won evenly, by the Pareto/NBD.
	f, _ := btyd.NewCustomerRateForecast(examplePNBD, exampleSpend, clv.Week, 2.5, btyd.Horizon{Length: 2, Period: clv.Week})
	for _, p := range f {
		fmt.Printf("%.1f %.4f %s\n", p.Acquired, p.Purchases, p.Revenue.StringFixed(2))
	}
	// Output:
	// 2.5 0.0643 2.26
	// 2.5 0.1887 6.64
}
