package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// warningsJSON is what the tests of warnings read of clv customers
// -json.
type warningsJSON struct {
	Totals struct {
		First string `json:"first"`
		Last  string `json:"last"`
	} `json:"totals"`
	Warnings []string `json:"warnings"`
}

func parseWarningsJSON(t *testing.T, stdout string) warningsJSON {
	t.Helper()
	var out warningsJSON
	require.NoError(t, json.Unmarshal([]byte(stdout), &out), stdout)
	return out
}

// Every run states the log's span, first and last day, in text and JSON;
// an end date outside it is a warning, on standard error and under the
// JSON's warnings: a calibration end after the last day or before the
// first, a holdout end after the last day, whose actual purchases then
// fall short of the predicted (issue 20, point 2).
func TestCustomersSpan(t *testing.T) {
	code, stdout, stderr := runArgs(append(sampleCustomers, "-draws", "0")...)
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stderr)
	assert.Contains(t, stdout, "\nThe log runs from 2024-01-05 to 2025-12-31 (UTC).\n")
	code, stdout, stderr = runArgs(append(sampleCustomers, "-draws", "0", "-json")...)
	require.Equal(t, 0, code, stderr)
	out := parseWarningsJSON(t, stdout)
	assert.Equal(t, "2024-01-05T00:00:00Z", out.Totals.First)
	assert.Equal(t, "2025-12-31T00:00:00Z", out.Totals.Last)
	assert.NotNil(t, out.Warnings, "warnings is [] without any")
	assert.Empty(t, out.Warnings)

	calibrationLate := "-calibration-end 2026-06-30 is 181 days after the log's last day, 2025-12-31: the models take those days for days in which no customer bought, and so take customers for gone who may not be"
	holdoutLate := "-holdout-end 2026-06-30 is 181 days after the log's last day, 2025-12-31: the holdout's actual purchases stop there, short of what the model predicts to 2026-06-30"
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-calibration-end", "2026-06-30"}, calibrationLate},
		{[]string{"-calibration-end", "2025-06-30", "-holdout-end", "2026-06-30"}, holdoutLate},
		{[]string{"-calibration-end", "2025-06-30", "-holdout-end", "2026-06-30", "-model", "bgbb", "-unit", "month"}, holdoutLate},
	} {
		args := append([]string{"customers", "-input", samplePath, "-draws", "0"}, c.args...)
		code, stdout, stderr := runArgs(args...)
		require.Equal(t, 0, code, stderr)
		assert.Equal(t, "clv customers: warning: "+c.want+"\n", stderr, c.args)
		assert.Contains(t, stdout, "The log runs from 2024-01-05 to 2025-12-31 (UTC).\n", c.args)
		code, stdout, _ = runArgs(append(args, "-json")...)
		require.Equal(t, 0, code)
		assert.Equal(t, []string{c.want}, parseWarningsJSON(t, stdout).Warnings, c.args)
	}
	// The holdout's table says where its actual purchases stop.
	_, stdout, _ = runArgs("customers", "-input", samplePath, "-draws", "0", "-calibration-end", "2025-06-30", "-holdout-end", "2026-06-30")
	assert.Contains(t, stdout, "Holdout of 52.14 weeks to 2026-06-30, BG/NBD: purchases by calibration frequency (the log ends on 2025-12-31: actual purchases stop there)\n")

	// Before the first day there is nobody to model: the warning says why.
	code, stdout, stderr = runArgs("customers", "-input", samplePath, "-calibration-end", "2023-06-30")
	assert.Equal(t, 1, code)
	assert.Empty(t, stdout)
	assert.Regexp(t, "^clv customers: warning: -calibration-end 2023-06-30 is before the log's first day, 2024-01-05: no customer had bought by then\n"+
		"clv customers: "+samplePath+": fit BG/NBD: .+\n$", stderr)
}

