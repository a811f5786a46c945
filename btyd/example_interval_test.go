package btyd_test

import (
	"fmt"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
)

// exampleFit and exampleSpendFit are the fits to the CDNOW sample, their
// covariances rounded to four digits.
var (
	exampleFit = btyd.BGNBDFit{Model: exampleModel, Stats: btyd.FitStats{Covariance: [][]float64{
		{0.0001577, 0.003706, -8.785e-05, 6.564e-05},
		{0.003706, 0.1431, -0.002866, 0.01052},
		{-8.785e-05, -0.002866, 0.0345, 0.1232},
		{6.564e-05, 0.01052, 0.1232, 0.4976},
	}}}
	exampleSpendFit = btyd.GammaGammaFit{Model: exampleSpend, Stats: btyd.FitStats{Covariance: [][]float64{
		{1.416, -0.232, -4.803},
		{-0.232, 0.08418, 0.992},
		{-4.803, 0.992, 17.3},
	}}}
)

func ExampleValueIntervals() {
	year := btyd.Horizon{Length: 1, Period: clv.Year}
	v, err := btyd.ValueIntervals(exampleFit, exampleSpendFit, exampleBase, year)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%.0f %% of %d draws\n", 100*v.Level, v.Draws)
	for _, c := range v.Customers {
		fmt.Printf("%s: %.2f to %.2f purchases, value %s to %s\n",
			c.ID, c.Purchases.Low, c.Purchases.High, c.Value.Low.StringFixed(2), c.Value.High.StringFixed(2))
	}
	fmt.Printf("total: %.2f to %.2f purchases, value %s to %s\n",
		v.Purchases.Low, v.Purchases.High, v.Value.Low.StringFixed(2), v.Value.High.StringFixed(2))
	// Output:
	// 90 % of 200 draws
	// 0001: 1.46 to 1.66 purchases, value 35.77 to 41.55
	// 0002: 0.23 to 0.27 purchases, value 8.24 to 9.79
	// total: 1.70 to 1.91 purchases, value 44.33 to 50.75
}

func ExampleWithLevel() {
	year := btyd.Horizon{Length: 1, Period: clv.Year}
	for _, level := range []float64{0.5, 0.9, 0.99} {
		v, _ := btyd.ValueIntervals(exampleFit, exampleSpendFit, exampleBase, year, btyd.WithLevel(level))
		fmt.Printf("%.0f %%: %.3f to %.3f purchases\n", 100*level, v.Purchases.Low, v.Purchases.High)
	}
	// Output:
	// 50 %: 1.770 to 1.862 purchases
	// 90 %: 1.704 to 1.910 purchases
	// 99 %: 1.686 to 1.961 purchases
}

func ExampleWithDraws() {
	year := btyd.Horizon{Length: 1, Period: clv.Year}
	for _, n := range []int{20, 200, 2000} {
		v, _ := btyd.ValueIntervals(exampleFit, exampleSpendFit, exampleBase, year, btyd.WithDraws(n))
		fmt.Printf("%4d draws: %.3f to %.3f purchases\n", n, v.Purchases.Low, v.Purchases.High)
	}
	_, err := btyd.ValueIntervals(exampleFit, exampleSpendFit, exampleBase, year, btyd.WithDraws(1))
	fmt.Println(err)
	// Output:
	// 20 draws: 1.716 to 1.901 purchases
	//  200 draws: 1.704 to 1.910 purchases
	// 2000 draws: 1.707 to 1.934 purchases
	// btyd: value intervals: draws = 1: clv: out of range: from 2 to 100000
}

func ExampleWithSeed() {
	year := btyd.Horizon{Length: 1, Period: clv.Year}
	a, _ := btyd.ValueIntervals(exampleFit, exampleSpendFit, exampleBase, year, btyd.WithSeed(7))
	b, _ := btyd.ValueIntervals(exampleFit, exampleSpendFit, exampleBase, year, btyd.WithSeed(7))
	c, _ := btyd.ValueIntervals(exampleFit, exampleSpendFit, exampleBase, year, btyd.WithSeed(8))
	fmt.Println(a.Value.Equal(b.Value), a.Value.Equal(c.Value))
	// Output:
	// true false
}

func ExampleWithValueOptions() {
	year := btyd.Horizon{Length: 1, Period: clv.Year}
	v, err := btyd.ValueIntervals(exampleFit, exampleSpendFit, exampleBase, year, btyd.WithValueOptions(
		btyd.WithStep(clv.Month),
		btyd.WithDiscountRate(decimal.RequireFromString("0.1"), clv.Year),
		btyd.WithGrossMargin(decimal.RequireFromString("0.3")),
		btyd.WithScale(2)))
	fmt.Println(v.Value.Low, v.Value.High, err)
	// Output:
	// 12.68 14.51 <nil>
}

func ExampleMoneyInterval_Equal() {
	a := btyd.MoneyInterval{Low: decimal.RequireFromString("12.5"), High: decimal.RequireFromString("20")}
	b := btyd.MoneyInterval{Low: decimal.RequireFromString("12.50"), High: decimal.RequireFromString("20.00")}
	fmt.Println(a.Equal(b))
	// Output: true
}

func ExampleBGNBDFit_ParameterIntervals() {
	low, high, err := exampleFit.ParameterIntervals(0.9)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("r     %.3f to %.3f\nalpha %.3f to %.3f\na     %.3f to %.3f\nb     %.3f to %.3f\n",
		low.R, high.R, low.Alpha, high.Alpha, low.A, high.A, low.B, high.B)
	// Output:
	// r     0.223 to 0.265
	// alpha 3.834 to 5.082
	// a     0.539 to 1.166
	// b     1.504 to 3.914
}

func ExampleGammaGammaFit_ParameterIntervals() {
	low, high, err := exampleSpendFit.ParameterIntervals(0.9)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("p     %.2f to %.2f\nq     %.2f to %.2f\ngamma %.2f to %.2f\n", low.P, high.P, low.Q, high.Q, low.Gamma, high.Gamma)
	_, _, err = btyd.GammaGammaFit{Model: exampleSpend}.ParameterIntervals(0.9)
	fmt.Println(err)
	// Output:
	// p     4.57 to 8.55
	// q     3.29 to 4.25
	// gamma 9.91 to 24.05
	// btyd: gamma-gamma parameter intervals: gamma-gamma fit: covariance: clv: missing: the fit has none
}

func ExampleMinDraws() {
	// Fewer draws than this leave less than one draw expected beyond
	// each end of the interval.
	for _, level := range []float64{0.8, 0.9, 0.95, 0.99} {
		fmt.Printf("%v: %d\n", level, btyd.MinDraws(level))
	}
	// Output:
	// 0.8: 10
	// 0.9: 20
	// 0.95: 40
	// 0.99: 200
}
