package btyd_test

import (
	"errors"
	"math"
	"testing"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
)

// rateModels are the continuous models the rate forecast is held to a slow
// evaluation with: the CDNOW fits, and Pareto/NBDs about the closed
// form's special points (s = 1, where E[X] is logarithmic, s = 2, where
// (1 − c) L vanishes, s below 1 and above 3) and a short β.
var rateModels = []struct {
	name string
	m    btyd.PurchaseModel
}{
	{"BG/NBD CDNOW", btyd.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}},
	{"BG/NBD short alpha", btyd.BGNBD{R: 2, Alpha: 0.3, A: 2, B: 13}},
	{"BG/NBD a = 1", btyd.BGNBD{R: 0.5, Alpha: 12, A: 1, B: 3}},
	{"MBG/NBD", btyd.MBGNBD{R: 0.525, Alpha: 6.183, A: 0.891, B: 1.614}},
	{"Pareto/NBD CDNOW", btyd.ParetoNBD{R: 0.553, Alpha: 10.578, S: 0.606, Beta: 11.669}},
	{"Pareto/NBD s = 1", btyd.ParetoNBD{R: 1, Alpha: 5, S: 1, Beta: 20}},
	{"Pareto/NBD s = 2", btyd.ParetoNBD{R: 1, Alpha: 5, S: 2, Beta: 20}},
	{"Pareto/NBD s near 1", btyd.ParetoNBD{R: 1, Alpha: 5, S: 1 + 1e-9, Beta: 20}},
	{"Pareto/NBD s = 3.5", btyd.ParetoNBD{R: 3, Alpha: 2, S: 3.5, Beta: 1}},
	{"Pareto/NBD short beta", btyd.ParetoNBD{R: 0.5, Alpha: 3, S: 0.4, Beta: 0.01}},
	{"Pareto/NBD long beta", btyd.ParetoNBD{R: 0.5, Alpha: 3, S: 5, Beta: 1e5}},
}

// slowIntegral integrates f over [a, b] by Simpson's rule adaptively,
// halving each piece until its two halves agree with it to tol of the
// whole: slow and obviously correct for a smooth f.
func slowIntegral(t *testing.T, f func(float64) float64, a, b, tol float64) float64 {
	t.Helper()
	simpson := func(a, b, fa, fm, fb float64) float64 { return (b - a) / 6 * (fa + 4*fm + fb) }
	var rec func(a, b, fa, fm, fb, whole float64, depth int) float64
	rec = func(a, b, fa, fm, fb, whole float64, depth int) float64 {
		m := (a + b) / 2
		lm, rm := f((a+m)/2), f((m+b)/2)
		left, right := simpson(a, m, fa, lm, fm), simpson(m, b, fm, rm, fb)
		if depth > 40 || math.Abs(left+right-whole) <= 15*tol {
			return left + right + (left+right-whole)/15
		}
		return rec(a, m, fa, lm, fm, left, depth+1) + rec(m, b, fm, rm, fb, right, depth+1)
	}
	fa, fm, fb := f(a), f((a+b)/2), f(b)
	whole := simpson(a, b, fa, fm, fb)
	return rec(a, b, fa, fm, fb, whole, 0)
}

// Every period's purchases are rate times the mean of a new customer's
// expected purchases over it, as a slow adaptive Simpson rule over
// ExpectedPurchases has it, to 10^−10, for every model, in weekly and
// monthly periods of a model in weeks; and the revenue is the purchases
// times the mean spend, rounded once.
func TestNewCustomerRateForecastSlow(t *testing.T) {
	g := btyd.GammaGamma{P: 6, Q: 4, Gamma: 15} // mean spend 30
	const rate = 250.0
	for _, tc := range rateModels {
		for _, h := range []btyd.Horizon{{Length: 10, Period: clv.Week}, {Length: 24, Period: clv.Month}} {
			f, err := btyd.NewCustomerRateForecast(tc.m, g, clv.Week, rate, h)
			if err != nil || len(f) != h.Length {
				t.Fatalf("%s %v: %v, %v", tc.name, h, len(f), err)
			}
			days := map[clv.Period]float64{clv.Week: 7, clv.Month: 30.4375}[h.Period]
			P := days / 7
			e := func(u float64) float64 {
				v, err := tc.m.ExpectedPurchases(u)
				if err != nil {
					t.Fatal(err)
				}
				return v
			}
			for k, p := range f {
				lo, hi := float64(k)*P, float64(k+1)*P
				scale := e(hi) * P
				want := rate * slowIntegral(t, e, lo, hi, 1e-14*scale) / P
				if math.Abs(p.Purchases-want) > 1e-10*want {
					t.Errorf("%s %v: period %d: %.15g purchases; slow %.15g (%.1e)", tc.name, h, k+1, p.Purchases, want, p.Purchases/want-1)
				}
				if p.Acquired != rate {
					t.Errorf("%s: period %d: acquired %v", tc.name, k+1, p.Acquired)
				}
				if r := decimal.NewFromFloat(p.Purchases * 30).Round(clv.DefaultScale); !p.Revenue.Equal(r) {
					t.Errorf("%s: period %d: revenue %v; want %v", tc.name, k+1, p.Revenue, r)
				}
			}
		}
	}
}

