package clv_test

import (
	"fmt"
	"hash/crc32"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/internal/readme"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// handLog is a small log, checked by hand in TestSummaryByHand: a refund,
// customers spanning windows, one-purchase customers, a zero purchase, a
// segment change and a time zone that moves a purchase into the next month.
var handLog = []clv.Purchase{
	buy("alice", "2024-01-05T10:00:00Z", "100.00", "web"),
	buy("bob", "2024-01-20T10:00:00Z", "50.00", "store"),
	buy("alice", "2024-01-25T10:00:00Z", "20.00", "web"),
	buy("alice", "2024-02-10T10:00:00Z", "30.00", "web"),
	buy("bob", "2024-03-01T10:00:00Z", "-50.00", "store"), // refund
	buy("carol", "2024-02-29T23:59:59Z", "0", "web"),      // a free order is a purchase
	buy("dave", "2024-03-15T10:00:00Z", "80.00", "web"),
	buy("carol", "2024-03-02T10:00:00Z", "40.00", "store"),    // carol moves to the store
	buy("alice", "2024-03-31T23:00:00-02:00", "10.00", "web"), // April in UTC
}

// A window row: revenue, purchases, refunds, customers, new, returning,
// lost, previous.
type windowRow struct {
	revenue                                                     string
	purchases, refunds, customers, fresh, returning, lost, prev int64
}

func assertWindows(t *testing.T, want []windowRow, got []clv.WindowSummary, start time.Time, p clv.Period) {
	t.Helper()
	require.Len(t, got, len(want))
	for i, w := range want {
		g := got[i]
		assertDecimal(t, w.revenue, g.Revenue, "window %d revenue", i)
		assert.Equal(t, []int64{w.purchases, w.refunds, w.customers, w.fresh, w.returning, w.lost, w.prev},
			[]int64{g.Purchases, g.Refunds, g.Customers, g.NewCustomers, g.ReturningCustomers, g.LostCustomers, g.PreviousCustomers},
			"window %d: purchases, refunds, customers, new, returning, lost, previous", i)
		assert.Equal(t, p, g.Period)
		assert.True(t, g.Start.Equal(start), "window %d starts %s, want %s", i, g.Start, start)
		assert.Equal(t, time.UTC, g.Start.Location())
		start = start.AddDate(0, 1, 0)
		assert.True(t, g.End.Equal(start), "window %d ends %s, want %s", i, g.End, start)
	}
}

func TestSummaryByHand(t *testing.T) {
	// Every order of the rows gives the same summary.
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		log := slices.Clone(handLog)
		rng.Shuffle(len(log), func(i, j int) { log[i], log[j] = log[j], log[i] })
		acc, err := clv.NewAccumulator(clv.Month)
		require.NoError(t, err)
		require.NoError(t, acc.AddAll(slices.Values(log)))
		s := acc.Summary()

		assert.Equal(t, clv.Month, s.Period)
		assertDecimal(t, "280", s.Revenue)
		assert.Equal(t, []int64{8, 1, 4}, []int64{s.Purchases, s.Refunds, s.Customers})
		jan := at("2024-01-01T00:00:00Z")
		assertWindows(t, []windowRow{
			{"170", 3, 0, 2, 2, 0, 0, 0},
			{"30", 2, 0, 2, 1, 1, 1, 2},
			{"70", 2, 1, 2, 1, 1, 1, 2},
			{"10", 1, 0, 1, 0, 1, 2, 2},
		}, s.Windows, jan, clv.Month)
		require.Len(t, s.Segments, 2)
		assert.Equal(t, "store", s.Segments[0].Name)
		assertWindows(t, []windowRow{
			{"50", 1, 0, 1, 1, 0, 0, 0},
			{"0", 0, 0, 0, 0, 0, 1, 1},
			{"-10", 1, 1, 1, 0, 1, 0, 0},
			{"0", 0, 0, 0, 0, 0, 1, 1},
		}, s.Segments[0].Windows, jan, clv.Month)
		assert.Equal(t, "web", s.Segments[1].Name)
		assertWindows(t, []windowRow{
			{"120", 2, 0, 1, 1, 0, 0, 0},
			{"30", 2, 0, 2, 1, 1, 0, 1},
			{"80", 1, 0, 1, 1, 0, 2, 2},
			{"10", 1, 0, 1, 0, 1, 1, 1},
		}, s.Segments[1].Windows, jan, clv.Month)

	}
}

