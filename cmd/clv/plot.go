package main

// This file implements clv customers -plot: the two charts by which the
// BTYD papers judge a model, drawn with gonum/plot.

import (
	"fmt"
	"image/color"
	"os"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/clvkit/clv/btyd"
)

var (
	actualColor    = color.RGBA{R: 0x1f, G: 0x4e, B: 0x79, A: 0xff}
	predictedColor = color.RGBA{R: 0xd9, G: 0x6c, B: 0x1e, A: 0xff}
)

// writePlot draws, side by side, the holdout purchases by calibration
// frequency, actual and predicted, and the tracking chart: cumulative
// repeat purchases by unit of time, actual and expected, through the
// calibration period and the holdout. Without tracking, as for BG/BB,
// whose purchases are counted at opportunities, it draws the first alone.
func writePlot(path string, r *customerResult) error {
	byFrequency, err := frequencyPlot(r.holdout, r.base.Unit.String())
	if err != nil {
		return err
	}
	row := []*plot.Plot{byFrequency}
	if r.tracking != nil {
		tracking, err := trackingPlot(r.tracking)
		if err != nil {
			return err
		}
		row = append(row, tracking)
	}
	c := vgsvg.New(5.5*vg.Inch*vg.Length(len(row)), 4.5*vg.Inch)
	tiles := draw.Tiles{Rows: 1, Cols: len(row), PadX: vg.Centimeter, PadTop: vg.Millimeter * 4, PadBottom: vg.Millimeter * 4,
		PadLeft: vg.Millimeter * 4, PadRight: vg.Millimeter * 4}
	canvases := plot.Align([][]*plot.Plot{row}, tiles, draw.New(c))
	for i, p := range row {
		p.Draw(canvases[0][i])
	}

	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := c.WriteTo(f); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
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
