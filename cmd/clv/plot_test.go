package main

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/clvkit/clv/internal/logcsv"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/plot/font"
)

// An svgText is a text element of a chart, where the chart's canvas puts
// it: X is its left end, Y its baseline, both in points from the bottom
// left corner, as gonum/plot draws.
type svgText struct {
	X, Y    float64
	Face    font.Face
	Rotated bool
	Text    string
}

// width returns the text's width in points, measured with the font the
// SVG names, as gonum/plot measures it.
func (s svgText) width() float64 { return s.Face.Width(s.Text).Points() }

// An svgPath is a path element of a chart: its points, in the canvas's
// coordinates, and its stroke or fill colour as #RRGGBB.
type svgPath struct {
	Points         []pt
	Stroke, Fill   string
	HasDash, Close bool
}

// A pt is a point of a path.
type pt struct{ X, Y float64 }

// An svgChart is an SVG file gonum/plot wrote, taken apart.
type svgChart struct {
	Width, Height float64
	Texts         []svgText
	Paths         []svgPath
}

// readSVG reads the texts and paths of an SVG file gonum/plot wrote:
// its root group flips the y axis, and each text flips it back, so a
// text's canvas y is minus its y attribute.
func readSVG(t *testing.T, path string) svgChart {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(data, []byte("<?xml")), "%s is not an SVG", path)
	var c svgChart
	d := xml.NewDecoder(bytes.NewReader(data))
	var rotated []bool // the open groups, whether each rotates
	var text *svgText
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		switch e := tok.(type) {
		case xml.StartElement:
			attr := map[string]string{}
			for _, a := range e.Attr {
				attr[a.Name.Local] = a.Value
			}
			switch e.Name.Local {
			case "svg":
				c.Width, c.Height = points(t, attr["width"]), points(t, attr["height"])
			case "g":
				rotated = append(rotated, strings.Contains(attr["transform"], "rotate"))
			case "text":
				text = &svgText{X: number(t, attr["x"]), Y: -number(t, attr["y"]), Face: face(t, attr["style"]), Rotated: slices.Contains(rotated, true)}
			case "path":
				c.Paths = append(c.Paths, parsePath(t, attr["d"], attr["style"]))
			}
		case xml.CharData:
			if text != nil {
				text.Text += string(e)
			}
		case xml.EndElement:
			switch e.Name.Local {
			case "g":
				rotated = rotated[:len(rotated)-1]
			case "text":
				c.Texts = append(c.Texts, *text)
				text = nil
			}
		}
	}
	return c
}

// number parses a number of an SVG attribute.
func number(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	require.NoError(t, err, s)
	return v
}

// points parses a length in points, as "792pt".
func points(t *testing.T, s string) float64 {
	t.Helper()
	return number(t, strings.TrimSuffix(s, "pt"))
}

