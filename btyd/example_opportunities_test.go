package btyd_test

import (
	"fmt"
	"time"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
)

// donorLog is a small log of gifts to a yearly appeal: opportunities of a
// calendar year to 2024-12-31, and a holdout of 2025 and the first half of
// 2026. The holdout has one whole opportunity, 2025, and a gift in the
// half year is left out.
func donorLog() *btyd.Summarizer {
	on := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	s, _ := btyd.NewSummarizer(on("2024-12-31"), btyd.WithHoldout(on("2026-06-30")))
	for _, g := range []struct{ who, when, amount string }{
		// a: first gift in 2020, then in 2021, 2023 (twice) and the
		// holdout's 2025.
		{"a", "2020-11-15", "50"}, {"a", "2021-11-20", "40"}, {"a", "2023-03-01", "25"},
		{"a", "2023-11-30", "35"}, {"a", "2025-12-01", "60"},
		// b: gave once, in 2022.
		{"b", "2022-12-10", "100"},
		// c: first gift in the last calibration opportunity: n = 0.
		{"c", "2024-12-30", "20"}, {"c", "2025-06-01", "20"}, {"c", "2026-06-01", "20"},
	} {
		_ = s.Add(clv.Purchase{Customer: g.who, Time: on(g.when), Amount: decimal.RequireFromString(g.amount)})
	}
	return s
}

func ExampleSummarizer_Opportunities() {
	o, err := donorLog().Opportunities(clv.Year)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d holdout opportunities, %d new customer\n", o.Holdout, o.New)
	for _, c := range o.Customers {
		fmt.Printf("%s: x %d, t_x %d, n %d, spend %s, holdout x %d\n", c.ID, c.X, c.Tx, c.N, c.Spend.StringFixed(2), c.HoldoutX)
	}
	for _, h := range o.Histories {
		fmt.Printf("history %+v\n", h)
	}
	_, err = donorLog().Opportunities(clv.Period(9))
	fmt.Println(err)
	// Output:
	// 1 holdout opportunities, 1 new customer
	// a: x 2, t_x 3, n 4, spend 50.00, holdout x 1
	// b: x 0, t_x 0, n 2, spend 0.00, holdout x 0
	// c: x 0, t_x 0, n 0, spend 0.00, holdout x 1
	// history {X:0 Tx:0 N:2 Weight:1}
	// history {X:2 Tx:3 N:4 Weight:1}
	// btyd: opportunities: every = Period(9): clv: unknown period
}

func ExampleOpportunities() {
	// Opportunities feed FitBGBB their histories, and the per-customer
	// figures its predictions.
	o, _ := donorLog().Opportunities(clv.Year)
	var customers int64
	for _, h := range o.Histories {
		customers += h.Weight
	}
	fmt.Printf("%d customers, %d in the fit's histories, %d with n = 0\n", len(o.Customers), customers, o.New)
	// Output: 3 customers, 2 in the fit's histories, 1 with n = 0
}

func ExampleDiscreteCustomer() {
	// A supporter who gave at 3 of the 6 yearly appeals after their first,
	// the last at the 5th, and at 2 of the next 5.
	c := btyd.DiscreteCustomer{ID: "s1", X: 3, Tx: 5, N: 6, Spend: decimal.RequireFromString("40"), HoldoutX: 2}
	p, _ := exampleBGBB.ProbAlive(c.X, c.Tx, c.N)
	fmt.Printf("P(alive) %.3f\n", p)
	// Output: P(alive) 0.767
}

func ExampleDiscreteCustomer_Equal() {
	a := btyd.DiscreteCustomer{ID: "s1", X: 1, Tx: 2, N: 3, Spend: decimal.RequireFromString("12.5")}
	b := a
	b.Spend = decimal.RequireFromString("12.50")
	fmt.Println(a.Equal(b), a == b)
	// Output: true false
}

func ExampleCompareDiscreteHoldout() {
	o, _ := donorLog().Opportunities(clv.Year)
	h, err := btyd.CompareDiscreteHoldout(exampleBGBB, o)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%.0f opportunities: %d actual, %.2f predicted\n", h.Length, h.Actual, h.Predicted)
	for _, r := range h.ByFrequency[:3] {
		fmt.Printf("x = %d: %d customers, %d actual, %.2f predicted\n", r.X, r.Customers, r.Actual, r.Predicted)
	}
	// Output:
	// 1 opportunities: 2 actual, 0.98 predicted
	// x = 0: 2 customers, 1 actual, 0.61 predicted
	// x = 1: 0 customers, 0 actual, 0.00 predicted
	// x = 2: 1 customers, 1 actual, 0.37 predicted
}