// A period's purchases lie between those of the cohorts won at its start
// and at its end, rate · E[X((k − 1)P)] and rate · E[X(kP)], and rise
// from period to period, as a new customer's expected purchases rise.
func TestNewCustomerRateForecastBracket(t *testing.T) {
	g := btyd.FlatSpend{Amount: decimal.NewFromInt(10)}
	for _, tc := range rateModels {
		h := btyd.Horizon{Length: 20, Period: clv.Quarter}
		f, err := btyd.NewCustomerRateForecast(tc.m, g, clv.Month, 40, h)
		if err != nil {
			t.Fatal(tc.name, err)
		}
		for k, p := range f {
			lo, _ := tc.m.ExpectedPurchases(3 * float64(k))
			hi, _ := tc.m.ExpectedPurchases(3 * float64(k+1))
			if p.Purchases < 40*lo*(1-1e-12) || p.Purchases > 40*hi*(1+1e-12) {
				t.Errorf("%s: period %d: %v purchases, not within [%v, %v]", tc.name, k+1, p.Purchases, 40*lo, 40*hi)
			}
			if k > 0 && p.Purchases < f[k-1].Purchases*(1-1e-12) {
				t.Errorf("%s: period %d: %v purchases, below the period before's %v", tc.name, k+1, p.Purchases, f[k-1].Purchases)
			}
		}
	}
}

// The rate forecast is the limit of NewCustomerForecast's cohorts won at
// the start of ever shorter periods. Customers won at 16 a day over some
// three years, in cohorts each quarter, month or week (1,461, 487 and 112
// of them), make more purchases than the same customers won evenly, as
// each cohort is won half a period early on average: an excess that falls
// towards 0 with the period, to below 0.7 % with weeks, for every model.
// Where a new customer's purchases bend slowly beside a quarter (α and β
// of a month or more), the excess falls in proportion to the period
// (4.35 times from months to weeks), and its Richardson extrapolation to
// periods of no length, the counts' limit, is within 5 % of the weekly
// excess of the rate form.
func TestNewCustomerRateForecastLimitOfCounts(t *testing.T) {
	g := btyd.FlatSpend{Amount: decimal.NewFromInt(1)}
	slow := map[string]bool{"BG/NBD CDNOW": true, "BG/NBD a = 1": true, "MBG/NBD": true, "Pareto/NBD CDNOW": true,
		"Pareto/NBD s = 1": true, "Pareto/NBD s near 1": true, "Pareto/NBD long beta": true}
	for _, tc := range rateModels {
		var excess []float64
		for _, c := range []struct {
			period clv.Period
			n      int
			days   float64
		}{{clv.Quarter, 12, 91.3125}, {clv.Month, 36, 30.4375}, {clv.Week, 156, 7}} {
			h := btyd.Horizon{Length: c.n, Period: c.period}
			rate, err := btyd.NewCustomerRateForecast(tc.m, g, clv.Week, 16*c.days, h)
			if err != nil {
				t.Fatal(tc.name, err)
			}
			acquired := make([]int64, c.n)
			for j := range acquired {
				acquired[j] = int64(16 * c.days)
			}
			counts, err := btyd.NewCustomerForecast(tc.m, g, clv.Week, acquired, h)
			if err != nil {
				t.Fatal(tc.name, err)
			}
			var even, cohorts float64
			for k := range rate {
				even += rate[k].Purchases
				cohorts += counts[k].Purchases
			}
			excess = append(excess, cohorts/even-1)
		}
		q, m, w := excess[0], excess[1], excess[2]
		if !(q > m && m > w && w > 0 && w < 0.007) {
			t.Errorf("%s: the cohorts' excess over the rate form, quarterly %.3g, monthly %.3g, weekly %.3g: not falling to 0", tc.name, q, m, w)
		}
		r := 30.4375 / 7
		if limit := (r*w - m) / (r - 1); slow[tc.name] && (math.Abs(m/w-r) > 0.02*r || math.Abs(limit) > 0.05*w) {
			t.Errorf("%s: monthly excess %.4g, %.3f times the weekly %.4g; want about %.3f, and a limit %.2g near 0", tc.name, m, m/w, w, r, limit)
		}
	}
}

