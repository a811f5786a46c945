package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/clvkit/clv/internal/logcsv"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// covariatesJSON is what the tests read of clv customers -covariates
// -json.
type covariatesJSON struct {
	Value      decimal.Decimal `json:"value"`
	Covariates *covariateFit   `json:"covariates"`
	Segments   segmentTable    `json:"segment_values"`
	Apart      *segmentsApart  `json:"segment_values_apart"`
	Warnings   []string        `json:"warnings"`
}

// runCovariates runs clv customers on the sample log with args and -json,
// and returns its exit code, what it printed and its standard error.
func runCovariates(t *testing.T, args ...string) (int, covariatesJSON, string) {
	t.Helper()
	code, stdout, stderr := runArgs(append(append([]string{}, sampleCustomers...), append(args, "-json", "-margin", "0.4")...)...)
	var out covariatesJSON
	require.NoError(t, json.Unmarshal([]byte(stdout), &out), stdout)
	return code, out, stderr
}

// sampleBase is the sample log's customers as clv customers models them,
// valued without covariates.
func sampleBase(t *testing.T) (btyd.Base, customerInputs) {
	t.Helper()
	in := customerInputs{input: samplePath, columns: logcsv.DefaultColumns, workers: 1, unit: clv.Week, step: clv.Week,
		horizon: 1, horizonUnit: clv.Year, model: "pnbd", scale: 2, margin: decimal.RequireFromString("0.4"),
		calibrationEnd: time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC), holdoutEnd: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)}
	s, _, _, code := in.read(io.Discard)
	require.Equal(t, 0, code)
	return s.Base(), in
}

