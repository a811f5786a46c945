package clv_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clvkit/clv"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func buy(customer, when, amount, segment string) clv.Purchase {
	return clv.Purchase{Customer: customer, Time: at(when), Amount: dec(amount), Segment: segment}
}

// randomLog returns n purchases of a few customers and segments over about
// span windows of p, with amounts of every size and scale, refunds, zeros
// and amounts too large for the integer fast path.
func randomLog(rng *rand.Rand, n int, p clv.Period, span int) []clv.Purchase {
	start := at("2019-12-30T00:00:00Z")
	length := map[clv.Period]time.Duration{clv.Week: 7 * 24 * time.Hour, clv.Month: 30 * 24 * time.Hour,
		clv.Quarter: 91 * 24 * time.Hour, clv.Year: 365 * 24 * time.Hour}[p]
	log := make([]clv.Purchase, n)
	for i := range log {
		var amount decimal.Decimal
		switch rng.IntN(10) {
		case 0:
			amount = decimal.Zero
		case 1: // a refund
			amount = decimal.New(-rng.Int64N(10000), -2)
		case 2: // beyond the fast path, or overflowing it
			amount = decimal.New(rng.Int64N(1<<62), int32(rng.IntN(8))-4)
		case 3: // many places
			amount = decimal.New(rng.Int64N(1e12), -int32(rng.IntN(20)))
		default:
			amount = decimal.New(rng.Int64N(100000), -2)
		}
		log[i] = clv.Purchase{
			Customer: fmt.Sprintf("c%d", rng.IntN(n/3+1)),
			Time:     start.Add(time.Duration(rng.Int64N(int64(span) * int64(length)))),
			Amount:   amount,
			Segment:  []string{"", "web", "store", "app"}[rng.IntN(4)],
		}
	}
	return log
}

func TestMergeEqualsWhole(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, p := range []clv.Period{clv.Week, clv.Month} {
		for range 30 {
			log := randomLog(rng, 1+rng.IntN(300), p, 1+rng.IntN(150))
			want := refSummary(p, log)
			shards := 1 + rng.IntN(4)
			parts := make([][]clv.Purchase, shards)
			byCustomer := rng.IntN(2) == 0 // disjoint customers, or any split of the rows
			for _, x := range log {
				k := rng.IntN(shards)
				if byCustomer {
					k = len(x.Customer) % shards
				}
				parts[k] = append(parts[k], x)
			}
			merged, err := clv.NewAccumulator(p)
			require.NoError(t, err)
			for _, part := range parts {
				acc, err := clv.NewAccumulator(p)
				require.NoError(t, err)
				require.NoError(t, acc.AddAll(slices.Values(part)))
				before := acc.Summary()
				require.NoError(t, merged.Merge(acc))
				assertSummary(t, before, acc.Summary()) // the merged-in one is unchanged
			}
			assertSummary(t, want, merged.Summary())
		}
	}
}

