package btyd_test

import (
	"bytes"
	"cmp"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// refSummary is the obvious, slow summary of a log, kept apart from the
// package's: per customer a map from UTC date to the day's amounts, in
// decimals; days between dates by the calendar.
type refSummary struct {
	unitDays        float64
	calEnd, holdEnd time.Time
	order           []string
	days            map[string]map[time.Time]decimal.Decimal
	// segments holds the first segment, by firstSegment, of each
	// customer's purchases of each day.
	segments map[string]map[time.Time]string
	totals   btyd.Totals
}

func utcDate(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func newRefSummary(unitDays float64, calEnd, holdEnd time.Time) *refSummary {
	return &refSummary{unitDays: unitDays, calEnd: utcDate(calEnd), holdEnd: utcDate(holdEnd), days: map[string]map[time.Time]decimal.Decimal{}}
}

func (r *refSummary) add(p clv.Purchase) {
	r.totals.Rows++
	d := utcDate(p.Time)
	if r.totals.First.IsZero() || d.Before(r.totals.First) {
		r.totals.First = d
	}
	if d.After(r.totals.Last) {
		r.totals.Last = d
	}
	switch {
	case p.Amount.Sign() < 0:
		r.totals.Refunds++
	case d.After(r.holdEnd):
		r.totals.Later++
	default:
		r.totals.Purchases++
		m, ok := r.days[p.Customer]
		if !ok {
			m = map[time.Time]decimal.Decimal{}
			r.days[p.Customer] = m
			r.order = append(r.order, p.Customer)
		}
		m[d] = m[d].Add(p.Amount)
		if r.segments == nil {
			r.segments = map[string]map[time.Time]string{}
		}
		if r.segments[p.Customer] == nil {
			r.segments[p.Customer] = map[time.Time]string{}
		}
		if s, ok := r.segments[p.Customer][d]; !ok || firstSegment(p.Customer, s, p.Segment) != s {
			r.segments[p.Customer][d] = p.Segment
		}
	}
}

func (r *refSummary) base() []btyd.Customer {
	var out []btyd.Customer
	r.totals.Customers, r.totals.Late = 0, 0
	between := func(a, b time.Time) float64 { return float64(b.Sub(a)/(24*time.Hour)) / r.unitDays }
	for _, id := range r.order {
		var dates []time.Time
		for d := range r.days[id] {
			dates = append(dates, d)
		}
		slices.SortFunc(dates, time.Time.Compare)
		if dates[0].After(r.calEnd) {
			r.totals.Late++
			continue
		}
		r.totals.Customers++
		c := btyd.Customer{ID: id, Segment: r.segments[id][dates[0]], T: between(dates[0], r.calEnd), Spend: decimal.Zero, HoldoutSpend: decimal.Zero}
		repeat := decimal.Zero
		for i, d := range dates {
			amount := r.days[id][d]
			switch {
			case d.After(r.calEnd):
				c.HoldoutX++
				c.HoldoutSpend = c.HoldoutSpend.Add(amount)
			case i > 0:
				c.X++
				c.Tx = between(dates[0], d)
				repeat = repeat.Add(amount)
			}
		}
		if c.X > 0 {
			c.Spend = repeat.DivRound(decimal.NewFromInt(c.X), clv.DefaultScale)
		}
		out = append(out, c)
	}
	return out
}

// histories groups customers by (x, t_x, T).
func histories(cs []btyd.Customer) []btyd.History {
	var hs []btyd.History
	for _, c := range cs {
		hs = append(hs, c.History())
	}
	slices.SortFunc(hs, func(a, b btyd.History) int {
		return cmp.Or(cmp.Compare(a.X, b.X), cmp.Compare(a.Tx, b.Tx), cmp.Compare(a.T, b.T))
	})
	out := []btyd.History{}
	for _, h := range hs {
		if n := len(out); n > 0 && out[n-1].X == h.X && out[n-1].Tx == h.Tx && out[n-1].T == h.T {
			out[n-1].Weight++
			continue
		}
		out = append(out, h)
	}
	return out
}

func assertCustomers(t *testing.T, want, got []btyd.Customer, msgAndArgs ...any) {
	t.Helper()
	require.Equal(t, len(want), len(got), msgAndArgs...)
	for i := range want {
		if !want[i].Equal(got[i]) {
			t.Fatalf("customer %d: want %+v, got %+v %v", i, want[i], got[i], msgAndArgs)
		}
	}
}

// randomLog returns n rows of about n/4 customers around a calibration
// end of 2024-06-30 and a holdout end of 2024-12-31: rows before, in and
// after both, in time zones far from UTC, several on one day, refunds,
// zeros, amounts with up to 30 places, and amounts whose sums overflow
// 64-bit integers.
func randomLog(rng *rand.Rand, n int) []clv.Purchase {
	start := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	zones := []*time.Location{time.UTC, time.FixedZone("-11", -11*3600), time.FixedZone("+14", 14*3600)}
	log := make([]clv.Purchase, n)
	for i := range log {
		var amount decimal.Decimal
		switch rng.IntN(12) {
		case 0:
			amount = decimal.Zero
		case 1:
			amount = decimal.New(-rng.Int64N(10000), -2)
		case 2:
			amount = decimal.New(rng.Int64N(1<<62), int32(rng.IntN(6))-3)
		case 3:
			amount = decimal.New(rng.Int64N(1e12), -int32(rng.IntN(31)))
		case 4:
			amount = decimal.RequireFromString("999999999999999999999.5")
		default:
			amount = decimal.New(rng.Int64N(100000), -2)
		}
		when := start.Add(time.Duration(rng.Int64N(int64(800 * 24 * time.Hour))))
		log[i] = clv.Purchase{
			Customer: fmt.Sprintf("customer-%d", rng.IntN(n/4+1)),
			Time:     when.In(zones[rng.IntN(len(zones))]),
			Amount:   amount,
			Segment:  randomSegments[rng.IntN(len(randomSegments))],
		}
		if i > 0 && rng.IntN(5) == 0 { // another purchase that day
			log[i].Customer, log[i].Time = log[i-1].Customer, log[i-1].Time.Add(time.Duration(rng.IntN(3600))*time.Second)
		}
	}
	return log
}

// randomSegments are the segments of randomLog's rows: the empty one, names
// that order otherwise in bytes than in letters, and a long one.
var randomSegments = []string{"", "app", "App", "email", "é-mail", strings.Repeat("s", 256)}

var (
	randomCalibrationEnd = day("2024-06-30")
	randomHoldoutEnd     = day("2024-12-31")
)

func TestSummarizerMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 40 {
		log := randomLog(rng, 1+rng.IntN(2000))
		unit := []clv.Period{clv.Week, clv.Month, clv.Quarter, clv.Year}[round%4]
		ref := newRefSummary(map[clv.Period]float64{clv.Week: 7, clv.Month: 30.4375, clv.Quarter: 91.3125, clv.Year: 365.25}[unit],
			randomCalibrationEnd, randomHoldoutEnd)
		for _, p := range log {
			ref.add(p)
		}
		want := ref.base()
		for _, all := range []bool{false, true} {
			s, err := btyd.NewSummarizer(randomCalibrationEnd, btyd.WithHoldout(randomHoldoutEnd), btyd.WithUnit(unit))
			require.NoError(t, err)
			if all {
				require.NoError(t, s.AddAll(slices.Values(log)))
			} else {
				for _, p := range log {
					require.NoError(t, s.Add(p))
				}
			}
			b := s.Base()
			assert.Equal(t, unit, b.Unit)
			assertCustomers(t, want, b.Customers, "round", round, "AddAll", all)
			assert.Equal(t, histories(want), s.Histories())
			assert.Equal(t, ref.totals, s.Totals())
		}
	}
}

func TestAddAllEqualsAdd(t *testing.T) {
	// Enough rows for AddAll's shards to run on their own goroutines.
	rng := rand.New(rand.NewPCG(3, 4))
	log := randomLog(rng, 60_000)
	a, _ := btyd.NewSummarizer(randomCalibrationEnd, btyd.WithHoldout(randomHoldoutEnd))
	b, _ := btyd.NewSummarizer(randomCalibrationEnd, btyd.WithHoldout(randomHoldoutEnd))
	require.NoError(t, a.AddAll(slices.Values(log)))
	for _, p := range log {
		require.NoError(t, b.Add(p))
	}
	assertCustomers(t, b.Base().Customers, a.Base().Customers)
	assert.Equal(t, b.Histories(), a.Histories())
	assert.Equal(t, b.Totals(), a.Totals())
	// Adding more after reading the figures continues the same summary.
	more := randomLog(rng, 30_000)
	require.NoError(t, a.AddAll(slices.Values(more)))
	for _, p := range more {
		require.NoError(t, b.Add(p))
	}
	assertCustomers(t, b.Base().Customers, a.Base().Customers)
}

func byID(cs []btyd.Customer) []btyd.Customer {
	cs = slices.Clone(cs)
	slices.SortFunc(cs, func(a, b btyd.Customer) int { return strings.Compare(a.ID, b.ID) })
	return cs
}

func TestSummaryIndependentOfOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 10 {
		log := randomLog(rng, 3000)
		a, _ := btyd.NewSummarizer(randomCalibrationEnd, btyd.WithHoldout(randomHoldoutEnd))
		require.NoError(t, a.AddAll(slices.Values(log)))
		rng.Shuffle(len(log), func(i, j int) { log[i], log[j] = log[j], log[i] })
		b, _ := btyd.NewSummarizer(randomCalibrationEnd, btyd.WithHoldout(randomHoldoutEnd))
		require.NoError(t, b.AddAll(slices.Values(log)))
		assertCustomers(t, byID(a.Base().Customers), byID(b.Base().Customers))
		assert.Equal(t, a.Histories(), b.Histories())
	}
}

