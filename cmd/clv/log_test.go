package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/internal/logcsv"
	"github.com/clvkit/clv/internal/orderlog"
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
		"The log runs from 2024-01-05 to 2024-04-01 (UTC).",
		// The log starts on the 5th of January and ends on the 1st of
		// April, in UTC: both months are partial, and marked.
		"2024-01*   all                  170.00         3       0         2      2         0      0        -",
		"2024-02    store                  0.00         0       0         0      0         0      1   1.0000",
		"2024-03    all                   70.00         2       1         2      1         1      1   0.5000",
		"2024-04*   web                   10.00         1       0         1      0         1      1   1.0000",
		"* partial: the log does not cover the whole month.",
		// web without April: 2 lost of 3 previous customers is a churn of
		// 2/3 a month, 1.5 months; its last whole window is 80 from one
		// customer.
		"web             100.0%        80.00         1.50         120.00         120.00       120.00",
		`no lifetime value for segment "store": window: revenue = -10: must not be negative`,
	} {
		assert.Contains(t, out, line)
	}
	assert.Equal(t, "clv: warning: the last month, 2024-04, is partial: the log ends on 2024-04-01; it is left out of churn and of the value per month, which come from the months before it\n", errOut)
}

// Cut at 2025-12-03, the sample log's December is partial: marked, left
// out of churn and of the value per month, and warned of. Before, it
// gave a December churn of 0.88 and nearly doubled the app segment's
// value per month.
func TestLogPartialLastWindow(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "orders.csv"))
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	cutAt := func(day string) string {
		var cut []string
		for _, l := range lines {
			if f := strings.Split(l, ","); len(cut) == 0 || f[1] <= day {
				cut = append(cut, l)
			}
		}
		return writeLog(t, strings.Join(cut, "\n")+"\n")
	}
	whole, part, november := writeLog(t, strings.Join(lines, "\n")+"\n"), cutAt("2025-12-03"), cutAt("2025-11-30")
	value := func(path string) (map[string]string, string, string) {
		code, out, errOut := runArgs("-input", path, "-window", "month", "-json")
		require.Equal(t, 0, code, errOut)
		var r struct {
			Summary  clv.Summary
			CLV      *clv.SegmentReport
			Warnings []string
		}
		require.NoError(t, json.Unmarshal([]byte(out), &r))
		require.NotNil(t, r.CLV)
		perMonth := map[string]string{}
		for _, s := range r.CLV.Segments {
			perMonth[s.Name] = s.Result.CustomerValue.String()
		}
		n := len(r.Summary.Windows)
		assert.Equal(t, len(r.Warnings) > 0, r.Summary.Windows[n-1].Partial)
		return perMonth, strings.Join(r.Warnings, "\n"), errOut
	}
	_, wholeWarnings, _ := value(whole)
	partValue, partWarnings, stderr := value(part)
	novemberValue, _, _ := value(november)
	assert.Empty(t, wholeWarnings)
	assert.Contains(t, partWarnings, "the last month, 2025-12, is partial: the log ends on 2025-12-03")
	assert.Contains(t, stderr, "clv: warning: the last month, 2025-12, is partial")
	// Without December, priced and measured as the log to November's end.
	assert.Equal(t, novemberValue, partValue)
	code, out, _ := runArgs("-input", part, "-window", "month")
	require.Equal(t, 0, code)
	assert.Regexp(t, `\n2025-12\* +all `, out)
}

