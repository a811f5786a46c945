package btyd_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
)

// TestForecastsMatchMethods holds every figure of Forecasts, computed
// once for each distinct (x, T), to the model's own methods customer by
// customer, on the CDNOW sample under each continuous model.
func TestForecastsMatchMethods(t *testing.T) {
	b := cdnowSummary(t).Base()
	const upTo = 3
	h := btyd.Horizon{Length: 3, Period: clv.Quarter}
	ahead := 3 * 91.3125 / 7
	for _, tc := range forecasters {
		m := tc.m
		f, err := btyd.Forecasts(m, b, h, upTo)
		if err != nil {
			t.Fatal(err)
		}
		if f.Horizon != h || len(f.Customers) != len(b.Customers) {
			t.Fatalf("%s: horizon %v, %d customers; want %v, %d", tc.name, f.Horizon, len(f.Customers), h, len(b.Customers))
		}
		for i, c := range b.Customers {
			got := f.Customers[i]
			alive, _ := m.ProbAlive(c.X, c.Tx, c.T)
			after, _ := m.ProbAliveAt(c.X, c.Tx, c.T, ahead)
			e, _ := m.ConditionalExpectedPurchases(c.X, c.Tx, c.T, ahead)
			same := func(what string, got, want float64) {
				t.Helper()
				if math.Abs(got-want) > 1e-13*math.Abs(want)+1e-300 {
					t.Errorf("%s, customer %s: %s = %.16g; the method gives %.16g", tc.name, c.ID, what, got, want)
				}
			}
			if got.ID != c.ID || len(got.ProbPurchases) != upTo+1 {
				t.Fatalf("%s: customer %d: id %q, %d probabilities", tc.name, i, got.ID, len(got.ProbPurchases))
			}
			same("ProbAlive", got.ProbAlive, alive)
			same("ProbAliveAfter", got.ProbAliveAfter, after)
			same("Purchases", got.Purchases, e)
			for n, p := range got.ProbPurchases {
				want, _ := m.ConditionalProbPurchases(c.X, c.Tx, c.T, int64(n), ahead)
				same(fmt.Sprintf("P(X = %d)", n), p, want)
			}
		}
	}
}