func TestMergeEqualsWhole(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for round := range 30 {
		log := randomLog(rng, 1+rng.IntN(3000))
		whole, _ := btyd.NewSummarizer(randomCalibrationEnd, btyd.WithHoldout(randomHoldoutEnd))
		require.NoError(t, whole.AddAll(slices.Values(log)))

		parts := make([]*btyd.Summarizer, 1+rng.IntN(4))
		for k := range parts {
			parts[k], _ = btyd.NewSummarizer(randomCalibrationEnd, btyd.WithHoldout(randomHoldoutEnd))
		}
		contiguous := round%2 == 0 // consecutive runs of rows, or any split
		for i, p := range log {
			k := rng.IntN(len(parts))
			if contiguous {
				k = i * len(parts) / len(log)
			}
			require.NoError(t, parts[k].Add(p))
		}
		for _, p := range parts[1:] {
			before := p.Base()
			require.NoError(t, parts[0].Merge(p))
			assertCustomers(t, before.Customers, p.Base().Customers, "merge leaves its argument as it was")
		}
		got := parts[0]
		assert.Equal(t, whole.Histories(), got.Histories())
		assert.Equal(t, whole.Totals(), got.Totals())
		if contiguous {
			// In the order of the rows, as if added at once.
			assertCustomers(t, whole.Base().Customers, got.Base().Customers)
		} else {
			assertCustomers(t, byID(whole.Base().Customers), byID(got.Base().Customers))
		}
	}
}

