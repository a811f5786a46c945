package btyd_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
)

// shopLog returns two years of a shop's orders, made up: 3,000 customers
// who first buy in 2023, each buying at a rate of their own while they
// stay, some leaving after any order, each spending around an average of
// their own.
func shopLog() []clv.Purchase {
	rng := rand.New(rand.NewPCG(7, 42))
	start := time.Date(2023, 1, 2, 0, 0, 0, 0, time.UTC)
	end := time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)
	var log []clv.Purchase
	for i := range 3000 {
		id := fmt.Sprintf("C%04d", i+1)
		when := start.Add(time.Duration(rng.Int64N(int64(364 * 24 * time.Hour))))
		rate := rng.ExpFloat64() * 0.3 / 7 // orders a day
		leave := rng.Float64() * 0.3       // the chance of leaving after an order
		average := 20 + 60*rng.Float64()
		for first := true; when.Before(end); first = false {
			amount := decimal.NewFromFloat(average * (0.5 + rng.Float64())).Round(2)
			log = append(log, clv.Purchase{Customer: id, Time: when, Amount: amount})
			if !first && rng.Float64() < leave {
				break
			}
			when = when.Add(time.Duration(rng.ExpFloat64() / rate * float64(24*time.Hour)))
		}
	}
	// Orders come in time order.
	slices.SortStableFunc(log, func(a, b clv.Purchase) int { return a.Time.Compare(b.Time) })
	return log
}

// From a purchase log to each customer's value: summarise the log per
// customer up to a calibration end, fit the BG/NBD and gamma–gamma models,
// check them against the six months held out, and price every customer
// over the next year at 10 % a year.
func Example() {
	calibrationEnd := time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC)
	holdoutEnd := time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)
	s, err := btyd.NewSummarizer(calibrationEnd, btyd.WithHoldout(holdoutEnd))
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := s.AddAll(slices.Values(shopLog())); err != nil {
		fmt.Println(err)
		return
	}
	base := s.Base()
	fmt.Printf("%d customers, %d purchases\n", s.Totals().Customers, s.Totals().Purchases)

	freq, err := btyd.FitBGNBD(s.Histories())
	if err != nil {
		fmt.Println(err)
		return
	}
	m := freq.Model
	fmt.Printf("BG/NBD: r %.2f, alpha %.1f weeks, a %.2f, b %.2f\n", m.R, m.Alpha, m.A, m.B)
	spend, err := btyd.FitGammaGamma(base.Customers)
	if err != nil {
		fmt.Println(err)
		return
	}
	g := spend.Model
	fmt.Printf("gamma-gamma: p %.1f, q %.1f, gamma %.1f; correlation with frequency %.2f\n", g.P, g.Q, g.Gamma, spend.Correlation)

	check, err := btyd.CompareHoldout(m, base)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("holdout of %.1f weeks: %d purchases, %.0f predicted\n", check.Length, check.Actual, check.Predicted)
	fmt.Println("  x  customers  actual  predicted")
	for _, r := range check.ByFrequency {
		label := fmt.Sprint(r.X)
		if r.X == btyd.HoldoutFrequencies-1 {
			label += "+"
		}
		fmt.Printf("%3s  %9d  %6d  %9.0f\n", label, r.Customers, r.Actual, r.Predicted)
	}

	values, err := btyd.Values(m, g, base, btyd.Horizon{Length: 12, Period: clv.Month},
		btyd.WithDiscountRate(decimal.RequireFromString("0.1"), clv.Year), btyd.WithScale(2))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("next year: %.0f purchases worth %s\n", values.Purchases, values.Value.StringFixed(0))
	top := slices.Clone(values.Customers)
	slices.SortStableFunc(top, func(a, b btyd.CustomerValue) int { return b.Value.Cmp(a.Value) })
	fmt.Println("customer  P(alive)  purchases  spend   value")
	for _, c := range top[:3] {
		fmt.Printf("%s     %.2f  %9.1f  %6s  %6s\n", c.ID, c.ProbAlive, c.Purchases, c.Spend.StringFixed(2), c.Value.StringFixed(2))
	}
	// Output:
	// 3000 customers, 23622 purchases
	// BG/NBD: r 1.00, alpha 3.5 weeks, a 1.47, b 7.68
	// gamma-gamma: p 6.6, q 8.3, gamma 57.4; correlation with frequency 0.00
	// holdout of 26.3 weeks: 3323 purchases, 3458 predicted
	//   x  customers  actual  predicted
	//   0        214     111        110
	//   1        601     134        159
	//   2        455     196        179
	//   3        320     182        178
	//   4        240     144        167
	//   5        187     110        145
	//   6        162     136        175
	//  7+        821    2310       2345
	// next year: 5848 purchases worth 288041
	// customer  P(alive)  purchases  spend   value
	// C2315     0.95       29.8   72.42  2061.69
	// C2482     0.86       26.1   72.71  1818.34
	// C2802     0.96       27.9   63.70  1698.21
}

// The program of the README's "What each customer is worth": every error
// checked, and purchases valued at the mean amount of a repeat purchase
// where gamma–gamma cannot be fitted. TestReadmeCustomerValue holds the
// README to this code.
func ExampleValues_readme() {
	calibrationEnd := time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC)
	holdoutEnd := time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)
	purchases := slices.Values(shopLog())
	run := func() error {
		// README begin
		s, err := btyd.NewSummarizer(calibrationEnd, btyd.WithHoldout(holdoutEnd)) // weeks by default
		if err != nil {
			return err
		}
		if err := s.AddAll(purchases); err != nil { // any order; refunds and later rows counted apart
			return err // e.g. btyd: add all: purchase 7: customer: clv: missing
		}
		base := s.Base()
		fit, err := btyd.FitBGNBD(s.Histories()) // r, alpha, a, b with standard errors
		if err != nil {
			return err // e.g. btyd: fit BG/NBD: clv: cannot be estimated: …, naming the limit the data prefer
		}
		check, err := btyd.CompareHoldout(fit.Model, base) // actual against predicted, by frequency
		if err != nil {
			return err
		}
		var spend btyd.SpendModel
		if g, err := btyd.FitGammaGamma(base.Customers); err == nil {
			spend = g.Model
		} else if spend, err = btyd.MeanSpend(base.Customers); err != nil { // every purchase at the mean repeat amount
			return err
		}
		values, err := btyd.Values(fit.Model, spend, base, btyd.Horizon{Length: 12, Period: clv.Month},
			btyd.WithDiscountRate(decimal.RequireFromString("0.1"), clv.Year), btyd.WithScale(2))
		if err != nil {
			return err
		}
		fmt.Printf("holdout: %d purchases, %.0f predicted\n", check.Actual, check.Predicted)
		fmt.Printf("next year: %.0f purchases worth %s\n", values.Purchases, values.Value.StringFixed(2))
		// README end
		return nil
	}
	if err := run(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// holdout: 3323 purchases, 3458 predicted
	// next year: 5848 purchases worth 288041.00
}