// refWindow returns the window of p holding t, counted from the window that
// holds 1970-01-01, the slow way, and the window's first instant.
func refWindow(t time.Time, p clv.Period) (int, time.Time) {
	t = t.UTC()
	months := (t.Year()-1970)*12 + int(t.Month()) - 1
	floor := func(a, b int) int { return int(math.Floor(float64(a) / float64(b))) }
	switch p {
	case clv.Week:
		monday := time.Date(t.Year(), t.Month(), t.Day()-(int(t.Weekday())+6)%7, 0, 0, 0, 0, time.UTC)
		// Both Mondays, so the days between divide by 7; seconds rather
		// than a Duration, which cannot span the years 1 to 9999.
		days := (monday.Unix() - time.Date(1969, 12, 29, 0, 0, 0, 0, time.UTC).Unix()) / (24 * 60 * 60)
		return int(days / 7), monday
	case clv.Month:
		return months, time.Date(1970, time.Month(months+1), 1, 0, 0, 0, 0, time.UTC)
	case clv.Quarter:
		q := floor(months, 3)
		return q, time.Date(1970, time.Month(3*q+1), 1, 0, 0, 0, 0, time.UTC)
	}
	return t.Year() - 1970, time.Date(t.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
}

// refSummary summarises a log the plain way: maps of sets and decimal sums.
func refSummary(p clv.Period, log []clv.Purchase) clv.Summary {
	type key struct {
		segment string
		window  int
	}
	const all = "\x00all"
	revenue := map[key]decimal.Decimal{}
	purchases, refunds := map[key]int64{}, map[key]int64{}
	active := map[key]map[string]bool{}  // who bought in a segment's window
	windows := map[string]map[int]bool{} // each customer's windows
	first := map[string]int{}            // each customer's first window
	starts := map[int]time.Time{}
	segments := map[string]bool{}
	lo, hi := math.MaxInt, math.MinInt
	var firstDay, lastDay time.Time
	for _, x := range log {
		u := x.Time.UTC()
		day := time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, time.UTC)
		if firstDay.IsZero() || day.Before(firstDay) {
			firstDay = day
		}
		if day.After(lastDay) {
			lastDay = day
		}
		w, start := refWindow(x.Time, p)
		starts[w] = start
		lo, hi = min(lo, w), max(hi, w)
		segments[x.Segment] = true
		for _, k := range []key{{x.Segment, w}, {all, w}} {
			revenue[k] = revenue[k].Add(x.Amount)
			if x.Amount.IsNegative() {
				refunds[k]++
				continue
			}
			purchases[k]++
			if active[k] == nil {
				active[k] = map[string]bool{}
			}
			active[k][x.Customer] = true
		}
		if x.Amount.IsNegative() {
			continue
		}
		if windows[x.Customer] == nil {
			windows[x.Customer] = map[int]bool{}
			first[x.Customer] = w
		}
		windows[x.Customer][w] = true
		first[x.Customer] = min(first[x.Customer], w)
	}
	sum := clv.Summary{Period: p, Revenue: decimal.Zero, Customers: int64(len(windows))}
	if len(log) == 0 {
		return sum
	}
	rows := func(segment string) []clv.WindowSummary {
		var ws []clv.WindowSummary
		for w := lo; w <= hi; w++ {
			k := key{segment, w}
			if _, ok := starts[w]; !ok {
				starts[w] = starts[w-1].AddDate(0, 0, 7) // weeks only: months and longer are never skipped here
				if p != clv.Week {
					starts[w] = time.Time{}
				}
			}
			s := clv.WindowSummary{Period: p, Revenue: revenue[k].Add(decimal.Zero), Purchases: purchases[k], Refunds: refunds[k]}
			for c := range active[k] {
				s.Customers++
				if first[c] == w {
					s.NewCustomers++
				}
			}
			s.ReturningCustomers = s.Customers - s.NewCustomers
			if w > lo {
				for c := range active[key{segment, w - 1}] {
					s.PreviousCustomers++
					if !active[k][c] {
						s.LostCustomers++
					}
				}
			}
			ws = append(ws, s)
		}
		// The log leaves a window partial where the day before its first
		// row, or after its last, is in the same window.
		before, _ := refWindow(firstDay.AddDate(0, 0, -1), p)
		after, _ := refWindow(lastDay.AddDate(0, 0, 1), p)
		ws[0].Partial = before == lo
		ws[len(ws)-1].Partial = ws[len(ws)-1].Partial || after == hi
		return ws
	}
	sum.First, sum.Last = firstDay, lastDay
	sum.Windows = rows(all)
	for _, s := range sum.Windows {
		sum.Revenue = sum.Revenue.Add(s.Revenue)
		sum.Purchases += s.Purchases
		sum.Refunds += s.Refunds
	}
	for _, name := range slices.Sorted(maps.Keys(segments)) {
		sum.Segments = append(sum.Segments, clv.SegmentSummary{Name: name, Windows: rows(name)})
	}
	return sum
}

