package main

// This file implements clv customers -plot: the charts by which the BTYD
// papers judge a purchase model — holdout purchases by calibration
// frequency, and repeat purchases tracked unit by unit and to date —
// drawn with gonum/plot, as SVG or PNG. -report shows the same charts,
// each drawn alone, among its own.

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/clvkit/clv/btyd"
)

// The colours of the charts: what customers did in dark blue, each fitted
// model in a colour of its own, in the order of the fits, and the
// calibration end in grey, so that it stays behind the data.
var (
	actualColor = color.RGBA{R: 0x1f, G: 0x4e, B: 0x79, A: 0xff}
	modelColors = []color.Color{
		color.RGBA{R: 0xd9, G: 0x6c, B: 0x1e, A: 0xff},
		color.RGBA{R: 0x3a, G: 0x92, B: 0x3a, A: 0xff},
		color.RGBA{R: 0x8e, G: 0x4c, B: 0xa8, A: 0xff},
	}
	calibrationColor = color.Gray{Y: 0x99}
)

// modelDashes are the dash patterns of the fitted models' lines, in the
// order of modelColors: a line that prints in grey still tells which
// model it is.
var modelDashes = [][]vg.Length{
	{vg.Points(5), vg.Points(3)},
	{vg.Points(2), vg.Points(2)},
	{vg.Points(7), vg.Points(2), vg.Points(2), vg.Points(2)},
}

// sans is the typeface of every text of the charts: slides set figures
// in a sans serif, where gonum/plot's default is a serif.
var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// The size of each chart, side by side in a row, and the resolution of a
// PNG: three charts make 15 × 4 inches, the width of a slide, at 150
// dots an inch, sharp when a slide shows them at full width.
const (
	chartWidth  = 5 * vg.Inch
	chartHeight = 4 * vg.Inch
	pngDPI      = 150
)

// gap is the room between the data and the texts that label it, so that
// neither touches the other.
const gap = vg.Length(4)

// calibrationLabel labels the line at the calibration end.
const calibrationLabel = "calibration end"

// plotFormat returns the format -plot writes to path, "png" or "svg", by
// its name's extension, in any case; any other name is an error, rather
// than a file whose name says one format and whose bytes are another.
func plotFormat(path string) (string, error) {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".png", ".svg":
		return ext[1:], nil
	default:
		return "", fmt.Errorf("-plot %s: name the file .svg or .png, the formats the charts are drawn in", path)
	}
}