func TestLogJSON(t *testing.T) {
	code, out, errOut := runArgs("-input", writeLog(t, handLog), "-json", "-window", "quarter")
	require.Equal(t, 0, code, errOut)
	var r struct {
		Lines    logStats
		Summary  clv.Summary
		CLV      *clv.SegmentReport
		Notes    []string
		Warnings []string
	}
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	assert.Equal(t, logStats{Lines: 10, Purchases: 8, Refunds: 1}, r.Lines)
	assert.Equal(t, clv.Quarter, r.Summary.Period)
	require.Len(t, r.Summary.Windows, 2) // Q1 and Q2
	assert.True(t, r.Summary.Windows[0].Revenue.Equal(dec("270")), "Q1 revenue %s", r.Summary.Windows[0].Revenue)
	// The log ends on the first day of Q2: a partial quarter, left out,
	// which leaves one quarter, whose churn cannot be measured.
	assert.True(t, r.Summary.Windows[1].Partial)
	assert.Equal(t, []string{"the last quarter, 2024-Q2, is partial: the log ends on 2024-04-01; it is left out of churn and of the value per quarter, which come from the quarters before it"}, r.Warnings)
	assert.Nil(t, r.CLV)
	require.Len(t, r.Notes, 2)
	assert.Contains(t, r.Notes[0], `no lifetime value for segment "store": churn cannot be measured`)

	// Up to the end of Q2, both quarters are whole: both of store's
	// customers of the first quarter are gone in the second; two of
	// web's three are.
	code, out, errOut = runArgs("-input", writeLog(t, handLog+"erin,2024-06-30,5.00,web\n"), "-json", "-window", "quarter")
	require.Equal(t, 0, code, errOut)
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	assert.False(t, r.Summary.Windows[1].Partial)
	assert.Empty(t, r.Warnings)
	require.NotNil(t, r.CLV)
	require.Len(t, r.CLV.Segments, 2)
	assert.True(t, r.CLV.Segments[0].Result.Lifespan.Equal(dec("1")), "store lifespan %s", r.CLV.Segments[0].Result.Lifespan)
	assert.True(t, r.CLV.Segments[1].Result.Lifespan.Equal(dec("1.5")), "web lifespan %s", r.CLV.Segments[1].Result.Lifespan)
}

func TestLogColumns(t *testing.T) {
	path := writeLog(t, "Client,Day,Paid,Plan\nx,2024-01-01,5,a\nx,2024-02-01,5,a\ny,2024-01-01,5,b\n")
	code, out, errOut := runArgs("-input", path, "-customer-column", "Client", "-time-column", "Day", "-amount-column", "Paid", "-segment-column", "Plan")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "2024-02*   b                      0.00         0       0         0      0         0      1   1.0000")
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
		{"year 0", header + good + "a,0000-06-01,1,web\n", `line 3: time "0000-06-01": out of range: the year must be from 1 to 9999`, nil},
		{"the zero time", header + good + "a,0001-01-01,1,web\n", `line 3: time "0001-01-01": out of range: 0001-01-01T00:00:00Z is Go's zero time`, nil},
		{"bad amount", header + good + "a,2024-01-02,1.2.3,web\n", `line 3: amount "1.2.3": not a decimal number`, nil},
		{"empty amount", header + good + "a,2024-01-02,,web\n", `line 3: amount "": not a decimal number`, nil},
		{"amount out of range", header + good + "a,2024-01-02,1e30,web\n", `line 3: amount "1e30": out of range: must be below 10^24 in magnitude`, nil},
		{"huge exponent", header + good + "a,2024-01-02,1e2000000000,web\n", `line 3: amount "1e2000000000": out of range: must be below 10^24 in magnitude`, nil},
		{"tiny exponent", header + good + "a,2024-01-02,1e-2000000000,web\n", `line 3: amount "1e-2000000000": out of range: at most 30 decimal places`, nil},
		{"too many places", header + good + "a,2024-01-02,0.1234567890123456789012345678901,web\n", `line 3: amount "0.123456789012345678901234567890"…: out of range: at most 30 decimal places`, nil},
		{"long amount", header + good + "a,2024-01-02," + strings.Repeat("9", 4<<20) + ",web\n", `line 3: longer than 65536 bytes`, nil},
		{"long amount field", header + good + "a,2024-01-02," + strings.Repeat("9", 100) + ",web\n", `line 3: amount "99999999999999999999999999999999"…: longer than 64 bytes`, nil},
		{"long id", header + good + strings.Repeat("x", 300) + ",2024-01-02,1,web\n", `line 3: customer "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"…: out of range: longer than 256 bytes`, nil},
		{"long segment", header + good + "a,2024-01-02,1," + strings.Repeat("s", 2<<20) + "\n", `line 3: longer than 65536 bytes`, nil},
		{"long time", header + good + "a," + strings.Repeat("2", 80) + ",1,web\n", `line 3: time "22222222222222222222222222222222"…: longer than 64 bytes`, nil},
		{"column twice", "customer_id,date,amount,amount\n" + good, `header: columns 3 and 4 are both named "amount"`, nil},
		// other delimiters, named
		{"semicolons", "customer_id;date;amount;segment\na;2024-01-01;1,00;web\n", `header "customer_id;date;amount;segment": fields delimited by semicolons, where a log's are delimited by commas: save it as comma-separated values, amounts with a decimal point`, nil},
		{"tabs", "customer_id\tdate\tamount\na\t2024-01-01\t1.00\n", `header "customer_id\tdate\tamount": fields delimited by tabs, where a log's are delimited by commas`, nil},
		{"spaces", "customer_id date  amount\na 2024-01-01 1.00\n", `header "customer_id date  amount": fields delimited by spaces, where a log's are delimited by commas`, nil},
		{"bars", "customer_id|date|amount\n", `fields delimited by vertical bars, where`, nil},
		{"quoted, with semicolons", "\"customer_id\";\"date\";\"amount\"\n", `fields delimited by semicolons, where`, nil},
		{"one column", "customer_id\n", `the header has no column "date" (name it with -time-column)`, nil},
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
	acc, stats, err := readLog(strings.NewReader(text), logReading{columns: logcsv.DefaultColumns, period: clv.Month, workers: 2})
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

