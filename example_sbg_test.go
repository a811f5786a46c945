package clv_test

import (
	"fmt"

	"github.com/clvkit/clv"
	"github.com/shopspring/decimal"
)

// Fit a cohort's retention and price what the constant-churn shortcut
// misses. The cohort is the "regular" one of Fader and Hardie (2007):
// 1,000 subscribers, of whom 631 renewed after a year; seven years are
// known, and the next five, which the fit does not see, show how each
// projection fares.
func Example_cohortRetention() {
	cohort := []int64{1000, 631, 468, 382, 326, 289, 262, 241}
	later := []int64{223, 207, 194, 183, 173} // years 8 to 12

	fit, err := clv.FitSBG(clv.Year, cohort)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("alpha %.3f, beta %.3f, log-likelihood %.1f; constant churn %s\n",
		fit.Model.Alpha, fit.Model.Beta, fit.LogLikelihood, fit.ConstantChurn.StringFixed(3))

	projection, _ := fit.Project(12)
	fmt.Println("year  actual  fitted  constant churn")
	for _, p := range projection[8:] {
		fmt.Printf("%4d  %6d  %6.0f  %14.0f\n", p.Tenure, later[p.Tenure-8], 1000*p.Fitted, 1000*p.ConstantChurn)
	}

	// A subscription of 100 a year, money at 10 % a year. Some customers
	// almost never leave (alpha < 1), so the curve's lifespan takes a
	// horizon: 100 years, beyond which nothing discounted is left to count.
	year := clv.Window{Revenue: decimal.NewFromInt(100_000), Purchases: 1000, Customers: 1000, Period: clv.Year}
	discount := clv.WithDiscountRate(decimal.RequireFromString("0.1"), clv.Year)
	constant, _ := clv.Calculate(year, clv.Lifespan{ChurnRate: fit.ConstantChurn, Period: clv.Year}, discount)
	curve, _ := clv.Calculate(year, clv.Lifespan{Curve: fit.Model, Length: decimal.NewFromInt(100), Period: clv.Year}, discount)
	missed := curve.DiscountedLifetimeValue.Sub(constant.DiscountedLifetimeValue)
	fmt.Println("discounted lifetime value, constant churn:", constant.DiscountedLifetimeValue.StringFixed(2))
	fmt.Println("discounted lifetime value, fitted curve:  ", curve.DiscountedLifetimeValue.StringFixed(2))
	fmt.Printf("the shortcut misses %s, %s %%\n", missed.StringFixed(2),
		missed.Div(curve.DiscountedLifetimeValue).Shift(2).StringFixed(1))
	// Output:
	// alpha 0.704, beta 1.182, log-likelihood -1680.3; constant churn 0.226
	// year  actual  fitted  constant churn
	//    8     223     220             129
	//    9     207     204             100
	//   10     194     191              77
	//   11     183     180              60
	//   12     173     170              46
	// discounted lifetime value, constant churn: 337.39
	// discounted lifetime value, fitted curve:   369.49
	// the shortcut misses 32.09, 8.7 %
}

func ExampleSBG() {
	// Churn probabilities beta-distributed with mean 1 / (1 + 3) = 25 %.
	m := clv.SBG{Alpha: 1, Beta: 3, Period: clv.Month}
	r, _ := m.RetentionCurve(4)
	fmt.Printf("retention %.3f\n", r)
	// Output:
	// retention [0.750 0.800 0.833 0.857]
}

func ExampleSBG_SurvivalCurve() {
	m := clv.SBG{Alpha: 0.704, Beta: 1.182, Period: clv.Year}
	s, _ := m.SurvivalCurve(5)
	fmt.Printf("%.3f\n", s)
	// Output:
	// [1.000 0.627 0.474 0.388 0.332 0.292]
}

func ExampleSBG_RetentionCurve() {
	m := clv.SBG{Alpha: 0.704, Beta: 1.182, Period: clv.Year}
	r, _ := m.RetentionCurve(5)
	fmt.Printf("%.3f\n", r)
	// Output:
	// [0.627 0.756 0.819 0.856 0.880]
}

