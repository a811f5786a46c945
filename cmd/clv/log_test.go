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
		": 10 lines: the header, 8 purchases, 1 refunds, 0 blank, 0 skipped as malformed.",
		"2024-01    all                  170.00         3       0         2      2         0      0        -",
		"2024-02    store                  0.00         0       0         0      0         0      1   1.0000",
		"2024-03    all                   70.00         2       1         2      1         1      1   0.5000",
		"2024-04    web                   10.00         1       0         1      0         1      1   1.0000",
		// web: 3 lost of 4 previous customers is a churn of 3/4 a month,
		// 1.33 months; its last window is 10 from one customer.
		"web             100.0%        10.00         1.33          13.33          13.33        13.33",
		`no lifetime value for segment "store": window: revenue = -10: must not be negative`,
	} {
		assert.Contains(t, out, line)
	}
}

func TestLogJSON(t *testing.T) {
	code, out, errOut := runArgs("-input", writeLog(t, handLog), "-json", "-window", "quarter")
	require.Equal(t, 0, code, errOut)
	var r struct {
		Lines   logStats
		Summary clv.Summary
		CLV     *clv.SegmentReport
	}
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	assert.Equal(t, logStats{Lines: 10, Purchases: 8, Refunds: 1}, r.Lines)
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
		{"too few fields", header + good + "a,2024-01-02\n", "line 3: 2 fields, where the header has 4", nil},
		{"bare quote", header + good + "a\"b,2024-01-02,1,web\n", "line 3: field 1: a quote in a field that is not quoted", nil},
		{"open quote", header + good + "\"a,2024-01-02,1,web\n" + good, "line 3: a quoted field is not closed by the end of the line", nil},
		{"after a quote", header + good + "\"a\"b,2024-01-02,1,web\n", "line 3: field 1: text after the closing quote", nil},
		{"empty customer", header + good + ",2024-01-02,1,web\n", "line 3: customer: empty", nil},
		{"bad date", header + good + "a,02/01/2024,1,web\n", `line 3: time "02/01/2024": not RFC 3339, YYYY-MM-DD or YYYYMMDD`, nil},
		{"no such day", header + good + "a,2024-02-30,1,web\n", `line 3: time "2024-02-30": not RFC 3339`, nil},
		{"no such compact day", header + good + "a,20241301,1,web\n", `line 3: time "20241301": not RFC 3339`, nil},
		{"year 0", header + good + "a,0000-06-01,1,web\n", "line 3: purchase: time = 0000-06-01T00:00:00Z: out of range: the year must be from 1 to 9999", nil},
		{"the zero time", header + good + "a,0001-01-01,1,web\n", `line 3: time "0001-01-01": out of range: 0001-01-01T00:00:00Z is Go's zero time`, nil},
		{"bad amount", header + good + "a,2024-01-02,1.2.3,web\n", `line 3: amount "1.2.3": not a decimal number`, nil},
		{"empty amount", header + good + "a,2024-01-02,,web\n", `line 3: amount "": not a decimal number`, nil},
		{"amount out of range", header + good + "a,2024-01-02,1e30,web\n", `line 3: amount "1e30": out of range: must be below 10^24 in magnitude`, nil},
		{"huge exponent", header + good + "a,2024-01-02,1e2000000000,web\n", `line 3: amount "1e2000000000": out of range: must be below 10^24 in magnitude`, nil},
		{"tiny exponent", header + good + "a,2024-01-02,1e-2000000000,web\n", `line 3: amount "1e-2000000000": out of range: at most 30 decimal places`, nil},
		{"too many places", header + good + "a,2024-01-02,0.1234567890123456789012345678901,web\n", `line 3: amount "0.123456789012345678901234567890"…: out of range: at most 30 decimal places`, nil},
		{"long amount", header + good + "a,2024-01-02," + strings.Repeat("9", 4<<20) + ",web\n", `line 3: longer than 65536 bytes`, nil},
		{"long amount field", header + good + "a,2024-01-02," + strings.Repeat("9", 100) + ",web\n", `line 3: amount "99999999999999999999999999999999"…: longer than 64 bytes`, nil},
		{"long id", header + good + strings.Repeat("x", 300) + ",2024-01-02,1,web\n", `line 3: purchase: customer = "xxxxxxxxxxxxxxxxxxxx"…: out of range: longer than 256 bytes`, nil},
		{"long segment", header + good + "a,2024-01-02,1," + strings.Repeat("s", 2<<20) + "\n", `line 3: longer than 65536 bytes`, nil},
		{"long time", header + good + "a," + strings.Repeat("2", 80) + ",1,web\n", `line 3: time "22222222222222222222222222222222"…: longer than 64 bytes`, nil},
		{"column twice", "customer_id,date,amount,amount\n" + good, `header: columns 3 and 4 are both named "amount"`, nil},
		{"long header", strings.Repeat("h", 1<<17) + "\n", "header: longer than 65536 bytes", nil},
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
		"\n" +
		"b,2024-02-01\n" +
		"b,2024-02-01,2\n" +
		"\"c,2024-02-01,3\n" + // a quote left open: the next line is read afresh
		"c,2024-02-02,-1\n"
	code, out, errOut := runArgs("-input", writeLog(t, text), "-skip-bad")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, ": 10 lines: the header, 2 purchases, 1 refunds, 1 blank, 5 skipped as malformed.")
	for _, reason := range []string{
		`skipped line 3: time "2024-13-01": not RFC 3339, YYYY-MM-DD or YYYYMMDD`,
		"skipped line 4: customer: empty",
		`skipped line 5: amount "x": not a decimal number`,
		"skipped line 7: 2 fields, where the header has 3",
		"skipped line 9: a quoted field is not closed by the end of the line (a field may not hold a line break)",
	} {
		assert.Contains(t, errOut, reason+"\n")
	}
}

