package main

import (
	"encoding/json"
	"fmt"
	"html"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// figurePattern finds the figures of a page: an element with a data-key
// attribute, and its text, which holds no other element.
var figurePattern = regexp.MustCompile(`data-key="([^"]*)"[^>]*>([^<]*)<`)

// A pageFigure is a figure of a report: the JSON path it names, and
// its text.
type pageFigure struct{ key, text string }

// pageFigures returns the figures of a page, in order.
func pageFigures(t *testing.T, page string) []pageFigure {
	t.Helper()
	var figures []pageFigure
	for _, m := range figurePattern.FindAllStringSubmatch(page, -1) {
		figures = append(figures, pageFigure{html.UnescapeString(m[1]), strings.TrimSpace(html.UnescapeString(m[2]))})
	}
	return figures
}

// jsonAt returns the value at a path of dotted keys and indexes in a
// decoded JSON document, and whether it is there.
func jsonAt(doc any, path string) (any, bool) {
	v := doc
	for _, part := range strings.Split(path, ".") {
		switch node := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = node[part]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(node) {
				return nil, false
			}
			v = node[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// figureMismatch holds a figure's text to its JSON value, and says how
// they differ, or "" if they do not: a number to the places it is
// printed to, a percentage as a share, an amount of money exactly, a
// date as the day of the JSON's time, null as a dash.
func figureMismatch(f pageFigure, want any) string {
	text := strings.ReplaceAll(f.text, ",", "")
	differ := func() string { return fmt.Sprintf("%s: %q on the page, %v in the JSON", f.key, f.text, want) }
	// A share in decimals is printed as a percentage, to its places.
	if w, ok := want.(string); ok && strings.HasSuffix(text, " %") {
		if d, err := decimal.NewFromString(w); err == nil {
			want = d.InexactFloat64()
		}
	}
	switch w := want.(type) {
	case nil:
		if f.text != "–" {
			return differ()
		}
	case float64:
		share := false
		if s, ok := strings.CutSuffix(text, " %"); ok {
			text, share = s, true
		}
		got, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return differ()
		}
		places := 0
		if _, frac, ok := strings.Cut(text, "."); ok {
			places = len(frac)
		}
		tolerance := 0.5*math.Pow(10, -float64(places)) + 1e-9*math.Abs(got)
		if share {
			got, tolerance = got/100, tolerance/100
		}
		if !(math.Abs(got-w) <= tolerance) {
			return differ()
		}
	case string:
		if d, err := decimal.NewFromString(w); err == nil {
			if got, err := decimal.NewFromString(text); err != nil || !got.Equal(d) {
				return differ()
			}
			return ""
		}
		if day, ok := strings.CutSuffix(w, "T00:00:00Z"); ok {
			w = day
		}
		if f.text != w {
			return differ()
		}
	default:
		return fmt.Sprintf("%s: the JSON holds %T, not a figure", f.key, want)
	}
	return ""
}

// reportRun runs clv with args, -json and -report, and returns the page
// and the JSON of the same run.
func reportRun(t *testing.T, args ...string) (page string, doc any) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "report.html")
	code, stdout, stderr := runArgs(append(args, "-json", "-report", path)...)
	require.Equal(t, 0, code, stderr)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal([]byte(stdout), &doc))
	return string(b), doc
}

// Every figure of the page is the same run's JSON: each names its path,
// which the JSON holds, and its text is the value there.
func TestReportFiguresAreJSON(t *testing.T) {
	cdnow := func(t *testing.T) []string {
		return []string{"customers", "-input", cdnowSampleLog(t), "-calibration-end", "1997-09-30", "-holdout-end", "1998-06-30", "-model", "all", "-draws", "0"}
	}
	for _, c := range []struct {
		name string
		args func(*testing.T) []string
		// least is the fewest figures the page must show.
		least int
	}{
		{"customers", func(*testing.T) []string {
			return []string{"customers", "-input", "../../testdata/orders.csv", "-calibration-end", "2025-06-30", "-holdout-end", "2025-12-31", "-model", "all"}
		}, 400},
		{"bgbb", func(*testing.T) []string {
			return []string{"customers", "-input", "../../testdata/donations.csv", "-calibration-end", "2024-12-31", "-holdout-end", "2025-12-31", "-model", "bgbb", "-unit", "year", "-horizon", "5", "-discount", "0.1"}
		}, 150},
		{"no holdout", func(*testing.T) []string {
			return []string{"customers", "-input", "../../testdata/orders.csv", "-calibration-end", "2025-12-31", "-top", "3"}
		}, 150},
		{"log", func(*testing.T) []string {
			return []string{"-input", "../../testdata/orders.csv", "-window", "quarter", "-margin", "0.4", "-cac", "20"}
		}, 250},
		{"cdnow", cdnow, 400},
		{"covariates", func(*testing.T) []string {
			return []string{"customers", "-input", "../../testdata/orders.csv", "-calibration-end", "2025-06-30", "-holdout-end", "2025-12-31", "-model", "pnbd", "-covariates", "segment", "-draws", "0"}
		}, 400},
		// Warnings, and no spend model: every purchase at a flat amount.
		{"flat spend", func(t *testing.T) []string {
			return []string{"customers", "-input", writeFlatLog(t), "-calibration-end", "2025-06-30", "-holdout-end", "2026-03-31", "-top", "2"}
		}, 150},
	} {
		t.Run(c.name, func(t *testing.T) {
			page, doc := reportRun(t, c.args(t)...)
			figures := pageFigures(t, page)
			require.GreaterOrEqual(t, len(figures), c.least, "the page's figures")
			segments := 0
			for _, f := range figures {
				if strings.HasPrefix(f.key, "segment_values.") {
					segments++
				}
			}
			// The sample log's table of segments: three and the blend, ten
			// figures each.
			if c.name == "customers" {
				assert.Equal(t, 4*10, segments, "the figures of the table of segments")
			}
			// The sample log's covariates: two indicators, each on three
			// processes, three figures each, and the two tests.
			covariates := 0
			for _, f := range figures {
				if strings.HasPrefix(f.key, "covariates.") {
					covariates++
				}
			}
			if c.name == "covariates" {
				assert.Equal(t, 2*3*3+2, covariates, "the figures of the covariates")
			}
			for _, f := range figures {
				want, ok := jsonAt(doc, f.key)
				if !assert.True(t, ok, "%s: on the page, not in the JSON", f.key) {
					continue
				}
				assert.Empty(t, figureMismatch(f, want))
			}
			// Every warning, and every note, in full.
			for _, list := range []string{"warnings", "notes"} {
				all, _ := jsonAt(doc, list)
				items, _ := all.([]any)
				for _, w := range items {
					assert.Contains(t, page, html.EscapeString(w.(string)), list)
				}
			}
		})
	}
}

