package clv_test

import (
	"encoding/json"
	"fmt"

	"github.com/clvkit/clv"
	"github.com/shopspring/decimal"
)

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