// TestDiscreteForecastsMatchMethods holds DiscreteForecasts to BG/BB's own
// methods customer by customer, and a customer with n = 0 to a new
// customer's figures.
func TestDiscreteForecastsMatchMethods(t *testing.T) {
	m := donationsModel
	rng := rand.New(rand.NewPCG(22, 1))
	o := btyd.Opportunities{Every: clv.Year, Customers: []btyd.DiscreteCustomer{{ID: "new"}}}
	for i := range 3000 {
		n := 1 + rng.IntN(8)
		buys, _ := simBGBB(rng, m, n)
		x, tx := summary(buys, n)
		o.Customers = append(o.Customers, btyd.DiscreteCustomer{ID: fmt.Sprint(i), X: x, Tx: tx, N: int64(n)})
	}
	// 60 months are 5 yearly opportunities.
	f, err := btyd.DiscreteForecasts(m, o, btyd.Horizon{Length: 60, Period: clv.Month}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if f.Horizon != (btyd.Horizon{Length: 5, Period: clv.Year}) {
		t.Fatalf("horizon %v; want 5 years", f.Horizon)
	}
	same := func(c btyd.DiscreteCustomer, what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-13*want+1e-300 {
			t.Errorf("customer %s %+v: %s = %.16g; want %.16g", c.ID, c, what, got, want)
		}
	}
	for i, c := range o.Customers {
		got := f.Customers[i]
		if c.N == 0 {
			// A new customer, alive at 0: the chance of surviving the
			// first opportunity, and of 5 more; a new customer's
			// purchases.
			same(c, "ProbAlive", got.ProbAlive, m.Delta/(m.Gamma+m.Delta))
			e, _ := m.ExpectedPurchases(5)
			same(c, "Purchases", got.Purchases, e)
			for k, p := range got.ProbPurchases {
				want, _ := m.ProbPurchases(int64(k), 5)
				same(c, fmt.Sprintf("P(X = %d)", k), p, want)
			}
			continue
		}
		alive, _ := m.ProbAlive(c.X, c.Tx, c.N)
		after, _ := m.ProbAliveAt(c.X, c.Tx, c.N, 5)
		e, _ := m.ConditionalExpectedPurchases(c.X, c.Tx, c.N, 5)
		same(c, "ProbAlive", got.ProbAlive, alive)
		same(c, "ProbAliveAfter", got.ProbAliveAfter, after)
		same(c, "Purchases", got.Purchases, e)
		for k, p := range got.ProbPurchases {
			want, _ := m.ConditionalProbPurchases(c.X, c.Tx, c.N, int64(k), 5)
			same(c, fmt.Sprintf("P(X = %d)", k), p, want)
		}
	}
}

// TestAlivePath follows a customer who bought at 1, 3 and 3.5 weeks
// after their first purchase, observed for 9, in steps of 2 weeks: the
// path is ProbAlive of the history as it stood at 2, 4, 6, 8 and 9, and
// ends at that of the whole.
func TestAlivePath(t *testing.T) {
	times := []float64{1, 3, 3.5}
	want := [][3]float64{{1, 1, 2}, {3, 3.5, 4}, {3, 3.5, 6}, {3, 3.5, 8}, {3, 3.5, 9}}
	for _, tc := range forecasters {
		path, err := btyd.AlivePath(tc.m, times, 9, 2)
		if err != nil || len(path) != len(want) {
			t.Fatalf("%s: %v, %v; want %d steps", tc.name, path, err, len(want))
		}
		for k, h := range want {
			p, _ := tc.m.ProbAlive(int64(h[0]), h[1], h[2])
			if path[k] != p {
				t.Errorf("%s: step %d: %v; ProbAlive%v = %v", tc.name, k+1, path[k], h, p)
			}
		}
		// Between purchases it falls.
		if !(path[2] < path[1] && path[3] < path[2]) {
			t.Errorf("%s: %v does not fall after the last purchase", tc.name, path)
		}
	}
	// Without repeat purchases, the BG/NBD's customer is certainly alive.
	path, err := btyd.AlivePath(forecasters[0].m, nil, 5, 1)
	if err != nil || len(path) != 5 || path[0] != 1 || path[4] != 1 {
		t.Errorf("BG/NBD without purchases: %v, %v; want five 1s", path, err)
	}
}

func TestBGBBAlivePath(t *testing.T) {
	m := donationsModel
	path, err := m.AlivePath([]int64{2, 3, 5}, 6)
	if err != nil || len(path) != 6 {
		t.Fatalf("%v, %v", path, err)
	}
	for k, h := range [][3]int64{{0, 0, 1}, {1, 2, 2}, {2, 3, 3}, {2, 3, 4}, {3, 5, 5}, {3, 5, 6}} {
		p, _ := m.ProbAlive(h[0], h[1], h[2])
		if path[k] != p {
			t.Errorf("opportunity %d: %v; ProbAlive%v = %v", k+1, path[k], h, p)
		}
	}
}

// TestNewCustomerForecast holds the cohorts' purchases to a new customer's
// expected purchases: each cohort's over the periods after it sum to
// ExpectedPurchases of the time left, and the revenue is the purchases
// times the population mean spend, rounded once. A simulation of the
// cohorts through the BG/NBD's story agrees within 2 %.
func TestNewCustomerForecast(t *testing.T) {
	m := btyd.BGNBD{R: 2, Alpha: 8, A: 2, B: 13}
	g := btyd.GammaGamma{P: 6, Q: 4, Gamma: 15} // mean spend 30
	acquired := []int64{1000, 2000, 0, 500}
	h := btyd.Horizon{Length: 6, Period: clv.Month}
	f, err := btyd.NewCustomerForecast(m, g, clv.Week, acquired, h)
	if err != nil || len(f) != 6 {
		t.Fatalf("%v, %v", f, err)
	}
	month := 30.4375 / 7
	var total float64
	for k, p := range f {
		total += p.Purchases
		if want := decimal.NewFromFloat(p.Purchases * 30).Round(clv.DefaultScale); !p.Revenue.Equal(want) {
			t.Errorf("period %d: revenue %v; want %v", k+1, p.Revenue, want)
		}
		if k < len(acquired) && p.Acquired != acquired[k] || k >= len(acquired) && p.Acquired != 0 {
			t.Errorf("period %d: acquired %d", k+1, p.Acquired)
		}
	}
	var want float64
	for j, c := range acquired {
		e, _ := m.ExpectedPurchases(float64(6-j) * month)
		want += float64(c) * e
	}
	if math.Abs(total-want) > 1e-10*want {
		t.Errorf("Σ purchases = %.15g; Σ cohorts' expected purchases %.15g", total, want)
	}
	// The story: each cohort's customers from the start of their month.
	rng := rand.New(rand.NewPCG(22, 6))
	const copies = 40
	simulated := make([]float64, 6)
	story := bgnbdLife(m.R, m.Alpha, m.A, m.B, false)
	for j, c := range acquired {
		for range c * copies {
			times, _ := story(rng, float64(6-j)*month)
			for _, s := range times {
				simulated[j+int(s/month)]++
			}
		}
	}
	for k, p := range f {
		if got := simulated[k] / copies; math.Abs(got-p.Purchases) > 0.02*p.Purchases+1 {
			t.Errorf("period %d: %.1f purchases simulated, %.1f forecast", k+1, got, p.Purchases)
		}
	}
}

func TestForecastErrors(t *testing.T) {
	bg := btyd.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	pn := cdnowPNBD
	bb := donationsModel
	base := btyd.Base{Unit: clv.Week, Customers: []btyd.Customer{{ID: "a", X: 1, Tx: 2, T: 5}}}
	opp := btyd.Opportunities{Every: clv.Year, Customers: []btyd.DiscreteCustomer{{ID: "a", X: 1, Tx: 2, N: 5}}}
	year := btyd.Horizon{Length: 1, Period: clv.Year}
	flat := btyd.FlatSpend{Amount: decimal.NewFromInt(10)}
	for _, tc := range []struct {
		name string
		want error
		f    func() error
	}{
		// per-customer methods
		{"t negative", clv.ErrNegative, func() error { _, err := bg.ProbAliveAt(1, 2, 5, -1); return err }},
		{"t NaN", clv.ErrOutOfRange, func() error { _, err := pn.ProbAliveAt(1, 2, 5, math.NaN()); return err }},
		{"t infinite", clv.ErrOutOfRange, func() error { _, err := bg.ConditionalProbPurchases(1, 2, 5, 0, math.Inf(1)); return err }},
		{"t huge", clv.ErrOutOfRange, func() error { _, err := pn.ConditionalProbPurchases(1, 2, 5, 0, 1e8); return err }},
		{"n negative", clv.ErrNegative, func() error { _, err := bg.ConditionalProbPurchases(1, 2, 5, -1, 1); return err }},
		{"n huge", clv.ErrOutOfRange, func() error { _, err := pn.ConditionalProbPurchases(1, 2, 5, 1e8, 1); return err }},
		{"t_x > T", clv.ErrInconsistent, func() error { _, err := bg.ProbAliveAt(1, 6, 5, 1); return err }},
		{"bad model", clv.ErrNonPositive, func() error { _, err := btyd.MBGNBD{R: -1, Alpha: 1, A: 1, B: 1}.ProbAliveAt(1, 2, 5, 1); return err }},
		{"delta zero", clv.ErrNonPositive, func() error { _, err := bg.DERT(1, 2, 5, 0); return err }},
		{"delta NaN", clv.ErrOutOfRange, func() error { _, err := btyd.MBGNBD{R: 1, Alpha: 1, A: 1, B: 1}.DERT(1, 2, 5, math.NaN()); return err }},
		{"k negative", clv.ErrNegative, func() error { _, err := bb.ProbAliveAt(1, 2, 5, -1); return err }},
		{"k huge", clv.ErrOutOfRange, func() error { _, err := bb.ConditionalProbPurchases(1, 2, 5, 1e6, 3); return err }},
		{"n* negative", clv.ErrNegative, func() error { _, err := bb.ConditionalProbPurchases(1, 2, 5, 0, -3); return err }},
		{"BG/BB n zero", clv.ErrNonPositive, func() error { _, err := bb.ConditionalProbPurchases(0, 0, 0, 0, 3); return err }},
		{"new k negative", clv.ErrNegative, func() error { _, err := bb.ProbPurchases(-1, 3); return err }},
		{"new n huge", clv.ErrOutOfRange, func() error { _, err := bb.ProbPurchases(1, 1e6); return err }},
		// Forecasts
		{"nil model", clv.ErrMissing, func() error { _, err := btyd.Forecasts(nil, base, year, 0); return err }},
		{"up to negative", clv.ErrNegative, func() error { _, err := btyd.Forecasts(bg, base, year, -1); return err }},
		{"up to huge", clv.ErrOutOfRange, func() error { _, err := btyd.Forecasts(bg, base, year, 1000); return err }},
		{"no horizon", clv.ErrNonPositive, func() error { _, err := btyd.Forecasts(bg, base, btyd.Horizon{Period: clv.Year}, 0); return err }},
		{"horizon huge", clv.ErrOutOfRange, func() error {
			_, err := btyd.Forecasts(pn, base, btyd.Horizon{Length: 2000, Period: clv.Year}, 0)
			return err
		}},
		{"unknown period", clv.ErrUnknownPeriod, func() error {
			_, err := btyd.Forecasts(bg, base, btyd.Horizon{Length: 1, Period: clv.Period(99)}, 0)
			return err
		}},
		{"bad customer", clv.ErrInconsistent, func() error {
			_, err := btyd.Forecasts(bg, btyd.Base{Unit: clv.Week, Customers: []btyd.Customer{{X: 1, Tx: 9, T: 5}}}, year, 0)
			return err
		}},
		{"discrete bad model", clv.ErrNonPositive, func() error { _, err := btyd.DiscreteForecasts(btyd.BGBB{}, opp, year, 0); return err }},
		{"discrete short horizon", clv.ErrInconsistent, func() error {
			_, err := btyd.DiscreteForecasts(bb, opp, btyd.Horizon{Length: 1, Period: clv.Month}, 0)
			return err
		}},
		{"discrete bad customer", clv.ErrInconsistent, func() error {
			_, err := btyd.DiscreteForecasts(bb, btyd.Opportunities{Every: clv.Year, Customers: []btyd.DiscreteCustomer{{X: 3, Tx: 2, N: 5}}}, year, 0)
			return err
		}},
		// alive paths
		{"path nil model", clv.ErrMissing, func() error { _, err := btyd.AlivePath(nil, nil, 5, 1); return err }},
		{"path step zero", clv.ErrNonPositive, func() error { _, err := btyd.AlivePath(bg, nil, 5, 0); return err }},
		{"path step NaN", clv.ErrOutOfRange, func() error { _, err := btyd.AlivePath(bg, nil, 5, math.NaN()); return err }},
		{"path too many steps", clv.ErrOutOfRange, func() error { _, err := btyd.AlivePath(bg, nil, 5, 1e-9); return err }},
		{"path time zero", clv.ErrNonPositive, func() error { _, err := btyd.AlivePath(bg, []float64{0}, 5, 1); return err }},
		{"path time after T", clv.ErrInconsistent, func() error { _, err := btyd.AlivePath(bg, []float64{6}, 5, 1); return err }},
		{"path times unsorted", clv.ErrInconsistent, func() error { _, err := btyd.AlivePath(bg, []float64{2, 1}, 5, 1); return err }},
		{"path time NaN", clv.ErrOutOfRange, func() error { _, err := btyd.AlivePath(bg, []float64{math.NaN()}, 5, 1); return err }},
		{"path T negative", clv.ErrNegative, func() error { _, err := btyd.AlivePath(bg, nil, -5, 1); return err }},
		{"BG/BB path repeat", clv.ErrInconsistent, func() error { _, err := bb.AlivePath([]int64{2, 2}, 5); return err }},
		{"BG/BB path zero", clv.ErrNonPositive, func() error { _, err := bb.AlivePath([]int64{0}, 5); return err }},
		{"BG/BB path n", clv.ErrNonPositive, func() error { _, err := bb.AlivePath(nil, 0); return err }},
		// new customers
		{"new nil model", clv.ErrMissing, func() error { _, err := btyd.NewCustomerForecast(nil, flat, clv.Week, nil, year); return err }},
		{"new nil spend", clv.ErrMissing, func() error { _, err := btyd.NewCustomerForecast(bg, nil, clv.Week, nil, year); return err }},
		{"new negative count", clv.ErrNegative, func() error { _, err := btyd.NewCustomerForecast(bg, flat, clv.Week, []int64{-1}, year); return err }},
		{"new huge count", clv.ErrOutOfRange, func() error { _, err := btyd.NewCustomerForecast(bg, flat, clv.Week, []int64{1e13}, year); return err }},
		{"new too many cohorts", clv.ErrInconsistent, func() error {
			_, err := btyd.NewCustomerForecast(bg, flat, clv.Week, []int64{1, 2}, year)
			return err
		}},
		{"new unknown unit", clv.ErrUnknownPeriod, func() error {
			_, err := btyd.NewCustomerForecast(bg, flat, clv.Period(42), nil, year)
			return err
		}},
		{"new series too long", clv.ErrOutOfRange, func() error {
			_, err := btyd.NewCustomerForecast(btyd.MBGNBD{R: 2, Alpha: 0.01, A: 1, B: 1}, flat, clv.Week, nil, btyd.Horizon{Length: 100, Period: clv.Month})
			return err
		}},
		{"new infinite spend", clv.ErrOutOfRange, func() error {
			_, err := btyd.NewCustomerForecast(bg, btyd.GammaGamma{P: 1, Q: 0.5, Gamma: 1}, clv.Week, []int64{1}, year)
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.f(); !errors.Is(err, tc.want) {
				t.Errorf("error %v; want %v", err, tc.want)
			}
		})
	}
}

// TestDERTsMatchMethods holds DERTs, computed once for each distinct
// (x, T), to each model's DERT customer by customer, on 600 customers of
// the CDNOW sample, and DiscreteDERTs to BG/BB's.
func TestDERTsMatchMethods(t *testing.T) {
	b := cdnowSummary(t).Base()
	b.Customers = b.Customers[:600]
	delta := math.Log(1.15) / 52
	for _, tc := range forecasters {
		d := tc.m.(interface {
			DERT(x int64, tx, T, delta float64) (float64, error)
		})
		got, err := btyd.DERTs(tc.m, b, delta)
		if err != nil || len(got) != len(b.Customers) {
			t.Fatalf("%s: %d, %v", tc.name, len(got), err)
		}
		for i, c := range b.Customers {
			want, _ := d.DERT(c.X, c.Tx, c.T, delta)
			if math.Abs(got[i]-want) > 1e-13*want {
				t.Errorf("%s, customer %s: %.16g; DERT %.16g", tc.name, c.ID, got[i], want)
			}
		}
	}
	m := donationsModel
	o := btyd.Opportunities{Every: clv.Year, Customers: []btyd.DiscreteCustomer{{ID: "new"}}}
	for _, c := range [][3]int64{{0, 0, 6}, {2, 4, 6}, {6, 6, 6}, {1, 1, 3}, {3, 5, 9}, {2, 4, 6}} {
		o.Customers = append(o.Customers, btyd.DiscreteCustomer{ID: "c", X: c[0], Tx: c[1], N: c[2]})
	}
	got, err := btyd.DiscreteDERTs(m, o, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	// A new customer: survival to each of the appeals, a purchase at
	// each with chance α/(α + β), discounted.
	var want float64
	for k := 1; k < 2000; k++ {
		s := 1.0
		for j := range k {
			s *= (m.Delta + float64(j)) / (m.Gamma + m.Delta + float64(j))
		}
		want += m.Alpha / (m.Alpha + m.Beta) * s * math.Pow(1.1, -float64(k))
	}
	if math.Abs(got[0]-want) > 1e-12*want {
		t.Errorf("new customer: %.16g; summed %.16g", got[0], want)
	}
	for i, c := range o.Customers[1:] {
		want, _ := m.DERT(c.X, c.Tx, c.N, 0.1)
		if got[i+1] != want {
			t.Errorf("%+v: %.16g; DERT %.16g", c, got[i+1], want)
		}
	}
	for _, tc := range []struct {
		name string
		want error
		f    func() error
	}{
		{"nil model", clv.ErrMissing, func() error { _, err := btyd.DERTs(nil, b, 0.01); return err }},
		{"delta zero", clv.ErrNonPositive, func() error { _, err := btyd.DERTs(cdnowPNBD, b, 0); return err }},
		{"delta huge", clv.ErrOutOfRange, func() error { _, err := btyd.DERTs(cdnowPNBD, b, 1e4); return err }},
		{"bad customer", clv.ErrNegative, func() error {
			_, err := btyd.DERTs(cdnowPNBD, btyd.Base{Unit: clv.Week, Customers: []btyd.Customer{{X: -1}}}, 0.01)
			return err
		}},
		{"d zero", clv.ErrNonPositive, func() error { _, err := btyd.DiscreteDERTs(m, o, 0); return err }},
		{"d NaN", clv.ErrOutOfRange, func() error { _, err := btyd.DiscreteDERTs(m, o, math.NaN()); return err }},
		{"d tiny", clv.ErrOutOfRange, func() error { _, err := btyd.DiscreteDERTs(m, o, 1e-9); return err }},
		{"bad model", clv.ErrNonPositive, func() error { _, err := btyd.DiscreteDERTs(btyd.BGBB{}, o, 0.1); return err }},
	} {
		if err := tc.f(); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v; want %v", tc.name, err, tc.want)
		}
	}
}

// TestAlivePathLifetimes holds a daily alive path to lifetimes'
// calculate_alive_path (lifetimes 0.11 with Debian's numpy and pandas,
// its BetaGeoFitter's conditional_probability_alive at FHL's CDNOW
// BG/NBD fit, α in days): a customer who first bought on 2020-01-01 and
// again 14, 33, 34 and 100 days later, followed for 150 days.
func TestAlivePathLifetimes(t *testing.T) {
	m := btyd.BGNBD{R: 0.243, Alpha: 4.414 * 7, A: 0.793, B: 2.426}
	path, err := btyd.AlivePath(m, []float64{14, 33, 34, 100}, 150, 1)
	if err != nil || len(path) != 150 {
		t.Fatalf("%d steps, %v", len(path), err)
	}
	for day, want := range map[int]float64{
		1: 1.0, 14: 0.753650201926064, 20: 0.7235752477869548, 33: 0.8120407679544915, 34: 0.8480551829852462,
		60: 0.6517619006545243, 100: 0.8724875381894195, 101: 0.8688516086195507, 150: 0.6342423938543377,
	} {
		if got := path[day-1]; math.Abs(got-want) > 1e-14 {
			t.Errorf("day %d: %.16g; lifetimes %.16g", day, got, want)
		}
	}
}
