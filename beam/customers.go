package clvbeam

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
)

func init() {
	register.Combiner3[*btyd.Summarizer, clv.Purchase, *btyd.Summarizer](&customersFn{})
	register.DoFn2x0[*btyd.Summarizer, func(string, int64)](&historiesFn{})
	register.DoFn2x0[*btyd.Summarizer, func(string, int64)](&spendsFn{})
	register.Emitter2[string, int64]()
	register.Function2x1(addWeights)
	register.Function2x1(historyOf)
	register.Function2x1(spendOf)
	register.Combiner3[[]btyd.History, btyd.History, btyd.BGNBDFit](&fitBGNBDFn{})
	register.Combiner3[[]Spend, Spend, btyd.GammaGammaFit](&fitGammaGammaFn{})
}

// SummarizeCustomers returns the per-customer summaries of a PCollection
// of clv.Purchase, as the btyd models see customers: a PCollection of
// *btyd.Summarizer, one for each shard of customers with a purchase,
// which share no customer. Together they hold what one
// [btyd.Summarizer] given every purchase would hold, made by
// [btyd.NewSummarizer] with calibrationEnd, [btyd.WithUnit] of unit and,
// unless holdoutEnd is the zero time, [btyd.WithHoldout] of holdoutEnd:
// the same customers with the same figures (in another order: a
// pipeline's order is its own). The purchases are sharded by customer,
// shards of them (0 means [DefaultShards]), and each shard summarised by
// a Summarizer in a CombineFn, so no worker holds more customers than
// one shard's. [Histories] and the fits take the summaries on.
//
// SummarizeCustomers panics, as Beam's transforms do, if NewSummarizer
// refuses calibrationEnd, holdoutEnd or unit. The pipeline fails, naming
// the customer, on a purchase the Summarizer refuses
// ([btyd.Summarizer.Add]).
func SummarizeCustomers(s beam.Scope, unit clv.Period, calibrationEnd, holdoutEnd time.Time, shards int, purchases beam.PCollection) beam.PCollection {
	s = s.Scope("clvbeam.SummarizeCustomers")
	f := &customersFn{Unit: unit, CalibrationEnd: calibrationEnd, HoldoutEnd: holdoutEnd}
	if _, err := f.CreateAccumulator(); err != nil {
		panic(fmt.Sprintf("clvbeam: SummarizeCustomers: %v", err))
	}
	keyed := beam.ParDo(s, &shardFn{Shards: shardCount(shards)}, purchases)
	return beam.DropKey(s, beam.CombinePerKey(s, f, keyed))
}

// customersFn summarises the purchases of a shard of customers.
type customersFn struct {
	Unit                       clv.Period
	CalibrationEnd, HoldoutEnd time.Time
}

func (f *customersFn) CreateAccumulator() (*btyd.Summarizer, error) {
	return btyd.NewSummarizer(f.CalibrationEnd, btyd.WithUnit(f.Unit), btyd.WithHoldout(f.HoldoutEnd))
}

func (f *customersFn) AddInput(s *btyd.Summarizer, p clv.Purchase) (*btyd.Summarizer, error) {
	if err := s.Add(p); err != nil {
		return s, fmt.Errorf("clvbeam: customer %.20q: %w", p.Customer, err)
	}
	return s, nil
}

func (f *customersFn) MergeAccumulators(a, b *btyd.Summarizer) (*btyd.Summarizer, error) {
	return a, a.Merge(b)
}

func (f *customersFn) ExtractOutput(s *btyd.Summarizer) *btyd.Summarizer { return s }

// Histories returns the distinct histories of the customers of a
// PCollection of *btyd.Summarizer that share no customer, as
// [SummarizeCustomers] makes them: a PCollection of btyd.History, each
// (x, t_x, T) once, with the number of customers who share it as its
// weight, the histories [btyd.Summarizer.Histories] would give for one
// Summarizer of every customer. Their number grows with the base's
// distinct histories, not its customers.
func Histories(s beam.Scope, summaries beam.PCollection) beam.PCollection {
	return weighDistinct(s.Scope("clvbeam.Histories"), &historiesFn{}, historyOf, summaries)
}

// weighDistinct returns of(key, weight) for each distinct key that the
// DoFn keys emits from summaries, weight the sum of the counts emitted
// with it.
func weighDistinct(s beam.Scope, keys, of any, summaries beam.PCollection) beam.PCollection {
	keyed := beam.ParDo(s, keys, summaries)
	return beam.ParDo(s, of, beam.CombinePerKey(s, addWeights, keyed))
}

// historiesFn emits the histories of a shard, keyed by their (x, t_x, T).
type historiesFn struct{}

func (f *historiesFn) ProcessElement(s *btyd.Summarizer, emit func(string, int64)) {
	var key [24]byte
	for _, h := range s.Histories() {
		binary.BigEndian.PutUint64(key[:], uint64(h.X))
		binary.BigEndian.PutUint64(key[8:], math.Float64bits(h.Tx))
		binary.BigEndian.PutUint64(key[16:], math.Float64bits(h.T))
		emit(string(key[:]), h.Weight)
	}
}

