package main

// Tests of clv customers' calendar opportunities, horizon and step: issue
// 20, points 3 and 5.

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"
)

// writeDonations writes a log of gifts to a yearly appeal, by the BG/BB
// story with the donations fit of Fader, Hardie and Shang (α = 1.2,
// β = 0.75, γ = 0.66, δ = 2.78): 1,500 donors whose first gift falls in
// 2018 to 2024, each giving in each later year to 2025 with probability
// p ~ Beta(α, β) while alive, on any day of the year, and leaving at the
// start of each with probability θ ~ Beta(γ, δ). Gifts follow the
// gamma–gamma story (p = 6, q = 4, γ = 15): a donor's gifts are
// Gamma(6, ν), ν ~ Gamma(4, 15) across donors. It returns the log's path
// and the donors who gave in 2025.
func writeDonations(t *testing.T) (string, int64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(20, 3))
	src := rand.NewPCG(rng.Uint64(), rng.Uint64())
	pDist := distuv.Beta{Alpha: 1.2, Beta: 0.75, Src: src}
	thetaDist := distuv.Beta{Alpha: 0.66, Beta: 2.78, Src: src}
	nuDist := distuv.Gamma{Alpha: 4, Beta: 15, Src: src}
	var b strings.Builder
	b.WriteString("customer_id,date,amount\n")
	var amount distuv.Gamma
	gift := func(id string, year int) {
		day := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(365))
		fmt.Fprintf(&b, "%s,%s,%.2f\n", id, day.Format(time.DateOnly), amount.Rand())
	}
	var held int64
	for i := range 1500 {
		id := fmt.Sprintf("donor%04d", i)
		first := 2018 + rng.IntN(7)
		amount = distuv.Gamma{Alpha: 6, Beta: nuDist.Rand(), Src: src}
		gift(id, first)
		p, theta := pDist.Rand(), thetaDist.Rand()
		for year := first + 1; year <= 2025; year++ {
			if rng.Float64() < theta {
				break
			}
			if rng.Float64() < p {
				gift(id, year)
				if year == 2025 {
					held++
				}
			}
		}
	}
	path := filepath.Join(t.TempDir(), "donations.csv")
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
	return path, held
}

// Issue 20, point 3: a holdout of the calendar year after a calibration
// that ends on 31 December holds one yearly opportunity, so the natural
// set-up for yearly donations runs. It was refused with "no complete
// opportunity of a year in the holdout": 365 days are less than 365.25.
func TestCustomersBGBBYearlyHoldout(t *testing.T) {
	path, held := writeDonations(t)
	code, stdout, stderr := runArgs("customers", "-input", path, "-calibration-end", "2024-12-31", "-holdout-end", "2025-12-31",
		"-model", "bgbb", "-unit", "year", "-draws", "0")
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stderr)
	assert.Contains(t, stdout, "1500 customers to 2024-12-31, in years, counted at opportunities of a calendar year; ")
	assert.Contains(t, stdout, "Holdout of 1 whole year to 2025-12-31, BG/BB: purchases by calibration frequency\n")
	assert.Regexp(t, fmt.Sprintf(`\nall +1500 +%d +[0-9.]+\n`, held), stdout)
	// The default horizon, a year, is one yearly opportunity.
	assert.Contains(t, stdout, "Value by BG/BB and gamma–gamma over 1 year, counted each year, at a gross margin of 1: ")
}

// customersJSON is the part of clv customers -json that the horizon
// tests read.
type customersJSON struct {
	Horizon struct {
		Length int    `json:"length"`
		Period string `json:"period"`
	} `json:"horizon"`
	Step     string          `json:"step"`
	Expected float64         `json:"expected_purchases"`
	Value    decimal.Decimal `json:"value"`
	Top      []struct {
		ID    string          `json:"id"`
		Value decimal.Decimal `json:"value"`
	} `json:"top"`
}

// runCustomersJSON runs clv customers on the sample log with args, -json
// and -draws 0, and returns what it printed.
func runCustomersJSON(t *testing.T, args ...string) customersJSON {
	t.Helper()
	code, stdout, stderr := runArgs(append(append([]string{}, sampleCustomers...), append(args, "-json", "-draws", "0")...)...)
	require.Equal(t, 0, code, stderr)
	var out customersJSON
	require.NoError(t, json.Unmarshal([]byte(stdout), &out), stdout)
	return out
}