// styleOf returns a style attribute's properties.
func styleOf(style string) map[string]string {
	m := map[string]string{}
	for _, p := range strings.Split(style, ";") {
		if k, v, ok := strings.Cut(p, ":"); ok {
			m[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return m
}

// face returns the font face a text's style names, from gonum/plot's
// font cache, which holds the Liberation fonts gonum/plot draws with.
func face(t *testing.T, style string) font.Face {
	t.Helper()
	st := styleOf(style)
	family, ok := strings.CutPrefix(st["font-family"], "Liberation ")
	require.True(t, ok, "a font gonum/plot does not measure: %s", style)
	// The charts set every text upright, at the normal weight.
	require.Equal(t, "normal", st["font-weight"], style)
	require.Equal(t, "normal", st["font-style"], style)
	f := font.Font{Typeface: "Liberation", Variant: font.Variant(family)}
	size := number(t, strings.TrimSuffix(st["font-size"], "px"))
	require.True(t, font.DefaultCache.Has(f), "font %v", f)
	return font.DefaultCache.Lookup(f, font.Length(size))
}

// parsePath parses a path gonum/plot wrote: moves and lines only.
func parsePath(t *testing.T, d, style string) svgPath {
	t.Helper()
	st := styleOf(style)
	p := svgPath{Stroke: st["stroke"], Fill: st["fill"], HasDash: st["stroke-dasharray"] != "", Close: strings.HasSuffix(d, "Z")}
	for _, f := range regexp.MustCompile(`[ML]([-0-9.e]+),([-0-9.e]+)`).FindAllStringSubmatch(d, -1) {
		p.Points = append(p.Points, pt{number(t, f[1]), number(t, f[2])})
	}
	return p
}

// texts returns the texts of c that read s.
func (c svgChart) texts(s string) []svgText {
	var out []svgText
	for _, x := range c.Texts {
		if x.Text == s {
			out = append(out, x)
		}
	}
	return out
}

// An svgAxis is a chart's vertical axis: where its line runs, and its
// labelled ticks by value, from the bottom.
type svgAxis struct {
	X, Bottom, Top float64
	Labels         []svgText
}

// yAxes returns the vertical axes of c, from the left: gonum/plot draws
// each as a black vertical line the height of the data area, with the
// tick labels right-aligned against it on its left.
func (c svgChart) yAxes(t *testing.T) []svgAxis {
	t.Helper()
	var axes []svgAxis
	for _, p := range c.Paths {
		if len(p.Points) != 2 || p.Stroke != "#000000" || p.Close {
			continue
		}
		a, b := p.Points[0], p.Points[1]
		if a.X != b.X || math.Abs(b.Y-a.Y) < 50 {
			continue
		}
		axes = append(axes, svgAxis{X: a.X, Bottom: min(a.Y, b.Y), Top: max(a.Y, b.Y)})
	}
	slices.SortFunc(axes, func(a, b svgAxis) int { return int(math.Copysign(1, a.X-b.X)) })
	for i := range axes {
		a := &axes[i]
		for _, x := range c.Texts {
			right := x.X + x.width()
			if x.Rotated || right > a.X || right < a.X-20 || x.Y < a.Bottom-10 || x.Y > a.Top+10 {
				continue
			}
			a.Labels = append(a.Labels, x)
		}
		slices.SortFunc(a.Labels, func(p, q svgText) int { return int(math.Copysign(1, p.Y-q.Y)) })
	}
	return axes
}

// max returns the value at the top of the axis: its labels are centred
// on their ticks, so the lowest, 0, is as far above the bottom as every
// other label is above its tick.
func (a svgAxis) max(t *testing.T) float64 {
	t.Helper()
	require.GreaterOrEqual(t, len(a.Labels), 2, "the axis at x = %.1f has fewer than two labels", a.X)
	zero, top := a.Labels[0], a.Labels[len(a.Labels)-1]
	require.Equal(t, "0", zero.Text, "the axis at x = %.1f starts at 0", a.X)
	v, err := strconv.ParseFloat(strings.ReplaceAll(top.Text, ",", ""), 64)
	require.NoError(t, err)
	return v * (a.Top - a.Bottom) / (top.Y - zero.Y)
}

// tile returns which of n charts side by side x lies in, on a canvas of
// width w.
func tile(x, w float64, n int) int {
	return min(max(int(x/(w/float64(n))), 0), n-1)
}

// plotSample runs clv customers on the sample log with -plot to a file of
// the name, with args after the sample's flags, and reads the SVG.
func plotSample(t *testing.T, name string, args ...string) svgChart {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	code, _, stderr := runArgs(append(append(slices.Clone(sampleCustomers), "-draws", "0", "-plot", path), args...)...)
	require.Equal(t, 0, code, stderr)
	return readSVG(t, path)
}

// The legends name the models beside what customers did: "actual" and
// BG/NBD, every model with -model all, BG/BB with -model bgbb; never
// "model".
func TestPlotLegendNamesModels(t *testing.T) {
	for _, c := range []struct {
		args   []string
		models []string
		charts int // each with its legend
	}{
		{nil, []string{"BG/NBD"}, 3},
		{[]string{"-model", "all"}, []string{"BG/NBD", "MBG/NBD", "Pareto/NBD"}, 3},
		{[]string{"-model", "bgbb", "-unit", "month"}, []string{"BG/BB"}, 1},
	} {
		svg := plotSample(t, "fit.svg", c.args...)
		assert.Empty(t, svg.texts("model"), c.args)
		assert.Len(t, svg.texts("actual"), c.charts, c.args)
		for _, m := range c.models {
			assert.Len(t, svg.texts(m), c.charts, "%v: %s", c.args, m)
		}
	}
}

// Each tracking chart labels its line at the calibration end, beside the
// line.
func TestPlotCalibrationEndLabelled(t *testing.T) {
	svg := plotSample(t, "fit.svg")
	var cuts []float64 // the x of each grey vertical line
	for _, p := range svg.Paths {
		if len(p.Points) == 2 && p.Points[0].X == p.Points[1].X && p.Stroke != "" && p.Stroke != "#000000" {
			cuts = append(cuts, p.Points[0].X)
		}
	}
	labels := svg.texts("calibration end")
	require.Len(t, labels, 2, "one on each tracking chart")
	require.Len(t, cuts, 2)
	for i, l := range labels {
		near := math.Min(math.Abs(l.X+l.width()-cuts[i]), math.Abs(l.X-cuts[i]))
		assert.Less(t, near, 8.0, "the label at x = %.1f is %.1f pt from its line", l.X, near)
	}
}

// integerLabel is a tick label of a count: an integer, with thousands
// separated by commas, or the frequency chart's last group, "7+".
var integerLabel = regexp.MustCompile(`^[0-9]{1,3}(,[0-9]{3})*\+?$`)

// Count axes — purchases, and time in whole units — have integer ticks
// whatever the unit, and no tick label ends in a zero decimal.
func TestPlotIntegerTicks(t *testing.T) {
	check := func(svg svgChart, name string, counts func(tile int) bool) {
		t.Helper()
		n := len(svg.yAxes(t))
		for _, x := range svg.Texts {
			if x.Rotated {
				continue
			}
			if _, err := strconv.ParseFloat(strings.TrimSuffix(strings.ReplaceAll(x.Text, ",", ""), "+"), 64); err != nil {
				continue // not a tick label
			}
			assert.NotRegexp(t, `\.[0-9]*0$`, x.Text, "%s: a label with a zero decimal", name)
			if counts(tile(x.X, svg.Width, n)) {
				assert.Regexp(t, integerLabel, x.Text, "%s: a count's label", name)
			}
		}
	}
	tracking := func(tile int) bool { return tile > 0 }
	for _, unit := range []string{"week", "month", "quarter", "year"} {
		check(plotSample(t, "fit.svg", "-unit", unit), unit, tracking)
	}
	check(plotSample(t, "bgbb.svg", "-model", "bgbb", "-unit", "month"), "bgbb", func(int) bool { return false })

	// CDNOW's 78 weeks, which gonum/plot's own ticks label 0.00, 25.00.
	path := cdnowLog(t)
	out := filepath.Join(t.TempDir(), "cdnow.svg")
	code, _, stderr := runArgs("customers", "-input", path, "-calibration-end", "1997-09-30", "-holdout-end", "1998-06-30", "-draws", "0", "-plot", out)
	require.Equal(t, 0, code, stderr)
	check(readSVG(t, out), "CDNOW", tracking)
}

// cdnowLog writes the CDNOW sample, beside the repository, as a log, or
// skips the test without it.
func cdnowLog(t *testing.T) string {
	t.Helper()
	src, err := os.Open(filepath.Join("..", "..", "..", "shared", "data", "CDNOW_sample.txt"))
	if err != nil {
		t.Skipf("CDNOW sample not available (../shared/data/CDNOW_sample.txt, beside the repository): %v", err)
	}
	defer src.Close()
	var b strings.Builder
	b.WriteString("customer_id,date,amount\n")
	sc := bufio.NewScanner(src)
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 5 {
			fmt.Fprintf(&b, "%s,%s,%s\n", f[1], f[2], f[4])
		}
	}
	require.NoError(t, sc.Err())
	path := filepath.Join(t.TempDir(), "cdnow.csv")
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
	return path
}

// sampleTracking fits BG/NBD to the sample log as clv customers does, in
// weeks, and returns its holdout and tracking, for the values the charts
// must show.
func sampleTracking(t *testing.T) (btyd.Holdout, btyd.Tracking) {
	t.Helper()
	in := customerInputs{input: samplePath, columns: logcsv.DefaultColumns, workers: 1, unit: clv.Week,
		calibrationEnd: time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC), holdoutEnd: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)}
	s, _, _, code := in.read(io.Discard)
	require.Equal(t, 0, code)
	fit, err := btyd.FitBGNBD(s.Histories())
	require.NoError(t, err)
	h, err := btyd.CompareHoldout(fit.Model, s.Base())
	require.NoError(t, err)
	tr, err := btyd.Track(fit.Model, s)
	require.NoError(t, err)
	return h, tr
}