// -model all says of each model it could not fit that it left it out,
// and why, in a warning and in the comparison's table; and that it values
// with the lowest BIC (issue 20, point 4).
func TestCustomersAllModelsFailed(t *testing.T) {
	code, stdout, stderr := runArgs(append(sampleCustomers, "-model", "all", "-draws", "0")...)
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stderr)
	assert.Regexp(t, `\nValue by [A-Za-z/]+, the lowest BIC of BG/NBD, MBG/NBD and Pareto/NBD, and gamma–gamma over `, stdout)

	// Pareto/NBD fails, as on a log it cannot describe.
	i := slices.IndexFunc(purchaseModels, func(m purchaseModel) bool { return m.name == "pnbd" })
	saved := purchaseModels[i].fit
	t.Cleanup(func() { purchaseModels[i].fit = saved })
	purchaseModels[i].fit = func([]btyd.History) (purchaseFit, error) {
		return purchaseFit{}, fmt.Errorf("btyd: fit Pareto/NBD: %w: the likelihood has no interior maximum", clv.ErrNoFit)
	}
	warning := "-model all: Pareto/NBD could not be fitted and is left out: fit Pareto/NBD: cannot be estimated: the likelihood has no interior maximum"
	code, stdout, stderr = runArgs(append(sampleCustomers, "-model", "all", "-draws", "0")...)
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, "clv customers: warning: "+warning+"\n", stderr)
	assert.Regexp(t, "\nPareto/NBD +no fit: see the warnings\n", stdout)
	assert.Regexp(t, `\nValue by [A-Za-z/]+, the lowest BIC of BG/NBD and MBG/NBD, and gamma–gamma`, stdout)
	assert.NotContains(t, stdout, "purchases, Pareto/NBD")

	code, stdout, _ = runArgs(append(sampleCustomers, "-model", "all", "-draws", "0", "-json")...)
	require.Equal(t, 0, code)
	var out struct {
		Models []struct {
			Name string `json:"name"`
		} `json:"purchase_models"`
		ChosenBy string   `json:"chosen_by"`
		Warnings []string `json:"warnings"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &out))
	assert.Len(t, out.Models, 2)
	assert.Equal(t, "lowest BIC", out.ChosenBy)
	assert.Equal(t, []string{warning}, out.Warnings)

	// When every model fails, there is nothing to value with.
	for k := range purchaseModels {
		fit := purchaseModels[k].fit
		t.Cleanup(func() { purchaseModels[k].fit = fit })
		purchaseModels[k].fit = purchaseModels[i].fit
	}
	code, stdout, stderr = runArgs(append(sampleCustomers, "-model", "all")...)
	assert.Equal(t, 1, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "clv customers: "+samplePath+": fit Pareto/NBD: ")
}

// On the CDNOW sample past its data, Pareto/NBD's likelihood has no
// maximum: -model all leaves it out, and says so.
func TestCustomersAllModelsCDNOW(t *testing.T) {
	path := cdnowSampleLog(t)
	code, stdout, stderr := runArgs("customers", "-input", path, "-calibration-end", "1999-01-01", "-model", "all", "-draws", "0", "-top", "0")
	require.Equal(t, 0, code, stderr)
	assert.Regexp(t, "^clv customers: warning: -calibration-end 1999-01-01 is 185 days after the log's last day, 1998-06-30: .+\n"+
		"clv customers: warning: -model all: Pareto/NBD could not be fitted and is left out: fit Pareto/NBD: cannot be estimated: .+\n$", stderr)
	assert.Regexp(t, "\nPareto/NBD +no fit: see the warnings\n", stdout)
	assert.Contains(t, stdout, "the lowest BIC of BG/NBD and MBG/NBD")
}

// cdnowSampleLog writes the CDNOW sample of ../shared/data as a log in a
// temporary directory and returns its name, or skips the test when the
// data are not beside the repository, as in a user's clone.
func cdnowSampleLog(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "data", "CDNOW_sample.txt"))
	if err != nil {
		t.Skipf("CDNOW sample not available (../shared/data/CDNOW_sample.txt, beside the repository): %v", err)
	}
	var b strings.Builder
	b.WriteString("customer_id,date,amount\n")
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) == 5 {
			fmt.Fprintf(&b, "%s,%s,%s\n", f[1], f[2], f[4])
		}
	}
	path := filepath.Join(t.TempDir(), "cdnow.csv")
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
	return path
}

// A repeat customer whose repeat purchases were all of no value is left
// out of the spend fit, whose amounts are positive: the text counts every
// repeat customer, as the JSON's figures add up to, and both say who was
// left out and why (issue 20, point 6).
func TestCustomersZeroSpend(t *testing.T) {
	log, err := os.ReadFile(samplePath)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "zero.csv")
	log = append(log, "zero,2024-03-01,5.00,web\nzero,2024-04-01,0.00,web\nzero,2024-05-01,0,web\n"...)
	require.NoError(t, os.WriteFile(path, log, 0o644))
	args := []string{"customers", "-input", path, "-calibration-end", "2025-06-30", "-draws", "0"}
	note := "1 of the 225 customers with repeat purchases is left out of the spend fit: their repeat purchases were all of no value, and gamma–gamma models positive amounts"
	code, stdout, stderr := runArgs(args...)
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stderr)
	assert.Regexp(t, "\n {24}225 customers with repeat purchases; correlation of frequency and spend over the 224 fitted -?[0-9.]+\n {24}"+note+"\\.\n", stdout)

	code, stdout, stderr = runArgs(append(args, "-json")...)
	require.Equal(t, 0, code, stderr)
	var out struct {
		Spend struct {
			Stats struct {
				Customers int64 `json:"customers"`
			} `json:"stats"`
			ZeroSpend int64 `json:"zero_spend"`
		} `json:"spend_model"`
		Notes []string `json:"notes"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &out))
	assert.Equal(t, int64(224), out.Spend.Stats.Customers)
	assert.Equal(t, int64(1), out.Spend.ZeroSpend)
	assert.Equal(t, []string{note}, out.Notes)
}