// assertSummary compares summaries field by field, decimals numerically;
// the window bounds only where want has them.
func assertSummary(t *testing.T, want, got clv.Summary) {
	t.Helper()
	assert.Equal(t, want.Period, got.Period)
	assert.True(t, want.First.Equal(got.First) && want.Last.Equal(got.Last), "span %s to %s, want %s to %s", got.First, got.Last, want.First, want.Last)
	assertDecimal(t, want.Revenue.String(), got.Revenue, "revenue")
	assert.Equal(t, []int64{want.Purchases, want.Refunds, want.Customers}, []int64{got.Purchases, got.Refunds, got.Customers}, "purchases, refunds, customers")
	windows := func(name string, want, got []clv.WindowSummary) {
		require.Len(t, got, len(want), name)
		for i, w := range want {
			g := got[i]
			assert.True(t, w.Revenue.Equal(g.Revenue), "%s window %d: revenue %s, want %s", name, i, g.Revenue, w.Revenue)
			g.Revenue = w.Revenue
			if w.Start.IsZero() {
				g.Start, g.End = w.Start, w.End
			} else {
				assert.True(t, w.Start.Equal(g.Start), "%s window %d starts %s, want %s", name, i, g.Start, w.Start)
				g.Start, g.End = w.Start, w.End
			}
			assert.Equal(t, w, g, "%s window %d", name, i)
		}
	}
	windows("all", want.Windows, got.Windows)
	require.Len(t, got.Segments, len(want.Segments))
	for i, s := range want.Segments {
		assert.Equal(t, s.Name, got.Segments[i].Name)
		windows(fmt.Sprintf("segment %q", s.Name), s.Windows, got.Segments[i].Windows)
	}
}

func TestSummaryMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, p := range []clv.Period{clv.Week, clv.Month, clv.Quarter, clv.Year} {
		for _, span := range []int{1, 3, 60, 200} {
			for range 10 {
				log := randomLog(rng, 1+rng.IntN(300), p, span)
				acc, err := clv.NewAccumulator(p)
				require.NoError(t, err)
				require.NoError(t, acc.AddAll(slices.Values(log)))
				want := refSummary(p, log)
				got := acc.Summary()
				assertSummary(t, want, got)

				// The windows add up to the log, for all customers and
				// across the segments.
				revenue, purchases := decimal.Zero, int64(0)
				for _, x := range log {
					revenue = revenue.Add(x.Amount)
					if !x.Amount.IsNegative() {
						purchases++
					}
				}
				sum, n := decimal.Zero, int64(0)
				for _, w := range got.Windows {
					sum, n = sum.Add(w.Revenue), n+w.Purchases
				}
				assert.True(t, revenue.Equal(sum), "windows' revenue %s, log's %s", sum, revenue)
				assert.Equal(t, purchases, n)
				sum, n = decimal.Zero, 0
				for _, s := range got.Segments {
					for _, w := range s.Windows {
						sum, n = sum.Add(w.Revenue), n+w.Purchases
					}
				}
				assert.True(t, revenue.Equal(sum), "segments' revenue %s, log's %s", sum, revenue)
				assert.Equal(t, purchases, n)
				assert.True(t, revenue.Equal(got.Revenue))
				assert.Equal(t, purchases, got.Purchases)
			}
		}
	}
}