// tallest returns the tallest bar of the holdout chart, the highest
// point of the weekly tracking chart, and the highest of the cumulative
// one. The weekly chart leaves out a last step shorter than a week.
func tallest(h btyd.Holdout, tr btyd.Tracking) (bar, weekly, cumulative float64) {
	for _, r := range h.ByFrequency {
		if r.Customers > 0 {
			bar = max(bar, float64(r.Actual)/float64(r.Customers), r.Predicted/float64(r.Customers))
		}
	}
	var prev btyd.TrackingStep
	for i, s := range tr.Steps {
		if i < len(tr.Steps)-1 || s.End-prev.End > 1-1e-9 {
			weekly = max(weekly, float64(s.Actual-prev.Actual), s.Expected-prev.Expected)
		}
		cumulative = max(cumulative, float64(s.Actual), s.Expected)
		prev = s
	}
	return bar, weekly, cumulative
}

// Every chart leaves room above its tallest bar or line: its axis runs at
// least 10 % higher.
func TestPlotHeadroom(t *testing.T) {
	bar, _, cumulative := tallest(sampleTracking(t))
	svg := plotSample(t, "fit.svg")
	axes := svg.yAxes(t)
	require.NotEmpty(t, axes)
	// The holdout chart first, the cumulative tracking last; the weekly
	// tracking between them has its own test.
	for _, c := range []struct {
		axis    svgAxis
		tallest float64
	}{{axes[0], bar}, {axes[len(axes)-1], cumulative}} {
		top := c.axis.max(t)
		assert.GreaterOrEqual(t, top, 1.1*c.tallest, "the chart at x = %.1f: axis to %.2f, tallest %.2f", c.axis.X, top, c.tallest)
	}
}

