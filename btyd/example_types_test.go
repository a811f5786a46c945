package btyd_test

// Examples of the package's data types: what each holds, on small bases.

import (
	"fmt"
	"slices"
	"time"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
)

func ExampleHistory() {
	// Two customers alike are one history of weight 2: the fits take
	// either form and find the same maximum.
	one := []btyd.History{{X: 2, Tx: 30.43, T: 38.86, Weight: 2}, {X: 0, T: 38.86, Weight: 1}}
	apart := []btyd.History{{X: 2, Tx: 30.43, T: 38.86, Weight: 1}, {X: 0, T: 38.86, Weight: 1}, {X: 2, Tx: 30.43, T: 38.86, Weight: 1}}
	var a, b float64
	for _, h := range one {
		ll, _ := exampleModel.LogLikelihood(h.X, h.Tx, h.T)
		a += float64(h.Weight) * ll
	}
	for _, h := range apart {
		ll, _ := exampleModel.LogLikelihood(h.X, h.Tx, h.T)
		b += float64(h.Weight) * ll
	}
	fmt.Printf("%.6f %.6f\n", a, b)
	// Output: -19.471926 -19.471926
}

func ExampleBase() {
	s, _ := btyd.NewSummarizer(exampleCalibrationEnd, btyd.WithHoldout(exampleHoldoutEnd))
	_ = s.AddAll(slices.Values(cdnowCustomer1()))
	b := s.Base()
	fmt.Printf("%d customer, in %ss, holdout %.2f %ss\n", len(b.Customers), b.Unit, b.Holdout, b.Unit)
	// Output: 1 customer, in weeks, holdout 39.00 weeks
}

func ExampleTotals() {
	s, _ := btyd.NewSummarizer(exampleCalibrationEnd)
	_ = s.AddAll(slices.Values(cdnowCustomer1()))
	t := s.Totals()
	fmt.Printf("%d rows: %d purchases, %d later, %d refunds; %d customer\n", t.Rows, t.Purchases, t.Later, t.Refunds, t.Customers)
	fmt.Printf("from %s to %s\n", t.First.Format(time.DateOnly), t.Last.Format(time.DateOnly))
	// Output:
	// 4 rows: 3 purchases, 1 later, 0 refunds; 1 customer
	// from 1997-01-01 to 1997-12-12
}

func ExampleSummaryOption() {
	// Options of NewSummarizer: the unit of time and a holdout.
	opts := []btyd.SummaryOption{btyd.WithUnit(clv.Month), btyd.WithHoldout(exampleHoldoutEnd)}
	s, _ := btyd.NewSummarizer(exampleCalibrationEnd, opts...)
	_ = s.AddAll(slices.Values(cdnowCustomer1()))
	c := s.Base().Customers[0]
	fmt.Printf("t_x %.2f, T %.2f months\n", c.Tx, c.T)
	// Output: t_x 7.00, T 8.94 months
}

func ExampleHorizon() {
	// A horizon is a length in a period; its steps are the period's
	// unless WithStep says otherwise.
	for _, h := range []btyd.Horizon{{Length: 1, Period: clv.Year}, {Length: 12, Period: clv.Month}} {
		v, _ := btyd.Values(exampleModel, exampleSpend, exampleBase, h, btyd.WithDiscountRate(decimal.RequireFromString("0.1"), clv.Year))
		fmt.Printf("%d × %s: %.3f purchases, value %s, counted each %s\n", h.Length, h.Period, v.Purchases, v.Value.StringFixed(2), v.Step)
	}
	// Output:
	// 1 × year: 1.816 purchases, value 43.14, counted each year
	// 12 × month: 1.816 purchases, value 45.22, counted each month
}

func ExampleValueOption() {
	// Options of Values, and of ValueIntervals through WithValueOptions.
	opts := []btyd.ValueOption{btyd.WithGrossMargin(decimal.RequireFromString("0.3")), btyd.WithScale(4)}
	v, _ := btyd.Values(exampleModel, exampleSpend, exampleBase, btyd.Horizon{Length: 1, Period: clv.Year}, opts...)
	fmt.Println(v.Value)
	// Output: 14.235
}

