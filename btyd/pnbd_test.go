package btyd_test

import (
	"math"
	"math/big"
	"testing"

	"github.com/clvkit/clv/btyd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/integrate/quad"
)

// cdnowPNBD is the Pareto/NBD fit to the CDNOW sample that Fader, Hardie
// and Lee (2005) publish.
var cdnowPNBD = btyd.ParetoNBD{R: 0.553, Alpha: 10.578, S: 0.606, Beta: 11.669}

// pnbdLL returns the log-likelihood of m over hs.
func pnbdLL(t *testing.T, m btyd.ParetoNBD, hs []btyd.History) float64 {
	t.Helper()
	var ll float64
	for _, h := range hs {
		l, err := m.LogLikelihood(h.X, h.Tx, h.T)
		require.NoError(t, err)
		ll += float64(h.Weight) * l
	}
	return ll
}

func TestFitParetoNBDCDNOW(t *testing.T) {
	hs := cdnowSummary(t).Histories()
	fit, err := btyd.FitParetoNBD(hs)
	require.NoError(t, err)
	// The maximum, tightly: −9,595.0 published, −9,594.9762 here, as
	// lifetimes finds it.
	assert.InDelta(t, -9594.9762, fit.Stats.LogLikelihood, 5e-4)
	assert.InDelta(t, -9595.0, fit.Stats.LogLikelihood, 0.05)
	// The parameters, to the published digits.
	m := fit.Model
	assert.InDelta(t, 0.553, m.R, 5e-4)
	assert.InDelta(t, 10.578, m.Alpha, 5e-4)
	assert.InDelta(t, 0.606, m.S, 5e-4)
	assert.InDelta(t, 11.669, m.Beta, 5e-4)
	assert.Equal(t, int64(2357), fit.Stats.Customers)
	assert.Equal(t, []string{"r", "alpha", "s", "beta"}, fit.Stats.Parameters)
	assert.Less(t, fit.Stats.Iterations, 30)

	// The published model is no better than the maximum.
	ll := pnbdLL(t, cdnowPNBD, hs)
	assert.InDelta(t, -9595.0, ll, 0.05)
	assert.Less(t, ll, fit.Stats.LogLikelihood)

	// The gradient vanishes at the maximum, by central differences of the
	// log-likelihood.
	theta := []float64{m.R, m.Alpha, m.S, m.Beta}
	at := func(th []float64) float64 {
		return pnbdLL(t, btyd.ParetoNBD{R: th[0], Alpha: th[1], S: th[2], Beta: th[3]}, hs)
	}
	for i := range theta {
		hi, lo := append([]float64(nil), theta...), append([]float64(nil), theta...)
		h := 1e-5 * theta[i]
		hi[i] += h
		lo[i] -= h
		assert.InDelta(t, 0, (at(hi)-at(lo))/(2*h)*theta[i], 1e-4, "∂LL/∂ln %s", fit.Stats.Parameters[i])
	}
	// Standard errors from the observed information, against a Hessian of
	// the log-likelihood by central differences.
	se := observedStdErr(t, at, theta)
	got := []float64{fit.StdErr.R, fit.StdErr.Alpha, fit.StdErr.S, fit.StdErr.Beta}
	for i := range se {
		assert.InDelta(t, 1, got[i]/se[i], 1e-3, "standard error of %s", fit.Stats.Parameters[i])
		assert.InDelta(t, got[i]*got[i], fit.Stats.Covariance[i][i], 1e-12)
	}
}

