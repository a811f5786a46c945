package btyd_test

import (
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
)

// bigBGBBProb returns P(X(m) = k) of a new BG/BB customer in big.Float,
// term by term from the story: alive through m, buying at k of them, or
// alive through i and gone at i + 1, buying at k of the i, each integrated
// over p and θ by exact rising factorials (bigRatio), the binomial
// coefficients exact.
func bigBGBBProb(a, b, g, d float64, k, m int) float64 {
	const prec = 256
	choose := func(n, k int) *big.Float {
		return new(big.Float).SetPrec(prec).SetInt(new(big.Int).Binomial(int64(n), int64(k)))
	}
	if k > m {
		return 0
	}
	sum := new(big.Float).SetPrec(prec).Mul(choose(m, k), bigRatio(a, b, k, m-k))
	sum.Mul(sum, bigRatio(g, d, 0, m))
	for i := k; i < m; i++ {
		term := new(big.Float).SetPrec(prec).Mul(choose(i, k), bigRatio(a, b, k, i-k))
		term.Mul(term, bigRatio(g, d, 1, i))
		sum.Add(sum, term)
	}
	v, _ := sum.Float64()
	return v
}

func TestBGBBProbPurchasesAgainstBigFloat(t *testing.T) {
	for _, m := range bgbbCases() {
		for _, n := range []int{1, 6, 40, 300} {
			for _, k := range []int{0, 1, n / 3, n - 1, n} {
				want := bigBGBBProb(m.Alpha, m.Beta, m.Gamma, m.Delta, k, n)
				got, err := m.ProbPurchases(int64(k), int64(n))
				if err != nil || math.Abs(got-want) > 1e-11*want+1e-300 {
					t.Errorf("%+v: P(X(%d) = %d) = %.15g, %v; 256 bits give %.15g", m, n, k, got, err, want)
				}
			}
		}
	}
}

// TestBGBBForecastIdentities holds the BG/BB's forecasts to what they
// extend: P(alive at n + 1) is ProbAlive, and P(alive at n + 0) the
// chance of having been alive through n, A/L; the new and conditional
// distributions sum to 1, with the expectations as means.
func TestBGBBForecastIdentities(t *testing.T) {
	for _, m := range bgbbCases() {
		for _, nStar := range []int64{1, 5, 60} {
			var sum, mean float64
			for k := range nStar + 1 {
				p, err := m.ProbPurchases(k, nStar)
				if err != nil {
					t.Fatal(err)
				}
				sum += p
				mean += float64(k) * p
			}
			want, _ := m.ExpectedPurchases(nStar)
			if math.Abs(sum-1) > 1e-10 || math.Abs(mean-want) > 1e-10*max(want, 1) {
				t.Errorf("%+v, n = %d: Σ P = %.15g, Σ k P = %.15g; want 1 and %.15g", m, nStar, sum, mean, want)
			}
		}
		for _, c := range [][3]int64{{0, 0, 6}, {2, 4, 6}, {6, 6, 6}, {3, 10, 30}, {100, 300, 400}} {
			x, tx, n := c[0], c[1], c[2]
			alive, _ := m.ProbAlive(x, tx, n)
			at1, err := m.ProbAliveAt(x, tx, n, 1)
			if err != nil || math.Abs(at1-alive) > 1e-14*alive {
				t.Errorf("%+v %v: P(alive at n + 1) = %v, %v; ProbAlive %v", m, c, at1, err, alive)
			}
			lik, _ := bigBGBB(m, int(x), int(tx), int(n))
			at0, _ := m.ProbAliveAt(x, tx, n, 0)
			// A/L by 256 bits: the chance of the history alive through n
			// over the whole.
			bigAlive := new(big.Float).Mul(bigRatio(m.Alpha, m.Beta, int(x), int(n-x)), bigRatio(m.Gamma, m.Delta, 0, int(n)))
			a, _ := bigAlive.Float64()
			if want := a / lik; math.Abs(at0-want) > 1e-11*want {
				t.Errorf("%+v %v: P(alive at n) = %.15g; 256 bits give %.15g", m, c, at0, want)
			}
			for _, nStar := range []int64{1, 5, 60} {
				var sum, mean float64
				for k := range nStar + 1 {
					p, err := m.ConditionalProbPurchases(x, tx, n, k, nStar)
					if err != nil {
						t.Fatal(err)
					}
					sum += p
					mean += float64(k) * p
				}
				want, _ := m.ConditionalExpectedPurchases(x, tx, n, nStar)
				if math.Abs(sum-1) > 1e-10 || math.Abs(mean-want) > 1e-10*max(want, 1) {
					t.Errorf("%+v %v, n* = %d: Σ P = %.15g, Σ k P = %.15g; want 1 and %.15g", m, c, nStar, sum, mean, want)
				}
			}
		}
	}
}

