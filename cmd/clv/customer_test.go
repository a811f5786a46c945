package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/clvkit/clv/internal/logcsv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// saveSampleModel fits -model to the sample log to 2025-06-30 in -unit,
// saves it, and returns the file and the model read back.
func saveSampleModel(t *testing.T, model string, unit clv.Period) (string, *loadedModel) {
	t.Helper()
	path := filepath.Join(t.TempDir(), model+".json")
	log := samplePath
	end := "2025-06-30"
	if model == bgbbName {
		log, end = donationsPath, "2024-12-31"
	}
	code, _, stderr := runArgs("customers", "-input", log, "-calibration-end", end, "-model", model, "-unit", unit.String(),
		"-draws", "0", "-top", "0", "-save-model", path)
	require.Equal(t, 0, code, stderr)
	l, err := readModel(path, unit)
	require.NoError(t, err)
	return path, l
}

// readOut reads an -out file into its header and rows by customer id.
func readOut(t *testing.T, path string) (map[string]int, map[string][]string) {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	col := map[string]int{}
	for i, name := range records[0] {
		col[name] = i
	}
	rows := map[string][]string{}
	for _, r := range records[1:] {
		rows[r[0]] = r
	}
	return col, rows
}

// -out's last two columns are btyd's bulk forecasts of every customer,
// P(alive) at the horizon's end and P(no purchase in it), to their 6
// places, for every model, fitted or scored with -model-file; and for the
// BG/NBD and MBG/NBD, P(no purchase) is, independently, 1 − P(alive) +
// P(alive) ((α + T)/(α + T + t))^(r + x): an alive customer buys at rate
// λ ~ Gamma(r + x, α + T) and leaves only at a purchase.
func TestOutForecastColumns(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"bgnbd", "mbgnbd", "pnbd"} {
		for _, scored := range []bool{false, true} {
			out := filepath.Join(dir, name+".csv")
			args := append(sampleCustomers, "-model", name, "-draws", "0", "-top", "0", "-horizon", "6", "-horizon-unit", "month", "-out", out)
			var m btyd.PurchaseModel
			if scored {
				path, l := saveSampleModel(t, name, clv.Week)
				args = append(args[:len(args):len(args)], "-model-file", path)
				m = l.fit.purchase
			}
			code, _, stderr := runArgs(args...)
			require.Equal(t, 0, code, stderr)
			b, _ := sampleBase(t)
			if m == nil {
				_, l := saveSampleModel(t, name, clv.Week)
				m = l.fit.purchase
			}
			f, err := btyd.Forecasts(m, b, btyd.Horizon{Length: 6, Period: clv.Month}, 0)
			require.NoError(t, err)
			col, rows := readOut(t, out)
			require.Len(t, rows, len(b.Customers))
			t6 := 6 * 30.4375 / 7
			for i, c := range b.Customers {
				row := rows[c.ID]
				require.NotNil(t, row, c.ID)
				assert.Equal(t, strconv.FormatFloat(f.Customers[i].ProbAliveAfter, 'f', 6, 64), row[col["p_alive_horizon_end"]], "%s %s", name, c.ID)
				assert.Equal(t, strconv.FormatFloat(f.Customers[i].ProbPurchases[0], 'f', 6, 64), row[col["p_no_purchase_horizon"]], "%s %s", name, c.ID)
				if i >= 5 {
					continue
				}
				alive, _ := m.ProbAlive(c.X, c.Tx, c.T)
				var r, alpha float64
				switch m := m.(type) {
				case btyd.BGNBD:
					r, alpha = m.R, m.Alpha
				case btyd.MBGNBD:
					r, alpha = m.R, m.Alpha
				default:
					continue
				}
				none := 1 - alive + alive*math.Pow((alpha+c.T)/(alpha+c.T+t6), r+float64(c.X))
				got, _ := strconv.ParseFloat(row[col["p_no_purchase_horizon"]], 64)
				assert.InDelta(t, none, got, 5e-7, "%s %s", name, c.ID)
			}
		}
	}
}

