package btyd

import (
	"fmt"

	"github.com/clvkit/clv"
)

// A PurchaseModel is a model of how often customers buy and when they stop
// — [BGNBD], and the others of this package fitted to the same
// [History] — seen through what every such model predicts. [Values],
// [CompareHoldout] and [Track] take any of them, so that models compare on
// one footing.
//
// Its unexported methods keep the implementations to this package: the
// functions over a whole base lean on each model's closed forms, and an
// outside implementation could not promise their accuracy.
type PurchaseModel interface {
	// LogLikelihood returns the log-probability of a customer's history.
	LogLikelihood(x int64, tx, T float64) (float64, error)
	// ProbAlive returns the probability that the customer is still a
	// customer at the end of observation.
	ProbAlive(x int64, tx, T float64) (float64, error)
	// ExpectedPurchases returns the expected purchases in (0, t] of a
	// new customer.
	ExpectedPurchases(t float64) (float64, error)
	// ConditionalExpectedPurchases returns the expected purchases of the
	// customer in the next t.
	ConditionalExpectedPurchases(x int64, tx, T, t float64) (float64, error)
	// ProbPurchases returns the probability that a new customer makes
	// exactly n purchases in (0, t].
	ProbPurchases(n int64, t float64) (float64, error)

	// name is the model's name in errors: "BG/NBD".
	name() string
	// check returns an error if the model is not valid.
	check(fn string) error
	// aliveProbability is ProbAlive of a checked customer; ok is false
	// if the model cannot compute it for its parameters.
	aliveProbability(x, tx, T float64) (p float64, ok bool)
	// aliveExpectation returns the expected purchases in the next t of a
	// customer with x repeat purchases observed for T, given that they
	// are alive: ConditionalExpectedPurchases is aliveProbability times it. It
	// depends on the customer only through x and T. ok is false if t is
	// too long for it to be computed.
	aliveExpectation(x int64, T, t float64) (e float64, ok bool)
}

func (m BGNBD) name() string { return "BG/NBD" }

func (m BGNBD) aliveProbability(x, tx, T float64) (float64, bool) {
	return m.probAlive(x, tx, T), true
}

func (m BGNBD) aliveExpectation(x int64, T, t float64) (float64, bool) {
	xf := float64(x)
	return aliveExpectation(m.R+xf, m.Alpha+T, m.A, m.B+xf, t)
}

// checkModel returns an error if m is nil or not valid.
func checkModel(fn string, m PurchaseModel) error {
	if m == nil {
		return fmt.Errorf("btyd: %s: model: %w", fn, clv.ErrMissing)
	}
	return m.check(fn)
}

// notComputable is the error of a model whose series or integrals do not
// converge for a customer of a base.
func notComputable(fn string, m PurchaseModel) error {
	return fmt.Errorf("btyd: %s: %w: the %s expressions cannot be computed for these parameters", fn, clv.ErrOutOfRange, m.name())
}