// Rows split between Summarizers at random, each given its rows in
// batches that arrive in any order, as a parallel reader's shards get
// them, merge to the whole log's customers in the whole log's order when
// the rows carry their places: so every figure summed over the Base, in
// floating point, is the same to the last bit however the log was split.
func TestPlacedMergeEqualsWhole(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for round := range 30 {
		log := randomLog(rng, 1+rng.IntN(3000))
		whole, _ := btyd.NewSummarizer(randomCalibrationEnd, btyd.WithHoldout(randomHoldoutEnd))
		require.NoError(t, whole.AddAll(slices.Values(log)))

		parts := make([][]int, 1+rng.IntN(4)) // rows by part, in the log's order
		for i := range log {
			k := rng.IntN(len(parts))
			parts[k] = append(parts[k], i)
		}
		var sums []*btyd.Summarizer
		for _, rows := range parts {
			var batches [][]int
			for len(rows) > 0 {
				k := min(len(rows), 1+rng.IntN(50))
				batches, rows = append(batches, rows[:k]), rows[k:]
			}
			rng.Shuffle(len(batches), func(i, j int) { batches[i], batches[j] = batches[j], batches[i] })
			s, _ := btyd.NewSummarizer(randomCalibrationEnd, btyd.WithHoldout(randomHoldoutEnd))
			for _, batch := range batches {
				var rows []clv.Row
				var places []int64
				for _, i := range batch {
					place := int64(3*i + 2) // lines, say, with some not rows
					if r, ok := rowOf(log[i]); ok {
						rows, places = append(rows, r), append(places, place)
					} else { // beyond a Row, as a parallel reader adds them
						require.NoError(t, s.AddAt(log[i], place))
					}
				}
				n, err := s.AddRowsAt(rows, places)
				require.NoError(t, err)
				require.Equal(t, len(rows), n)
			}
			sums = append(sums, s)
		}
		rng.Shuffle(len(sums), func(i, j int) { sums[i], sums[j] = sums[j], sums[i] })
		got, _ := btyd.NewSummarizer(randomCalibrationEnd, btyd.WithHoldout(randomHoldoutEnd))
		for _, s := range sums {
			require.NoError(t, got.Merge(s))
		}
		assertCustomers(t, whole.Base().Customers, got.Base().Customers, "round", round)
		assert.Equal(t, whole.Histories(), got.Histories())
		assert.Equal(t, whole.Totals(), got.Totals())

		// The encoding keeps the order, though places pass the rows.
		data, err := got.MarshalBinary()
		require.NoError(t, err)
		var decoded btyd.Summarizer
		require.NoError(t, decoded.UnmarshalBinary(data), "round %d", round)
		assertCustomers(t, whole.Base().Customers, decoded.Base().Customers, "round", round)
	}
}

// The span is the days of the first and last rows of every kind — a
// refund before the first purchase, a row after the holdout end — by
// each way of adding rows, and Merge and the encoding keep it. A row
// that fails widens nothing.
func TestSummarizerSpan(t *testing.T) {
	log := []clv.Purchase{
		{Customer: "a", Time: day("2024-03-10"), Amount: dec("10")},
		{Customer: "b", Time: time.Date(2024, 2, 1, 1, 0, 0, 0, time.FixedZone("+3", 3*3600)), Amount: dec("-4")}, // 2024-01-31 in UTC
		{Customer: "a", Time: day("2024-08-01"), Amount: dec("5")},                                                // the holdout
		{Customer: "c", Time: day("2025-02-03"), Amount: dec("7")},                                                // after it
	}
	want := btyd.Totals{Rows: 4, Purchases: 2, Later: 1, Refunds: 1, Customers: 1, First: day("2024-01-31"), Last: day("2025-02-03")}
	newSum := func() *btyd.Summarizer {
		s, err := btyd.NewSummarizer(randomCalibrationEnd, btyd.WithHoldout(randomHoldoutEnd))
		require.NoError(t, err)
		return s
	}
	add := newSum()
	for _, p := range log {
		require.NoError(t, add.Add(p))
	}
	assert.Equal(t, want, add.Totals(), "Add")
	all := newSum()
	require.NoError(t, all.AddAll(slices.Values(log)))
	assert.Equal(t, want, all.Totals(), "AddAll")
	var rows []clv.Row
	for _, p := range log {
		r, ok := rowOf(p)
		require.True(t, ok)
		rows = append(rows, r)
	}
	byRows := newSum()
	_, err := byRows.AddRowsAt(rows, []int64{3, 2, 1, 0})
	require.NoError(t, err)
	assert.Equal(t, want, byRows.Totals(), "AddRowsAt")

	// Each row alone, merged: the first part sets the span, and the
	// others widen it, whichever way.
	merged := newSum()
	for _, k := range []int{2, 3, 1, 0} {
		part := newSum()
		require.NoError(t, part.Add(log[k]))
		require.NoError(t, merged.Merge(part))
	}
	assert.Equal(t, want, merged.Totals(), "Merge")
	assert.Equal(t, want, decodedSummarizer(t, merged).Totals(), "decoded")

	// A failed row changes nothing; no rows, no span.
	require.Error(t, add.Add(clv.Purchase{Customer: "", Time: day("2030-01-01"), Amount: dec("1")}))
	assert.Equal(t, want, add.Totals())
	assert.Equal(t, btyd.Totals{}, newSum().Totals())
	assert.Equal(t, btyd.Totals{}, decodedSummarizer(t, newSum()).Totals())
}