func TestAccumulatorErrors(t *testing.T) {
	acc, err := clv.NewAccumulator(clv.Week)
	require.NoError(t, err)
	require.NoError(t, acc.Add(buy("a", "2024-01-01T00:00:00Z", "10", "")))
	before := acc.Summary()
	cases := []struct {
		name string
		p    clv.Purchase
		err  error
		msg  string
	}{
		{"no customer", clv.Purchase{Time: at("2024-01-01T00:00:00Z"), Amount: dec("1")}, clv.ErrMissing, "clv: purchase: customer: missing"},
		{"no time", clv.Purchase{Customer: "a", Amount: dec("1")}, clv.ErrMissing, "clv: purchase: time: missing"},
		{"amount too large", buy("a", "2024-01-01T00:00:00Z", "1e24", ""), clv.ErrOutOfRange, "clv: purchase: amount = 1e24: out of range: must be below 10^24 in magnitude"},
		{"too many places", buy("a", "2024-01-01T00:00:00Z", "1e-31", ""), clv.ErrOutOfRange, "clv: purchase: amount = 1e-31: out of range: at most 30 decimal places"},
		{"before year 1", clv.Purchase{Customer: "a", Time: time.Date(0, 12, 31, 0, 0, 0, 0, time.UTC), Amount: dec("1")}, clv.ErrOutOfRange,
			"clv: purchase: time = 0000-12-31T00:00:00Z: out of range: the year must be from 1 to 9999"},
		{"after year 9999", clv.Purchase{Customer: "a", Time: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), Amount: dec("1")}, clv.ErrOutOfRange, "clv: purchase: time = "},
		{"long id", clv.Purchase{Customer: strings.Repeat("x", 257), Time: at("2024-01-01T00:00:00Z"), Amount: dec("1")}, clv.ErrOutOfRange,
			`clv: purchase: customer = "xxxxxxxxxxxxxxxxxxxx"…: out of range: longer than 256 bytes`},
		{"long segment", clv.Purchase{Customer: "a", Segment: strings.Repeat("s", 2<<20), Time: at("2024-01-01T00:00:00Z"), Amount: dec("1")}, clv.ErrOutOfRange,
			`clv: purchase: segment = "ssssssssssssssssssss"…: out of range: longer than 256 bytes`},
		{"span", buy("a", "2043-03-02T00:00:00Z", "1", ""), clv.ErrOutOfRange, "clv: purchase: time = 2043-03-02T00:00:00Z: out of range: the log would span more than 1000 weeks"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := acc.Add(tc.p)
			require.ErrorIs(t, err, tc.err)
			assert.True(t, strings.HasPrefix(err.Error(), tc.msg), "message %q, want prefix %q", err, tc.msg)
			assertSummary(t, before, acc.Summary()) // nothing was added
		})
	}
	// 1000 weeks fit.
	require.NoError(t, acc.Add(buy("a", "2043-02-23T00:00:00Z", "1", "")))

	// Segments.
	acc, _ = clv.NewAccumulator(clv.Month)
	for i := range clv.MaxSegments {
		require.NoError(t, acc.Add(buy("a", "2024-01-01T00:00:00Z", "1", fmt.Sprint(i))))
	}
	err = acc.Add(buy("a", "2024-01-01T00:00:00Z", "1", "one too many"))
	require.ErrorIs(t, err, clv.ErrOutOfRange)
	assert.Equal(t, `clv: purchase: segment = "one too many": out of range: more than 256 segments`, err.Error())

	// A sequence names the purchase at fault.
	acc, _ = clv.NewAccumulator(clv.Month)
	err = acc.AddAll(slices.Values([]clv.Purchase{buy("a", "2024-01-01T00:00:00Z", "1", ""), {Customer: "b"}}))
	require.ErrorIs(t, err, clv.ErrMissing)
	assert.Equal(t, "clv: purchase 2: time: missing", err.Error())
	assert.Equal(t, int64(1), acc.Summary().Purchases)

	// Periods.
	_, err = clv.NewAccumulator(clv.Period(9))
	require.ErrorIs(t, err, clv.ErrUnknownPeriod)

	// Merges.
	m, _ := clv.NewAccumulator(clv.Month)
	w, _ := clv.NewAccumulator(clv.Week)
	require.NoError(t, w.Add(buy("a", "2024-01-01T00:00:00Z", "1", "")))
	require.ErrorIs(t, m.Merge(w), clv.ErrInconsistent)
	require.ErrorIs(t, m.Merge(m), clv.ErrInconsistent)
	far, _ := clv.NewAccumulator(clv.Week)
	require.NoError(t, far.Add(buy("b", "2050-01-01T00:00:00Z", "1", "")))
	require.ErrorIs(t, w.Merge(far), clv.ErrOutOfRange)
	many, _ := clv.NewAccumulator(clv.Week)
	for i := range clv.MaxSegments {
		require.NoError(t, many.Add(buy("a", "2024-01-01T00:00:00Z", "1", fmt.Sprint("s", i))))
	}
	require.ErrorIs(t, w.Merge(many), clv.ErrOutOfRange)
	assert.Equal(t, int64(1), w.Summary().Purchases, "a failed merge changes nothing")
}