// writePlot draws the charts of r to path, as PNG if its name ends in
// .png and as SVG if in .svg. The holdout chart sets the purchases
// customers made in the holdout beside those each fitted model predicted,
// by calibration frequency. For the continuous models, two tracking
// charts follow, side by side: repeat purchases in each unit of time from
// the first purchase to the holdout end, and to date, actual and as each
// model expects, tracked on s. BG/BB, whose purchases are counted at
// opportunities, has the holdout chart alone.
//
// If a model cannot be tracked (see [btyd.Track]), it draws the holdout
// chart alone and note says why. It returns an error, and writes nothing,
// for a name of another format, without a holdout, or if the charts
// cannot be drawn or written. It never panics: the charts come after the
// work, and their failure need not cost the rest.
func writePlot(path string, r *customerResult, s *btyd.Summarizer) (note string, err error) {
	format, err := plotFormat(path)
	if err != nil {
		return "", err
	}
	charts, note, err := modelCharts(r, s)
	if err != nil {
		return "", fmt.Errorf("-plot %s: %w", path, err)
	}
	if note != "" {
		note = fmt.Sprintf("-plot %s: %s", path, note)
	}
	b, err := render(charts, format)
	if err != nil {
		return "", fmt.Errorf("-plot %s: %w", path, err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		// The path is said once, first.
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return "", fmt.Errorf("-plot %s: %w", path, err)
	}
	return note, nil
}

// errNoHoldout is the failure of the model charts without a holdout.
var errNoHoldout = errors.New("no holdout to chart")

// modelCharts returns the charts of r's fits that -plot draws and
// -report shows: the holdout chart, and for the continuous models the
// tracking charts, on s's customers. If a model cannot be tracked, it
// returns the holdout chart alone, and note says why. It returns
// errNoHoldout without a holdout.
func modelCharts(r *customerResult, s *btyd.Summarizer) (charts []*chart, note string, err error) {
	var fits []purchaseFit
	for _, f := range r.fits {
		if f.Holdout != nil {
			fits = append(fits, f)
		}
	}
	if len(fits) == 0 {
		return nil, "", errNoHoldout
	}
	byFrequency, err := frequencyChart(fits, r.base.Unit.String())
	if err != nil {
		return nil, "", err
	}
	charts = append(charts, byFrequency)
	if r.discrete == nil {
		tracking, err := trackingOf(fits, s)
		if err != nil {
			note = fmt.Sprintf("the holdout chart alone, no tracking: %v", err)
		} else {
			charts = append(charts, tracking...)
		}
	}
	return charts, note, nil
}

// trackingOf returns the weekly and cumulative tracking charts of fits on
// s's customers.
func trackingOf(fits []purchaseFit, s *btyd.Summarizer) ([]*chart, error) {
	tracks := make([]btyd.Tracking, len(fits))
	for i, f := range fits {
		var err error
		if tracks[i], err = btyd.Track(f.purchase, s); err != nil {
			return nil, fmt.Errorf("tracking %s: %w", f.title, err)
		}
	}
	return trackingCharts(fits, tracks)
}

// A chart is a plot and what is left to settle once its place on the
// canvas is known: the width of its bars, which share the data area's
// width, the top of its axis, which leaves room for the legend above the
// tallest value, and where the calibration end's label goes.
type chart struct {
	*plot.Plot
	// top is the tallest value the chart draws.
	top float64
	// bars are the bar charts of a group, side by side at each x.
	bars []*plotter.BarChart
	// cut is the line at the calibration end, and cutLabel its label;
	// nil for the holdout chart.
	cut      *plotter.Line
	cutLabel *plotter.Labels
	// full fixes the y axis at top, for a chart of shares whose legend
	// goes where the data leave room, below the curve.
	full bool
}

// newChart returns a chart titled title with the axes labelled x and y,
// in the sans serif, both axes starting at 0, ticked at whole numbers,
// and the legend at the top.
func newChart(title, x, y string) *chart {
	p := plot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = title, x, y
	p.Title.TextStyle.Font = font.From(sans, 13)
	p.Title.Padding = vg.Points(8)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(sans, 11)
		a.Tick.Label.Font = font.From(sans, 10)
		a.Tick.Marker = niceTicks{whole: true}
		a.Min = 0
	}
	p.Legend.TextStyle.Font = font.From(sans, 10)
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.ThumbnailWidth = vg.Points(24)
	// Apart, so that the bars' blocks do not merge into one.
	p.Legend.Padding = vg.Points(2)
	return &chart{Plot: p}
}

// frequencyChart draws each calibration frequency's holdout purchases per
// customer, what customers did beside what each of fits predicted, as a
// group of bars. fits share one base, and so their frequencies, customers
// and actual purchases.
func frequencyChart(fits []purchaseFit, unit string) (*chart, error) {
	h := fits[0].Holdout
	c := newChart("Holdout of "+quantity(h.Length, unit)+", by calibration frequency",
		"repeat purchases in the calibration period", "holdout purchases per customer")
	// A mean per customer is no count: its ticks may fall between.
	c.Y.Tick.Marker = niceTicks{}
	names := make([]string, len(h.ByFrequency))
	for i, row := range h.ByFrequency {
		names[i] = strconv.FormatInt(row.X, 10)
		if i == len(h.ByFrequency)-1 {
			names[i] += "+"
		}
	}
	perCustomer := func(f purchaseFit, actual bool) plotter.Values {
		v := make(plotter.Values, len(f.Holdout.ByFrequency))
		for i, row := range f.Holdout.ByFrequency {
			if row.Customers > 0 {
				v[i] = row.Predicted / float64(row.Customers)
				if actual {
					v[i] = float64(row.Actual) / float64(row.Customers)
				}
			}
		}
		return v
	}
	add := func(name string, v plotter.Values, clr color.Color) error {
		b, err := plotter.NewBarChart(v, 1) // widths are set by finish
		if err != nil {
			return err
		}
		b.Color, b.LineStyle.Width = clr, 0
		for _, x := range v {
			c.top = max(c.top, x)
		}
		c.bars = append(c.bars, b)
		c.Add(b)
		c.Legend.Add(name, b)
		return nil
	}
	if err := add("actual", perCustomer(fits[0], true), actualColor); err != nil {
		return nil, err
	}
	for i, f := range fits {
		if err := add(f.title, perCustomer(f, false), modelColors[i%len(modelColors)]); err != nil {
			return nil, err
		}
	}
	c.NominalX(names...)
	// Half a group's room either side of the first and last groups.
	c.X.Min, c.X.Max = -0.5, float64(len(names))-0.5
	return c, nil
}

