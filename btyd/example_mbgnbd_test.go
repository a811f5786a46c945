package btyd_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/clvkit/clv/btyd"
	"gonum.org/v1/gonum/stat/distuv"
)

// The MBG/NBD fit to the CDNOW sample, in weeks, as BTYDplus reports it.
var exampleMBGNBD = btyd.MBGNBD{R: 0.525, Alpha: 6.183, A: 0.891, B: 1.614}

func ExampleMBGNBD_ConditionalExpectedPurchases() {
	// Fader, Hardie and Lee's customer: 2 repeat purchases, the last at
	// 30.43 weeks, observed for 38.86; the next 39 weeks.
	e, err := exampleMBGNBD.ConditionalExpectedPurchases(2, 30.43, 38.86, 39)
	fmt.Printf("%.3f %v\n", e, err)
	// A customer without a repeat purchase, who may have left at once.
	e, err = exampleMBGNBD.ConditionalExpectedPurchases(0, 0, 38.86, 39)
	fmt.Printf("%.3f %v\n", e, err)
	// A heavy buyer who bought on the last day.
	e, err = exampleMBGNBD.ConditionalExpectedPurchases(5000, 38.86, 38.86, 39)
	fmt.Printf("%.1f %v\n", e, err)
	// Output:
	// 1.263 <nil>
	// 0.154 <nil>
	// 3227.1 <nil>
}

func ExampleMBGNBD_ExpectedPurchases() {
	for _, weeks := range []float64{1, 39, 78, 520} {
		e, _ := exampleMBGNBD.ExpectedPurchases(weeks)
		fmt.Printf("t = %3.0f weeks: %.3f\n", weeks, e)
	}
	// Output:
	// t =   1 weeks: 0.053
	// t =  39 weeks: 1.183
	// t =  78 weeks: 1.805
	// t = 520 weeks: 4.414
}

func ExampleMBGNBD_ProbAlive() {
	for _, tx := range []float64{38, 30.43, 10} {
		p, _ := exampleMBGNBD.ProbAlive(2, tx, 38.86)
		fmt.Printf("last purchase at week %5.2f: %.3f\n", tx, p)
	}
	// Unlike the BG/NBD's, a customer without a repeat purchase may be gone.
	for _, T := range []float64{1, 38.86} {
		p, _ := exampleMBGNBD.ProbAlive(0, 0, T)
		fmt.Printf("no repeat purchase in %5.2f weeks: %.3f\n", T, p)
	}
	// Output:
	// last purchase at week 38.00: 0.794
	// last purchase at week 30.43: 0.706
	// last purchase at week 10.00: 0.234
	// no repeat purchase in  1.00 weeks: 0.626
	// no repeat purchase in 38.86 weeks: 0.390
}

func ExampleMBGNBD_ProbPurchases() {
	// How many purchases a new customer makes in their first 39 weeks.
	for n := range int64(4) {
		p, _ := exampleMBGNBD.ProbPurchases(n, 39)
		fmt.Printf("%d: %.3f\n", n, p)
	}
	// Output:
	// 0: 0.582
	// 1: 0.183
	// 2: 0.087
	// 3: 0.049
}

func ExampleMBGNBD_LogLikelihood() {
	ll, err := exampleMBGNBD.LogLikelihood(2, 30.43, 38.86)
	fmt.Printf("%.4f %v\n", ll, err)
	_, err = exampleMBGNBD.LogLikelihood(2, 40, 38.86)
	fmt.Println(err)
	// Output:
	// -9.4856 <nil>
	// btyd: MBG/NBD log-likelihood: t_x = 40 > T = 38.86: clv: inconsistent
}

func ExampleFitMBGNBD() {
	// 10,000 customers simulated from a known model, r = 0.8, α = 6,
	// a = 1.2, b = 4, observed for 52 weeks each: after every purchase,
	// the first too, each leaves with their own chance. The fit finds the
	// model again, within its standard errors.
	rng := rand.New(rand.NewPCG(1, 2))
	var histories []btyd.History
	for range 10_000 {
		src := rand.NewPCG(rng.Uint64(), rng.Uint64())
		rate := distuv.Gamma{Alpha: 0.8, Beta: 6, Src: src}.Rand()
		dropout := distuv.Beta{Alpha: 1.2, Beta: 4, Src: src}.Rand()
		h := btyd.History{T: 52, Weight: 1}
		for t := rng.ExpFloat64() / rate; t <= 52 && rng.Float64() >= dropout; t += rng.ExpFloat64() / rate {
			h.X, h.Tx = h.X+1, t
		}
		histories = append(histories, h)
	}
	fit, err := btyd.FitMBGNBD(histories)
	if err != nil {
		fmt.Println(err)
		return
	}
	m, se := fit.Model, fit.StdErr
	fmt.Printf("r %.2f ± %.2f, alpha %.1f ± %.1f, a %.2f ± %.2f, b %.1f ± %.1f\n", m.R, se.R, m.Alpha, se.Alpha, m.A, se.A, m.B, se.B)
	fmt.Printf("log-likelihood %.1f over %d customers\n", fit.Stats.LogLikelihood, fit.Stats.Customers)
	// Output:
	// r 0.78 ± 0.03, alpha 6.0 ± 0.2, a 1.27 ± 0.09, b 4.3 ± 0.5
	// log-likelihood -88647.2 over 10000 customers
}
