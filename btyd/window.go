package btyd

// This file holds the value of a window of the future, (T + t₁, T + t₂]:
// a valuation to t₂ less one to t₁, by the machinery of value.go, with the
// same steps and discounting, before any rounding.

import (
	"errors"
	"fmt"
	"math"

	"github.com/clvkit/clv"
	"github.com/shopspring/decimal"
)

// A Window is a span of the future after the calibration end: from Start
// to End periods after it, (Start, End], in exact lengths as a [Horizon]
// counts them. Years 3 to 5 are Window{Start: 2, End: 5, Period:
// clv.Year}.
type Window struct {
	Start  int        `json:"start"`
	End    int        `json:"end"`
	Period clv.Period `json:"period"`
}

// A WindowValuation is the value of a customer base in a window of the
// future, customer by customer and in total, from [WindowValues].
type WindowValuation struct {
	// Window is the span valued, and Step the step of counting and
	// discounting.
	Window Window     `json:"window"`
	Step   clv.Period `json:"step"`
	// Customers holds each customer's expected purchases and value in
	// the window, in the base's order; ProbAlive is at the calibration
	// end, as in [Values].
	Customers []CustomerValue `json:"customers"`
	// Purchases is the sum of the customers' expected purchases in the
	// window, and Value the sum of their values before rounding, rounded
	// once to the scale.
	Purchases float64         `json:"purchases"`
	Value     decimal.Decimal `json:"value"`
}

// WindowValues returns the value of each customer of a base in a window
// of the future, (t₁, t₂] after the calibration end, t₁ = Start and t₂ =
// End periods: what they are worth in years 3 to 5, say. Purchases and
// value are counted and discounted exactly as [Values] counts them, in
// steps of length Δ from the calibration end, each step's purchases valued
// at its end and discounted from there to the calibration end, at rate d
// per period of length P:
//
//	purchases            = E[Y(t₂)] − E[Y(t₁)]
//	discounted purchases = Σ_{k: t₁ < t_k ≤ t₂} (E[Y(t_k)] − E[Y(t_{k−1})]) (1 + d)^(−t_k / P)
//	value                = margin × E[Z | x, z̄] × discounted purchases
//
// with E[Y(t)] the model's ConditionalExpectedPurchases: the valuation
// of [Values] over End periods less the one over Start periods, which is
// why t₁ must be a whole number of steps. Windows that meet add up: the
// value of (t₀, t₁] and of (t₁, t₂] is that of (t₀, t₂], but for the
// rounding of each. The expectations of each distinct (x, T) are computed
// once for each of the two horizons, by the sums of value.go, and
// subtracted before any rounding; the result carries about 12 significant
// digits of the longer horizon's figures, so a window's figure small
// beside them carries fewer. Options are those of Values.
//
// It fails as [Values] does, and with an error wrapping [clv.ErrNegative]
// for a negative Start, [clv.ErrInconsistent] for an End not after Start
// or a Start that is not a whole number of steps (weekly steps in a
// window of years), and [clv.ErrUnknownPeriod] for an unknown period.
func WindowValues(m PurchaseModel, g SpendModel, b Base, w Window, opts ...ValueOption) (WindowValuation, error) {
	const fn = "window values"
	switch {
	case w.Start < 0:
		return WindowValuation{}, fmt.Errorf("btyd: %s: window start = %d: %w", fn, w.Start, clv.ErrNegative)
	case w.End <= w.Start:
		return WindowValuation{}, fmt.Errorf("btyd: %s: window (%d, %d]: %w: its end is not after its start", fn, w.Start, w.End, clv.ErrInconsistent)
	}
	end, err := newValuer(fn, m, g, b, Horizon{Length: w.End, Period: w.Period}, opts)
	if err != nil {
		return WindowValuation{}, err
	}
	var start *valuer
	if w.Start > 0 {
		if start, err = newValuer(fn, m, g, b, Horizon{Length: w.Start, Period: w.Period}, opts); err != nil {
			return WindowValuation{}, err
		}
		period, _ := unitDays(w.Period)
		step, _ := unitDays(end.config.step)
		if k := float64(w.Start) * period / step; math.Abs(k-math.Round(k)) > 1e-9*k {
			return WindowValuation{}, fmt.Errorf("btyd: %s: window start = %d %ss: %w: not a whole number of steps of a %s", fn, w.Start, w.Period, clv.ErrInconsistent, end.config.step)
		}
	}
	scale := end.config.scale
	out := WindowValuation{Window: w, Step: end.config.step, Customers: make([]CustomerValue, len(b.Customers))}
	// The distinct (x, T) first, their expectations split between the
	// goroutines so that none is computed twice, then the customers.
	pairs, of := basePairs(b)
	windows := make([]pairValue, len(pairs))
	var errs [2]error
	split(len(pairs), func(part, lo, hi int) {
		for j := lo; j < hi; j++ {
			e, err := end.expect(m, pairs[j].x, pairs[j].T)
			if err != nil {
				errs[part] = err
				return
			}
			if start != nil {
				s, err := start.expect(m, pairs[j].x, pairs[j].T)
				if err != nil {
					errs[part] = err
					return
				}
				// Rounding aside, the window's figures are not negative.
				e.purchases = max(e.purchases-s.purchases, 0)
				e.discounted = max(e.discounted-s.discounted, 0)
			}
			windows[j] = e
		}
	})
	if err := errors.Join(errs[0], errs[1]); err != nil {
		return WindowValuation{}, err
	}
	alives, err := baseAlive(fn, m, b, pairs, of)
	if err != nil {
		return WindowValuation{}, err
	}
	var parts [2]valueSums
	split(len(b.Customers), func(part, lo, hi int) {
		p := &parts[part]
		for i := lo; i < hi; i++ {
			c := &b.Customers[i]
			e, alive := windows[of[i]], alives[i]
			spend, err := g.expectedSpend(fn, float64(c.X), toFloat(c.Spend))
			if err != nil {
				p.err = naming(err, fn, "customer", int64(i+1))
				return
			}
			value := end.margin * spend * alive * e.discounted
			p.add(&out.Customers[i], c.ID, alive, alive*e.purchases, alive*e.discounted, spend, value, scale)
		}
	})
	var v Valuation
	if err := v.total(fn, &parts, scale); err != nil {
		return WindowValuation{}, err
	}
	out.Purchases, out.Value = v.Purchases, v.Value
	return out, nil
}