// pnbdBig returns the Pareto/NBD log-likelihood in FHL's own form,
//
//	L = Γ(r + x) α^r β^s / Γ(r) [(α + T)^−(r+x) (β + T)^−s + (s/m) A₀],
//	A₀ = ₂F₁(m, c; m + 1; z(t_x)) / (P + t_x)^m − ₂F₁(m, c; m + 1; z(T)) / (P + T)^m,
//
// m = r + s + x, with P = α, c = s + 1 if α ≥ β and P = β, c = r + x
// otherwise, z(t) = |α − β|/(P + t), and ₂F₁ summed term by term in
// math/big.Float, untransformed: its terms grow past any float64 for
// heavy buyers. The powers are formed from float64 logarithms, which
// limits the agreement to some 10^−12 of m ln(P + T).
func pnbdBig(m btyd.ParetoNBD, x int64, tx, T float64) float64 {
	const prec = 256
	bf := func(v float64) *big.Float { return new(big.Float).SetPrec(prec).SetFloat64(v) }
	xf := float64(x)
	mm := m.R + m.S + xf
	P, c := m.Alpha, m.S+1
	if m.Alpha < m.Beta {
		P, c = m.Beta, m.R+xf
	}
	// ln ₂F₁(m, c; m + 1; z) = ln Σ_k m/(m + k) (c)_k/k! z^k.
	logF := func(t float64) float64 {
		z := new(big.Float).SetPrec(prec).Sub(bf(m.Alpha), bf(m.Beta))
		z.Abs(z)
		z.Quo(z, new(big.Float).SetPrec(prec).Add(bf(P), bf(t)))
		sum, pochhammer := bf(1), bf(1) // (c)_k z^k / k!
		for k := 0.0; k < 1e7; k++ {
			pochhammer.Mul(pochhammer, bf(c+k))
			pochhammer.Quo(pochhammer, bf(k+1))
			pochhammer.Mul(pochhammer, z)
			term := new(big.Float).SetPrec(prec).Mul(pochhammer, bf(mm))
			term.Quo(term, bf(mm+k+1))
			sum.Add(sum, term)
			if term.Sign() == 0 || k > c && term.MantExp(nil) < sum.MantExp(nil)-64 {
				break
			}
		}
		mant := new(big.Float)
		e := sum.MantExp(mant)
		f, _ := mant.Float64()
		return math.Log(f) + float64(e)*math.Ln2
	}
	a1 := logF(tx) - mm*math.Log(P+tx)
	a2 := logF(T) - mm*math.Log(P+T)
	lE := -(m.R+xf)*math.Log(m.Alpha+T) - m.S*math.Log(m.Beta+T)
	lA := math.Log(m.S/mm) + a1 + math.Log(-math.Expm1(a2-a1))
	if tx == T {
		lA = math.Inf(-1)
	}
	top := math.Max(lE, lA)
	lgrx, _ := math.Lgamma(m.R + xf)
	lgr, _ := math.Lgamma(m.R)
	return lgrx - lgr + m.R*math.Log(m.Alpha) + m.S*math.Log(m.Beta) + top + math.Log(math.Exp(lE-top)+math.Exp(lA-top))
}

// pnbdQuad returns the two parts of the Pareto/NBD likelihood, alive at T
// and gone since t_x, by numerical integration
// over the dropout time of the individual-level model, ∫ of the density
// of each way to make (x, t_x, T) with λ and μ integrated out:
// Γ(r + x)/Γ(r) α^r β^s [(α + T)^−(r+x) (β + T)^−s + s ∫_{t_x}^T (α + τ)^−(r+x) (β + τ)^−(s+1) dτ].
func pnbdQuad(m btyd.ParetoNBD, x int64, tx, T float64) (alive, dead float64) {
	xf := float64(x)
	lgrx, _ := math.Lgamma(m.R + xf)
	lgr, _ := math.Lgamma(m.R)
	lead := lgrx - lgr + m.R*math.Log(m.Alpha) + m.S*math.Log(m.Beta)
	alive = math.Exp(lead - (m.R+xf)*math.Log(m.Alpha+T) - m.S*math.Log(m.Beta+T))
	if T > tx {
		dead = quad.Fixed(func(tau float64) float64 {
			return m.S * math.Exp(lead-(m.R+xf)*math.Log(m.Alpha+tau)-(m.S+1)*math.Log(m.Beta+tau))
		}, tx, T, 2000, nil, 0)
	}
	return alive, dead
}

func TestParetoNBDAgainstSlowEvaluations(t *testing.T) {
	for _, c := range []struct {
		m     btyd.ParetoNBD
		x     int64
		tx, T float64
	}{
		{cdnowPNBD, 0, 0, 38.86},
		{cdnowPNBD, 2, 30.43, 38.86},
		{cdnowPNBD, 7, 10, 30},
		{cdnowPNBD, 1, 38.86, 38.86},
		{btyd.ParetoNBD{R: 3, Alpha: 10, S: 2, Beta: 5}, 4, 20, 25},
		{btyd.ParetoNBD{R: 0.8, Alpha: 2, S: 1.5, Beta: 2}, 1, 0.5, 8},
		{btyd.ParetoNBD{R: 0.3, Alpha: 0.5, S: 0.2, Beta: 40}, 3, 12, 52},
		{btyd.ParetoNBD{R: 0.3, Alpha: 40, S: 0.2, Beta: 0.5}, 3, 12, 52},
		{btyd.ParetoNBD{R: 5, Alpha: 100, S: 3, Beta: 4}, 0, 0, 1000},
	} {
		ll, err := c.m.LogLikelihood(c.x, c.tx, c.T)
		require.NoError(t, err)
		alive, dead := pnbdQuad(c.m, c.x, c.tx, c.T)
		assert.InDelta(t, math.Log(alive+dead), ll, 1e-10, "quadrature %+v", c)
		p, err := c.m.ProbAlive(c.x, c.tx, c.T)
		require.NoError(t, err)
		assert.InDelta(t, alive/(alive+dead), p, 1e-10, "P(alive) %+v", c)
		assert.InDelta(t, pnbdBig(c.m, c.x, c.tx, c.T), ll, 1e-10, "big.Float %+v", c)
	}
}