// -covariates segment codes each customer's segment as indicators against
// app, the segment of the most customers (106, as store; app is first in
// byte order), fits Pareto/NBD and gamma–gamma with them, and values by
// them: the coefficients, the tests and the table of segments are those
// of the library on covariates coded here by hand.
func TestCovariatesSegment(t *testing.T) {
	code, got, stderr := runCovariates(t, "-model", "pnbd", "-covariates", "segment", "-draws", "0")
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stderr)
	cf := got.Covariates
	require.NotNil(t, cf)
	assert.Equal(t, []string{"segment=store", "segment=web"}, cf.Names)
	require.Len(t, cf.Columns, 1)
	assert.Equal(t, "category", cf.Columns[0].Kind)
	assert.Equal(t, "app", cf.Columns[0].Reference)
	assert.Equal(t, []levelCount{{"app", 106}, {"store", 106}, {"web", 99}}, cf.Columns[0].Levels)

	base, in := sampleBase(t)
	z := make([][]float64, len(base.Customers))
	hs := make([]btyd.CovariateHistory, len(base.Customers))
	cs := make([]btyd.CovariateCustomer, len(base.Customers))
	for i, c := range base.Customers {
		z[i] = []float64{0, 0}
		switch c.Segment {
		case "store":
			z[i][0] = 1
		case "web":
			z[i][1] = 1
		}
		hs[i] = btyd.CovariateHistory{History: btyd.History{X: c.X, Tx: c.Tx, T: c.T, Weight: 1}, Z: z[i]}
		cs[i] = btyd.CovariateCustomer{Customer: c, Z: z[i]}
	}
	fit, err := btyd.FitParetoNBDCov(hs)
	require.NoError(t, err)
	spend, err := btyd.FitGammaGammaCov(cs)
	require.NoError(t, err)
	assert.Equal(t, fit.Test, cf.PurchaseTest)
	require.NotNil(t, cf.SpendTest)
	assert.Equal(t, spend.Test, *cf.SpendTest)
	want := map[string][2]float64{}
	for j, name := range cf.Names {
		want[name+" purchase"] = [2]float64{fit.Model.Purchase[j], fit.StdErr.Purchase[j]}
		want[name+" dropout"] = [2]float64{fit.Model.Dropout[j], fit.StdErr.Dropout[j]}
		want[name+" spend"] = [2]float64{spend.Model.Spend[j], spend.StdErr.Spend[j]}
	}
	require.Len(t, cf.Effects, len(want))
	for _, e := range cf.Effects {
		w := want[e.Covariate+" "+e.Process]
		assert.Equal(t, w[0], e.Coefficient, e)
		assert.Equal(t, w[1], e.StdErr, e)
		// The multiplier and its 90 % interval, exp(γ ± 1.6449 se).
		assert.InEpsilon(t, math.Exp(w[0]), e.Multiplier, 1e-12, e)
		assert.InEpsilon(t, math.Exp(w[0]-1.6448536269514722*w[1]), e.Low, 1e-9, e)
		assert.InEpsilon(t, math.Exp(w[0]+1.6448536269514722*w[1]), e.High, 1e-9, e)
	}
	// What the generator put in: the store's and the web's customers buy
	// a quarter and half as often as the app's, and spend 1.41 and 1.18
	// times as much an order. The data tell, far beyond chance.
	for _, e := range cf.Effects {
		switch e.Process {
		case "purchase":
			assert.Less(t, e.High, 0.6, e)
		case "spend":
			assert.Greater(t, e.Low, 1.0, e)
		}
	}
	assert.Less(t, cf.PurchaseTest.PValue, 1e-10)
	assert.Equal(t, 4, cf.PurchaseTest.DF)
	assert.InDelta(t, 2*(fit.Stats.LogLikelihood-fit.Null.Stats.LogLikelihood), cf.PurchaseTest.Statistic, 1e-9)

	// The table of segments values each customer by their own model.
	v, err := btyd.ValuesByCovariates(fit.Model, spend.Model, base, z, btyd.Horizon{Length: 1, Period: clv.Year}, in.valueOptions()...)
	require.NoError(t, err)
	assert.True(t, v.Value.Equal(got.Value), "%s, %s", v.Value, got.Value)
	bySegment, err := btyd.ValueBySegment(base, v, 2)
	require.NoError(t, err)
	require.Len(t, got.Segments.Segments, 3)
	for i, row := range got.Segments.Segments {
		assert.True(t, bySegment.Segments[i].Equal(*row.Models), row.Segment)
		require.NotNil(t, row.Formulas, row.Segment)
	}

	// In print: the multipliers, the tests, and the table by the model
	// with covariates.
	code, stdout, _ := runArgs(append(append([]string{}, sampleCustomers...), "-model", "pnbd", "-covariates", "segment", "-draws", "0")...)
	require.Equal(t, 0, code)
	e := cf.Effects[0]
	assert.Contains(t, stdout, "Covariates from the log's segment column: segment, a category against app, the level of the most customers (106).\n")
	assert.Regexp(t, `\nPareto/NBD with covariates: log-likelihood -[0-9.]+, 311 customers; against -[0-9.]+ without covariates, likelihood ratio [0-9.]+ on 4 degrees of freedom, p = [0-9.e-]+\n`, stdout)
	assert.Contains(t, stdout, "\ncovariate            purchase rate                drop-out rate                spend per order\n")
	assert.Contains(t, stdout, fmt.Sprintf("\nsegment=store        × %.3g (%.3g to %.3g)", e.Multiplier, e.Low, e.High))
	assert.Contains(t, stdout, "Value by segment, by Pareto/NBD with covariates and by the business formulas")
	assert.Contains(t, stdout, "Holdout of 26.29 weeks to 2025-12-31, Pareto/NBD with covariates")
}

// A table of customers whose channel column is each customer's segment
// gives the fit of -covariates segment; a number column enters as a
// number; -covariates-on purchase,dropout leaves spend without
// covariates. (BG/NBD cannot tell the drop-out coefficients of the
// made-up age from the channels' apart: its likelihood is flat there.)
func TestCovariatesFile(t *testing.T) {
	base, _ := sampleBase(t)
	var b strings.Builder
	b.WriteString("customer_id,age,channel\n")
	for i, c := range base.Customers {
		fmt.Fprintf(&b, "%s,%d,%s\n", c.ID, 20+i%50, c.Segment)
	}
	path := filepath.Join(t.TempDir(), "customers.csv")
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))

	_, bySegment, _ := runCovariates(t, "-covariates", "segment", "-draws", "0")
	code, byFile, stderr := runCovariates(t, "-covariates", path, "-covariate-columns", "channel", "-draws", "0")
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stderr)
	assert.Equal(t, []string{"channel=store", "channel=web"}, byFile.Covariates.Names)
	require.Len(t, byFile.Covariates.Effects, len(bySegment.Covariates.Effects))
	for i, e := range byFile.Covariates.Effects {
		assert.Equal(t, bySegment.Covariates.Effects[i].Coefficient, e.Coefficient)
	}
	assert.True(t, byFile.Value.Equal(bySegment.Value))

	// A level only customers not in the log have is no covariate: the
	// fit is that of the table without them.
	ghost := filepath.Join(t.TempDir(), "ghost.csv")
	require.NoError(t, os.WriteFile(ghost, []byte(b.String()+"ghost,30,fax\n"), 0o644))
	code, withGhost, stderr := runCovariates(t, "-covariates", ghost, "-covariate-columns", "channel", "-draws", "0")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stderr, "1 rows of customers not among the log's to the calibration end")
	assert.Equal(t, byFile.Covariates.Names, withGhost.Covariates.Names)
	assert.True(t, byFile.Value.Equal(withGhost.Value))

	code, both, stderr := runCovariates(t, "-covariates", path, "-covariate-columns", "age,channel", "-covariates-on", "purchase,dropout", "-model", "pnbd", "-draws", "0")
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, []string{"age", "channel=store", "channel=web"}, both.Covariates.Names)
	assert.Equal(t, "number", both.Covariates.Columns[0].Kind)
	assert.Nil(t, both.Covariates.SpendTest)
	for _, e := range both.Covariates.Effects {
		assert.NotEqual(t, "spend", e.Process)
	}
	assert.Len(t, both.Covariates.Effects, 6)
}