// Issue 20, point 5: a horizon is a span of time whatever unit it is
// written in, and -step sets when value is counted apart from it. For
// every continuous model, 3 years and 36 months value alike, counted by
// month or, by default, at each -unit, a week; with the horizon's unit as
// the step, as before, they differed by 4.6 % at 10 % a year.
func TestCustomersHorizonSpan(t *testing.T) {
	for _, model := range []string{"bgnbd", "mbgnbd", "pnbd"} {
		for _, step := range [][]string{{"-step", "month"}, nil} {
			years := runCustomersJSON(t, append([]string{"-model", model, "-horizon", "3", "-horizon-unit", "year", "-discount", "0.1"}, step...)...)
			months := runCustomersJSON(t, append([]string{"-model", model, "-horizon", "36", "-horizon-unit", "month", "-discount", "0.1"}, step...)...)
			want := "week"
			if step != nil {
				want = "month"
			}
			assert.Equal(t, want, years.Step, model)
			assert.Equal(t, want, months.Step, model)
			assert.True(t, years.Value.Equal(months.Value), "%s, %v: %s and %s", model, step, years.Value, months.Value)
			assert.Equal(t, years.Expected, months.Expected, model)
			require.Len(t, months.Top, len(years.Top))
			for i := range years.Top {
				assert.Equal(t, years.Top[i].ID, months.Top[i].ID, model)
				assert.True(t, years.Top[i].Value.Equal(months.Top[i].Value), model)
			}
		}
	}
	// A coarser step discounts each step's purchases from its later end.
	weekly := runCustomersJSON(t, "-horizon", "3", "-horizon-unit", "year", "-discount", "0.1")
	yearly := runCustomersJSON(t, "-horizon", "3", "-horizon-unit", "year", "-discount", "0.1", "-step", "year")
	assert.True(t, yearly.Value.LessThan(weekly.Value), "%s, %s", yearly.Value, weekly.Value)
	// The same purchases, summed over 157 steps or 3: equal but for the
	// last bits of a float64's rounding.
	assert.InEpsilon(t, weekly.Expected, yearly.Expected, 1e-12)
}

// Issue 20, point 5: the default horizon is a year for every model: 365.25
// days for the continuous ones, 12 calendar months, 4 quarters, a year or
// 52 weeks of opportunities for BG/BB. It was 52 weeks, which BG/BB took
// as 11 whole months.
func TestCustomersDefaultHorizon(t *testing.T) {
	out := runCustomersJSON(t)
	assert.Equal(t, 1, out.Horizon.Length)
	assert.Equal(t, "year", out.Horizon.Period)
	for _, tc := range []struct {
		unit   string
		length int
	}{{"week", 52}, {"month", 12}, {"quarter", 4}} {
		out := runCustomersJSON(t, "-model", "bgbb", "-unit", tc.unit)
		assert.Equal(t, tc.length, out.Horizon.Length, tc.unit)
		assert.Equal(t, tc.unit, out.Horizon.Period)
		assert.Equal(t, tc.unit, out.Step)
	}
	code, stdout, stderr := runArgs(append(sampleCustomers, "-model", "bgbb", "-unit", "week", "-draws", "0")...)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "Value by BG/BB and gamma–gamma over 52 weeks (the nearest to -horizon 1 year), counted each week, ")
	code, stdout, stderr = runArgs(append(sampleCustomers, "-model", "bgbb", "-unit", "month", "-draws", "0")...)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "Value by BG/BB and gamma–gamma over 12 months, counted each month, ")
}

// -step with -model bgbb is its opportunity.
func TestCustomersStepErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"-model", "bgbb", "-unit", "month", "-step", "week"}, "clv customers: -step week: -model bgbb counts value at each opportunity, a month (-unit) (see clv customers -h)\n"},
		{[]string{"-step", "day"}, `clv customers: invalid value "day" for flag -step: `},
	} {
		code, stdout, stderr := runArgs(append(append([]string{}, sampleCustomers...), tc.args...)...)
		assert.Equal(t, 2, code, tc.args)
		assert.Empty(t, stdout)
		assert.True(t, strings.HasPrefix(stderr, tc.msg), "%v: %s", tc.args, stderr)
	}
	code, stdout, stderr := runArgs(append(append([]string{}, sampleCustomers...), "-model", "bgbb", "-unit", "month", "-step", "month", "-draws", "0")...)
	assert.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "counted each month")
}
