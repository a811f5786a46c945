package clv_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clv"
	"github.com/shopspring/decimal"
)

// Inputs of a typical shop: a year of 120,000 from 4,800 orders by 1,500
// customers, 5 % monthly churn, 40 % margin, 60 to acquire a customer and
// 1 a month to keep one.
var (
	benchWindow    = clv.Window{Revenue: dec("120000.00"), Purchases: 4800, Customers: 1500}
	benchChurn     = clv.Lifespan{ChurnRate: dec("0.05"), Period: clv.Month}
	benchMargin    = dec("0.4")
	benchCAC       = dec("60")
	benchRetention = dec("1")
)

func BenchmarkAveragePurchaseValue(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_, _ = clv.AveragePurchaseValue(benchWindow.Revenue, benchWindow.Purchases)
	}
}

func BenchmarkPurchaseFrequency(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_, _ = clv.PurchaseFrequency(benchWindow.Purchases, benchWindow.Customers)
	}
}

func BenchmarkCustomerValue(b *testing.B) {
	apv, apf := dec("25"), dec("3.2")
	b.ReportAllocs()
	for b.Loop() {
		_, _ = clv.CustomerValue(apv, apf)
	}
}

func BenchmarkLifetimeValue(b *testing.B) {
	cv, life := dec("80"), dec("1.6666666667")
	b.ReportAllocs()
	for b.Loop() {
		_, _ = clv.LifetimeValue(cv, life)
	}
}

func BenchmarkAcquisitionCost(b *testing.B) {
	spend := dec("90000")
	b.ReportAllocs()
	for b.Loop() {
		_, _ = clv.AcquisitionCost(spend, 1500)
	}
}

func BenchmarkNetLifetimeValue(b *testing.B) {
	ltv := dec("133.3333333333")
	b.ReportAllocs()
	for b.Loop() {
		_, _ = clv.NetLifetimeValue(ltv, benchCAC)
	}
}

func BenchmarkLTVToCAC(b *testing.B) {
	ltv := dec("133.3333333333")
	b.ReportAllocs()
	for b.Loop() {
		_, _ = clv.LTVToCAC(ltv, benchCAC)
	}
}

func BenchmarkPaybackPeriods(b *testing.B) {
	contribution := dec("20")
	b.ReportAllocs()
	for b.Loop() {
		_, _ = clv.PaybackPeriods(benchCAC, contribution)
	}
}

func BenchmarkChurnRate(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_, _ = clv.ChurnRate(75, 1500)
	}
}

func BenchmarkRetentionRate(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_, _ = clv.RetentionRate(benchChurn.ChurnRate)
	}
}

func BenchmarkLifespanFromChurn(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_, _ = clv.LifespanFromChurn(benchChurn.ChurnRate)
	}
}

func BenchmarkConvertChurn(b *testing.B) {
	for _, tc := range []struct{ from, to clv.Period }{{clv.Month, clv.Year}, {clv.Year, clv.Month}, {clv.Year, clv.Week}} {
		b.Run(fmt.Sprintf("%s_to_%s", tc.from, tc.to), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = clv.ConvertChurn(benchChurn.ChurnRate, tc.from, tc.to)
			}
		})
	}
}

func BenchmarkConvertDiscountRate(b *testing.B) {
	rate := dec("0.1")
	for _, tc := range []struct{ from, to clv.Period }{{clv.Month, clv.Year}, {clv.Year, clv.Month}, {clv.Year, clv.Week}} {
		b.Run(fmt.Sprintf("%s_to_%s", tc.from, tc.to), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = clv.ConvertDiscountRate(rate, tc.from, tc.to)
			}
		})
	}
}

// BenchmarkFormulaChain computes, with the formula functions, the figures
// that BenchmarkCalculate gets from one call: APV, frequency, customer
// value, lifespan, lifetime value of revenue and of profit, net value,
// LTV:CAC and payback. Units are kept by hand: the lifespan in years.
func BenchmarkFormulaChain(b *testing.B) {
	months := decimal.NewFromInt(12)
	retentionPerYear := benchRetention.Mul(months)
	b.ReportAllocs()
	for b.Loop() {
		apv, _ := clv.AveragePurchaseValue(benchWindow.Revenue, benchWindow.Purchases)
		apf, _ := clv.PurchaseFrequency(benchWindow.Purchases, benchWindow.Customers)
		cv, _ := clv.CustomerValue(apv, apf)
		lifespan, _ := clv.LifespanFromChurn(benchChurn.ChurnRate)
		years := lifespan.DivRound(months, clv.DefaultScale)
		ltv, _ := clv.LifetimeValue(cv, years)
		profit, _ := clv.LifetimeValue(cv.Mul(benchMargin), years)
		_, _ = clv.NetLifetimeValue(profit.Sub(retentionPerYear.Mul(years)), benchCAC)
		_, _ = clv.LTVToCAC(profit, benchCAC)
		_, _ = clv.PaybackPeriods(benchCAC, cv.Mul(benchMargin).Sub(retentionPerYear))
		_ = ltv
	}
}