// Bad covariates fail clearly, or warn where the rest stands: a missing
// customer, an empty cell, NaN or infinity, a duplicate row or a column
// the header lacks stop the covariates (exit 1, the figures without them
// printed); a row of a customer not in the log, a constant column and a
// level of one customer are warnings.
func TestCovariatesBadInput(t *testing.T) {
	base, _ := sampleBase(t)
	table := func(edit func(i int, id, segment string) string) string {
		var b strings.Builder
		b.WriteString("customer_id,channel,age,country\n")
		for i, c := range base.Customers {
			b.WriteString(edit(i, c.ID, c.Segment))
		}
		return b.String()
	}
	plain := func(i int, id, segment string) string { return fmt.Sprintf("%s,%s,%d,nl\n", id, segment, 20+i%50) }
	first := base.Customers[0].ID
	for _, tc := range []struct {
		name    string
		file    string
		columns string
		code    int
		stderr  string
	}{
		// errors
		{"missing customer", table(func(i int, id, s string) string {
			if i == 0 {
				return ""
			}
			return plain(i, id, s)
		}), "channel", 1, fmt.Sprintf("1 of the log's 311 customers have no row, %q first: every customer modelled needs covariates", first)},
		{"empty cell", table(func(i int, id, s string) string {
			if i == 4 {
				return id + ",,30,nl\n"
			}
			return plain(i, id, s)
		}), "channel", 1, fmt.Sprintf("line 6: customer %q: channel is empty", base.Customers[4].ID)},
		{"NaN", table(func(i int, id, s string) string {
			if i == 2 {
				return id + "," + s + ",NaN,nl\n"
			}
			return plain(i, id, s)
		}), "age", 1, fmt.Sprintf(`line 4: customer %q: age = "NaN": not a finite number`, base.Customers[2].ID)},
		{"infinity", table(func(i int, id, s string) string {
			if i == 2 {
				return id + "," + s + ",-Inf,nl\n"
			}
			return plain(i, id, s)
		}), "channel,age", 1, fmt.Sprintf(`line 4: customer %q: age = "-Inf": not a finite number`, base.Customers[2].ID)},
		{"duplicate row", table(func(i int, id, s string) string {
			if i == 3 {
				return plain(i, id, s) + plain(i, id, s)
			}
			return plain(i, id, s)
		}), "channel", 1, fmt.Sprintf("customer %q on lines 5 and 6: one row a customer", base.Customers[3].ID)},
		{"missing column", table(plain), "channel,gender", 1, `no column "gender" in the header ("customer_id,channel,age,country")`},
		{"only a constant column", table(plain), "country", 1, `no covariate differs between customers: country is "nl" for every one`},
		// warnings
		{"customer not in the log", table(plain) + "ghost,fax,40,nl\n", "channel", 0,
			"warning: -covariates %s: 1 rows of customers not among the log's to the calibration end, \"ghost\" first, left out, with any level only they have\n"},
		{"a constant column", table(plain), "channel,country", 0, "warning: covariate country is \"nl\" for every customer, which says nothing of how they differ: left out\n"},
		{"a level of one customer", table(func(i int, id, s string) string {
			if i == 7 {
				return id + ",fax,30,nl\n"
			}
			return plain(i, id, s)
		}), "channel", -1, "warning: covariate channel: one customer is at level \"fax\", whose coefficients rest on that customer alone\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "customers.csv")
			require.NoError(t, os.WriteFile(path, []byte(tc.file), 0o644))
			args := append(append([]string{}, sampleCustomers...), "-covariates", path, "-covariate-columns", tc.columns, "-draws", "0", "-top", "0")
			code, stdout, stderr := runArgs(args...)
			if tc.code >= 0 {
				assert.Equal(t, tc.code, code, stderr)
			}
			want := tc.stderr
			if strings.Contains(want, "%s") {
				want = fmt.Sprintf(want, path)
			}
			assert.Contains(t, stderr, want)
			// The rest of the run stands.
			assert.Contains(t, stdout, "\nValue by segment, by BG/NBD")
			if tc.code == 1 {
				assert.Equal(t, "clv customers: -covariates "+path+": "+tc.stderr+"; the figures below are without covariates\n", stderr)
				assert.Contains(t, stdout, "Value by segment, by BG/NBD and by the business formulas")
			}
		})
	}
}

