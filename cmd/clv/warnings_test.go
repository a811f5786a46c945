package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// customersJSON is what the tests of warnings read of clv customers
// -json.
type customersJSON struct {
	Totals struct {
		First string `json:"first"`
		Last  string `json:"last"`
	} `json:"totals"`
	Warnings []string `json:"warnings"`
}

func parseCustomersJSON(t *testing.T, stdout string) customersJSON {
	t.Helper()
	var out customersJSON
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
	assert.Contains(t, stdout, "\nThe log runs from 2024-01-02 to 2025-12-31 (UTC).\n")
	code, stdout, stderr = runArgs(append(sampleCustomers, "-draws", "0", "-json")...)
	require.Equal(t, 0, code, stderr)
	out := parseCustomersJSON(t, stdout)
	assert.Equal(t, "2024-01-02T00:00:00Z", out.Totals.First)
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
		assert.Contains(t, stdout, "The log runs from 2024-01-02 to 2025-12-31 (UTC).\n", c.args)
		code, stdout, _ = runArgs(append(args, "-json")...)
		require.Equal(t, 0, code)
		assert.Equal(t, []string{c.want}, parseCustomersJSON(t, stdout).Warnings, c.args)
	}
	// The holdout's table says where its actual purchases stop.
	_, stdout, _ = runArgs("customers", "-input", samplePath, "-draws", "0", "-calibration-end", "2025-06-30", "-holdout-end", "2026-06-30")
	assert.Contains(t, stdout, "Holdout of 52.14 weeks to 2026-06-30, BG/NBD: purchases by calibration frequency (the log ends on 2025-12-31: actual purchases stop there)\n")

	// Before the first day there is nobody to model: the warning says why.
	code, stdout, stderr = runArgs("customers", "-input", samplePath, "-calibration-end", "2023-06-30")
	assert.Equal(t, 1, code)
	assert.Empty(t, stdout)
	assert.Regexp(t, "^clv customers: warning: -calibration-end 2023-06-30 is before the log's first day, 2024-01-02: no customer had bought by then\n"+
		"clv customers: "+samplePath+": fit BG/NBD: .+\n$", stderr)
}
