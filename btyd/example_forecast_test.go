package btyd_test

import (
	"fmt"
	"math"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
)

func ExampleBGNBD_ProbAliveAt() {
	// FHL's customer: 2 repeat purchases, the last at 30.43 weeks,
	// observed for 38.86. Alive now, in a quarter, in a year?
	for _, t := range []float64{0, 13, 52} {
		p, err := exampleModel.ProbAliveAt(2, 30.43, 38.86, t)
		fmt.Printf("in %2.0f weeks: %.3f %v\n", t, p, err)
	}
	// Output:
	// in  0 weeks: 0.727 <nil>
	// in 13 weeks: 0.661 <nil>
	// in 52 weeks: 0.532 <nil>
}

func ExampleBGNBD_ConditionalProbPurchases() {
	// The chance that FHL's customer makes 0, 1, 2 or 3 purchases in the
	// next 39 weeks; n = 0 is the chance of no purchase at all.
	for n := int64(0); n <= 3; n++ {
		p, _ := exampleModel.ConditionalProbPurchases(2, 30.43, 38.86, n, 39)
		fmt.Printf("P(%d) = %.3f\n", n, p)
	}
	// Output:
	// P(0) = 0.445
	// P(1) = 0.239
	// P(2) = 0.144
	// P(3) = 0.081
}

func ExampleBGNBD_DERT() {
	// Discounted expected purchases at 15 % a year, in weeks.
	delta := math.Log(1.15) / 52
	for _, c := range [][3]float64{{2, 30.43, 38.86}, {0, 0, 38.86}, {10, 38, 39}} {
		d, err := exampleModel.DERT(int64(c[0]), c[1], c[2], delta)
		fmt.Printf("x = %2.0f, t_x = %5.2f: %.3f %v\n", c[0], c[1], d, err)
	}
	// Output:
	// x =  2, t_x = 30.43: 5.170 <nil>
	// x =  0, t_x =  0.00: 1.019 <nil>
	// x = 10, t_x = 38.00: 24.950 <nil>
}

func ExampleMBGNBD_ProbAliveAt() {
	// Unlike the BG/NBD's, a customer without a repeat purchase may be
	// gone, and grows less likely to be alive.
	for _, t := range []float64{0, 13, 52} {
		p, _ := exampleMBGNBD.ProbAliveAt(0, 0, 38.86, t)
		fmt.Printf("in %2.0f weeks: %.3f\n", t, p)
	}
	// Output:
	// in  0 weeks: 0.390
	// in 13 weeks: 0.376
	// in 52 weeks: 0.345
}

func ExampleMBGNBD_ConditionalProbPurchases() {
	p, err := exampleMBGNBD.ConditionalProbPurchases(2, 30.43, 38.86, 0, 39)
	fmt.Printf("no purchase in 39 weeks: %.3f %v\n", p, err)
	// Output:
	// no purchase in 39 weeks: 0.440 <nil>
}

func ExampleMBGNBD_DERT() {
	d, err := exampleMBGNBD.DERT(2, 30.43, 38.86, math.Log(1.15)/52)
	fmt.Printf("%.3f %v\n", d, err)
	// Output:
	// 4.925 <nil>
}

func ExampleParetoNBD_ProbAliveAt() {
	for _, t := range []float64{0, 13, 52} {
		p, err := examplePNBD.ProbAliveAt(2, 30.43, 38.86, t)
		fmt.Printf("in %2.0f weeks: %.3f %v\n", t, p, err)
	}
	// Output:
	// in  0 weeks: 0.869 <nil>
	// in 13 weeks: 0.757 <nil>
	// in 52 weeks: 0.566 <nil>
}

func ExampleParetoNBD_ConditionalProbPurchases() {
	// lifetimes' conditional_probability_of_n_purchases_up_to_time gives
	// the same figures.
	for n := int64(0); n <= 3; n++ {
		p, _ := examplePNBD.ConditionalProbPurchases(2, 30.43, 38.86, n, 39)
		fmt.Printf("P(%d) = %.4f\n", n, p)
	}
	// Output:
	// P(0) = 0.4081
	// P(1) = 0.2193
	// P(2) = 0.1518
	// P(3) = 0.0957
}

