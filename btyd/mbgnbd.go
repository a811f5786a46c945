package btyd

import "math"

// An MBGNBD is the modified beta-geometric/negative binomial distribution
// model of Batislam, Denizel and Filiztekin, "Empirical validation and
// comparison of models for customer base analysis" (International Journal
// of Research in Marketing 24, 2007): the [BGNBD] in which a customer may
// also drop out at time zero, right after their first purchase, so that a
// customer without a repeat purchase need not be alive. While alive, a
// customer buys at rate λ, a Poisson process; after each purchase,
// the first included, they drop out for good with probability p:
//
//	λ ~ Gamma(r, α),  mean r/α purchases per unit of time
//	p ~ Beta(a, b),   mean a/(a + b)
//
// The model is a mixture, which the methods use: a customer is gone at
// time zero with probability a/(a + b), and otherwise, their dropout
// updated by the one chance they survived, a customer of the
// BGNBD{R, Alpha, A, B + 1}. Every formula below follows from that one.
//
// Time, customers (x, t_x, T) and the checks on them are as for a
// [BGNBD]: a negative x, t_x or T returns an error wrapping
// [clv.ErrNegative], t_x > T or an x that does not fit t_x
// [clv.ErrInconsistent], and x above 10^7 or a time that is not finite or
// above 10^7 [clv.ErrOutOfRange]. An MBGNBD is valid when each parameter
// is finite and from 10^−10 to 10^10; its methods return an error wrapping
// [clv.ErrNonPositive] for a parameter of zero or less and
// [clv.ErrOutOfRange] for one outside that range. [FitMBGNBD] estimates
// the model from a customer base.
type MBGNBD struct {
	R     float64 `json:"r"`
	Alpha float64 `json:"alpha"`
	A     float64 `json:"a"`
	B     float64 `json:"b"`
}

func (m MBGNBD) check(fn string) error {
	return checkParameters(fn, bgnbdNames, m.R, m.Alpha, m.A, m.B)
}

// survivors returns the BG/NBD of the customers alive after their first
// purchase.
func (m MBGNBD) survivors() BGNBD { return BGNBD{R: m.R, Alpha: m.Alpha, A: m.A, B: m.B + 1} }

// logSurvive returns ln(b/(a + b)), the log of the probability of
// surviving the dropout at time zero.
func (m MBGNBD) logSurvive() float64 { return -math.Log1p(m.A / m.B) }

// logOdds returns D, the log of the odds that a customer (x, t_x, T)
// dropped out after their last purchase, the first included, rather than
// being alive:
//
//	D = ln(a / (b + x)) + (r + x) ln((α + T) / (α + t_x))
func (m MBGNBD) logOdds(x, tx, T float64) float64 { return m.survivors().logOdds(x, tx, T) }

// LogLikelihood returns the natural logarithm of the likelihood of a
// customer (x, t_x, T), as Batislam et al. give it, in log space:
//
//	ln L = ln Γ(r + x) − ln Γ(r) + r ln α + ln B(a, b + x + 1) − ln B(a, b)
//	       − (r + x) ln(α + T) + ln(1 + e^D)
//
// with D as in [MBGNBD.ProbAlive], for every x, 0 included; ln(1 + e^D)
// is evaluated so that it never overflows. It fails as the type
// documentation says.
func (m MBGNBD) LogLikelihood(x int64, tx, T float64) (float64, error) {
	const fn = "MBG/NBD log-likelihood"
	if err := checkModelCustomer(fn, m, x, tx, T); err != nil {
		return 0, err
	}
	xf := float64(x)
	// Γ(r + x)/Γ(r) and B(a, b + x + 1)/B(a, b) as ratios, not
	// differences of ln Γ, which lose their digits for large parameters.
	ll := logGammaRatio(m.R, xf) + m.R*math.Log(m.Alpha) + logGammaRatio(m.B, xf+1) - logGammaRatio(m.A+m.B, xf+1) - (m.R+xf)*math.Log(m.Alpha+T)
	return ll + softplus(m.logOdds(xf, tx, T)), nil
}