func ExampleSBG_ExpectedLifetime() {
	m := clv.SBG{Alpha: 3, Beta: 5, Period: clv.Month}
	all, _ := m.ExpectedLifetime(0) // (α + β − 1) / (α − 1)
	year, _ := m.ExpectedLifetime(12)
	fmt.Printf("%.2f months, %.2f of them in the first year\n", all, year)
	_, err := clv.SBG{Alpha: 0.7, Beta: 1.2, Period: clv.Month}.ExpectedLifetime(0)
	fmt.Println(err)
	// Output:
	// 3.50 months, 3.16 of them in the first year
	// clv: expected lifetime: alpha = 0.7: out of range: with alpha ≤ 1 and no discount the expected lifetime is unbounded; give a horizon
}

func ExampleSBG_DiscountedResidualLifetime() {
	// Fader and Hardie's (2010) point: the longer a customer has stayed,
	// the more their future is worth.
	m := clv.SBG{Alpha: 0.668, Beta: 3.806, Period: clv.Year}
	for _, n := range []int{0, 1, 5, 10} {
		derl, _ := m.DiscountedResidualLifetime(n, decimal.RequireFromString("0.1"), clv.Year)
		fmt.Printf("after %2d renewals: %.2f more years\n", n, derl)
	}
	// Output:
	// after  0 renewals: 5.41 more years
	// after  1 renewals: 5.90 more years
	// after  5 renewals: 7.14 more years
	// after 10 renewals: 7.98 more years
}

func ExampleFitSBG() {
	// Two monthly cohorts of different ages share one model.
	fit, err := clv.FitSBG(clv.Month,
		[]int64{500, 410, 360, 327, 303, 284},
		[]int64{800, 650, 575},
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("alpha %.2f, beta %.2f\n", fit.Model.Alpha, fit.Model.Beta)

	_, err = clv.FitSBG(clv.Month, []int64{500, 520})
	fmt.Println(err)
	// Output:
	// alpha 0.35, beta 1.58
	// clv: fit sBG: cohort 1: period 1 = 520: inconsistent: more customers than in the period before, 500
}

func ExampleSBGFit() {
	fit, _ := clv.FitSBG(clv.Year, []int64{1000, 869, 743, 653, 593, 551, 517, 491})
	fmt.Printf("alpha %.3f, beta %.3f, LL %.1f\n", fit.Model.Alpha, fit.Model.Beta, fit.LogLikelihood)
	fmt.Println("constant churn", fit.ConstantChurn)
	// Output:
	// alpha 0.668, beta 3.806, LL -1611.2
	// constant churn 0.1033292732
}

func ExampleSBGFit_Project() {
	fit, _ := clv.FitSBG(clv.Year, []int64{1000, 869, 743, 653, 593, 551, 517, 491})
	p, _ := fit.Project(12)
	last := p[12]
	fmt.Printf("after %d years: %.3f under the curve, %.3f at constant churn\n", last.Tenure, last.Fitted, last.ConstantChurn)
	// Output:
	// after 12 years: 0.378 under the curve, 0.270 at constant churn
}

func ExampleProjectedPeriod() {
	fit, _ := clv.FitSBG(clv.Year, []int64{1000, 631, 468, 382, 326, 289, 262, 241})
	p, _ := fit.Project(3)
	for _, q := range p {
		fmt.Printf("%d %.3f %.3f\n", q.Tenure, q.Fitted, q.ConstantChurn)
	}
	// Output:
	// 0 1.000 1.000
	// 1 0.627 0.774
	// 2 0.474 0.599
	// 3 0.388 0.464
}

// A lifespan from a fitted curve goes into the composed calculation like
// any other.
func ExampleLifespan_curve() {
	m := clv.SBG{Alpha: 3, Beta: 5, Period: clv.Month}
	w := clv.Window{Revenue: decimal.NewFromInt(600), Purchases: 20, Customers: 10, Period: clv.Month}
	r, _ := clv.Calculate(w, clv.Lifespan{Curve: m, Period: clv.Month}, clv.WithScale(2))
	fmt.Println(r.CustomerValue, "a month for", r.Lifespan, "months:", r.LifetimeValue)
	// Output:
	// 60 a month for 3.5 months: 210
}