// FuzzAccumulator decodes a purchase log from bytes, 12 to a row: customer,
// segment, a day, and an amount of any size and scale. Ids and segment
// names run past the 256-byte limit, and the days past the years 1 and
// 9999 and the span of 1,000 windows, as era says; the zero time and the
// zero Accumulator come in too. The integer fast path must agree exactly
// with the plain decimal reference, whole and merged from shards, and
// every row beyond a limit must be refused with the sentinel the
// reference expects.
func FuzzAccumulator(f *testing.F) {
	f.Add([]byte("\x00\x00\x01\x00\x10\x27\x00\x00\x00\x00\x00\x00\xfe"), uint8(2), uint8(2), uint8(0))
	f.Add([]byte("\x01\x02\x05\x03\xff\xff\xff\xff\xff\xff\xff\x7f\x10\x02\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\xee"), uint8(0), uint8(3), uint8(0))
	f.Add([]byte("\x81\x8f\x10\x00\x01\x00\x00\x00\x00\x00\x00\x00\xbf\x02\x20\x00\x01\x00\x00\x00\x00\x00\x00\x00"), uint8(3), uint8(0x81), uint8(2))
	f.Add([]byte("\x01\x00\xff\xff\x01\x00\x00\x00\x00\x00\x00\x00\x02\x01\x00\x05\x01\x00\x00\x00\x00\x00\x00\x00"), uint8(0), uint8(0), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, period, shards, era uint8) {
		p := clv.Period(period % 4)
		start, dayStep := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC), 1
		switch era % 4 {
		case 1: // before and after the first instant of year 1
			start = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -40)
		case 2: // around the end of year 9999
			start = time.Date(9999, 12, 1, 12, 0, 0, 0, time.UTC).AddDate(0, 0, -100)
		case 3: // 30 days a step: more than 1,000 windows of weeks or months
			dayStep = 30
		}
		var log []clv.Purchase
		whole, _ := clv.NewAccumulator(p)
		if p == clv.Year && shards&0x80 != 0 {
			whole = new(clv.Accumulator)
		}
		parts := make([]*clv.Accumulator, 1+shards%4)
		for i := range parts {
			parts[i], _ = clv.NewAccumulator(p)
		}
		lo, hi := math.MaxInt, math.MinInt // the windows of the rows taken
		for ; len(data) >= 12; data = data[12:] {
			units := int64(binary.LittleEndian.Uint64(data[4:]))
			exp := int32(int8(data[3])) % 40
			customer := string(rune('a' + data[0]%8))
			if data[0]&0x80 != 0 {
				customer = strings.Repeat(customer, 200+int(data[0]&0x3f)) // up to 263 bytes
			}
			segment := []string{"", "web", "store"}[data[1]%3]
			if data[1]&0x80 != 0 {
				segment = strings.Repeat("s", 250+int(data[1]&0x0f)) // up to 265 bytes
			}
			day := int(binary.LittleEndian.Uint16(data[2:]) % 1500)
			when := start.AddDate(0, 0, day*dayStep)
			if data[2] == 0xff && data[3] == 0xff {
				when = time.Time{}
			}
			x := clv.Purchase{Customer: customer, Segment: segment, Time: when, Amount: decimal.New(units, exp)}
			err := whole.Add(x)

			// What the limits allow, checked in the order Add checks them.
			var want error
			w := 0
			switch {
			case len(customer) > 256 || len(segment) > 256:
				want = clv.ErrOutOfRange
			case when.IsZero():
				want = clv.ErrMissing
			case when.Year() < 1 || when.Year() > 9999:
				want = clv.ErrOutOfRange
			default:
				w, _ = refWindow(when, p)
				if len(log) > 0 && max(hi, w)-min(lo, w) >= clv.MaxWindows || !inRange(units, exp) {
					want = clv.ErrOutOfRange
				}
			}
			if want != nil {
				if !errors.Is(err, want) {
					t.Fatalf("%.40q at %v, %s: got %v, want %v", x.Customer, x.Time, x.Amount, err, want)
				}
				continue
			}
			if err != nil {
				t.Fatalf("purchase %.40q at %v refused: %v", x.Customer, x.Time, err)
			}
			lo, hi = min(lo, w), max(hi, w)
			if err := parts[int(data[0]/8)%len(parts)].Add(x); err != nil {
				t.Fatal(err)
			}
			log = append(log, x)
		}
		want := refSummary(p, log)
		assertSummary(t, want, whole.Summary())
		merged, _ := clv.NewAccumulator(p)
		for _, part := range parts {
			if err := merged.Merge(part); err != nil {
				t.Fatal(err)
			}
		}
		if err := merged.Merge(nil); !errors.Is(err, clv.ErrMissing) {
			t.Fatalf("merge nil: %v", err)
		}
		assertSummary(t, want, merged.Summary())
	})
}

