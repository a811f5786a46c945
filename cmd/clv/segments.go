package main

// This file implements the value of each segment, both ways: by the
// models, each customer in the segment of their first purchase, and by
// the business formulas, from the segment's windows as clv -input prices
// them, side by side in one table.

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
)

// A segmentTable is the value of each segment by the models and by the
// business formulas, as -json prints it.
type segmentTable struct {
	// Window is the business formulas' window, -window.
	Window clv.Period `json:"window"`
	// Segments holds each segment of either side, by name in byte order.
	Segments []segmentRow `json:"segments"`
	// Blended is every customer: the models' base, and the business
	// formulas' segments blended by their customers.
	Blended segmentRow `json:"blended"`
	// Notes say why the business formulas price some segment, or none.
	Notes []string `json:"notes,omitempty"`
}

// A segmentRow is one segment, both ways: either side is nil where it
// has none of the segment (the models, whose customers are in the segment
// of their first purchase only) or cannot price it (the formulas).
type segmentRow struct {
	Segment  string             `json:"segment"`
	Models   *btyd.SegmentValue `json:"models"`
	Formulas *formulaValue      `json:"formulas"`
}

// A formulaValue is a segment's lifetime value by the business formulas:
// the customers of the window it is priced from, and its figures.
type formulaValue struct {
	Customers int64      `json:"customers"`
	Result    clv.Result `json:"result"`
}

// hasSegments reports whether a log names segments: more than one, or
// one that is not empty.
func hasSegments(names []string) bool {
	return len(names) > 1 || len(names) == 1 && names[0] != ""
}

