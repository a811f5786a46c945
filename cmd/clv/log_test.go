package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clvkit/clv"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// handLog is the log of the library's hand-checked test, as CSV, with each
// date format.
const handLog = `customer_id,date,amount,segment
alice,2024-01-05,100.00,web
bob,2024-01-20,50.00,store
alice,2024-01-25,20.00,web
alice,20240210,30.00,web
bob,2024-03-01,-50.00,store
carol,2024-02-29T23:59:59Z,0,web
dave,2024-03-15,80.00,web
carol,2024-03-02,40.00,store
alice,2024-03-31T23:00:00-02:00,10.00,web
`

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func writeLog(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "log.csv")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
	return path
}

func TestLog(t *testing.T) {
	code, out, errOut := runArgs("-input", writeLog(t, handLog))
	require.Equal(t, 0, code, errOut)
	for _, line := range []string{
		": 9 rows: purchases 8, refunds 1, skipped as malformed 0.",
		"2024-01    all                  170.00         3       0         2      2         0      0        -",
		"2024-02    store                  0.00         0       0         0      0         0      1   1.0000",
		"2024-03    all                   70.00         2       1         2      1         1      1   0.5000",
		"2024-04    web                   10.00         1       0         1      0         1      1   1.0000",
		// web: 3 lost of 4 previous customers is a churn of 3/4 a month,
		// 1.33 months; its last window is 10 from one customer.
		"web             100.0%        10.00         1.33          13.33          13.33        13.33",
		"segment store: no lifetime value: window: revenue = -10: must not be negative",
	} {
		assert.Contains(t, out, line)
	}
}

func TestLogJSON(t *testing.T) {
	code, out, errOut := runArgs("-input", writeLog(t, handLog), "-json", "-window", "quarter")
	require.Equal(t, 0, code, errOut)
	var r struct {
		Rows    logStats
		Summary clv.Summary
		CLV     *clv.SegmentReport
	}
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	assert.Equal(t, logStats{Rows: 9, Purchases: 8, Refunds: 1}, r.Rows)
	assert.Equal(t, clv.Quarter, r.Summary.Period)
	require.Len(t, r.Summary.Windows, 2) // Q1 and Q2
	assert.True(t, r.Summary.Windows[0].Revenue.Equal(dec("270")), "Q1 revenue %s", r.Summary.Windows[0].Revenue)
	// Both of store's customers of the first quarter are gone in the
	// second; two of web's three are.
	require.NotNil(t, r.CLV)
	require.Len(t, r.CLV.Segments, 2)
	assert.True(t, r.CLV.Segments[0].Result.Lifespan.Equal(dec("1")), "store lifespan %s", r.CLV.Segments[0].Result.Lifespan)
	assert.True(t, r.CLV.Segments[1].Result.Lifespan.Equal(dec("1.5")), "web lifespan %s", r.CLV.Segments[1].Result.Lifespan)
}

func TestLogColumns(t *testing.T) {
	path := writeLog(t, "Client,Day,Paid,Plan\nx,2024-01-01,5,a\nx,2024-02-01,5,a\ny,2024-01-01,5,b\n")
	code, out, errOut := runArgs("-input", path, "-customer-column", "Client", "-time-column", "Day", "-amount-column", "Paid", "-segment-column", "Plan")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "2024-02    b                      0.00         0       0         0      0         0      1   1.0000")
}

func TestLogErrors(t *testing.T) {
	header := "customer_id,date,amount,segment\n"
	good := "a,2024-01-01,1.00,web\n"
	cases := []struct {
		name, text, msg string
		extra           []string
	}{
		{"empty file", "", "the log is empty: it needs a header line", nil},
		{"no amount column", "customer_id,date,segment\n", `the header has no column "amount" (name it with -amount-column)`, nil},
		{"missing segment column asked for", header, `the header has no column "plan" (name it with -segment-column)`, []string{"-segment-column", "plan"}},
		{"too few fields", header + good + "a,2024-01-02\n", "line 3: wrong number of fields", nil},
		{"bare quote", header + good + "a\"b,2024-01-02,1,web\n", "line 3: bare \" in non-quoted-field", nil},
		{"empty customer", header + good + ",2024-01-02,1,web\n", "line 3: customer: empty", nil},
		{"bad date", header + good + "a,02/01/2024,1,web\n", `line 3: time "02/01/2024": not RFC 3339, YYYY-MM-DD or YYYYMMDD`, nil},
		{"no such day", header + good + "a,2024-02-30,1,web\n", `line 3: time "2024-02-30": not RFC 3339`, nil},
		{"no such compact day", header + good + "a,20241301,1,web\n", `line 3: time "20241301": not RFC 3339`, nil},
		{"year 0", header + good + "a,0000-06-01,1,web\n", "line 3: purchase: time = ", nil},
		{"bad amount", header + good + "a,2024-01-02,1.2.3,web\n", `line 3: amount "1.2.3": not a decimal number`, nil},
		{"empty amount", header + good + "a,2024-01-02,,web\n", `line 3: amount "": not a decimal number`, nil},
		{"amount out of range", header + good + "a,2024-01-02,1e30,web\n", "line 3: purchase: amount: out of range", nil},
		{"span", header + good + "a,2190-01-02,1,web\n", "line 3: purchase: time = 2190-01-02T00:00:00Z: out of range: the log would span more than 1000 months", nil},
		{"no file", "", "open ", []string{"-input", "/nonexistent/log.csv"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"-input", writeLog(t, tc.text)}, tc.extra...)
			code, out, errOut := runArgs(args...)
			assert.Equal(t, 2, code)
			assert.Empty(t, out)
			assert.True(t, strings.HasPrefix(errOut, "clv: "), errOut)
			assert.Contains(t, errOut, tc.msg)
			assert.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %q", errOut)
		})
	}
}

