package btyd_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
	"gonum.org/v1/gonum/stat/distuv"
)

// The published gamma–gamma fit to CDNOW's repeat customers, in dollars.
var exampleSpend = btyd.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}

func ExampleGammaGamma_ExpectedSpend() {
	// The more purchases, the nearer a customer's own mean.
	for _, x := range []int64{0, 1, 5, 50} {
		e, _ := exampleSpend.ExpectedSpend(x, decimal.RequireFromString("60.00"))
		fmt.Printf("x = %2d: %s\n", x, e.StringFixed(2))
	}
	// Output:
	// x =  0: 35.22
	// x =  1: 52.45
	// x =  5: 58.00
	// x = 50: 59.78
}

func ExampleGammaGamma_LogLikelihood() {
	ll, err := exampleSpend.LogLikelihood(2, decimal.RequireFromString("22.345"))
	fmt.Printf("%.4f %v\n", ll, err)
	// Output: -3.5512 <nil>
}

func ExampleFitGammaGamma() {
	// 5,000 repeat customers from a known model, p = 6, q = 4, γ = 15:
	// each customer's mean over their purchases, as a summary gives it.
	rng := rand.New(rand.NewPCG(3, 4))
	var customers []btyd.Customer
	for range 5000 {
		src := rand.NewPCG(rng.Uint64(), rng.Uint64())
		nu := distuv.Gamma{Alpha: 4, Beta: 15, Src: src}.Rand()
		spend := distuv.Gamma{Alpha: 6, Beta: nu, Src: src}
		x := 1 + rng.Int64N(10)
		var sum float64
		for range x {
			sum += spend.Rand()
		}
		mean := decimal.NewFromFloat(sum / float64(x)).Round(2)
		customers = append(customers, btyd.Customer{X: x, Spend: mean})
	}
	fit, err := btyd.FitGammaGamma(customers)
	if err != nil {
		fmt.Println(err)
		return
	}
	m, se := fit.Model, fit.StdErr
	fmt.Printf("p %.1f ± %.1f, q %.1f ± %.1f, gamma %.0f ± %.0f\n", m.P, se.P, m.Q, se.Q, m.Gamma, se.Gamma)
	fmt.Printf("%d customers, correlation of x and spend %.2f\n", fit.Stats.Customers, fit.Correlation)
	// Output:
	// p 6.5 ± 0.8, q 3.9 ± 0.1, gamma 14 ± 2
	// 5000 customers, correlation of x and spend 0.01
}
