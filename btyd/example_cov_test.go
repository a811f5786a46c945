package btyd_test

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
	"gonum.org/v1/gonum/stat/distuv"
)

// appShop simulates 6,000 customers of a shop, observed for 52 weeks
// each, a third of them won by its app (z = 1) and the rest by email
// (z = 0), from the Pareto/NBD model with covariates: app customers buy
// exp(0.4) = 1.49 times as often and drop out exp(−0.5) = 0.61 times as
// fast.
func appShop() []btyd.CovariateHistory {
	shop := btyd.ParetoNBDCov{
		Base:     btyd.ParetoNBD{R: 1.2, Alpha: 8, S: 0.8, Beta: 12},
		Purchase: []float64{0.4},
		Dropout:  []float64{-0.5},
	}
	rng := rand.New(rand.NewPCG(21, 1))
	var out []btyd.CovariateHistory
	for i := range 6_000 {
		z := []float64{float64(i % 3 / 2)} // 0, 0, 1, …
		m, _ := shop.For(z)
		src := rand.NewPCG(rng.Uint64(), rng.Uint64())
		rate := distuv.Gamma{Alpha: m.R, Beta: m.Alpha, Src: src}.Rand()
		life := rng.ExpFloat64() / distuv.Gamma{Alpha: m.S, Beta: m.Beta, Src: src}.Rand()
		h := btyd.History{T: 52, Weight: 1}
		for t := rng.ExpFloat64() / rate; t <= min(life, 52); t += rng.ExpFloat64() / rate {
			h.X, h.Tx = h.X+1, t
		}
		out = append(out, btyd.CovariateHistory{History: h, Z: z})
	}
	return out
}

func ExampleFitParetoNBDCov() {
	fit, err := btyd.FitParetoNBDCov(appShop())
	if err != nil {
		fmt.Println(err)
		return
	}
	m, se := fit.Model, fit.StdErr
	fmt.Printf("r %.2f, alpha %.1f, s %.2f, beta %.1f\n", m.Base.R, m.Base.Alpha, m.Base.S, m.Base.Beta)
	fmt.Printf("app: purchase %.2f ± %.2f (× %.2f purchase rate), drop-out %.2f ± %.2f (× %.2f drop-out rate)\n",
		m.Purchase[0], se.Purchase[0], math.Exp(m.Purchase[0]), m.Dropout[0], se.Dropout[0], math.Exp(m.Dropout[0]))
	fmt.Printf("against no covariates: χ² = %.1f on %d df, p = %.1e\n", fit.Test.Statistic, fit.Test.DF, fit.Test.PValue)
	// Output:
	// r 1.31, alpha 8.7, s 0.79, beta 10.8
	// app: purchase 0.33 ± 0.03 (× 1.39 purchase rate), drop-out -0.47 ± 0.06 (× 0.63 drop-out rate)
	// against no covariates: χ² = 196.5 on 2 df, p = 2.2e-43
}

// CLVTools' fit to its apparel data (Meierer et al. 2026, section 6.4.1):
// a woman (gender 1) won offline (channel 1) buys more often and leaves
// sooner than a man won online, the reference.
func ExampleParetoNBDCov_For() {
	apparel := btyd.ParetoNBDCov{
		Base:     btyd.ParetoNBD{R: 1.8378, Alpha: 92.9123, S: 0.5920, Beta: 49.6227},
		Purchase: []float64{0.2859, 0.6241},
		Dropout:  []float64{-0.6430, 0.7907},
	}
	for _, z := range [][]float64{{0, 0}, {1, 1}} {
		m, err := apparel.For(z)
		if err != nil {
			fmt.Println(err)
			return
		}
		rate, _ := m.ExpectedPurchases(52)
		alive, _ := m.ProbAlive(3, 40, 100)
		fmt.Printf("z = %v: alpha %.2f, beta %.2f, %.2f purchases in a year, P(alive | 3 by week 40 of 100) %.3f\n", z, m.Alpha, m.Beta, rate, alive)
	}
	_, err := apparel.For([]float64{1})
	fmt.Println(err)
	// Output:
	// z = [0 0]: alpha 92.91, beta 49.62, 0.82 purchases in a year, P(alive | 3 by week 40 of 100) 0.485
	// z = [1 1]: alpha 37.40, beta 42.81, 1.98 purchases in a year, P(alive | 3 by week 40 of 100) 0.313
	// btyd: Pareto/NBD with covariates: z has 1 covariates: clv: inconsistent: purchase has 2 coefficients
}