func TestAddRowsAtErrors(t *testing.T) {
	at := day("2024-02-03")
	good := clv.Row{Customer: []byte("a"), Time: at, Units: 1999, Places: 2}
	s, _ := btyd.NewSummarizer(day("2024-12-31"))
	n, err := s.AddRowsAt([]clv.Row{good, good}, []int64{1})
	require.ErrorIs(t, err, clv.ErrInconsistent)
	assert.Equal(t, "btyd: add rows: 1 places for 2 rows: clv: inconsistent", err.Error())
	assert.Zero(t, n)
	assert.Zero(t, s.Totals().Rows, "nothing added")

	n, err = s.AddRowsAt([]clv.Row{good, good, good}, []int64{4, 5, -1})
	require.ErrorIs(t, err, clv.ErrNegative)
	assert.Equal(t, "btyd: add rows: row 3: place = -1: clv: must not be negative", err.Error())
	assert.Equal(t, 2, n)

	err = s.AddAt(clv.Purchase{Customer: "a", Time: at, Amount: decimal.NewFromInt(1)}, -1)
	require.ErrorIs(t, err, clv.ErrNegative)
	assert.Equal(t, int64(2), s.Totals().Rows)

	var zero btyd.Summarizer
	_, err = zero.AddRowsAt([]clv.Row{good}, []int64{0})
	require.ErrorIs(t, err, clv.ErrMissing)
	require.ErrorIs(t, zero.AddAt(clv.Purchase{Customer: "a", Time: at}, 0), clv.ErrMissing)
}

func TestSummarizerCDNOW(t *testing.T) {
	s := cdnowSummary(t)
	b := s.Base()
	assert.Equal(t, clv.Week, b.Unit)
	assert.Equal(t, 39.0, b.Holdout)
	require.Len(t, b.Customers, 2357)
	var sumX, repeaters, holdout int64
	for _, c := range b.Customers {
		sumX += c.X
		holdout += c.HoldoutX
		if c.X > 0 {
			repeaters++
		}
	}
	assert.Equal(t, int64(2457), sumX)
	assert.Equal(t, int64(946), repeaters)
	assert.Equal(t, int64(1882), holdout)
	// Customer 1 bought on 1997-01-01, 01-18 (29.73), 08-02 (14.96) and,
	// in the holdout, 12-12 (26.48).
	c := b.Customers[0]
	assert.Equal(t, "0001", c.ID)
	assert.Equal(t, int64(2), c.X)
	assert.Equal(t, 213.0/7, c.Tx) // 30.43 weeks
	assert.Equal(t, 272.0/7, c.T)  // 38.86 weeks
	assert.True(t, c.Spend.Equal(dec("22.345")), c.Spend.String())
	assert.Equal(t, int64(1), c.HoldoutX)
	assert.True(t, c.HoldoutSpend.Equal(dec("26.48")))
	assert.Equal(t, btyd.Totals{Rows: 6919, Purchases: 6919, Customers: 2357, First: day("1997-01-01"), Last: day("1998-06-30")}, s.Totals())
	hs := s.Histories()
	var w int64
	for _, h := range hs {
		w += h.Weight
	}
	assert.Equal(t, int64(2357), w)
	assert.True(t, slices.IsSortedFunc(hs, func(a, b btyd.History) int {
		return cmp.Or(cmp.Compare(a.X, b.X), cmp.Compare(a.Tx, b.Tx), cmp.Compare(a.T, b.T))
	}))
}

func TestSummarizerTime(t *testing.T) {
	s, err := btyd.NewSummarizer(time.Date(2024, 3, 31, 18, 0, 0, 0, time.UTC), btyd.WithHoldout(day("2024-04-07")))
	require.NoError(t, err)
	buy := func(id string, when time.Time) {
		require.NoError(t, s.Add(clv.Purchase{Customer: id, Time: when, Amount: dec("10")}))
	}
	buy("a", day("2024-03-03"))
	buy("a", time.Date(2024, 3, 31, 23, 59, 59, 0, time.UTC))                    // the calibration end's day, any time of it
	buy("a", time.Date(2024, 3, 31, 20, 0, 0, 0, time.FixedZone("-5", -5*3600))) // 2024-04-01 01:00 UTC: the holdout
	buy("a", day("2024-04-08"))                                                  // after the holdout: left out
	buy("b", time.Date(2024, 4, 1, 2, 0, 0, 0, time.FixedZone("+3", 3*3600)))    // 2024-03-31 23:00 UTC
	buy("c", day("2024-04-02"))                                                  // first seen in the holdout
	b := s.Base()
	require.Len(t, b.Customers, 2)
	assert.Equal(t, 1.0, b.Holdout)
	a := b.Customers[0]
	assert.Equal(t, btyd.Customer{ID: "a", X: 1, Tx: 4, T: 4, Spend: a.Spend, HoldoutX: 1, HoldoutSpend: a.HoldoutSpend}, a)
	assert.True(t, a.Spend.Equal(dec("10")))
	assert.True(t, a.HoldoutSpend.Equal(dec("10")))
	assert.Equal(t, "b", b.Customers[1].ID)
	assert.Equal(t, 0.0, b.Customers[1].T)
	assert.Equal(t, btyd.Totals{Rows: 6, Purchases: 5, Later: 1, Customers: 2, Late: 1, First: day("2024-03-03"), Last: day("2024-04-08")}, s.Totals())
}

func TestSummarizerDays(t *testing.T) {
	// Rows of one day are one purchase of their amounts; refunds change
	// nothing but their count; zero is a purchase of no value.
	s, _ := btyd.NewSummarizer(day("2024-12-31"), btyd.WithUnit(clv.Month))
	for _, r := range []struct{ when, amount string }{
		{"2024-01-10", "5"}, {"2024-01-10", "7.50"}, // the first day: 12.50
		{"2024-03-01", "20"}, {"2024-03-01", "-20"}, // a refund the same day
		{"2024-05-01", "0"},
		{"2024-02-01", "30.25"}, // out of order
		{"2024-06-15", "-3"},    // a refund alone
	} {
		require.NoError(t, s.Add(clv.Purchase{Customer: "x", Time: day(r.when), Amount: dec(r.amount)}))
	}
	c := s.Base().Customers[0]
	assert.Equal(t, int64(3), c.X) // 02-01, 03-01, 05-01
	assert.Equal(t, 112.0/30.4375, c.Tx)
	assert.Equal(t, 356.0/30.4375, c.T)
	assert.True(t, c.Spend.Equal(dec("16.75")), c.Spend.String()) // (30.25 + 20 + 0) / 3
	assert.Equal(t, int64(2), s.Totals().Refunds)
}