func TestEmptyAccumulator(t *testing.T) {
	acc, err := clv.NewAccumulator(clv.Quarter)
	require.NoError(t, err)
	s := acc.Summary()
	assert.Equal(t, clv.Quarter, s.Period)
	assert.Empty(t, s.Windows)
	assert.Empty(t, s.Segments)
	assert.Equal(t, clv.Quarter, acc.Period())
	assert.Equal(t, int64(0), s.Customers)
	// Refunds alone make windows but no customers.
	require.NoError(t, acc.Add(buy("a", "2024-01-01T00:00:00Z", "-5", "")))
	s = acc.Summary()
	assertDecimal(t, "-5", s.Revenue)
	assert.Equal(t, int64(0), s.Customers)
	require.Len(t, s.Windows, 1)
	_, err = s.Windows[0].ChurnRate()
	require.ErrorIs(t, err, clv.ErrNonPositive)
}

func TestAverageChurnRate(t *testing.T) {
	w := func(lost, previous int64) clv.WindowSummary {
		return clv.WindowSummary{LostCustomers: lost, PreviousCustomers: previous}
	}
	churn, err := clv.AverageChurnRate([]clv.WindowSummary{w(0, 0), w(1, 10), w(3, 30)})
	require.NoError(t, err)
	assertDecimal(t, "0.1", churn)
	// The average is weighted by customers: 1/10 and 30/30 is 31/40, not 0.55.
	churn, err = clv.AverageChurnRate([]clv.WindowSummary{w(1, 10), w(30, 30)})
	require.NoError(t, err)
	assertDecimal(t, "0.775", churn)

	_, err = clv.AverageChurnRate(nil)
	require.ErrorIs(t, err, clv.ErrNonPositive)
	_, err = clv.AverageChurnRate([]clv.WindowSummary{w(0, 0)})
	require.ErrorIs(t, err, clv.ErrNonPositive)
	_, err = clv.AverageChurnRate([]clv.WindowSummary{w(1, math.MaxInt64), w(1, 1)})
	require.ErrorIs(t, err, clv.ErrOutOfRange)
	_, err = clv.AverageChurnRate([]clv.WindowSummary{w(20, 10)})
	require.ErrorIs(t, err, clv.ErrInconsistent)
}