func TestLogProgress(t *testing.T) {
	var out bytes.Buffer
	p := newProgress(&out, 1000e6)
	p.read(10, 1) // at once: nothing shown
	assert.Empty(t, out.String())
	p.start = p.start.Add(-10 * time.Second)
	p.read(250e6-10, 2e6-1)
	assert.Equal(t, "\rclv: read 25% of 1000 MB, 0.2 million lines a second, 30s left", out.String())
	p.finish()
	assert.True(t, strings.HasSuffix(out.String(), "\r"+strings.Repeat(" ", 62)+"\r"), "%q", out.String())

	out.Reset()
	p = newProgress(&out, 0) // standard input: no size
	p.start = p.start.Add(-2 * time.Second)
	p.read(5e6, 1e6)
	assert.Equal(t, "\rclv: read 5 MB, 0.5 million lines a second", out.String())

	assert.False(t, isTerminal(&out))
	f, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	require.NoError(t, err)
	defer f.Close()
	assert.False(t, isTerminal(f), "a file is no terminal")
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		defer tty.Close()
		assert.True(t, isTerminal(tty))
	}
}

// FuzzReadLog reads any bytes as a log, with and without -skip-bad, on one
// core and on three: never a panic, every line accounted for, an error
// that names a line within the file, and the same figures and the same
// error either way.
func FuzzReadLog(f *testing.F) {
	f.Add([]byte(handLog), false)
	f.Add([]byte("customer_id,date,amount\na,2024-01-01,1\n\"b,2024-01-01,1\nc, 2024-01-02 ,\"2\"\r\n"), true)
	f.Add([]byte("\ufeff\"customer_id\",date,amount,segment\n\n,,,\na,20240101,1e-31,\"x\"\"y\"\n"), true)
	f.Add([]byte("customer_id,date,amount,amount\n"), false)
	f.Fuzz(func(t *testing.T, data []byte, skipBad bool) {
		// Chunks of the least size, so that lines straddle them.
		o := logReading{columns: logcsv.DefaultColumns, period: clv.Month, skipBad: skipBad, workers: 1, chunk: logcsv.MaxLineBytes + 2}
		acc, stats, err := readLog(bytes.NewReader(data), o)
		o.workers = 3
		acc3, stats3, err3 := readLog(bytes.NewReader(data), o)
		assertSameReading(t, acc, stats, err, acc3, stats3, err3)
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

// assertSameReading asserts that two readings of a log agree: the same
// error, the same accounting, the same summary.
func assertSameReading(t *testing.T, acc *clv.Accumulator, stats logStats, err error, acc2 *clv.Accumulator, stats2 logStats, err2 error) {
	t.Helper()
	if (err == nil) != (err2 == nil) || err != nil && err.Error() != err2.Error() {
		t.Fatalf("errors differ: %v, and %v", err, err2)
	}
	if err != nil {
		return
	}
	assert.Equal(t, stats, stats2)
	a, _ := json.Marshal(acc.Summary())
	b, _ := json.Marshal(acc2.Summary())
	if !bytes.Equal(a, b) {
		t.Fatalf("summaries differ:\n%s\n%s", a, b)
	}
}

// FuzzParallelLog reads generated logs with bad lines at random places, on
// one core and on several: the same figures, the same first error and line.
func FuzzParallelLog(f *testing.F) {
	f.Add(uint64(1), uint16(500), uint8(7), uint8(3), false)
	f.Add(uint64(2), uint16(3000), uint8(2), uint8(2), true)
	f.Add(uint64(3), uint16(200), uint8(0), uint8(4), true)
	// More bad lines than are reported, on every core: each stage meets
	// them out of order, and the report still names the first.
	f.Add(uint64(4), uint16(3000), uint8(40), uint8(3), true)
	f.Add(uint64(5), uint16(4999), uint8(60), uint8(2), true)
	f.Fuzz(func(t *testing.T, seed uint64, rows uint16, bad, workers uint8, skipBad bool) {
		var log bytes.Buffer
		cfg := orderlog.Config{Rows: 1 + int(rows)%5000, Customers: 1 + int(rows)%5000/4, Segments: []string{"web", "store", "app", "phone"},
			Start: time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC), Days: 400, Seed: seed}
		require.NoError(t, orderlog.Write(&log, cfg))
		lines := bytes.SplitAfter(log.Bytes(), []byte("\n"))
		rng := rand.New(rand.NewPCG(seed, 7))
		for range int(bad) {
			i := 1 + rng.IntN(len(lines)-1)
			lines[i] = badLine(rng, lines[i])
		}
		data := bytes.Join(lines, nil)
		o := logReading{columns: logcsv.DefaultColumns, period: clv.Month, skipBad: skipBad, workers: 1, chunk: logcsv.MaxLineBytes + 2}
		acc, stats, err := readLog(bytes.NewReader(data), o)
		o.workers = 1 + int(workers)%4
		acc2, stats2, err2 := readLog(bytes.NewReader(data), o)
		assertSameReading(t, acc, stats, err, acc2, stats2, err2)
	})
}

// badLine spoils a line of a generated log as real exports are spoilt.
func badLine(rng *rand.Rand, line []byte) []byte {
	s := string(line)
	switch rng.IntN(9) {
	case 0:
		return []byte(`"` + s) // a quote left open
	case 1:
		return []byte(strings.Replace(s, ",", ",,", 1)) // a field too many
	case 2:
		return []byte("\n") // blank
	case 3:
		return []byte(strings.Replace(s, "-", "/", 1)) // a date not read
	case 4:
		return []byte(strings.Replace(s, "20", "00", 1)) // the year 0, or an id changed
	case 5:
		return []byte(strings.Replace(s, ".", "e9", 1)) // an amount out of range
	case 6:
		return []byte(strings.Replace(s, ",", strings.Repeat("x", 300)+",", 1)) // an id too long
	case 7: // a date beyond the span of 1,000 months
		return []byte(strings.Replace(s, "202", "212", 1))
	}
	return []byte(strings.Replace(s, ",", `,"`, 2)) // text after a quote
}

// gzipped returns text compressed with gzip.
func gzipped(t *testing.T, text []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	z := gzip.NewWriter(&b)
	_, err := z.Write(text)
	require.NoError(t, err)
	require.NoError(t, z.Close())
	return b.Bytes()
}

// withStdin runs f with standard input reading data.
func withStdin(t *testing.T, data []byte, f func()) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "stdin")
	require.NoError(t, os.WriteFile(path, data, 0o644))
	in, err := os.Open(path)
	require.NoError(t, err)
	defer in.Close()
	old := os.Stdin
	os.Stdin = in
	defer func() { os.Stdin = old }()
	f()
}