// quantity returns v units to a tenth, as "26.3 weeks" or "1 month".
func quantity(v float64, unit string) string {
	s := strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
	if s != "1" {
		unit += "s"
	}
	return s + " " + unit
}

// trackingCharts draws the repeat purchases of the base in each unit of
// time and to date, what customers did beside what each of fits expects,
// from tracks, the fits' trackings, in their order, which share one base
// and so their steps and actual purchases. The chart by unit leaves out
// a last step shorter than a unit, whose few days would look like a fall
// in purchases; it is left out altogether if no step is whole.
func trackingCharts(fits []purchaseFit, tracks []btyd.Tracking) ([]*chart, error) {
	tr := tracks[0]
	unit := tr.Unit.String()
	x := unit + "s since the first purchase, " + tr.Start.Format("2006-01-02")
	each := newChart("Repeat purchases each "+unit, x, "repeat purchases in the "+unit)
	toDate := newChart("Cumulative repeat purchases", x, "repeat purchases to date")
	// series returns a line's purchases in each whole step, and to the
	// end of every step from none at the start.
	series := func(tr btyd.Tracking, value func(btyd.TrackingStep) float64) (perUnit, cumulative plotter.XYs) {
		cumulative = plotter.XYs{{X: 0, Y: 0}}
		prev, prevEnd := 0.0, 0.0
		for i, s := range tr.Steps {
			v := value(s)
			if i < len(tr.Steps)-1 || s.End-prevEnd > 1-1e-9 {
				perUnit = append(perUnit, plotter.XY{X: s.End, Y: v - prev})
			}
			cumulative = append(cumulative, plotter.XY{X: s.End, Y: v})
			prev, prevEnd = v, s.End
		}
		return perUnit, cumulative
	}
	type line struct {
		name   string
		clr    color.Color
		dashes []vg.Length
		tr     btyd.Tracking
		value  func(btyd.TrackingStep) float64
	}
	lines := []line{{"actual", actualColor, nil, tr, func(s btyd.TrackingStep) float64 { return float64(s.Actual) }}}
	for i, f := range fits {
		lines = append(lines, line{f.title, modelColors[i%len(modelColors)], modelDashes[i%len(modelDashes)], tracks[i],
			func(s btyd.TrackingStep) float64 { return s.Expected }})
	}
	for _, c := range []*chart{each, toDate} {
		if err := c.addCut(tr.CalibrationEnd); err != nil {
			return nil, err
		}
	}
	whole := false // whether any step is a whole unit
	for _, l := range lines {
		perUnit, cumulative := series(l.tr, l.value)
		whole = whole || len(perUnit) > 0
		for _, cs := range []struct {
			c   *chart
			xys plotter.XYs
		}{{each, perUnit}, {toDate, cumulative}} {
			if len(cs.xys) == 0 {
				continue
			}
			ln, err := plotter.NewLine(cs.xys)
			if err != nil {
				return nil, err
			}
			ln.Color, ln.Width, ln.Dashes = l.clr, vg.Points(1.5), l.dashes
			for _, p := range cs.xys {
				cs.c.top = max(cs.c.top, p.Y)
			}
			cs.c.Add(ln)
			cs.c.Legend.Add(l.name, ln)
		}
	}
	// One time axis for both, that of the whole tracking, though the
	// chart by unit may stop a step short, so that they read side by
	// side.
	for _, c := range []*chart{each, toDate} {
		c.X.Min, c.X.Max = 0, tr.Steps[len(tr.Steps)-1].End
	}
	if !whole {
		return []*chart{toDate}, nil
	}
	return []*chart{each, toDate}, nil
}