func ExampleValuation() {
	v, _ := btyd.Values(exampleModel, exampleSpend, exampleBase, btyd.Horizon{Length: 1, Period: clv.Year}, btyd.WithScale(2))
	var sum decimal.Decimal
	for _, c := range v.Customers {
		sum = sum.Add(c.Value)
	}
	// The total is rounded once: it may differ from the sum of the
	// rounded values by a cent or so.
	fmt.Printf("%d customers, %.3f purchases, value %s (customers' values add to %s)\n", len(v.Customers), v.Purchases, v.Value, sum)
	// Output: 2 customers, 1.816 purchases, value 47.45 (customers' values add to 47.45)
}

func ExampleCustomerValue() {
	v, _ := btyd.Values(exampleModel, exampleSpend, exampleBase, btyd.Horizon{Length: 1, Period: clv.Year}, btyd.WithScale(2))
	c := v.Customers[0]
	// Undiscounted, value is P(alive) × the purchases of an alive
	// customer × their expected spend, rounded once.
	fmt.Printf("%s: P(alive) %.3f × %.3f purchases if alive × spend %s = value %s\n", c.ID, c.ProbAlive, c.Purchases/c.ProbAlive, c.Spend, c.Value)
	// Output: 0001: P(alive) 0.727 × 2.151 purchases if alive × spend 24.66 = value 38.55
}

func ExampleHoldout() {
	s, _ := btyd.NewSummarizer(exampleCalibrationEnd, btyd.WithHoldout(exampleHoldoutEnd))
	_ = s.AddAll(slices.Values(cdnowCustomer1()))
	h, _ := btyd.CompareHoldout(exampleModel, s.Base())
	fmt.Printf("%.2f weeks: %d customer, %d actual, %.3f predicted, %d rows\n", h.Length, h.Customers, h.Actual, h.Predicted, len(h.ByFrequency))
	// Output: 39.00 weeks: 1 customer, 1 actual, 1.226 predicted, 8 rows
}

func ExampleHoldoutRow() {
	s, _ := btyd.NewSummarizer(exampleCalibrationEnd, btyd.WithHoldout(exampleHoldoutEnd))
	_ = s.AddAll(slices.Values(cdnowCustomer1()))
	h, _ := btyd.CompareHoldout(exampleModel, s.Base())
	r := h.ByFrequency[2]
	fmt.Printf("x = %d: %d customer, %d actual, %.3f predicted\n", r.X, r.Customers, r.Actual, r.Predicted)
	// Output: x = 2: 1 customer, 1 actual, 1.226 predicted
}

func ExampleHoldoutFrequencies() {
	// Rows for x = 0 to 6, and one for 7 or more.
	fmt.Println(btyd.HoldoutFrequencies)
	// Output: 8
}

func ExampleFitStats() {
	fit, _ := btyd.FitBGBB(exampleDonors)
	st := fit.Stats
	fmt.Printf("LL %.2f over %d customers, %d iterations (%s), parameters %v, %d×%d covariance\n",
		st.LogLikelihood, st.Customers, st.Iterations, st.Status, st.Parameters, len(st.Covariance), len(st.Covariance[0]))
	// Output: LL -6286.22 over 2000 customers, 10 iterations (FunctionConvergence), parameters [alpha beta gamma delta], 4×4 covariance
}

// exampleShopEnd is the calibration end of shopLog, the shop of
// ExamplePurchaseModel.
var exampleShopEnd = time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC)

// exampleDonors is 2,000 supporters of 6 yearly appeals, by pattern.
var exampleDonors = func() []btyd.DiscreteHistory {
	var hs []btyd.DiscreteHistory
	for _, h := range [][4]int64{ // x, t_x, n, supporters
		{0, 0, 6, 700}, {1, 1, 6, 150}, {1, 3, 6, 90}, {1, 6, 6, 60}, {2, 4, 6, 120}, {2, 6, 6, 110},
		{3, 5, 6, 150}, {3, 6, 6, 130}, {4, 6, 6, 170}, {5, 6, 6, 140}, {6, 6, 6, 180},
	} {
		hs = append(hs, btyd.DiscreteHistory{X: h[0], Tx: h[1], N: h[2], Weight: h[3]})
	}
	return hs
}()