// The covariate flags at odds with the rest are refused before any work,
// with exit status 2.
func TestCovariatesFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"-covariate-columns", "a"}, "-covariate-columns needs -covariates, a table of customers"},
		{[]string{"-covariates", "c.csv"}, "-covariates c.csv needs -covariate-columns, the columns to take"},
		{[]string{"-covariates", "segment", "-covariate-columns", "a"}, "-covariates segment takes the log's segment column"},
		{[]string{"-covariates", "segment", "-model", "mbgnbd"}, "-covariates: -model mbgnbd has no fit with covariates; bgnbd and pnbd have"},
		{[]string{"-covariates", "segment", "-model", "bgbb"}, "-covariates: -model bgbb has no fit with covariates; bgnbd and pnbd have"},
		{[]string{"-covariates", "segment", "-model", "all"}, "-covariates: -model all has no fit with covariates; bgnbd and pnbd have"},
		{[]string{"-covariates", "segment", "-covariates-on", "purchase"}, "the purchase models take covariates on both their processes or on none"},
		{[]string{"-covariate-columns", "a,,b"}, "an empty column name"},
		{[]string{"-by-segment", "-model", "bgbb"}, "-by-segment: -model bgbb: fits one continuous model to each segment"},
		{[]string{"-by-segment", "-model-file", "m.json"}, "-by-segment fits models, and -model-file reads them"},
		{[]string{"-covariates", "segment", "-save-model", "m.json"}, "-save-model writes models without covariates"},
	} {
		code, stdout, stderr := runArgs(append(append([]string{}, sampleCustomers...), tc.args...)...)
		assert.Equal(t, 2, code, tc.args)
		assert.Empty(t, stdout, tc.args)
		assert.Contains(t, stderr, tc.msg, tc.args)
	}
}

// -by-segment fits each segment apart: each segment's row is the value of
// the model fitted to its customers alone, as the library gives it, and
// the business formulas' side is the first table's.
func TestBySegment(t *testing.T) {
	code, got, stderr := runCovariates(t, "-by-segment", "-draws", "0")
	require.Equal(t, 0, code, stderr)
	require.NotNil(t, got.Apart)
	require.Len(t, got.Apart.Fits, 3)
	base, in := sampleBase(t)
	for k, name := range []string{"app", "store", "web"} {
		var sub btyd.Base
		sub.Unit, sub.Holdout = base.Unit, base.Holdout
		var hs []btyd.History
		for _, c := range base.Customers {
			if c.Segment == name {
				sub.Customers = append(sub.Customers, c)
				hs = append(hs, btyd.History{X: c.X, Tx: c.Tx, T: c.T, Weight: 1})
			}
		}
		fit, err := btyd.FitBGNBD(hs)
		require.NoError(t, err)
		spend, err := btyd.FitGammaGamma(sub.Customers)
		require.NoError(t, err)
		v, err := btyd.Values(fit.Model, spend.Model, sub, btyd.Horizon{Length: 1, Period: clv.Year}, in.valueOptions()...)
		require.NoError(t, err)
		row := got.Apart.Table.Segments[k]
		assert.Equal(t, name, row.Segment)
		assert.Equal(t, name, got.Apart.Fits[k].Segment)
		assert.Equal(t, fit.Stats.LogLikelihood, got.Apart.Fits[k].Fit.Stats.LogLikelihood)
		// A segment's value adds its customers' values as rounded.
		sum := decimal.Zero
		for _, c := range v.Customers {
			sum = sum.Add(c.Value)
		}
		assert.True(t, sum.Equal(row.Models.Value), "%s: %s, %s", name, sum, row.Models.Value)
		assert.Equal(t, got.Segments.Segments[k].Formulas, row.Formulas)
	}
	code, stdout, _ := runArgs(append(append([]string{}, sampleCustomers...), "-by-segment", "-draws", "0")...)
	require.Equal(t, 0, code)
	assert.Contains(t, stdout, "\npurchases, BG/NBD, store: r ")
	assert.Contains(t, stdout, "Value by segment, by BG/NBD fitted to each segment apart and by the business formulas")
}

