package main

// This file implements clv customers -customer: one customer's history,
// the P(alive) path through it, and their forecasts over the horizon, in
// place of the base's report.

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
)

// tailCut is where the view's table of P(X = n) stops: at the first n
// with P(X > n) below it.
const tailCut = 1e-4

// maxViewCount bounds the rows of the view's table of P(X = n).
const maxViewCount = 1000

// A watchedRows keeps the rows of one customer of a log, -customer's, as
// the log is read.
type watchedRows struct {
	id   string
	rows []watchedRow
}

// A watchedRow is one row of the watched customer: when, and how much.
type watchedRow struct {
	time   time.Time
	amount decimal.Decimal
}

// newWatch returns the watch of -customer's rows, or nil without it.
func (in *customerInputs) newWatch() *watchedRows {
	if in.customer == "" {
		return nil
	}
	return &watchedRows{id: in.customer}
}

// addRows keeps the rows of the watched customer.
func (w *watchedRows) addRows(rows []clv.Row) {
	for i := range rows {
		if string(rows[i].Customer) == w.id {
			w.rows = append(w.rows, watchedRow{rows[i].Time, decimal.New(rows[i].Units, -rows[i].Places)})
		}
	}
}

// add keeps p if it is the watched customer's.
func (w *watchedRows) add(p clv.Purchase) {
	if p.Customer == w.id {
		w.rows = append(w.rows, watchedRow{p.Time, p.Amount})
	}
}

// A customerDay is one UTC day of the watched customer's rows.
type customerDay struct {
	day       time.Time
	purchases decimal.Decimal // the day's amounts of 0 or more
	refunds   decimal.Decimal // the day's negative amounts
	bought    bool            // a row of 0 or more: a purchase day
}

// days returns the customer's rows by UTC day, in order.
func (w *watchedRows) days() []customerDay {
	byDay := map[time.Time]*customerDay{}
	for _, r := range w.rows {
		t := r.time.UTC()
		day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		d := byDay[day]
		if d == nil {
			d = &customerDay{day: day, purchases: decimal.Zero, refunds: decimal.Zero}
			byDay[day] = d
		}
		if r.amount.IsNegative() {
			d.refunds = d.refunds.Add(r.amount)
		} else {
			d.purchases, d.bought = d.purchases.Add(r.amount), true
		}
	}
	out := make([]customerDay, 0, len(byDay))
	for _, d := range byDay {
		out = append(out, *d)
	}
	slices.SortFunc(out, func(a, b customerDay) int { return a.day.Compare(b.day) })
	return out
}

// check refuses a -customer whom the models cannot see: not in the log,
// with no purchase in it, or first buying after the calibration end. A nil
// watch, without -customer, passes.
func (w *watchedRows) check(in customerInputs) error {
	if w == nil {
		return nil
	}
	days := w.days()
	first := slices.IndexFunc(days, func(d customerDay) bool { return d.bought })
	switch {
	case len(days) == 0:
		return fmt.Errorf("%q: no customer of that id in the log", w.id)
	case first < 0:
		return fmt.Errorf("%q: only refunds in the log, no purchase", w.id)
	case days[first].day.After(in.calibrationEnd):
		return fmt.Errorf("%q: first bought on %s, after -calibration-end %s: the models know nothing of them at it", w.id,
			days[first].day.Format(time.DateOnly), in.calibrationEnd.Format(time.DateOnly))
	}
	return nil
}

// periodDays returns the days of a period, in exact lengths.
func periodDays(p clv.Period) float64 {
	return map[clv.Period]float64{clv.Week: 7, clv.Month: 30.4375, clv.Quarter: 91.3125, clv.Year: 365.25}[p]
}