// A category of three levels is two indicators against a reference
// level: here channel email (the reference), app, or store.
func ExampleCovariateHistory() {
	indicators := map[string][]float64{"email": {0, 0}, "app": {1, 0}, "store": {0, 1}}
	h := btyd.CovariateHistory{History: btyd.History{X: 4, Tx: 30.5, T: 52, Weight: 1}, Z: indicators["store"]}
	out, _ := json.Marshal(h)
	fmt.Println(string(out))
	// Output:
	// {"x":4,"t_x":30.5,"t":52,"weight":1,"z":[0,1]}
}

func ExampleLikelihoodRatio() {
	fit, err := btyd.FitParetoNBDCov(appShop())
	if err != nil {
		fmt.Println(err)
		return
	}
	t := fit.Test
	fmt.Printf("LL %.1f against %.1f without covariates\n", fit.Stats.LogLikelihood, t.NullLogLikelihood)
	fmt.Printf("2 × %.2f = %.1f on %d df: p = %.1e\n", fit.Stats.LogLikelihood-t.NullLogLikelihood, t.Statistic, t.DF, t.PValue)
	// Output:
	// LL -70638.4 against -70736.6 without covariates
	// 2 × 98.24 = 196.5 on 2 df: p = 2.2e-43
}

// One coefficient for the app in both processes: a customer won by the
// app scales both rates alike, which these data, where it raises one and
// lowers the other, refuse.
func ExampleWithSameCoefficients() {
	h := appShop()
	free, _ := btyd.FitParetoNBDCov(h)
	same, err := btyd.FitParetoNBDCov(h, btyd.WithSameCoefficients(0))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(same.Stats.Parameters)
	fmt.Printf("both %.2f ± %.2f\n", same.Model.Purchase[0], same.StdErr.Purchase[0])
	fmt.Printf("LL %.1f, free %.1f\n", same.Stats.LogLikelihood, free.Stats.LogLikelihood)
	// Output:
	// [r alpha s beta both[0]]
	// both 0.21 ± 0.03
	// LL -70713.4, free -70638.4
}

// An L2 penalty pulls the coefficients towards zero, the more the larger
// λ.
func ExampleWithPenalty() {
	h := appShop()
	for _, lambda := range []float64{0, 100, 1000} {
		fit, err := btyd.FitParetoNBDCov(h, btyd.WithPenalty(lambda, lambda))
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("λ %4.0f: purchase %.3f, drop-out %.3f\n", lambda, fit.Model.Purchase[0], fit.Model.Dropout[0])
	}
	// Output:
	// λ    0: purchase 0.330, drop-out -0.466
	// λ  100: purchase 0.290, drop-out -0.275
	// λ 1000: purchase 0.123, drop-out -0.063
}

// The fit's statistics name every parameter, base and coefficients, in
// the order of the covariance.
func ExampleParetoNBDCovFit() {
	fit, err := btyd.FitParetoNBDCov(appShop())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(fit.Stats.Parameters)
	c := fit.Stats.Covariance
	fmt.Printf("corr(purchase[0], alpha) %.2f\n", c[4][1]/math.Sqrt(c[4][4]*c[1][1]))
	fmt.Printf("customers %d, without covariates r %.2f\n", fit.Stats.Customers, fit.Null.Model.R)
	// Output:
	// [r alpha s beta purchase[0] dropout[0]]
	// corr(purchase[0], alpha) 0.29
	// customers 6000, without covariates r 1.23
}

