package clv_test

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/clvkit/clv"
	"github.com/shopspring/decimal"
)

// The formula chain by hand, on the source material's numbers. Every step
// keeps one unit, a month, because each function takes what it is given.
func Example() {
	d := decimal.RequireFromString

	// Two purchases, of 340 and 490, average 415.
	apv, _ := clv.AveragePurchaseValue(d("830"), 2)
	// This month 8 customers made 10 purchases.
	apf, _ := clv.PurchaseFrequency(10, 8)
	cv, _ := clv.CustomerValue(apv, apf)
	// 1 % of customers leave each month: they stay 100 months.
	lifespan, _ := clv.LifespanFromChurn(d("0.01"))
	ltv, _ := clv.LifetimeValue(cv, lifespan)
	// 12,000 spent on ads brought 10 new customers.
	cac, _ := clv.AcquisitionCost(d("12000"), 10)
	net, _ := clv.NetLifetimeValue(ltv, cac)
	ratio, _ := clv.LTVToCAC(ltv, cac)
	payback, _ := clv.PaybackPeriods(cac, cv)

	fmt.Println("average purchase value", apv.StringFixed(2))
	fmt.Println("purchase frequency    ", apf.StringFixed(2))
	fmt.Println("customer value        ", cv.StringFixed(2), "a month")
	fmt.Println("lifespan              ", lifespan.StringFixed(0), "months")
	fmt.Println("lifetime value        ", ltv.StringFixed(2))
	fmt.Println("acquisition cost      ", cac.StringFixed(2))
	fmt.Println("net lifetime value    ", net.StringFixed(2))
	fmt.Println("LTV:CAC               ", ratio.StringFixed(2))
	fmt.Println("payback               ", payback.StringFixed(2), "months")
	// Output:
	// average purchase value 415.00
	// purchase frequency     1.25
	// customer value         518.75 a month
	// lifespan               100 months
	// lifetime value         51875.00
	// acquisition cost       1200.00
	// net lifetime value     50675.00
	// LTV:CAC                43.23
	// payback                2.31 months
}

// printResult prints the figures of a Result as a small table.
func printResult(r clv.Result) {
	row := func(name string, v decimal.Decimal, unit string) {
		line := fmt.Sprintf("%-22s %8s", name, v.StringFixed(2))
		if unit != "" {
			line += " " + unit
		}
		fmt.Println(line)
	}
	per := r.Period.String()
	row("average purchase value", r.AveragePurchaseValue, "")
	row("purchase frequency", r.PurchaseFrequency, "a "+per)
	row("customer value", r.CustomerValue, "a "+per)
	row("lifespan", r.Lifespan, per+"s")
	row("lifetime value", r.LifetimeValue, "")
	row("profit lifetime value", r.ProfitLifetimeValue, "")
	row("discounted", r.DiscountedLifetimeValue, "")
	row("acquisition cost", r.AcquisitionCost, "")
	row("retention cost", r.RetentionCost, "")
	row("net lifetime value", r.NetLifetimeValue, "")
	if r.LTVToCAC.Valid {
		row("LTV:CAC", r.LTVToCAC.Decimal, "")
	}
	if r.PaybackPeriods.Valid {
		row("payback", r.PaybackPeriods.Decimal, per+"s")
	}
}

