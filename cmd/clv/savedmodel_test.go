package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// scored is what the tests read of -json's output.
type scored struct {
	Model     string          `json:"purchase_model"`
	Value     decimal.Decimal `json:"value"`
	Expected  float64         `json:"expected_purchases"`
	Intervals *intervalsJSON  `json:"intervals"`
	ModelFile *modelFileJSON  `json:"model_file"`
	Top       []struct {
		ID        string          `json:"id"`
		X         int64           `json:"x"`
		Tx        float64         `json:"t_x"`
		T         float64         `json:"t"`
		ProbAlive float64         `json:"prob_alive"`
		Purchases float64         `json:"purchases"`
		Value     decimal.Decimal `json:"value"`
	} `json:"top"`
}

func runScored(t *testing.T, args ...string) scored {
	t.Helper()
	code, stdout, stderr := runArgs(append([]string{"customers", "-input", "../../testdata/orders.csv", "-json", "-top", "20"}, args...)...)
	require.Equal(t, 0, code, stderr)
	var s scored
	require.NoError(t, json.Unmarshal([]byte(stdout), &s))
	return s
}

// A saved model scores the log it was fitted to as the fit did: the same
// P(alive) to the bit, the same values to the cent, the same intervals,
// and the same -out file, byte for byte.
func TestSavedModelRoundTrip(t *testing.T) {
	for _, model := range []string{"bgnbd", "pnbd"} {
		t.Run(model, func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, "model.json")
			fitted := runScored(t, "-calibration-end", "2025-06-30", "-model", model, "-save-model", file, "-out", filepath.Join(dir, "fitted.csv"))
			loaded := runScored(t, "-calibration-end", "2025-06-30", "-model-file", file, "-out", filepath.Join(dir, "loaded.csv"))

			assert.Nil(t, fitted.ModelFile)
			require.NotNil(t, loaded.ModelFile)
			assert.Equal(t, modelFileJSON{Path: file, CalibrationEnd: "2025-06-30"}, *loaded.ModelFile)
			assert.Equal(t, model, loaded.Model)
			assert.True(t, fitted.Value.Equal(loaded.Value), "%s, %s", fitted.Value, loaded.Value)
			assert.Equal(t, fitted.Expected, loaded.Expected)
			require.NotNil(t, loaded.Intervals)
			assert.Equal(t, *fitted.Intervals, *loaded.Intervals)
			require.Len(t, loaded.Top, 20)
			for i, c := range loaded.Top {
				f := fitted.Top[i]
				assert.Equal(t, f.ID, c.ID)
				assert.Equal(t, f.ProbAlive, c.ProbAlive, c.ID)
				assert.True(t, f.Value.Equal(c.Value), "%s: %s, %s", c.ID, f.Value, c.Value)
			}
			a, err := os.ReadFile(filepath.Join(dir, "fitted.csv"))
			require.NoError(t, err)
			b, err := os.ReadFile(filepath.Join(dir, "loaded.csv"))
			require.NoError(t, err)
			assert.Equal(t, string(a), string(b))
		})
	}
}

// A saved model scores another log, or the same at a later date, by its
// parameters: each customer's P(alive) is the saved model's for their
// history at the new date.
func TestSavedModelScoresLater(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "model.json")
	runScored(t, "-calibration-end", "2025-06-30", "-save-model", file)
	later := runScored(t, "-calibration-end", "2025-12-31", "-model-file", file)
	refit := runScored(t, "-calibration-end", "2025-12-31")

	var doc struct {
		Purchase btyd.BGNBDFit `json:"purchase"`
	}
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &doc))
	require.NotEmpty(t, later.Top)
	for _, c := range later.Top {
		p, err := doc.Purchase.Model.ProbAlive(c.X, c.Tx, c.T)
		require.NoError(t, err)
		assert.Equal(t, p, c.ProbAlive, c.ID)
	}
	assert.Equal(t, "2025-06-30", later.ModelFile.CalibrationEnd)
	// Not the refit's figures: the log after June taught the refit more.
	assert.False(t, later.Value.Equal(refit.Value), "%s", later.Value)
	assert.Positive(t, later.Expected)
}

