package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// forecastJSON is what the tests read of clv forecast -json.
type forecastJSON struct {
	Model         string          `json:"purchase_model"`
	Unit          clv.Period      `json:"unit"`
	ModelFile     string          `json:"model_file"`
	Horizon       btyd.Horizon    `json:"horizon"`
	Acquired      []int64         `json:"acquired"`
	Rate          *float64        `json:"acquired_rate"`
	ExpectedSpend decimal.Decimal `json:"expected_spend"`
	Periods       []struct {
		Period    int             `json:"period"`
		Acquired  float64         `json:"acquired"`
		Purchases float64         `json:"purchases"`
		Revenue   decimal.Decimal `json:"revenue"`
	} `json:"periods"`
	Customers float64         `json:"customers"`
	Purchases float64         `json:"purchases"`
	Revenue   decimal.Decimal `json:"revenue"`
}

func runForecastJSON(t *testing.T, args ...string) forecastJSON {
	t.Helper()
	code, stdout, stderr := runArgs(append([]string{"forecast", "-json"}, args...)...)
	require.Equal(t, 0, code, stderr)
	var f forecastJSON
	require.NoError(t, json.Unmarshal([]byte(stdout), &f))
	return f
}

// clv forecast gives btyd's forecasts of the saved model: the counts'
// by NewCustomerForecast, a rate's by NewCustomerRateForecast, each
// period's revenue rounded to -scale and the total the sum rounded once;
// and a model fitted to -input is the one clv customers saves.
func TestForecastCounts(t *testing.T) {
	path, l := saveSampleModel(t, "pnbd", clv.Week)
	g := l.spend.Model
	h := btyd.Horizon{Length: 6, Period: clv.Month}
	counts, err := btyd.NewCustomerForecast(l.fit.purchase, g, clv.Week, []int64{120, 130, 150}, h)
	require.NoError(t, err)
	f := runForecastJSON(t, "-model-file", path, "-acquired", "120, 130,150", "-horizon", "6")
	assert.Equal(t, "pnbd", f.Model)
	assert.Equal(t, clv.Week, f.Unit)
	assert.Equal(t, h, f.Horizon)
	assert.Equal(t, []int64{120, 130, 150}, f.Acquired)
	assert.Nil(t, f.Rate)
	mean, _ := g.ExpectedSpend(0, decimal.Zero)
	assert.Equal(t, mean.StringFixed(2), f.ExpectedSpend.StringFixed(2))
	require.Len(t, f.Periods, 6)
	total := decimal.Zero
	var purchases float64
	for k, p := range f.Periods {
		assert.Equal(t, k+1, p.Period)
		assert.Equal(t, float64(counts[k].Acquired), p.Acquired)
		assert.Equal(t, counts[k].Purchases, p.Purchases)
		assert.Equal(t, counts[k].Revenue.StringFixed(2), p.Revenue.StringFixed(2))
		total = total.Add(counts[k].Revenue)
		purchases += counts[k].Purchases
	}
	assert.Equal(t, total.StringFixed(2), f.Revenue.StringFixed(2))
	assert.Equal(t, 400.0, f.Customers)
	assert.InDelta(t, purchases, f.Purchases, 1e-9)

	// As many periods as counts by default; the same from a fit to the log.
	fitted := runForecastJSON(t, "-input", samplePath, "-calibration-end", "2025-06-30", "-model", "pnbd", "-acquired", "120,130,150")
	require.Len(t, fitted.Periods, 3)
	for k := range fitted.Periods {
		assert.InDelta(t, counts[k].Purchases, fitted.Periods[k].Purchases, 1e-9*counts[k].Purchases)
	}

	// The text: a row a period and the totals.
	code, text, stderr := runArgs("forecast", "-model-file", path, "-acquired", "120,130,150", "-horizon", "6")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, text, "New customers by Pareto/NBD, read from "+path+", fitted to 2025-06-30, in weeks; a new customer's expected spend "+mean.StringFixed(2)+" a purchase.\n")
	assert.Contains(t, text, "\nmonth        acquired    purchases          revenue\n")
	assert.Regexp(t, `\n1 +120 +[0-9.]+ +`+counts[0].Revenue.StringFixed(2)+`\n`, text)
	assert.Regexp(t, `\nall +400 +[0-9.]+ +`+total.StringFixed(2)+`\n`, text)
}

// A rate of 40.5 customers a quarter is btyd's rate forecast, and lies
// between the cohorts of 40 and of 41 won at each quarter's start and a
// quarter later.
func TestForecastRate(t *testing.T) {
	path, l := saveSampleModel(t, "bgnbd", clv.Week)
	h := btyd.Horizon{Length: 8, Period: clv.Quarter}
	want, err := btyd.NewCustomerRateForecast(l.fit.purchase, l.spend.Model, clv.Week, 40.5, h)
	require.NoError(t, err)
	f := runForecastJSON(t, "-model-file", path, "-acquired-rate", "40.5", "-period", "quarter", "-horizon", "8")
	require.NotNil(t, f.Rate)
	assert.Equal(t, 40.5, *f.Rate)
	require.Len(t, f.Periods, 8)
	assert.Equal(t, 8*40.5, f.Customers)
	for k, p := range f.Periods {
		assert.Equal(t, 40.5, p.Acquired)
		assert.Equal(t, want[k].Purchases, p.Purchases)
		assert.Equal(t, want[k].Revenue.StringFixed(2), p.Revenue.StringFixed(2))
		lo, _ := l.fit.purchase.ExpectedPurchases(float64(k) * 91.3125 / 7)
		hi, _ := l.fit.purchase.ExpectedPurchases(float64(k+1) * 91.3125 / 7)
		assert.True(t, 40.5*lo <= p.Purchases && p.Purchases <= 40.5*hi, "quarter %d: %v not in [%v, %v]", k+1, p.Purchases, 40.5*lo, 40.5*hi)
	}
	// 12 periods by default.
	assert.Len(t, runForecastJSON(t, "-model-file", path, "-acquired-rate", "10").Periods, 12)
}