// Every text lies within the canvas, and every title within its own
// chart, as wide as the font gonum/plot draws it with; the titles, in
// the largest font, stand in line.
func TestPlotTitlesFit(t *testing.T) {
	for _, args := range [][]string{nil, {"-model", "all", "-unit", "quarter"}, {"-model", "bgbb", "-unit", "month"}, {"-model", "bgbb", "-unit", "week"}} {
		svg := plotSample(t, "fit.svg", args...)
		n := len(svg.yAxes(t))
		var titles []svgText
		for _, x := range svg.Texts {
			switch size := x.Face.Font.Size; {
			case len(titles) == 0 || size > titles[0].Face.Font.Size:
				titles = []svgText{x}
			case size == titles[0].Face.Font.Size:
				titles = append(titles, x)
			}
		}
		require.Len(t, titles, n, args)
		for _, x := range titles[1:] {
			assert.InDelta(t, titles[0].Y, x.Y, 1, "%v: %q and %q", args, titles[0].Text, x.Text)
		}
		for _, x := range svg.Texts {
			if x.Rotated {
				continue
			}
			left, right := x.X, x.X+x.width()
			assert.True(t, left >= 0 && right <= svg.Width, "%v: %q runs from %.1f to %.1f of %.1f", args, x.Text, left, right, svg.Width)
			w := svg.Width / float64(n)
			k := tile((left+right)/2, svg.Width, n)
			assert.True(t, left >= float64(k)*w && right <= float64(k+1)*w, "%v: %q runs from %.1f to %.1f, out of its chart's %.1f to %.1f",
				args, x.Text, left, right, float64(k)*w, float64(k+1)*w)
		}
	}
}

// The holdout chart's axis reads "holdout purchases per customer".
func TestPlotWording(t *testing.T) {
	for _, args := range [][]string{nil, {"-model", "bgbb", "-unit", "month"}} {
		svg := plotSample(t, "fit.svg", args...)
		assert.Len(t, svg.texts("holdout purchases per customer"), 1, args)
		for _, x := range svg.Texts {
			assert.NotContains(t, x.Text, "a customer", args)
		}
	}
}