// A customerView is -customer's view of one customer, printed or in
// -json.
type customerView struct {
	ID      string `json:"id"`
	Segment string `json:"segment,omitempty"`
	// Model names the purchase model, and Unit its unit of time: the
	// opportunity with bgbb.
	Model string     `json:"purchase_model"`
	Unit  clv.Period `json:"unit"`
	// ModelFile is the -model-file the model was read from; "" after a
	// fit.
	ModelFile      string `json:"model_file,omitempty"`
	CalibrationEnd string `json:"calibration_end"`
	HoldoutEnd     string `json:"holdout_end,omitempty"`
	// History is each day with a row of theirs.
	History []historyDay `json:"history"`
	// X, Tx and T are the customer's figures in Unit: with bgbb, the
	// opportunities with a purchase after the trial, the last of them,
	// and the opportunities after it, N.
	X        int64   `json:"x"`
	Tx       float64 `json:"t_x"`
	T        float64 `json:"t"`
	HoldoutX int64   `json:"holdout_x"`
	// Path is P(alive) at the end of each Step through their history.
	Step clv.Period  `json:"step"`
	Path []pathPoint `json:"alive_path"`
	// Forecast is their outlook over the horizon.
	Forecast viewForecast `json:"forecast"`
}

// A historyDay is a day of the customer's rows: what they bought and
// were refunded, and what the models make of it.
type historyDay struct {
	Day       string          `json:"day"`
	Purchases decimal.Decimal `json:"purchases"`
	Refunds   decimal.Decimal `json:"refunds"`
	// Period is "calibration", "holdout" or "after" (the holdout's end,
	// or the calibration end without a holdout: left out).
	Period string `json:"period"`
	// Note says what the models make of the day: "first purchase",
	// "repeat 2", with bgbb "opportunity 3" after the trial, "holdout",
	// "refund only, calibration", "after the holdout end: left out".
	Note string `json:"note"`
}

// A pathPoint is P(alive) at the end of a step of the path: At, in the
// unit after the first purchase (with bgbb, the opportunity after the
// trial), Day, its last day, and X, the repeat purchases by then.
type pathPoint struct {
	At        float64 `json:"at"`
	Day       string  `json:"day"`
	X         int64   `json:"x"`
	ProbAlive float64 `json:"prob_alive"`
}

// A viewForecast is the customer's outlook over the horizon.
type viewForecast struct {
	Horizon btyd.Horizon `json:"horizon"`
	// Length is the horizon in the unit: with bgbb, its opportunities.
	Length              float64         `json:"length"`
	ProbAlive           float64         `json:"prob_alive"`
	ProbAliveEnd        float64         `json:"prob_alive_horizon_end"`
	ProbNoPurchase      float64         `json:"prob_no_purchase_horizon"`
	Purchases           float64         `json:"purchases"`
	DiscountedPurchases float64         `json:"discounted_purchases"`
	ExpectedSpend       decimal.Decimal `json:"expected_spend"`
	Value               decimal.Decimal `json:"value"`
	// DERT is the discounted expected residual transactions at the
	// -discount rate, continuously (per opportunity with bgbb); absent
	// without a discount, for which it is unbounded.
	DERT *float64 `json:"dert,omitempty"`
	// ProbPurchases holds P(X = n), n = 0, 1, …, to the first n with
	// P(X > n) = Tail below 10^−4, or to 1,000 or the horizon's
	// opportunities.
	ProbPurchases []float64 `json:"prob_purchases"`
	Tail          float64   `json:"prob_more"`
}

// printCustomer prints -customer's view, or with -json its JSON.
func printCustomer(w io.Writer, watch *watchedRows, r *customerResult, in customerInputs) error {
	if r.covariates != nil {
		i := slices.IndexFunc(r.base.Customers, func(c btyd.Customer) bool { return c.ID == watch.id })
		if i >= 0 {
			one, err := r.forCustomer(i)
			if err != nil {
				return err
			}
			r = one
		}
	}
	v, err := r.customerView(watch, in)
	if err != nil {
		return err
	}
	if in.json {
		data, _ := json.MarshalIndent(v, "", "  ") // finite floats and decimals always marshal
		fmt.Fprintln(w, string(data))
		return nil
	}
	v.print(w, r, in)
	return nil
}