// With a BG/BB model a period is an opportunity: counts and a rate are
// btyd's discrete forecasts, and another -period is refused.
func TestForecastBGBB(t *testing.T) {
	path, l := saveSampleModel(t, bgbbName, clv.Year)
	g := l.spend.Model
	h := btyd.Horizon{Length: 4, Period: clv.Year}
	counts, err := btyd.DiscreteNewCustomerForecast(l.bgbb.Model, g, clv.Year, []int64{100, 200}, h)
	require.NoError(t, err)
	f := runForecastJSON(t, "-model-file", path, "-acquired", "100,200", "-horizon", "4")
	require.Len(t, f.Periods, 4)
	for k, p := range f.Periods {
		assert.Equal(t, counts[k].Purchases, p.Purchases)
	}
	assert.Equal(t, 0.0, f.Periods[0].Purchases, "no repeat purchase at the trial")
	rate, err := btyd.DiscreteNewCustomerRateForecast(l.bgbb.Model, g, clv.Year, 150, btyd.Horizon{Length: 3, Period: clv.Year})
	require.NoError(t, err)
	r := runForecastJSON(t, "-model-file", path, "-acquired-rate", "150", "-horizon", "3")
	for k, p := range r.Periods {
		assert.Equal(t, rate[k].Purchases, p.Purchases)
	}
	code, text, _ := runArgs("forecast", "-model-file", path, "-acquired-rate", "150", "-horizon", "3")
	require.Equal(t, 0, code)
	assert.Contains(t, text, "150 customers at each opportunity, their first purchase there, over 3 years")

	code, _, stderr := runArgs("forecast", "-model-file", path, "-acquired-rate", "150", "-period", "month")
	assert.Equal(t, 2, code)
	assert.Equal(t, "clv forecast: -period month: a bgbb model counts at opportunities of its unit, a year: give -period year (see clv forecast -h)\n", stderr)
}

// Bad flags are refused with exit status 2 and a line that says why: a
// list that is not of counts, a negative count or rate, counts with no
// model, more counts than periods, both forms, and a model of another
// unit.
func TestForecastErrors(t *testing.T) {
	path, _ := saveSampleModel(t, "bgnbd", clv.Week)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-acquired", "120,x,150", "-model-file", path}, `invalid value "120,x,150" for flag -acquired: "x", count 2: not a whole number of customers`},
		{[]string{"-acquired", "120,,150", "-model-file", path}, `invalid value "120,,150" for flag -acquired: "", count 2: not a whole number of customers`},
		{[]string{"-acquired", "120,-5", "-model-file", path}, `invalid value "120,-5" for flag -acquired: -5, count 2: a count of customers must not be negative`},
		{[]string{"-acquired", "1.5", "-model-file", path}, `invalid value "1.5" for flag -acquired: "1.5", count 1: not a whole number of customers`},
		{[]string{"-acquired", "120,130"}, "missing -model-file or -input: the model to forecast with, saved by clv customers -save-model or fitted to a log"},
		{[]string{"-acquired-rate", "40"}, "missing -model-file or -input"},
		{[]string{"-model-file", path}, "missing -acquired or -acquired-rate: the new customers to forecast"},
		{[]string{"-acquired", "1", "-acquired-rate", "1", "-model-file", path}, "-acquired and -acquired-rate: give counts or a rate, not both"},
		{[]string{"-acquired-rate", "-3", "-model-file", path}, "-acquired-rate -3: must be from 0 to 10^12 customers a period"},
		{[]string{"-acquired-rate", "NaN", "-model-file", path}, "-acquired-rate NaN: must be from 0 to 10^12"},
		{[]string{"-acquired", "1,2,3", "-horizon", "2", "-model-file", path}, "-acquired: 3 counts, more than the -horizon of 2 periods"},
		{[]string{"-acquired", "1", "-horizon", "0", "-model-file", path}, "-horizon 0: must be at least 1"},
		{[]string{"-acquired", "1", "-horizon", "13000", "-model-file", path}, "-horizon 13000 months: must be at most 1000 years"},
		{[]string{"-acquired", "1", "-input", samplePath}, "missing -calibration-end"},
		{[]string{"-acquired", "1", "-input", samplePath, "-model-file", path}, "-input and -model-file: forecast with a model fitted to a log or read from a file, not both"},
		{[]string{"-acquired", "1", "-model-file", path, "-unit", "month"}, "-model-file " + path + ": unit week: the model is of weeks, and -unit is month"},
		{[]string{"-acquired", "1", "-model-file", path, "extra"}, `unexpected argument "extra"`},
	} {
		code, stdout, stderr := runArgs(append([]string{"forecast"}, tc.args...)...)
		assert.Equal(t, 2, code, tc.args)
		assert.Empty(t, stdout, tc.args)
		assert.True(t, strings.HasPrefix(stderr, "clv forecast: "+tc.want), "%v: %s", tc.args, stderr)
	}
	// A horizon past the model's series is the library's refusal, status 1.
	code, _, stderr := runArgs("forecast", "-model-file", path, "-acquired-rate", "1", "-period", "week", "-horizon", "52000")
	assert.Equal(t, 1, code, stderr)
	assert.Contains(t, stderr, "out of range")
	// -h prints the usage.
	code, stdout, _ := runArgs("forecast", "-h")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, "Usage: clv forecast")
}
