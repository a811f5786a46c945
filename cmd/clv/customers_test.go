package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
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
	"github.com/clvkit/clv/internal/orderlog"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sampleCustomers are the flags that model the sample log: a calibration
// of 18 months and a holdout of 6.
var sampleCustomers = []string{"customers", "-input", samplePath, "-calibration-end", "2025-06-30", "-holdout-end", "2025-12-31"}

func TestCustomersSample(t *testing.T) {
	dir := t.TempDir()
	out, plot := filepath.Join(dir, "customers.csv"), filepath.Join(dir, "fit.svg")
	code, stdout, stderr := runArgs(append(sampleCustomers, "-out", out, "-plot", plot, "-top", "3")...)
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stderr)
	assert.Contains(t, stdout, samplePath+": 2001 lines: the header, 1972 purchases, 28 refunds, 0 blank, 0 skipped as malformed.\n")
	assert.Contains(t, stdout, "311 customers to 2025-06-30, in weeks; 89 first seen in the holdout, left out.\n")
	assert.Regexp(t, `purchases, BG/NBD: +r [0-9.]+ ± [0-9.]+ +alpha `, stdout)
	assert.Regexp(t, `\nall +311 +453 +[0-9.]+\n`, stdout)
	assert.Contains(t, stdout, "The 3 most valuable:")
	assert.Regexp(t, `\n90 % intervals, from 100 draws of the fits' parameters: value [0-9.]+ to [0-9.]+, purchases [0-9.]+ to [0-9.]+\.\n`, stdout)

	// Every customer of the base, the most valuable first, their values
	// adding up to the total within a cent each.
	f, err := os.Open(out)
	require.NoError(t, err)
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	require.Len(t, records, 312)
	assert.Equal(t, []string{"customer", "x", "t_x", "t", "spend", "holdout_x", "holdout_spend", "p_alive", "purchases", "discounted_purchases", "expected_spend", "value",
		"purchases_low", "purchases_high", "value_low", "value_high", "p_alive_horizon_end", "p_no_purchase_horizon"}, records[0])
	total, prev := decimal.Zero, decimal.NewFromInt(1<<40)
	holdout := int64(0)
	for _, rec := range records[1:] {
		v := decimal.RequireFromString(rec[11])
		assert.True(t, v.LessThanOrEqual(prev), "sorted by value")
		prev = v
		total = total.Add(v)
		n, err := strconv.ParseInt(rec[5], 10, 64)
		require.NoError(t, err)
		holdout += n
		alive, err := strconv.ParseFloat(rec[7], 64)
		require.NoError(t, err)
		assert.True(t, alive >= 0 && alive <= 1, rec[7])
		low, high := decimal.RequireFromString(rec[14]), decimal.RequireFromString(rec[15])
		assert.True(t, low.LessThanOrEqual(high), rec)
	}
	assert.Equal(t, int64(453), holdout)
	line := regexpValue(t, stdout)
	assert.True(t, line.Sub(total).Abs().LessThanOrEqual(decimal.New(311, -2)), "total %s, sum %s", line, total)

	svg, err := os.ReadFile(plot)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(svg), "<?xml"), "an SVG")
	assert.Contains(t, string(svg), "Cumulative repeat purchases")
	assert.Contains(t, string(svg), "by calibration frequency")
}

// regexpValue returns the total value the text output states.
func regexpValue(t *testing.T, out string) decimal.Decimal {
	t.Helper()
	_, rest, ok := strings.Cut(out, ", at a gross margin of 1: ")
	require.True(t, ok, out)
	v, _, _ := strings.Cut(rest, " ")
	return decimal.RequireFromString(v)
}

// Reading on every core gives the same customers, in the same order, as
// reading line by line, whatever the shards' hashes.
func TestCustomersWorkers(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for _, w := range []string{"1", "2", "5"} {
		out := filepath.Join(dir, "w"+w+".csv")
		code, _, stderr := runArgs(append(sampleCustomers, "-workers", w, "-out", out, "-draws", "20")...)
		require.Equal(t, 0, code, stderr)
		files = append(files, out)
	}
	want, err := os.ReadFile(files[0])
	require.NoError(t, err)
	for _, f := range files[1:] {
		got, err := os.ReadFile(f)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), f)
	}
}