// BG/BB's columns are btyd.DiscreteForecasts' over the horizon's
// opportunities, and -json's most valuable customers carry the same
// figures as -out.
func TestOutForecastColumnsBGBB(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "bgbb.csv")
	path, l := saveSampleModel(t, bgbbName, clv.Year)
	code, stdout, stderr := runArgs("customers", "-input", donationsPath, "-calibration-end", "2024-12-31", "-holdout-end", "2025-12-31",
		"-model-file", path, "-unit", "year", "-horizon", "3", "-horizon-unit", "year", "-draws", "0", "-out", out, "-json", "-top", "5")
	require.Equal(t, 0, code, stderr)
	in := customerInputs{input: donationsPath, columns: logcsv.DefaultColumns, workers: 1, unit: clv.Year,
		calibrationEnd: time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC), holdoutEnd: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)}
	s, _, _, code := in.read(os.Stderr)
	require.Equal(t, 0, code)
	o, err := s.Opportunities(clv.Year)
	require.NoError(t, err)
	f, err := btyd.DiscreteForecasts(l.bgbb.Model, o, btyd.Horizon{Length: 3, Period: clv.Year}, 0)
	require.NoError(t, err)
	col, rows := readOut(t, out)
	for i, c := range o.Customers {
		assert.Equal(t, strconv.FormatFloat(f.Customers[i].ProbAliveAfter, 'f', 6, 64), rows[c.ID][col["p_alive_horizon_end"]], c.ID)
		assert.Equal(t, strconv.FormatFloat(f.Customers[i].ProbPurchases[0], 'f', 6, 64), rows[c.ID][col["p_no_purchase_horizon"]], c.ID)
		if i < 5 && c.N > 0 {
			after, _ := l.bgbb.Model.ProbAliveAt(c.X, c.Tx, c.N, 3)
			none, _ := l.bgbb.Model.ConditionalProbPurchases(c.X, c.Tx, c.N, 0, 3)
			assert.InDelta(t, after, f.Customers[i].ProbAliveAfter, 1e-12)
			assert.InDelta(t, none, f.Customers[i].ProbPurchases[0], 1e-12)
		}
	}
	var doc struct {
		Top []struct {
			ID  string  `json:"id"`
			End float64 `json:"prob_alive_horizon_end"`
			No  float64 `json:"prob_no_purchase_horizon"`
		} `json:"top"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &doc))
	require.Len(t, doc.Top, 5)
	for _, c := range doc.Top {
		assert.Equal(t, rows[c.ID][col["p_alive_horizon_end"]], strconv.FormatFloat(c.End, 'f', 6, 64), c.ID)
		assert.Equal(t, rows[c.ID][col["p_no_purchase_horizon"]], strconv.FormatFloat(c.No, 'f', 6, 64), c.ID)
	}
}

// -json without -out carries the forecasts of the customers it prints,
// those -out would give them.
func TestJSONForecastFigures(t *testing.T) {
	out := filepath.Join(t.TempDir(), "c.csv")
	code, _, stderr := runArgs(append(sampleCustomers, "-model", "pnbd", "-draws", "0", "-out", out)...)
	require.Equal(t, 0, code, stderr)
	col, rows := readOut(t, out)
	code, stdout, stderr := runArgs(append(sampleCustomers, "-model", "pnbd", "-draws", "0", "-json", "-top", "4")...)
	require.Equal(t, 0, code, stderr)
	var doc struct {
		Top, AtRisk []struct {
			ID  string  `json:"id"`
			End float64 `json:"prob_alive_horizon_end"`
			No  float64 `json:"prob_no_purchase_horizon"`
		}
	}
	require.NoError(t, json.Unmarshal([]byte(strings.Replace(stdout, `"at_risk"`, `"AtRisk"`, 1)), &doc))
	require.Len(t, doc.Top, 4)
	require.NotEmpty(t, doc.AtRisk)
	for _, c := range append(doc.Top, doc.AtRisk...) {
		assert.Positive(t, c.No, c.ID)
		assert.Equal(t, rows[c.ID][col["p_alive_horizon_end"]], strconv.FormatFloat(c.End, 'f', 6, 64), c.ID)
		assert.Equal(t, rows[c.ID][col["p_no_purchase_horizon"]], strconv.FormatFloat(c.No, 'f', 6, 64), c.ID)
	}
}

// viewLog is a small log whose customer A's figures are worked by hand:
// with a calibration to 2024-06-30 (day 181 after the first purchase) and
// a holdout to 2024-12-31, A first buys on 2024-01-01, again on 01-15
// (two rows, one day of 25.00) and 03-01 (days 14 and 60), is refunded
// on 03-10, buys in the holdout on 08-01 and after it on 2025-02-01: x =
// 2, t_x = 60/7 and T = 181/7 weeks, one holdout purchase. L first buys
// in the holdout; R is only refunded.
const viewLog = `customer_id,date,amount
A,2024-01-01,10.00
A,2024-01-15,20.00
B,2024-02-01,15.00
A,2024-01-15,5.00
A,2024-03-01,30.00
A,2024-03-10,-5.00
B,2024-05-01,25.00
A,2024-08-01,40.00
L,2024-09-01,12.00
R,2024-02-01,-10.00
A,2025-02-01,50.00
`

// The -customer view of A, scored with a model saved from the sample
// log: the history by day as worked by hand, and every figure the
// library's, from btyd's own functions of A's hand-worked history.
func TestCustomerView(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "hand.csv")
	require.NoError(t, os.WriteFile(log, []byte(viewLog), 0o644))
	path, l := saveSampleModel(t, "bgnbd", clv.Week)
	args := []string{"customers", "-input", log, "-calibration-end", "2024-06-30", "-holdout-end", "2024-12-31", "-model-file", path,
		"-customer", "A", "-step", "month", "-discount", "0.1", "-draws", "0"}
	code, stdout, stderr := runArgs(append(args, "-json")...)
	require.Equal(t, 0, code, stderr)
	var v customerView
	require.NoError(t, json.Unmarshal([]byte(stdout), &v))

	m := l.fit.purchase.(btyd.BGNBD)
	x, tx, T := int64(2), 60.0/7, 181.0/7
	assert.Equal(t, "A", v.ID)
	assert.Equal(t, x, v.X)
	assert.InDelta(t, tx, v.Tx, 1e-12)
	assert.InDelta(t, T, v.T, 1e-12)
	assert.Equal(t, int64(1), v.HoldoutX)
	type day struct{ day, purchases, refunds, period, note string }
	var days []day
	for _, h := range v.History {
		days = append(days, day{h.Day, h.Purchases.StringFixed(2), h.Refunds.StringFixed(2), h.Period, h.Note})
	}
	assert.Equal(t, []day{
		{"2024-01-01", "10.00", "0.00", "calibration", "first purchase"},
		{"2024-01-15", "25.00", "0.00", "calibration", "repeat 1"},
		{"2024-03-01", "30.00", "0.00", "calibration", "repeat 2"},
		{"2024-03-10", "0.00", "-5.00", "calibration", "refund only, calibration"},
		{"2024-08-01", "40.00", "0.00", "holdout", "holdout"},
		{"2025-02-01", "50.00", "0.00", "after", "after the holdout end: left out"},
	}, days)

	// The path, at each month after the first purchase, the last at T.
	step := 30.4375 / 7
	path2, err := btyd.AlivePath(m, []float64{2, 60.0 / 7}, T, step)
	require.NoError(t, err)
	require.Len(t, v.Path, len(path2))
	require.Len(t, v.Path, 6) // 181 days are 5.9 months
	for k, p := range v.Path {
		assert.Equal(t, path2[k], p.ProbAlive, "step %d", k+1)
		assert.InDelta(t, min(float64(k+1)*step, T), p.At, 1e-12)
	}
	assert.Equal(t, []int64{1, 2, 2, 2, 2, 2}, []int64{v.Path[0].X, v.Path[1].X, v.Path[2].X, v.Path[3].X, v.Path[4].X, v.Path[5].X})
	assert.Equal(t, "2024-01-31", v.Path[0].Day)
	assert.Equal(t, "2024-06-30", v.Path[5].Day)
	alive, _ := m.ProbAlive(x, tx, T)
	assert.InDelta(t, alive, v.Path[5].ProbAlive, 1e-15, "the path ends at P(alive)")

	// The forecasts over a year, 365.25/7 weeks.
	f := v.Forecast
	year := 365.25 / 7
	assert.InDelta(t, year, f.Length, 1e-12)
	after, _ := m.ProbAliveAt(x, tx, T, year)
	expected, _ := m.ConditionalExpectedPurchases(x, tx, T, year)
	dert, _ := m.DERT(x, tx, T, math.Log(1.1)/52.17857142857143)
	assert.InDelta(t, alive, f.ProbAlive, 1e-14)
	assert.InDelta(t, after, f.ProbAliveEnd, 1e-13)
	assert.InDelta(t, expected, f.Purchases, 1e-12*expected)
	require.NotNil(t, f.DERT)
	assert.InDelta(t, dert, *f.DERT, 1e-10*dert)
	var sum float64
	for n, p := range f.ProbPurchases {
		want, _ := m.ConditionalProbPurchases(x, tx, T, int64(n), year)
		assert.InDelta(t, want, p, 1e-13, "P(X = %d)", n)
		sum += p
	}
	assert.Equal(t, f.ProbPurchases[0], f.ProbNoPurchase)
	assert.Less(t, 1-sum, tailCut, "cut where the rest falls below 10^−4")
	assert.GreaterOrEqual(t, 1-(sum-f.ProbPurchases[len(f.ProbPurchases)-1]), tailCut, "not before")
	assert.InDelta(t, max(1-sum, 0), f.Tail, 1e-15)

	// The text: the same figures, as printed.
	code, text, stderr := runArgs(args...)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, text, "Customer A, by BG/NBD, read from "+path+", in weeks.\n")
	assert.Contains(t, text, "2024-01-15         25.00                repeat 1\n")
	assert.Contains(t, text, "2024-03-10          0.00         -5.00  refund only, calibration\n")
	assert.Contains(t, text, "x = 2 repeat purchases, the last t_x = 8.57 weeks after the first, observed for T = 25.86 weeks; 1 in the holdout.\n")
	assert.Contains(t, text, fmt.Sprintf("25.86        2024-06-30       2  %8.4f\n", alive))
	assert.Contains(t, text, fmt.Sprintf("%-34s %.4f\n", "P(alive at the horizon's end)", after))
	assert.Contains(t, text, fmt.Sprintf("%-34s %.4f\n", "P(no purchase in the horizon)", f.ProbNoPurchase))
	assert.Contains(t, text, fmt.Sprintf("%-34s %.4f, all time ahead discounted continuously at 0.1 a year\n", "DERT", dert))
	assert.Contains(t, text, fmt.Sprintf("%6d  %10.6f  %10.6f\n", 0, f.ProbPurchases[0], f.ProbPurchases[0]))
	assert.Contains(t, text, "The table stops at the first n where P(X > n), 1 − P(X ≤ n), is below 10^−4")

	// Without a discount, no DERT.
	code, text, _ = runArgs(args[:len(args)-4]...)
	require.Equal(t, 0, code)
	assert.Contains(t, text, "DERT                               needs a -discount above 0\n")
}

// The BG/BB view of a donor: their path at each opportunity after the
// trial, as BGBB.AlivePath gives it, ending at their P(alive), with x
// reaching their X, and the horizon counted in opportunities.
func TestCustomerViewBGBB(t *testing.T) {
	path, l := saveSampleModel(t, bgbbName, clv.Year)
	in := customerInputs{input: donationsPath, columns: logcsv.DefaultColumns, workers: 1, unit: clv.Year,
		calibrationEnd: time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)}
	s, _, _, code := in.read(os.Stderr)
	require.Equal(t, 0, code)
	o, err := s.Opportunities(clv.Year)
	require.NoError(t, err)
	checked := 0
	for _, c := range o.Customers[:40] {
		if c.N < 2 || c.X < 1 {
			continue
		}
		checked++
		code, stdout, stderr := runArgs("customers", "-input", donationsPath, "-calibration-end", "2024-12-31", "-model-file", path,
			"-unit", "year", "-horizon", "2", "-horizon-unit", "year", "-customer", c.ID, "-json", "-discount", "0.1")
		require.Equal(t, 0, code, stderr)
		var v customerView
		require.NoError(t, json.Unmarshal([]byte(stdout), &v))
		assert.Equal(t, c.X, v.X)
		assert.Equal(t, float64(c.N), v.T)
		require.Len(t, v.Path, int(c.N))
		alive, _ := l.bgbb.Model.ProbAlive(c.X, c.Tx, c.N)
		assert.InDelta(t, alive, v.Path[c.N-1].ProbAlive, 1e-15, c.ID)
		assert.Equal(t, c.X, v.Path[c.N-1].X, c.ID)
		assert.Equal(t, "2024-12-31", v.Path[c.N-1].Day)
		assert.Equal(t, 2.0, v.Forecast.Length)
		after, _ := l.bgbb.Model.ProbAliveAt(c.X, c.Tx, c.N, 2)
		assert.InDelta(t, after, v.Forecast.ProbAliveEnd, 1e-13)
		require.Len(t, v.Forecast.ProbPurchases, 3, "at most a purchase an opportunity")
		for k, p := range v.Forecast.ProbPurchases {
			want, _ := l.bgbb.Model.ConditionalProbPurchases(c.X, c.Tx, c.N, int64(k), 2)
			assert.InDelta(t, want, p, 1e-13)
		}
		dert, _ := l.bgbb.Model.DERT(c.X, c.Tx, c.N, 0.1)
		require.NotNil(t, v.Forecast.DERT)
		assert.InDelta(t, dert, *v.Forecast.DERT, 1e-12)
	}
	assert.Positive(t, checked)
}

// A -customer the models cannot see is an error that names them, with
// exit status 2, before any fit: not in the log, first seen in the
// holdout, or only refunded.
func TestCustomerErrors(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "hand.csv")
	require.NoError(t, os.WriteFile(log, []byte(viewLog), 0o644))
	for _, tc := range []struct{ id, want string }{
		{"Z9", `clv customers: -customer "Z9": no customer of that id in the log` + "\n"},
		{"L", `clv customers: -customer "L": first bought on 2024-09-01, after -calibration-end 2024-06-30: the models know nothing of them at it` + "\n"},
		{"R", `clv customers: -customer "R": only refunds in the log, no purchase` + "\n"},
	} {
		code, stdout, stderr := runArgs("customers", "-input", log, "-calibration-end", "2024-06-30", "-holdout-end", "2024-12-31", "-customer", tc.id)
		assert.Equal(t, 2, code, tc.id)
		assert.Empty(t, stdout)
		assert.Equal(t, tc.want, stderr)
	}
}

// With -covariates, a customer's forecasts are by their own model, the
// covariate model's for their segment: -customer's view (by that model,
// through btyd.Forecasts) and -out's columns (through
// btyd.ForecastsByCovariates) agree, and P(alive) now is the covariate
// valuation's, not the fit's without covariates.
func TestCovariateForecasts(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"bgnbd", "pnbd"} {
		out := filepath.Join(dir, name+".csv")
		args := append(sampleCustomers, "-model", name, "-covariates", "segment", "-draws", "0", "-top", "0", "-horizon", "6", "-horizon-unit", "month")
		code, _, stderr := runArgs(append(args[:len(args):len(args)], "-out", out)...)
		require.Equal(t, 0, code, stderr)
		col, rows := readOut(t, out)
		plain := filepath.Join(dir, name+"-plain.csv")
		code, _, stderr = runArgs(append(sampleCustomers, "-model", name, "-draws", "0", "-top", "0", "-horizon", "6", "-horizon-unit", "month", "-out", plain)...)
		require.Equal(t, 0, code, stderr)
		_, plainRows := readOut(t, plain)
		differ := 0
		for _, id := range []string{"cus_146", "cus_1", "cus_20", "cus_77", "cus_300"} {
			row := rows[id]
			if row == nil {
				continue
			}
			code, stdout, stderr := runArgs(append(args[:len(args):len(args)], "-customer", id, "-json")...)
			require.Equal(t, 0, code, stderr)
			var v struct {
				Forecast struct {
					ProbAlive      float64 `json:"prob_alive"`
					ProbAliveEnd   float64 `json:"prob_alive_horizon_end"`
					ProbNoPurchase float64 `json:"prob_no_purchase_horizon"`
				} `json:"forecast"`
			}
			require.NoError(t, json.Unmarshal([]byte(stdout), &v), stdout)
			f := v.Forecast
			assert.Equal(t, row[col["p_alive"]], strconv.FormatFloat(f.ProbAlive, 'f', 6, 64), "%s %s", name, id)
			assert.Equal(t, row[col["p_alive_horizon_end"]], strconv.FormatFloat(f.ProbAliveEnd, 'f', 6, 64), "%s %s", name, id)
			assert.Equal(t, row[col["p_no_purchase_horizon"]], strconv.FormatFloat(f.ProbNoPurchase, 'f', 6, 64), "%s %s", name, id)
			if plainRows[id][col["p_alive_horizon_end"]] != row[col["p_alive_horizon_end"]] {
				differ++
			}
		}
		assert.Positive(t, differ, "%s: the covariates change no customer's forecast", name)
	}
}