// The log of the summary benchmarks: 10,000,000 purchases by 1,000,000
// customers with string ids, in 8 segments, over three years, in time
// order, as an order export runs. Every customer buys at least once; about
// one row in 55 is a refund. It is built
// once, from a fixed seed.
const (
	benchPurchases = 10_000_000
	benchCustomers = 1_000_000
)

// benchLog returns the log of the summary benchmarks, built once for each
// shape: every customer buying in one segment, or in two, a row's segment
// then being one of its customer's two at random.
func benchLog(segmentsPerCustomer int) []clv.Purchase { return benchLogs[segmentsPerCustomer-1]() }

var benchLogs = [2]func() []clv.Purchase{
	sync.OnceValue(func() []clv.Purchase { return makeBenchLog(1) }),
	sync.OnceValue(func() []clv.Purchase { return makeBenchLog(2) }),
}

func makeBenchLog(segmentsPerCustomer int) []clv.Purchase {
	rng := rand.New(rand.NewPCG(2024, 11))
	ids := make([]string, benchCustomers)
	for i := range ids {
		ids[i] = fmt.Sprintf("cus_%07d", i)
	}
	segments := []string{"web", "app", "store", "phone", "partner", "marketplace", "wholesale", "gift"}
	amounts := make([]decimal.Decimal, 4096) // 0.99 to 499.99, and refunds of them
	for i := range amounts {
		amounts[i] = decimal.New(99+rng.Int64N(50000), -2)
	}
	start := time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	const seconds = 3 * 365 * 24 * 60 * 60
	log := make([]clv.Purchase, benchPurchases)
	first := rng.Perm(benchCustomers) // every customer buys at least once
	for i := range log {
		c := rng.IntN(benchCustomers)
		if i%10 == 0 {
			c = first[i/10]
		}
		amount := amounts[rng.IntN(len(amounts))]
		if i%10 != 0 && rng.IntN(50) == 0 {
			amount = amount.Neg()
		}
		segment := c % len(segments)
		if segmentsPerCustomer == 2 {
			segment = (segment + 3*rng.IntN(2)) % len(segments)
		}
		log[i] = clv.Purchase{
			Customer: ids[c],
			Time:     time.Unix(start+int64(i)*seconds/benchPurchases, 0).UTC(),
			Amount:   amount,
			Segment:  segments[segment],
		}
	}
	return log
}

// BenchmarkSummary measures the exact summary of benchLog, on customers
// in one segment each and in two, against naive loops over the same
// purchases: one keeping float64 sums in a map of customers, one keeping
// decimal sums with decimal.Add. The naive loops compute less than the
// summary — revenue by segment and month, and each customer's value, first
// and last month — so the ratios are conservative.
func BenchmarkSummary(b *testing.B) {
	for _, shape := range []struct {
		name     string
		segments int
	}{{"one_segment", 1}, {"two_segments", 2}} {
		b.Run(shape.name, func(b *testing.B) {
			log := benchLog(shape.segments)
			b.Run("exact", func(b *testing.B) {
				b.ReportAllocs()
				before := liveHeap()
				var acc *clv.Accumulator
				for b.Loop() {
					acc, _ = clv.NewAccumulator(clv.Month)
					if err := acc.AddAll(slices.Values(log)); err != nil {
						b.Fatal(err)
					}
					if s := acc.Summary(); s.Customers != benchCustomers {
						b.Fatal(s.Customers, "customers")
					}
				}
				// The heap the last accumulator holds, per customer.
				heap := liveHeap() - before
				runtime.KeepAlive(acc)
				b.ReportMetric(float64(heap)/benchCustomers, "live-B/customer")
			})
			b.Run("rows", func(b *testing.B) {
				// The same purchases as parsed rows, as a log reader adds them.
				rows := make([]clv.Row, len(log))
				for i, p := range log {
					rows[i] = clv.Row{Customer: []byte(p.Customer), Segment: []byte(p.Segment), Time: p.Time,
						Units: p.Amount.Shift(2).IntPart(), Places: 2}
				}
				b.ReportAllocs()
				for b.Loop() {
					acc, _ := clv.NewAccumulator(clv.Month)
					if _, err := acc.AddRows(rows); err != nil {
						b.Fatal(err)
					}
					if s := acc.Summary(); s.Customers != benchCustomers {
						b.Fatal(s.Customers, "customers")
					}
				}
			})
			b.Run("float64", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					naiveSummary(log, func(d decimal.Decimal) float64 { return d.InexactFloat64() }, func(a, b float64) float64 { return a + b })
				}
			})
			if shape.segments > 1 {
				return // the decimal loop does the same work on either shape
			}
			b.Run("decimal", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					naiveSummary(log, func(d decimal.Decimal) decimal.Decimal { return d }, decimal.Decimal.Add)
				}
			})
		})
	}
}