func TestSummarizerSpendRounding(t *testing.T) {
	s, _ := btyd.NewSummarizer(day("2024-12-31"))
	for i, a := range []string{"1", "1", "1", "0.01"} {
		require.NoError(t, s.Add(clv.Purchase{Customer: "x", Time: day("2024-01-01").AddDate(0, 0, i), Amount: dec(a)}))
	}
	// (1 + 1 + 0.01) / 3 = 0.67, to 10 places half away from zero.
	assert.Equal(t, "0.6700000000", s.Base().Customers[0].Spend.StringFixed(10))
	s, _ = btyd.NewSummarizer(day("2024-12-31"))
	for i, a := range []string{"5", "2", "0.000000000050"} {
		require.NoError(t, s.Add(clv.Purchase{Customer: "x", Time: day("2024-01-01").AddDate(0, 0, i), Amount: dec(a)}))
	}
	assert.True(t, s.Base().Customers[0].Spend.Equal(dec("1.0000000000")), s.Base().Customers[0].Spend.String()) // 1.000000000025 rounds down
	// An exact half rounds away from zero: 10^−10 / 2.
	s, _ = btyd.NewSummarizer(day("2024-12-31"))
	for i, a := range []string{"5", "0.0000000001", "0"} {
		require.NoError(t, s.Add(clv.Purchase{Customer: "x", Time: day("2024-01-01").AddDate(0, 0, i), Amount: dec(a)}))
	}
	assert.Equal(t, "0.0000000001", s.Base().Customers[0].Spend.String())
}

func TestSummarizerErrors(t *testing.T) {
	_, err := btyd.NewSummarizer(time.Time{})
	assert.ErrorIs(t, err, clv.ErrMissing)
	_, err = btyd.NewSummarizer(day("2024-01-01"), btyd.WithHoldout(day("2024-01-01")))
	assert.ErrorIs(t, err, clv.ErrInconsistent)
	_, err = btyd.NewSummarizer(day("2024-01-01"), btyd.WithUnit(clv.Period(9)))
	assert.ErrorIs(t, err, clv.ErrUnknownPeriod)
	_, err = btyd.NewSummarizer(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC))
	assert.ErrorIs(t, err, clv.ErrOutOfRange)
	_, err = btyd.NewSummarizer(day("2024-01-01"), btyd.WithHoldout(time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC)))
	assert.ErrorIs(t, err, clv.ErrOutOfRange)
	s, err := btyd.NewSummarizer(day("2024-01-01"), nil)
	require.NoError(t, err)

	good := clv.Purchase{Customer: "a", Time: day("2023-05-05"), Amount: dec("1")}
	for _, c := range []struct {
		name string
		p    clv.Purchase
		err  error
	}{
		{"no customer", clv.Purchase{Time: good.Time, Amount: good.Amount}, clv.ErrMissing},
		{"long id", clv.Purchase{Customer: strings.Repeat("x", 257), Time: good.Time, Amount: good.Amount}, clv.ErrOutOfRange},
		{"no time", clv.Purchase{Customer: "a", Amount: good.Amount}, clv.ErrMissing},
		{"year 10000", clv.Purchase{Customer: "a", Time: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), Amount: good.Amount}, clv.ErrOutOfRange},
		{"huge amount", clv.Purchase{Customer: "a", Time: good.Time, Amount: dec("1e24")}, clv.ErrOutOfRange},
		{"huge refund", clv.Purchase{Customer: "a", Time: good.Time, Amount: dec("-1e30")}, clv.ErrOutOfRange},
		{"too many places", clv.Purchase{Customer: "a", Time: good.Time, Amount: decimal.New(1, -31)}, clv.ErrOutOfRange},
	} {
		err := s.Add(c.p)
		assert.ErrorIs(t, err, c.err, c.name)
		assert.Less(t, len(err.Error()), 120, c.name)
	}
	assert.Equal(t, btyd.Totals{}, s.Totals(), "failed rows change nothing")
	// Trailing zeros beyond 30 places are harmless.
	assert.NoError(t, s.Add(clv.Purchase{Customer: "a", Time: good.Time, Amount: decimal.New(10, -31)}))

	// AddAll stops at the first bad row, names it, and keeps those before.
	for _, n := range []int{5, 20_000} {
		log := randomLog(rand.New(rand.NewPCG(9, 9)), n)
		log[n-2].Customer = ""
		s, _ := btyd.NewSummarizer(randomCalibrationEnd, btyd.WithHoldout(randomHoldoutEnd))
		err := s.AddAll(slices.Values(log))
		assert.ErrorIs(t, err, clv.ErrMissing)
		assert.EqualError(t, err, fmt.Sprintf("btyd: add all: purchase %d: customer: clv: missing", n-1))
		before, _ := btyd.NewSummarizer(randomCalibrationEnd, btyd.WithHoldout(randomHoldoutEnd))
		require.NoError(t, before.AddAll(slices.Values(log[:n-2])))
		assertCustomers(t, before.Base().Customers, s.Base().Customers)
		assert.Equal(t, before.Totals(), s.Totals())
	}

	// The zero Summarizer refuses, and never panics.
	var zero btyd.Summarizer
	assert.ErrorIs(t, zero.Add(good), clv.ErrMissing)
	assert.ErrorIs(t, zero.AddAll(slices.Values([]clv.Purchase{good})), clv.ErrMissing)
	assert.ErrorIs(t, zero.Merge(s), clv.ErrMissing)
	assert.ErrorIs(t, s.Merge(&zero), clv.ErrMissing)
	assert.ErrorIs(t, s.Merge(nil), clv.ErrMissing)
	assert.Empty(t, zero.Base().Customers)
	assert.Empty(t, zero.Histories())
	assert.Equal(t, btyd.Totals{}, zero.Totals())
	assert.ErrorIs(t, s.Merge(s), clv.ErrInconsistent)
	other, _ := btyd.NewSummarizer(day("2024-01-02"))
	assert.ErrorIs(t, s.Merge(other), clv.ErrInconsistent)
	other, _ = btyd.NewSummarizer(day("2024-01-01"), btyd.WithUnit(clv.Month))
	assert.ErrorIs(t, s.Merge(other), clv.ErrInconsistent)
}

