package clv_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/clvkit/clv"
	"github.com/shopspring/decimal"
)

// The log of the summary benchmarks: 10,000,000 purchases by 1,000,000
// customers with string ids, in 8 segments, over three years, in time
// order, as an order export runs. Every customer buys at least once; about
// one row in 55 is a refund. It is built
// once, from a fixed seed.
const (
	benchPurchases = 10_000_000
	benchCustomers = 1_000_000
)

var benchLog = sync.OnceValue(func() []clv.Purchase {
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
		log[i] = clv.Purchase{
			Customer: ids[c],
			Time:     time.Unix(start+int64(i)*seconds/benchPurchases, 0).UTC(),
			Amount:   amount,
			Segment:  segments[c%len(segments)],
		}
	}
	return log
})

// BenchmarkSummary measures the exact summary of benchLog against two
// naive loops over the same purchases: one keeping float64 sums in a map of
// customers, one keeping decimal sums with decimal.Add. The naive loops
// compute less than the summary — revenue by segment and month, and each
// customer's value, first and last month — so the ratios are conservative.
func BenchmarkSummary(b *testing.B) {
	log := benchLog()
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
	b.Run("float64", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			naiveSummary(log, func(d decimal.Decimal) float64 { return d.InexactFloat64() }, func(a, b float64) float64 { return a + b })
		}
	})
	b.Run("decimal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			naiveSummary(log, func(d decimal.Decimal) decimal.Decimal { return d }, decimal.Decimal.Add)
		}
	})
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
	log := benchLog()[:1_000_000]
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
