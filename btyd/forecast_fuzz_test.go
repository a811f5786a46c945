package btyd_test

import (
	"math"
	"strings"
	"testing"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
)

// fuzzCheck returns a check of one result of a fuzzed call: an error of
// the package matchable to a sentinel, or a finite value in [lo, hi].
func fuzzCheck(t *testing.T, args ...any) func(name string, v float64, err error, lo, hi float64) {
	return func(name string, v float64, err error, lo, hi float64) {
		t.Helper()
		if err != nil {
			if !isSentinel(err) || !strings.HasPrefix(err.Error(), "btyd: ") {
				t.Fatalf("%s: %v", name, err)
			}
			return
		}
		if !finite(v) || v < lo || v > hi {
			t.Fatalf("%s of %v = %v, outside [%v, %v]", name, args, v, lo, hi)
		}
	}
}

// FuzzForecast calls every continuous model's forecasts with one set of
// parameters and one customer: an error or a probability in [0, 1] no
// above ProbAlive, and P(alive at T + 0) equal to it.
func FuzzForecast(f *testing.F) {
	f.Add(0.243, 4.414, 0.793, 2.426, int64(2), 30.43, 38.86, 39.0, int64(1), 0.0027)
	f.Add(0.553, 10.578, 0.606, 11.669, int64(10_000), 38.8, 38.86, 520.0, int64(300), 0.1)
	f.Add(50.0, 0.5, 1.0, 0.01, int64(0), 0.0, 0.0, 1e7, int64(0), 1e-10)
	f.Add(1e-10, 1e10, 1e10, 1e-10, int64(1), 1e-300, 1e7, 1e-300, int64(1e7), 1e3)
	f.Add(1e10, 1e-10, 1e-10, 1e10, int64(1e7), 1e7, 1e7, 1e7, int64(5), 1e-10)
	f.Fuzz(func(t *testing.T, r, alpha, a, b float64, x int64, tx, T, ahead float64, n int64, delta float64) {
		check := fuzzCheck(t, r, alpha, a, b, x, tx, T, ahead, n, delta)
		for _, m := range []forecaster{
			btyd.BGNBD{R: r, Alpha: alpha, A: a, B: b},
			btyd.MBGNBD{R: r, Alpha: alpha, A: a, B: b},
			btyd.ParetoNBD{R: r, Alpha: alpha, S: a, Beta: b},
		} {
			alive, aliveErr := m.ProbAlive(x, tx, T)
			p, err := m.ProbAliveAt(x, tx, T, ahead)
			hi := 1.0
			if aliveErr == nil {
				hi = alive * (1 + 1e-12)
			}
			check("P(alive at T + t)", p, err, 0, hi)
			if p0, err := m.ProbAliveAt(x, tx, T, 0); aliveErr == nil && (err != nil || p0 != alive) {
				t.Fatalf("%T: P(alive at T + 0) = %v, %v; ProbAlive %v", m, p0, err, alive)
			}
			q, err := m.ConditionalProbPurchases(x, tx, T, n, ahead)
			check("P(X(T, T + t] = n)", q, err, 0, 1)
			if d, ok := m.(interface {
				DERT(x int64, tx, T, delta float64) (float64, error)
			}); ok {
				v, err := d.DERT(x, tx, T, delta)
				check("DERT", v, err, 0, math.Inf(1))
			}
		}
	})
}

// FuzzBGBBForecast calls BG/BB's forecasts: an error or a probability,
// P(alive) never rising with k, P(alive at n + 1) equal to ProbAlive.
func FuzzBGBBForecast(f *testing.F) {
	f.Add(1.204, 0.750, 0.657, 2.783, int64(3), int64(5), int64(6), int64(2), int64(5))
	f.Add(1e-10, 1e10, 1e10, 1e-10, int64(0), int64(0), int64(1), int64(0), int64(100_000))
	f.Add(1e10, 1e-10, 1e-10, 1e10, int64(1000), int64(100_000), int64(100_000), int64(1000), int64(1000))
	f.Fuzz(func(t *testing.T, alpha, beta, gamma, delta float64, x, tx, n, k, nStar int64) {
		m := btyd.BGBB{Alpha: alpha, Beta: beta, Gamma: gamma, Delta: delta}
		check := fuzzCheck(t, m, x, tx, n, k, nStar)
		alive, aliveErr := m.ProbAlive(x, tx, n)
		at1, err := m.ProbAliveAt(x, tx, n, 1)
		if aliveErr == nil && (err != nil || math.Abs(at1-alive) > 1e-13*alive) {
			t.Fatalf("P(alive at n + 1) = %v, %v; ProbAlive %v", at1, err, alive)
		}
		p, err := m.ProbAliveAt(x, tx, n, k)
		check("P(alive at n + k)", p, err, 0, 1)
		q, err := m.ConditionalProbPurchases(x, tx, n, k, nStar)
		check("P(X(n, n + n*) = k)", q, err, 0, 1)
		q, err = m.ProbPurchases(k, nStar)
		check("P(X(n*) = k)", q, err, 0, 1)
		g := btyd.FlatSpend{Amount: decimal.NewFromInt(50)}
		o := btyd.Opportunities{Every: clv.Month, Customers: []btyd.DiscreteCustomer{{ID: "c", X: x, Tx: tx, N: n}}}
		wv, err := btyd.DiscreteWindowValues(m, g, o, btyd.Window{Start: int(k % 30), End: int(nStar % 60), Period: clv.Month})
		if err != nil {
			check("discrete window values", 0, err, 0, 0)
		}
		for _, c := range wv.Customers {
			check("window purchases", c.Purchases, nil, 0, float64(nStar%60)+1e-9)
		}
		ds, err := btyd.DiscreteDERTs(m, o, float64(k%1000)/100)
		if err != nil {
			check("discrete DERTs", 0, err, 0, 0)
		}
		for _, d := range ds {
			check("discrete DERT", d, nil, 0, math.Inf(1))
		}
		periods, err := btyd.DiscreteNewCustomerForecast(m, g, clv.Year, []int64{k, x}, btyd.Horizon{Length: int(nStar % 500), Period: clv.Year})
		if err != nil {
			check("new customers", 0, err, 0, 0)
		}
		for _, p := range periods {
			check("new customers' purchases", p.Purchases, nil, 0, math.Inf(1))
		}
		if n > 0 && n <= 1000 {
			buys := make([]int64, 0, max(0, min(x, n)))
			for i := range min(x, n) {
				buys = append(buys, i+1)
			}
			path, err := m.AlivePath(buys, n)
			for _, v := range path {
				check("alive path", v, err, 0, 1)
			}
			if err != nil {
				check("alive path", 0, err, 0, 1)
			}
		}
	})
}

