package btyd_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/clvkit/clv/btyd"
	"gonum.org/v1/gonum/stat/distuv"
)

// The published BG/NBD fit to the CDNOW sample, in weeks.
var exampleModel = btyd.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}

func ExampleBGNBD_ConditionalExpectedPurchases() {
	// Fader, Hardie and Lee's customer: 2 repeat purchases, the last at
	// 30.43 weeks, observed for 38.86; the next 39 weeks.
	e, err := exampleModel.ConditionalExpectedPurchases(2, 30.43, 38.86, 39)
	fmt.Printf("%.3f %v\n", e, err)
	// A heavy buyer, where textbook series overflow: alive if they bought
	// on the last day, almost surely gone after a few silent days.
	for _, tx := range []float64{38.86, 38.5} {
		e, err = exampleModel.ConditionalExpectedPurchases(5000, tx, 38.86, 39)
		fmt.Printf("%.1f %v\n", e, err)
	}
	// Output:
	// 1.226 <nil>
	// 3435.8 <nil>
	// 0.0 <nil>
}

func ExampleBGNBD_ExpectedPurchases() {
	for _, weeks := range []float64{1, 39, 78, 520} {
		e, _ := exampleModel.ExpectedPurchases(weeks)
		fmt.Printf("t = %3.0f weeks: %.3f\n", weeks, e)
	}
	// Output:
	// t =   1 weeks: 0.053
	// t =  39 weeks: 1.197
	// t =  78 weeks: 1.861
	// t = 520 weeks: 4.975
}

func ExampleBGNBD_ProbAlive() {
	for _, tx := range []float64{38, 30.43, 10} {
		p, _ := exampleModel.ProbAlive(2, tx, 38.86)
		fmt.Printf("last purchase at week %5.2f: %.3f\n", tx, p)
	}
	p, _ := exampleModel.ProbAlive(0, 0, 38.86)
	fmt.Printf("no repeat purchase: %.0f\n", p)
	// Output:
	// last purchase at week 38.00: 0.805
	// last purchase at week 30.43: 0.727
	// last purchase at week 10.00: 0.268
	// no repeat purchase: 1
}

func ExampleBGNBD_ProbPurchases() {
	// How many purchases a new customer makes in their first 39 weeks.
	for n := range int64(4) {
		p, _ := exampleModel.ProbPurchases(n, 39)
		fmt.Printf("%d: %.3f\n", n, p)
	}
	// Output:
	// 0: 0.574
	// 1: 0.199
	// 2: 0.085
	// 3: 0.046
}

func ExampleBGNBD_LogLikelihood() {
	ll, err := exampleModel.LogLikelihood(2, 30.43, 38.86)
	fmt.Printf("%.4f %v\n", ll, err)
	_, err = exampleModel.LogLikelihood(2, 40, 38.86)
	fmt.Println(err)
	// Output:
	// -9.4586 <nil>
	// btyd: BG/NBD log-likelihood: t_x = 40 > T = 38.86: clv: inconsistent
}

func ExampleFitBGNBD() {
	// 10,000 customers simulated from a known model, r = 0.8, α = 6,
	// a = 1.2, b = 4, observed for 52 weeks each; the fit finds the model
	// again, within its standard errors.
	rng := rand.New(rand.NewPCG(1, 2))
	var histories []btyd.History
	for range 10_000 {
		src := rand.NewPCG(rng.Uint64(), rng.Uint64())
		rate := distuv.Gamma{Alpha: 0.8, Beta: 6, Src: src}.Rand()
		dropout := distuv.Beta{Alpha: 1.2, Beta: 4, Src: src}.Rand()
		h := btyd.History{T: 52, Weight: 1}
		for t := rng.ExpFloat64() / rate; t <= 52; t += rng.ExpFloat64() / rate {
			h.X, h.Tx = h.X+1, t
			if rng.Float64() < dropout {
				break
			}
		}
		histories = append(histories, h)
	}
	fit, err := btyd.FitBGNBD(histories)
	if err != nil {
		fmt.Println(err)
		return
	}
	m, se := fit.Model, fit.StdErr
	fmt.Printf("r %.2f ± %.2f, alpha %.1f ± %.1f, a %.2f ± %.2f, b %.1f ± %.1f\n", m.R, se.R, m.Alpha, se.Alpha, m.A, se.A, m.B, se.B)
	fmt.Printf("log-likelihood %.1f over %d customers\n", fit.Stats.LogLikelihood, fit.Stats.Customers)
	// Output:
	// r 0.80 ± 0.01, alpha 6.1 ± 0.2, a 1.24 ± 0.08, b 4.1 ± 0.3
	// log-likelihood -104704.8 over 10000 customers
}
