package btyd

// This file implements Spread: how the value of a valuation is shared
// among its customers, by deciles and by the share the most valuable hold.

import (
	"cmp"
	"slices"

	"github.com/clvkit/clv/internal/fixed"
	"github.com/shopspring/decimal"
)

// A Decile is a tenth of a valuation's customers, ranked by value: the
// first holds the most valuable tenth.
type Decile struct {
	// Customers is how many customers it holds, and Low and High the
	// least and the most one of them is worth; both are zero without
	// customers.
	Customers int             `json:"customers"`
	Low       decimal.Decimal `json:"low"`
	High      decimal.Decimal `json:"high"`
	// Value is what its customers are worth together, and Share that as a
	// part of the whole valuation's value, from 0 to 1.
	Value decimal.Decimal `json:"value"`
	Share float64         `json:"share"`
}

// A TopShare is the part of a valuation's value that its most valuable
// customers hold: one point of its Lorenz curve.
type TopShare struct {
	// Percent is the part of the customers, the most valuable, from 0 to
	// 100, and Customers how many that is: ⌈Percent × n / 100⌉ of n, so
	// that the top 1 % of 50 customers is the most valuable one.
	Percent   int `json:"percent"`
	Customers int `json:"customers"`
	// Value is what they are worth together, and Share that as a part of
	// the whole valuation's value, from 0 to 1.
	Value decimal.Decimal `json:"value"`
	Share float64         `json:"share"`
}

// A ValueSpread is how a valuation's value is spread among its
// customers, from [Spread].
type ValueSpread struct {
	// Customers is how many customers the valuation holds, and Value the
	// sum of their values as rounded, exactly.
	Customers int             `json:"customers"`
	Value     decimal.Decimal `json:"value"`
	// Deciles holds the ten tenths of the customers by value, the most
	// valuable first.
	Deciles [10]Decile `json:"deciles"`
	// Top holds, for each whole percent p from 0 to 100, the share of the
	// value that the top p % of customers hold: Top[20] is the top fifth.
	// Drawn against p, it is the Lorenz curve of value, read from the
	// most valuable customer.
	Top [101]TopShare `json:"top"`
}

// Spread returns how v's value is spread among its customers: the value
// of each tenth of them, ranked by value, and the share of the whole that
// the top 1 %, 2 %, … 100 % of customers hold. A part of n customers is
// taken whole: the top p % are the ⌈p n / 100⌉ most valuable, and decile
// d, from 1, runs from rank ⌈(d − 1) n / 10⌉ + 1 to ⌈d n / 10⌉, so that
// with fewer than ten customers some deciles are empty.
//
// The sums are of the customers' values as rounded, exact: they may
// differ from [Valuation.Value], the rounded sum of the values before
// rounding, by up to half a unit of the last place a customer. Shares are
// those exact sums divided in float64; with no value at all, every share
// is 0. Values of [Values] are never negative; a negative value would
// rank last and lower the shares of those above it.
//
// Spread sorts the values once: on a million customers of values
// rounded to one scale, a sort of int64s, some 60 ms. Values that do not
// fit 18 digits at a common scale are sorted and summed as decimals,
// several times slower.
func Spread(v Valuation) ValueSpread {
	n := len(v.Customers)
	out := ValueSpread{Customers: n}
	// cum[k] is the value of the k most valuable customers, and at(k) the
	// value of the customer of rank k, from 0.
	cum, at := sortedSums(v.Customers)
	out.Value = cum(n)
	total := out.Value.InexactFloat64()
	share := func(d decimal.Decimal) float64 {
		if total == 0 {
			return 0
		}
		return d.InexactFloat64() / total
	}
	for d := range out.Deciles {
		lo, hi := part(d*n, 10), part((d+1)*n, 10)
		dec := Decile{Customers: hi - lo, Value: cum(hi).Sub(cum(lo))}
		if hi > lo {
			dec.High, dec.Low = at(lo), at(hi-1)
		}
		dec.Share = share(dec.Value)
		out.Deciles[d] = dec
	}
	for p := range out.Top {
		k := part(p*n, 100)
		val := cum(k)
		out.Top[p] = TopShare{Percent: p, Customers: k, Value: val, Share: share(val)}
	}
	return out
}

// part returns ⌈a / b⌉ for a ≥ 0 and b > 0: the customers of a part
// of a base, taken whole.
func part(a, b int) int { return (a + b - 1) / b }

// sortedSums ranks the customers' values from the highest and returns
// cum, the sum of the k highest, and at, the value of rank k from 0. It
// sums in int64 units of one scale where every value and every sum fits,
// and in decimals otherwise.
func sortedSums(cs []CustomerValue) (cum func(k int) decimal.Decimal, at func(k int) decimal.Decimal) {
	if units, places, ok := commonUnits(cs); ok {
		slices.SortFunc(units, func(a, b int64) int { return cmp.Compare(b, a) })
		sums := make([]int64, len(units)+1)
		fits := true
		for i, u := range units {
			if sums[i+1], fits = fixed.Add(sums[i], u); !fits {
				break
			}
		}
		if fits {
			return func(k int) decimal.Decimal { return decimal.New(sums[k], -places) },
				func(k int) decimal.Decimal { return decimal.New(units[k], -places) }
		}
	}
	values := make([]decimal.Decimal, len(cs))
	for i := range cs {
		values[i] = cs[i].Value
	}
	slices.SortFunc(values, func(a, b decimal.Decimal) int { return b.Cmp(a) })
	sums := make([]decimal.Decimal, len(values)+1)
	sums[0] = decimal.Zero
	for i, d := range values {
		sums[i+1] = sums[i].Add(d)
	}
	return func(k int) decimal.Decimal { return sums[k] }, func(k int) decimal.Decimal { return values[k] }
}

// commonUnits returns the customers' values as int64 units of
// 10^−places, the most places any of them has, and whether every value
// fits.
func commonUnits(cs []CustomerValue) (units []int64, places int32, ok bool) {
	units = make([]int64, len(cs))
	ps := make([]int32, len(cs))
	for i := range cs {
		var p int32
		if units[i], p, ok = fixed.Units(cs[i].Value); !ok {
			return nil, 0, false
		}
		ps[i], places = p, max(places, p)
	}
	for i, p := range ps {
		if units[i], ok = fixed.Scale(units[i], places-p); !ok {
			return nil, 0, false
		}
	}
	return units, places, true
}
