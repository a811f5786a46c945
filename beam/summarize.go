package clvbeam

import (
	"fmt"
	"hash/fnv"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/clvkit/clv"
)

func init() {
	register.DoFn2x0[clv.Purchase, func(int, clv.Purchase)](&shardFn{})
	register.Emitter2[int, clv.Purchase]()
	register.DoFn3x0[string, clv.Purchase, func(string, clv.Purchase)](&keyShardFn{})
	register.Emitter2[string, clv.Purchase]()
	register.DoFn2x2[string, clv.Summary, string, clv.Summary](&stripShardFn{})
	register.Combiner3[*clv.Accumulator, clv.Purchase, clv.Summary](&accumulateFn{})
	register.Combiner1[clv.Summary](&addFn{})
}

// DefaultShards is how many shards of customers Summarize makes when it is
// given none: enough to spread a large log over a few hundred workers.
const DefaultShards = 256

// Summarize returns the summary, by windows of period, of a PCollection of
// clv.Purchase: a PCollection of one clv.Summary, equal figure for figure
// to that of one Accumulator given every purchase. The purchases are
// sharded by customer, shards of them, each shard summarised by an
// Accumulator in a CombineFn, and the shards' summaries added; no worker
// holds more customers than one shard's. Shards of 0 means DefaultShards.
//
// The pipeline fails, naming the purchase, on a purchase the Accumulator
// refuses ([clv.Accumulator.Add]), or if the log breaks the
// Accumulator's limits on the whole log.
func Summarize(s beam.Scope, period clv.Period, shards int, purchases beam.PCollection) beam.PCollection {
	s = s.Scope("clvbeam.Summarize")
	keyed := beam.ParDo(s, &shardFn{Shards: shardCount(shards)}, purchases)
	parts := beam.DropKey(s, beam.CombinePerKey(s, &accumulateFn{Period: period}, keyed))
	return beam.Combine(s, &addFn{Period: period}, parts)
}

// SummarizePerKey returns, for a PCollection of KV<string, clv.Purchase>,
// the summary of each key's purchases, as Summarize makes it: a
// PCollection of KV<string, clv.Summary>, a key for each key with a
// purchase.
func SummarizePerKey(s beam.Scope, period clv.Period, shards int, purchases beam.PCollection) beam.PCollection {
	s = s.Scope("clvbeam.SummarizePerKey")
	keyed := beam.ParDo(s, &keyShardFn{Shards: shardCount(shards)}, purchases)
	parts := beam.ParDo(s, &stripShardFn{}, beam.CombinePerKey(s, &accumulateFn{Period: period}, keyed))
	return beam.CombinePerKey(s, &addFn{Period: period}, parts)
}

func shardCount(n int) int {
	if n <= 0 {
		return DefaultShards
	}
	return n
}

// shardOf returns the shard of a customer: the same on every worker, as a
// hash seeded per process would not be.
func shardOf(customer string, shards int) int {
	h := fnv.New32a()
	h.Write([]byte(customer))
	return int(h.Sum32() % uint32(shards))
}

// shardFn keys each purchase by its customer's shard.
type shardFn struct{ Shards int }

func (f *shardFn) ProcessElement(p clv.Purchase, emit func(int, clv.Purchase)) {
	emit(shardOf(p.Customer, f.Shards), p)
}

// keyShardFn keys each purchase of a key by the key and its customer's
// shard.
type keyShardFn struct{ Shards int }

func (f *keyShardFn) ProcessElement(key string, p clv.Purchase, emit func(string, clv.Purchase)) {
	emit(fmt.Sprintf("%d:%s", shardOf(p.Customer, f.Shards), key), p)
}

// stripShardFn keys a shard's summary by its key alone.
type stripShardFn struct{}

func (f *stripShardFn) ProcessElement(shardKey string, s clv.Summary) (string, clv.Summary) {
	_, key, _ := strings.Cut(shardKey, ":")
	return key, s
}

// accumulateFn summarises purchases with an Accumulator.
type accumulateFn struct{ Period clv.Period }

func (f *accumulateFn) CreateAccumulator() (*clv.Accumulator, error) {
	return clv.NewAccumulator(f.Period)
}

func (f *accumulateFn) AddInput(a *clv.Accumulator, p clv.Purchase) (*clv.Accumulator, error) {
	return a, a.Add(p)
}

func (f *accumulateFn) MergeAccumulators(a, b *clv.Accumulator) (*clv.Accumulator, error) {
	return a, a.Merge(b)
}

func (f *accumulateFn) ExtractOutput(a *clv.Accumulator) clv.Summary { return a.Summary() }

// addFn adds the summaries of shards that share no customer.
type addFn struct{ Period clv.Period }

func (f *addFn) CreateAccumulator() clv.Summary { return clv.Summary{Period: f.Period} }

func (f *addFn) MergeAccumulators(a, b clv.Summary) (clv.Summary, error) {
	return clv.AddSummaries(a, b)
}