// valueSegments sets r.segments from the base's customers and the
// business's windows that m read, where the log names segments: the
// formulas at -margin and -discount, as the models' valuation.
func (r *customerResult) valueSegments(m *modelLog, in customerInputs) {
	models, err := btyd.ValueBySegment(r.base, r.valuation, int32(in.scale))
	if err != nil {
		// Values gives one value for each customer of the base, in order;
		// should a model not, the table goes without.
		r.warnings = append(r.warnings, "no value by segment: "+strings.TrimPrefix(err.Error(), "btyd: "))
		return
	}
	var logSegments []string
	var summary clv.Summary
	if m.acc != nil {
		summary = m.acc.Summary()
		for _, seg := range summary.Segments {
			logSegments = append(logSegments, seg.Name)
		}
	}
	var modelSegments []string
	for _, s := range models.Segments {
		modelSegments = append(modelSegments, s.Segment)
	}
	if !hasSegments(logSegments) && !hasSegments(modelSegments) {
		return
	}
	t := &segmentTable{Window: in.window}
	rows := map[string]*segmentRow{}
	row := func(name string) *segmentRow {
		if rows[name] == nil {
			rows[name] = &segmentRow{Segment: name}
		}
		return rows[name]
	}
	for i := range models.Segments {
		row(models.Segments[i].Segment).Models = &models.Segments[i]
	}
	t.Blended.Models = &models.Blended
	if m.acc == nil && m.formulas != nil {
		t.Notes = append(t.Notes, "no business-formula lifetime value, beyond the limits of a log's windows: "+limitReason(m.formulas))
	} else if m.acc != nil {
		opts := []clv.Option{clv.WithGrossMargin(in.margin), clv.WithDiscountRate(in.discount, in.discountPeriod), clv.WithScale(int32(in.scale))}
		report, notes := priceLog(summary, opts)
		t.Notes = append(t.Notes, notes...)
		customers := map[string]int64{}
		for _, seg := range summary.Segments {
			if priced, err := seg.Segment(); err == nil {
				customers[seg.Name] = priced.Window.Customers
			}
		}
		if report != nil {
			for _, seg := range report.Segments {
				row(seg.Name).Formulas = &formulaValue{Customers: customers[seg.Name], Result: seg.Result}
			}
			t.Blended.Formulas = &formulaValue{Customers: report.Total.Customers, Result: report.Blended}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(rows)) {
		t.Segments = append(t.Segments, *rows[name])
	}
	r.segments = t
}

// limitReason says which limit of the whole log an Accumulator met, in
// words that name neither the row nor the segment that met it, which
// depend on how the log was split among the workers.
func limitReason(err error) string {
	msg, limit := err.Error(), strings.TrimPrefix(clv.ErrOutOfRange.Error(), "clv: ")+": "
	if i := strings.LastIndex(msg, limit); i >= 0 {
		return msg[i+len(limit):]
	}
	return strings.TrimPrefix(msg, "clv: ")
}

// printSegments prints the table of the value of each segment, both ways,
// and what each column means.
func printSegments(w io.Writer, r *customerResult, in customerInputs) {
	t := r.segments
	scale := int32(in.scale)
	win := t.Window.String()
	fmt.Fprintf(w, "Value by segment, by %s and by the business formulas, at a gross margin of %s", r.valuedBy(), in.margin)
	if !in.discount.IsZero() {
		fmt.Fprintf(w, ", discounted at %s a %s", in.discount, in.discountPeriod)
	}
	fmt.Fprintln(w, ":")
	fmt.Fprintf(w, "%-12s | %-64s | %s\n", "", "the models, over the next "+horizonName(r.valuation.Horizon), "the business formulas, by "+win)
	fmt.Fprintf(w, "%-12s | %9s %7s %8s %9s %14s %12s | %9s %10s %9s %12s\n", "segment", "customers", "repeat", "P(alive)", "purchases", "value", "a customer",
		"customers", "a "+win, "lifespan", "lifetime")
	line := func(name string, row segmentRow) {
		models, formulas := fmt.Sprintf("%64s", "-"), fmt.Sprintf("%9s %10s %9s %12s", "-", "-", "-", "-")
		if m := row.Models; m != nil {
			models = fmt.Sprintf("%9d %7d %8.3f %9.1f %14s %12s", m.Customers, m.RepeatBuyers, m.ProbAlive, m.Purchases, m.Value.StringFixed(scale), m.ValuePerCustomer.StringFixed(scale))
		}
		if f := row.Formulas; f != nil {
			formulas = fmt.Sprintf("%9d %10s %9s %12s", f.Customers, f.Result.CustomerValue.StringFixed(scale), f.Result.Lifespan.StringFixed(scale), f.Result.DiscountedLifetimeValue.StringFixed(scale))
		}
		fmt.Fprintf(w, "%-12s | %s | %s\n", name, models, formulas)
	}
	for _, row := range t.Segments {
		line(segmentLabel(row.Segment), row)
	}
	line("blended", t.Blended)
	fmt.Fprintln(w)
	for _, s := range segmentsExplained(r, in) {
		fmt.Fprintln(w, s)
	}
	for _, n := range t.Notes {
		fmt.Fprintln(w, n)
	}
}

// segmentsExplained says what each column of the table of segments
// means, and what each side assumes, a sentence a column.
func segmentsExplained(r *customerResult, in customerInputs) []string {
	win := r.segments.Window.String()
	story := "buys at a steady rate of their own until they leave, at a moment of their own"
	if r.discrete != nil {
		story = "buys at each opportunity with a chance of their own until they leave, at an opportunity of their own"
	}
	return []string{
		fmt.Sprintf("The models: customers are those won by the calibration end, %s, each in the segment of their first purchase (their acquisition channel); repeat, those who had bought again by then; P(alive), their mean probability of still being customers then; purchases and value, what %s and the spend model expect of them over the next %s, in total and a customer. The models assume that each customer %s, and spends around a mean of their own. A segment's value adds its customers' values as rounded, so the blend may differ from the value of the whole base by up to half a unit of the last place a customer.",
			in.calibrationEnd.Format(time.DateOnly), r.valuedBy(), horizonName(r.valuation.Horizon), story),
		fmt.Sprintf("The business formulas, from the whole log as clv -input -window %s prices it: customers are those who bought in the segment in its last whole %s, at its revenue a customer; lifespan is 1 / the segment's average churn a %[2]s, in %[2]ss; lifetime is the value of a customer, revenue a %[2]s × lifespan × margin, discounted. The formulas assume that every customer is worth what the last %[2]s's were and leaves at the segment's average churn, for as long as that takes: a lifetime, not the models' horizon. A customer counts in each segment they bought in, where the models count them in their first.", win, win),
	}
}

// horizonName names a horizon: "year", "3 years".
func horizonName(h btyd.Horizon) string {
	if h.Length == 1 {
		return h.Period.String()
	}
	return periods(h.Length, h.Period)
}