// Adding a purchase allocates nothing, even where its segment is looked
// up: purchases going back in time, each day's first a new first day,
// its others of segments of lesser and greater names.
func TestAddAllocatesNothing(t *testing.T) {
	s, _ := btyd.NewSummarizer(day("2024-12-31"))
	p := clv.Purchase{Customer: "someone", Time: day("2024-02-03"), Amount: dec("19.99")}
	segments := []string{"web", "app", "email"}
	for _, seg := range segments {
		p.Segment = seg
		require.NoError(t, s.Add(p))
	}
	i := 0
	allocs := testing.AllocsPerRun(10_000, func() {
		p.Time, p.Segment = p.Time.Add(-time.Hour), segments[i%len(segments)]
		i++
		if err := s.Add(p); err != nil {
			t.Fatal(err)
		}
	})
	assert.Less(t, allocs, 0.01)
	assert.Equal(t, firstSegment("someone", segments...), s.Base().Customers[0].Segment)
}

// firstSegment returns the segment a customer whose first day names
// segments has: the one of least 64-bit FNV-1a hash (by hash/fnv) of the
// id, a byte 0xff and the segment, then of least name.
func firstSegment(id string, segments ...string) string {
	rank := func(segment string) uint64 {
		h := fnv.New64a()
		h.Write([]byte(id + "\xff" + segment))
		return h.Sum64()
	}
	return slices.MinFunc(segments, func(a, b string) int {
		return cmp.Or(cmp.Compare(rank(a), rank(b)), strings.Compare(a, b))
	})
}

// FuzzSummarizer checks the summary of any rows against the reference,
// and AddAll and a merge of two halves against Add.
func FuzzSummarizer(f *testing.F) {
	f.Add([]byte{1, 10, 5, 2, 2, 0, 12, 200, 1, 1, 1, 30, 7, 0, 3, 2, 40, 1, 128, 9})
	f.Add([]byte{0, 255, 255, 255, 255, 255, 1, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		// Six bytes a row: customer (and segment, in its high bits), day
		// (two bytes, around 2024), hour and zone, amount's units and its
		// exponent.
		zones := []*time.Location{time.UTC, time.FixedZone("-11", -11*3600), time.FixedZone("+14", 14*3600)}
		var log []clv.Purchase
		for i := 0; i+6 <= len(data) && len(log) < 300; i += 6 {
			when := day("2023-06-01").AddDate(0, 0, int(data[i+1])|int(data[i+2]&3)<<8).Add(time.Duration(data[i+3]%24) * time.Hour)
			amount := decimal.New(int64(int8(data[i+4]))*int64(data[i+4]), int32(data[i+5]%40)-20)
			if data[i+5] > 240 {
				amount = decimal.New(int64(data[i+4])<<55, 0) // sums overflow int64
			}
			log = append(log, clv.Purchase{
				Customer: fmt.Sprintf("c%d", data[i]%16),
				Time:     when.In(zones[int(data[i+3])%len(zones)]),
				Amount:   amount,
				Segment:  randomSegments[int(data[i]/16)%len(randomSegments)],
			})
		}
		ref := newRefSummary(7, randomCalibrationEnd, randomHoldoutEnd)
		one, _ := btyd.NewSummarizer(randomCalibrationEnd, btyd.WithHoldout(randomHoldoutEnd))
		for _, p := range log {
			err := one.Add(p)
			if err != nil {
				if !isSentinel(err) {
					t.Fatal(err)
				}
				continue
			}
			ref.add(p)
		}
		want := ref.base()
		assertCustomers(t, want, one.Base().Customers)
		assert.Equal(t, ref.totals, one.Totals())

		// The same rows as clv.Rows, where they can be, in one call.
		rowed, _ := btyd.NewSummarizer(randomCalibrationEnd, btyd.WithHoldout(randomHoldoutEnd))
		added, _ := btyd.NewSummarizer(randomCalibrationEnd, btyd.WithHoldout(randomHoldoutEnd))
		var rows []clv.Row
		for _, p := range log {
			if r, ok := rowOf(p); ok && added.Add(p) == nil {
				rows = append(rows, r)
			}
		}
		n, err := rowed.AddRows(rows)
		require.NoError(t, err)
		require.Equal(t, len(rows), n)
		assertCustomers(t, added.Base().Customers, rowed.Base().Customers)
		assert.Equal(t, added.Totals(), rowed.Totals())

		a, _ := btyd.NewSummarizer(randomCalibrationEnd, btyd.WithHoldout(randomHoldoutEnd))
		b, _ := btyd.NewSummarizer(randomCalibrationEnd, btyd.WithHoldout(randomHoldoutEnd))
		for i, p := range log {
			part := a
			if i%2 == 1 {
				part = b
			}
			_ = part.Add(p)
		}
		require.NoError(t, a.Merge(b))
		assertCustomers(t, byID(want), byID(a.Base().Customers))
		assert.Equal(t, histories(want), a.Histories())

		// Opportunities: an error or consistent figures, the Base's
		// customers in its order.
		base := one.Base().Customers
		for _, every := range []clv.Period{clv.Week, clv.Month, clv.Quarter, clv.Year} {
			o, err := one.Opportunities(every)
			if err != nil {
				if !isSentinel(err) {
					t.Fatal(err)
				}
				continue
			}
			require.Len(t, o.Customers, len(base))
			var fresh, weight int64
			for i, c := range o.Customers {
				require.Equal(t, base[i].ID, c.ID)
				ok := 0 <= c.X && c.X <= c.Tx && c.Tx <= c.N && (c.X == 0) == (c.Tx == 0) &&
					c.X <= base[i].X && 0 <= c.HoldoutX && c.HoldoutX <= o.Holdout && c.HoldoutX <= base[i].HoldoutX &&
					c.Spend.Sign() >= 0 && (c.X > 0 || c.Spend.IsZero())
				require.True(t, ok, "%s: %+v of %+v", every, c, base[i])
				if c.N == 0 {
					fresh++
				}
			}
			for _, h := range o.Histories {
				_, err := btyd.BGBB{Alpha: 1, Beta: 1, Gamma: 1, Delta: 1}.LogLikelihood(h.X, h.Tx, h.N)
				require.NoError(t, err, "a history BG/BB takes: %+v", h)
				require.Positive(t, h.Weight)
				weight += h.Weight
			}
			require.Equal(t, fresh, o.New)
			require.Equal(t, int64(len(base)), weight+fresh)
		}
	})
}