// BG/BB's rate forecast is the counts' forecast with the rate at every
// opportunity, and at opportunity k rate times a new customer's expected
// purchases in the k − 1 before.
func TestDiscreteNewCustomerRateForecast(t *testing.T) {
	m := btyd.BGBB{Alpha: 1.204, Beta: 0.750, Gamma: 0.657, Delta: 2.783}
	g := btyd.FlatSpend{Amount: decimal.NewFromInt(50)}
	h := btyd.Horizon{Length: 3, Period: clv.Year}
	f, err := btyd.DiscreteNewCustomerRateForecast(m, g, clv.Quarter, 200, h)
	if err != nil || len(f) != 12 {
		t.Fatalf("%d, %v", len(f), err)
	}
	acquired := make([]int64, 12)
	for j := range acquired {
		acquired[j] = 200
	}
	counts, err := btyd.DiscreteNewCustomerForecast(m, g, clv.Quarter, acquired, h)
	if err != nil {
		t.Fatal(err)
	}
	for k, p := range f {
		e, _ := m.ExpectedPurchases(int64(k))
		if math.Abs(p.Purchases-200*e) > 1e-13*max(200*e, 1) || math.Abs(p.Purchases-counts[k].Purchases) > 1e-12*max(p.Purchases, 1) {
			t.Errorf("opportunity %d: %.15g purchases; 200 E[X(%d)] = %.15g, the counts' %.15g", k+1, p.Purchases, k, 200*e, counts[k].Purchases)
		}
		if want := decimal.NewFromFloat(p.Purchases * 50).Round(clv.DefaultScale); !p.Revenue.Equal(want) || p.Acquired != 200 {
			t.Errorf("opportunity %d: revenue %v, acquired %v; want %v", k+1, p.Revenue, p.Acquired, want)
		}
	}
	// Half a customer a year is a rate too.
	half, err := btyd.DiscreteNewCustomerRateForecast(m, g, clv.Year, 0.5, h)
	if err != nil {
		t.Fatal(err)
	}
	if e, _ := m.ExpectedPurchases(2); math.Abs(half[2].Purchases-0.5*e) > 1e-15 {
		t.Errorf("year 3: %v purchases; want %v", half[2].Purchases, 0.5*e)
	}
}

// Each refusal of the rate forecasts wraps its sentinel.
func TestNewCustomerRateForecastErrors(t *testing.T) {
	bg := btyd.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	bb := btyd.BGBB{Alpha: 1.204, Beta: 0.750, Gamma: 0.657, Delta: 2.783}
	flat := btyd.FlatSpend{Amount: decimal.NewFromInt(1)}
	year := btyd.Horizon{Length: 1, Period: clv.Year}
	cont := func(m btyd.PurchaseModel, g btyd.SpendModel, rate float64, h btyd.Horizon) func() error {
		return func() error { _, err := btyd.NewCustomerRateForecast(m, g, clv.Week, rate, h); return err }
	}
	disc := func(g btyd.SpendModel, rate float64, h btyd.Horizon) func() error {
		return func() error { _, err := btyd.DiscreteNewCustomerRateForecast(bb, g, clv.Month, rate, h); return err }
	}
	for _, tc := range []struct {
		name string
		want error
		f    func() error
	}{
		{"nil model", clv.ErrMissing, cont(nil, flat, 1, year)},
		{"nil spend", clv.ErrMissing, cont(bg, nil, 1, year)},
		{"bad model", clv.ErrNonPositive, cont(btyd.BGNBD{R: 1, Alpha: 0, A: 1, B: 1}, flat, 1, year)},
		{"bad spend", clv.ErrNegative, cont(bg, btyd.FlatSpend{Amount: decimal.NewFromInt(-1)}, 1, year)},
		{"negative rate", clv.ErrNegative, cont(bg, flat, -1, year)},
		{"NaN rate", clv.ErrOutOfRange, cont(bg, flat, math.NaN(), year)},
		{"infinite rate", clv.ErrOutOfRange, cont(bg, flat, math.Inf(1), year)},
		{"huge rate", clv.ErrOutOfRange, cont(bg, flat, 2e12, year)},
		{"no horizon", clv.ErrNonPositive, cont(bg, flat, 1, btyd.Horizon{Length: 0, Period: clv.Year})},
		{"unknown period", clv.ErrUnknownPeriod, cont(bg, flat, 1, btyd.Horizon{Length: 1, Period: clv.Period(9)})},
		{"past 1000 years", clv.ErrOutOfRange, cont(bg, flat, 1, btyd.Horizon{Length: 1001, Period: clv.Year})},
		{"too many terms", clv.ErrOutOfRange, cont(btyd.BGNBD{R: 1, Alpha: 0.01, A: 1, B: 1}, flat, 1, btyd.Horizon{Length: 1000, Period: clv.Week})},
		{"discrete bad model", clv.ErrNonPositive, func() error {
			_, err := btyd.DiscreteNewCustomerRateForecast(btyd.BGBB{}, flat, clv.Month, 1, year)
			return err
		}},
		{"discrete nil spend", clv.ErrMissing, disc(nil, 1, year)},
		{"discrete negative rate", clv.ErrNegative, disc(flat, -0.5, year)},
		{"discrete short horizon", clv.ErrInconsistent, disc(flat, 1, btyd.Horizon{Length: 1, Period: clv.Week})},
		{"discrete unknown period", clv.ErrUnknownPeriod, func() error {
			_, err := btyd.DiscreteNewCustomerRateForecast(bb, flat, clv.Period(9), 1, year)
			return err
		}},
	} {
		if err := tc.f(); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v; want %v", tc.name, err, tc.want)
		}
	}
	// Zero customers a period make no purchases.
	f, err := btyd.NewCustomerRateForecast(bg, flat, clv.Week, 0, year)
	if err != nil || f[0].Purchases != 0 || !f[0].Revenue.IsZero() {
		t.Errorf("rate 0: %v, %v", f, err)
	}
}