// A stray quote once swallowed the rest of a file under -skip-bad: the
// accounting always adds up to the file's lines, and an error names the
// line it is on, not the end of the file.
func TestLogStrayQuote(t *testing.T) {
	var b strings.Builder
	b.WriteString("customer_id,date,amount\na,2024-01-01,1\n\"b,2024-01-01,1\n")
	for i := range 1000 {
		fmt.Fprintf(&b, "c%d,2024-01-%02d,1\n", i, 1+i%28)
	}
	path := writeLog(t, b.String())
	code, out, errOut := runArgs("-input", path, "-skip-bad")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, ": 1003 lines: the header, 1001 purchases, 0 refunds, 0 blank, 1 skipped as malformed.")
	code, _, errOut = runArgs("-input", path)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, ": line 3: a quoted field is not closed")
}

// Memory and time stay bounded whatever the input: a line with no end is
// refused at its first 64 KiB, and a field of megabytes at once.
func TestLogBounded(t *testing.T) {
	code, _, errOut := runArgs("-input", "/dev/zero")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "header: longer than 65536 bytes")

	// A 4 MB amount, skipped, and the lines after it still read.
	text := "customer_id,date,amount\n" + "a,2024-01-01," + strings.Repeat("1", 4<<20) + "\n" + "b,2024-01-02,5\n"
	code, out, errOut := runArgs("-input", writeLog(t, text), "-skip-bad")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, ": 3 lines: the header, 1 purchases, 0 refunds, 0 blank, 1 skipped as malformed.")
	assert.Less(t, len(errOut), 200, "messages quote a few dozen bytes: %q", errOut)
}

// Headers and values are read the same way: a byte order mark before a
// quoted header, spaces around values, CRLF line ends.
func TestLogLenient(t *testing.T) {
	text := "\ufeff\"customer_id\",\"date\",\"amount\"\r\n" +
		"a, 2024-01-01 , 1.50\r\n" +
		"\"b, the second\",2024-01-02,\"2\"\r\n" +
		" \"c \"\"q\"\"\" ,2024-01-03,3\r\n"
	acc, _ := clv.NewAccumulator(clv.Month)
	stats, err := readLog(strings.NewReader(text), defaultColumns, acc, false, nil)
	require.NoError(t, err)
	assert.Equal(t, logStats{Lines: 4, Purchases: 3}, stats)
	s := acc.Summary()
	assert.True(t, s.Revenue.Equal(dec("6.5")), s.Revenue.String())
	assert.Equal(t, int64(3), s.Customers)
}