func ExampleDiscreteHistory() {
	// A supporter who gave at appeals 2, 3 and 5 of 6 after their first.
	h := btyd.DiscreteHistory{X: 3, Tx: 5, N: 6, Weight: 1}
	p, _ := exampleBGBB.ProbAlive(h.X, h.Tx, h.N)
	fmt.Printf("%+v: P(alive) %.3f\n", h, p)
	// Output: {X:3 Tx:5 N:6 Weight:1}: P(alive) 0.767
}

func ExampleBGBBFit() {
	fit, _ := btyd.FitBGBB(exampleDonors)
	m, se := fit.Model, fit.StdErr
	fmt.Printf("alpha %.3f ± %.3f, beta %.3f ± %.3f, gamma %.3f ± %.3f, delta %.3f ± %.3f\n", m.Alpha, se.Alpha, m.Beta, se.Beta, m.Gamma, se.Gamma, m.Delta, se.Delta)
	// Output: alpha 0.994 ± 0.137, beta 1.193 ± 0.100, gamma 0.046 ± 0.010, delta 0.183 ± 0.043
}

func ExampleMBGNBDFit() {
	s, _ := btyd.NewSummarizer(exampleShopEnd)
	_ = s.AddAll(slices.Values(shopLog()))
	fit, _ := btyd.FitMBGNBD(s.Histories())
	fmt.Printf("r %.3f ± %.3f, a %.3f ± %.3f\n", fit.Model.R, fit.StdErr.R, fit.Model.A, fit.StdErr.A)
	// Output: r 1.299 ± 0.048, a 3.143 ± 0.448
}

func ExampleParetoNBDFit() {
	s, _ := btyd.NewSummarizer(exampleShopEnd)
	_ = s.AddAll(slices.Values(shopLog()))
	fit, _ := btyd.FitParetoNBD(s.Histories())
	fmt.Printf("s %.3f ± %.3f, beta %.2f ± %.2f\n", fit.Model.S, fit.StdErr.S, fit.Model.Beta, fit.StdErr.Beta)
	// Output: s 2.850 ± 0.663, beta 96.38 ± 25.86
}

func ExamplePurchaseFit() {
	// Any of the three continuous fits goes to ValueIntervals.
	s, _ := btyd.NewSummarizer(exampleShopEnd)
	_ = s.AddAll(slices.Values(shopLog()))
	hs, base := s.Histories(), s.Base()
	spend, _ := btyd.FitGammaGamma(base.Customers)
	bg, _ := btyd.FitBGNBD(hs)
	pnbd, _ := btyd.FitParetoNBD(hs)
	for _, f := range []btyd.PurchaseFit{bg, pnbd} {
		iv, err := btyd.ValueIntervals(f, spend, base, btyd.Horizon{Length: 1, Period: clv.Year}, btyd.WithDraws(50))
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("value %s to %s\n", iv.Value.Low.StringFixed(0), iv.Value.High.StringFixed(0))
	}
	// Output:
	// value 291544 to 312698
	// value 274887 to 302603
}

func ExampleIntervalOption() {
	opts := []btyd.IntervalOption{btyd.WithLevel(0.8), btyd.WithDraws(40), btyd.WithSeed(7)}
	fit, _ := btyd.FitBGBB(exampleDonors)
	spend := btyd.GammaGammaFit{Model: exampleSpend, Stats: btyd.FitStats{Covariance: [][]float64{{1.5, -0.2, -2}, {-0.2, 0.1, 0.5}, {-2, 0.5, 10}}}}
	o, _ := donorLog().Opportunities(clv.Year)
	iv, _ := btyd.DiscreteValueIntervals(fit, spend, o, btyd.Horizon{Length: 2, Period: clv.Year}, opts...)
	fmt.Printf("%.0f %% of %d draws\n", 100*iv.Level, iv.Draws)
	// Output: 80 % of 40 draws
}

func ExampleInterval() {
	fit, _ := btyd.FitBGBB(exampleDonors)
	spend := btyd.GammaGammaFit{Model: exampleSpend, Stats: btyd.FitStats{Covariance: [][]float64{{1.5, -0.2, -2}, {-0.2, 0.1, 0.5}, {-2, 0.5, 10}}}}
	o, _ := donorLog().Opportunities(clv.Year)
	iv, _ := btyd.DiscreteValueIntervals(fit, spend, o, btyd.Horizon{Length: 2, Period: clv.Year})
	fmt.Printf("total purchases %.3f to %.3f\n", iv.Purchases.Low, iv.Purchases.High)
	// Output: total purchases 1.842 to 1.932
}