func ExampleDiscreteValues() {
	o, _ := donorLog().Opportunities(clv.Year)
	spend := btyd.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}
	// Three years ahead, at 10 % a year and a margin of 80 %.
	v, err := btyd.DiscreteValues(exampleBGBB, spend, o, btyd.Horizon{Length: 3, Period: clv.Year},
		btyd.WithDiscountRate(decimal.RequireFromString("0.1"), clv.Year), btyd.WithGrossMargin(decimal.RequireFromString("0.8")))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range v.Customers {
		fmt.Printf("%s: P(alive) %.3f, %.3f purchases, %.3f discounted, spend %s, value %s\n",
			c.ID, c.ProbAlive, c.Purchases, c.DiscountedPurchases, c.Spend.StringFixed(2), c.Value.StringFixed(2))
	}
	fmt.Printf("total %s over %d %ss\n", v.Value.StringFixed(2), v.Horizon.Length, v.Horizon.Period)
	// 5 months are nearer no year than one.
	_, err = btyd.DiscreteValues(exampleBGBB, spend, o, btyd.Horizon{Length: 5, Period: clv.Month})
	fmt.Println(err)
	// Output:
	// a: P(alive) 0.690, 1.032 purchases, 0.860 discounted, spend 47.34, value 32.56
	// b: P(alive) 0.350, 0.290 purchases, 0.242 discounted, spend 35.22, value 6.81
	// c: P(alive) 0.809, 1.297 purchases, 1.085 discounted, spend 35.22, value 30.56
	// total 69.93 over 3 years
	// btyd: discrete values: horizon = 5 months: clv: inconsistent: shorter than half an opportunity, a year
}

func ExampleDiscreteValueIntervals() {
	// A BG/BB fitted to 2,000 supporters over 6 yearly appeals, counted
	// by pattern, and a gamma–gamma fit of their gifts, with a covariance
	// of its parameters such as FitGammaGamma reports.
	var histories []btyd.DiscreteHistory
	for _, h := range [][4]int64{ // x, t_x, n, supporters
		{0, 0, 6, 700}, {1, 1, 6, 150}, {1, 3, 6, 90}, {1, 6, 6, 60}, {2, 4, 6, 120}, {2, 6, 6, 110},
		{3, 5, 6, 150}, {3, 6, 6, 130}, {4, 6, 6, 170}, {5, 6, 6, 140}, {6, 6, 6, 180},
	} {
		histories = append(histories, btyd.DiscreteHistory{X: h[0], Tx: h[1], N: h[2], Weight: h[3]})
	}
	fit, err := btyd.FitBGBB(histories)
	if err != nil {
		fmt.Println(err)
		return
	}
	spend := btyd.GammaGammaFit{
		Model: btyd.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44},
		Stats: btyd.FitStats{Covariance: [][]float64{{1.5, -0.2, -2}, {-0.2, 0.1, 0.5}, {-2, 0.5, 10}}},
	}
	o, _ := donorLog().Opportunities(clv.Year)
	iv, err := btyd.DiscreteValueIntervals(fit, spend, o, btyd.Horizon{Length: 3, Period: clv.Year}, btyd.WithDraws(100),
		btyd.WithValueOptions(btyd.WithDiscountRate(decimal.RequireFromString("0.1"), clv.Year)))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range iv.Customers {
		fmt.Printf("%s: %.2f to %.2f purchases, value %s to %s\n", c.ID, c.Purchases.Low, c.Purchases.High, c.Value.Low.StringFixed(2), c.Value.High.StringFixed(2))
	}
	fmt.Printf("%.0f %% of %d draws: total %s to %s\n", 100*iv.Level, iv.Draws, iv.Value.Low.StringFixed(2), iv.Value.High.StringFixed(2))
	// Output:
	// a: 1.35 to 1.40 purchases, value 50.14 to 56.94
	// b: 0.37 to 0.41 purchases, value 7.89 to 14.96
	// c: 1.01 to 1.08 purchases, value 20.95 to 40.66
	// 90 % of 100 draws: total 78.11 to 111.93
}
