package main

import (
	"bytes"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/internal/logcsv"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// -plot writes PNG when the file's name ends in .png: the same charts at
// 150 dots an inch, 10 × 4 inches with tracking and 5 × 4 without.
func TestPlotPNG(t *testing.T) {
	for _, c := range []struct {
		args []string
		w, h int
	}{
		{nil, 1500, 600},
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
		{stray, filepath.Join(dir, "stray.png"), "-plot " + filepath.Join(dir, "stray.png") + ": tracking BG/NBD: "},
	} {
		in := customerInputs{input: c.input, columns: logcsv.DefaultColumns, workers: 1, unit: clv.Week, model: "bgnbd",
			horizon: 52, horizonUnit: clv.Week, discountPeriod: clv.Year, margin: decimal.NewFromInt(1), scale: 2, plot: c.plot,
			calibrationEnd: time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC), holdoutEnd: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)}
		s, _, _, code := in.read(io.Discard)
		require.Equal(t, 0, code)
		r, err := model(s, in)
		require.NoError(t, err, "the work is done whatever the charts")
		err = writePlot(c.plot, r, s)
		require.Error(t, err, c.plot)
		assert.Contains(t, err.Error(), c.want)
		assert.NoFileExists(t, c.plot)
	}
}