// The tracking charts are two, side by side: repeat purchases each week,
// whose axis is that of the largest week's, and their sum to date, whose
// axis is that of the total's.
func TestPlotWeeklyTracking(t *testing.T) {
	_, weekly, cumulative := tallest(sampleTracking(t))
	svg := plotSample(t, "fit.svg")
	require.Len(t, svg.texts("Repeat purchases each week"), 1)
	require.Len(t, svg.texts("Cumulative repeat purchases"), 1)
	axes := svg.yAxes(t)
	require.Len(t, axes, 3)
	week, total := axes[1].max(t), axes[2].max(t)
	assert.True(t, week >= 1.1*weekly && week < 2*weekly, "the weekly chart's axis runs to %.1f, its largest week %.1f", week, weekly)
	assert.True(t, total >= cumulative && total < 2*cumulative, "the cumulative chart's axis runs to %.1f, its total %.1f", total, cumulative)
	// Side by side, the weekly first, each titled over its own axis.
	for i, title := range []string{"Repeat purchases each week", "Cumulative repeat purchases"} {
		x := svg.texts(title)[0]
		assert.Equal(t, i+1, tile(x.X+x.width()/2, svg.Width, 3), title)
	}
	for _, label := range []string{"repeat purchases in the week", "repeat purchases to date"} {
		assert.Len(t, svg.texts(label), 1, label)
	}
	assert.Len(t, svg.texts("weeks since the first purchase, 2024-01-05"), 2)
}

// -plot writes PNG when the file's name ends in .png: the same charts at
// 150 dots an inch, 15 × 4 inches with tracking and 5 × 4 without.
func TestPlotPNG(t *testing.T) {
	for _, c := range []struct {
		args []string
		w, h int
	}{
		{nil, 2250, 600},
		{[]string{"-model", "bgbb", "-unit", "month"}, 750, 600},
	} {
		path := filepath.Join(t.TempDir(), "fit.PNG")
		code, _, stderr := runArgs(append(append(slices.Clone(sampleCustomers), "-draws", "0", "-plot", path), c.args...)...)
		require.Equal(t, 0, code, stderr)
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		require.True(t, bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")), "%v: not a PNG: %q", c.args, data[:min(len(data), 16)])
		img, err := png.Decode(bytes.NewReader(data))
		require.NoError(t, err)
		assert.Equal(t, c.w, img.Bounds().Dx(), c.args)
		assert.Equal(t, c.h, img.Bounds().Dy(), c.args)
	}
}

// writePlot returns an error, writes nothing and never panics where the
// charts cannot be drawn or written: a name of another format, a
// directory that does not exist, a base that spans too long to track —
// here one stray purchase in the year 2, after every model was fitted.
func TestPlotErrors(t *testing.T) {
	log, err := os.ReadFile(samplePath)
	require.NoError(t, err)
	dir := t.TempDir()
	stray := filepath.Join(dir, "stray.csv")
	require.NoError(t, os.WriteFile(stray, append(log, "cus_1,0002-01-01,10.00,web\n"...), 0o644))
	for _, c := range []struct {
		input, plot, want string
	}{
		{samplePath, filepath.Join(dir, "fit.jpg"), "-plot " + filepath.Join(dir, "fit.jpg") + ": name the file .svg or .png"},
		{samplePath, filepath.Join(dir, "none", "fit.svg"), "-plot " + filepath.Join(dir, "none", "fit.svg") + ": no such file or directory"},
	} {
		in := customerInputs{input: c.input, columns: logcsv.DefaultColumns, workers: 1, unit: clv.Week, model: "bgnbd",
			horizon: 52, horizonUnit: clv.Week, discountPeriod: clv.Year, margin: decimal.NewFromInt(1), scale: 2, plot: c.plot,
			calibrationEnd: time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC), holdoutEnd: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)}
		s, _, _, code := in.read(io.Discard)
		require.Equal(t, 0, code)
		r, err := model(s, in)
		require.NoError(t, err, "the work is done whatever the charts")
		_, err = writePlot(c.plot, r, s)
		require.Error(t, err, c.plot)
		assert.Contains(t, err.Error(), c.want)
		assert.NoFileExists(t, c.plot)
	}
}