// appShopBGNBD simulates 6,000 customers of the BG/NBD model with
// covariates, a third won by the app: they buy exp(0.4) times as often,
// and their drop-out probabilities are more alike (a and b × e).
func appShopBGNBD() []btyd.CovariateHistory {
	shop := btyd.BGNBDCov{Base: btyd.BGNBD{R: 1.2, Alpha: 8, A: 1, B: 4}, Purchase: []float64{0.4}, Dropout: []float64{1}}
	rng := rand.New(rand.NewPCG(22, 1))
	var out []btyd.CovariateHistory
	for i := range 6_000 {
		z := []float64{float64(i % 3 / 2)}
		m, _ := shop.For(z)
		src := rand.NewPCG(rng.Uint64(), rng.Uint64())
		rate := distuv.Gamma{Alpha: m.R, Beta: m.Alpha, Src: src}.Rand()
		dropout := distuv.Beta{Alpha: m.A, Beta: m.B, Src: src}.Rand()
		h := btyd.History{T: 52, Weight: 1}
		for t := rng.ExpFloat64() / rate; t <= 52; t += rng.ExpFloat64() / rate {
			h.X, h.Tx = h.X+1, t
			if rng.Float64() < dropout {
				break
			}
		}
		out = append(out, btyd.CovariateHistory{History: h, Z: z})
	}
	return out
}

func ExampleFitBGNBDCov() {
	fit, err := btyd.FitBGNBDCov(appShopBGNBD())
	if err != nil {
		fmt.Println(err)
		return
	}
	m, se := fit.Model, fit.StdErr
	fmt.Printf("r %.2f, alpha %.1f, a %.2f, b %.1f\n", m.Base.R, m.Base.Alpha, m.Base.A, m.Base.B)
	fmt.Printf("app: purchase %.2f ± %.2f, drop-out %.2f ± %.2f\n", m.Purchase[0], se.Purchase[0], m.Dropout[0], se.Dropout[0])
	fmt.Printf("χ² = %.1f on %d df\n", fit.Test.Statistic, fit.Test.DF)
	// Output:
	// r 1.18, alpha 8.0, a 0.84, b 3.3
	// app: purchase 0.38 ± 0.03, drop-out 1.03 ± 0.15
	// χ² = 188.8 on 2 df
}

func ExampleBGNBDCov_For() {
	m := btyd.BGNBDCov{Base: btyd.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}, Purchase: []float64{0.5}, Dropout: []float64{1}}
	app, err := m.For([]float64{1})
	fmt.Printf("alpha %.3f, a %.3f, b %.3f %v\n", app.Alpha, app.A, app.B, err)
	// The mean drop-out probability a/(a + b) is the same.
	fmt.Printf("%.4f %.4f\n", m.Base.A/(m.Base.A+m.Base.B), app.A/(app.A+app.B))
	// Output:
	// alpha 2.677, a 2.156, b 6.595 <nil>
	// 0.2463 0.2463
}

// The fit's Null is the model without covariates fitted to the same
// customers.
func ExampleBGNBDCovFit() {
	fit, err := btyd.FitBGNBDCov(appShopBGNBD())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(fit.Stats.Parameters)
	fmt.Printf("r %.2f without covariates, %.2f with\n", fit.Null.Model.R, fit.Model.Base.R)
	// Output:
	// [r alpha a b purchase[0] dropout[0]]
	// r 1.15 without covariates, 1.18 with
}