// A gzipped log reads as the log, by its magic bytes whatever its name,
// from a file on every core and from standard input; one cut short or
// damaged fails, saying so.
func TestGzipLog(t *testing.T) {
	plain, err := os.ReadFile(samplePath)
	require.NoError(t, err)
	dir := t.TempDir()
	gz := filepath.Join(dir, "orders.csv") // no .gz: the bytes tell
	require.NoError(t, os.WriteFile(gz, gzipped(t, plain), 0o644))
	for _, args := range [][]string{
		{"-window", "month", "-json"},
		{"customers", "-calibration-end", "2025-06-30", "-holdout-end", "2025-12-31", "-json", "-draws", "20"},
	} {
		code, want, stderr := runArgs(append(slices.Clone(args), "-input", samplePath)...)
		require.Equal(t, 0, code, stderr)
		for _, workers := range []string{"1", "3"} {
			code, got, stderr := runArgs(append(slices.Clone(args), "-input", gz, "-workers", workers)...)
			require.Equal(t, 0, code, stderr)
			assert.Equal(t, want, got, "%v from a gzipped file, -workers %s", args, workers)
		}
		withStdin(t, gzipped(t, plain), func() {
			code, got, stderr := runArgs(append(slices.Clone(args), "-input", "-")...)
			require.Equal(t, 0, code, stderr)
			assert.Equal(t, want, got, "%v from gzipped standard input", args)
		})
	}

	whole := gzipped(t, plain)
	for name, data := range map[string][]byte{
		"cut short": whole[:len(whole)/2],
		"damaged":   append(slices.Clone(whole[:len(whole)-8]), 0, 0, 0, 0, 0, 0, 0, 0), // its checksum
		"no header": {0x1f, 0x8b, 0, 0},
	} {
		path := filepath.Join(dir, "bad.csv")
		require.NoError(t, os.WriteFile(path, data, 0o644))
		code, out, stderr := runArgs("-input", path)
		assert.Equal(t, 2, code, name)
		assert.Empty(t, out, name)
		assert.Contains(t, stderr, "gzip: ", name)
		assert.Equal(t, 1, strings.Count(stderr, "\n"), "%s: one line: %q", name, stderr)
	}
}