func ExampleBGBB_ProbAliveAt() {
	// A supporter who gave in 3 of 6 years, the last in year 5: alive in
	// year 6 (k = 0), at the next appeal (k = 1, ProbAlive), in 5 years.
	for _, k := range []int64{0, 1, 5} {
		p, err := exampleBGBB.ProbAliveAt(3, 5, 6, k)
		fmt.Printf("n + %d: %.3f %v\n", k, p, err)
	}
	// Output:
	// n + 0: 0.824 <nil>
	// n + 1: 0.767 <nil>
	// n + 5: 0.610 <nil>
}

func ExampleBGBB_ProbPurchases() {
	// The chances that a new supporter gives in 0 … 6 of their first 6
	// years, times the 11,104 supporters of the donations data.
	for k := int64(0); k <= 6; k++ {
		p, _ := exampleBGBB.ProbPurchases(k, 6)
		fmt.Printf("%d: %7.1f\n", k, 11104*p)
	}
	// Output:
	// 0:  3455.8
	// 1:  1888.9
	// 2:  1348.9
	// 3:  1113.3
	// 4:  1017.8
	// 5:  1026.9
	// 6:  1252.4
}

func ExampleBGBB_ConditionalProbPurchases() {
	// The chance that the supporter gives in none of the next 5 years,
	// and in all of them.
	for _, k := range []int64{0, 5} {
		p, err := exampleBGBB.ConditionalProbPurchases(3, 5, 6, k, 5)
		fmt.Printf("%d of 5: %.3f %v\n", k, p, err)
	}
	// Output:
	// 0 of 5: 0.310 <nil>
	// 5 of 5: 0.053 <nil>
}

func ExampleBGBB_AlivePath() {
	// A supporter who gave in years 2, 3 and 5 of 6: P(alive at the next
	// appeal) as each year ended.
	path, err := exampleBGBB.AlivePath([]int64{2, 3, 5}, 6)
	for k, p := range path {
		fmt.Printf("after year %d: %.3f\n", k+1, p)
	}
	fmt.Println(err)
	// Output:
	// after year 1: 0.528
	// after year 2: 0.879
	// after year 3: 0.898
	// after year 4: 0.690
	// after year 5: 0.922
	// after year 6: 0.767
	// <nil>
}

func ExampleAlivePath() {
	// A customer who bought 2, 3 and 10 weeks after their first purchase,
	// observed for 20 weeks, every 4 weeks under the Pareto/NBD.
	path, err := btyd.AlivePath(examplePNBD, []float64{2, 3, 10}, 20, 4)
	for k, p := range path {
		fmt.Printf("week %2d: %.3f\n", 4*(k+1), p)
	}
	fmt.Println(err)
	// Output:
	// week  4: 0.957
	// week  8: 0.769
	// week 12: 0.939
	// week 16: 0.792
	// week 20: 0.633
	// <nil>
}