// ProbAlive returns the probability that a customer (x, t_x, T) is still
// alive at T, in log space:
//
//	P(alive) = 1 / (1 + e^D),  D = ln(a / (b + x)) + (r + x) ln((α + T) / (α + t_x))
//
// for every x: unlike the BG/NBD's, a customer without a repeat purchase
// may have dropped out at time zero, and their P(alive) falls as T
// grows. It is finite, in [0, 1], for every customer; for heavy buyers
// long silent it underflows to 0. It fails as the type documentation
// says.
func (m MBGNBD) ProbAlive(x int64, tx, T float64) (float64, error) {
	const fn = "MBG/NBD probability alive"
	if err := checkModelCustomer(fn, m, x, tx, T); err != nil {
		return 0, err
	}
	return m.probAlive(float64(x), tx, T), nil
}

func (m MBGNBD) probAlive(x, tx, T float64) float64 { return logistic(-m.logOdds(x, tx, T)) }

// expectAlive returns the expected purchases in the next t of a customer
// with x repeat purchases observed for T, if alive at T.
func (m MBGNBD) expectAlive(x, T, t float64) (float64, bool) {
	return aliveExpectation(m.R+x, m.Alpha+T, m.A, m.B+x+1, t)
}

// ExpectedPurchases returns the expected number of purchases in (0, t] of
// a customer who made their first purchase at 0, as Batislam et al.
// give it:
//
//	E[X(t)] = (b/(a − 1)) [1 − (α/(α + t))^r ₂F₁(r, b + 1; a + b; t/(α + t))]
//
// which is b/(a + b), the chance of surviving time zero, times the
// [BGNBD.ExpectedPurchases] of BGNBD{r, α, a, b + 1}, and is evaluated so,
// by the same series, with the same accuracy, about 13 significant digits.
// It rises with t, like (b/(a + b)) rt/α for small t, and without bound
// for a ≤ 1.
//
// It returns an error if m is not valid, one wrapping [clv.ErrNegative] or
// [clv.ErrOutOfRange] if t is negative, not finite or above 10^7, and one
// wrapping [clv.ErrOutOfRange] if t is so far beyond α (some 50,000 α)
// that the series would need more than 2 million terms.
func (m MBGNBD) ExpectedPurchases(t float64) (float64, error) {
	const fn = "MBG/NBD expected purchases"
	if err := m.check(fn); err != nil {
		return 0, err
	}
	if err := checkTime(fn, "t", t); err != nil {
		return 0, err
	}
	e, ok := aliveExpectation(m.R, m.Alpha, m.A, m.B+1, t)
	if !ok {
		return 0, tooLong(fn, t)
	}
	return math.Exp(m.logSurvive()) * e, nil
}

// ConditionalExpectedPurchases returns the expected number of purchases
// in the next t, (T, T + t], of a customer (x, t_x, T), as Batislam et
// al. give it:
//
//	E[Y(t) | x, t_x, T] = P(alive) · E[X(t) | r + x, α + T, a, b + x + 1]
//
// the expected purchases of a new customer of the BG/NBD updated by the
// customer's history, which has survived x + 1 dropout chances, times the
// probability that they are alive ([MBGNBD.ProbAlive]). The series are
// those of [BGNBD.ConditionalExpectedPurchases]: the result is finite and
// carries about 13 significant digits for every valid customer.
//
// It fails as the type documentation and [MBGNBD.ExpectedPurchases] say.
func (m MBGNBD) ConditionalExpectedPurchases(x int64, tx, T, t float64) (float64, error) {
	const fn = "MBG/NBD conditional expected purchases"
	if err := checkModelCustomer(fn, m, x, tx, T); err != nil {
		return 0, err
	}
	if err := checkTime(fn, "t", t); err != nil {
		return 0, err
	}
	xf := float64(x)
	e, ok := m.expectAlive(xf, T, t)
	if !ok {
		return 0, tooLong(fn, t)
	}
	return m.probAlive(xf, tx, T) * e, nil
}