// customerView builds -customer's view from their rows and r's models.
func (r *customerResult) customerView(watch *watchedRows, in customerInputs) (*customerView, error) {
	i := slices.IndexFunc(r.valuation.Customers, func(c btyd.CustomerValue) bool { return c.ID == watch.id })
	if i < 0 {
		// check lets through only customers of the base.
		return nil, errors.New("not in the base")
	}
	c := r.base.Customers[i]
	v := &customerView{ID: c.ID, Segment: c.Segment, Model: r.fits[r.best].Name, Unit: r.base.Unit, Step: in.step,
		CalibrationEnd: in.calibrationEnd.Format(time.DateOnly), X: c.X, Tx: c.Tx, T: c.T, HoldoutX: c.HoldoutX}
	if r.loaded != nil {
		v.ModelFile = r.loaded.path
	}
	if !in.holdoutEnd.IsZero() {
		v.HoldoutEnd = in.holdoutEnd.Format(time.DateOnly)
	}
	days := watch.days()
	var err error
	if r.discrete != nil {
		d := r.discrete.Customers[i]
		v.X, v.Tx, v.T, v.HoldoutX = d.X, float64(d.Tx), float64(d.N), d.HoldoutX
		err = v.discretePath(r, days, in, d)
	} else {
		err = v.continuousPath(r, days, in)
	}
	if err != nil {
		return nil, err
	}
	return v, v.forecast(r, in, i)
}

// period names the part of the log a day is in.
func period(day time.Time, in customerInputs) string {
	switch {
	case !day.After(in.calibrationEnd):
		return "calibration"
	case !in.holdoutEnd.IsZero() && !day.After(in.holdoutEnd):
		return "holdout"
	}
	return "after"
}

// afterNote is the note of a purchase day after the observation's end.
func afterNote(in customerInputs) string {
	if in.holdoutEnd.IsZero() {
		return "after the calibration end: left out"
	}
	return "after the holdout end: left out"
}

// continuousPath sets v's history, noted as the continuous models count
// purchase days, and its path: btyd.AlivePath at each -step.
func (v *customerView) continuousPath(r *customerResult, days []customerDay, in customerInputs) error {
	unitDays := periodDays(v.Unit)
	var first time.Time
	var times []float64 // repeat purchases after the first, in the unit
	for _, d := range days {
		h := historyDay{Day: d.day.Format(time.DateOnly), Purchases: d.purchases.Round(int32(in.scale)), Refunds: d.refunds.Round(int32(in.scale)), Period: period(d.day, in)}
		switch {
		case !d.bought:
			h.Note = "refund only, " + h.Period
		case h.Period == "after":
			h.Note = afterNote(in)
		case first.IsZero():
			first, h.Note = d.day, "first purchase"
		case h.Period == "calibration":
			times = append(times, d.day.Sub(first).Hours()/24/unitDays)
			h.Note = "repeat " + strconv.Itoa(len(times))
		default:
			h.Note = "holdout"
		}
		v.History = append(v.History, h)
	}
	step := periodDays(in.step) / unitDays
	path, err := btyd.AlivePath(r.fits[r.best].purchase, times, v.T, step)
	if err != nil {
		return err
	}
	for k, p := range path {
		at := min(float64(k+1)*step, v.T)
		if k == len(path)-1 {
			at = v.T
		}
		x := int64(0)
		for x < int64(len(times)) && times[x] <= at {
			x++
		}
		day := first.AddDate(0, 0, int(math.Floor(at*unitDays+1e-9)))
		v.Path = append(v.Path, pathPoint{At: at, Day: day.Format(time.DateOnly), X: x, ProbAlive: p})
	}
	return nil
}

// An opportunityClock numbers days by their opportunity of a period, 0
// the calibration end's, as btyd.Summarizer.Opportunities does.
type opportunityClock struct {
	every  clv.Period
	calEnd time.Time
}