// On CDNOW's master file, 9,451 customers have repeat purchases, and one
// of them spent nothing on them: the text counted 9,450.
func TestCustomersZeroSpendCDNOW(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "data", "CDNOW_master.txt"))
	if err != nil {
		t.Skipf("CDNOW master not available (../shared/data/CDNOW_master.txt, beside the repository): %v", err)
	}
	var b strings.Builder
	b.WriteString("customer_id,date,amount\n")
	for _, line := range strings.Split(string(data), "\n")[1:] {
		if f := strings.Fields(line); len(f) == 4 {
			fmt.Fprintf(&b, "%s,%s,%s\n", f[0], f[1], f[3])
		}
	}
	path := filepath.Join(t.TempDir(), "master.csv")
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
	code, stdout, stderr := runArgs("customers", "-input", path, "-calibration-end", "1997-09-30", "-draws", "0", "-top", "0")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, " 9451 customers with repeat purchases; correlation of frequency and spend over the 9450 fitted ")
	assert.Contains(t, stdout, " 1 of the 9451 customers with repeat purchases is left out of the spend fit: ")
}

// writeFlatLog writes the sample log with every purchase day's amount
// 10.00, one purchase a day: gamma–gamma cannot be fitted, its likelihood
// rising towards the limit where everyone spends 10.
func writeFlatLog(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(samplePath)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	var b strings.Builder
	b.WriteString("customer_id,date,amount\n")
	seen := map[string]bool{}
	for _, line := range lines[1:] {
		f := strings.Split(line, ",")
		if key := f[0] + "," + f[1]; !seen[key] {
			seen[key] = true
			b.WriteString(key + ",10.00\n")
		}
	}
	path := filepath.Join(t.TempDir(), "flat.csv")
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
	return path
}

