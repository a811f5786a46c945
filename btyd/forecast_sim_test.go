package btyd_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"gonum.org/v1/gonum/stat/distuv"
)

// This file holds the forecasts to simulations through each model's
// story: customers are simulated past the end of their observation, and
// the forecasts from what was seen up to it are held to what they did
// after.

// A lifeStory simulates one customer from their first purchase at 0 to
// end: their repeat purchases' times and the time they left, +Inf if not
// by end.
type lifeStory func(rng *rand.Rand, end float64) (times []float64, death float64)

// bgnbdLife is the BG/NBD's story, or with atZero the MBG/NBD's: purchases
// at rate λ ~ Gamma(r, α), and after each (and with atZero at the first
// purchase too) a drop-out with probability p ~ Beta(a, b), at that
// instant.
func bgnbdLife(r, alpha, a, b float64, atZero bool) lifeStory {
	return func(rng *rand.Rand, end float64) ([]float64, float64) {
		src := rand.NewPCG(rng.Uint64(), rng.Uint64())
		lambda := distuv.Gamma{Alpha: r, Beta: alpha, Src: src}.Rand()
		p := distuv.Beta{Alpha: a, Beta: b, Src: src}.Rand()
		if atZero && rng.Float64() < p {
			return nil, 0
		}
		var times []float64
		for t := rng.ExpFloat64() / lambda; t <= end; t += rng.ExpFloat64() / lambda {
			times = append(times, t)
			if rng.Float64() < p {
				return times, t
			}
		}
		return times, math.Inf(1)
	}
}

// pnbdLife is the Pareto/NBD's story: purchases at rate λ ~ Gamma(r, α)
// until an exponential lifetime of rate μ ~ Gamma(s, β).
func pnbdLife(m btyd.ParetoNBD) lifeStory {
	return func(rng *rand.Rand, end float64) ([]float64, float64) {
		src := rand.NewPCG(rng.Uint64(), rng.Uint64())
		lambda := distuv.Gamma{Alpha: m.R, Beta: m.Alpha, Src: src}.Rand()
		mu := distuv.Gamma{Alpha: m.S, Beta: m.Beta, Src: src}.Rand()
		death := rng.ExpFloat64() / mu
		var times []float64
		for t := rng.ExpFloat64() / lambda; t <= min(end, death); t += rng.ExpFloat64() / lambda {
			times = append(times, t)
		}
		if death > end {
			death = math.Inf(1)
		}
		return times, death
	}
}

// TestForecastsAgainstSimulation simulates 60,000 customers of each
// continuous model, observed for T of 26, 32 or 39 weeks and followed 26
// weeks more, and holds [btyd.Forecasts] of what was seen to what
// happened: the number alive at T + 26, without a purchase, and with
// exactly 1 or 2 purchases in (T, T + 26], and their purchases, each
// within 4.5 standard errors of the sum of the forecasts, among all
// customers and among those with and without a repeat purchase. Given
// the histories, each count is a sum of independent Bernoulli draws with
// the forecast probabilities, so its standard error is √Σ p(1 − p).
func TestForecastsAgainstSimulation(t *testing.T) {
	if testing.Short() {
		t.Skip("simulation")
	}
	bg := btyd.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	mbg := btyd.MBGNBD{R: 0.525, Alpha: 6.183, A: 0.891, B: 1.614}
	pn := btyd.ParetoNBD{R: 0.553, Alpha: 10.578, S: 0.606, Beta: 11.669}
	for _, tc := range []struct {
		name  string
		m     btyd.PurchaseModel
		story lifeStory
	}{
		{"bgnbd", bg, bgnbdLife(bg.R, bg.Alpha, bg.A, bg.B, false)},
		{"mbgnbd", mbg, bgnbdLife(mbg.R, mbg.Alpha, mbg.A, mbg.B, true)},
		{"pnbd", pn, pnbdLife(pn)},
		// Heavier buyers who leave sooner: more mass at n = 1, 2.
		{"bgnbd heavy", btyd.BGNBD{R: 2, Alpha: 8, A: 2, B: 13}, bgnbdLife(2, 8, 2, 13, false)},
		{"pnbd heavy", btyd.ParetoNBD{R: 2, Alpha: 8, S: 1.5, Beta: 30}, pnbdLife(btyd.ParetoNBD{R: 2, Alpha: 8, S: 1.5, Beta: 30})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const customers, ahead = 60_000, 26.0
			rng := rand.New(rand.NewPCG(22, uint64(len(tc.name))))
			base := btyd.Base{Unit: clv.Week, Customers: make([]btyd.Customer, customers)}
			type outcome struct {
				alive bool
				later int
			}
			outcomes := make([]outcome, customers)
			for i := range customers {
				T := []float64{26, 32, 39}[i%3]
				times, death := tc.story(rng, T+ahead)
				c := btyd.Customer{ID: fmt.Sprint(i), T: T}
				for _, s := range times {
					if s <= T {
						c.X, c.Tx = c.X+1, s
					} else {
						outcomes[i].later++
					}
				}
				outcomes[i].alive = death > T+ahead
				base.Customers[i] = c
			}
			f, err := btyd.Forecasts(tc.m, base, btyd.Horizon{Length: 26, Period: clv.Week}, 2)
			if err != nil {
				t.Fatal(err)
			}
			type tally struct{ want, variance, got float64 }
			groups := map[string]*[5]tally{"all": {}, "x = 0": {}, "x > 0": {}}
			for i, c := range f.Customers {
				o := outcomes[i]
				group := "x = 0"
				if base.Customers[i].X > 0 {
					group = "x > 0"
				}
				for _, g := range []*[5]tally{groups["all"], groups[group]} {
					add := func(k int, p float64, happened bool) {
						g[k].want += p
						g[k].variance += p * (1 - p)
						if happened {
							g[k].got++
						}
					}
					add(0, c.ProbAliveAfter, o.alive)
					for n := range 3 {
						add(1+n, c.ProbPurchases[n], o.later == n)
					}
					g[4].want += c.Purchases
					g[4].got += float64(o.later)
				}
			}
			names := []string{"alive at T + 26", "no purchase", "1 purchase", "2 purchases"}
			for group, g := range groups {
				for k, name := range names {
					se := math.Sqrt(g[k].variance)
					if math.Abs(g[k].got-g[k].want) > 4.5*se+1 {
						t.Errorf("%s, %s: %v simulated, %.1f forecast (standard error %.1f)", group, name, g[k].got, g[k].want, se)
					}
				}
				if math.Abs(g[4].got-g[4].want) > 0.03*g[4].want+10 {
					t.Errorf("%s: %v purchases simulated, %.1f forecast", group, g[4].got, g[4].want)
				}
			}
			t.Logf("all: alive %v/%.1f, none %v/%.1f, 1 %v/%.1f, 2 %v/%.1f, purchases %v/%.1f", groups["all"][0].got, groups["all"][0].want,
				groups["all"][1].got, groups["all"][1].want, groups["all"][2].got, groups["all"][2].want, groups["all"][3].got, groups["all"][3].want, groups["all"][4].got, groups["all"][4].want)
		})
	}
}
