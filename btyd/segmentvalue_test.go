package btyd_test

import (
	"testing"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValueBySegment(t *testing.T) {
	d := decimal.RequireFromString
	customers := func(segments ...string) []btyd.Customer {
		cs := make([]btyd.Customer, len(segments))
		for i, s := range segments {
			cs[i] = btyd.Customer{ID: string(rune('a' + i)), Segment: s, X: int64(i % 2)}
		}
		return cs
	}
	values := func(vs ...string) []btyd.CustomerValue {
		out := make([]btyd.CustomerValue, len(vs))
		for i, v := range vs {
			out[i] = btyd.CustomerValue{ID: string(rune('a' + i)), ProbAlive: 0.25 * float64(i%4+1), Purchases: float64(i), Value: d(v)}
		}
		return out
	}
	for _, c := range []struct {
		name     string
		segments []string
		values   []string
		scale    int32
		want     btyd.SegmentValues
	}{
		// rounding: 0.05 / 3 = 0.01666… rounds to 0.02; 0.01 / 2 = 0.005
		// rounds half away from zero to 0.01; the blend, 0.06 / 5 = 0.012,
		// to 0.01. Segments in byte order: "B" before "a", "" first.
		{"rounding", []string{"a", "B", "a", "B", "a"}, []string{"0.01", "0.00", "0.02", "0.01", "0.02"}, 2, btyd.SegmentValues{
			Segments: []btyd.SegmentValue{
				{Segment: "B", Customers: 2, RepeatBuyers: 2, ProbAlive: (0.5 + 1) / 2, Purchases: 1 + 3, Value: d("0.01"), ValuePerCustomer: d("0.01")},
				{Segment: "a", Customers: 3, RepeatBuyers: 0, ProbAlive: (0.25 + 0.75 + 0.25) / 3, Purchases: 0 + 2 + 4, Value: d("0.05"), ValuePerCustomer: d("0.02")},
			},
			Blended: btyd.SegmentValue{Customers: 5, RepeatBuyers: 2, ProbAlive: (1.5 + 1.25) / 5, Purchases: 10, Value: d("0.06"), ValuePerCustomer: d("0.01")},
		}},
		// the exact sum of values of many places, 2.5, at scale 0:
		// 2.5 / 2 = 1.25 rounds to 1, 9.5 / 3 = 3.17 to 3; the empty
		// segment is a segment.
		{"exact", []string{"", "", "x"}, []string{"1.123456789012345678901234567", "1.376543210987654321098765433", "7"}, 0, btyd.SegmentValues{
			Segments: []btyd.SegmentValue{
				{Segment: "", Customers: 2, RepeatBuyers: 1, ProbAlive: 0.375, Purchases: 1, Value: d("2.5"), ValuePerCustomer: d("1")},
				{Segment: "x", Customers: 1, RepeatBuyers: 0, ProbAlive: 0.75, Purchases: 2, Value: d("7"), ValuePerCustomer: d("7")},
			},
			Blended: btyd.SegmentValue{Customers: 3, RepeatBuyers: 1, ProbAlive: 0.5, Purchases: 3, Value: d("9.5"), ValuePerCustomer: d("3")},
		}},
		// an empty base
		{"empty", nil, nil, 2, btyd.SegmentValues{Segments: []btyd.SegmentValue{}, Blended: btyd.SegmentValue{Value: d("0"), ValuePerCustomer: d("0")}}},
	} {
		got, err := btyd.ValueBySegment(btyd.Base{Customers: customers(c.segments...)}, btyd.Valuation{Customers: values(c.values...)}, c.scale)
		require.NoError(t, err, c.name)
		if !c.want.Equal(got) {
			t.Errorf("%s: want %+v, got %+v", c.name, c.want, got)
		}
	}

	// errors
	b := btyd.Base{Customers: customers("a", "b")}
	_, err := btyd.ValueBySegment(b, btyd.Valuation{Customers: values("1")}, 2)
	assert.ErrorIs(t, err, clv.ErrInconsistent)
	v := btyd.Valuation{Customers: values("1", "2")}
	v.Customers[1].ID = "z"
	_, err = btyd.ValueBySegment(b, v, 2)
	assert.ErrorIs(t, err, clv.ErrInconsistent)
	assert.EqualError(t, err, `btyd: value by segment: customer 2: "b" valued as "z": clv: inconsistent`)
	_, err = btyd.ValueBySegment(b, btyd.Valuation{Customers: values("1", "2")}, -1)
	assert.ErrorIs(t, err, clv.ErrOutOfRange)
	_, err = btyd.ValueBySegment(b, btyd.Valuation{Customers: values("1", "2")}, clv.MaxScale+1)
	assert.ErrorIs(t, err, clv.ErrOutOfRange)
}