// A gzip bomb is read as a long file is, in chunks: a line of 64 MiB is
// refused, or with -skip-bad skipped, without being held in memory.
func TestGzipBomb(t *testing.T) {
	var text bytes.Buffer
	text.WriteString("customer_id,date,amount\na,2024-01-01,1\n")
	text.Write(bytes.Repeat([]byte("x"), 64<<20))
	text.WriteString("\na,2024-02-01,1\n")
	path := filepath.Join(t.TempDir(), "bomb.csv")
	require.NoError(t, os.WriteFile(path, gzipped(t, text.Bytes()), 0o644))
	text.Reset()

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	code, out, stderr := runArgs("-input", path, "-skip-bad", "-workers", "2")
	runtime.ReadMemStats(&after)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "4 lines: the header, 2 purchases, 0 refunds, 0 blank, 1 skipped as malformed")
	assert.Contains(t, stderr, "line 3: longer than 65536 bytes")
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(32<<20), "bytes allocated reading 64 MiB")

	code, _, stderr = runArgs("-input", path)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "line 3: longer than 65536 bytes")
}

// TestTallyKeepsTheFirstSkippedLines meets bad lines out of order, as a
// shard meets them from several splitters, and keeps those of least number.
func TestTallyKeepsTheFirstSkippedLines(t *testing.T) {
	tl := tally{skipBad: true, stop: &stopLine{}}
	for _, n := range []int64{40, 9, 33, 7, 51, 2, 60, 8, 3, 99} {
		tl.refuse(n, errors.New("bad"))
	}
	var lines []int64
	for _, s := range tl.skipped {
		lines = append(lines, s.line)
	}
	slices.Sort(lines)
	assert.Equal(t, []int64{2, 3, 7, 8, 9}, lines)
	assert.Equal(t, int64(10), tl.stats.Skipped)
}