// TestBGBBForecastsAgainstSimulation simulates 300,000 customers of the
// donations model for 6 opportunities and 5 more, and among those with
// each of a few histories holds the chance of k purchases in the next 5
// and of being alive at opportunity 11 to the share that did, within 4.5
// standard errors.
func TestBGBBForecastsAgainstSimulation(t *testing.T) {
	if testing.Short() {
		t.Skip("simulation")
	}
	rng := rand.New(rand.NewPCG(2010, 22))
	m := donationsModel
	const customers, n, nStar = 300_000, 6, 5
	type outcome struct {
		customers, alive int
		future           [nStar + 1]int
	}
	byPattern := map[[2]int64]*outcome{}
	for range customers {
		buys, death := simBGBB(rng, m, n+nStar)
		x, tx := summary(buys, n)
		o := byPattern[[2]int64{x, tx}]
		if o == nil {
			o = &outcome{}
			byPattern[[2]int64{x, tx}] = o
		}
		o.customers++
		all, _ := summary(buys, n+nStar)
		o.future[all-x]++
		if death > n+nStar {
			o.alive++
		}
	}
	for _, k := range [][2]int64{{0, 0}, {2, 4}, {6, 6}, {1, 1}, {3, 5}} {
		o := byPattern[k]
		c := float64(o.customers)
		within := func(what string, p float64, got int) {
			t.Helper()
			if se := math.Sqrt(p * (1 - p) / c); math.Abs(float64(got)/c-p) > 4.5*se+1e-9 {
				t.Errorf("history %v: %s: %.4f simulated, %.4f forecast (standard error %.4f)", k, what, float64(got)/c, p, se)
			}
		}
		p, err := m.ProbAliveAt(k[0], k[1], n, nStar)
		if err != nil {
			t.Fatal(err)
		}
		within("P(alive at 11)", p, o.alive)
		for j := range int64(nStar + 1) {
			p, err := m.ConditionalProbPurchases(k[0], k[1], n, j, nStar)
			if err != nil {
				t.Fatal(err)
			}
			within("P(X(6, 11) = k)", p, o.future[j])
		}
	}
}

// TestBGBBProbPurchasesDonations holds P(X(6) = x) of the donations
// model that Fader, Hardie and Shang publish to the supporters Hardie's
// spreadsheet of the fit expects to make no repeat donation in six years,
// 3,454.9 of 11,104, and one every year, 1,253.1 (within 1.5, the
// parameters being rounded to 3 digits).
func TestBGBBProbPurchasesDonations(t *testing.T) {
	hs := donations(t)
	m := donationsModel
	var customers int64
	for _, h := range hs {
		customers += h.Weight
	}
	if customers != 11104 {
		t.Fatalf("the donations data hold %d supporters; want 11,104", customers)
	}
	for x, want := range map[int64]float64{0: 3454.9, 6: 1253.1} {
		p, err := m.ProbPurchases(x, 6)
		if err != nil || math.Abs(11104*p-want) > 1.5 {
			t.Errorf("11,104 P(X(6) = %d) = %.2f, %v; published %v", x, 11104*p, err, want)
		}
	}
}