func ExampleForecasts() {
	// Each customer's next quarter: alive at its end, no purchase in it,
	// exactly one, and the expected purchases.
	f, err := btyd.Forecasts(exampleModel, exampleBase, btyd.Horizon{Length: 1, Period: clv.Quarter}, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range f.Customers {
		fmt.Printf("%s: alive %.3f → %.3f, P(0) %.3f, P(1) %.3f, %.3f purchases\n",
			c.ID, c.ProbAlive, c.ProbAliveAfter, c.ProbPurchases[0], c.ProbPurchases[1], c.Purchases)
	}
	// Output:
	// 0001: alive 0.727 → 0.661, P(0) 0.676, P(1) 0.227, 0.459 purchases
	// 0002: alive 1.000 → 0.983, P(0) 0.938, P(1) 0.055, 0.070 purchases
}

func ExampleDiscreteForecasts() {
	o := btyd.Opportunities{Every: clv.Year, Customers: []btyd.DiscreteCustomer{
		{ID: "every year", X: 6, Tx: 6, N: 6},
		{ID: "never again", X: 0, Tx: 0, N: 6},
	}}
	f, err := btyd.DiscreteForecasts(exampleBGBB, o, btyd.Horizon{Length: 5, Period: clv.Year}, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range f.Customers {
		fmt.Printf("%s: alive %.3f, in 5 years %.3f, no gift %.3f, %.2f gifts\n",
			c.ID, c.ProbAlive, c.ProbAliveAfter, c.ProbPurchases[0], c.Purchases)
	}
	// Output:
	// every year: alive 0.930, in 5 years 0.740, no gift 0.077, 3.75 gifts
	// never again: alive 0.108, in 5 years 0.086, no gift 0.952, 0.07 gifts
}

func ExampleNewCustomerForecast() {
	// 1,000 customers acquired this month, 1,500 the next, 500 the one
	// after: their repeat purchases and revenue month by month.
	f, err := btyd.NewCustomerForecast(exampleModel, exampleSpend, clv.Week, []int64{1000, 1500, 500}, btyd.Horizon{Length: 4, Period: clv.Month})
	if err != nil {
		fmt.Println(err)
		return
	}
	for k, p := range f {
		fmt.Printf("month %d: %5d acquired, %6.1f purchases, revenue %s\n", k+1, p.Acquired, p.Purchases, p.Revenue.StringFixed(2))
	}
	// Output:
	// month 1:  1000 acquired,  211.3 purchases, revenue 7442.83
	// month 2:  1500 acquired,  490.9 purchases, revenue 17287.69
	// month 3:   500 acquired,  517.2 purchases, revenue 18213.99
	// month 4:     0 acquired,  447.4 purchases, revenue 15756.76
}

func ExampleForecast() {
	f, _ := btyd.Forecasts(examplePNBD, exampleBase, btyd.Horizon{Length: 6, Period: clv.Month}, 0)
	fmt.Println(f.Horizon.Length, f.Horizon.Period, len(f.Customers))
	// Output:
	// 6 month 2
}

func ExampleCustomerForecast() {
	f, _ := btyd.Forecasts(examplePNBD, exampleBase, btyd.Horizon{Length: 6, Period: clv.Month}, 2)
	c := f.Customers[0]
	fmt.Printf("%s: P(0, 1, 2 purchases) = %.3f\n", c.ID, c.ProbPurchases)
	// Output:
	// 0001: P(0, 1, 2 purchases) = [0.481 0.247 0.141]
}

func ExamplePeriodForecast() {
	f, _ := btyd.NewCustomerForecast(examplePNBD, exampleSpend, clv.Week, []int64{100}, btyd.Horizon{Length: 2, Period: clv.Year})
	for _, p := range f {
		fmt.Printf("%d %.2f %s\n", p.Acquired, p.Purchases, p.Revenue.StringFixed(2))
	}
	// Output:
	// 100 147.63 5199.49
	// 0 80.26 2826.56
}

func ExampleWindowValues() {
	// What the two customers are worth in years 3 to 5, at 10 % a year,
	// counted and discounted monthly as Values counts.
	v, err := btyd.WindowValues(exampleModel, exampleSpend, exampleBase, btyd.Window{Start: 2, End: 5, Period: clv.Year},
		btyd.WithStep(clv.Month), btyd.WithDiscountRate(decimal.RequireFromString("0.1"), clv.Year), btyd.WithScale(2))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range v.Customers {
		fmt.Printf("%s: %.3f purchases, %.3f discounted, value %s\n", c.ID, c.Purchases, c.DiscountedPurchases, c.Value)
	}
	fmt.Println("total", v.Value)
	// Output:
	// 0001: 2.269 purchases, 1.643 discounted, value 40.53
	// 0002: 0.463 purchases, 0.334 discounted, value 11.76
	// total 52.29
}

func ExampleWindowValuation() {
	v, _ := btyd.WindowValues(examplePNBD, exampleSpend, exampleBase, btyd.Window{Start: 1, End: 2, Period: clv.Year})
	fmt.Printf("%v to %v %vs, step %v: %.3f purchases\n", v.Window.Start, v.Window.End, v.Window.Period, v.Step, v.Purchases)
	// Output:
	// 1 to 2 years, step year: 1.436 purchases
}

func ExampleWindow() {
	// Years 3 to 5 after the calibration end.
	w := btyd.Window{Start: 2, End: 5, Period: clv.Year}
	fmt.Printf("(%d, %d] %ss\n", w.Start, w.End, w.Period)
	// Output:
	// (2, 5] years
}

func ExampleDiscreteNewCustomerForecast() {
	// 1,000 supporters recruited by this year's appeal and 2,000 by next
	// year's: their repeat donations at each of the next 4 yearly appeals,
	// at 50 each.
	g := btyd.FlatSpend{Amount: decimal.NewFromInt(50)}
	f, err := btyd.DiscreteNewCustomerForecast(exampleBGBB, g, clv.Year, []int64{1000, 2000}, btyd.Horizon{Length: 4, Period: clv.Year})
	if err != nil {
		fmt.Println(err)
		return
	}
	for k, p := range f {
		fmt.Printf("year %d: %4d recruited, %6.1f donations, %s\n", k+1, p.Acquired, p.Purchases, p.Revenue.StringFixed(2))
	}
	// Output:
	// year 1: 1000 recruited,    0.0 donations, 0.00
	// year 2: 2000 recruited,  498.5 donations, 24924.51
	// year 3:    0 recruited, 1421.7 donations, 71085.39
	// year 4:    0 recruited, 1222.9 donations, 61144.32
}

func ExampleDiscreteWindowValues() {
	// What a supporter who gave every year is expected to give in years 3
	// to 5 from now, at 50 a gift and 10 % a year.
	o := btyd.Opportunities{Every: clv.Year, Customers: []btyd.DiscreteCustomer{{ID: "every year", X: 6, Tx: 6, N: 6}}}
	v, err := btyd.DiscreteWindowValues(exampleBGBB, btyd.FlatSpend{Amount: decimal.NewFromInt(50)}, o,
		btyd.Window{Start: 2, End: 5, Period: clv.Year}, btyd.WithDiscountRate(decimal.RequireFromString("0.1"), clv.Year), btyd.WithScale(2))
	if err != nil {
		fmt.Println(err)
		return
	}
	c := v.Customers[0]
	fmt.Printf("%s: %.3f gifts, %.3f discounted, value %s\n", c.ID, c.Purchases, c.DiscountedPurchases, c.Value)
	// Output:
	// every year: 2.120 gifts, 1.457 discounted, value 72.85
}

func ExampleDERTs() {
	// Each customer's discounted expected purchases at 15 % a year, in
	// weeks, under the Pareto/NBD.
	d, err := btyd.DERTs(examplePNBD, exampleBase, math.Log(1.15)/52)
	for i, c := range exampleBase.Customers {
		fmt.Printf("%s: %.3f\n", c.ID, d[i])
	}
	fmt.Println(err)
	// Output:
	// 0001: 6.502
	// 0002: 0.478
	// <nil>
}

func ExampleDiscreteDERTs() {
	o := btyd.Opportunities{Every: clv.Year, Customers: []btyd.DiscreteCustomer{
		{ID: "every year", X: 6, Tx: 6, N: 6},
		{ID: "never again", X: 0, Tx: 0, N: 6},
	}}
	d, err := btyd.DiscreteDERTs(exampleBGBB, o, 0.1)
	for i, c := range o.Customers {
		fmt.Printf("%s: %.3f\n", c.ID, d[i])
	}
	fmt.Println(err)
	// Output:
	// every year: 5.909
	// never again: 0.115
	// <nil>
}