// appSpend simulates the spend of 5,000 repeat customers, a third won by
// the app, who spend exp(0.166) = 1.18 times as much per order.
func appSpend() []btyd.CovariateCustomer {
	shop := btyd.GammaGammaCov{Base: btyd.GammaGamma{P: 6, Q: 4, Gamma: 15}, Spend: []float64{0.166}}
	rng := rand.New(rand.NewPCG(23, 1))
	var out []btyd.CovariateCustomer
	for i := range 5_000 {
		z := []float64{float64(i % 3 / 2)}
		m, _ := shop.For(z)
		src := rand.NewPCG(rng.Uint64(), rng.Uint64())
		nu := distuv.Gamma{Alpha: m.Q, Beta: m.Gamma, Src: src}.Rand()
		amount := distuv.Gamma{Alpha: m.P, Beta: nu, Src: src}
		x := 1 + rng.Int64N(8)
		var sum float64
		for range x {
			sum += amount.Rand()
		}
		out = append(out, btyd.CovariateCustomer{Customer: btyd.Customer{X: x, Spend: decimal.NewFromFloat(sum / float64(x)).Round(2)}, Z: z})
	}
	return out
}

func ExampleFitGammaGammaCov() {
	fit, err := btyd.FitGammaGammaCov(appSpend())
	if err != nil {
		fmt.Println(err)
		return
	}
	m, se := fit.Model, fit.StdErr
	fmt.Printf("p %.2f, q %.2f, gamma %.1f\n", m.Base.P, m.Base.Q, m.Base.Gamma)
	fmt.Printf("app: %.3f ± %.3f, %+.0f %% per order\n", m.Spend[0], se.Spend[0], 100*(math.Exp(m.Spend[0])-1))
	fmt.Printf("χ² = %.1f on %d df\n", fit.Test.Statistic, fit.Test.DF)
	// Output:
	// p 6.42, q 3.87, gamma 13.5
	// app: 0.175 ± 0.017, +19 % per order
	// χ² = 104.5 on 1 df
}

func ExampleGammaGammaCov_For() {
	m := btyd.GammaGammaCov{Base: btyd.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}, Spend: []float64{0.166}}
	app, err := m.For([]float64{1})
	fmt.Printf("gamma %.2f %v\n", app.Gamma, err)
	// Output:
	// gamma 18.23 <nil>
}

// A new customer's expected spend is their segment's mean; a repeat
// customer's lies between it and their own mean.
func ExampleGammaGammaCov_ExpectedSpend() {
	m := btyd.GammaGammaCov{Base: btyd.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}, Spend: []float64{0.166}}
	for _, z := range [][]float64{{0}, {1}} {
		fresh, _ := m.ExpectedSpend(z, 0, decimal.Zero)
		loyal, _ := m.ExpectedSpend(z, 5, decimal.RequireFromString("50.00"))
		fmt.Println(z, fresh.StringFixed(2), loyal.StringFixed(2))
	}
	// Output:
	// [0] 35.22 48.81
	// [1] 41.58 49.32
}

func ExampleCovariateCustomer() {
	c := btyd.CovariateCustomer{Customer: btyd.Customer{ID: "C1", X: 3, Tx: 20, T: 52, Spend: decimal.RequireFromString("42.50")}, Z: []float64{1}}
	out, _ := json.Marshal(c)
	fmt.Println(string(out))
	// Output:
	// {"id":"C1","x":3,"t_x":20,"t":52,"spend":"42.5","holdout_x":0,"holdout_spend":"0","z":[1]}
}

// The fit's statistics count the customers fitted, those with repeat
// purchases of positive spend.
func ExampleGammaGammaCovFit() {
	fit, err := btyd.FitGammaGammaCov(appSpend())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(fit.Stats.Parameters, fit.Stats.Customers)
	fmt.Printf("LL %.1f, without covariates %.1f\n", fit.Stats.LogLikelihood, fit.Null.Stats.LogLikelihood)
	// Output:
	// [p q gamma spend[0]] 5000
	// LL -20767.2, without covariates -20819.5
}