// TestDiscreteNewCustomerForecast holds BG/BB cohorts' purchases to a new
// customer's expected purchases, each cohort's over the opportunities
// after its trial summing to ExpectedPurchases of them, and to a
// simulation of the cohorts through the model's story within 2 %.
func TestDiscreteNewCustomerForecast(t *testing.T) {
	m := donationsModel
	g := btyd.FlatSpend{Amount: decimal.NewFromInt(50)}
	acquired := []int64{1000, 0, 3000, 500}
	f, err := btyd.DiscreteNewCustomerForecast(m, g, clv.Year, acquired, btyd.Horizon{Length: 8, Period: clv.Year})
	if err != nil || len(f) != 8 {
		t.Fatalf("%v, %v", f, err)
	}
	var total, want float64
	for k, p := range f {
		total += p.Purchases
		if !p.Revenue.Equal(decimal.NewFromFloat(p.Purchases * 50).Round(clv.DefaultScale)) {
			t.Errorf("opportunity %d: revenue %v for %v purchases", k+1, p.Revenue, p.Purchases)
		}
	}
	for j, c := range acquired {
		e, _ := m.ExpectedPurchases(int64(8 - j - 1))
		want += float64(c) * e
	}
	if f[0].Purchases != 0 || math.Abs(total-want) > 1e-12*want {
		t.Errorf("first opportunity %v, Σ purchases = %.15g; want 0 and %.15g", f[0].Purchases, total, want)
	}
	rng := rand.New(rand.NewPCG(22, 9))
	const copies = 40
	simulated := make([]float64, 8)
	for j, c := range acquired {
		for range c * copies {
			buys, _ := simBGBB(rng, m, 8-j-1)
			for _, b := range buys {
				simulated[j+b]++
			}
		}
	}
	for k, p := range f {
		if got := simulated[k] / copies; math.Abs(got-p.Purchases) > 0.02*p.Purchases+1 {
			t.Errorf("opportunity %d: %.1f purchases simulated, %.1f forecast", k+1, got, p.Purchases)
		}
	}
	for _, tc := range []struct {
		name string
		want error
		f    func() error
	}{
		{"bad model", clv.ErrNonPositive, func() error {
			_, err := btyd.DiscreteNewCustomerForecast(btyd.BGBB{}, g, clv.Year, nil, btyd.Horizon{Length: 1, Period: clv.Year})
			return err
		}},
		{"nil spend", clv.ErrMissing, func() error {
			_, err := btyd.DiscreteNewCustomerForecast(m, nil, clv.Year, nil, btyd.Horizon{Length: 1, Period: clv.Year})
			return err
		}},
		{"too many cohorts", clv.ErrInconsistent, func() error {
			_, err := btyd.DiscreteNewCustomerForecast(m, g, clv.Year, []int64{1, 2}, btyd.Horizon{Length: 1, Period: clv.Year})
			return err
		}},
		{"half an opportunity", clv.ErrInconsistent, func() error {
			_, err := btyd.DiscreteNewCustomerForecast(m, g, clv.Year, nil, btyd.Horizon{Length: 1, Period: clv.Month})
			return err
		}},
		{"beyond 1000 years", clv.ErrOutOfRange, func() error {
			_, err := btyd.DiscreteNewCustomerForecast(m, g, clv.Week, nil, btyd.Horizon{Length: 1001, Period: clv.Year})
			return err
		}},
		{"negative count", clv.ErrNegative, func() error {
			_, err := btyd.DiscreteNewCustomerForecast(m, g, clv.Year, []int64{-3}, btyd.Horizon{Length: 2, Period: clv.Year})
			return err
		}},
	} {
		if err := tc.f(); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v; want %v", tc.name, err, tc.want)
		}
	}
}
