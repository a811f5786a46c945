package btyd_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
)

// The bulk forecasts split a base of 20,000 customers or more between
// two goroutines, and take P(alive), the DERTs and BG/BB's histories from
// tables of distinct histories: these tests hold them to the models'
// own methods customer by customer on bases large enough for both, of
// 30,000 customers whose histories repeat as a real base's do.

// largeBase returns 30,000 customers with x up to 30 and T over weeks 30
// to 40 by days.
func largeBase() btyd.Base {
	rng := rand.New(rand.NewPCG(22, 30))
	b := btyd.Base{Unit: clv.Week}
	for i := range 30_000 {
		T := 30 + float64(rng.IntN(71))/7
		c := btyd.Customer{ID: fmt.Sprint(i), T: T}
		if rng.IntN(2) == 0 {
			c.X = 1 + rng.Int64N(30)
			c.Tx = float64(1+rng.IntN(int(T*7)-1)) / 7
		}
		b.Customers = append(b.Customers, c)
	}
	return b
}

func TestBulkForecastsMatchMethodsLarge(t *testing.T) {
	b := largeBase()
	const ahead = 13.0
	delta := math.Log(1.1) / 52
	g := btyd.FlatSpend{Amount: decimal.NewFromInt(30)}
	rate := btyd.WithDiscountRate(decimal.RequireFromString("0.1"), clv.Year)
	for _, tc := range forecasters {
		m := tc.m
		d := m.(interface {
			DERT(x int64, tx, T, delta float64) (float64, error)
		})
		f, err := btyd.Forecasts(m, b, btyd.Horizon{Length: 13, Period: clv.Week}, 1)
		if err != nil {
			t.Fatal(err)
		}
		derts, err := btyd.DERTs(m, b, delta)
		if err != nil {
			t.Fatal(err)
		}
		w, err := btyd.WindowValues(m, g, b, btyd.Window{End: 1, Period: clv.Year}, rate)
		if err != nil {
			t.Fatal(err)
		}
		v, err := btyd.Values(m, g, b, btyd.Horizon{Length: 1, Period: clv.Year}, rate)
		if err != nil {
			t.Fatal(err)
		}
		bad := 0
		for i, c := range b.Customers {
			alive, _ := m.ProbAlive(c.X, c.Tx, c.T)
			after, _ := m.ProbAliveAt(c.X, c.Tx, c.T, ahead)
			p1, _ := m.ConditionalProbPurchases(c.X, c.Tx, c.T, 1, ahead)
			dert := derts[i] // a DERT costs some 0.3 ms: every 10th customer's
			if i%10 == 0 {
				dert, _ = d.DERT(c.X, c.Tx, c.T, delta)
			}
			got := f.Customers[i]
			for _, q := range [][3]float64{
				{got.ProbAlive, alive, 1e-13},
				// Interpolated across T: P(alive at T + t) under the BG/NBD and
				// MBG/NBD, P(X = n) under the Pareto/NBD, and the DERT under
				// the BG/NBD and MBG/NBD, each within 10^−11 of its value
				// computed directly, which carries 10 or 11 digits.
				{got.ProbAliveAfter, after, 1e-11}, {got.ProbPurchases[1], p1, 1e-11}, {derts[i], dert, 1e-11},
				{w.Customers[i].DiscountedPurchases, v.Customers[i].DiscountedPurchases, 1e-13},
				{w.Customers[i].ProbAlive, alive, 1e-13},
			} {
				if !(math.Abs(q[0]-q[1]) <= q[2]*math.Abs(q[1])) && bad < 10 {
					bad++
					t.Errorf("%s, customer %s (%d, %v, %v): bulk %.16g; method %.16g", tc.name, c.ID, c.X, c.Tx, c.T, q[0], q[1])
				}
			}
		}
	}
}

func TestDiscreteBulkMatchMethodsLarge(t *testing.T) {
	m := donationsModel
	rng := rand.New(rand.NewPCG(22, 31))
	o := btyd.Opportunities{Every: clv.Year}
	for i := range 30_000 {
		c := btyd.DiscreteCustomer{ID: fmt.Sprint(i), N: rng.Int64N(12)}
		if c.N > 0 && rng.IntN(2) == 0 {
			c.Tx = 1 + rng.Int64N(c.N)
			c.X = 1 + rng.Int64N(c.Tx)
		}
		o.Customers = append(o.Customers, c)
	}
	g := btyd.FlatSpend{Amount: decimal.NewFromInt(50)}
	rate := btyd.WithDiscountRate(decimal.RequireFromString("0.1"), clv.Year)
	f, err := btyd.DiscreteForecasts(m, o, btyd.Horizon{Length: 5, Period: clv.Year}, 2)
	if err != nil {
		t.Fatal(err)
	}
	derts, err := btyd.DiscreteDERTs(m, o, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	w, err := btyd.DiscreteWindowValues(m, g, o, btyd.Window{End: 5, Period: clv.Year}, rate)
	if err != nil {
		t.Fatal(err)
	}
	v, err := btyd.DiscreteValues(m, g, o, btyd.Horizon{Length: 5, Period: clv.Year}, rate)
	if err != nil {
		t.Fatal(err)
	}
	bad := 0
	for i, c := range o.Customers {
		got := f.Customers[i]
		if c.N == 0 {
			// A new customer, whom the methods refuse:
			// TestDiscreteForecastsMatchMethods holds them to a new
			// customer's figures.
			if p, _ := m.ProbPurchases(2, 5); math.Abs(got.ProbPurchases[2]-p) > 1e-13*p {
				t.Errorf("customer %s: P(X(5) = 2) = %.16g; ProbPurchases %.16g", c.ID, got.ProbPurchases[2], p)
			}
			continue
		}
		after, _ := m.ProbAliveAt(c.X, c.Tx, c.N, 5)
		p2, _ := m.ConditionalProbPurchases(c.X, c.Tx, c.N, 2, 5)
		e, _ := m.ConditionalExpectedPurchases(c.X, c.Tx, c.N, 5)
		dert, _ := m.DERT(c.X, c.Tx, c.N, 0.1)
		alive, _ := m.ProbAlive(c.X, c.Tx, c.N)
		for _, q := range [][2]float64{
			{got.ProbAlive, alive}, {got.ProbAliveAfter, after}, {got.ProbPurchases[2], p2}, {got.Purchases, e},
			{derts[i], dert},
			{w.Customers[i].DiscountedPurchases, v.Customers[i].DiscountedPurchases}, {w.Customers[i].ProbAlive, alive},
		} {
			if !(math.Abs(q[0]-q[1]) <= 1e-13*math.Abs(q[1])) && bad < 10 {
				bad++
				t.Errorf("customer %s (%d, %d, %d): bulk %.16g; method %.16g", c.ID, c.X, c.Tx, c.N, q[0], q[1])
			}
		}
	}
}