// A log with nothing in it to summarise says so and fails.
func TestLogNothing(t *testing.T) {
	for _, text := range []string{
		"customer_id,date,amount\n",
		"customer_id,date,amount\n\n\n",
		"customer_id,date,amount\n,2024-01-01,1\nb,x,1\n",
	} {
		code, out, errOut := runArgs("-input", writeLog(t, text), "-skip-bad")
		assert.Equal(t, 1, code, text)
		assert.Empty(t, out)
		assert.Contains(t, errOut, "nothing to summarise: ", text)
	}
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
		"19.99": "19.99", "-5": "-5", "+5": "5", "0": "0", ".5": "0.5", "1.": "1", "007": "7", "-0": "0",
		"123456789012345678": "123456789012345678", "1234567890123456789.5": "1234567890123456789.5",
		"1e3": "1000", "2.5E-2": "0.025", "-0.000000000000000000001": "-0.000000000000000000001",
		"0e2000000000": "0", "100e-32": "0.000000000000000000000000000001", "999999999999999999999999": "999999999999999999999999",
		"0.10000000000000000000000000000000000000": "0.1",
	} {
		got, err := parseAmount([]byte(in))
		require.NoError(t, err, in)
		assert.True(t, got.decimal().Equal(dec(want)), "%s: got %s, want %s", in, got.decimal(), want)
		assert.Equal(t, dec(want).IsNegative(), got.negative(), in)
	}
	for _, in := range []string{"", "-", ".", "1.2.3", "1,000", "12a", "--1", "1e", "1e+", "e5", "0x10", "1e3.5", "Inf", "NaN"} {
		_, err := parseAmount([]byte(in))
		assert.ErrorContains(t, err, "not a decimal number", in)
	}
	for _, in := range []string{"1e24", "1000000000000000000000000", "1e-31", "1e2000000000", "-1e-2000000000", "1e999999999999999999999"} {
		_, err := parseAmount([]byte(in))
		assert.ErrorContains(t, err, "out of range", in)
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
		if err != nil || stats.Lines != 1_000_001 {
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
	assert.Equal(t, int64(progressEvery+6), stats.Lines)
	assert.Equal(t, fmt.Sprintf("\rclv: read %d lines\rclv: read %d lines\n", progressEvery, progressEvery+6), progress.String())
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

// FuzzReadLog reads any bytes as a log, with and without -skip-bad: never
// a panic, every line accounted for, and an error that names a line
// within the file.
func FuzzReadLog(f *testing.F) {
	f.Add([]byte(handLog), false)
	f.Add([]byte("customer_id,date,amount\na,2024-01-01,1\n\"b,2024-01-01,1\nc, 2024-01-02 ,\"2\"\r\n"), true)
	f.Add([]byte("\ufeff\"customer_id\",date,amount,segment\n\n,,,\na,20240101,1e-31,\"x\"\"y\"\n"), true)
	f.Add([]byte("customer_id,date,amount,amount\n"), false)
	f.Fuzz(func(t *testing.T, data []byte, skipBad bool) {
		acc, _ := clv.NewAccumulator(clv.Month)
		stats, err := readLog(bytes.NewReader(data), defaultColumns, acc, skipBad, nil)
		lines := int64(bytes.Count(data, []byte("\n")))
		if len(data) > 0 && data[len(data)-1] != '\n' {
			lines++
		}
		if err != nil {
			if strings.HasPrefix(err.Error(), "line ") {
				var n int64
				_, scan := fmt.Sscanf(err.Error(), "line %d:", &n)
				if scan != nil || n < 2 || n > lines {
					t.Fatalf("%q: error %v names no line of %d", data, err, lines)
				}
			}
			return
		}
		if got := 1 + stats.Purchases + stats.Refunds + stats.Blank + stats.Skipped; got != lines || stats.Lines != lines {
			t.Fatalf("%q: %+v accounts for %d of %d lines", data, stats, got, lines)
		}
		if s := acc.Summary(); s.Purchases != stats.Purchases || s.Refunds != stats.Refunds {
			t.Fatalf("%q: summary %d purchases, %d refunds; read %+v", data, s.Purchases, s.Refunds, stats)
		}
	})
}