func TestParetoNBDHeavyBuyers(t *testing.T) {
	// R BTYD gives NaN for this customer, lifetimes overflows from x in the
	// hundreds; against ₂F₁ summed in math/big.Float.
	for _, c := range []struct {
		m     btyd.ParetoNBD
		x     int64
		tx, T float64
	}{
		{cdnowPNBD, 221, 103.43, 103.57},
		{cdnowPNBD, 300, 38, 38.86},
		{cdnowPNBD, 1000, 20, 38.86},
		{cdnowPNBD, 10_000, 38.8, 38.86},
		{cdnowPNBD, 10_000, 1, 1e4},
		{btyd.ParetoNBD{R: 0.553, Alpha: 11.669, S: 0.606, Beta: 10.578}, 10_000, 38.8, 38.86},
		{btyd.ParetoNBD{R: 2, Alpha: 1, S: 1, Beta: 30}, 5000, 50, 52},
	} {
		ll, err := c.m.LogLikelihood(c.x, c.tx, c.T)
		require.NoError(t, err)
		want := pnbdBig(c.m, c.x, c.tx, c.T)
		assert.InDelta(t, want, ll, 2e-12*math.Abs(want), "%+v", c)
		p, err := c.m.ProbAlive(c.x, c.tx, c.T)
		require.NoError(t, err)
		assert.True(t, p >= 0 && p <= 1, "%+v: %v", c, p)
	}
	// Up to the package's limits, every figure is finite.
	for _, x := range []int64{0, 1, 100, 10_000, 1_000_000, 10_000_000} {
		for _, tx := range []float64{1e-6, 1, 38.85, 1e7} {
			T := 1e7
			if x == 0 {
				tx = 0
			}
			for _, horizon := range []float64{0, 1, 39, 1e7} {
				e, err := cdnowPNBD.ConditionalExpectedPurchases(x, tx, T, horizon)
				require.NoError(t, err)
				assert.True(t, finite(e) && e >= 0, "x = %d, t_x = %v: %v", x, tx, e)
			}
			ll, err := cdnowPNBD.LogLikelihood(x, tx, T)
			require.NoError(t, err)
			assert.True(t, finite(ll), "x = %d, t_x = %v: %v", x, tx, ll)
			d, err := cdnowPNBD.DERT(x, tx, T, 0.002)
			require.NoError(t, err)
			assert.True(t, finite(d) && d >= 0, "x = %d, t_x = %v: %v", x, tx, d)
		}
	}
}

func TestParetoNBDAlphaEqualsBeta(t *testing.T) {
	// At α = β the integral has a closed form, I(t) = (α + t)^−m / m, and
	// the likelihood is smooth across it.
	m := btyd.ParetoNBD{R: 0.7, Alpha: 8, S: 1.3, Beta: 8}
	x, tx, T := int64(4), 12.0, 30.0
	mm := m.R + m.S + float64(x)
	lgrx, _ := math.Lgamma(m.R + float64(x))
	lgr, _ := math.Lgamma(m.R)
	want := math.Exp(lgrx-lgr+(m.R+m.S)*math.Log(8)) *
		(math.Pow(8+T, -(m.R+m.S+float64(x))) + m.S/mm*(math.Pow(8+tx, -mm)-math.Pow(8+T, -mm)))
	ll, err := m.LogLikelihood(x, tx, T)
	require.NoError(t, err)
	assert.InDelta(t, math.Log(want), ll, 1e-13)
	for _, eps := range []float64{1e-9, -1e-9} {
		n := m
		n.Beta += eps
		l, err := n.LogLikelihood(x, tx, T)
		require.NoError(t, err)
		assert.InDelta(t, ll, l, 1e-9)
	}
}
