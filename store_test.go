package clv_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clv"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestManyCustomersAndLongIDs(t *testing.T) {
	// Enough customers to grow the table several times, with ids of every
	// length up to the longest allowed, in shards merged together.
	rng := rand.New(rand.NewPCG(7, 8))
	var log []clv.Purchase
	for i := range 20000 {
		id := fmt.Sprintf("%d-%s", i%5000, strings.Repeat("x", i%5000%260))
		if len(id) > 256 {
			id = id[:256]
		}
		log = append(log, clv.Purchase{Customer: id, Time: at("2024-01-01T00:00:00Z").Add(time.Duration(rng.Int64N(int64(400 * 24 * time.Hour)))),
			Amount: decimal.New(rng.Int64N(10000), -2), Segment: []string{"a", "b"}[i%2]})
	}
	want := refSummary(clv.Month, log)
	acc, _ := clv.NewAccumulator(clv.Month)
	require.NoError(t, acc.AddAll(slices.Values(log)))
	assertSummary(t, want, acc.Summary())

	left, _ := clv.NewAccumulator(clv.Month)
	right, _ := clv.NewAccumulator(clv.Month)
	for i, p := range log {
		require.NoError(t, []*clv.Accumulator{left, right}[i%2].Add(p))
	}
	require.NoError(t, left.Merge(right))
	assertSummary(t, want, left.Summary())

	// An id over 256 bytes is refused.
	err := acc.Add(clv.Purchase{Customer: strings.Repeat("y", 257), Time: at("2024-01-01T00:00:00Z"), Amount: dec("1")})
	require.ErrorIs(t, err, clv.ErrOutOfRange)
	assert.Contains(t, err.Error(), "longer than 256 bytes")
}

func TestMergeScales(t *testing.T) {
	// Shards whose amounts have different places, and sums that spill.
	a, _ := clv.NewAccumulator(clv.Year)
	b, _ := clv.NewAccumulator(clv.Year)
	big := "9000000000000000.00" // at 5 places it no longer fits an int64
	require.NoError(t, a.Add(buy("x", "2024-05-01T00:00:00Z", big, "")))
	require.NoError(t, a.Add(buy("x", "2025-05-01T00:00:00Z", big, "")))
	require.NoError(t, b.Add(buy("x", "2025-06-01T00:00:00Z", "0.00001", "")))
	require.NoError(t, b.Add(buy("y", "2024-06-01T00:00:00Z", "1.5", "")))
	require.NoError(t, a.Merge(b))
	s := a.Summary()
	assertDecimal(t, "18000000000000001.50001", s.Revenue)
	assertDecimal(t, "9000000000000001.5", s.Windows[0].Revenue)
	assertDecimal(t, "9000000000000000.00001", s.Windows[1].Revenue)
	// x from both shards is one customer: new in 2024, returning in 2025.
	assert.Equal(t, []int64{2, 2, 1, 0}, []int64{s.Windows[0].Customers, s.Windows[0].NewCustomers, s.Windows[1].Customers, s.Windows[1].NewCustomers})
}
