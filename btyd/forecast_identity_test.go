package btyd_test

import (
	"math"
	"testing"

	"github.com/clvkit/clv/btyd"
)

// A forecaster is a continuous purchase model with its conditional
// forecasts, as the tests of this file take them.
type forecaster interface {
	btyd.PurchaseModel
	ProbAliveAt(x int64, tx, T, t float64) (float64, error)
	ConditionalProbPurchases(x int64, tx, T float64, n int64, t float64) (float64, error)
}

var forecasters = []struct {
	name string
	m    forecaster
}{
	{"bgnbd cdnow", btyd.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}},
	{"bgnbd a>1", btyd.BGNBD{R: 2, Alpha: 8, A: 2, B: 13}},
	{"mbgnbd", btyd.MBGNBD{R: 0.525, Alpha: 6.183, A: 0.891, B: 1.614}},
	{"pnbd cdnow", btyd.ParetoNBD{R: 0.553, Alpha: 10.578, S: 0.606, Beta: 11.669}},
	{"pnbd s>1", btyd.ParetoNBD{R: 1.5, Alpha: 3, S: 2.5, Beta: 20}},
}

// forecastCustomers are histories (x, t_x, T) in weeks, light and heavy,
// recent and long silent, up to x = 10^4.
var forecastCustomers = [][3]float64{
	{0, 0, 30}, {1, 2, 38}, {2, 30.43, 38.86}, {6, 5, 39}, {10, 38, 39}, {40, 20, 70}, {10000, 380, 390}, {10000, 389.9, 390},
}

// TestForecastIdentities holds every continuous model's forecasts to
// the quantities they extend: P(alive at T + 0) is ProbAlive, the
// conditional PMF sums to 1 with mean ConditionalExpectedPurchases, and
// P(alive at T + t) falls with t.
func TestForecastIdentities(t *testing.T) {
	for _, tc := range forecasters {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.m
			for _, c := range forecastCustomers {
				x, tx, T := int64(c[0]), c[1], c[2]
				alive, err := m.ProbAlive(x, tx, T)
				if err != nil {
					t.Fatal(err)
				}
				at0, err := m.ProbAliveAt(x, tx, T, 0)
				if err != nil || at0 != alive {
					t.Errorf("%v: P(alive at T + 0) = %v, %v; want ProbAlive %v", c, at0, err, alive)
				}
				prev := at0
				for _, ahead := range []float64{1, 13, 52, 520} {
					p, err := m.ProbAliveAt(x, tx, T, ahead)
					if err != nil || !(p <= prev) || p < 0 {
						t.Errorf("%v: P(alive at T + %v) = %v, %v; want at most %v", c, ahead, p, err, prev)
					}
					prev = p
				}
				for _, ahead := range []float64{2, 39} {
					want, err := m.ConditionalExpectedPurchases(x, tx, T, ahead)
					if err != nil {
						t.Fatal(err)
					}
					var sum, mean float64
					limit := int64(40 + 3*want + 20*math.Sqrt(want+1))
					for n := int64(0); n <= limit; n++ {
						p, err := m.ConditionalProbPurchases(x, tx, T, n, ahead)
						if err != nil || p < 0 || p > 1 {
							t.Fatalf("%v: P(X = %d in %v) = %v, %v", c, n, ahead, p, err)
						}
						sum += p
						mean += float64(n) * p
					}
					if math.Abs(sum-1) > 1e-9 {
						t.Errorf("%v, t = %v: Σ P(X = n) = %.15g; want 1", c, ahead, sum)
					}
					if math.Abs(mean-want) > 1e-8*max(want, 1e-3) {
						t.Errorf("%v, t = %v: Σ n P(X = n) = %.15g; want ConditionalExpectedPurchases %.15g", c, ahead, mean, want)
					}
				}
			}
		})
	}
}