// A segment is priced from its last window with customers, whatever the
// log's last window holds, and a segment that cannot be priced says why.
func TestSegmentSummarySegment(t *testing.T) {
	acc, _ := clv.NewAccumulator(clv.Month)
	require.NoError(t, acc.AddAll(slices.Values([]clv.Purchase{
		buy("a", "2024-01-05T00:00:00Z", "10", "web"),
		buy("b", "2024-01-06T00:00:00Z", "30", "store"),
		buy("c", "2024-01-07T00:00:00Z", "20", "store"),
		buy("a", "2024-02-05T00:00:00Z", "10", "web"),
		buy("b", "2024-02-06T00:00:00Z", "50", "store"),
		buy("a", "2024-03-05T00:00:00Z", "10", "web"),
		buy("d", "2024-03-05T00:00:00Z", "12", "web"),
		buy("b", "2024-03-09T00:00:00Z", "-50", "store"),  // a refund: no sale in March
		buy("e", "2024-03-31T00:00:00Z", "-5", "returns"), // the log covers March
	})))
	s := acc.Summary()
	require.Len(t, s.Segments, 3)

	returns, store, web := s.Segments[0], s.Segments[1], s.Segments[2]
	seg, err := store.Segment()
	require.NoError(t, err)
	assert.Equal(t, "store", seg.Name)
	assert.True(t, seg.Window.Equal(clv.Window{Revenue: dec("50"), Purchases: 1, Customers: 1, Period: clv.Month}), "%+v", seg.Window)
	// Lost: c in February, b in March, of 2 and 1 before.
	assert.True(t, seg.Lifespan.Equal(clv.Lifespan{ChurnRate: dec("0.6666666667"), Period: clv.Month}), "%+v", seg.Lifespan)
	_, err = clv.CalculateSegments([]clv.Segment{seg})
	require.NoError(t, err)

	_, err = web.Segment() // no one lost
	require.ErrorIs(t, err, clv.ErrNonPositive)
	assert.Equal(t, `clv: segment "web": churn rate = 0 (no customer was lost): must be positive`, err.Error())
	_, err = returns.Segment()
	require.ErrorIs(t, err, clv.ErrNonPositive)
	assert.Equal(t, `clv: segment "returns": customers = 0 in every window: must be positive`, err.Error())

	one, _ := clv.NewAccumulator(clv.Month)
	require.NoError(t, one.Add(buy("a", "2024-01-05T00:00:00Z", "10", "")))
	_, err = one.Summary().Segments[0].Segment()
	require.ErrorIs(t, err, clv.ErrNonPositive)
}

// TestReadmePurchaseRecords holds the README's "From purchase records"
// snippet to the program ExampleSegmentSummary_Segment_readme runs, line
// for line.
func TestReadmePurchaseRecords(t *testing.T) {
	snippet, program, err := readme.Snippet("README.md", "## From purchase records", "example_summary_test.go")
	require.NoError(t, err)
	assert.Equal(t, program, snippet)
}

// Enough customers that Summary counts them in parts, on several cores:
// the parts add up to the reference.
func TestSummaryInParts(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	log := make([]clv.Purchase, 0, 400_000)
	start := at("2023-01-01T00:00:00Z")
	for i := range cap(log) {
		log = append(log, clv.Purchase{
			Customer: fmt.Sprint("c", rng.IntN(200_000)), // some 170,000 of them
			Time:     start.Add(time.Duration(rng.Int64N(int64(700 * 24 * time.Hour)))),
			Amount:   decimal.New(rng.Int64N(10_000)-500, -2),
			Segment:  []string{"a", "b", "c", "d"}[i%4],
		})
	}
	acc, _ := clv.NewAccumulator(clv.Month)
	require.NoError(t, acc.AddAll(slices.Values(log)))
	assertSummary(t, refSummary(clv.Month, log), acc.Summary())
}

// The summaries of a log's parts split by customer add up to the
// summary of the whole, window for window, segment for segment.
func TestAddSummaries(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	for _, p := range []clv.Period{clv.Week, clv.Month, clv.Quarter, clv.Year} {
		for _, span := range []int{1, 12, 150} {
			log := randomLog(rng, 1+rng.IntN(500), p, span)
			parts := make([][]clv.Purchase, 1+rng.IntN(5))
			for _, x := range log {
				k := int(crc32.ChecksumIEEE([]byte(x.Customer))) % len(parts)
				parts[k] = append(parts[k], x)
			}
			var sums []clv.Summary
			for _, part := range parts {
				acc, _ := clv.NewAccumulator(p)
				require.NoError(t, acc.AddAll(slices.Values(part)))
				sums = append(sums, acc.Summary())
			}
			got, err := clv.AddSummaries(sums...)
			require.NoError(t, err)
			assertSummary(t, refSummary(p, log), got)
		}
	}
	empty, err := clv.AddSummaries()
	require.NoError(t, err)
	assert.Empty(t, empty.Windows)

	week, _ := clv.NewAccumulator(clv.Week)
	require.NoError(t, week.Add(buy("a", "2024-01-01T00:00:00Z", "1", "")))
	month, _ := clv.NewAccumulator(clv.Month)
	require.NoError(t, month.Add(buy("b", "2024-01-01T00:00:00Z", "1", "")))
	_, err = clv.AddSummaries(week.Summary(), month.Summary())
	require.ErrorIs(t, err, clv.ErrInconsistent)
	far, _ := clv.NewAccumulator(clv.Week)
	require.NoError(t, far.Add(buy("c", "2050-01-01T00:00:00Z", "1", "")))
	_, err = clv.AddSummaries(week.Summary(), far.Summary())
	require.ErrorIs(t, err, clv.ErrOutOfRange)
	_, err = clv.AddSummaries(clv.Summary{Period: clv.Period(7)})
	require.ErrorIs(t, err, clv.ErrUnknownPeriod)
}

