package clv_test

import (
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/clvkit/clv"
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

// handLog is a small log, checked by hand in TestSummaryByHand: a refund,
// customers spanning windows, one-purchase customers, a zero purchase, a
// segment change and a time zone that moves a purchase into the next month.
var handLog = []clv.Purchase{
	buy("alice", "2024-01-05T10:00:00Z", "100.00", "web"),
	buy("bob", "2024-01-20T10:00:00Z", "50.00", "store"),
	buy("alice", "2024-01-25T10:00:00Z", "20.00", "web"),
	buy("alice", "2024-02-10T10:00:00Z", "30.00", "web"),
	buy("bob", "2024-03-01T10:00:00Z", "-50.00", "store"), // refund
	buy("carol", "2024-02-29T23:59:59Z", "0", "web"),       // a free order is a purchase
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

		got := maps.Collect(func(yield func(string, clv.CustomerSummary) bool) {
			for c := range acc.Customers() {
				if !yield(c.Customer, c) {
					return
				}
			}
		})
		want := []clv.CustomerSummary{
			{Customer: "alice", Segment: "web", Frequency: 2, Recency: 3, T: 3, RepeatValue: dec("40")},
			{Customer: "bob", Segment: "store", Frequency: 0, Recency: 0, T: 3, RepeatValue: dec("0")},
			{Customer: "carol", Segment: "web", Frequency: 1, Recency: 1, T: 2, RepeatValue: dec("40")},
			{Customer: "dave", Segment: "web", Frequency: 0, Recency: 0, T: 1, RepeatValue: dec("0")},
		}
		require.Len(t, got, len(want))
		for _, w := range want {
			assert.True(t, w.Equal(got[w.Customer]), "customer %s: got %+v, want %+v", w.Customer, got[w.Customer], w)
		}
		assertDecimal(t, "20", got["alice"].MeanRepeatValue())
		assertDecimal(t, "0", got["bob"].MeanRepeatValue())
	}
}