func addWeights(a, b int64) int64 { return a + b }

// historyOf returns the history of a key of historiesFn.
func historyOf(key string, weight int64) btyd.History {
	b := []byte(key)
	return btyd.History{
		X:      int64(binary.BigEndian.Uint64(b)),
		Tx:     math.Float64frombits(binary.BigEndian.Uint64(b[8:])),
		T:      math.Float64frombits(binary.BigEndian.Uint64(b[16:])),
		Weight: weight,
	}
}

// FitBGNBD returns the BG/NBD model fitted to a PCollection of
// btyd.History, as [Histories] makes it: a PCollection of one
// btyd.BGNBDFit, the fit [btyd.FitBGNBD] makes of the histories in the
// order [btyd.Summarizer.Histories] gives them, so the fit to a base's
// histories is the one a single Summarizer of the base would give, digit
// for digit. Histories of the same (x, t_x, T) are combined by adding
// their weights as they meet, so the worker that fits holds no more than
// the distinct histories.
//
// The pipeline fails with the error of btyd.FitBGNBD, which wraps the
// clv package's sentinels, if the histories cannot be fitted; and with
// [clv.ErrNonPositive] for a history of weight zero or less.
func FitBGNBD(s beam.Scope, histories beam.PCollection) beam.PCollection {
	s = s.Scope("clvbeam.FitBGNBD")
	return beam.Combine(s, &fitBGNBDFn{}, histories)
}

// fitBGNBDFn gathers histories, adding the weights of equal ones, and
// fits the BG/NBD model to them.
type fitBGNBDFn struct{}

func (f *fitBGNBDFn) CreateAccumulator() []btyd.History { return nil }

func (f *fitBGNBDFn) AddInput(hs []btyd.History, h btyd.History) ([]btyd.History, error) {
	if h.Weight <= 0 {
		return hs, fmt.Errorf("clvbeam: FitBGNBD: history (%d, %g, %g): weight = %d: %w", h.X, h.Tx, h.T, h.Weight, clv.ErrNonPositive)
	}
	return compactSome(append(hs, h), mergeHistories), nil
}

func (f *fitBGNBDFn) MergeAccumulators(a, b []btyd.History) []btyd.History {
	return mergeHistories(append(a, b...))
}

func (f *fitBGNBDFn) ExtractOutput(hs []btyd.History) (btyd.BGNBDFit, error) {
	fit, err := btyd.FitBGNBD(mergeHistories(hs))
	if err != nil {
		return fit, fmt.Errorf("clvbeam: FitBGNBD: %w", err)
	}
	return fit, nil
}

// compactSome compacts items when their number reaches a power of two of
// 4,096 or more, so that an accumulator fed many equal items stays near
// the number of distinct ones.
func compactSome[T any](items []T, compact func([]T) []T) []T {
	if n := len(items); n >= 1<<12 && n&(n-1) == 0 {
		return compact(items)
	}
	return items
}

// mergeHistories sorts histories by x, t_x and T, as
// btyd.Summarizer.Histories orders them, and makes equal ones one, of
// their weights added.
func mergeHistories(hs []btyd.History) []btyd.History {
	slices.SortFunc(hs, func(a, b btyd.History) int {
		return cmp.Or(cmp.Compare(a.X, b.X), cmp.Compare(a.Tx, b.Tx), cmp.Compare(a.T, b.T))
	})
	out := hs[:0]
	for _, h := range hs {
		if n := len(out); n > 0 && out[n-1].X == h.X && out[n-1].Tx == h.Tx && out[n-1].T == h.T {
			out[n-1].Weight += h.Weight
			continue
		}
		out = append(out, h)
	}
	return out
}

// A Spend is what the gamma–gamma model sees of customers: Weight
// customers of X repeat purchases and a mean spend of Spend on them, as
// [btyd.Customer] has them. Spend is a decimal in text, as
// decimal.Decimal.String writes it, so that it travels whole.
type Spend struct {
	X      int64  `json:"x"`
	Spend  string `json:"spend"`
	Weight int64  `json:"weight"`
}

// Spends returns the distinct (x, spend) of the repeat customers of a
// PCollection of *btyd.Summarizer that share no customer, as
// [SummarizeCustomers] makes them: a PCollection of [Spend], each once,
// with the number of customers who share it as its weight. Customers
// without a repeat purchase, whom the gamma–gamma model leaves out, are
// left out. Unlike histories, spends are seldom shared: expect nearly as
// many as repeat customers.
func Spends(s beam.Scope, summaries beam.PCollection) beam.PCollection {
	return weighDistinct(s.Scope("clvbeam.Spends"), &spendsFn{}, spendOf, summaries)
}