// rowOf returns p as a clv.Row, if its amount is an int64 count of at
// most clv.MaxScale places.
func rowOf(p clv.Purchase) (clv.Row, bool) {
	d := p.Amount
	if d.Exponent() > 0 {
		d = decimal.NewFromBigInt(d.BigInt(), 0)
	}
	if !d.Coefficient().IsInt64() || -d.Exponent() > clv.MaxScale {
		return clv.Row{}, false
	}
	return clv.Row{Customer: []byte(p.Customer), Time: p.Time, Units: d.CoefficientInt64(), Places: -d.Exponent(), Segment: []byte(p.Segment)}, true
}

func TestAddRowsEqualsAdd(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var log []clv.Purchase
	var rows []clv.Row
	for _, p := range randomLog(rng, 20_000) {
		if r, ok := rowOf(p); ok {
			log, rows = append(log, p), append(rows, r)
		}
	}
	require.Greater(t, len(rows), 15_000)
	a, _ := btyd.NewSummarizer(randomCalibrationEnd, btyd.WithHoldout(randomHoldoutEnd), btyd.WithUnit(clv.Month))
	b, _ := btyd.NewSummarizer(randomCalibrationEnd, btyd.WithHoldout(randomHoldoutEnd), btyd.WithUnit(clv.Month))
	for len(rows) > 0 { // in uneven runs
		k := min(len(rows), 1+rng.IntN(300))
		n, err := a.AddRows(rows[:k])
		require.NoError(t, err)
		require.Equal(t, k, n)
		rows = rows[k:]
	}
	for _, p := range log {
		require.NoError(t, b.Add(p))
	}
	assertCustomers(t, b.Base().Customers, a.Base().Customers)
	assert.Equal(t, b.Histories(), a.Histories())
	assert.Equal(t, b.Totals(), a.Totals())
}

func TestAddRowsErrors(t *testing.T) {
	at := day("2024-02-03")
	good := clv.Row{Customer: []byte("a"), Time: at, Units: 1999, Places: 2}
	for _, tc := range []struct {
		bad  clv.Row
		want error
		msg  string
	}{
		{clv.Row{Time: at, Units: 1}, clv.ErrMissing, "btyd: add rows: row 3: customer: clv: missing"},
		{clv.Row{Customer: []byte("b"), Units: 1}, clv.ErrMissing, "btyd: add rows: row 3: time: clv: missing"},
		{clv.Row{Customer: []byte("b"), Time: at, Units: 1, Places: 31}, clv.ErrOutOfRange, "btyd: add rows: row 3: places = 31: clv: out of range: must be from 0 to 30"},
		{clv.Row{Customer: []byte("b"), Time: at, Units: 1, Places: -1}, clv.ErrOutOfRange, "btyd: add rows: row 3: places = -1: clv: out of range: must be from 0 to 30"},
		{clv.Row{Customer: bytes.Repeat([]byte("b"), 257), Time: at, Units: 1}, clv.ErrOutOfRange, ""},
	} {
		s, _ := btyd.NewSummarizer(day("2024-12-31"))
		n, err := s.AddRows([]clv.Row{good, good, tc.bad, good})
		require.ErrorIs(t, err, tc.want)
		if tc.msg != "" {
			assert.Equal(t, tc.msg, err.Error())
		}
		assert.Equal(t, 2, n)
		assert.Equal(t, int64(2), s.Totals().Rows, "the rows before the failure stay added, none after")
	}
	var zero btyd.Summarizer
	_, err := zero.AddRows([]clv.Row{good})
	require.ErrorIs(t, err, clv.ErrMissing)
}

func TestAddRowsAllocatesNothing(t *testing.T) {
	s, _ := btyd.NewSummarizer(day("2024-12-31"))
	rows := make([]clv.Row, 100)
	for i := range rows {
		rows[i] = clv.Row{Customer: fmt.Appendf(nil, "customer-%d", i%7), Time: day("2024-02-03").Add(time.Duration(i) * 24 * time.Hour), Units: int64(100 + i), Places: 2, Segment: []byte([]string{"web", "app", "email"}[i%3])}
	}
	_, err := s.AddRows(rows)
	require.NoError(t, err)
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := s.AddRows(rows); err != nil {
			t.Fatal(err)
		}
	})
	assert.Zero(t, allocs)
}