// DiscreteWindowValues returns the value of each customer of o in a
// window of the future by the BG/BB model m, as [WindowValues] does for
// the continuous models: the opportunities n + n₁ + 1 to n + n₂, with n₁
// and n₂ the whole numbers of opportunities in Start and End periods, as
// [DiscreteValues] counts a horizon's, each opportunity's expected
// purchase valued at its end and discounted as DiscreteValues discounts
// it:
//
//	discounted purchases = A/L · (α + x)/(α + β + n) · Σ_{t=n₁+1}^{n₂} B(γ, δ + n + t)/B(γ, δ + n) (1 + d)^(−tL/P)
//
// which is DiscreteValues over End periods less DiscreteValues over Start
// periods, taken before any rounding. The sums over the opportunities are
// computed once for each distinct n, as in DiscreteValues; the result's
// Window is (n₁, n₂] opportunities of o.Every and its Step o.Every.
//
// It fails as [DiscreteValues] does, and with an error wrapping
// [clv.ErrNegative] for a negative Start and [clv.ErrInconsistent] for an
// End not after Start.
func DiscreteWindowValues(m BGBB, g SpendModel, o Opportunities, w Window, opts ...ValueOption) (WindowValuation, error) {
	const fn = "discrete window values"
	switch {
	case w.Start < 0:
		return WindowValuation{}, fmt.Errorf("btyd: %s: window start = %d: %w", fn, w.Start, clv.ErrNegative)
	case w.End <= w.Start:
		return WindowValuation{}, fmt.Errorf("btyd: %s: window (%d, %d]: %w: its end is not after its start", fn, w.Start, w.End, clv.ErrInconsistent)
	}
	end, err := newDiscreteValuer(fn, m, g, o, Horizon{Length: w.End, Period: w.Period}, opts)
	if err != nil {
		return WindowValuation{}, err
	}
	var skip int64 // n₁
	if w.Start > 0 {
		if skip, err = discreteOpportunities(fn, o.Every, Horizon{Length: w.Start, Period: w.Period}); err != nil {
			return WindowValuation{}, err
		}
	}
	n2, margin, scale := end.opportunities, end.margin, end.config.scale
	out := WindowValuation{Window: Window{Start: int(skip), End: int(n2), Period: o.Every}, Step: o.Every, Customers: make([]CustomerValue, len(o.Customers))}
	// The window's sums of each distinct n, then the outlook of each
	// distinct (x, t_x, n), then the customers.
	keys, of, _ := discreteHistories(m, o)
	sums := make(map[int64][2]float64)
	for _, k := range keys {
		n := k[2]
		if _, ok := sums[n]; ok {
			continue
		}
		var s [2]float64
		s[0], s[1] = m.horizonSums(n, n2, end.discount)
		if skip > 0 {
			s1, d1 := m.horizonSums(n, skip, end.discount[:skip])
			s[0], s[1] = max(s[0]-s1, 0), max(s[1]-d1, 0)
		}
		sums[n] = s
	}
	outlooks := make([][3]float64, len(keys)) // P(alive), purchases, discounted
	split(len(keys), func(_, lo, hi int) {
		for j := lo; j < hi; j++ {
			k, s := keys[j], sums[keys[j][2]]
			e := &outlooks[j]
			e[0], e[1], e[2] = m.outlookOf(k[0], k[1], k[2], s[0], s[1])
		}
	})
	var parts [2]valueSums
	split(len(o.Customers), func(part, lo, hi int) {
		p := &parts[part]
		for i := lo; i < hi; i++ {
			c := &o.Customers[i]
			e := &outlooks[of[i]]
			spend, err := g.expectedSpend(fn, float64(c.X), toFloat(c.Spend))
			if err != nil {
				p.err = naming(err, fn, "customer", int64(i+1))
				return
			}
			p.add(&out.Customers[i], c.ID, e[0], e[1], e[2], spend, margin*spend*e[2], scale)
		}
	})
	var v Valuation
	if err := v.total(fn, &parts, scale); err != nil {
		return WindowValuation{}, err
	}
	out.Purchases, out.Value = v.Purchases, v.Value
	return out, nil
}