// covBase3 is three customers observed for 52 weeks, with a 26-week
// holdout; the second and third were won by the app.
var (
	covBase3 = btyd.Base{Unit: clv.Week, Holdout: 26, Customers: []btyd.Customer{
		{ID: "A", X: 2, Tx: 30, T: 52, Spend: decimal.RequireFromString("40"), HoldoutX: 1},
		{ID: "B", X: 2, Tx: 30, T: 52, Spend: decimal.RequireFromString("40"), HoldoutX: 2},
		{ID: "C", X: 6, Tx: 50, T: 52, Spend: decimal.RequireFromString("25"), HoldoutX: 4},
	}}
	covZ3     = [][]float64{{0}, {1}, {1}}
	covPNBD3  = btyd.ParetoNBDCov{Base: btyd.ParetoNBD{R: 1.2, Alpha: 8, S: 0.8, Beta: 12}, Purchase: []float64{0.4}, Dropout: []float64{-0.5}}
	covSpend3 = btyd.GammaGammaCov{Base: btyd.GammaGamma{P: 6, Q: 4, Gamma: 15}, Spend: []float64{0.166}}
)

// A and B have the same history; B, won by the app, is worth more.
func ExampleValuesByCovariates() {
	v, err := btyd.ValuesByCovariates(covPNBD3, covSpend3, covBase3, covZ3, btyd.Horizon{Length: 1, Period: clv.Year})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range v.Customers {
		fmt.Printf("%s P(alive) %.3f, %.2f purchases × %s = %s\n", c.ID, c.ProbAlive, c.Purchases, c.Spend.StringFixed(2), c.Value.StringFixed(2))
	}
	fmt.Println("total", v.Value.StringFixed(2))
	// Output:
	// A P(alive) 0.515, 1.11 purchases × 38.00 = 42.33
	// B P(alive) 0.546, 1.26 purchases × 39.08 = 49.35
	// C P(alive) 0.975, 5.07 purchases × 25.80 = 130.79
	// total 222.47
}

func ExampleCompareHoldoutByCovariates() {
	h, err := btyd.CompareHoldoutByCovariates(covPNBD3, covBase3, covZ3)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d customers: %d purchases in the holdout, %.2f predicted\n", h.Customers, h.Actual, h.Predicted)
	// Output:
	// 3 customers: 7 purchases in the holdout, 4.12 predicted
}