// The figure check tells a wrong figure from a right one.
func TestCheckFigure(t *testing.T) {
	doc := map[string]any{"a": []any{map[string]any{"v": 0.4372567}}, "m": "25030.73", "d": "2024-01-02T00:00:00Z", "n": nil}
	for _, c := range []struct {
		f  pageFigure
		ok bool
	}{
		{pageFigure{"a.0.v", "43.7 %"}, true},
		{pageFigure{"a.0.v", "43.8 %"}, false},
		{pageFigure{"a.0.v", "0.4373"}, true},
		{pageFigure{"a.0.v", "0.4372"}, false},
		{pageFigure{"m", "25,030.73"}, true},
		{pageFigure{"m", "25,030.7"}, false},
		{pageFigure{"d", "2024-01-02"}, true},
		{pageFigure{"n", "–"}, true},
		{pageFigure{"n", "0"}, false},
	} {
		want, ok := jsonAt(doc, c.f.key)
		require.True(t, ok, c.f.key)
		assert.Equal(t, c.ok, figureMismatch(c.f, want) == "", "%+v", c.f)
	}
	_, ok := jsonAt(doc, "a.1.v")
	assert.False(t, ok)
}

// -report takes a name that says HTML, needs -input for a log's page, and
// is checked before the log is read.
func TestReportFlags(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-report", filepath.Join(dir, "r.html")}, "-report: needs -input"},
		{[]string{"-input", "../../testdata/orders.csv", "-report", filepath.Join(dir, "r.pdf")}, "name the file .html"},
		{[]string{"customers", "-input", "../../testdata/orders.csv", "-calibration-end", "2025-06-30", "-report", filepath.Join(dir, "r.svg")}, "name the file .html"},
		{[]string{"customers", "-input", "../../testdata/orders.csv", "-calibration-end", "2025-06-30", "-report", filepath.Join(dir, "no", "r.html")}, "-report " + filepath.Join(dir, "no", "r.html")},
		{[]string{"-input", "../../testdata/orders.csv", "-report", filepath.Join(dir, "no", "r.html")}, "-report " + filepath.Join(dir, "no", "r.html")},
	} {
		code, stdout, stderr := runArgs(c.args...)
		assert.Equal(t, 2, code, c.args)
		assert.Empty(t, stdout, c.args)
		assert.Contains(t, stderr, c.want, c.args)
	}
}

// What the log names — its path, customers and segments — is text on the
// page, in the tables and in the charts' legends, never markup: the page
// holds no script.
func TestReportEscapes(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "<b>log.csv")
	data, err := os.ReadFile("../../testdata/orders.csv")
	require.NoError(t, err)
	log := strings.NewReplacer(",web", ",<script>alert(1)</script>", ",app", ",a&b", ",store", ",x'y", "cus_", "<i>").Replace(string(data))
	require.NoError(t, os.WriteFile(path, []byte(log), 0o644))
	for _, args := range [][]string{
		{"-input", path, "-window", "month"},
		{"customers", "-input", path, "-calibration-end", "2025-06-30", "-holdout-end", "2025-12-31", "-draws", "0"},
	} {
		out := filepath.Join(dir, "report.html")
		code, _, stderr := runArgs(append(args, "-report", out)...)
		require.Equal(t, 0, code, stderr)
		data, err := os.ReadFile(out)
		require.NoError(t, err)
		page := string(data)
		assert.NotContains(t, page, "<script", args)
		assert.NotContains(t, page, "<b>", args)
		assert.NotContains(t, page, "<i>", args)
		assert.Contains(t, page, "&lt;b&gt;log.csv", args)
	}
}