// FuzzNewCustomerRateForecast: any parameters, rate and horizon give an
// error or periods of finite, non-negative purchases, within the bracket
// of the cohorts won at each period's start and end; never a panic.
func FuzzNewCustomerRateForecast(f *testing.F) {
	f.Add(0.243, 4.414, 0.793, 2.426, 100.0, 12, uint8(1))
	f.Add(1.0, 5.0, 1.0, 20.0, 1e12, 39, uint8(3))
	f.Add(1e-10, 1e10, 1e10, 1e-10, 0.5, 1, uint8(0))
	f.Add(1e10, 1e-10, 1e-10, 1e10, 1e-300, 52, uint8(2))
	f.Fuzz(func(t *testing.T, r, alpha, a, b, rate float64, length int, period uint8) {
		h := btyd.Horizon{Length: length % 40, Period: clv.Period(period % 5)}
		g := btyd.FlatSpend{Amount: decimal.NewFromInt(3)}
		for _, m := range []btyd.PurchaseModel{
			btyd.BGNBD{R: r, Alpha: alpha, A: a, B: b},
			btyd.MBGNBD{R: r, Alpha: alpha, A: a, B: b},
			btyd.ParetoNBD{R: r, Alpha: alpha, S: a, Beta: b},
		} {
			out, err := btyd.NewCustomerRateForecast(m, g, clv.Week, rate, h)
			if err != nil {
				continue
			}
			if len(out) != h.Length {
				t.Fatalf("%T: %d periods; want %d", m, len(out), h.Length)
			}
			days := map[clv.Period]float64{clv.Week: 7, clv.Month: 30.4375, clv.Quarter: 91.3125, clv.Year: 365.25}[h.Period]
			for k, p := range out {
				if math.IsNaN(p.Purchases) || math.IsInf(p.Purchases, 0) || p.Purchases < 0 {
					t.Fatalf("%T %+v: period %d: %v purchases", m, m, k+1, p.Purchases)
				}
				if k > 3 {
					continue // the bracket's own evaluations cost as much again
				}
				lo, err1 := m.ExpectedPurchases(float64(k) * days / 7)
				hi, err2 := m.ExpectedPurchases(float64(k+1) * days / 7)
				if err1 == nil && err2 == nil && (p.Purchases < rate*lo*(1-1e-9)-1e-300 || p.Purchases > rate*hi*(1+1e-9)+1e-300) {
					t.Fatalf("%T %+v: period %d: %v purchases, not within [%v, %v]", m, m, k+1, p.Purchases, rate*lo, rate*hi)
				}
			}
		}
		bb := btyd.BGBB{Alpha: r, Beta: alpha, Gamma: a, Delta: b}
		out, err := btyd.DiscreteNewCustomerRateForecast(bb, g, clv.Month, rate, h)
		if err != nil {
			return
		}
		for k, p := range out {
			if math.IsNaN(p.Purchases) || math.IsInf(p.Purchases, 0) || p.Purchases < 0 || p.Purchases > rate*float64(k)*(1+1e-12) {
				t.Fatalf("BG/BB %+v: opportunity %d: %v purchases", bb, k+1, p.Purchases)
			}
		}
	})
}
