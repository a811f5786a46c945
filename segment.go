package clv

import (
	"fmt"
	"slices"

	"github.com/shopspring/decimal"
)

// A Segment is a named group of customers with its own window totals,
// lifespan and acquisition cost: a channel, a plan, a region, a cohort.
type Segment struct {
	// Name identifies the segment; names must be distinct.
	Name string `json:"name"`
	// Window holds the segment's totals. All segments of a calculation
	// share one window period.
	Window Window `json:"window"`
	// Lifespan is how long the segment's customers keep buying.
	Lifespan Lifespan `json:"lifespan"`
	// AcquisitionCost is the cost of acquiring one customer of the
	// segment. Zero means the cost given by [WithAcquisitionCost], if any.
	AcquisitionCost decimal.Decimal `json:"acquisition_cost"`
}

// Equal reports whether s and t have the same name and numerically equal
// window, lifespan and acquisition cost.
func (s Segment) Equal(t Segment) bool {
	return s.Name == t.Name && s.Window.Equal(t.Window) && s.Lifespan.Equal(t.Lifespan) &&
		s.AcquisitionCost.Equal(t.AcquisitionCost)
}

// A SegmentResult holds the figures of one segment and its place among the
// others.
type SegmentResult struct {
	// Name is the segment's name.
	Name string `json:"name"`
	// Result holds the segment's figures, as [Calculate] computes them.
	Result Result `json:"result"`
	// CustomerShare is the segment's share of all customers, from 0 to 1.
	CustomerShare decimal.Decimal `json:"customer_share"`
	// ValueShare is the segment's share of the discounted lifetime value of
	// all customers (customers × [Result.DiscountedLifetimeValue]), from 0
	// to 1; 0 for every segment when that total is zero.
	ValueShare decimal.Decimal `json:"value_share"`
	// Rank orders the segments by DiscountedLifetimeValue per customer: 1
	// is the most valuable, and segments of equal value keep their input
	// order.
	Rank int `json:"rank"`
}

// Equal reports whether r and s hold the same name and rank and numerically
// equal figures.
func (r SegmentResult) Equal(s SegmentResult) bool {
	return r.Name == s.Name && r.Rank == s.Rank && r.Result.Equal(s.Result) &&
		r.CustomerShare.Equal(s.CustomerShare) && r.ValueShare.Equal(s.ValueShare)
}

// A SegmentReport holds the result of each segment, in input order, the
// totals of all segments, and their blended result.
type SegmentReport struct {
	// Segments holds one result per segment, in the order given.
	Segments []SegmentResult `json:"segments"`
	// Total holds the summed revenue, purchases and customers.
	Total Window `json:"total"`
	// Blended holds the figures of all customers together: each segment's
	// figures weighted by its customers, except the window averages, which
	// come from Total (APV = total revenue / total purchases). Where all
	// segments share one lifespan and acquisition cost, Blended equals
	// [Calculate] on Total.
	Blended Result `json:"blended"`
}

// Equal reports whether r and s hold equal segment results in the same
// order, equal totals and equal blended results.
func (r SegmentReport) Equal(s SegmentReport) bool {
	return slices.EqualFunc(r.Segments, s.Segments, SegmentResult.Equal) &&
		r.Total.Equal(s.Total) && r.Blended.Equal(s.Blended)
}

// CalculateSegments computes each segment as [Calculate] does, with the same
// options, and blends them: every per-customer figure of the blend is
// the segments' figures weighted by their customers,
//
//	blended X = Σ customers_i × X_i / Σ customers_i
//
// computed from the exact figures and rounded once. LTV:CAC and payback are
// computed from the blended lifetime value, acquisition cost and
// contribution, as for a single window.
//
// It fails as [Calculate] does for any segment, naming it, and besides with
// [ErrNonPositive] if there are no segments, [ErrInconsistent] if two
// segments share a name or their windows differ in period, and
// [ErrOutOfRange] if the summed counts overflow int64.
func CalculateSegments(segments []Segment, opts ...Option) (SegmentReport, error) {
	const fn = "segments"
	c, err := newConfig(opts)
	if err != nil {
		return SegmentReport{}, err
	}
	if len(segments) == 0 {
		return SegmentReport{}, &argError{fn: fn, arg: "number of segments", val: "0", err: ErrNonPositive}
	}
	window := segments[0].Window.Period
	names := make(map[string]bool, len(segments))
	parts := make([]totals, len(segments))
	var all totals
	for i, s := range segments {
		prefix := fmt.Sprintf("segment %q: ", s.Name)
		if names[s.Name] {
			return SegmentReport{}, &argError{fn: fn, arg: "name", note: fmt.Sprintf("%q used twice", s.Name), err: ErrInconsistent}
		}
		names[s.Name] = true
		if s.Window.Period != window {
			return SegmentReport{}, &argError{fn: fn, arg: prefix + "window period", note: fmt.Sprintf("%s, not the first segment's %s", s.Window.Period, window), err: ErrInconsistent}
		}
		cac, err := checkNonNegative(fn, prefix+"acquisition cost", s.AcquisitionCost)
		if err != nil {
			return SegmentReport{}, err
		}
		if cac.IsZero() {
			cac = c.acquisitionCost
		}
		if parts[i], err = c.totals(prefix, s.Window, s.Lifespan, cac); err != nil {
			return SegmentReport{}, err
		}
		var ok bool
		if all, ok = all.add(parts[i]); !ok {
			return SegmentReport{}, &argError{fn: fn, arg: "total purchases or customers", err: ErrOutOfRange}
		}
	}

	customers := decimal.NewFromInt(all.customers)
	allValue := prepare(all.discounted, c.scale)
	// Every term is at least zero, so the total is zero only if all are.
	worthless := !slices.ContainsFunc(parts, func(t totals) bool { return t.discounted[0].sign() != 0 })
	report := SegmentReport{
		Segments: make([]SegmentResult, len(segments)),
		Total:    Window{Revenue: all.revenue, Purchases: all.purchases, Customers: all.customers, Period: window},
		Blended:  c.result(all, window),
	}
	for i, t := range parts {
		r := SegmentResult{
			Name:          segments[i].Name,
			Result:        c.result(t, window),
			CustomerShare: decimal.NewFromInt(t.customers).DivRound(customers, c.scale),
			ValueShare:    decimal.Zero,
		}
		if !worthless {
			r.ValueShare = roundQuo(prepare(t.discounted, c.scale), allValue, c.scale)
		}
		report.Segments[i] = r
	}

	order := make([]int, len(segments))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int {
		return report.Segments[j].Result.DiscountedLifetimeValue.Cmp(report.Segments[i].Result.DiscountedLifetimeValue)
	})
	for rank, i := range order {
		report.Segments[i].Rank = rank + 1
	}
	return report, nil
}