// A log that ends within a window, or starts after a window's first day,
// leaves that window partial; a segment is priced, and its churn taken,
// without a partial last window, whose customers have not had the whole
// window to come back.
func TestPartialWindows(t *testing.T) {
	log := []clv.Purchase{
		buy("a", "2025-10-15T00:00:00Z", "10", "web"),
		buy("b", "2025-10-20T00:00:00Z", "20", "web"),
		buy("c", "2025-10-21T00:00:00Z", "30", "web"),
		buy("a", "2025-11-02T00:00:00Z", "10", "web"),
		buy("b", "2025-11-30T23:59:59Z", "20", "web"),
		buy("a", "2025-12-03T10:00:00Z", "40", "web"), // the log ends on December 3rd
	}
	acc, _ := clv.NewAccumulator(clv.Month)
	require.NoError(t, acc.AddAll(slices.Values(log)))
	s := acc.Summary()
	assert.Equal(t, time.Date(2025, 10, 15, 0, 0, 0, 0, time.UTC), s.First)
	assert.Equal(t, time.Date(2025, 12, 3, 0, 0, 0, 0, time.UTC), s.Last)
	require.Len(t, s.Windows, 3)
	assert.Equal(t, []bool{true, false, true}, []bool{s.Windows[0].Partial, s.Windows[1].Partial, s.Windows[2].Partial})
	assert.True(t, s.Segments[0].Windows[2].Partial)

	// December's one customer of November's two would be a churn of 0.5;
	// left out, the churn is November's, 1 of 3, and the price November's.
	seg, err := s.Segments[0].Segment()
	require.NoError(t, err)
	assert.True(t, seg.Lifespan.ChurnRate.Equal(dec("0.3333333333")), "%v", seg.Lifespan.ChurnRate)
	assert.True(t, seg.Window.Equal(clv.Window{Revenue: dec("30"), Purchases: 2, Customers: 2, Period: clv.Month}), "%+v", seg.Window)

	// The log's last day is the window's last: whole. A week's window
	// runs Monday to Sunday.
	acc, _ = clv.NewAccumulator(clv.Week)
	require.NoError(t, acc.AddAll(slices.Values([]clv.Purchase{buy("a", "2025-12-01T00:00:00Z", "1", ""), buy("b", "2025-12-14T12:00:00Z", "1", "")})))
	s = acc.Summary()
	require.Len(t, s.Windows, 2)
	assert.False(t, s.Windows[0].Partial || s.Windows[1].Partial)

	// Summaries of parts add up to the whole's span and marks.
	a1, _ := clv.NewAccumulator(clv.Month)
	a2, _ := clv.NewAccumulator(clv.Month)
	require.NoError(t, a1.AddAll(slices.Values(log[:3])))
	require.NoError(t, a2.AddAll(slices.Values(log[3:])))
	sum, err := clv.AddSummaries(a2.Summary(), a1.Summary())
	require.NoError(t, err)
	acc, _ = clv.NewAccumulator(clv.Month)
	require.NoError(t, acc.AddAll(slices.Values(log)))
	whole := acc.Summary()
	assert.Equal(t, whole.First, sum.First)
	assert.Equal(t, whole.Last, sum.Last)
	for i := range whole.Windows {
		assert.Equal(t, whole.Windows[i].Partial, sum.Windows[i].Partial, "window %d", i)
	}
}
