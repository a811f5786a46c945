package btyd_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/clvkit/clv/btyd"
	"gonum.org/v1/gonum/stat/distuv"
)

// The published Pareto/NBD fit to the CDNOW sample, in weeks.
var examplePNBD = btyd.ParetoNBD{R: 0.553, Alpha: 10.578, S: 0.606, Beta: 11.669}

func ExampleParetoNBD() {
	// Customers buy about r/α = 0.05 times a week while alive and drop
	// out at about s/β = 0.05 a week.
	m := examplePNBD
	fmt.Printf("purchase rate %.3f, dropout rate %.3f a week\n", m.R/m.Alpha, m.S/m.Beta)
	// Output:
	// purchase rate 0.052, dropout rate 0.052 a week
}

func ExampleParetoNBD_ProbAlive() {
	for _, tx := range []float64{38, 30.43, 10} {
		p, _ := examplePNBD.ProbAlive(2, tx, 38.86)
		fmt.Printf("last purchase at week %5.2f: %.3f\n", tx, p)
	}
	// Unlike the BG/NBD, a customer without a repeat purchase may be gone.
	p, _ := examplePNBD.ProbAlive(0, 0, 38.86)
	fmt.Printf("no repeat purchase: %.3f\n", p)
	// Output:
	// last purchase at week 38.00: 0.989
	// last purchase at week 30.43: 0.869
	// last purchase at week 10.00: 0.269
	// no repeat purchase: 0.295
}

func ExampleParetoNBD_ConditionalExpectedPurchases() {
	// The customer of FHL's example: 2 repeat purchases, the last at
	// 30.43 weeks, observed for 38.86; the next 39 weeks.
	e, err := examplePNBD.ConditionalExpectedPurchases(2, 30.43, 38.86, 39)
	fmt.Printf("%.3f %v\n", e, err)
	// A heavy buyer, where peer implementations overflow: alive if they
	// bought on the last day, almost surely gone after a silent month.
	for _, tx := range []float64{38.86, 34} {
		e, err = examplePNBD.ConditionalExpectedPurchases(5000, tx, 38.86, 39)
		fmt.Printf("%.1f %v\n", e, err)
	}
	// Output:
	// 1.455 <nil>
	// 3279.2 <nil>
	// 0.0 <nil>
}

func ExampleParetoNBD_ExpectedPurchases() {
	for _, weeks := range []float64{1, 39, 78, 520} {
		e, _ := examplePNBD.ExpectedPurchases(weeks)
		fmt.Printf("t = %3.0f weeks: %.3f\n", weeks, e)
	}
	// Output:
	// t =   1 weeks: 0.051
	// t =  39 weeks: 1.213
	// t =  78 weeks: 1.909
	// t = 520 weeks: 5.424
}

func ExampleParetoNBD_ProbPurchases() {
	// How many purchases a new customer makes in their first 39 weeks.
	for n := range int64(4) {
		p, _ := examplePNBD.ProbPurchases(n, 39)
		fmt.Printf("%d: %.3f\n", n, p)
	}
	// Output:
	// 0: 0.594
	// 1: 0.166
	// 2: 0.082
	// 3: 0.049
}

func ExampleParetoNBD_LogLikelihood() {
	ll, err := examplePNBD.LogLikelihood(2, 30.43, 38.86)
	fmt.Printf("%.4f %v\n", ll, err)
	// R's BTYD returns NaN for this customer.
	ll, err = examplePNBD.LogLikelihood(221, 103.43, 103.57)
	fmt.Printf("%.4f %v\n", ll, err)
	_, err = examplePNBD.LogLikelihood(2, 40, 38.86)
	fmt.Println(err)
	// Output:
	// -9.5543 <nil>
	// -76.9650 <nil>
	// btyd: Pareto/NBD log-likelihood: t_x = 40 > T = 38.86: clv: inconsistent
}

func ExampleParetoNBD_DERT() {
	// 15 % a year, continuously compounded, per week.
	delta := math.Log(1.15) / 52
	for _, c := range []struct {
		x     int64
		tx, T float64
	}{{0, 0, 38.86}, {2, 30.43, 38.86}, {10, 38, 38.86}} {
		d, _ := examplePNBD.DERT(c.x, c.tx, c.T, delta)
		fmt.Printf("x = %2d, t_x = %5.2f: %.2f discounted purchases\n", c.x, c.tx, d)
	}
	// Output:
	// x =  0, t_x =  0.00: 0.48 discounted purchases
	// x =  2, t_x = 30.43: 6.50 discounted purchases
	// x = 10, t_x = 38.00: 30.57 discounted purchases
}

func ExampleFitParetoNBD() {
	// 10,000 customers simulated from a known model, r = 0.8, α = 6,
	// s = 0.5, β = 10, observed for 52 weeks each; the fit finds the
	// model again, within its standard errors.
	rng := rand.New(rand.NewPCG(1, 2))
	var histories []btyd.History
	for range 10_000 {
		src := rand.NewPCG(rng.Uint64(), rng.Uint64())
		rate := distuv.Gamma{Alpha: 0.8, Beta: 6, Src: src}.Rand()
		dropout := distuv.Gamma{Alpha: 0.5, Beta: 10, Src: src}.Rand()
		end := math.Min(52, rng.ExpFloat64()/dropout)
		h := btyd.History{T: 52, Weight: 1}
		for t := rng.ExpFloat64() / rate; t <= end; t += rng.ExpFloat64() / rate {
			h.X, h.Tx = h.X+1, t
		}
		histories = append(histories, h)
	}
	fit, err := btyd.FitParetoNBD(histories)
	if err != nil {
		fmt.Println(err)
		return
	}
	m, se := fit.Model, fit.StdErr
	fmt.Printf("r %.2f ± %.2f, alpha %.1f ± %.1f, s %.2f ± %.2f, beta %.1f ± %.1f\n", m.R, se.R, m.Alpha, se.Alpha, m.S, se.S, m.Beta, se.Beta)
	fmt.Printf("log-likelihood %.1f over %d customers\n", fit.Stats.LogLikelihood, fit.Stats.Customers)
	// Output:
	// r 0.75 ± 0.02, alpha 5.6 ± 0.2, s 0.53 ± 0.03, beta 11.8 ± 1.4
	// log-likelihood -114054.3 over 10000 customers
}