// writeWideLog writes a generated log of rows purchases by customers to
// a file in dir and returns its name. If wide, some amounts are near the
// library's bound of 10^24: one customer's first purchase in 50 and one
// holdout purchase in 50, which leave the spend model's fit alone, and
// one repeat purchase in 1,000 near 10^17, which the fit still takes.
// Their sums pass 64-bit integers, and the values float64's exact
// integers.
func writeWideLog(t *testing.T, dir string, rows, customers int, wide bool) string {
	t.Helper()
	var log bytes.Buffer
	require.NoError(t, orderlog.Write(&log, orderlog.Config{
		Rows: rows, Customers: customers, Segments: []string{"web", "store", "app"},
		Start: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), Days: 731, Seed: 11,
	}))
	lines := bytes.SplitAfter(log.Bytes(), []byte("\n"))
	seen := map[string]bool{}
	for i := 1; wide && i < len(lines); i++ {
		fields := bytes.Split(lines[i], []byte(","))
		if len(fields) < 3 || fields[2][0] == '-' {
			continue
		}
		first := !seen[string(fields[0])]
		seen[string(fields[0])] = true
		var prefix string
		switch {
		case (first || string(fields[1]) > "2025-06-30") && i%50 == 0:
			prefix = "12345678901234567890" // and up to 999.99: near 10^23
		case i%1000 == 0:
			prefix = "123456789012345"
		}
		fields[2] = append([]byte(prefix), fields[2]...)
		lines[i] = bytes.Join(fields, []byte(","))
	}
	name := filepath.Join(dir, fmt.Sprintf("log-%d-%v.csv", customers, wide))
	require.NoError(t, os.WriteFile(name, bytes.Join(lines, nil), 0o644))
	return name
}

// Whatever -workers, every output is the same to the byte: the fits,
// holdout, totals and intervals of every model, the customers of -out,
// and the summary of clv -input, on logs of amounts near 10^24 too. The
// larger log has more customers than the library's fits sample and its
// valuations split in two.
func TestSameBytesWhateverWorkers(t *testing.T) {
	dir := t.TempDir()
	customers := []string{"customers", "-calibration-end", "2025-06-30", "-holdout-end", "2025-12-31", "-json", "-draws", "20"}
	for _, tc := range []struct {
		name            string
		rows, customers int
		wide            bool
		args            []string
	}{
		{"BG/NBD", 48_000, 24_000, true, append(slices.Clone(customers), "-horizon", "12", "-horizon-unit", "month", "-discount", "0.1")},
		{"summary", 48_000, 24_000, true, []string{"-json"}},
		{"all", 30_000, 6_000, true, append(slices.Clone(customers), "-model", "all")},
		{"BG/BB", 30_000, 6_000, false, append(slices.Clone(customers), "-model", "bgbb", "-unit", "month")},
	} {
		log := filepath.Join(dir, fmt.Sprintf("log-%d-%v.csv", tc.customers, tc.wide))
		if _, err := os.Stat(log); err != nil {
			log = writeWideLog(t, dir, tc.rows, tc.customers, tc.wide)
		}
		var want []byte
		for _, workers := range []string{"1", "2", "7"} {
			out := filepath.Join(dir, "out"+workers+".csv")
			args := append(slices.Clone(tc.args), "-input", log, "-workers", workers)
			if tc.args[0] == "customers" {
				args = append(args, "-out", out)
			}
			code, stdout, stderr := runArgs(args...)
			require.Equal(t, 0, code, "%s: %s", tc.name, stderr)
			got := []byte(stdout)
			if tc.args[0] == "customers" {
				file, err := os.ReadFile(out)
				require.NoError(t, err)
				got = append(got, file...)
			}
			if want == nil {
				want = got
			} else if !bytes.Equal(want, got) {
				t.Errorf("%s: -workers %s differs from -workers 1: %s", tc.name, workers, firstDifference(want, got))
			}
		}
	}
}

// firstDifference quotes the line at which two outputs first differ.
func firstDifference(a, b []byte) string {
	la, lb := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := range min(len(la), len(lb)) {
		if !bytes.Equal(la[i], lb[i]) {
			return fmt.Sprintf("line %d: %q\n  against %q", i+1, la[i], lb[i])
		}
	}
	return fmt.Sprintf("%d lines against %d", len(la), len(lb))
}