// ProbPurchases returns the probability that a new customer makes exactly
// n purchases in (0, t]:
//
//	P(X(t) = n) = B(a, b + n + 1)/B(a, b) · Γ(r + n)/(Γ(r) n!) · (α/(α + t))^r (t/(α + t))^n
//	            + B(a + 1, b + n)/B(a, b) · P(NBD ≥ n)
//
// with P(NBD ≥ 0) = 1: the chance a/(a + b) of dropping out at time zero
// plus b/(a + b) times the [BGNBD.ProbPurchases] of BGNBD{r, α, a, b + 1},
// and evaluated so. Over n = 0, 1, 2, … the probabilities sum to 1.
//
// It returns an error if m is not valid, and one wrapping
// [clv.ErrNegative] or [clv.ErrOutOfRange] if n or t is negative, n is
// above 10^7, or t is not finite or above 10^7.
func (m MBGNBD) ProbPurchases(n int64, t float64) (float64, error) {
	const fn = "MBG/NBD probability of purchases"
	if p, done, err := checkProbPurchases(fn, m, n, t); done {
		return p, err
	}
	// With m valid, so is b + 1, but within one of the bound on
	// parameters, where the bound stands for it, 10^−10 off.
	s := m.survivors()
	s.B = min(s.B, maxModelParameter)
	p, err := s.ProbPurchases(n, t)
	if err != nil {
		return 0, err
	}
	p *= math.Exp(m.logSurvive())
	if n == 0 {
		p += 1 / (1 + m.B/m.A) // a/(a + b)
	}
	return min(p, 1), nil
}

// An MBGNBDFit is an [MBGNBD] fitted to a customer base by [FitMBGNBD].
type MBGNBDFit struct {
	// Model is the fitted model.
	Model MBGNBD `json:"model"`
	// StdErr holds the standard error of each of Model's parameters, in
	// the field of that parameter.
	StdErr MBGNBD `json:"std_err"`
	// Stats describes the fit; its Parameters are r, alpha, a and b.
	Stats FitStats `json:"stats"`
}

// FitMBGNBD fits the MBG/NBD model to a customer base by maximum
// likelihood: it finds the r, α, a and b that maximise
//
//	LL = Σ weight · ln L(r, α, a, b | x, t_x, T)
//
// over the histories, ln L as in [MBGNBD.LogLikelihood], as [FitBGNBD]
// does for the BG/NBD, with the same search, starts, weights and
// standard errors. By the mixture of the type's documentation, the
// log-likelihood is the BG/NBD's at b + 1, plus ln(b/(a + b)) for every
// customer and ln(1 + e^D) for those without a repeat purchase, and is
// computed so, with its analytic gradient and Hessian. On the CDNOW
// sample (2,357 customers, weeks) it gives r = 0.525, α = 6.183,
// a = 0.891, b = 1.614, the fit of Platzer's BTYDplus as lifetimes' tests
// quote it, with LL = −9,582.14, a little above the BG/NBD's −9,582.43.
//
// Its boundaries are the BG/NBD's, with the same meanings; see
// [FitBGNBD].
//
// It returns an error wrapping [clv.ErrMissing] if there are no
// histories, [clv.ErrNonPositive] for a weight of zero or less, the
// errors of the [MBGNBD] type for a history no customer can have,
// [clv.ErrOutOfRange] if the weights sum beyond 2^53, and [clv.ErrNoFit]
// if no customer made a repeat purchase, if the likelihood is highest at
// a boundary (a [BoundaryError]), or if no climb ends at a maximum.
func FitMBGNBD(histories []History) (MBGNBDFit, error) {
	best, err := fitFrequency(search{fn: "fit MBG/NBD", names: bgnbdNames, limits: bgnbdLimits}, histories, bgnbdStarts, (*frequencyData).mbgnbdLikelihood)
	if err != nil {
		return MBGNBDFit{}, err
	}
	th, se := best.theta, best.stdErr
	return MBGNBDFit{
		Model:  MBGNBD{R: th[0], Alpha: th[1], A: th[2], B: th[3]},
		StdErr: MBGNBD{R: se[0], Alpha: se[1], A: se[2], B: se[3]},
		Stats:  best.stats,
	}, nil
}