// A and B have the same history; B, won by the app, is the likelier to
// buy in the next quarter and to be a customer at its end.
func ExampleForecastsByCovariates() {
	f, err := btyd.ForecastsByCovariates(covPNBD3, covBase3, covZ3, btyd.Horizon{Length: 1, Period: clv.Quarter}, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range f.Customers {
		fmt.Printf("%s P(alive) %.3f now, %.3f in a quarter; P(0, 1, 2 purchases) %.3f %.3f %.3f\n",
			c.ID, c.ProbAlive, c.ProbAliveAfter, c.ProbPurchases[0], c.ProbPurchases[1], c.ProbPurchases[2])
	}
	// Output:
	// A P(alive) 0.515 now, 0.444 in a quarter; P(0, 1, 2 purchases) 0.775 0.149 0.054
	// B P(alive) 0.546 now, 0.478 in a quarter; P(0, 1, 2 purchases) 0.752 0.161 0.061
	// C P(alive) 0.975 now, 0.853 in a quarter; P(0, 1, 2 purchases) 0.285 0.294 0.213
}

// A model without covariates is a model whose customers are alike
// whatever their covariates.
func ExampleCovariatePurchaseModel() {
	for _, m := range []btyd.CovariatePurchaseModel{covPNBD3, covPNBD3.Base} {
		h, _ := btyd.CompareHoldoutByCovariates(m, covBase3, covZ3)
		fmt.Printf("%.2f\n", h.Predicted)
	}
	// Output:
	// 4.12
	// 3.87
}

func ExampleCovariateSpendModel() {
	for _, g := range []btyd.CovariateSpendModel{covSpend3, covSpend3.Base, btyd.FlatSpend{Amount: decimal.RequireFromString("30")}} {
		v, _ := btyd.ValuesByCovariates(covPNBD3, g, covBase3, covZ3, btyd.Horizon{Length: 1, Period: clv.Year})
		fmt.Println(v.Customers[1].Spend.StringFixed(2))
	}
	// Output:
	// 39.08
	// 38.00
	// 30.00
}

// Three customers' purchases, the third won by the app; the tracking
// expects more of the app customer than the model without covariates
// would.
func ExampleTrackByCovariates() {
	s, err := btyd.NewSummarizer(time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC))
	if err != nil {
		fmt.Println(err)
		return
	}
	day := func(m, d int) time.Time { return time.Date(2024, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	for _, p := range []clv.Purchase{
		{Customer: "A", Time: day(1, 1), Amount: decimal.RequireFromString("20")},
		{Customer: "A", Time: day(2, 12), Amount: decimal.RequireFromString("35")},
		{Customer: "B", Time: day(1, 1), Amount: decimal.RequireFromString("15")},
		{Customer: "C", Time: day(1, 1), Amount: decimal.RequireFromString("40")},
		{Customer: "C", Time: day(3, 1), Amount: decimal.RequireFromString("25")},
	} {
		if err := s.Add(p); err != nil {
			fmt.Println(err)
			return
		}
	}
	z := [][]float64{{0}, {0}, {1}} // A, B, C in the base's order
	with, err := btyd.TrackByCovariates(covPNBD3, s, z)
	if err != nil {
		fmt.Println(err)
		return
	}
	without, _ := btyd.Track(covPNBD3.Base, s)
	last := len(with.Steps) - 1
	fmt.Printf("%d weeks, %d repeat purchases; expected %.2f, %.2f without covariates\n",
		len(with.Steps), with.Steps[last].Actual, with.Steps[last].Expected, without.Steps[last].Expected)
	// Output:
	// 13 weeks, 2 repeat purchases; expected 5.15, 4.23 without covariates
}

// The app shop's first three customers' values over a year, with 90 %
// intervals from the fits' uncertainty: the Pareto/NBD fit with the app
// covariate, and a gamma–gamma fit of spend.
func ExampleValueIntervalsByCovariates() {
	hs := appShop()
	fit, err := btyd.FitParetoNBDCov(hs)
	if err != nil {
		fmt.Println(err)
		return
	}
	var spenders []btyd.Customer
	for _, c := range appSpend() {
		spenders = append(spenders, c.Customer)
	}
	spend, err := btyd.FitGammaGamma(spenders)
	if err != nil {
		fmt.Println(err)
		return
	}
	b := btyd.Base{Unit: clv.Week}
	var z [][]float64
	for i, h := range hs[:3] {
		b.Customers = append(b.Customers, btyd.Customer{ID: fmt.Sprint("C", i+1), X: h.X, Tx: h.Tx, T: h.T, Spend: decimal.RequireFromString("35")})
		z = append(z, h.Z)
	}
	iv, err := btyd.ValueIntervalsByCovariates(fit, spend, b, z, btyd.Horizon{Length: 1, Period: clv.Year}, btyd.WithSeed(1))
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, c := range iv.Customers {
		fmt.Printf("%s z %v x %d: %s to %s\n", c.ID, z[i], b.Customers[i].X, c.Value.Low.StringFixed(2), c.Value.High.StringFixed(2))
	}
	// Output:
	// C1 z [0] x 3: 5.23 to 6.27
	// C2 z [0] x 4: 0.16 to 0.20
	// C3 z [1] x 4: 39.32 to 44.33
}

// Both purchase fits with covariates give intervals.
func ExampleCovariatePurchaseFit() {
	var fits []btyd.CovariatePurchaseFit
	if f, err := btyd.FitParetoNBDCov(appShop()); err == nil {
		fits = append(fits, f)
	}
	if f, err := btyd.FitBGNBDCov(appShopBGNBD()); err == nil {
		fits = append(fits, f)
	}
	fmt.Println(len(fits))
	// Output:
	// 2
}

// Options combine: the app's coefficient shared by both processes, and
// a light penalty on every coefficient.
func ExampleCovariateOption() {
	opts := []btyd.CovariateOption{btyd.WithSameCoefficients(0), btyd.WithPenalty(1, 1)}
	fit, err := btyd.FitParetoNBDCov(appShop(), opts...)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(fit.Stats.Parameters, fit.Test.DF)
	// Output:
	// [r alpha s beta both[0]] 1
}

// A model with covariates is its base model, for customers at the
// reference levels, and a coefficient for each covariate and process.
func ExampleParetoNBDCov() {
	m := btyd.ParetoNBDCov{Base: btyd.ParetoNBD{R: 0.55, Alpha: 10.6, S: 0.61, Beta: 11.7}, Purchase: []float64{0.4}, Dropout: []float64{-0.5}}
	out, _ := json.Marshal(m)
	fmt.Println(string(out))
	app, _ := m.For([]float64{1})
	email, _ := m.For([]float64{0})
	pa, _ := app.ProbAlive(2, 20, 40)
	pe, _ := email.ProbAlive(2, 20, 40)
	fmt.Printf("P(alive) of a customer with 2 purchases, the last at week 20 of 40: app %.3f, email %.3f\n", pa, pe)
	// Output:
	// {"base":{"r":0.55,"alpha":10.6,"s":0.61,"beta":11.7},"purchase":[0.4],"dropout":[-0.5]}
	// P(alive) of a customer with 2 purchases, the last at week 20 of 40: app 0.612, email 0.579
}

func ExampleBGNBDCov() {
	m := btyd.BGNBDCov{Base: btyd.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}, Purchase: []float64{0.4}, Dropout: []float64{1}}
	app, _ := m.For([]float64{1})
	email, _ := m.For([]float64{0})
	ea, _ := app.ExpectedPurchases(52)
	ee, _ := email.ExpectedPurchases(52)
	fmt.Printf("expected purchases in 52 weeks: app %.3f, email %.3f\n", ea, ee)
	// Output:
	// expected purchases in 52 weeks: app 1.556, email 1.446
}

func ExampleGammaGammaCov() {
	m := btyd.GammaGammaCov{Base: btyd.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}, Spend: []float64{0.166}}
	out, _ := json.Marshal(m)
	fmt.Println(string(out))
	// Output:
	// {"base":{"p":6.25,"q":3.74,"gamma":15.44},"spend":[0.166]}
}