// months returns the months of an opportunity, 0 for weeks.
func (k opportunityClock) months() int {
	return map[clv.Period]int{clv.Month: 1, clv.Quarter: 3, clv.Year: 12}[k.every]
}

// at returns the opportunity of day d.
func (k opportunityClock) at(d time.Time) int64 {
	m := k.months()
	if m == 0 {
		days := int64(d.Sub(k.calEnd).Hours() / 24)
		return int64(math.Ceil(float64(days) / 7))
	}
	index := func(t time.Time) int64 { return floorDiv(int64(t.Year())*12+int64(t.Month())-1, int64(m)) }
	return index(d) - index(k.calEnd)
}

// last returns the last day of opportunity j.
func (k opportunityClock) last(j int64) time.Time {
	m := k.months()
	if m == 0 {
		return k.calEnd.AddDate(0, 0, int(7*j))
	}
	// The calibration end is the last day of its period.
	return k.calEnd.AddDate(0, 0, 1).AddDate(0, int(j)*m, -1)
}

// floorDiv returns ⌊a/b⌋ for b > 0.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// discretePath sets v's history, noted by the opportunities BG/BB counts,
// and its path: BGBB.AlivePath at each opportunity after the trial.
func (v *customerView) discretePath(r *customerResult, days []customerDay, in customerInputs, d btyd.DiscreteCustomer) error {
	clock := opportunityClock{every: v.Unit, calEnd: in.calibrationEnd}
	trial := int64(math.MinInt64)
	var buys []int64 // the opportunities after the trial with a purchase
	for _, day := range days {
		h := historyDay{Day: day.day.Format(time.DateOnly), Purchases: day.purchases.Round(int32(in.scale)), Refunds: day.refunds.Round(int32(in.scale)), Period: period(day.day, in)}
		j := clock.at(day.day)
		switch {
		case !day.bought:
			h.Note = "refund only, " + h.Period
		case h.Period == "after":
			h.Note = afterNote(in)
		case trial == math.MinInt64:
			trial, h.Note = j, "first purchase, the trial"
		case j == trial:
			h.Note = "in the trial"
		case h.Period == "calibration":
			if len(buys) == 0 || buys[len(buys)-1] != j-trial {
				buys = append(buys, j-trial)
			}
			h.Note = "opportunity " + strconv.FormatInt(j-trial, 10)
		default:
			h.Note = "holdout"
		}
		v.History = append(v.History, h)
	}
	if d.N == 0 {
		return nil // no opportunity after the trial: no path
	}
	path, err := r.bgbb.Model.AlivePath(buys, d.N)
	if err != nil {
		return err
	}
	var x int64
	for k, p := range path {
		for x < int64(len(buys)) && buys[x] <= int64(k+1) {
			x++
		}
		v.Path = append(v.Path, pathPoint{At: float64(k + 1), Day: clock.last(trial + int64(k+1)).Format(time.DateOnly), X: x, ProbAlive: p})
	}
	return nil
}