func TestLogSkipBad(t *testing.T) {
	text := "customer_id,date,amount\n" +
		"a,2024-01-01,1\n" +
		"a,2024-13-01,1\n" + // no such month
		",2024-01-01,1\n" +
		"b,2024-02-01,x\n" +
		"b,2024-02-01\n" +
		"b,2024-02-01,2\n"
	code, out, errOut := runArgs("-input", writeLog(t, text), "-skip-bad")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, ": 6 rows: purchases 2, refunds 0, skipped as malformed 4.")
}

func TestLogConflicts(t *testing.T) {
	path := writeLog(t, handLog)
	for _, flag := range []string{"-revenue", "-purchases", "-customers", "-lifespan", "-churn", "-period"} {
		value := map[string]string{"-period": "month"}[flag]
		if value == "" {
			value = "1"
		}
		code, _, errOut := runArgs("-input", path, flag, value)
		assert.Equal(t, 2, code, flag)
		assert.Contains(t, errOut, flag+": the log ", flag)
	}
}

func TestParseAmount(t *testing.T) {
	for in, want := range map[string]string{
		"19.99": "19.99", "-5": "-5", "0": "0", ".5": "0.5", "1.": "1", "007": "7",
		"123456789012345678": "123456789012345678", "1234567890123456789.5": "1234567890123456789.5",
		"1e3": "1000", "-0.000000000000000000001": "-0.000000000000000000001",
	} {
		got, err := parseAmount(in)
		require.NoError(t, err, in)
		assert.True(t, got.Equal(dec(want)), "%s: got %s, want %s", in, got, want)
	}
	for _, in := range []string{"", "-", ".", "1.2.3", "1,000", "12a", "--1"} {
		_, err := parseAmount(in)
		assert.Error(t, err, in)
	}
}

// BenchmarkReadLog reads a CSV log of 1,000,000 rows from memory, 100,000
// customers in 4 segments, and reports rows a second.
func BenchmarkReadLog(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString("customer_id,date,amount,segment\n")
	for i := range 1_000_000 {
		fmt.Fprintf(&buf, "cus_%06d,2024-%02d-%02d,%d.%02d,%s\n", i*7919%100_000, 1+i%12, 1+i%28, i%500, i%100, []string{"web", "app", "store", "phone"}[i%4])
	}
	data := buf.Bytes()
	b.ReportAllocs()
	for b.Loop() {
		acc, _ := clv.NewAccumulator(clv.Month)
		stats, err := readLog(bytes.NewReader(data), defaultColumns, acc, false, nil)
		if err != nil || stats.Rows != 1_000_000 {
			b.Fatal(stats, err)
		}
	}
	b.ReportMetric(float64(b.N)*1_000_000/b.Elapsed().Seconds(), "rows/s")
}

func TestLogProgress(t *testing.T) {
	var log, progress bytes.Buffer
	log.WriteString("customer_id,date,amount\n")
	for i := range progressEvery + 5 {
		fmt.Fprintf(&log, "c%d,2024-01-01,1\n", i%1000)
	}
	acc, _ := clv.NewAccumulator(clv.Month)
	stats, err := readLog(&log, defaultColumns, acc, false, &progress)
	require.NoError(t, err)
	assert.Equal(t, int64(progressEvery+5), stats.Rows)
	assert.Equal(t, fmt.Sprintf("\rclv: read %d rows\rclv: read %d rows\n", progressEvery, progressEvery+5), progress.String())
	assert.False(t, isTerminal(&progress))
	f, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	require.NoError(t, err)
	defer f.Close()
	assert.False(t, isTerminal(f), "a file is no terminal")
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		defer tty.Close()
		assert.True(t, isTerminal(tty))
	}
}