// liveHeap returns the bytes of live heap.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

type naiveKey struct {
	segment string
	month   int
}

type naiveCustomer[T any] struct {
	value       T
	first, last int
}

// naiveSummary is the loop a first version would have: a map of customers
// by id and a map of revenue by segment and month.
func naiveSummary[T any](log []clv.Purchase, conv func(decimal.Decimal) T, add func(T, T) T) (map[string]*naiveCustomer[T], map[naiveKey]T) {
	customers := map[string]*naiveCustomer[T]{}
	revenue := map[naiveKey]T{}
	for _, p := range log {
		t := p.Time.UTC()
		month := t.Year()*12 + int(t.Month()) - 1
		amount := conv(p.Amount)
		key := naiveKey{p.Segment, month}
		revenue[key] = add(revenue[key], amount)
		if p.Amount.IsNegative() {
			continue
		}
		c := customers[p.Customer]
		if c == nil {
			c = &naiveCustomer[T]{first: month, last: month}
			customers[p.Customer] = c
		}
		c.value = add(c.value, amount)
		c.first, c.last = min(c.first, month), max(c.last, month)
	}
	return customers, revenue
}

func BenchmarkSummaryParts(b *testing.B) {
	log := benchLog(1)[:1_000_000]
	b.Run("add", func(b *testing.B) {
		acc, _ := clv.NewAccumulator(clv.Month)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			_ = acc.Add(log[i%len(log)])
			i++
		}
	})
	b.Run("merge", func(b *testing.B) {
		parts := [4]*clv.Accumulator{}
		for k := range parts {
			parts[k], _ = clv.NewAccumulator(clv.Month)
			_ = parts[k].AddAll(slices.Values(log[k*len(log)/4 : (k+1)*len(log)/4]))
		}
		b.ReportAllocs()
		for b.Loop() {
			acc, _ := clv.NewAccumulator(clv.Month)
			for _, p := range parts {
				_ = acc.Merge(p)
			}
		}
	})
}

// The zero Accumulator is ready to use, with yearly windows, as a decoder
// that makes one with new expects; merging nil is an error, not a panic.
func TestZeroAccumulator(t *testing.T) {
	log := randomLog(rand.New(rand.NewPCG(4, 4)), 300, clv.Year, 5)
	made, _ := clv.NewAccumulator(clv.Year)
	require.NoError(t, made.AddAll(slices.Values(log)))

	var added clv.Accumulator
	assert.Equal(t, clv.Year, added.Period())
	assert.Empty(t, added.Summary().Windows)
	for _, p := range log {
		require.NoError(t, added.Add(p))
	}
	assertSummary(t, made.Summary(), added.Summary())

	all := new(clv.Accumulator)
	require.NoError(t, all.AddAll(slices.Values(log)))
	assertSummary(t, made.Summary(), all.Summary())

	merged := new(clv.Accumulator)
	require.NoError(t, merged.Merge(new(clv.Accumulator)))
	require.NoError(t, merged.Merge(made))
	assertSummary(t, made.Summary(), merged.Summary())

	err := merged.Merge(nil)
	require.ErrorIs(t, err, clv.ErrMissing)
	assert.Equal(t, "clv: merge: accumulator = nil: missing", err.Error())
	assertSummary(t, made.Summary(), merged.Summary())
}