func BenchmarkCalculate(b *testing.B) {
	for _, tc := range []struct {
		name string
		life clv.Lifespan
		opts []clv.Option
	}{
		// the figures of BenchmarkFormulaChain
		{"churn", benchChurn, []clv.Option{clv.WithGrossMargin(benchMargin), clv.WithAcquisitionCost(benchCAC),
			clv.WithRetentionCost(benchRetention, clv.Month)}},
		// discounted in the lifespan's own period: still exact
		{"churn_discounted_monthly", benchChurn, []clv.Option{clv.WithGrossMargin(benchMargin), clv.WithAcquisitionCost(benchCAC),
			clv.WithRetentionCost(benchRetention, clv.Month), clv.WithDiscountRate(dec("0.008"), clv.Month)}},
		// a yearly rate on monthly churn takes a 12th root
		{"churn_discounted_yearly", benchChurn, []clv.Option{clv.WithGrossMargin(benchMargin), clv.WithAcquisitionCost(benchCAC),
			clv.WithRetentionCost(benchRetention, clv.Month), clv.WithDiscountRate(dec("0.1"), clv.Year)}},
		{"fixed_discounted_yearly", clv.Lifespan{Length: dec("3")}, []clv.Option{clv.WithGrossMargin(benchMargin),
			clv.WithAcquisitionCost(benchCAC), clv.WithDiscountRate(dec("0.1"), clv.Year)}},
		{"fixed_36_months_discounted_yearly", clv.Lifespan{Length: dec("36"), Period: clv.Month}, []clv.Option{
			clv.WithGrossMargin(benchMargin), clv.WithAcquisitionCost(benchCAC), clv.WithDiscountRate(dec("0.1"), clv.Year)}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = clv.Calculate(benchWindow, tc.life, tc.opts...)
			}
		})
	}
}

// benchSegments returns n segments with their own totals, churn rates and
// acquisition costs, generated deterministically.
func benchSegments(n int, shared bool) []clv.Segment {
	segments := make([]clv.Segment, n)
	for i := range segments {
		customers := int64(100 + i*7%900)
		churn := decimal.New(int64(100+i*37%900), -4) // 1 % to 10 % a month, mostly distinct
		if shared {
			churn = benchChurn.ChurnRate
		}
		segments[i] = clv.Segment{
			Name: fmt.Sprintf("segment-%04d", i),
			Window: clv.Window{
				Revenue:   decimal.New(customers*(5000+int64(i*131%7000)), -2),
				Purchases: customers * int64(1+i%4),
				Customers: customers,
			},
			Lifespan:        clv.Lifespan{ChurnRate: churn, Period: clv.Month},
			AcquisitionCost: decimal.New(int64(2000+i*53%6000), -2),
		}
	}
	return segments
}

func BenchmarkCalculateSegments(b *testing.B) {
	for _, tc := range []struct {
		name   string
		shared bool
		opts   []clv.Option
	}{
		{"1000_own_lifespans", false, []clv.Option{clv.WithGrossMargin(benchMargin), clv.WithRetentionCost(benchRetention, clv.Month)}},
		{"1000_shared_lifespan", true, []clv.Option{clv.WithGrossMargin(benchMargin), clv.WithRetentionCost(benchRetention, clv.Month)}},
		{"1000_own_lifespans_discounted_yearly", false, []clv.Option{clv.WithGrossMargin(benchMargin),
			clv.WithRetentionCost(benchRetention, clv.Month), clv.WithDiscountRate(dec("0.1"), clv.Year)}},
	} {
		segments := benchSegments(1000, tc.shared)
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = clv.CalculateSegments(segments, tc.opts...)
			}
		})
	}
}

// BenchmarkFitSBG fits the 12 years of Fader and Hardie's regular cohort.
func BenchmarkFitSBG(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := clv.FitSBG(clv.Year, regularCohort); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCalculateCurve prices CLV with a fitted curve for a lifespan,
// beside the same with a churn rate.
func BenchmarkCalculateCurve(b *testing.B) {
	fit, err := clv.FitSBG(clv.Month, simulateCohort(rand.New(rand.NewPCG(1, 1)), 0.7, 3, 10_000, 12))
	if err != nil {
		b.Fatal(err)
	}
	curve := clv.Lifespan{Curve: fit.Model, Length: dec("120"), Period: clv.Month}
	opts := []clv.Option{clv.WithGrossMargin(benchMargin), clv.WithDiscountRate(dec("0.1"), clv.Year), clv.WithAcquisitionCost(benchCAC)}
	for _, tc := range []struct {
		name string
		life clv.Lifespan
	}{
		{"churn", clv.Lifespan{ChurnRate: fit.ConstantChurn, Period: clv.Month}},
		{"curve_120_months", curve},
		{"curve_unbounded", clv.Lifespan{Curve: clv.SBG{Alpha: 2.5, Beta: 8, Period: clv.Month}, Period: clv.Month}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := clv.Calculate(benchWindow, tc.life, opts...); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkDiscountedResidualLifetime(b *testing.B) {
	m := clv.SBG{Alpha: 0.668, Beta: 3.806, Period: clv.Year}
	rate := dec("0.1")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.DiscountedResidualLifetime(3, rate, clv.Year); err != nil {
			b.Fatal(err)
		}
	}
}