// addCut adds the line at the calibration end, at x, and its label;
// finish sets their height and the label's side.
func (c *chart) addCut(x float64) error {
	var err error
	if c.cut, err = plotter.NewLine(plotter.XYs{{X: x, Y: 0}, {X: x, Y: 0}}); err != nil {
		return err
	}
	c.cut.Color, c.cut.Width = calibrationColor, vg.Points(1)
	if c.cutLabel, err = plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{{X: x, Y: 0}}, Labels: []string{calibrationLabel}}); err != nil {
		return err
	}
	c.cutLabel.TextStyle[0].Font = font.From(sans, 10)
	c.cutLabel.TextStyle[0].Color = color.Gray{Y: 0x55}
	c.cutLabel.TextStyle[0].YAlign = draw.YTop
	c.Add(c.cut, c.cutLabel)
	return nil
}

// finish settles what depends on the chart's data area, da: the bars'
// width, the top of the y axis, which leaves the legend a band of its own
// above the tallest value and never less than a tenth, and the side of
// the calibration end on which the legend and the line's label go.
func (c *chart) finish(da draw.Canvas) {
	w, h := da.Size().X, da.Size().Y
	if n := len(c.bars); n > 0 {
		// Each group fills four fifths of its room, so that groups stay
		// apart.
		width := 0.8 * w / vg.Length(c.X.Max-c.X.Min) / vg.Length(n)
		for i, b := range c.bars {
			b.Width, b.Offset = width, (vg.Length(i)-vg.Length(n-1)/2)*width
		}
	}
	legend := c.Legend.Rectangle(da)
	band := legend.Size().Y + 2*gap
	top := c.top
	if !(top > 0) {
		top = 1
	}
	c.Y.Max = 1.1 * top
	if c.full {
		c.Y.Max = top
		return
	}
	if h > band {
		c.Y.Max = max(c.Y.Max, top*float64(h/(h-band)))
	}
	c.clearTopLabel(h)
	if c.cut == nil {
		return
	}
	x := c.cut.XYs[0].X
	c.cut.XYs[1].Y = c.Y.Max
	c.cutLabel.XYs[0].Y = c.Y.Max
	// The legend goes on the wider side of the line, and the label beside
	// the line, on its left if it fits there clear of the legend.
	at := w * vg.Length((x-c.X.Min)/(c.X.Max-c.X.Min))
	labelWidth := c.cutLabel.TextStyle[0].Width(calibrationLabel)
	c.Legend.Left = at >= w/2
	room := at
	if c.Legend.Left {
		room -= legend.Size().X + gap
	}
	sty := &c.cutLabel.TextStyle[0]
	if room >= labelWidth+gap {
		sty.XAlign, c.cutLabel.Offset.X = draw.XRight, -gap
	} else {
		sty.XAlign, c.cutLabel.Offset.X = draw.XLeft, gap
	}
	c.cutLabel.Offset.Y = -gap / 2
}

// clearTopLabel raises the top of the y axis, of data height h, until
// its highest label lies below it, centred on its tick. gonum/plot makes
// room for a label that overhangs the top by lowering the data area,
// and plot.Align the title above it: without this, the titles of a row
// would not be in line.
func (c *chart) clearTopLabel(h vg.Length) {
	for range 3 {
		lo, hi := c.Y.Min, c.Y.Max
		var top *plot.Tick
		ticks := c.Y.Tick.Marker.Ticks(lo, hi)
		for i := range ticks {
			if t := &ticks[i]; t.Label != "" && (top == nil || t.Value > top.Value) {
				top = t
			}
		}
		if top == nil {
			return
		}
		// The label's top above its tick, in points, and a gap, r, for h
		// may change a little as the layout settles: it clears the
		// axis's top if (hi − v) h / (hi − lo) ≥ r.
		r := float64(c.Y.Tick.Label.Rectangle(top.Label).Max.Y + gap)
		if float64(h) <= r || (hi-top.Value)*float64(h)/(hi-lo) >= r {
			return
		}
		c.Y.Max = (top.Value*float64(h)-r*lo)/(float64(h)-r) + 1e-9*(hi-lo)
	}
}