func TestCustomersJSON(t *testing.T) {
	code, stdout, stderr := runArgs(append(sampleCustomers, "-json", "-top", "2", "-horizon", "12", "-horizon-unit", "month", "-discount", "0.1")...)
	require.Equal(t, 0, code, stderr)
	var out struct {
		Log struct {
			Lines int64 `json:"lines"`
		} `json:"log"`
		Totals struct {
			Customers int64 `json:"customers"`
		} `json:"totals"`
		Unit   string `json:"unit"`
		Models []struct {
			Name  string             `json:"name"`
			Model map[string]float64 `json:"model"`
			AIC   float64            `json:"aic"`
		} `json:"purchase_models"`
		Model string `json:"purchase_model"`
		Spend struct {
			Model map[string]float64 `json:"model"`
		} `json:"spend_model"`
		Holdout *struct {
			Actual int64 `json:"actual"`
		} `json:"holdout"`
		Horizon struct {
			Length int    `json:"length"`
			Period string `json:"period"`
		} `json:"horizon"`
		Value decimal.Decimal `json:"value"`
		Top   []struct {
			ID    string          `json:"id"`
			Value decimal.Decimal `json:"value"`
		} `json:"top"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &out), stdout)
	assert.Equal(t, int64(2001), out.Log.Lines)
	assert.Equal(t, int64(311), out.Totals.Customers)
	assert.Equal(t, "week", out.Unit)
	require.Len(t, out.Models, 1)
	assert.Equal(t, "bgnbd", out.Models[0].Name)
	assert.Len(t, out.Models[0].Model, 4)
	assert.Equal(t, "bgnbd", out.Model)
	assert.Len(t, out.Spend.Model, 3)
	require.NotNil(t, out.Holdout)
	assert.Equal(t, int64(453), out.Holdout.Actual)
	assert.Equal(t, 12, out.Horizon.Length)
	assert.Equal(t, "month", out.Horizon.Period)
	require.Len(t, out.Top, 2)
	assert.True(t, out.Top[0].Value.GreaterThanOrEqual(out.Top[1].Value))
	assert.True(t, out.Value.GreaterThan(out.Top[0].Value))
}

// A discount lowers every value; a margin scales them.
func TestCustomersOptions(t *testing.T) {
	value := func(args ...string) decimal.Decimal {
		code, stdout, stderr := runArgs(append(sampleCustomers, args...)...)
		require.Equal(t, 0, code, stderr)
		_, rest, ok := strings.Cut(stdout, ": ")
		for ok && !strings.HasPrefix(rest, "Value by") {
			_, rest, ok = strings.Cut(rest, "\n")
		}
		require.True(t, ok, stdout)
		_, rest, _ = strings.Cut(rest, "margin of ")
		_, rest, _ = strings.Cut(rest, ": ")
		v, _, _ := strings.Cut(rest, " ")
		return decimal.RequireFromString(v)
	}
	plain := value()
	assert.True(t, value("-discount", "0.2").LessThan(plain))
	half := value("-margin", "0.5")
	assert.True(t, half.Sub(plain.Div(decimal.NewFromInt(2))).Abs().LessThanOrEqual(decimal.New(1, -2)), "%s, %s", half, plain)
	assert.True(t, value("-horizon", "2", "-horizon-unit", "year").GreaterThan(plain))
}

func TestCustomersErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"customers"}, 2, "clv customers: missing -input: the purchase log to model (see clv customers -h)\n"},
		{[]string{"customers", "-input", samplePath}, 2, "clv customers: missing -calibration-end: the last day the models learn from (see clv customers -h)\n"},
		{[]string{"customers", "-input", samplePath, "-calibration-end", "30/06/2025"}, 2, `clv customers: invalid value "30/06/2025" for flag -calibration-end: "30/06/2025" is not a date as YYYY-MM-DD (see clv customers -h)` + "\n"},
		{[]string{"customers", "-input", samplePath, "-calibration-end", "2025-06-30", "-holdout-end", "2025-06-30"}, 2, "clv customers: -holdout-end 2025-06-30: must be after -calibration-end 2025-06-30 (see clv customers -h)\n"},
		{[]string{"customers", "-input", samplePath, "-calibration-end", "2025-06-30", "-plot", "x.svg"}, 2, "clv customers: -plot: needs -holdout-end, to set the model beside what customers did (see clv customers -h)\n"},
		{[]string{"customers", "-input", samplePath, "-calibration-end", "2025-06-30", "-horizon", "0"}, 2, "clv customers: -horizon 0: must be at least 1 (see clv customers -h)\n"},
		{[]string{"customers", "-input", samplePath, "-calibration-end", "2025-06-30", "-horizon", "1001", "-horizon-unit", "year"}, 2, "clv customers: -horizon 1001 years: must be at most 1000 years (see clv customers -h)\n"},
		{[]string{"customers", "-input", samplePath, "-calibration-end", "2025-06-30", "-margin", "1.5"}, 2, "clv customers: -margin 1.5: must be from 0 to 1 (see clv customers -h)\n"},
		{[]string{"customers", "-input", samplePath, "-calibration-end", "2025-06-30", "-discount", "-0.1"}, 2, "clv customers: -discount -0.1: must not be negative (see clv customers -h)\n"},
		{[]string{"customers", "-input", samplePath, "-calibration-end", "2025-06-30", "-unit", "day"}, 2, ""},
		{[]string{"customers", "-input", samplePath, "-calibration-end", "2025-06-30", "-model", "nbd"}, 2, "clv customers: -model \"nbd\": must be one of " + modelNames() + " (see clv customers -h)\n"},
		{[]string{"customers", "-input", samplePath, "-calibration-end", "2025-06-30", "-level", "1"}, 2, "clv customers: -level 1: must be above 0 and below 1 (see clv customers -h)\n"},
		{[]string{"customers", "-input", samplePath, "-calibration-end", "2025-06-30", "-draws", "1"}, 2, "clv customers: -draws 1: must be 0, for no intervals, or from 2 to 100000 (see clv customers -h)\n"},
		{[]string{"customers", "-input", samplePath, "-calibration-end", "2025-06-30", "-draws", "2"}, 2, "clv customers: -draws 2: a 90 % interval takes at least 20 draws, for one expected beyond each end (see clv customers -h)\n"},
		{[]string{"customers", "-input", samplePath, "-calibration-end", "2025-06-30", "-draws", "39", "-level", "0.95"}, 2, "clv customers: -draws 39: a 95 % interval takes at least 40 draws, for one expected beyond each end (see clv customers -h)\n"},
		{[]string{"customers", "-input", samplePath, "-calibration-end", "2025-06-30", "-level", "0.99999"}, 2, "clv customers: -level 0.99999: a 99.999 % interval takes at least 200000 draws, more than -draws allows, 100000 (see clv customers -h)\n"},
		{[]string{"customers", "-input", samplePath, "-calibration-end", "2025-06-30", "extra"}, 2, "clv customers: unexpected argument \"extra\" (see clv customers -h)\n"},
		{[]string{"customers", "-input", "no-such-file.csv", "-calibration-end", "2025-06-30"}, 2, "clv customers: open no-such-file.csv: no such file or directory\n"},
		// Before the first purchase, nobody to model: TestCustomersSpan.
	} {
		code, stdout, stderr := runArgs(tc.args...)
		assert.Equal(t, tc.code, code, "%v: %s", tc.args, stderr)
		assert.Empty(t, stdout, tc.args)
		if tc.msg != "" {
			assert.Equal(t, tc.msg, stderr, tc.args)
		} else {
			assert.Regexp(t, `^clv customers: .+\n$`, stderr, tc.args)
		}
	}
	code, stdout, _ := runArgs("customers", "-h")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, "Usage: clv customers -input orders.csv -calibration-end YYYY-MM-DD [flags]")
	assert.Contains(t, stdout, "-holdout-end")
}

// A log where nobody buys twice cannot be fitted, and says so.
func TestCustomersNoRepeat(t *testing.T) {
	path := filepath.Join(t.TempDir(), "once.csv")
	var b strings.Builder
	b.WriteString("customer_id,date,amount\n")
	for i := range 50 {
		fmt.Fprintf(&b, "c%d,2024-01-%02d,10.00\n", i, 1+i%28)
	}
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
	code, stdout, stderr := runArgs("customers", "-input", path, "-calibration-end", "2024-06-30")
	assert.Equal(t, 1, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "clv customers: "+path+": fit BG/NBD: ")
	assert.Contains(t, stderr, "cannot be estimated")
}

// On the CDNOW sample, the command finds the published fits and the
// holdout's 1,882 purchases.
func TestCustomersCDNOW(t *testing.T) {
	src, err := os.Open(filepath.Join("..", "..", "..", "shared", "data", "CDNOW_sample.txt"))
	if err != nil {
		t.Skipf("CDNOW sample not available (../shared/data/CDNOW_sample.txt, beside the repository): %v", err)
	}
	defer src.Close()
	path := filepath.Join(t.TempDir(), "cdnow.csv")
	var b strings.Builder
	b.WriteString("customer_id,date,amount\n")
	sc := bufio.NewScanner(src)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 5 {
			fmt.Fprintf(&b, "%s,%s,%s\n", f[1], f[2], f[4])
		}
	}
	require.NoError(t, sc.Err())
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
	code, stdout, stderr := runArgs("customers", "-input", path, "-calibration-end", "1997-09-30", "-holdout-end", "1998-06-30", "-model", "all", "-draws", "20")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "2357 customers to 1997-09-30, in weeks.\n")
	// Fader, Hardie and Lee (2005): r = 0.243, α = 4.414, a = 0.793,
	// b = 2.426, LL = −9,582.4; gamma–gamma p = 6.25, q = 3.74, γ = 15.44.
	assert.Regexp(t, `purchases, BG/NBD: +r 0\.2426 ± 0\.013 +alpha 4\.414 ± 0\.38 +a 0\.7929 ± 0\.19 +b 2\.426 ± 0\.71\n`, stdout)
	assert.Contains(t, stdout, "log-likelihood -9582.43, 2357 customers")
	// Schmittlein, Morrison and Colombo's model, as Fader, Hardie and Lee
	// fit it: r = 0.553, α = 10.578, s = 0.606, β = 11.669, LL = −9,595.0;
	// and the MBG/NBD of BTYDplus: 0.525, 6.183, 0.891, 1.614.
	assert.Regexp(t, `purchases, Pareto/NBD: +r 0\.5533 ± [0-9.]+ +alpha 10\.58 ± [0-9.]+ +s 0\.6062 ± [0-9.]+ +beta 11\.67 ± `, stdout)
	assert.Contains(t, stdout, "log-likelihood -9594.98, 2357 customers")
	assert.Regexp(t, `purchases, MBG/NBD: +r 0\.5248 ± [0-9.]+ +alpha 6\.183 ± [0-9.]+ +a 0\.8914 ± [0-9.]+ +b 1\.614 ± `, stdout)
	assert.Regexp(t, `\nMBG/NBD +-9582\.14 .*<- lowest BIC: values below\n`, stdout)
	assert.Regexp(t, `spend, gamma–gamma: +p 6\.25 ± [0-9.]+ +q 3\.74[0-9]? ± [0-9.]+ +gamma 15\.4[0-9] ± `, stdout)
	assert.Contains(t, stdout, "946 customers with repeat purchases")
	assert.Regexp(t, `\nall +2357 +1882 +1[0-9]{3}\.[0-9]\n`, stdout)
}

// -model all fits every model, compares them, and values with the lowest
// BIC, which it names.
func TestCustomersAllModels(t *testing.T) {
	code, stdout, stderr := runArgs(append(sampleCustomers, "-model", "all")...)
	require.Equal(t, 0, code, stderr)
	for _, m := range purchaseModels {
		assert.Contains(t, stdout, "purchases, "+m.title+":")
		assert.Regexp(t, "\n"+regexp.QuoteMeta(m.title)+` +-[0-9.]+ +[0-9.]+ +[0-9.]+ +[-+][0-9.]+ +[0-9.]+%`, stdout)
	}
	assert.Equal(t, 1, strings.Count(stdout, "<- lowest BIC: values below"), stdout)

	code, stdout, stderr = runArgs(append(sampleCustomers, "-model", "all", "-json")...)
	require.Equal(t, 0, code, stderr)
	var out struct {
		Models []struct {
			Name  string `json:"name"`
			Stats struct {
				LogLikelihood float64 `json:"log_likelihood"`
				Customers     int64   `json:"customers"`
			} `json:"stats"`
			Model map[string]float64 `json:"model"`
			AIC   float64            `json:"aic"`
			BIC   float64            `json:"bic"`
		} `json:"purchase_models"`
		Model string `json:"purchase_model"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &out))
	require.Len(t, out.Models, len(purchaseModels))
	best := out.Models[0]
	for _, m := range out.Models {
		k := float64(len(m.Model))
		assert.InDelta(t, 2*k-2*m.Stats.LogLikelihood, m.AIC, 1e-9)
		assert.InDelta(t, k*math.Log(float64(m.Stats.Customers))-2*m.Stats.LogLikelihood, m.BIC, 1e-9)
		if m.BIC < best.BIC {
			best = m
		}
	}
	assert.Equal(t, best.Name, out.Model)
}