// The years 1 to 9999 hold whatever the order of the rows: a week that
// straddles the end of year 9999 once let a time in year 10000 through
// when the week was already cached.
func TestYearLimitsInAnyOrder(t *testing.T) {
	last := buy("a", "9999-12-31T00:00:00Z", "1", "")
	after := clv.Purchase{Customer: "b", Time: time.Date(10000, 1, 1, 12, 0, 0, 0, time.UTC), Amount: dec("1")}
	first := buy("c", "0001-01-01T00:00:01Z", "1", "")
	before := clv.Purchase{Customer: "d", Time: time.Date(0, 12, 31, 12, 0, 0, 0, time.UTC), Amount: dec("1")}
	for _, p := range []clv.Period{clv.Week, clv.Month, clv.Quarter, clv.Year} {
		for _, order := range [][2]clv.Purchase{{last, after}, {after, last}, {first, before}, {before, first}} {
			acc, _ := clv.NewAccumulator(p)
			var accepted []string
			for _, x := range order {
				err := acc.Add(x)
				if err == nil {
					accepted = append(accepted, x.Customer)
				} else {
					require.ErrorIs(t, err, clv.ErrOutOfRange, "%s %v", p, x.Time)
				}
			}
			require.Len(t, accepted, 1, "%s: %v", p, order)
			assert.Contains(t, []string{"a", "c"}, accepted[0], "%s: %v", p, order)
		}
	}
}

// rowOf returns p as a Row, its amount as units at its own places, its
// strings in bytes of a buffer the caller may reuse.
func rowOf(p clv.Purchase, buf []byte) (clv.Row, []byte) {
	buf = append(append(buf[:0], p.Customer...), p.Segment...)
	d := p.Amount
	places := max(-d.Exponent(), 0)
	return clv.Row{
		Customer: buf[:len(p.Customer)], Segment: buf[len(p.Customer):],
		Time: p.Time, Units: d.Shift(places).IntPart(), Places: places,
	}, buf
}

// Rows add up to what the same purchases do, though the caller reuses
// their bytes at once; a row that fails stops them at its place.
func TestAddRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for _, p := range []clv.Period{clv.Week, clv.Month} {
		var log []clv.Purchase
		for _, x := range randomLog(rng, 2000, p, 40) {
			if x.Amount.NumDigits() <= 18 && x.Amount.Exponent() >= -18 && x.Amount.Exponent() <= 0 {
				log = append(log, x)
			}
		}
		want, _ := clv.NewAccumulator(p)
		require.NoError(t, want.AddAll(slices.Values(log)))

		got, _ := clv.NewAccumulator(p)
		var buf []byte
		for i := 0; i < len(log); i += 100 {
			var rows []clv.Row
			for _, x := range log[i:min(i+100, len(log))] {
				var r clv.Row
				r, buf = rowOf(x, make([]byte, 0, 32))
				rows = append(rows, r)
			}
			n, err := got.AddRows(rows)
			require.NoError(t, err)
			require.Equal(t, len(rows), n)
			for _, r := range rows { // the caller's bytes change; the summary must not
				for k := range r.Customer {
					r.Customer[k] = '#'
				}
				for k := range r.Segment {
					r.Segment[k] = '#'
				}
			}
		}
		_ = buf
		assertSummary(t, want.Summary(), got.Summary())
	}

	acc, _ := clv.NewAccumulator(clv.Month)
	when := at("2024-01-01T00:00:00Z")
	rows := []clv.Row{
		{Customer: []byte("a"), Time: when, Units: 1999, Places: 2},
		{Customer: []byte("b"), Time: when, Units: 5, Places: 25, Segment: []byte("web")},
		{Customer: []byte("c"), Time: when, Units: 1, Places: 31},
		{Customer: []byte("d"), Time: when, Units: 1},
	}
	n, err := acc.AddRows(rows)
	require.ErrorIs(t, err, clv.ErrOutOfRange)
	assert.Equal(t, 2, n)
	assert.Equal(t, "clv: row 3: places = 31: out of range: must be from 0 to 30", err.Error())
	n, err = acc.AddRows(rows[n+1:])
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	s := acc.Summary()
	assertDecimal(t, "20.9900000000000000000000005", s.Revenue)
	assert.Equal(t, int64(3), s.Customers)
	_, err = acc.AddRows([]clv.Row{{Time: when}})
	require.ErrorIs(t, err, clv.ErrMissing)
}
