package main

// This file implements clv customers -by-segment: the purchase and spend
// models fitted to each segment's customers apart, and the table of
// segments by those fits, to set beside the table by one model (with
// covariates or without).

import (
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/clvkit/clv/btyd"
)

// segmentsApart is what -by-segment found, as -json prints it.
type segmentsApart struct {
	// Fits holds each segment's purchase fit, named for the segment.
	Fits []segmentFit `json:"fits"`
	// Table is the table of segments, the models' side by the fits apart,
	// the formulas' as in the first table.
	Table *segmentTable `json:"table"`
}

// A segmentFit is one segment's purchase model, fitted to its customers.
type segmentFit struct {
	Segment string      `json:"segment"`
	Fit     purchaseFit `json:"fit"`
}

// fitSegmentsApart fits -model and gamma–gamma to each segment's
// customers apart and values them. A segment whose purchase model cannot
// be fitted is left out of the table with a warning; one whose spend
// model cannot is valued at its mean amount of a repeat purchase, as the
// whole base would be, with a warning.
func (r *customerResult) fitSegmentsApart(in customerInputs) {
	if !in.cov.bySegment {
		return
	}
	if r.segments == nil {
		r.warnings = append(r.warnings, "-by-segment: the log names no segments, so there is nothing to fit apart")
		return
	}
	k := slices.IndexFunc(purchaseModels, func(m purchaseModel) bool { return m.name == r.fits[r.best].Name })
	pm := purchaseModels[k]
	bySegment := map[string][]btyd.Customer{}
	for _, c := range r.base.Customers {
		bySegment[c.Segment] = append(bySegment[c.Segment], c)
	}
	all := btyd.Base{Unit: r.base.Unit, Holdout: r.base.Holdout}
	var values btyd.Valuation
	apart := &segmentsApart{}
	h := btyd.Horizon{Length: in.horizon, Period: in.horizonUnit}
	for _, name := range slices.Sorted(maps.Keys(bySegment)) {
		sub := btyd.Base{Unit: r.base.Unit, Holdout: r.base.Holdout, Customers: bySegment[name]}
		hs := make([]btyd.History, len(sub.Customers))
		for i, c := range sub.Customers {
			hs[i] = btyd.History{X: c.X, Tx: c.Tx, T: c.T, Weight: 1}
		}
		label := segmentLabel(name)
		f, err := pm.fit(hs)
		if err != nil {
			r.warnings = append(r.warnings, fmt.Sprintf("-by-segment: %s fitted to segment %s alone: no fit, so the segment is left out of the table: %s", pm.title, label, trimErr(err)))
			continue
		}
		f.Name, f.title = pm.name, pm.title+", "+label
		var spend btyd.SpendModel
		if g, err := btyd.FitGammaGamma(sub.Customers); err == nil {
			spend = g.Model
		} else if flat, ferr := btyd.MeanSpend(sub.Customers); ferr == nil {
			spend = flat
			r.warnings = append(r.warnings, fmt.Sprintf("-by-segment: gamma–gamma fitted to segment %s alone: no fit, so its purchases are valued at its mean amount of a repeat purchase, %s: %s", label, flat.Amount.StringFixed(int32(in.scale)), trimErr(err)))
		} else {
			r.warnings = append(r.warnings, fmt.Sprintf("-by-segment: segment %s has no repeat purchase to value its spend by, so it is left out of the table", label))
			continue
		}
		v, err := btyd.Values(f.purchase, spend, sub, h, in.valueOptions()...)
		if err != nil {
			r.warnings = append(r.warnings, fmt.Sprintf("-by-segment: segment %s: no values, so it is left out of the table: %s", label, trimErr(err)))
			continue
		}
		apart.Fits = append(apart.Fits, segmentFit{Segment: name, Fit: f})
		all.Customers = append(all.Customers, sub.Customers...)
		values.Customers = append(values.Customers, v.Customers...)
	}
	models, err := btyd.ValueBySegment(all, values, int32(in.scale))
	if err != nil || len(apart.Fits) == 0 {
		return
	}
	t := &segmentTable{Window: r.segments.Window, Blended: segmentRow{Models: &models.Blended, Formulas: r.segments.Blended.Formulas}}
	at := map[string]*btyd.SegmentValue{}
	for i := range models.Segments {
		at[models.Segments[i].Segment] = &models.Segments[i]
	}
	for _, row := range r.segments.Segments {
		t.Segments = append(t.Segments, segmentRow{Segment: row.Segment, Models: at[row.Segment], Formulas: row.Formulas})
	}
	apart.Table = t
	r.apart = apart
}

// printSegmentsApart prints each segment's fit and the table of segments
// by them.
func printSegmentsApart(w io.Writer, r *customerResult, in customerInputs) {
	if r.apart == nil {
		return
	}
	fmt.Fprintln(w)
	for _, f := range r.apart.Fits {
		printFit(w, f.Fit)
	}
	fmt.Fprintln(w)
	apart := *r
	apart.fits = slices.Clone(r.fits)
	apart.fits[r.best].title = r.fits[r.best].title + " fitted to each segment apart"
	apart.covariates = nil
	apart.segments = r.apart.Table
	printSegments(w, &apart, in)
}