// -draws 0 leaves the intervals out, and the same seed draws the same
// intervals every run.
func TestCustomersIntervals(t *testing.T) {
	dir := t.TempDir()
	none := filepath.Join(dir, "none.csv")
	code, stdout, stderr := runArgs(append(sampleCustomers, "-draws", "0", "-out", none)...)
	require.Equal(t, 0, code, stderr)
	assert.NotContains(t, stdout, "intervals")
	data, err := os.ReadFile(none)
	require.NoError(t, err)
	header, _, _ := strings.Cut(string(data), "\n")
	assert.True(t, strings.HasSuffix(header, ",expected_spend,value,p_alive_horizon_end,p_no_purchase_horizon"), header)

	_, a, _ := runArgs(append(sampleCustomers, "-level", "0.5", "-draws", "30")...)
	_, b, _ := runArgs(append(sampleCustomers, "-level", "0.5", "-draws", "30")...)
	assert.Equal(t, a, b)
	assert.Contains(t, a, "50 % intervals, from 30 draws")
	// A wider level gives wider intervals.
	width := func(out string) decimal.Decimal {
		_, rest, _ := strings.Cut(out, "parameters: value ")
		lo, rest, _ := strings.Cut(rest, " to ")
		hi, _, _ := strings.Cut(rest, ",")
		return decimal.RequireFromString(hi).Sub(decimal.RequireFromString(lo))
	}
	_, c, _ := runArgs(append(sampleCustomers, "-level", "0.95", "-draws", "40")...) // 40 at least, for 95 %
	assert.True(t, width(c).GreaterThan(width(a)), "%s %s", width(c), width(a))
}

