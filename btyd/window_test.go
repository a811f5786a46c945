package btyd_test

import (
	"errors"
	"math"
	"testing"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
)

// TestWindowValuesStepByStep holds the value of years 3 to 5 of each
// customer of the CDNOW sample, in monthly steps at 10 % a year, to the
// sum step by step of the increments of the model's
// ConditionalExpectedPurchases at each month's end, discounted from
// there: 36 evaluations a customer, as the formula reads.
func TestWindowValuesStepByStep(t *testing.T) {
	b := cdnowSummary(t).Base()
	b.Customers = b.Customers[:300]
	g := btyd.FlatSpend{Amount: decimal.NewFromInt(30)}
	rate := btyd.WithDiscountRate(decimal.RequireFromString("0.1"), clv.Year)
	w := btyd.Window{Start: 2, End: 5, Period: clv.Year}
	month := 30.4375 / 7
	for _, tc := range forecasters {
		v, err := btyd.WindowValues(tc.m, g, b, w, rate, btyd.WithStep(clv.Month))
		if err != nil {
			t.Fatal(err)
		}
		if v.Window != w || v.Step != clv.Month {
			t.Fatalf("%s: window %v, step %v", tc.name, v.Window, v.Step)
		}
		var total float64
		for i, c := range b.Customers {
			var discounted float64
			prev, _ := tc.m.ConditionalExpectedPurchases(c.X, c.Tx, c.T, 24*month)
			first := prev
			for k := 25; k <= 60; k++ {
				e, err := tc.m.ConditionalExpectedPurchases(c.X, c.Tx, c.T, float64(k)*month)
				if err != nil {
					t.Fatal(err)
				}
				discounted += (e - prev) * math.Pow(1.1, -float64(k)/12)
				prev = e
			}
			got := v.Customers[i]
			if math.Abs(got.DiscountedPurchases-discounted) > 1e-10*discounted+1e-15 ||
				math.Abs(got.Purchases-(prev-first)) > 1e-10*(prev-first)+1e-15 {
				t.Errorf("%s, customer %s: %.15g purchases, %.15g discounted; step by step %.15g, %.15g",
					tc.name, c.ID, got.Purchases, got.DiscountedPurchases, prev-first, discounted)
			}
			total += 30 * discounted
		}
		if want := decimal.NewFromFloat(total).Round(clv.DefaultScale); v.Value.Sub(want).Abs().GreaterThan(decimal.RequireFromString("1e-6")) {
			t.Errorf("%s: value %s; step by step %s", tc.name, v.Value, want)
		}
	}
}

// TestWindowValuesAddUp holds windows that meet to the window they make,
// and a window from 0 to Values.
func TestWindowValuesAddUp(t *testing.T) {
	b := cdnowSummary(t).Base()
	g := btyd.FlatSpend{Amount: decimal.NewFromInt(30)}
	opts := []btyd.ValueOption{btyd.WithDiscountRate(decimal.RequireFromString("0.15"), clv.Year), btyd.WithStep(clv.Quarter)}
	for _, tc := range forecasters {
		whole, err := btyd.Values(tc.m, g, b, btyd.Horizon{Length: 5, Period: clv.Year}, opts...)
		if err != nil {
			t.Fatal(err)
		}
		var parts []btyd.WindowValuation
		for _, w := range []btyd.Window{{0, 1, clv.Year}, {1, 3, clv.Year}, {3, 5, clv.Year}} {
			v, err := btyd.WindowValues(tc.m, g, b, w, opts...)
			if err != nil {
				t.Fatal(err)
			}
			parts = append(parts, v)
		}
		first, _ := btyd.Values(tc.m, g, b, btyd.Horizon{Length: 1, Period: clv.Year}, opts...)
		for i, c := range whole.Customers {
			if !parts[0].Customers[i].Value.Equal(first.Customers[i].Value) {
				t.Fatalf("%s: window (0, 1] of %s: %v; Values %v", tc.name, c.ID, parts[0].Customers[i].Value, first.Customers[i].Value)
			}
			var purchases, discounted float64
			for _, p := range parts {
				purchases += p.Customers[i].Purchases
				discounted += p.Customers[i].DiscountedPurchases
			}
			if math.Abs(purchases-c.Purchases) > 1e-11*c.Purchases || math.Abs(discounted-c.DiscountedPurchases) > 1e-11*c.DiscountedPurchases {
				t.Errorf("%s, %s: windows add to %.15g, %.15g; the whole %.15g, %.15g", tc.name, c.ID, purchases, discounted, c.Purchases, c.DiscountedPurchases)
			}
		}
	}
}