func TestNilSummarizer(t *testing.T) {
	// Every method of a nil *Summarizer returns the error of an unusable
	// one, or the zero Summarizer's answer, and none panics.
	var s *btyd.Summarizer
	good, err := btyd.NewSummarizer(time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	encoded, err := good.MarshalBinary()
	require.NoError(t, err)
	p := clv.Purchase{Customer: "a", Time: time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC), Amount: decimal.NewFromInt(5)}
	tested := map[string]func() error{
		"Add":    func() error { return s.Add(p) },
		"AddAll": func() error { return s.AddAll(slices.Values([]clv.Purchase{p})) },
		"AddRows": func() error {
			n, err := s.AddRows([]clv.Row{{Customer: []byte("a"), Time: p.Time, Units: 5}})
			assert.Zero(t, n)
			return err
		},
		"AddAt": func() error { return s.AddAt(p, 0) },
		"AddRowsAt": func() error {
			n, err := s.AddRowsAt([]clv.Row{{Customer: []byte("a"), Time: p.Time, Units: 5}}, []int64{0})
			assert.Zero(t, n)
			return err
		},
		"Merge": func() error { return s.Merge(good) },
		"MarshalBinary": func() error {
			b, err := s.MarshalBinary()
			assert.Empty(t, b)
			return err
		},
		"AppendBinary": func() error {
			b, err := s.AppendBinary([]byte("x"))
			assert.Equal(t, []byte("x"), b)
			return err
		},
		"UnmarshalBinary": func() error { return s.UnmarshalBinary(encoded) },
		"Opportunities": func() error {
			o, err := s.Opportunities(clv.Month)
			assert.Zero(t, len(o.Customers))
			return err
		},
	}
	answers := map[string]func(){
		"Base":      func() { assert.Equal(t, btyd.Base{}, s.Base()) },
		"Totals":    func() { assert.Equal(t, btyd.Totals{}, s.Totals()) },
		"Histories": func() { assert.Nil(t, s.Histories()) },
		"Unit":      func() { assert.Equal(t, new(btyd.Summarizer).Unit(), s.Unit()) },
	}
	for name, f := range tested {
		var err error
		require.NotPanics(t, func() { err = f() }, name)
		assert.ErrorIs(t, err, clv.ErrMissing, name)
	}
	for name, f := range answers {
		require.NotPanics(t, f, name)
	}
	// The test covers every exported method.
	typ := reflect.TypeOf(s)
	for i := range typ.NumMethod() {
		name := typ.Method(i).Name
		_, a := tested[name]
		_, b := answers[name]
		assert.True(t, a || b, "method %s of a nil *Summarizer is not tested", name)
	}
}

// A customer's segment is the least of the segments of the purchases of
// their first purchase day, whatever the order of the rows; refunds,
// later rows and the days after leave it alone.
func TestSummarizerSegment(t *testing.T) {
	rows := []clv.Purchase{
		{Customer: "a", Time: day("2024-03-02"), Amount: dec("5"), Segment: "app"},    // a later day
		{Customer: "a", Time: day("2024-03-01"), Amount: dec("-5"), Segment: "0-ref"}, // a refund before it
		{Customer: "a", Time: day("2024-03-01").Add(20 * time.Hour), Amount: dec("1"), Segment: "web"},
		{Customer: "a", Time: day("2024-03-01"), Amount: dec("0"), Segment: "email"}, // the same day
		{Customer: "a", Time: day("2024-03-01"), Amount: dec("2"), Segment: "Email"}, // and another
		{Customer: "b", Time: day("2024-05-01"), Amount: dec("3")},                   // no segment
		{Customer: "b", Time: day("2024-05-02"), Amount: dec("3"), Segment: "app"},
		{Customer: "c", Time: day("2025-03-01"), Amount: dec("3"), Segment: "app"},     // after the holdout end
		{Customer: "c", Time: day("2024-08-01"), Amount: dec("3"), Segment: "partner"}, // first, in the holdout
		{Customer: "c", Time: day("2024-06-01"), Amount: dec("3"), Segment: "shop"},    // first of all
	}
	// a's first day names web, email and Email: theirs is the one of
	// least FNV-1a hash of the id, a byte 0xff and the segment.
	first := firstSegment("a", "web", "email", "Email")
	want := map[string]string{"a": first, "b": "", "c": "shop"}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 20 {
		rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
		s, _ := btyd.NewSummarizer(randomCalibrationEnd, btyd.WithHoldout(randomHoldoutEnd))
		require.NoError(t, s.AddAll(slices.Values(rows)))
		got := map[string]string{}
		for _, c := range s.Base().Customers {
			got[c.ID] = c.Segment
		}
		assert.Equal(t, want, got)
	}
	// Customers who buy in two segments on their first day are shared
	// between them about alike, whatever their names: by name, every one
	// would be in the first, and a segment's share of heavy buyers would
	// follow its name.
	s, _ := btyd.NewSummarizer(randomCalibrationEnd)
	for i := range 2000 {
		id := fmt.Sprintf("cus_%d", i)
		require.NoError(t, s.Add(clv.Purchase{Customer: id, Time: day("2024-03-01"), Amount: dec("1"), Segment: "zz-shop"}))
		require.NoError(t, s.Add(clv.Purchase{Customer: id, Time: day("2024-03-01"), Amount: dec("1"), Segment: "aa-app"}))
	}
	shop := 0
	for _, c := range s.Base().Customers {
		if c.Segment == "zz-shop" {
			shop++
		}
	}
	assert.InDelta(t, 1000, shop, 4*math.Sqrt(500), "customers in zz-shop of 2,000")

	s, _ = btyd.NewSummarizer(randomCalibrationEnd)
	err := s.Add(clv.Purchase{Customer: "a", Time: day("2024-03-01"), Amount: dec("1"), Segment: strings.Repeat("s", 257)})
	require.ErrorIs(t, err, clv.ErrOutOfRange)
	assert.Equal(t, `btyd: add: segment = "ssssssssssssssssssss"…: clv: out of range: longer than 256 bytes`, err.Error())
	assert.Zero(t, s.Totals().Rows, "a refused row changes nothing")
}
