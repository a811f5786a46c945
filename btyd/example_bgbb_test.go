package btyd_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/clvkit/clv/btyd"
	"gonum.org/v1/gonum/stat/distuv"
)

// The BG/BB fit to the donations of 11,104 supporters over 6 yearly
// opportunities that Fader, Hardie and Shang (2010) publish.
var exampleBGBB = btyd.BGBB{Alpha: 1.204, Beta: 0.750, Gamma: 0.657, Delta: 2.783}

func ExampleBGBB_ProbAlive() {
	// FHS's Table 6: the chance that a supporter is alive in 2002, after
	// 6 yearly opportunities, by their donations and the last year of one.
	for _, c := range [][2]int64{{0, 0}, {2, 4}, {6, 6}} {
		p, err := exampleBGBB.ProbAlive(c[0], c[1], 6)
		fmt.Printf("x = %d, t_x = %d: %.2f %v\n", c[0], c[1], p, err)
	}
	// Output:
	// x = 0, t_x = 0: 0.11 <nil>
	// x = 2, t_x = 4: 0.59 <nil>
	// x = 6, t_x = 6: 0.93 <nil>
}

func ExampleBGBB_ConditionalExpectedPurchases() {
	// Donations in the next 5 years by supporters who gave 3 times in 6,
	// the last in year 6, 5 or 3.
	for _, tx := range []int64{6, 5, 3} {
		e, err := exampleBGBB.ConditionalExpectedPurchases(3, tx, 6, 5)
		fmt.Printf("t_x = %d: %.3f %v\n", tx, e, err)
	}
	// Output:
	// t_x = 6: 2.190 <nil>
	// t_x = 5: 1.804 <nil>
	// t_x = 3: 0.224 <nil>
}

func ExampleBGBB_DERT() {
	// The discounted expected residual donations of a supporter who gave
	// every year, at 10 % a year; times the value of a donation, their
	// residual lifetime value.
	v, err := exampleBGBB.DERT(6, 6, 6, 0.1)
	fmt.Printf("%.3f %v\n", v, err)
	_, err = exampleBGBB.DERT(6, 6, 6, 0)
	fmt.Println(err)
	// Output:
	// 5.909 <nil>
	// btyd: BG/BB DERT: d = 0: clv: must be positive
}

func ExampleBGBB_ExpectedPurchases() {
	// A new supporter's expected donations in their first n years.
	for _, n := range []int64{1, 6, 10, 100} {
		e, _ := exampleBGBB.ExpectedPurchases(n)
		fmt.Printf("n = %3d: %.3f\n", n, e)
	}
	// Output:
	// n =   1: 0.498
	// n =   6: 2.220
	// n =  10: 3.179
	// n = 100: 11.590
}

func ExampleBGBB_LogLikelihood() {
	// The chance of a supporter giving in years 2 and 4 of 6, and in none.
	for _, c := range [][3]int64{{2, 4, 6}, {0, 0, 6}} {
		ll, err := exampleBGBB.LogLikelihood(c[0], c[1], c[2])
		fmt.Printf("%.4f %v\n", ll, err)
	}
	_, err := exampleBGBB.LogLikelihood(5, 4, 6)
	fmt.Println(err)
	// Output:
	// -5.1957 <nil>
	// -1.1673 <nil>
	// btyd: BG/BB log-likelihood: x = 5 > t_x = 4: clv: inconsistent: one purchase an opportunity
}

func ExampleFitBGBB() {
	// 10,000 supporters simulated from a known model, α = 1.2, β = 0.75,
	// γ = 0.66, δ = 2.8, over 6 yearly appeals: each gives with their own
	// chance p while alive, and dies before each appeal with their own θ.
	// Supporters alike merge into one history with their count as weight.
	rng := rand.New(rand.NewPCG(3, 4))
	count := map[btyd.DiscreteHistory]int64{}
	for range 10_000 {
		src := rand.NewPCG(rng.Uint64(), rng.Uint64())
		p := distuv.Beta{Alpha: 1.2, Beta: 0.75, Src: src}.Rand()
		theta := distuv.Beta{Alpha: 0.66, Beta: 2.8, Src: src}.Rand()
		h := btyd.DiscreteHistory{N: 6}
		for t := int64(1); t <= 6 && rng.Float64() >= theta; t++ {
			if rng.Float64() < p {
				h.X, h.Tx = h.X+1, t
			}
		}
		count[h]++
	}
	var histories []btyd.DiscreteHistory
	for h, w := range count {
		h.Weight = w
		histories = append(histories, h)
	}
	fit, err := btyd.FitBGBB(histories)
	if err != nil {
		fmt.Println(err)
		return
	}
	m, se := fit.Model, fit.StdErr
	fmt.Printf("alpha %.2f ± %.2f, beta %.2f ± %.2f, gamma %.2f ± %.2f, delta %.1f ± %.1f\n",
		m.Alpha, se.Alpha, m.Beta, se.Beta, m.Gamma, se.Gamma, m.Delta, se.Delta)
	fmt.Printf("log-likelihood %.1f over %d supporters in %d patterns\n", fit.Stats.LogLikelihood, fit.Stats.Customers, len(histories))
	// Output:
	// alpha 1.19 ± 0.07, beta 0.75 ± 0.03, gamma 0.59 ± 0.04, delta 2.4 ± 0.3
	// log-likelihood -29689.4 over 10000 supporters in 22 patterns
}
