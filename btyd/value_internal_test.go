package btyd

import (
	"testing"

	"github.com/clvkit/clv"
	"github.com/shopspring/decimal"
)

// A countingModel is a purchase model that counts the evaluations of its
// expectation, and fails once they pass limit.
type countingModel struct {
	PurchaseModel
	calls *int
	limit int
}

func (m countingModel) aliveExpectation(x int64, T, t float64) (float64, bool) {
	if *m.calls++; *m.calls > m.limit {
		return 0, false
	}
	return m.PurchaseModel.aliveExpectation(x, T, t)
}

// TestValuesEvaluationsLinear values the CDNOW sample over 52,000 weekly
// steps at 10 % a year and counts the evaluations of each model's
// expectation: they must be linear in the steps plus the distinct
// histories, not their product. Summed step by step, every history
// evaluated the expectation at every step, 464 × 52,000 times, at a cost
// that grew with the square of the steps (1,000 steps took 1 s, 8,000
// took 60 s); the count fails that at once, where the clock would wait
// an hour.
func TestValuesEvaluationsLinear(t *testing.T) {
	b := cdnowBase(t)
	pairs := len(cdnowPairs(b))
	const steps = 52_000
	for _, m := range cdnowModels {
		calls := 0
		counted := countingModel{PurchaseModel: m, calls: &calls, limit: steps + pairs}
		_, err := Values(counted, GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}, b, Horizon{Length: steps, Period: clv.Week},
			WithDiscountRate(decimal.RequireFromString("0.1"), clv.Year))
		if err != nil || calls > steps+pairs {
			t.Errorf("%s: %d evaluations of the expectation for %d steps and %d histories, more than their sum (%v)", m.name(), calls, steps, pairs, err)
		}
	}
}

// TestValuesWorkLogarithmic counts the work of each CDNOW history's
// expectations, the blocks of stepsum.go or the evaluations of the
// expectation, over 1,000 and 52,000 weekly steps: 52 times the steps
// raise their logarithm by a factor 1.6, and must raise the work by less
// than 3, where step by step it grew 52-fold.
func TestValuesWorkLogarithmic(t *testing.T) {
	b := cdnowBase(t)
	pairs := cdnowPairs(b)
	rate := WithDiscountRate(decimal.RequireFromString("0.1"), clv.Year)
	for _, m := range cdnowModels {
		var work [2]int
		for i, steps := range []int{1000, 52_000} {
			v, err := newValuer("test", m, GammaGamma{P: 1, Q: 2, Gamma: 1}, b, Horizon{Length: steps, Period: clv.Week}, []ValueOption{rate})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range pairs {
				_, w, err := v.expectWork(m, p.x, p.T)
				if err != nil {
					t.Fatal(err)
				}
				work[i] += w
			}
		}
		t.Logf("%s: work %d over 1,000 steps, %d over 52,000, for %d histories", m.name(), work[0], work[1], len(pairs))
		if work[1] > 3*work[0] {
			t.Errorf("%s: work %d over 1,000 steps, %d over 52,000", m.name(), work[0], work[1])
		}
	}
}