// forecast sets v's forecast over the horizon: btyd's bulk forecasts of
// the one customer, i of r's base, which -out's columns come from, with
// P(X = n) as far as tailCut, the value r's valuation gave them, and the
// DERT at -discount.
func (v *customerView) forecast(r *customerResult, in customerInputs, i int) error {
	f, err := r.forecasts(in, []int{i}, 100)
	if err != nil {
		return err
	}
	c := f.Customers[0]
	cv := r.valuation.Customers[i]
	out := viewForecast{Horizon: r.valuation.Horizon, ProbAlive: c.ProbAlive, ProbAliveEnd: c.ProbAliveAfter,
		ProbNoPurchase: c.ProbPurchases[0], Purchases: c.Purchases, DiscountedPurchases: cv.DiscountedPurchases,
		ExpectedSpend: cv.Spend, Value: cv.Value}
	// P(X = n) beyond the bulk form's 100, by the model's own method.
	more := func(n int64) (float64, error) {
		if r.discrete != nil {
			d := r.discrete.Customers[i]
			if d.N == 0 {
				return r.bgbb.Model.ProbPurchases(n, int64(f.Horizon.Length))
			}
			return r.bgbb.Model.ConditionalProbPurchases(d.X, d.Tx, d.N, n, int64(f.Horizon.Length))
		}
		m := r.fits[r.best].purchase.(interface {
			ConditionalProbPurchases(x int64, tx, T float64, n int64, t float64) (float64, error)
		})
		return m.ConditionalProbPurchases(v.X, v.Tx, v.T, n, out.Length)
	}
	if r.discrete != nil {
		out.Length = float64(f.Horizon.Length)
	} else {
		out.Length = float64(in.horizon) * periodDays(in.horizonUnit) / periodDays(v.Unit)
	}
	most := int64(maxViewCount)
	if r.discrete != nil {
		most = min(most, int64(f.Horizon.Length)) // a purchase an opportunity at most
	}
	var sum float64
	for n := int64(0); n <= most; n++ {
		p := 0.0
		switch {
		case n < int64(len(c.ProbPurchases)):
			p = c.ProbPurchases[n]
		default:
			if p, err = more(n); err != nil {
				return err
			}
		}
		out.ProbPurchases = append(out.ProbPurchases, p)
		sum += p
		if 1-sum < tailCut {
			break
		}
	}
	out.Tail = max(1-sum, 0)
	if !in.discount.IsZero() {
		d := in.discount.InexactFloat64()
		var derts []float64
		if r.discrete != nil {
			o := btyd.Opportunities{Every: r.discrete.Every, Customers: []btyd.DiscreteCustomer{r.discrete.Customers[i]}}
			derts, err = btyd.DiscreteDERTs(r.bgbb.Model, o, math.Pow(1+d, periodDays(v.Unit)/periodDays(in.discountPeriod))-1)
		} else {
			b := btyd.Base{Unit: v.Unit, Customers: []btyd.Customer{r.base.Customers[i]}}
			derts, err = btyd.DERTs(r.fits[r.best].purchase, b, math.Log1p(d)*periodDays(v.Unit)/periodDays(in.discountPeriod))
		}
		if err != nil {
			return err
		}
		out.DERT = &derts[0]
	}
	v.Forecast = out
	return nil
}