// sampleSummary reads the sample log as clv customers does, at monthly
// units, for the library's side of the BG/BB tests.
func sampleSummary(t *testing.T) *btyd.Summarizer {
	t.Helper()
	in := customerInputs{input: samplePath, columns: logcsv.DefaultColumns, workers: 1, unit: clv.Month,
		calibrationEnd: time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC), holdoutEnd: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)}
	s, _, _, code := in.read(io.Discard)
	require.Equal(t, 0, code)
	return s
}

// -model bgbb fits BG/BB to the customers at monthly opportunities: the
// fit, the holdout and every customer's figures and value are the
// library's.
func TestCustomersBGBB(t *testing.T) {
	s := sampleSummary(t)
	o, err := s.Opportunities(clv.Month)
	require.NoError(t, err)
	fit, err := btyd.FitBGBB(o.Histories)
	require.NoError(t, err)
	hold, err := btyd.CompareDiscreteHoldout(fit.Model, o)
	require.NoError(t, err)
	spenders := make([]btyd.Customer, len(o.Customers))
	for i, c := range o.Customers {
		spenders[i] = btyd.Customer{ID: c.ID, X: c.X, Spend: c.Spend}
	}
	spend, err := btyd.FitGammaGamma(spenders)
	require.NoError(t, err)
	year := btyd.Horizon{Length: 1, Period: clv.Year}
	valueOpts := []btyd.ValueOption{btyd.WithDiscountRate(decimal.RequireFromString("0.1"), clv.Year), btyd.WithGrossMargin(decimal.RequireFromString("0.4")), btyd.WithScale(2)}
	v, err := btyd.DiscreteValues(fit.Model, spend.Model, o, year, valueOpts...)
	require.NoError(t, err)
	assert.Equal(t, 12, v.Horizon.Length)
	iv, err := btyd.DiscreteValueIntervals(fit, spend, o, year, btyd.WithDraws(100), btyd.WithValueOptions(valueOpts...))
	require.NoError(t, err)

	dir := t.TempDir()
	out, plot := filepath.Join(dir, "bgbb.csv"), filepath.Join(dir, "bgbb.svg")
	args := append(sampleCustomers, "-model", "bgbb", "-unit", "month", "-horizon", "1", "-horizon-unit", "year",
		"-discount", "0.1", "-margin", "0.4", "-out", out, "-plot", plot, "-top", "3")
	code, stdout, stderr := runArgs(args...)
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stderr)
	assert.Contains(t, stdout, fmt.Sprintf("90 %% intervals, from 100 draws of the fits' parameters: value %s to %s", iv.Value.Low.StringFixed(2), iv.Value.High.StringFixed(2)))
	m, se := fit.Model, fit.StdErr
	assert.Contains(t, stdout, fmt.Sprintf("purchases, BG/BB:       alpha %s  beta %s  gamma %s  delta %s\n",
		pm(m.Alpha, se.Alpha), pm(m.Beta, se.Beta), pm(m.Gamma, se.Gamma), pm(m.Delta, se.Delta)))
	assert.Contains(t, stdout, fmt.Sprintf("log-likelihood %.2f, %d customers", fit.Stats.LogLikelihood, fit.Stats.Customers))
	assert.Contains(t, stdout, fmt.Sprintf("counted at opportunities of a calendar month; %d first bought in the last, left out of the fit", o.New))
	assert.Contains(t, stdout, "Holdout of 6 whole months to 2025-12-31, BG/BB")
	assert.Contains(t, stdout, fmt.Sprintf("\n%-6s %10d %10d %10.1f\n", "all", hold.Customers, hold.Actual, hold.Predicted))
	assert.Contains(t, stdout, "over 12 months, counted each month, discounted at 0.1 a year, at a gross margin of 0.4: "+v.Value.StringFixed(2)+" from 311 customers")
	assert.Regexp(t, `\ncustomer +x +t_x +n +P\(alive\)`, stdout)

	// The -out file: every customer, the library's figures.
	f, err := os.Open(out)
	require.NoError(t, err)
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, []string{"customer", "x", "t_x", "n", "spend", "holdout_x", "p_alive", "purchases", "discounted_purchases", "expected_spend", "value",
		"purchases_low", "purchases_high", "value_low", "value_high", "p_alive_horizon_end", "p_no_purchase_horizon"}, records[0])
	require.Len(t, records, len(o.Customers)+1)
	index := map[string]int{}
	for i, c := range o.Customers {
		index[c.ID] = i
	}
	var holdout int64
	for _, rec := range records[1:] {
		i, ok := index[rec[0]]
		require.True(t, ok, rec[0])
		c, cv := o.Customers[i], v.Customers[i]
		assert.Equal(t, []string{strconv.FormatInt(c.X, 10), strconv.FormatInt(c.Tx, 10), strconv.FormatInt(c.N, 10)}, rec[1:4], c.ID)
		assert.Equal(t, c.Spend.StringFixed(2), rec[4], c.ID) // at -scale, as every amount
		assert.Equal(t, strconv.FormatInt(c.HoldoutX, 10), rec[5], c.ID)
		assert.Equal(t, []string{strconv.FormatFloat(cv.ProbAlive, 'f', 6, 64), strconv.FormatFloat(cv.Purchases, 'f', 6, 64), strconv.FormatFloat(cv.DiscountedPurchases, 'f', 6, 64)}, rec[6:9], c.ID)
		assert.True(t, decimal.RequireFromString(rec[9]).Equal(cv.Spend), c.ID)
		assert.True(t, decimal.RequireFromString(rec[10]).Equal(cv.Value), c.ID)
		ci := iv.Customers[i]
		assert.Equal(t, []string{strconv.FormatFloat(ci.Purchases.Low, 'f', 6, 64), strconv.FormatFloat(ci.Purchases.High, 'f', 6, 64)}, rec[11:13], c.ID)
		assert.True(t, decimal.RequireFromString(rec[13]).Equal(ci.Value.Low), c.ID)
		assert.True(t, decimal.RequireFromString(rec[14]).Equal(ci.Value.High), c.ID)
		holdout += c.HoldoutX
	}
	var byFrequency int64
	for _, row := range hold.ByFrequency {
		byFrequency += row.Actual
	}
	assert.Equal(t, hold.Actual, holdout)
	assert.Equal(t, hold.Actual, byFrequency)

	svg, err := os.ReadFile(plot)
	require.NoError(t, err)
	assert.Contains(t, string(svg), "by calibration frequency")
	assert.NotContains(t, string(svg), "Cumulative repeat purchases")

	// The JSON output: the same fit, the top customers at opportunities.
	code, stdout, stderr = runArgs(append(args, "-json", "-draws", "0")...)
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stderr)
	var got struct {
		Models []struct {
			Name  string    `json:"name"`
			Model btyd.BGBB `json:"model"`
		} `json:"purchase_models"`
		Holdout       btyd.Holdout `json:"holdout"`
		Opportunities struct {
			Every   string `json:"every"`
			Holdout int64  `json:"holdout"`
			New     int64  `json:"new"`
		} `json:"opportunities"`
		Value decimal.Decimal `json:"value"`
		Top   []struct {
			btyd.DiscreteCustomer
			Value decimal.Decimal `json:"value"`
		} `json:"top"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &got), stdout)
	require.Len(t, got.Models, 1)
	assert.Equal(t, "bgbb", got.Models[0].Name)
	assert.Equal(t, fit.Model, got.Models[0].Model)
	// The same sums to the bit: the command reads on several goroutines,
	// and its customers come in the log's order all the same.
	assert.Equal(t, hold.Length, got.Holdout.Length)
	assert.Equal(t, hold.Actual, got.Holdout.Actual)
	assert.Equal(t, hold.Predicted, got.Holdout.Predicted)
	require.Len(t, got.Holdout.ByFrequency, btyd.HoldoutFrequencies)
	for i, row := range hold.ByFrequency {
		g := got.Holdout.ByFrequency[i]
		assert.Equal(t, []int64{row.X, row.Customers, row.Actual}, []int64{g.X, g.Customers, g.Actual})
		assert.Equal(t, row.Predicted, g.Predicted)
	}
	assert.Equal(t, "month", got.Opportunities.Every)
	assert.Equal(t, int64(6), got.Opportunities.Holdout)
	assert.Equal(t, o.New, got.Opportunities.New)
	assert.True(t, v.Value.Equal(got.Value))
	require.Len(t, got.Top, 3)
	c := o.Customers[index[got.Top[0].ID]]
	c.Spend = c.Spend.Round(2)
	assert.True(t, c.Equal(got.Top[0].DiscreteCustomer), "%+v, %+v", c, got.Top[0].DiscreteCustomer)
	assert.True(t, v.Customers[index[c.ID]].Value.Equal(got.Top[0].Value))
}

// -model bgbb's flags at odds with its opportunities fail clearly.
func TestCustomersBGBBErrors(t *testing.T) {
	base := []string{"customers", "-input", samplePath, "-model", "bgbb", "-draws", "0"}
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"-calibration-end", "2024-06-30", "-unit", "year"},
			"opportunities: every = year: calibration end = 2024-06-30: clv: inconsistent: not the last day of a year; end the calibration on 2023-12-31 or 2024-12-31\n"},
		{[]string{"-calibration-end", "2024-12-31", "-unit", "year"},
			"opportunities: every = year: clv: inconsistent: every customer first bought in the calibration end's opportunity, the oldest on 2024-01-05: every customer has n = 0\n"},
		{[]string{"-calibration-end", "2025-06-30", "-unit", "quarter", "-horizon", "1", "-horizon-unit", "month"},
			"discrete values: horizon = 1 months: clv: inconsistent: shorter than half an opportunity, a quarter\n"},
		{[]string{"-calibration-end", "2025-06-30", "-unit", "quarter", "-holdout-end", "2025-08-31"},
			"compare discrete holdout: opportunities: clv: missing: no complete opportunity of a quarter in the holdout\n"},
	} {
		code, stdout, stderr := runArgs(append(base, tc.args...)...)
		assert.Equal(t, 1, code, tc.args)
		assert.Empty(t, stdout)
		assert.Equal(t, "clv customers: "+samplePath+": "+tc.msg, stderr, tc.args)
	}
	code, stdout, _ := runArgs("customers", "-h")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, "bgbb, all")
	assert.Contains(t, stdout, "all compares the continuous models, not bgbb")
}