func ExampleCustomerInterval() {
	fit, _ := btyd.FitBGBB(exampleDonors)
	spend := btyd.GammaGammaFit{Model: exampleSpend, Stats: btyd.FitStats{Covariance: [][]float64{{1.5, -0.2, -2}, {-0.2, 0.1, 0.5}, {-2, 0.5, 10}}}}
	o, _ := donorLog().Opportunities(clv.Year)
	iv, _ := btyd.DiscreteValueIntervals(fit, spend, o, btyd.Horizon{Length: 2, Period: clv.Year})
	c := iv.Customers[0]
	fmt.Printf("%s: %.3f to %.3f purchases, value %s to %s\n", c.ID, c.Purchases.Low, c.Purchases.High, c.Value.Low.StringFixed(2), c.Value.High.StringFixed(2))
	// Output: a: 0.901 to 0.937 purchases, value 40.05 to 46.13
}

func ExampleValuationIntervals() {
	fit, _ := btyd.FitBGBB(exampleDonors)
	spend := btyd.GammaGammaFit{Model: exampleSpend, Stats: btyd.FitStats{Covariance: [][]float64{{1.5, -0.2, -2}, {-0.2, 0.1, 0.5}, {-2, 0.5, 10}}}}
	o, _ := donorLog().Opportunities(clv.Year)
	iv, _ := btyd.DiscreteValueIntervals(fit, spend, o, btyd.Horizon{Length: 2, Period: clv.Year})
	fmt.Printf("%.0f %% from %d draws, %d customers, total value %s to %s\n", 100*iv.Level, iv.Draws, len(iv.Customers), iv.Value.Low.StringFixed(2), iv.Value.High.StringFixed(2))
	// Output: 90 % from 200 draws, 3 customers, total value 63.23 to 94.95
}

func ExampleTracking() {
	s, _ := btyd.NewSummarizer(exampleCalibrationEnd, btyd.WithHoldout(exampleHoldoutEnd))
	_ = s.AddAll(slices.Values(cdnowCustomer1()))
	tr, _ := btyd.Track(exampleModel, s)
	last := tr.Steps[len(tr.Steps)-1]
	fmt.Printf("in %ss from %s: %d steps, the last ending at %.2f\n", tr.Unit, tr.Start.Format("2006-01-02"), len(tr.Steps), last.End)
	// Output: in weeks from 1997-01-01: 78 steps, the last ending at 77.86
}

func ExampleTrackingStep() {
	s, _ := btyd.NewSummarizer(exampleCalibrationEnd, btyd.WithHoldout(exampleHoldoutEnd))
	_ = s.AddAll(slices.Values(cdnowCustomer1()))
	tr, _ := btyd.Track(exampleModel, s)
	step := tr.Steps[38]
	fmt.Printf("to week %.0f: %d repeat purchases, %.3f expected\n", step.End, step.Actual, step.Expected)
	// Output: to week 39: 2 repeat purchases, 1.197 expected
}

func ExampleSummarizer_AppendBinary() {
	s, _ := btyd.NewSummarizer(exampleCalibrationEnd)
	_ = s.AddAll(slices.Values(cdnowCustomer1()))
	// Append to a buffer of one's own, as to a message with a header.
	buf := []byte("header:")
	buf, _ = s.AppendBinary(buf)
	var t btyd.Summarizer
	fmt.Println(t.UnmarshalBinary(buf[len("header:"):]), t.Base().Customers[0].Equal(s.Base().Customers[0]))
	// Output: <nil> true
}

func ExampleSummarizer_UnmarshalBinary() {
	s, _ := btyd.NewSummarizer(exampleCalibrationEnd)
	_ = s.AddAll(slices.Values(cdnowCustomer1()))
	data, _ := s.MarshalBinary()
	var t btyd.Summarizer
	fmt.Println(t.UnmarshalBinary(data), t.Unit(), t.Totals().Purchases)
	fmt.Println(t.UnmarshalBinary(data[:10]))
	// Output:
	// <nil> week 3
	// btyd: decode summarizer: checksum at byte 0: clv: malformed encoding: the data was altered or cut short
}
