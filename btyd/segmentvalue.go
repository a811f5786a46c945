package btyd

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/clvkit/clv"
	"github.com/shopspring/decimal"
)

// A SegmentValue is the value the models put on the customers of one
// segment ([Customer.Segment]), from [ValueBySegment].
type SegmentValue struct {
	// Segment is the segment's name; empty in [SegmentValues.Blended],
	// and for the customers whose first purchase named none.
	Segment string `json:"segment"`
	// Customers counts the segment's customers, and RepeatBuyers those of
	// them with a repeat purchase in the calibration period (X > 0).
	Customers    int64 `json:"customers"`
	RepeatBuyers int64 `json:"repeat_buyers"`
	// ProbAlive is the customers' mean probability of being alive at the
	// calibration end: the expected share of them still customers.
	ProbAlive float64 `json:"prob_alive"`
	// Purchases is the sum of the customers' expected purchases over the
	// valuation's horizon.
	Purchases float64 `json:"purchases"`
	// Value is the exact sum of the customers' values as rounded
	// ([CustomerValue.Value]), and ValuePerCustomer that sum divided by
	// Customers, rounded once, half away from zero, to the scale; 0
	// without customers.
	Value            decimal.Decimal `json:"value"`
	ValuePerCustomer decimal.Decimal `json:"value_per_customer"`
}

// Equal reports whether s and t hold the same segment and counts, the
// same floating-point figures, and numerically equal values.
func (s SegmentValue) Equal(t SegmentValue) bool {
	return s.Segment == t.Segment && s.Customers == t.Customers && s.RepeatBuyers == t.RepeatBuyers &&
		s.ProbAlive == t.ProbAlive && s.Purchases == t.Purchases &&
		s.Value.Equal(t.Value) && s.ValuePerCustomer.Equal(t.ValuePerCustomer)
}

// SegmentValues is a [Valuation] totalled by segment, from
// [ValueBySegment].
type SegmentValues struct {
	// Segments holds one SegmentValue for each segment of the base's
	// customers, sorted by name in byte order.
	Segments []SegmentValue `json:"segments"`
	// Blended is the segments together, their figures weighted by their
	// customers as [clv.CalculateSegments] weights them: its counts,
	// Purchases and Value are the segments' sums, and its ProbAlive and
	// ValuePerCustomer the customer-weighted means of theirs,
	//
	//	blended X = Σ customers_i × X_i / Σ customers_i
	//
	// which are the means over every customer of the base, ValuePerCustomer
	// computed from the exact sum and rounded once. Its Segment is empty.
	Blended SegmentValue `json:"blended"`
}

// Equal reports whether s and t hold equal segments, in the same order,
// and equal blends.
func (s SegmentValues) Equal(t SegmentValues) bool {
	return slices.EqualFunc(s.Segments, t.Segments, SegmentValue.Equal) && s.Blended.Equal(t.Blended)
}

// ValueBySegment totals v, the valuation of base b by [Values] or
// [DiscreteValues], by the segment of each customer ([Customer.Segment],
// the segment of their first purchase): for each segment, its customers,
// repeat buyers, mean P(alive), expected purchases, and value in total
// and per customer, and the blend of all of them. It is the business
// formulas' rule — compute each segment, then combine them weighted by
// customers ([clv.CalculateSegments]) — applied to the models' values.
//
// Each segment's value is the exact decimal sum of its customers' values
// as v rounded them, so the segments' values add up to the blend's
// exactly; it may differ from [Valuation.Value], the sum rounded once, by
// up to half a unit of the last place a customer. The value per customer
// is that sum / customers, rounded half away from zero to scale places,
// which should be the scale v was rounded to ([WithScale]). The mean
// P(alive) and expected purchases are float64 sums in the base's order,
// and the blend's the sums of the segments' in theirs.
//
// It returns an error wrapping [clv.ErrInconsistent] if v does not value
// b's customers, one for one in b's order, and [clv.ErrOutOfRange] if
// scale is not from 0 to [clv.MaxScale].
func ValueBySegment(b Base, v Valuation, scale int32) (SegmentValues, error) {
	const fn = "value by segment"
	switch {
	case scale < 0 || scale > clv.MaxScale:
		return SegmentValues{}, fmt.Errorf("btyd: %s: scale = %d: %w: must be from 0 to %d", fn, scale, clv.ErrOutOfRange, clv.MaxScale)
	case len(b.Customers) != len(v.Customers):
		return SegmentValues{}, fmt.Errorf("btyd: %s: %d customers valued of %d: %w", fn, len(v.Customers), len(b.Customers), clv.ErrInconsistent)
	}
	// Sums by segment, as they come; sorted after. A base has a few
	// segments and many customers, so a map from name to place.
	at := map[string]int{}
	var acc []segmentSums
	for i, c := range b.Customers {
		cv := v.Customers[i]
		if cv.ID != c.ID {
			return SegmentValues{}, fmt.Errorf("btyd: %s: customer %d: %.20q valued as %.20q: %w", fn, i+1, c.ID, cv.ID, clv.ErrInconsistent)
		}
		k, ok := at[c.Segment]
		if !ok {
			k = len(acc)
			at[c.Segment] = k
			acc = append(acc, segmentSums{SegmentValue: SegmentValue{Segment: c.Segment, Value: decimal.Zero}})
		}
		s := &acc[k]
		s.Customers++
		if c.X > 0 {
			s.RepeatBuyers++
		}
		s.alive += cv.ProbAlive
		s.Purchases += cv.Purchases
		s.Value = s.Value.Add(cv.Value)
	}
	slices.SortFunc(acc, func(x, y segmentSums) int { return cmp.Compare(x.Segment, y.Segment) })
	out := SegmentValues{Segments: make([]SegmentValue, len(acc))}
	blend := segmentSums{SegmentValue: SegmentValue{Value: decimal.Zero}}
	for k, s := range acc {
		out.Segments[k] = s.finish(scale)
		blend.Customers += s.Customers
		blend.RepeatBuyers += s.RepeatBuyers
		blend.alive += s.alive
		blend.Purchases += s.Purchases
		blend.Value = blend.Value.Add(s.Value)
	}
	out.Blended = blend.finish(scale)
	return out, nil
}

// segmentSums are a segment's figures as they are summed: the sum of
// P(alive) in place of its mean.
type segmentSums struct {
	SegmentValue
	alive float64
}

// finish returns the segment's figures from its sums: the means, and the
// value per customer rounded to scale.
func (s segmentSums) finish(scale int32) SegmentValue {
	v := s.SegmentValue
	v.ValuePerCustomer = decimal.Zero
	if v.Customers > 0 {
		v.ProbAlive = s.alive / float64(v.Customers)
		v.ValuePerCustomer = v.Value.DivRound(decimal.NewFromInt(v.Customers), scale)
	}
	return v
}