// When the spend model cannot be fitted, the purchase model's results
// still print, and every purchase is valued at the mean amount of a
// repeat purchase, which a warning names, with why (issue 20, point 7).
func TestCustomersSpendFallback(t *testing.T) {
	path := writeFlatLog(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "customers.csv")
	args := []string{"customers", "-input", path, "-calibration-end", "2025-06-30", "-holdout-end", "2025-12-31", "-top", "2"}
	code, stdout, stderr := runArgs(append(args, "-out", out)...)
	require.Equal(t, 0, code, stderr)
	assert.Regexp(t, "^clv customers: warning: the spend model could not be fitted, so every purchase is valued at the mean amount of a repeat purchase, 10.00: fit gamma-gamma: cannot be estimated: the likelihood has no interior maximum: it is highest in the limit where every customer spends the same amount, 10, at every purchase.+\n"+
		"clv customers: warning: no intervals: they draw the spend model's parameters, and it could not be fitted\n$", stderr)
	assert.Regexp(t, `purchases, BG/NBD: +r [0-9.]+ ± `, stdout)
	assert.Contains(t, stdout, "spend, gamma–gamma:     no fit (see the warnings): every purchase valued at the mean amount of a repeat purchase, 10.00\n")
	assert.Regexp(t, `\nall +311 +[0-9]+ +[0-9.]+\n`, stdout, "the holdout table")
	assert.Regexp(t, `\nValue by BG/NBD and a flat spend of 10.00 a purchase over [^,]+, counted each week, at a gross margin of 1: [0-9.]+ from 311 customers`, stdout)
	assert.Regexp(t, `\ncus_[0-9]+ +[0-9]+ .* 10\.00 +[0-9.]+\n`, stdout, "the most valuable, at 10.00")
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, 312, strings.Count(string(data), "\n"))
	assert.Contains(t, string(data), ",10.00,")

	code, stdout, _ = runArgs(append(args, "-json")...)
	require.Equal(t, 0, code)
	var js struct {
		Spend     *json.RawMessage `json:"spend_model"`
		FlatSpend *struct {
			Amount string `json:"amount"`
		} `json:"flat_spend"`
		Value    string   `json:"value"`
		Warnings []string `json:"warnings"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &js))
	assert.Nil(t, js.Spend)
	require.NotNil(t, js.FlatSpend)
	assert.Equal(t, "10", js.FlatSpend.Amount)
	assert.NotEmpty(t, js.Value)
	assert.Len(t, js.Warnings, 2)

	// BG/BB's purchases are valued at the mean amount of a repeat
	// opportunity.
	code, stdout, stderr = runArgs(append(args, "-model", "bgbb", "-unit", "month", "-draws", "0")...)
	require.Equal(t, 0, code, stderr)
	// Purchase days of one month add up to one opportunity's amount.
	assert.Regexp(t, "every purchase is valued at the mean amount of a repeat purchase, [0-9]+\\.[0-9]{2}: fit gamma-gamma: ", stderr)
	assert.Regexp(t, "\nValue by BG/BB and a flat spend of [0-9]+\\.[0-9]{2} a purchase over ", stdout)
}

// A chart that cannot be drawn is a warning, and the report prints
// whole: a stray row in the year 2 makes the tracking chart span two
// thousand years (issue 20, point 7).
func TestCustomersPlotFailure(t *testing.T) {
	data, err := os.ReadFile(samplePath)
	require.NoError(t, err)
	dir := t.TempDir()
	path, plot := filepath.Join(dir, "stray.csv"), filepath.Join(dir, "fit.svg")
	require.NoError(t, os.WriteFile(path, append(data, "cus_1,0002-01-01,10.00,web\n"...), 0o644))
	args := append([]string{"customers", "-input", path}, sampleCustomers[3:]...)
	code, stdout, stderr := runArgs(append(args, "-plot", plot, "-draws", "0")...)
	require.Equal(t, 0, code, stderr)
	assert.Regexp(t, "^clv customers: warning: -plot.*: track: .*out of range: the base spans 105608 weeks, more than 10000\n$", stderr)
	assert.Contains(t, stdout, "The log runs from 0002-01-01 to 2025-12-31 (UTC).\n")
	assert.Contains(t, stdout, "\nThe 10 most valuable:\n")
	// The holdout's chart needs no tracking: it is drawn alone.
	svg, err := os.ReadFile(plot)
	require.NoError(t, err)
	assert.Contains(t, string(svg), "by calibration frequency")
	assert.NotContains(t, string(svg), "Cumulative")

	code, stdout, stderr = runArgs(append(args, "-plot", plot, "-draws", "0", "-json")...)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stderr, "the base spans 105608 weeks")
	parseWarningsJSON(t, stdout) // the report, whole
}

// -out and -plot are checked before the log is read: a path that cannot
// be written fails at once, and the check leaves no file behind, nor
// changes one that is there (issue 20, point 7).
func TestCustomersOutputPaths(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		flag, path, msg string
	}{
		{"-out", "/nonexistent/x.csv", "clv customers: -out /nonexistent/x.csv: open /nonexistent/x.csv: no such file or directory\n"},
		{"-plot", "/nonexistent/x.svg", "clv customers: -plot /nonexistent/x.svg: open /nonexistent/x.svg: no such file or directory\n"},
		{"-out", dir, "clv customers: -out " + dir + ": open " + dir + ": is a directory\n"},
	} {
		// The log named does not exist: its error would come first if
		// the work began before the paths were checked.
		code, stdout, stderr := runArgs("customers", "-input", "no-such-log.csv", "-calibration-end", "2025-06-30", "-holdout-end", "2025-12-31", c.flag, c.path)
		assert.Equal(t, 2, code, c.path)
		assert.Empty(t, stdout)
		assert.Equal(t, c.msg, stderr)
	}

	// A run that fails after the check leaves a new file unmade and an
	// old one as it was.
	fresh, old := filepath.Join(dir, "fresh.csv"), filepath.Join(dir, "old.csv")
	require.NoError(t, os.WriteFile(old, []byte("last week's\n"), 0o644))
	for _, out := range []string{fresh, old} {
		code, _, _ := runArgs("customers", "-input", samplePath, "-calibration-end", "2023-06-30", "-out", out)
		require.Equal(t, 1, code)
	}
	assert.NoFileExists(t, fresh)
	data, err := os.ReadFile(old)
	require.NoError(t, err)
	assert.Equal(t, "last week's\n", string(data))
}
