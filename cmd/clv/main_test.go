package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/clvkit/clv"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func runArgs(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestExample(t *testing.T) {
	code, out, errOut := runArgs()
	require.Equal(t, 0, code, errOut)
	assert.Empty(t, errOut)
	// A year of 120,000 from 1,500 customers is 80 each, 32 at 40 %
	// margin; 2 % monthly churn is 50 months, 4.17 years. Discounted at
	// 10 % a year (0.797 % a month): 1.00797 / 0.02797 = 36.03 months of
	// 32 / 12, 96.09; retention 0.5 a month over the same, 18.02.
	for _, line := range []string{
		"A worked example: a small online shop. Run clv -h to enter your own figures.",
		"window                   a year: revenue 120000 from 4800 purchases by 1500 customers",
		"lifespan                 churn of 0.02 a month",
		"customer value                  80.00 a year",
		"lifespan                         4.17 years",
		"lifetime value                 333.33 revenue",
		"                               133.33 profit",
		"                                96.09 profit, discounted",
		"retention cost                  18.02 over the lifespan, discounted",
		"net lifetime value              48.07",
		"LTV:CAC                          3.20",
		"payback                          1.15 years",
	} {
		assert.Contains(t, out, line+"\n")
	}
}

func TestExampleWithOptions(t *testing.T) {
	code, out, _ := runArgs("-margin", "1", "-discount", "0", "-scale", "4")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "A worked example")
	assert.Contains(t, out, "333.3333 revenue")
	assert.Contains(t, out, "333.3333 profit\n")
	assert.Contains(t, out, "333.3333 profit, discounted")
}

func TestOwnFiguresJSON(t *testing.T) {
	// Kissmetrics' Starbucks customer: 24.30 a week for 20 years.
	args := []string{"-revenue", "24.30", "-purchases", "1", "-customers", "1", "-window", "week",
		"-lifespan", "20", "-period", "year", "-cac", "100", "-json"}
	code, out, errOut := runArgs(args...)
	require.Equal(t, 0, code, errOut)
	var got clv.Result
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	assert.True(t, got.LifetimeValue.Equal(decimal.NewFromInt(25272)), got.LifetimeValue.String())

	want, err := clv.Calculate(
		clv.Window{Revenue: decimal.RequireFromString("24.30"), Purchases: 1, Customers: 1, Period: clv.Week},
		clv.Lifespan{Length: decimal.NewFromInt(20), Period: clv.Year},
		clv.WithAcquisitionCost(decimal.NewFromInt(100)), clv.WithScale(2))
	require.NoError(t, err)
	assert.True(t, got.Equal(want), "the command adds no arithmetic of its own")
	assert.NotContains(t, out, "worked example")
}

func TestOwnFiguresTable(t *testing.T) {
	code, out, _ := runArgs("-revenue=5000000", "-purchases=500000", "-customers=200000", "-lifespan=1.5")
	require.Equal(t, 0, code)
	assert.NotContains(t, out, "worked example")
	assert.Contains(t, out, "lifespan                 1.5 years\n")
	assert.Contains(t, out, "average purchase value          10.00\n")
	assert.Contains(t, out, "lifetime value                  37.50 revenue\n")
	assert.NotContains(t, out, "LTV:CAC", "no acquisition cost, no ratio")
}

func TestBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-nope"}, "clv: flag provided but not defined: -nope (see clv -h)"},
		{[]string{"-revenue", "abc"}, `clv: invalid value "abc" for flag -revenue`},
		{[]string{"-window", "fortnight"}, `clv: invalid value "fortnight" for flag -window: period: "fortnight": unknown period (see clv -h)`},
		{[]string{"-customers", "3"}, "clv: missing -revenue, -purchases, -lifespan or -churn"},
		{[]string{"-revenue", "1", "-purchases", "1", "-customers", "1"}, "clv: missing -lifespan or -churn"},
		{[]string{"extra"}, `clv: unexpected argument "extra" (see clv -h)`},
		{[]string{"-scale", "31"}, "clv: -scale 31: must be from 0 to 30 (see clv -h)"},
		{[]string{"-scale", "-1"}, "clv: -scale -1: must be from 0 to 30 (see clv -h)"},
		{[]string{"-margin", "1.5"}, "clv: -margin = 1.5: must be at most 1 (see clv -h)"},
		{[]string{"-input", "x.csv", "-cac", "-1"}, "clv: -cac = -1: must not be negative (see clv -h)"},
		{[]string{"-discount", "1e30"}, "clv: -discount = 1e30: out of range: must be below 10^24 in magnitude (see clv -h)"},
		{[]string{"-revenue", "10", "-purchases", "1", "-customers", "2", "-churn", "0.1"},
			"clv: window: purchases = 1 < customers = 2: inconsistent"},
		{[]string{"-revenue", "10", "-purchases", "1", "-customers", "1", "-churn", "0.1", "-lifespan", "3"},
			"clv: lifespan: length and churn rate both set: inconsistent"},
		// a churn of 0 loses no customer: a lifespan without end
		{[]string{"-churn", "0"}, "clv: -churn 0: a churn rate of 0 loses no customer, so the lifespan, and the lifetime value, would be unbounded: give a churn rate above 0, or a -lifespan (see clv -h)"},
		{[]string{"-revenue", "10", "-purchases", "1", "-customers", "1", "-churn", "0", "-period", "month"},
			"clv: -churn 0: a churn rate of 0 loses no customer, so the lifespan"},
		{[]string{"-revenue", "10", "-purchases", "1", "-customers", "1", "-churn", "0.000", "-lifespan", "3"}, "clv: -churn 0: a churn rate of 0"},
	} {
		code, out, errOut := runArgs(tc.args...)
		assert.Equal(t, 2, code, tc.args)
		assert.Empty(t, out, tc.args)
		assert.True(t, strings.HasPrefix(errOut, tc.want), "%v: %q", tc.args, errOut)
		assert.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %q", errOut)
	}
}

func TestHelp(t *testing.T) {
	code, out, errOut := runArgs("-h")
	assert.Equal(t, 0, code)
	assert.Empty(t, errOut)
	assert.True(t, strings.HasPrefix(out, "Usage: clv [flags]"))
	for _, flag := range []string{"-revenue", "-purchases", "-customers", "-window", "-lifespan", "-churn", "-period",
		"-margin", "-discount", "-discount-period", "-cac", "-retention-cost", "-retention-period", "-scale", "-json"} {
		assert.Regexp(t, "\n  "+flag+"( |\n)", out)
	}
}