// A subscription business: monthly billing, churn measured each month, a
// yearly cost of capital. Calculate converts the yearly discount rate to
// months, in which value arrives.
func Example_subscriptionBusiness() {
	d := decimal.RequireFromString
	month := clv.Window{
		Revenue:   d("48000"), // 1,200 subscribers at 40 a month
		Purchases: 1200,
		Customers: 1200,
		Period:    clv.Month,
	}
	churn := clv.Lifespan{ChurnRate: d("0.03"), Period: clv.Month}
	r, err := clv.Calculate(month, churn,
		clv.WithGrossMargin(d("0.8")),
		clv.WithDiscountRate(d("0.12"), clv.Year),
		clv.WithAcquisitionCost(d("450")),
		clv.WithRetentionCost(d("2"), clv.Month),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	printResult(r)
	// Output:
	// average purchase value    40.00
	// purchase frequency         1.00 a month
	// customer value            40.00 a month
	// lifespan                  33.33 months
	// lifetime value          1333.33
	// profit lifetime value   1066.67
	// discounted               818.05
	// acquisition cost         450.00
	// retention cost            51.13
	// net lifetime value       316.92
	// LTV:CAC                    1.82
	// payback                   15.00 months
}

// A retail shop: a year of orders, customers who come back for three years
// on average, a thin margin and a cheap acquisition channel.
func Example_retailBusiness() {
	d := decimal.RequireFromString
	year := clv.Window{Revenue: d("250000.00"), Purchases: 6250, Customers: 2500}
	r, err := clv.Calculate(year, clv.Lifespan{Length: d("3"), Period: clv.Year},
		clv.WithGrossMargin(d("0.35")),
		clv.WithDiscountRate(d("0.08"), clv.Year),
		clv.WithAcquisitionCost(d("25")),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	printResult(r)
	// Output:
	// average purchase value    40.00
	// purchase frequency         2.50 a year
	// customer value           100.00 a year
	// lifespan                   3.00 years
	// lifetime value           300.00
	// profit lifetime value    105.00
	// discounted                97.41
	// acquisition cost          25.00
	// retention cost             0.00
	// net lifetime value        72.41
	// LTV:CAC                    3.90
	// payback                    0.71 years
}

func ExampleAveragePurchaseValue() {
	apv, err := clv.AveragePurchaseValue(decimal.RequireFromString("1000.00"), 3)
	fmt.Println(apv.StringFixed(2), err)
	// Output: 333.33 <nil>
}

func ExampleAveragePurchaseValue_zeroPurchases() {
	_, err := clv.AveragePurchaseValue(decimal.RequireFromString("1000.00"), 0)
	fmt.Println(err)
	fmt.Println(errors.Is(err, clv.ErrNonPositive))
	// Output:
	// clv: average purchase value: purchases = 0: must be positive
	// true
}

func ExamplePurchaseFrequency() {
	apf, err := clv.PurchaseFrequency(500000, 200000)
	fmt.Println(apf, err)
	// Output: 2.5 <nil>
}

func ExampleCustomerValue() {
	d := decimal.RequireFromString
	cv, err := clv.CustomerValue(d("10"), d("2.5"))
	fmt.Println(cv, err)
	// Output: 25 <nil>
}

func ExampleLifetimeValue() {
	d := decimal.RequireFromString
	// 25 a year for 1.5 years.
	ltv, err := clv.LifetimeValue(d("25"), d("1.5"))
	fmt.Println(ltv, err)
	// Output: 37.5 <nil>
}

func ExampleAcquisitionCost() {
	cac, err := clv.AcquisitionCost(decimal.RequireFromString("10000"), 250)
	fmt.Println(cac, err)
	// Output: 40 <nil>
}

func ExampleNetLifetimeValue() {
	d := decimal.RequireFromString
	net, err := clv.NetLifetimeValue(d("100"), d("150"))
	fmt.Println(net, err)
	// Output: -50 <nil>
}

func ExampleLTVToCAC() {
	d := decimal.RequireFromString
	ratio, err := clv.LTVToCAC(d("360"), d("120"))
	fmt.Println(ratio, err)
	_, err = clv.LTVToCAC(d("360"), d("0"))
	fmt.Println(err)
	// Output:
	// 3 <nil>
	// clv: LTV to CAC: acquisition cost = 0: must be positive
}

func ExamplePaybackPeriods() {
	d := decimal.RequireFromString
	// 120 to acquire; 40 a month of revenue at 75 % margin.
	months, err := clv.PaybackPeriods(d("120"), d("30"))
	fmt.Println(months, err)
	_, err = clv.PaybackPeriods(d("120"), d("-5"))
	fmt.Println(errors.Is(err, clv.ErrNeverPaysBack))
	// Output:
	// 4 <nil>
	// true
}

func ExampleChurnRate() {
	churn, err := clv.ChurnRate(30, 1200)
	fmt.Println(churn, err)
	// Output: 0.025 <nil>
}

func ExampleRetentionRate() {
	retention, err := clv.RetentionRate(decimal.RequireFromString("0.05"))
	fmt.Println(retention, err)
	// Output: 0.95 <nil>
}

func ExampleLifespanFromChurn() {
	months, err := clv.LifespanFromChurn(decimal.RequireFromString("0.01"))
	fmt.Println(months, err)
	// Output: 100 <nil>
}

func ExampleConvertChurn() {
	d := decimal.RequireFromString
	yearly, _ := clv.ConvertChurn(d("0.01"), clv.Month, clv.Year)
	monthly, _ := clv.ConvertChurn(yearly, clv.Year, clv.Month)
	fmt.Println(yearly, monthly)
	// Output: 0.1136151283 0.01
}

func ExampleConvertDiscountRate() {
	d := decimal.RequireFromString
	yearly, _ := clv.ConvertDiscountRate(d("0.01"), clv.Month, clv.Year)
	monthly, _ := clv.ConvertDiscountRate(d("0.1"), clv.Year, clv.Month)
	fmt.Println(yearly, monthly)
	// Output: 0.1268250301 0.0079741404
}

func ExamplePeriod() {
	// A field left unset is a year.
	var w clv.Window
	fmt.Println(w.Period)

	var cfg struct {
		Churn clv.Period `json:"churn_period"`
	}
	err := json.Unmarshal([]byte(`{"churn_period": "month"}`), &cfg)
	fmt.Println(cfg.Churn, err)
	// Output:
	// year
	// month <nil>
}

func ExamplePeriod_String() {
	fmt.Println(clv.Week, clv.Quarter, clv.Period(7))
	// Output: week quarter Period(7)
}

func ExamplePeriod_MarshalText() {
	text, err := clv.Month.MarshalText()
	fmt.Println(string(text), err)
	_, err = clv.Period(7).MarshalText()
	fmt.Println(err)
	// Output:
	// month <nil>
	// clv: period: period = Period(7): unknown period
}

func ExamplePeriod_UnmarshalText() {
	var p clv.Period
	err := p.UnmarshalText([]byte("Quarter"))
	fmt.Println(p, err)
	err = p.UnmarshalText([]byte("fortnight"))
	fmt.Println(p, err)
	// Output:
	// quarter <nil>
	// quarter clv: period: "fortnight": unknown period
}

func ExampleWindow() {
	w := clv.Window{
		Revenue:   decimal.RequireFromString("5000000"),
		Purchases: 500000,
		Customers: 200000,
		Period:    clv.Year,
	}
	r, _ := clv.Calculate(w, clv.Lifespan{Length: decimal.RequireFromString("1.5")})
	fmt.Println(r.AveragePurchaseValue, r.PurchaseFrequency, r.CustomerValue, r.LifetimeValue)
	// Output: 10 2.5 25 37.5
}

func ExampleWindow_Equal() {
	a := clv.Window{Revenue: decimal.RequireFromString("100"), Purchases: 4, Customers: 2}
	b := clv.Window{Revenue: decimal.RequireFromString("100.00"), Purchases: 4, Customers: 2, Period: clv.Year}
	fmt.Println(a.Equal(b))
	// Output: true
}

// The same average lifespan, three ways. Undiscounted they are worth the
// same; discounted, a churn-based life is worth less, and monthly value
// discounts a little more than yearly value arriving up front.
func ExampleLifespan() {
	d := decimal.RequireFromString
	w := clv.Window{Revenue: d("1200"), Purchases: 12, Customers: 1}
	for _, life := range []clv.Lifespan{
		{Length: d("3"), Period: clv.Year},
		{Length: d("36"), Period: clv.Month},
		{ChurnRate: d("0.25"), Period: clv.Quarter}, // 4 quarters on average
	} {
		r, _ := clv.Calculate(w, life, clv.WithDiscountRate(d("0.1"), clv.Year))
		fmt.Println(r.Lifespan.StringFixed(2), r.LifetimeValue.StringFixed(2), r.DiscountedLifetimeValue.StringFixed(2))
	}
	// Output:
	// 3.00 3600.00 3282.64
	// 3.00 3600.00 3143.51
	// 1.00 1200.00 1120.83
}

func ExampleLifespan_Equal() {
	a := clv.Lifespan{ChurnRate: decimal.RequireFromString("0.05"), Period: clv.Month}
	b := clv.Lifespan{ChurnRate: decimal.RequireFromString("0.050"), Period: clv.Month}
	fmt.Println(a.Equal(b), a.Equal(clv.Lifespan{ChurnRate: decimal.RequireFromString("0.05")}))
	// Output: true false
}

func ExampleResult() {
	r, _ := clv.Calculate(
		clv.Window{Revenue: decimal.RequireFromString("120000"), Purchases: 4800, Customers: 1500},
		clv.Lifespan{ChurnRate: decimal.RequireFromString("0.05"), Period: clv.Month},
		clv.WithAcquisitionCost(decimal.RequireFromString("60")),
		clv.WithScale(2),
	)
	out, _ := json.MarshalIndent(r, "", "  ")
	fmt.Println(string(out))
	// Output:
	// {
	//   "period": "year",
	//   "average_purchase_value": "25",
	//   "purchase_frequency": "3.2",
	//   "customer_value": "80",
	//   "lifespan": "1.67",
	//   "lifetime_value": "133.33",
	//   "profit_lifetime_value": "133.33",
	//   "discounted_lifetime_value": "133.33",
	//   "acquisition_cost": "60",
	//   "retention_cost": "0",
	//   "net_lifetime_value": "73.33",
	//   "ltv_to_cac": "2.22",
	//   "payback_periods": "0.75"
	// }
}

func ExampleResult_Equal() {
	w := clv.Window{Revenue: decimal.RequireFromString("900"), Purchases: 30, Customers: 10}
	years, _ := clv.Calculate(w, clv.Lifespan{Length: decimal.RequireFromString("2")})
	months, _ := clv.Calculate(w, clv.Lifespan{Length: decimal.RequireFromString("24"), Period: clv.Month})
	fmt.Println(years.Equal(months))
	// Output: true
}

func ExampleCalculate() {
	d := decimal.RequireFromString
	// A year of sales: 120,000 from 4,800 orders by 1,500 customers, who
	// leave at 5 % a month.
	w := clv.Window{Revenue: d("120000"), Purchases: 4800, Customers: 1500, Period: clv.Year}
	life := clv.Lifespan{ChurnRate: d("0.05"), Period: clv.Month}
	r, err := clv.Calculate(w, life, clv.WithGrossMargin(d("0.4")), clv.WithScale(2))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("customer value:", r.CustomerValue, "a year")
	fmt.Println("lifespan:", r.Lifespan, "years (20 months)")
	fmt.Println("lifetime value:", r.LifetimeValue)
	fmt.Println("profit:", r.ProfitLifetimeValue)
	// Output:
	// customer value: 80 a year
	// lifespan: 1.67 years (20 months)
	// lifetime value: 133.33
	// profit: 53.33
}

func ExampleOption() {
	d := decimal.RequireFromString
	opts := []clv.Option{
		clv.WithGrossMargin(d("0.6")),
		clv.WithDiscountRate(d("0.1"), clv.Year),
		clv.WithScale(2),
	}
	w := clv.Window{Revenue: d("1000"), Purchases: 10, Customers: 10}
	r, _ := clv.Calculate(w, clv.Lifespan{Length: d("2")}, opts...)
	fmt.Println(r.LifetimeValue, r.ProfitLifetimeValue, r.DiscountedLifetimeValue)
	// Output: 200 120 114.55
}

func ExampleWithGrossMargin() {
	d := decimal.RequireFromString
	w := clv.Window{Revenue: d("1000"), Purchases: 10, Customers: 10}
	r, _ := clv.Calculate(w, clv.Lifespan{Length: d("3")}, clv.WithGrossMargin(d("0.25")))
	fmt.Println(r.LifetimeValue, r.ProfitLifetimeValue)
	// Output: 300 75
}

func ExampleWithDiscountRate() {
	d := decimal.RequireFromString
	w := clv.Window{Revenue: d("100"), Purchases: 1, Customers: 1}
	// 100 a year for 3 years, the first at once: 100 + 100/1.1 + 100/1.21.
	r, _ := clv.Calculate(w, clv.Lifespan{Length: d("3")}, clv.WithDiscountRate(d("0.1"), clv.Year), clv.WithScale(2))
	fmt.Println(r.DiscountedLifetimeValue)
	// Output: 273.55
}

func ExampleWithAcquisitionCost() {
	d := decimal.RequireFromString
	w := clv.Window{Revenue: d("100"), Purchases: 1, Customers: 1}
	r, _ := clv.Calculate(w, clv.Lifespan{Length: d("3")}, clv.WithAcquisitionCost(d("75")), clv.WithScale(2))
	fmt.Println(r.NetLifetimeValue, r.LTVToCAC.Decimal, r.PaybackPeriods.Decimal)
	// Output: 225 4 0.75
}

func ExampleWithRetentionCost() {
	d := decimal.RequireFromString
	w := clv.Window{Revenue: d("100"), Purchases: 1, Customers: 1}
	// 2 a month of support is 24 a year, over 3 years.
	r, _ := clv.Calculate(w, clv.Lifespan{Length: d("3")}, clv.WithRetentionCost(d("2"), clv.Month))
	fmt.Println(r.RetentionCost, r.NetLifetimeValue)
	// Output: 72 228
}

func ExampleWithScale() {
	d := decimal.RequireFromString
	w := clv.Window{Revenue: d("100"), Purchases: 3, Customers: 3}
	life := clv.Lifespan{Length: d("1")}
	precise, _ := clv.Calculate(w, life)
	cents, _ := clv.Calculate(w, life, clv.WithScale(2))
	fmt.Println(precise.CustomerValue, cents.CustomerValue)
	// Output: 33.3333333333 33.33
}

func ExampleSegment() {
	d := decimal.RequireFromString
	s := clv.Segment{
		Name:            "newsletter",
		Window:          clv.Window{Revenue: d("36000"), Purchases: 900, Customers: 300},
		Lifespan:        clv.Lifespan{ChurnRate: d("0.2")},
		AcquisitionCost: d("15"),
	}
	r, _ := clv.CalculateSegments([]clv.Segment{s})
	fmt.Println(r.Segments[0].Result.LifetimeValue, r.Segments[0].Result.LTVToCAC.Decimal)
	// Output: 600 40
}

func ExampleSegment_Equal() {
	d := decimal.RequireFromString
	a := clv.Segment{Name: "web", Window: clv.Window{Revenue: d("10"), Purchases: 1, Customers: 1}, Lifespan: clv.Lifespan{Length: d("1")}}
	b := a
	b.AcquisitionCost = d("0.00")
	fmt.Println(a.Equal(b))
	// Output: true
}

func ExampleCalculateSegments() {
	d := decimal.RequireFromString
	segments := []clv.Segment{
		{Name: "search", Window: clv.Window{Revenue: d("60000"), Purchases: 2500, Customers: 1000},
			Lifespan: clv.Lifespan{Length: d("2")}, AcquisitionCost: d("40")},
		{Name: "referral", Window: clv.Window{Revenue: d("20000"), Purchases: 500, Customers: 250},
			Lifespan: clv.Lifespan{ChurnRate: d("0.25")}, AcquisitionCost: d("10")},
	}
	r, err := clv.CalculateSegments(segments, clv.WithScale(2))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range r.Segments {
		fmt.Printf("%-8s rank %d  CLV %7s  customers %s  value %s\n", s.Name, s.Rank,
			s.Result.LifetimeValue.StringFixed(2), s.CustomerShare.StringFixed(2), s.ValueShare.StringFixed(2))
	}
	fmt.Printf("%-8s         CLV %7s  LTV:CAC %s\n", "all", r.Blended.LifetimeValue.StringFixed(2), r.Blended.LTVToCAC.Decimal.StringFixed(2))
	// Output:
	// search   rank 2  CLV  120.00  customers 0.80  value 0.60
	// referral rank 1  CLV  320.00  customers 0.20  value 0.40
	// all              CLV  160.00  LTV:CAC 4.71
}

func ExampleSegmentResult() {
	d := decimal.RequireFromString
	w := clv.Window{Revenue: d("100"), Purchases: 2, Customers: 2}
	r, _ := clv.CalculateSegments([]clv.Segment{
		{Name: "short", Window: w, Lifespan: clv.Lifespan{Length: d("1")}},
		{Name: "long", Window: w, Lifespan: clv.Lifespan{Length: d("3")}},
	})
	for _, s := range r.Segments {
		fmt.Println(s.Name, s.Rank, s.CustomerShare, s.ValueShare)
	}
	// Output:
	// short 2 0.5 0.25
	// long 1 0.5 0.75
}

func ExampleSegmentResult_Equal() {
	d := decimal.RequireFromString
	w := clv.Window{Revenue: d("100"), Purchases: 2, Customers: 2}
	a, _ := clv.CalculateSegments([]clv.Segment{{Name: "x", Window: w, Lifespan: clv.Lifespan{Length: d("1")}}})
	b, _ := clv.CalculateSegments([]clv.Segment{{Name: "x", Window: w, Lifespan: clv.Lifespan{Length: d("12"), Period: clv.Month}}})
	fmt.Println(a.Segments[0].Equal(b.Segments[0]))
	// Output: true
}

// The blend of segments that share a lifespan is the calculation on their
// totals.
func ExampleSegmentReport() {
	d := decimal.RequireFromString
	life := clv.Lifespan{ChurnRate: d("0.3")}
	r, _ := clv.CalculateSegments([]clv.Segment{
		{Name: "east", Window: clv.Window{Revenue: d("7000"), Purchases: 90, Customers: 70}, Lifespan: life},
		{Name: "west", Window: clv.Window{Revenue: d("3000"), Purchases: 40, Customers: 30}, Lifespan: life},
	})
	whole, _ := clv.Calculate(r.Total, life)
	fmt.Println(r.Total.Revenue, r.Total.Purchases, r.Total.Customers)
	fmt.Println(r.Blended.LifetimeValue, r.Blended.Equal(whole))
	// Output:
	// 10000 130 100
	// 333.3333333333 true
}

func ExampleSegmentReport_Equal() {
	d := decimal.RequireFromString
	s := []clv.Segment{{Name: "x", Window: clv.Window{Revenue: d("10"), Purchases: 1, Customers: 1}, Lifespan: clv.Lifespan{Length: d("2")}}}
	a, _ := clv.CalculateSegments(s)
	b, _ := clv.CalculateSegments(s, clv.WithGrossMargin(d("0.5")))
	fmt.Println(a.Equal(a), a.Equal(b))
	// Output: true false
}