// print prints the view as text.
func (v *customerView) print(w io.Writer, r *customerResult, in customerInputs) {
	scale := int32(in.scale)
	unit := v.Unit.String()
	by := r.fits[r.best].title + ", fitted to the log"
	if v.ModelFile != "" {
		by = r.fits[r.best].title + ", read from " + v.ModelFile
	}
	fmt.Fprintf(w, "Customer %s", v.ID)
	if v.Segment != "" {
		fmt.Fprintf(w, ", of segment %s", v.Segment)
	}
	fmt.Fprintf(w, ", by %s, in %ss.\n\n", by, unit)

	fmt.Fprintf(w, "History to %s", v.CalibrationEnd)
	if v.HoldoutEnd != "" {
		fmt.Fprintf(w, " and a holdout to %s", v.HoldoutEnd)
	}
	fmt.Fprintln(w, ", by UTC day:")
	fmt.Fprintf(w, "%-10s  %12s  %12s\n", "day", "purchases", "refunds")
	for _, h := range v.History {
		refunds := ""
		if !h.Refunds.IsZero() {
			refunds = h.Refunds.StringFixed(scale)
		}
		fmt.Fprintf(w, "%-10s  %12s  %12s  %s\n", h.Day, h.Purchases.StringFixed(scale), refunds, h.Note)
	}
	holdout := ""
	if v.HoldoutEnd != "" {
		holdout = fmt.Sprintf("; %d in the holdout", v.HoldoutX)
	}
	if r.discrete != nil {
		fmt.Fprintf(w, "x = %d opportunities with a purchase after the trial, the last t_x = %.0f, of n = %.0f opportunities of %s after it%s.\n\n",
			v.X, v.Tx, v.T, opportunityName(v.Unit), holdout)
	} else {
		fmt.Fprintf(w, "x = %d repeat purchases, the last t_x = %.2f %ss after the first, observed for T = %.2f %ss%s.\n\n",
			v.X, v.Tx, unit, v.T, unit, holdout)
	}

	if len(v.Path) == 0 {
		fmt.Fprintln(w, "No opportunity since the trial: no P(alive) path.")
	} else {
		if r.discrete != nil {
			fmt.Fprintln(w, "P(alive at the next opportunity) after each opportunity since the trial:")
			fmt.Fprintf(w, "%-11s  %-10s  %6s  %8s\n", "opportunity", "ending", "x", "P(alive)")
		} else {
			fmt.Fprintf(w, "P(alive) through their history, at the end of each %s (-step) after the first purchase:\n", v.Step)
			fmt.Fprintf(w, "%-11s  %-10s  %6s  %8s\n", unit+"s", "day", "x", "P(alive)")
		}
		places := 2
		if r.discrete != nil {
			places = 0
		}
		for _, p := range v.Path {
			fmt.Fprintf(w, "%-11s  %-10s  %6d  %8.4f\n", strconv.FormatFloat(p.At, 'f', places, 64), p.Day, p.X, p.ProbAlive)
		}
	}
	fmt.Fprintln(w)

	f := v.Forecast
	span := periods(f.Horizon.Length, f.Horizon.Period)
	if r.discrete == nil {
		span += fmt.Sprintf(" (%.2f %ss)", f.Length, unit)
	}
	row := func(name, value string) { fmt.Fprintf(w, "%-34s %s\n", name, value) }
	fmt.Fprintf(w, "Over the next %s:\n", span)
	if r.discrete != nil {
		row("P(alive at the next opportunity)", fmt.Sprintf("%.4f", f.ProbAlive))
		row("P(alive at the horizon's last)", fmt.Sprintf("%.4f", f.ProbAliveEnd))
	} else {
		row("P(alive now)", fmt.Sprintf("%.4f", f.ProbAlive))
		row("P(alive at the horizon's end)", fmt.Sprintf("%.4f", f.ProbAliveEnd))
	}
	row("P(no purchase in the horizon)", fmt.Sprintf("%.4f", f.ProbNoPurchase))
	row("expected purchases", fmt.Sprintf("%.4f", f.Purchases))
	row("discounted", fmt.Sprintf("%.4f", f.DiscountedPurchases))
	row("expected spend a purchase", f.ExpectedSpend.StringFixed(scale))
	row("value", fmt.Sprintf("%s, at a gross margin of %s, counted each %s", f.Value.StringFixed(scale), in.margin, r.valuation.Step))
	switch {
	case f.DERT == nil:
		row("DERT", "needs a -discount above 0")
	case r.discrete != nil:
		row("DERT", fmt.Sprintf("%.4f, every opportunity ahead discounted at %s a %s", *f.DERT, in.discount, in.discountPeriod))
	default:
		row("DERT", fmt.Sprintf("%.4f, all time ahead discounted continuously at %s a %s", *f.DERT, in.discount, in.discountPeriod))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "P(X = n), n purchases in the horizon:")
	fmt.Fprintf(w, "%6s  %10s  %10s\n", "n", "P(X = n)", "P(X ≤ n)")
	var sum float64
	for n, p := range f.ProbPurchases {
		sum += p
		fmt.Fprintf(w, "%6d  %10.6f  %10.6f\n", n, p, min(sum, 1))
	}
	last := len(f.ProbPurchases) - 1
	if f.Tail < tailCut {
		fmt.Fprintf(w, "The table stops at the first n where P(X > n), 1 − P(X ≤ n), is below 10^−4: %.2g.\n", f.Tail)
	} else {
		fmt.Fprintf(w, "The table stops at n = %d, its limit: P(X > %d) = %.4f.\n", last, last, f.Tail)
	}
}