// A spend fit with covariates or without: the app customer's spend
// interval follows their own spend model with the first, the base's with
// the second.
func ExampleCovariateSpendFit() {
	hs := appShop()
	fit, err := btyd.FitParetoNBDCov(hs)
	if err != nil {
		fmt.Println(err)
		return
	}
	cs := appSpend()
	withCov, err := btyd.FitGammaGammaCov(cs)
	if err != nil {
		fmt.Println(err)
		return
	}
	var spenders []btyd.Customer
	for _, c := range cs {
		spenders = append(spenders, c.Customer)
	}
	without, err := btyd.FitGammaGamma(spenders)
	if err != nil {
		fmt.Println(err)
		return
	}
	b := btyd.Base{Unit: clv.Week, Customers: []btyd.Customer{{ID: "app", X: 4, Tx: 50, T: 52, Spend: decimal.RequireFromString("35")}}}
	z := [][]float64{{1}}
	for _, spend := range []btyd.CovariateSpendFit{withCov, without} {
		iv, err := btyd.ValueIntervalsByCovariates(fit, spend, b, z, btyd.Horizon{Length: 1, Period: clv.Year}, btyd.WithSeed(1))
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(iv.Value.Low.StringFixed(2), "to", iv.Value.High.StringFixed(2))
	}
	// Output:
	// 125.53 to 131.25
	// 124.10 to 129.91
}
