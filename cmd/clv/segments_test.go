package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/internal/logcsv"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The table of segments sets the models' value of each segment, totalled
// here from each customer's value and segment, beside the business
// formulas' lifetime value of it, which is clv -input's at the same
// window, margin and discount, to the digit.
func TestSegmentValues(t *testing.T) {
	args := append(append([]string{}, sampleCustomers...), "-margin", "0.4", "-discount", "0.1", "-draws", "0", "-json")
	code, stdout, stderr := runArgs(args...)
	require.Equal(t, 0, code, stderr)
	var got struct {
		Totals   struct{ Customers int64 }
		Value    decimal.Decimal
		Segments segmentTable `json:"segment_values"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &got))
	table := got.Segments
	assert.Equal(t, clv.Month, table.Window)
	require.Len(t, table.Segments, 3)

	// The models' side, from the library: each customer's segment and
	// value, summed by hand.
	in := customerInputs{input: samplePath, columns: logcsv.DefaultColumns, workers: 1, unit: clv.Week, step: clv.Week,
		horizon: 1, horizonUnit: clv.Year, model: "bgnbd", scale: 2, margin: decimal.RequireFromString("0.4"),
		discount: decimal.RequireFromString("0.1"), discountPeriod: clv.Year,
		calibrationEnd: time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC), holdoutEnd: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)}
	s, _, _, code := in.read(io.Discard)
	require.Equal(t, 0, code)
	r, err := model(s, in)
	require.NoError(t, err)
	value, customers, repeat := map[string]decimal.Decimal{}, map[string]int64{}, map[string]int64{}
	for i, c := range r.base.Customers {
		value[c.Segment] = value[c.Segment].Add(r.valuation.Customers[i].Value)
		customers[c.Segment]++
		if c.X > 0 {
			repeat[c.Segment]++
		}
	}
	total := decimal.Zero
	for _, row := range table.Segments {
		m := row.Models
		require.NotNil(t, m, row.Segment)
		assert.True(t, value[row.Segment].Equal(m.Value), "%s: %s, %s", row.Segment, value[row.Segment], m.Value)
		assert.Equal(t, customers[row.Segment], m.Customers, row.Segment)
		assert.Equal(t, repeat[row.Segment], m.RepeatBuyers, row.Segment)
		assert.True(t, m.Value.DivRound(decimal.NewFromInt(m.Customers), 2).Equal(m.ValuePerCustomer), row.Segment)
		total = total.Add(m.Value)
	}
	assert.Equal(t, []string{"app", "store", "web"}, []string{table.Segments[0].Segment, table.Segments[1].Segment, table.Segments[2].Segment})
	assert.Equal(t, got.Totals.Customers, table.Blended.Models.Customers)
	assert.True(t, total.Equal(table.Blended.Models.Value))
	// The sum of rounded values and the rounded sum differ by less than
	// half a cent a customer.
	assert.True(t, total.Sub(got.Value).Abs().LessThan(decimal.New(got.Totals.Customers, -2).Div(decimal.NewFromInt(2))))

	// The formulas' side: clv -input's.
	code, stdout, stderr = runArgs("-input", samplePath, "-window", "month", "-margin", "0.4", "-discount", "0.1", "-json")
	require.Equal(t, 0, code, stderr)
	var log logReport
	require.NoError(t, json.Unmarshal([]byte(stdout), &log))
	require.NotNil(t, log.CLV)
	require.Len(t, log.CLV.Segments, 3)
	for i, seg := range log.CLV.Segments {
		f := table.Segments[i].Formulas
		require.NotNil(t, f, seg.Name)
		assert.Equal(t, seg.Name, table.Segments[i].Segment)
		assert.True(t, seg.Result.Equal(f.Result), seg.Name)
	}
	assert.True(t, log.CLV.Blended.Equal(table.Blended.Formulas.Result))
	assert.Equal(t, log.CLV.Total.Customers, table.Blended.Formulas.Customers)
	assert.Equal(t, "70.13", table.Segments[0].Formulas.Result.DiscountedLifetimeValue.StringFixed(2), "app, as clv -input prints it")
}

// The table prints where the log names segments, and not where it does
// not; -window sets the formulas' window.
func TestSegmentTablePrinted(t *testing.T) {
	code, stdout, stderr := runArgs(append(append([]string{}, sampleCustomers...), "-draws", "0", "-window", "quarter")...)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "Value by segment, by BG/NBD and by the business formulas, at a gross margin of 1:\n")
	assert.Contains(t, stdout, "| the business formulas, by quarter\n")
	assert.Regexp(t, `\napp +\| +106 +93 +0\.511 +429\.9 +19576\.55 +184\.68 \| `, stdout)
	assert.Contains(t, stdout, "as clv -input -window quarter prices it")

	// The sample log without its segment column.
	data, err := os.ReadFile(samplePath)
	require.NoError(t, err)
	plain := filepath.Join(t.TempDir(), "plain.csv")
	var lines []byte
	for _, line := range splitLines(data) {
		cut := len(line)
		for k := len(line) - 1; k >= 0; k-- {
			if line[k] == ',' {
				cut = k
				break
			}
		}
		lines = append(append(lines, line[:cut]...), '\n')
	}
	require.NoError(t, os.WriteFile(plain, lines, 0o644))
	code, stdout, stderr = runArgs("customers", "-input", plain, "-calibration-end", "2025-06-30", "-draws", "0", "-json")
	require.Equal(t, 0, code, stderr)
	assert.NotContains(t, stdout, "segment_values")
	code, stdout, stderr = runArgs("customers", "-input", plain, "-calibration-end", "2025-06-30", "-draws", "0")
	require.Equal(t, 0, code, stderr)
	assert.NotContains(t, stdout, "Value by segment")
}

// splitLines returns the lines of data without their newlines.
func splitLines(data []byte) [][]byte {
	var lines [][]byte
	for len(data) > 0 {
		i := 0
		for i < len(data) && data[i] != '\n' {
			i++
		}
		lines = append(lines, data[:i])
		data = data[min(i+1, len(data)):]
	}
	return lines
}

// A log of more segments than the Accumulator takes loses the business
// formulas' side, with a note saying why, and keeps the models' value of
// each segment, whatever the workers: the sample log, its rows in 300
// segments.
func TestSegmentTableBeyondTheFormulas(t *testing.T) {
	data, err := os.ReadFile(samplePath)
	require.NoError(t, err)
	var b []byte
	for i, line := range splitLines(data) {
		if i == 0 {
			b = append(append(b, line...), '\n')
			continue
		}
		cut := strings.LastIndexByte(string(line), ',')
		b = fmt.Appendf(b, "%s,s%03d\n", line[:cut], i%300)
	}
	path := filepath.Join(t.TempDir(), "many.csv")
	require.NoError(t, os.WriteFile(path, b, 0o644))
	var first string
	for _, workers := range []string{"1", "2"} {
		code, stdout, stderr := runArgs("customers", "-input", path, "-calibration-end", "2025-06-30", "-draws", "0", "-workers", workers, "-json")
		require.Equal(t, 0, code, stderr)
		var got struct {
			Segments segmentTable `json:"segment_values"`
		}
		require.NoError(t, json.Unmarshal([]byte(stdout), &got))
		table := got.Segments
		require.Greater(t, len(table.Segments), 100)
		var customers int64
		for _, row := range table.Segments {
			require.NotNil(t, row.Models, row.Segment)
			assert.Nil(t, row.Formulas, row.Segment)
			customers += row.Models.Customers
		}
		assert.Nil(t, table.Blended.Formulas)
		assert.Equal(t, int64(311), customers)
		assert.Equal(t, int64(311), table.Blended.Models.Customers)
		assert.Equal(t, []string{"no business-formula lifetime value, beyond the limits of a log's windows: more than 256 segments"}, table.Notes)
		if first == "" {
			first = stdout
		}
		assert.Equal(t, first, stdout, "the same whatever the workers")
	}
}