// A log without segments has no segment to take as a covariate: the
// covariates stop with an error, and the rest stands.
func TestCovariatesNoSegments(t *testing.T) {
	data, err := os.ReadFile(samplePath)
	require.NoError(t, err)
	var plain strings.Builder
	for _, line := range strings.SplitAfter(string(data), "\n") {
		if k := strings.LastIndexByte(line, ','); k >= 0 {
			line = line[:k] + "\n"
		}
		plain.WriteString(line)
	}
	path := filepath.Join(t.TempDir(), "plain.csv")
	require.NoError(t, os.WriteFile(path, []byte(plain.String()), 0o644))
	code, stdout, stderr := runArgs("customers", "-input", path, "-calibration-end", "2025-06-30", "-covariates", "segment", "-draws", "0")
	assert.Equal(t, 1, code)
	assert.Equal(t, "clv customers: -covariates segment: no covariate differs between customers: segment is \"\" for every one; the figures below are without covariates\n", stderr)
	assert.Contains(t, stdout, "311 customers to 2025-06-30")
}

// Whatever a table of customers holds, reading it gives covariates or an
// error, never a panic, and covariates only for every customer, each
// finite.
func FuzzCovariateFile(f *testing.F) {
	f.Add([]byte("customer_id,channel,age\na,app,3\nb,web,4\nc,app,NaN\n"), "channel,age")
	f.Add([]byte("customer_id,channel\na,app\nb,\"we\"\"b\"\nc,web\na,app\n"), "channel")
	f.Add([]byte("customer_id;channel\na;app\n"), "channel")
	f.Add([]byte("customer_id,x\na,1\nb,1e308\nc,-Inf\n"), "x")
	base := btyd.Base{Customers: []btyd.Customer{{ID: "a"}, {ID: "b"}, {ID: "c"}}}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, table []byte, columns string) {
		path := filepath.Join(dir, "customers.csv")
		require.NoError(t, os.WriteFile(path, table, 0o644))
		d, err := fileDesign(path, "customer_id", strings.Split(columns, ","), base)
		if err != nil {
			assert.ErrorIs(t, err, errCovariates)
			return
		}
		require.Len(t, d.z, len(base.Customers))
		for _, z := range d.z {
			require.Len(t, z, len(d.Names))
			for _, v := range z {
				assert.False(t, math.IsNaN(v) || math.IsInf(v, 0), z)
			}
		}
	})
}

// The sample log's generator, whose story is none of the models' (each
// customer buys at a gamma rate and leaves after a purchase with a chance
// of their own), made customers won in the store buy a quarter as often as
// those won by the app, and those won on the web half as often (sampleLog's
// Habits: rates 0.5 and 1 against 2). Both purchase models with the segment
// as covariate find those multipliers within their 95 % intervals, and
// gamma–gamma the store's spend, 1.2/0.85 of the app's. (The web's, 1/0.85
// = 1.176, falls just below its interval, 1.182 to 1.776: the generator
// draws each customer's typical spend log-normal, not gamma.)
func TestCovariatesRecoverTheSampleLog(t *testing.T) {
	for _, model := range []string{"pnbd", "bgnbd"} {
		code, got, stderr := runCovariates(t, "-model", model, "-covariates", "segment", "-draws", "0", "-level", "0.95")
		require.Equal(t, 0, code, stderr)
		require.NotNil(t, got.Covariates)
		made := map[string]float64{"segment=store purchase": 0.25, "segment=web purchase": 0.5, "segment=store spend": 1.2 / 0.85}
		found := 0
		for _, e := range got.Covariates.Effects {
			m, ok := made[e.Covariate+" "+e.Process]
			if !ok {
				continue
			}
			found++
			assert.Equal(t, 0.95, got.Covariates.Level)
			assert.True(t, e.Low <= m && m <= e.High, "%s %s %s: made × %.3f, found × %.3f (%.3f to %.3f)", model, e.Covariate, e.Process, m, e.Multiplier, e.Low, e.High)
		}
		assert.Equal(t, len(made), found, model)
	}
}