// render draws charts side by side on one canvas of format, "png" or
// "svg", and returns its bytes. gonum/plot reports some input it cannot
// draw, such as an axis that is not finite, by panicking; render returns
// that as an error.
func render(charts []*chart, format string) (b []byte, err error) {
	defer func() {
		if e := recover(); e != nil {
			err = fmt.Errorf("drawing the charts: %v", e)
		}
	}()
	w, h := chartWidth*vg.Length(len(charts)), chartHeight
	var c vg.CanvasWriterTo = vgsvg.New(w, h)
	if format == "png" {
		c = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(pngDPI))}
	}
	dc := draw.New(c)
	// White behind the gaps between the charts too, for a dark slide.
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	tiles := draw.Tiles{Rows: 1, Cols: len(charts), PadX: vg.Centimeter,
		PadTop: vg.Millimeter * 4, PadBottom: vg.Millimeter * 4, PadLeft: vg.Millimeter * 4, PadRight: vg.Millimeter * 4}
	row := make([]*plot.Plot, len(charts))
	for i, ch := range charts {
		row[i] = ch.Plot
	}
	// The axes' labels, and so the data areas, depend on the axes' tops,
	// which depend on the data areas: twice settles them.
	for range 2 {
		canvases := plot.Align([][]*plot.Plot{row}, tiles, dc)
		for i, ch := range charts {
			ch.finish(ch.DataCanvas(canvases[0][i]))
		}
	}
	canvases := plot.Align([][]*plot.Plot{row}, tiles, dc)
	for i, p := range row {
		p.Draw(canvases[0][i])
	}
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// niceTicks labels an axis at multiples of 1, 2 or 5 times a power of
// ten, the fewest that give at most six labels, with minor ticks between.
// With whole, the labels and ticks are whole numbers only, for counts,
// which are never fractional. A label has the digits its step needs and
// thousands separated by commas: "0.5", "1,200", never the "0.00" or
// "25.00" of [plot.DefaultTicks].
type niceTicks struct{ whole bool }

// maxLabels is the most labels niceTicks puts on an axis: more crowd a
// chart five inches wide.
const maxLabels = 6

// Ticks returns the ticks of an axis from lo to hi.
func (n niceTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) || math.IsInf(hi-lo, 0) {
		return nil
	}
	step := n.step(lo, hi)
	var minor float64
	switch base := step / math.Pow(10, math.Floor(math.Log10(step)+1e-9)); {
	case math.Abs(base-2) < 1e-9:
		minor = step / 2
	default:
		minor = step / 5
	}
	if n.whole && minor < 1 {
		minor = step
	}
	places := max(0, int(-math.Floor(math.Log10(step)+1e-9)))
	ratio := int64(math.Round(step / minor))
	var ticks []plot.Tick
	for k := int64(math.Ceil(lo/minor - 1e-9)); float64(k)*minor <= hi+1e-9*minor; k++ {
		v := float64(k) * minor
		t := plot.Tick{Value: v}
		if k%ratio == 0 {
			t.Label = tickLabel(v, places)
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// step returns the distance between the labels of an axis from lo to
// hi, lo < hi.
func (n niceTicks) step(lo, hi float64) float64 {
	mag := math.Pow(10, math.Floor(math.Log10((hi-lo)/maxLabels)))
	var step float64
	for _, s := range []float64{1, 2, 5, 10, 20, 50, 100} {
		step = s * mag
		if n.whole && step < 1 {
			continue
		}
		if math.Floor(hi/step+1e-9)-math.Ceil(lo/step-1e-9)+1 <= maxLabels {
			break
		}
	}
	return step
}

// tickLabel prints v with places decimals, less the trailing zeros, and
// its thousands separated by commas.
func tickLabel(v float64, places int) string {
	s := strconv.FormatFloat(v, 'f', places, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	sign := ""
	if s, ok := strings.CutPrefix(s, "-"); ok && s != "0" {
		sign = "-"
	}
	whole, frac, _ := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	for i := len(whole) - 3; i > 0; i -= 3 {
		whole = whole[:i] + "," + whole[i:]
	}
	if frac != "" {
		whole += "." + frac
	}
	return sign + whole
}
