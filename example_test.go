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
