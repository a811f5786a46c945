package btyd

import (
	"fmt"

	"github.com/clvkit/clv"
	"github.com/shopspring/decimal"
)

// A PurchaseModel is a model of how often customers buy and when they stop
// — [BGNBD], [MBGNBD] or [ParetoNBD], each fitted to the same [History] —
// seen through what every such model predicts. [Values],
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
	// are alive: ConditionalExpectedPurchases is aliveProbability times
	// it. It depends on the customer only through x and T. ok is false if
	// t is too long for it to be computed.
	aliveExpectation(x int64, T, t float64) (e float64, ok bool)
	// aliveRate returns the derivative in t of aliveExpectation, the
	// alive customer's purchase rate, as stepsum.go sums it.
	aliveRate(x int64, T float64) aliveRate
	// aliveAhead returns ln P(alive at T + t | alive at T) of a customer
	// with x repeat purchases observed for T (see forecast.go).
	aliveAhead(x, T, t float64) float64
	// alivePMF returns P(X(T, T + t] = n | alive at T) of a customer
	// with x repeat purchases observed for T.
	alivePMF(x, T float64, n int64, t float64) float64
	// aliveDERT returns DERT/P(alive) of a customer with x repeat
	// purchases observed for T, at a checked rate delta.
	aliveDERT(x, T, delta float64) float64
	// parameterNames, parameters and withParameters map the model to
	// and from its parameters as a vector, in the order of its fit's.
	parameterNames() []string
	parameters() []float64
	withParameters(theta []float64) PurchaseModel
}

// A SpendModel is a model of what a customer's next purchase is worth,
// from their repeat purchases and their mean amount: [GammaGamma], fitted
// to the customers' spend, or [FlatSpend], one amount for every purchase,
// to fall back on where gamma–gamma cannot be fitted. [Values] and
// [DiscreteValues] take either. Its unexported methods keep the
// implementations to this package, as [PurchaseModel]'s do.
type SpendModel interface {
	// ExpectedSpend returns the expected amount of the next purchase of
	// a customer with x repeat purchases of mean amount spend.
	ExpectedSpend(x int64, spend decimal.Decimal) (decimal.Decimal, error)

	// check returns an error if the model is not valid.
	check(fn string) error
	// expectedSpend is ExpectedSpend of a checked customer, in float64.
	expectedSpend(fn string, x, zbar float64) (float64, error)
}

// The spend models.
var (
	_ SpendModel = GammaGamma{}
	_ SpendModel = FlatSpend{}
)

// A PurchaseFit is a purchase model fitted to a customer base, with the
// statistics of its fit: a [BGNBDFit], an [MBGNBDFit] or a
// [ParetoNBDFit]. [ValueIntervals] takes any of them.
type PurchaseFit interface {
	// purchaseFit returns the fitted model and its statistics.
	purchaseFit() (PurchaseModel, FitStats)
}

func (f BGNBDFit) purchaseFit() (PurchaseModel, FitStats)     { return f.Model, f.Stats }
func (f MBGNBDFit) purchaseFit() (PurchaseModel, FitStats)    { return f.Model, f.Stats }
func (f ParetoNBDFit) purchaseFit() (PurchaseModel, FitStats) { return f.Model, f.Stats }

func (m BGNBD) name() string { return "BG/NBD" }

func (m BGNBD) aliveProbability(x, tx, T float64) (float64, bool) {
	return m.probAlive(x, tx, T), true
}

func (m BGNBD) parameterNames() []string { return bgnbdNames }
func (m BGNBD) parameters() []float64    { return []float64{m.R, m.Alpha, m.A, m.B} }
func (m BGNBD) withParameters(th []float64) PurchaseModel {
	return BGNBD{R: th[0], Alpha: th[1], A: th[2], B: th[3]}
}

func (m BGNBD) aliveExpectation(x int64, T, t float64) (float64, bool) {
	xf := float64(x)
	return aliveExpectation(m.R+xf, m.Alpha+T, m.A, m.B+xf, t)
}

// aliveRate is, with r′ = r + x, α′ = α + T and b′ = b + x,
// E′(t) = (r′/α′) ₂F₁(r′ + 1, a; a + b′; −t/α′).
func (m BGNBD) aliveRate(x int64, T float64) aliveRate {
	xf := float64(x)
	return aliveRate{scale: (m.R + xf) / (m.Alpha + T), hyper: true, m: m.R + xf + 1, a: m.A, c: m.A + m.B + xf, alpha: m.Alpha + T}
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

func (m MBGNBD) name() string { return "MBG/NBD" }

func (m MBGNBD) aliveProbability(x, tx, T float64) (float64, bool) {
	return m.probAlive(x, tx, T), true
}

func (m MBGNBD) parameterNames() []string { return bgnbdNames }
func (m MBGNBD) parameters() []float64    { return []float64{m.R, m.Alpha, m.A, m.B} }
func (m MBGNBD) withParameters(th []float64) PurchaseModel {
	return MBGNBD{R: th[0], Alpha: th[1], A: th[2], B: th[3]}
}

func (m MBGNBD) aliveExpectation(x int64, T, t float64) (float64, bool) {
	return m.expectAlive(float64(x), T, t)
}

// aliveRate is BG/NBD's with b′ = b + x + 1, as expectAlive's
// expectation is: E′(t) = (r′/α′) ₂F₁(r′ + 1, a; a + b′; −t/α′).
func (m MBGNBD) aliveRate(x int64, T float64) aliveRate {
	xf := float64(x)
	return aliveRate{scale: (m.R + xf) / (m.Alpha + T), hyper: true, m: m.R + xf + 1, a: m.A, c: m.A + m.B + xf + 1, alpha: m.Alpha + T}
}

func (m ParetoNBD) name() string { return "Pareto/NBD" }

func (m ParetoNBD) aliveProbability(x, tx, T float64) (float64, bool) {
	return m.probAlive(x, tx, T)
}

func (m ParetoNBD) parameterNames() []string { return pnbdNames }
func (m ParetoNBD) parameters() []float64    { return []float64{m.R, m.Alpha, m.S, m.Beta} }
func (m ParetoNBD) withParameters(th []float64) PurchaseModel {
	return ParetoNBD{R: th[0], Alpha: th[1], S: th[2], Beta: th[3]}
}

func (m ParetoNBD) aliveExpectation(x int64, T, t float64) (float64, bool) {
	xf := float64(x)
	return expectedAlive(m.R+xf, m.Alpha+T, m.S, m.Beta+T, t), true
}

// aliveRate is the derivative of expectedAlive:
// E′(t) = ((r + x)/(α + T)) (1 + t/(β + T))^{−s}.
func (m ParetoNBD) aliveRate(x int64, T float64) aliveRate {
	return aliveRate{scale: (m.R + float64(x)) / (m.Alpha + T), m: m.S, alpha: m.Beta + T}
}

// The purchase models.
var (
	_ PurchaseModel = BGNBD{}
	_ PurchaseModel = MBGNBD{}
	_ PurchaseFit   = BGNBDFit{}
	_ PurchaseModel = ParetoNBD{}
	_ PurchaseFit   = MBGNBDFit{}
	_ PurchaseFit   = ParetoNBDFit{}
)