// FuzzForecasts runs the forecasts of a base, the alive path and the
// new-customer forecast on small inputs made of bytes: an error of the
// package or finite figures, probabilities in [0, 1].
func FuzzForecasts(f *testing.F) {
	f.Add(0.243, 4.414, 0.793, 2.426, []byte{0, 10, 200, 5, 40, 250, 1, 255, 255, 0, 0, 9}, 3, uint8(2))
	f.Add(50.0, 0.01, 1e-3, 1e4, []byte{255, 255, 255, 255}, 100, uint8(0))
	f.Fuzz(func(t *testing.T, r, alpha, a, b float64, data []byte, length int, upTo uint8) {
		check := fuzzCheck(t, r, alpha, a, b, data, length, upTo)
		base := btyd.Base{Unit: clv.Week}
		var times []float64
		var counts []int64
		for i := 0; i+3 <= len(data) && i < 60; i += 3 {
			x := int64(data[i] % 40)
			T := float64(data[i+2]) / 2
			tx := T * float64(data[i+1]) / 255
			if x == 0 {
				tx = 0
			}
			base.Customers = append(base.Customers, btyd.Customer{ID: "c", X: x, Tx: tx, T: T})
			times = append(times, float64(data[i+1])+float64(i))
			counts = append(counts, int64(data[i])*int64(data[i+2]))
		}
		h := btyd.Horizon{Length: length % 200, Period: clv.Month}
		for _, m := range []btyd.PurchaseModel{
			btyd.BGNBD{R: r, Alpha: alpha, A: a, B: b},
			btyd.MBGNBD{R: r, Alpha: alpha, A: a, B: b},
			btyd.ParetoNBD{R: r, Alpha: alpha, S: a, Beta: b},
		} {
			fc, err := btyd.Forecasts(m, base, h, int(upTo%8))
			if err != nil {
				check("forecasts", 0, err, 0, 0)
			}
			for _, c := range fc.Customers {
				check("P(alive)", c.ProbAlive, nil, 0, 1)
				check("P(alive after)", c.ProbAliveAfter, nil, 0, 1)
				check("purchases", c.Purchases, nil, 0, math.Inf(1))
				for _, p := range c.ProbPurchases {
					check("P(X = n)", p, nil, 0, 1)
				}
			}
			path, err := btyd.AlivePath(m, times, 200, float64(length%50)+0.5)
			if err != nil {
				check("alive path", 0, err, 0, 0)
			}
			for _, p := range path {
				check("alive path", p, nil, 0, 1)
			}
			g := btyd.FlatSpend{Amount: decimal.NewFromInt(25)}
			wv, err := btyd.WindowValues(m, g, base, btyd.Window{Start: length % 7, End: length % 13, Period: clv.Quarter},
				btyd.WithDiscountRate(decimal.New(int64(upTo), -1), clv.Year))
			if err != nil {
				check("window values", 0, err, 0, 0)
			}
			for _, c := range wv.Customers {
				check("window purchases", c.Purchases, nil, 0, math.Inf(1))
				check("window discounted purchases", c.DiscountedPurchases, nil, 0, c.Purchases*(1+1e-12))
			}
			ds, err := btyd.DERTs(m, base, float64(upTo)/100)
			if err != nil {
				check("DERTs", 0, err, 0, 0)
			}
			for _, d := range ds {
				check("DERT", d, nil, 0, math.Inf(1))
			}
			periods, err := btyd.NewCustomerForecast(m, g, clv.Week, counts, h)
			if err != nil {
				check("new customers", 0, err, 0, 0)
			}
			for _, p := range periods {
				check("new customers' purchases", p.Purchases, nil, 0, math.Inf(1))
			}
		}
	})
}
