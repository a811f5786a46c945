package main

// This file implements clv customers -plot: the two charts by which the
// BTYD papers judge a model, drawn with gonum/plot.

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/clvkit/clv/btyd"
)

var (
	actualColor    = color.RGBA{R: 0x1f, G: 0x4e, B: 0x79, A: 0xff}
	predictedColor = color.RGBA{R: 0xd9, G: 0x6c, B: 0x1e, A: 0xff}
)

// The size of each chart, side by side in a row, and the resolution of a
// PNG: 150 dots an inch is sharp when a slide shows the charts at full
// width.
const (
	chartWidth  = 5 * vg.Inch
	chartHeight = 4 * vg.Inch
	pngDPI      = 150
)

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

// writePlot draws, side by side, the holdout purchases by calibration
// frequency, actual and predicted, and the tracking chart: cumulative
// repeat purchases by unit of time, actual and expected, through the
// calibration period and the holdout, tracked on s. Without tracking, as
// for BG/BB, whose purchases are counted at opportunities, it draws the
// first alone. It writes PNG if path's name ends in .png, SVG if in .svg.
//
// It returns an error, and writes nothing, for a name of another format,
// without a holdout, if the model cannot be tracked (see [btyd.Track]),
// or if the charts cannot be drawn or written. It never panics: the
// charts come after the work, and their failure need not cost the rest.
func writePlot(path string, r *customerResult, s *btyd.Summarizer) error {
	format, err := plotFormat(path)
	if err != nil {
		return err
	}
	if r.holdout == nil {
		return fmt.Errorf("-plot %s: no holdout to chart", path)
	}
	byFrequency, err := frequencyPlot(r.holdout, r.base.Unit.String())
	if err != nil {
		return fmt.Errorf("-plot %s: %w", path, err)
	}
	row := []*plot.Plot{byFrequency}
	if best := r.fits[r.best]; r.discrete == nil {
		tr, err := btyd.Track(best.purchase, s)
		if err != nil {
			return fmt.Errorf("-plot %s: tracking %s: %w", path, best.title, err)
		}
		tracking, err := trackingPlot(&tr)
		if err != nil {
			return fmt.Errorf("-plot %s: %w", path, err)
		}
		row = append(row, tracking)
	}
	b, err := render(row, format)
	if err != nil {
		return fmt.Errorf("-plot %s: %w", path, err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		// The path is said once, first.
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("-plot %s: %w", path, err)
	}
	return nil
}

// render draws plots side by side on one canvas of format, "png" or
// "svg", and returns its bytes. gonum/plot reports some input it cannot
// draw, such as an axis that is not finite, by panicking; render returns
// that as an error.
func render(row []*plot.Plot, format string) (b []byte, err error) {
	defer func() {
		if e := recover(); e != nil {
			err = fmt.Errorf("drawing the charts: %v", e)
		}
	}()
	w, h := chartWidth*vg.Length(len(row)), chartHeight
	var c vg.CanvasWriterTo = vgsvg.New(w, h)
	if format == "png" {
		c = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(pngDPI))}
	}
	tiles := draw.Tiles{Rows: 1, Cols: len(row), PadX: vg.Centimeter, PadTop: vg.Millimeter * 4, PadBottom: vg.Millimeter * 4,
		PadLeft: vg.Millimeter * 4, PadRight: vg.Millimeter * 4}
	canvases := plot.Align([][]*plot.Plot{row}, tiles, draw.New(c))
	for i, p := range row {
		p.Draw(canvases[0][i])
	}
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// frequencyPlot draws each calibration frequency's holdout purchases a
// customer, actual and predicted, as pairs of bars.
func frequencyPlot(h *btyd.Holdout, unit string) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("Holdout of %.1f %ss, by calibration frequency", h.Length, unit)
	p.X.Label.Text = "repeat purchases in the calibration period"
	p.Y.Label.Text = "holdout purchases a customer"
	actual := make(plotter.Values, len(h.ByFrequency))
	predicted := make(plotter.Values, len(h.ByFrequency))
	names := make([]string, len(h.ByFrequency))
	for i, row := range h.ByFrequency {
		names[i] = strconv.FormatInt(row.X, 10)
		if i == len(h.ByFrequency)-1 {
			names[i] += "+"
		}
		if row.Customers > 0 {
			actual[i] = float64(row.Actual) / float64(row.Customers)
			predicted[i] = row.Predicted / float64(row.Customers)
		}
	}
	width := vg.Points(12)
	a, err := plotter.NewBarChart(actual, width)
	if err != nil {
		return nil, err
	}
	a.Color, a.LineStyle.Width, a.Offset = actualColor, 0, -width/2
	b, err := plotter.NewBarChart(predicted, width)
	if err != nil {
		return nil, err
	}
	b.Color, b.LineStyle.Width, b.Offset = predictedColor, 0, width/2
	p.Add(a, b)
	p.Legend.Add("actual", a)
	p.Legend.Add("model", b)
	p.Legend.Top, p.Legend.Left = true, true
	p.NominalX(names...)
	return p, nil
}

// trackingPlot draws cumulative repeat purchases, actual and expected,
// with a line at the end of the calibration period.
func trackingPlot(tr *btyd.Tracking) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = "Cumulative repeat purchases"
	p.X.Label.Text = fmt.Sprintf("%ss since %s", tr.Unit, tr.Start.Format("2006-01-02"))
	p.Y.Label.Text = "repeat purchases"
	actual := make(plotter.XYs, len(tr.Steps)+1)
	expected := make(plotter.XYs, len(tr.Steps)+1)
	top := 0.0
	for i, s := range tr.Steps {
		actual[i+1] = plotter.XY{X: s.End, Y: float64(s.Actual)}
		expected[i+1] = plotter.XY{X: s.End, Y: s.Expected}
		top = max(top, float64(s.Actual), s.Expected)
	}
	a, err := plotter.NewLine(actual)
	if err != nil {
		return nil, err
	}
	a.Color, a.Width = actualColor, vg.Points(1.5)
	e, err := plotter.NewLine(expected)
	if err != nil {
		return nil, err
	}
	e.Color, e.Width, e.Dashes = predictedColor, vg.Points(1.5), []vg.Length{vg.Points(5), vg.Points(3)}
	cut, err := plotter.NewLine(plotter.XYs{{X: tr.CalibrationEnd, Y: 0}, {X: tr.CalibrationEnd, Y: top}})
	if err != nil {
		return nil, err
	}
	cut.Color, cut.Width = color.Gray{Y: 0x99}, vg.Points(0.75)
	p.Add(cut, a, e)
	p.Legend.Add("actual", a)
	p.Legend.Add("model", e)
	p.Legend.Top, p.Legend.Left = true, true
	return p, nil
}