// -model-file refuses, with exit status 2 before the log is read, a file
// it cannot score with, naming the file and the field at fault.
func TestSavedModelRefusals(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "model.json")
	runScored(t, "-calibration-end", "2025-06-30", "-save-model", file)
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	edit := func(f func(doc map[string]any)) string {
		var doc map[string]any
		require.NoError(t, json.Unmarshal(data, &doc))
		f(doc)
		out, err := json.Marshal(doc)
		require.NoError(t, err)
		return string(out)
	}
	purchase := func(doc map[string]any) map[string]any {
		return doc["purchase"].(map[string]any)["model"].(map[string]any)
	}
	tests := []struct {
		name, file string
		args       []string
		want       string
	}{
		// the document
		{"corrupt", string(data[:len(data)/2]), nil, "not JSON of a saved model"},
		{"not a model", `{"x": 1}`, nil, `format "": want "clv-model"`},
		{"format", edit(func(d map[string]any) { d["format"] = "other" }), nil, `format "other"`},
		{"no version", edit(func(d map[string]any) { delete(d, "version") }), nil, "version 0: this clv reads version 1"},
		{"version", edit(func(d map[string]any) { d["version"] = 2 }), nil, "version 2: this clv reads version 1"},
		{"no unit", edit(func(d map[string]any) { delete(d, "unit") }), []string{"-unit", "year"}, "unit: missing"},
		{"trailing", string(data) + "}", nil, "not JSON of a saved model"},
		{"parameters", edit(func(d map[string]any) { delete(d["purchase"].(map[string]any)["stats"].(map[string]any), "parameters") }), nil, "purchase: stats: parameters: 0 names for 4 parameters"},
		{"calibration end", edit(func(d map[string]any) { d["calibration_end"] = "June" }), nil, `calibration_end "June"`},
		// the models
		{"unknown model", edit(func(d map[string]any) { d["model"] = "gamma" }), nil, `model "gamma": must be bgnbd, mbgnbd, pnbd or bgbb`},
		{"negative r", edit(func(d map[string]any) { purchase(d)["r"] = -1 }), nil, "purchase: "},
		{"zero alpha", edit(func(d map[string]any) { purchase(d)["alpha"] = 0 }), nil, "purchase: "},
		{"bad spend", edit(func(d map[string]any) { d["spend"].(map[string]any)["model"].(map[string]any)["q"] = -2 }), nil, "spend: "},
		{"no spend", edit(func(d map[string]any) { delete(d, "spend") }), nil, "spend, flat_spend: want one of them"},
		{"covariance", edit(func(d map[string]any) {
			d["purchase"].(map[string]any)["stats"].(map[string]any)["covariance"] = []any{}
		}), nil, "purchase: stats: covariance: 0 rows for 4 parameters"},
		// the flags
		{"unit", string(data), []string{"-unit", "month"}, "unit week: the model is of weeks, and -unit is month"},
		{"model", string(data), []string{"-model", "pnbd"}, `model "bgnbd": -model is "pnbd"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := filepath.Join(t.TempDir(), "bad.json")
			require.NoError(t, os.WriteFile(bad, []byte(tt.file), 0o644))
			args := append([]string{"customers", "-input", "no-such-log.csv", "-calibration-end", "2025-06-30", "-model-file", bad}, tt.args...)
			code, stdout, stderr := runArgs(args...)
			assert.Equal(t, 2, code, stderr)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, "clv customers: -model-file "+bad+": ")
			assert.Contains(t, stderr, tt.want)
			assert.Contains(t, stderr, errSavedModel.Error())
			assert.Equal(t, 1, strings.Count(stderr, "\n"), stderr)
		})
	}
	// flags at odds with a saved model, refused before any file is read
	for _, args := range [][]string{
		{"-model-file", file, "-save-model", filepath.Join(dir, "again.json")},
		{"-model-file", file, "-model", "all"},
		{"-save-model", filepath.Join(dir, "no-such-dir", "model.json")},
	} {
		code, _, stderr := runArgs(append([]string{"customers", "-input", "../../testdata/orders.csv", "-calibration-end", "2025-06-30"}, args...)...)
		assert.Equal(t, 2, code, "%q: %s", args, stderr)
		assert.Regexp(t, `^clv customers: -(save-model|model)`, stderr, args)
	}
}

// -report says that the models were read from the file, and when they
// were fitted to.
func TestSavedModelReport(t *testing.T) {
	dir := t.TempDir()
	file, report := filepath.Join(dir, "model.json"), filepath.Join(dir, "report.html")
	runScored(t, "-calibration-end", "2025-06-30", "-save-model", file)
	runScored(t, "-calibration-end", "2025-12-31", "-model-file", file, "-report", report)
	page, err := os.ReadFile(report)
	require.NoError(t, err)
	assert.Contains(t, string(page), "Read from "+file+", not fitted: the models were fitted to a calibration period ending 2025-06-30")
}

// Where the spend model could not be fitted, the file keeps the flat
// amount every purchase was valued at, as a decimal, and scoring with it
// values the customers as the run that saved it did.
func TestSavedModelFlatSpend(t *testing.T) {
	path := writeFlatLog(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "model.json")
	run := func(args ...string) scored {
		code, stdout, stderr := runArgs(append([]string{"customers", "-input", path, "-calibration-end", "2025-06-30", "-json"}, args...)...)
		require.Equal(t, 0, code, stderr)
		assert.Contains(t, stderr, "no intervals: they draw the spend model's parameters")
		var s scored
		require.NoError(t, json.Unmarshal([]byte(stdout), &s))
		return s
	}
	fitted := run("-save-model", file)
	loaded := run("-model-file", file)

	var doc struct {
		Spend     *btyd.GammaGammaFit `json:"spend"`
		FlatSpend *struct {
			Amount string `json:"amount"`
		} `json:"flat_spend"`
	}
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &doc))
	assert.Nil(t, doc.Spend)
	require.NotNil(t, doc.FlatSpend)
	assert.Equal(t, "10", doc.FlatSpend.Amount)
	assert.True(t, fitted.Value.IsPositive())
	assert.True(t, fitted.Value.Equal(loaded.Value), "%s, %s", fitted.Value, loaded.Value)
}

// With -model all, the file holds the model that values, the one of
// lowest BIC, and scores as it did.
func TestSavedModelAll(t *testing.T) {
	file := filepath.Join(t.TempDir(), "model.json")
	fitted := runScored(t, "-calibration-end", "2025-06-30", "-model", "all", "-save-model", file)
	loaded := runScored(t, "-calibration-end", "2025-06-30", "-model-file", file)
	var doc savedModel
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &doc))
	assert.Equal(t, fitted.Model, doc.Model)
	assert.Equal(t, fitted.Model, loaded.Model)
	assert.True(t, fitted.Value.Equal(loaded.Value), "%s, %s", fitted.Value, loaded.Value)
}

// A BG/BB model saves and scores as the continuous ones do, at
// opportunities of its unit, and refuses a -step other than -unit.
func TestSavedModelBGBB(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "model.json")
	args := []string{"customers", "-input", "../../testdata/donations.csv", "-calibration-end", "2024-12-31", "-holdout-end", "2025-12-31",
		"-unit", "year", "-horizon", "5", "-horizon-unit", "year", "-discount", "0.1", "-json", "-top", "20"}
	run := func(more ...string) scored {
		code, stdout, stderr := runArgs(append(slices.Clone(args), more...)...)
		require.Equal(t, 0, code, stderr)
		var s scored
		require.NoError(t, json.Unmarshal([]byte(stdout), &s))
		return s
	}
	fitted := run("-model", "bgbb", "-save-model", file)
	loaded := run("-model-file", file)
	assert.Equal(t, "bgbb", loaded.Model)
	assert.True(t, fitted.Value.Equal(loaded.Value), "%s, %s", fitted.Value, loaded.Value)
	require.NotNil(t, loaded.Intervals)
	assert.Equal(t, *fitted.Intervals, *loaded.Intervals)
	require.NotEmpty(t, loaded.Top)
	for i, c := range loaded.Top {
		assert.Equal(t, fitted.Top[i].ID, c.ID)
		assert.Equal(t, fitted.Top[i].ProbAlive, c.ProbAlive, c.ID)
		assert.True(t, fitted.Top[i].Value.Equal(c.Value), c.ID)
	}

	code, _, stderr := runArgs(append(slices.Clone(args), "-model-file", file, "-step", "month")...)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, `clv customers: -model-file `+file+`: model "bgbb": counts value at each opportunity, a year (-unit), and -step is month`)
}
