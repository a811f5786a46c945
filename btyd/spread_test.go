package btyd_test

import (
	"fmt"
	"testing"

	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// valuationOf returns a valuation of customers worth values.
func valuationOf(values ...string) btyd.Valuation {
	var v btyd.Valuation
	for i, s := range values {
		v.Customers = append(v.Customers, btyd.CustomerValue{ID: fmt.Sprint("c", i), Value: decimal.RequireFromString(s)})
	}
	return v
}

func TestSpread(t *testing.T) {
	// Four customers in no order, of values at different scales.
	s := btyd.Spread(valuationOf("15", "50.5", "4.5", "30"))
	assert.Equal(t, 4, s.Customers)
	assert.Equal(t, "100.00", s.Value.StringFixed(2))
	// Tenths of four: ranks [0, 1), [1, 1), [1, 2), [2, 2), [2, 2),
	// [2, 3), [3, 3), [3, 4), [4, 4), [4, 4).
	wantCustomers := []int{1, 0, 1, 0, 0, 1, 0, 1, 0, 0}
	wantValues := []string{"50.5", "0", "30", "0", "0", "15", "0", "4.5", "0", "0"}
	for d, dec := range s.Deciles {
		assert.Equal(t, wantCustomers[d], dec.Customers, "decile %d", d+1)
		assert.True(t, dec.Value.Equal(decimal.RequireFromString(wantValues[d])), "decile %d: %s", d+1, dec.Value)
		assert.True(t, dec.Low.Equal(dec.Value) && dec.High.Equal(dec.Value), "decile %d: one customer or none", d+1)
		assert.InDelta(t, dec.Value.InexactFloat64()/100, dec.Share, 1e-15)
	}
	for _, c := range []struct {
		percent, customers int
		value              string
	}{
		{0, 0, "0"}, {1, 1, "50.5"}, {25, 1, "50.5"}, {26, 2, "80.5"}, {50, 2, "80.5"}, {51, 3, "95.5"}, {100, 4, "100"},
	} {
		top := s.Top[c.percent]
		assert.Equal(t, c.percent, top.Percent)
		assert.Equal(t, c.customers, top.Customers, "top %d %%", c.percent)
		assert.True(t, top.Value.Equal(decimal.RequireFromString(c.value)), "top %d %%: %s", c.percent, top.Value)
		assert.InDelta(t, top.Value.InexactFloat64()/100, top.Share, 1e-15)
	}
}

// Values beyond 18 digits at a common scale are summed as decimals, to
// the same figures.
func TestSpreadDecimalPath(t *testing.T) {
	values := []string{"3", "1", "2", "7", "5", "0.000000000000000001"}
	wide := btyd.Spread(valuationOf(append(values, "100000000000")...))
	narrow := btyd.Spread(valuationOf(append(values[:5:5], "0", "100000000000")...))
	assert.Equal(t, "100000000018.000000000000000001", wide.Value.String())
	assert.Equal(t, "100000000018", narrow.Value.String())
	for p := range wide.Top {
		diff := wide.Top[p].Value.Sub(narrow.Top[p].Value)
		assert.True(t, diff.IsZero() || diff.Equal(decimal.RequireFromString("0.000000000000000001")), "top %d %%: %s", p, diff)
	}
	assert.Equal(t, "100000000000", wide.Deciles[0].High.String())
	// A sum beyond an int64 is a decimal sum.
	big := btyd.Spread(valuationOf("9000000000000000000", "9000000000000000000", "1"))
	assert.Equal(t, "18000000000000000001", big.Value.String())
	assert.Equal(t, "9000000000000000000", big.Top[33].Value.String())
}

// The deciles add up to the whole, the top shares grow with the percent
// to 1, and a valuation without value or customers has shares of 0.
func TestSpreadProperties(t *testing.T) {
	var values []string
	for i := range 1234 {
		values = append(values, decimal.New(int64(i*i%977), -2).String())
	}
	s := btyd.Spread(valuationOf(values...))
	sum := decimal.Zero
	customers := 0
	for _, d := range s.Deciles {
		sum = sum.Add(d.Value)
		customers += d.Customers
		assert.True(t, d.Low.LessThanOrEqual(d.High))
	}
	assert.True(t, sum.Equal(s.Value), "%s against %s", sum, s.Value)
	assert.Equal(t, 1234, customers)
	for p := 1; p <= 100; p++ {
		require.GreaterOrEqual(t, s.Top[p].Share, s.Top[p-1].Share, "top %d %%", p)
		// Each percent's customers are worth no more, on average, than
		// the percent's above them: 12 or 13 customers each.
		if p >= 2 {
			mean := func(q int) float64 {
				return (s.Top[q].Share - s.Top[q-1].Share) / float64(s.Top[q].Customers-s.Top[q-1].Customers)
			}
			assert.LessOrEqual(t, mean(p), mean(p-1)+1e-15, "top %d %%", p)
		}
	}
	assert.Equal(t, 1.0, s.Top[100].Share)

	for _, v := range []btyd.Valuation{{}, valuationOf("0", "0")} {
		s := btyd.Spread(v)
		assert.True(t, s.Value.IsZero())
		for _, top := range s.Top {
			assert.Equal(t, 0.0, top.Share)
		}
	}
}