// spendsFn emits the (x, spend) of each repeat customer of a shard, keyed
// by x and the spend's text, with the customers who share it.
type spendsFn struct{}

func (f *spendsFn) ProcessElement(s *btyd.Summarizer, emit func(string, int64)) {
	counts := make(map[string]int64)
	var key []byte
	for _, c := range s.Base().Customers {
		if c.X > 0 {
			key = binary.BigEndian.AppendUint64(key[:0], uint64(c.X))
			counts[string(append(key, c.Spend.String()...))]++
		}
	}
	for k, n := range counts {
		emit(k, n)
	}
}

// spendOf returns the Spend of a key of spendsFn.
func spendOf(key string, weight int64) Spend {
	return Spend{X: int64(binary.BigEndian.Uint64([]byte(key[:8]))), Spend: key[8:], Weight: weight}
}

// FitGammaGamma returns the gamma–gamma model fitted to a PCollection of
// [Spend], as [Spends] makes it: a PCollection of one
// btyd.GammaGammaFit, the fit [btyd.FitGammaGamma] makes of the
// customers the spends describe, ordered by x and then spend. Spends of
// the same x and spend are combined by adding their weights as they
// meet; the worker that fits holds every repeat customer's x and spend,
// as btyd.FitGammaGamma takes them, some 100 bytes each.
//
// The fit is that of btyd.FitGammaGamma of the base's customers to the
// last digits its optimiser settles, not to every digit: the customers'
// order, which a pipeline does not keep, changes the rounding of its
// sums. The pipeline fails with the error of btyd.FitGammaGamma, which
// wraps the clv package's sentinels, if the customers cannot be fitted;
// with [clv.ErrNonPositive] for a spend of weight zero or less; and with
// [clv.ErrMalformed] for a spend that is not a decimal.
func FitGammaGamma(s beam.Scope, spends beam.PCollection) beam.PCollection {
	s = s.Scope("clvbeam.FitGammaGamma")
	return beam.Combine(s, &fitGammaGammaFn{}, spends)
}

// fitGammaGammaFn gathers spends, adding the weights of equal ones, and
// fits the gamma–gamma model to the customers they describe.
type fitGammaGammaFn struct{}

func (f *fitGammaGammaFn) CreateAccumulator() []Spend { return nil }

func (f *fitGammaGammaFn) AddInput(ss []Spend, sp Spend) ([]Spend, error) {
	if sp.Weight <= 0 {
		return ss, fmt.Errorf("clvbeam: FitGammaGamma: spend (%d, %.30s): weight = %d: %w", sp.X, sp.Spend, sp.Weight, clv.ErrNonPositive)
	}
	return compactSome(append(ss, sp), mergeSpends), nil
}

func (f *fitGammaGammaFn) MergeAccumulators(a, b []Spend) []Spend {
	return mergeSpends(append(a, b...))
}

func (f *fitGammaGammaFn) ExtractOutput(ss []Spend) (btyd.GammaGammaFit, error) {
	ss = mergeSpends(ss)
	type parsed struct {
		x      int64
		spend  decimal.Decimal
		weight int64
	}
	all := make([]parsed, 0, len(ss))
	var n int64
	for _, sp := range ss {
		d, err := decimal.NewFromString(sp.Spend)
		if err != nil {
			return btyd.GammaGammaFit{}, fmt.Errorf("clvbeam: FitGammaGamma: spend %.30q: %w: not a decimal", sp.Spend, clv.ErrMalformed)
		}
		if n += sp.Weight; n > math.MaxInt32 {
			return btyd.GammaGammaFit{}, fmt.Errorf("clvbeam: FitGammaGamma: spends: %w: more than 2^31 customers", clv.ErrOutOfRange)
		}
		all = append(all, parsed{sp.X, d, sp.Weight})
	}
	slices.SortFunc(all, func(a, b parsed) int { return cmp.Or(cmp.Compare(a.x, b.x), a.spend.Cmp(b.spend)) })
	customers := make([]btyd.Customer, 0, n)
	for _, p := range all {
		for range p.weight {
			customers = append(customers, btyd.Customer{X: p.x, Spend: p.spend})
		}
	}
	fit, err := btyd.FitGammaGamma(customers)
	if err != nil {
		return fit, fmt.Errorf("clvbeam: FitGammaGamma: %w", err)
	}
	return fit, nil
}

// mergeSpends sorts spends by x and the spend's text, and makes equal
// ones one, of their weights added.
func mergeSpends(ss []Spend) []Spend {
	slices.SortFunc(ss, func(a, b Spend) int { return cmp.Or(cmp.Compare(a.X, b.X), cmp.Compare(a.Spend, b.Spend)) })
	out := ss[:0]
	for _, sp := range ss {
		if n := len(out); n > 0 && out[n-1].X == sp.X && out[n-1].Spend == sp.Spend {
			out[n-1].Weight += sp.Weight
			continue
		}
		out = append(out, sp)
	}
	return out
}