func TestWindowValuesErrors(t *testing.T) {
	m := btyd.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	g := btyd.FlatSpend{Amount: decimal.NewFromInt(30)}
	b := btyd.Base{Unit: clv.Week, Customers: []btyd.Customer{{ID: "a", X: 1, Tx: 2, T: 5}}}
	for _, tc := range []struct {
		name string
		w    btyd.Window
		opts []btyd.ValueOption
		want error
	}{
		{"negative start", btyd.Window{Start: -1, End: 2, Period: clv.Year}, nil, clv.ErrNegative},
		{"end at start", btyd.Window{Start: 2, End: 2, Period: clv.Year}, nil, clv.ErrInconsistent},
		{"weeks in years", btyd.Window{Start: 1, End: 2, Period: clv.Year}, []btyd.ValueOption{btyd.WithStep(clv.Week)}, clv.ErrInconsistent},
		{"unknown period", btyd.Window{Start: 1, End: 2, Period: clv.Period(77)}, nil, clv.ErrUnknownPeriod},
		{"beyond 1000 years", btyd.Window{Start: 1, End: 2000, Period: clv.Year}, nil, clv.ErrOutOfRange},
		{"bad rate", btyd.Window{Start: 1, End: 2, Period: clv.Year}, []btyd.ValueOption{btyd.WithDiscountRate(decimal.NewFromInt(-1), clv.Year)}, clv.ErrNegative},
	} {
		if _, err := btyd.WindowValues(m, g, b, tc.w, tc.opts...); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v; want %v", tc.name, err, tc.want)
		}
	}
	if _, err := btyd.WindowValues(nil, g, b, btyd.Window{Start: 1, End: 2}); !errors.Is(err, clv.ErrMissing) {
		t.Errorf("nil model: %v", err)
	}
}

// TestDiscreteWindowValues holds BG/BB's value of years 3 to 5 of a base
// of donors to the sum opportunity by opportunity of the increments of
// ConditionalExpectedPurchases, discounted from each year's end at 10 %,
// and a window from 0 to DiscreteValues.
func TestDiscreteWindowValues(t *testing.T) {
	m := donationsModel
	g := btyd.FlatSpend{Amount: decimal.NewFromInt(50)}
	o := btyd.Opportunities{Every: clv.Year, Customers: []btyd.DiscreteCustomer{{ID: "new"}}}
	for _, c := range [][3]int64{{0, 0, 6}, {2, 4, 6}, {6, 6, 6}, {1, 1, 3}, {3, 5, 9}} {
		o.Customers = append(o.Customers, btyd.DiscreteCustomer{ID: "c", X: c[0], Tx: c[1], N: c[2]})
	}
	rate := btyd.WithDiscountRate(decimal.RequireFromString("0.1"), clv.Year)
	v, err := btyd.DiscreteWindowValues(m, g, o, btyd.Window{Start: 2, End: 5, Period: clv.Year}, rate)
	if err != nil {
		t.Fatal(err)
	}
	if v.Window != (btyd.Window{Start: 2, End: 5, Period: clv.Year}) || v.Step != clv.Year {
		t.Fatalf("window %v, step %v", v.Window, v.Step)
	}
	for i, c := range o.Customers {
		cep := func(k int64) float64 {
			if c.N == 0 {
				e, _ := m.ExpectedPurchases(k)
				return e
			}
			e, _ := m.ConditionalExpectedPurchases(c.X, c.Tx, c.N, k)
			return e
		}
		var purchases, discounted float64
		for k := int64(3); k <= 5; k++ {
			inc := cep(k) - cep(k-1)
			purchases += inc
			discounted += inc * math.Pow(1.1, -float64(k))
		}
		got := v.Customers[i]
		if math.Abs(got.Purchases-purchases) > 1e-12*purchases || math.Abs(got.DiscountedPurchases-discounted) > 1e-12*discounted {
			t.Errorf("%+v: %.15g purchases, %.15g discounted; year by year %.15g, %.15g", c, got.Purchases, got.DiscountedPurchases, purchases, discounted)
		}
	}
	whole, err := btyd.DiscreteValues(m, g, o, btyd.Horizon{Length: 3, Period: clv.Year}, rate)
	if err != nil {
		t.Fatal(err)
	}
	from0, err := btyd.DiscreteWindowValues(m, g, o, btyd.Window{End: 3, Period: clv.Year}, rate)
	if err != nil || !from0.Value.Equal(whole.Value) {
		t.Errorf("window (0, 3]: %v, %v; DiscreteValues %v", from0.Value, err, whole.Value)
	}
	for _, tc := range []struct {
		w    btyd.Window
		want error
	}{
		{btyd.Window{Start: -1, End: 3, Period: clv.Year}, clv.ErrNegative},
		{btyd.Window{Start: 3, End: 3, Period: clv.Year}, clv.ErrInconsistent},
		{btyd.Window{Start: 1, End: 3, Period: clv.Period(9)}, clv.ErrUnknownPeriod},
	} {
		if _, err := btyd.DiscreteWindowValues(m, g, o, tc.w); !errors.Is(err, tc.want) {
			t.Errorf("%v: %v; want %v", tc.w, err, tc.want)
		}
	}
}
