package btyd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// checkDerivatives compares the analytic gradient and Hessian of ll at
// theta with central differences of the log-likelihood and of the
// gradient.
func checkDerivatives(t *testing.T, ll likelihood, theta []float64) {
	t.Helper()
	n := len(theta)
	grad, hess := make([]float64, n), make([]float64, n*n)
	f := ll(theta, grad, hess)
	at := func(i int, d float64) (float64, []float64) {
		th := append([]float64(nil), theta...)
		th[i] += d
		g := make([]float64, n)
		return ll(th, g, nil), g
	}
	for i := range n {
		// The differences carry the truncation error of a step of 10^−4
		// and the rounding of sums as large as f.
		h := 1e-4 * theta[i]
		fp, gp := at(i, h)
		fm, gm := at(i, -h)
		noise := 1e-13 * math.Abs(f) / h
		assert.InDelta(t, (fp-fm)/(2*h), grad[i], 1e-6*(1+math.Abs(grad[i]))+noise, "gradient %d", i)
		for j := range n {
			fd := (gp[j] - gm[j]) / (2 * h)
			assert.InDelta(t, fd, hess[j*n+i], 1e-5*(1+math.Abs(fd))+noise/h*1e-3, "Hessian %d, %d", j, i)
			assert.Equal(t, hess[i*n+j], hess[j*n+i], "symmetry %d, %d", i, j)
		}
	}
}

// randomHistories returns n histories of customers of all kinds, x up to
// 60, the weights from 1 to 5.
func randomHistories(rng *rand.Rand, n int) []History {
	hs := make([]History, n)
	for i := range hs {
		T := 1 + 60*rng.Float64()
		h := History{T: T, Weight: 1 + rng.Int64N(5)}
		if rng.IntN(3) > 0 {
			h.X = 1 + rng.Int64N(60)
			h.Tx = T * rng.Float64()
		}
		hs[i] = h
	}
	return hs
}

func TestBGNBDDerivatives(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{50, parallelMin + 5} { // one part, and two
		d, err := newFrequencyData("test", randomHistories(rng, n))
		require.NoError(t, err)
		for _, theta := range [][]float64{{0.243, 4.414, 0.793, 2.426}, {2, 0.5, 3, 0.7}, {0.05, 30, 0.2, 12}} {
			checkDerivatives(t, d.bgnbdLikelihood, theta)
		}
	}
}

func TestBGNBDLikelihoodIsTheSumOfCustomers(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	hs := randomHistories(rng, parallelMin+100)
	d, err := newFrequencyData("test", hs)
	require.NoError(t, err)
	m := BGNBD{R: 0.7, A: 1.3, Alpha: 6, B: 4}
	var want kahan
	for _, h := range hs {
		l, err := m.LogLikelihood(h.X, h.Tx, h.T)
		require.NoError(t, err)
		want.add(float64(h.Weight) * l)
	}
	got := d.bgnbdLikelihood([]float64{m.R, m.Alpha, m.A, m.B}, make([]float64, 4), nil)
	assert.InDelta(t, want.value(), got, 1e-9*math.Abs(want.value()))
}

func TestGammaGammaDerivatives(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{40, parallelMin + 7} {
		cs := make([]Customer, n)
		for i := range cs {
			cs[i] = Customer{X: 1 + rng.Int64N(30), Spend: toDecimal(1+200*rng.Float64(), 2)}
		}
		d, err := newSpendData("test", cs)
		require.NoError(t, err)
		for _, theta := range [][]float64{{6.25, 3.74, 15.44}, {0.5, 1.5, 200}, {30, 12, 3}} {
			checkDerivatives(t, d.likelihood, theta)
		}
		// The likelihood is the sum of the customers' log-likelihoods.
		m := GammaGamma{P: 2, Q: 3, Gamma: 40}
		var want kahan
		for _, c := range cs {
			l, err := m.LogLikelihood(c.X, c.Spend)
			require.NoError(t, err)
			want.add(l)
		}
		got := d.likelihood([]float64{m.P, m.Q, m.Gamma}, make([]float64, 3), nil)
		assert.InDelta(t, want.value(), got, 1e-9*math.Abs(want.value()))
	}
}

func TestSplitCoversOnce(t *testing.T) {
	for _, n := range []int{0, 1, parallelMin - 1, parallelMin, 3*parallelMin + 1} {
		seen := make([]int, n)
		parts := split(n, func(part, lo, hi int) {
			for i := lo; i < hi; i++ {
				seen[i]++
			}
		})
		for i, s := range seen {
			require.Equal(t, 1, s, "n = %d, item %d", n, i)
		}
		assert.Equal(t, map[bool]int{true: 2, false: 1}[n >= parallelMin], parts)
	}
}

func TestGammaGammaMoments(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	cs := make([]Customer, parallelMin+11)
	for i := range cs {
		cs[i] = Customer{X: 1 + rng.Int64N(30), Spend: toDecimal(0.5+200*rng.Float64(), 2)}
	}
	theta := []float64{6.25, 3.74, 15.44}
	d, err := newSpendDataAt("test", cs, theta[2])
	require.NoError(t, err)
	// Near the centre the expansion serves, without a pass, and agrees with
	// the sums taken afresh there to the rounding of the sums.
	for _, gamma := range []float64{15.44, 15.44 * 1.001, 15.44 * 0.98, 15.44 * 1.03} {
		th := []float64{theta[0], theta[1], gamma}
		g, h := make([]float64, 3), make([]float64, 9)
		got := d.likelihood(th, g, h)
		assert.Zero(t, d.recentred, "γ = %v", gamma)
		fresh, err := newSpendData("test", cs)
		require.NoError(t, err)
		fresh.recentre(gamma)
		g2, h2 := make([]float64, 3), make([]float64, 9)
		want := fresh.likelihood(th, g2, h2)
		assert.InDelta(t, want, got, 1e-13*math.Abs(want), "γ = %v", gamma)
		for i := range g {
			assert.InDelta(t, g2[i], g[i], 1e-12*(1+math.Abs(g2[i])), "γ = %v, gradient %d", gamma, i)
		}
		for i := range h {
			assert.InDelta(t, h2[i], h[i], 1e-12*(1+math.Abs(h2[i])), "γ = %v, Hessian %d", gamma, i)
		}
	}
	// Far from it, a pass recentres.
	d.likelihood([]float64{6.25, 3.74, 30}, make([]float64, 3), nil)
	assert.Equal(t, 1, d.recentred)
}

func TestParetoNBDLikelihoodValueAlone(t *testing.T) {
	// Beyond the wall a climb asks for the value alone, which the
	// continued fraction gives: it is the value the series with
	// derivatives gives, and the sum of the customers' log-likelihoods,
	// on either side of α = β and near the edge of the domain.
	rng := rand.New(rand.NewPCG(5, 6))
	hs := randomHistories(rng, parallelMin+100)
	d, err := newFrequencyData("test", hs)
	require.NoError(t, err)
	for _, theta := range [][]float64{{0.55, 10.6, 0.61, 11.7}, {25, 86, 400, 2.2e4}, {3, 400, 0.4, 1.5}, {0.6, 25, 140, 6000}} {
		m := ParetoNBD{R: theta[0], Alpha: theta[1], S: theta[2], Beta: theta[3]}
		var want kahan
		for _, h := range hs {
			l, err := m.LogLikelihood(h.X, h.Tx, h.T)
			require.NoError(t, err)
			want.add(float64(h.Weight) * l)
		}
		alone := d.pnbdLikelihood(theta, nil, nil)
		full := d.pnbdLikelihood(theta, make([]float64, 4), make([]float64, 16))
		assert.InDelta(t, want.value(), alone, 1e-12*math.Abs(want.value()), "%v", theta)
		assert.InDelta(t, full, alone, 1e-12*math.Abs(full), "%v", theta)
	}
}

func TestParetoNBDDerivatives(t *testing.T) {
	// Near α = β the series gives the derivatives; far apart, the chain
	// of quadrature steps does, for most histories.
	rng := rand.New(rand.NewPCG(9, 10))
	d, err := newFrequencyData("test", randomHistories(rng, 60))
	require.NoError(t, err)
	for _, theta := range [][]float64{{0.55, 10.6, 0.61, 11.7}, {0.6, 13, 60, 1500}, {25, 86, 300, 1.3e4}, {40, 900, 0.4, 6}} {
		checkDerivatives(t, d.pnbdLikelihood, theta)
	}
}

func TestParetoNBDChainIsTheSeries(t *testing.T) {
	// Each tail that pnbdChain steps to from a later one equals the
	// series at its time: ln I and its gradient to 12 digits, its
	// Hessian to 9.
	rng := rand.New(rand.NewPCG(11, 12))
	for range 20000 {
		r := math.Exp(rng.Float64()*8 - 3)
		s := math.Exp(rng.Float64()*8 - 3)
		alpha := math.Exp(rng.Float64()*8 - 2)
		ratio := math.Exp(rng.Float64() * math.Log(300))
		beta := alpha * ratio
		if rng.IntN(2) == 0 {
			beta = alpha / ratio
		}
		x := float64([]int{0, 1, 3, 10, 100, 1000}[rng.IntN(6)])
		a := rng.Float64() * 50
		if rng.IntN(4) == 0 {
			a = 0
		}
		b := a + rng.Float64()*[]float64{0.01, 0.2, 3, 60, 400}[rng.IntN(5)]
		mesh := pnbdPieces(r, alpha, s, beta, x, a, b)
		if mesh.pieces > 1000 {
			continue
		}
		high, ok := pnbdLogTail(r, alpha, s, beta, x, b, true)
		require.True(t, ok)
		want, ok := pnbdLogTail(r, alpha, s, beta, x, a, true)
		require.True(t, ok)
		got := high.logLik
		step := pnbdStep(r, alpha, s, beta, x, a, b, mesh)
		got.addIntegral(&step)
		where := fmt.Sprintf("r = %g, α = %g, s = %g, β = %g, x = %g, [%g, %g]", r, alpha, s, beta, x, a, b)
		assert.InDelta(t, want.v, logAddExp(high.v, pnbdStepValue(r, alpha, s, beta, x, a, b, mesh)), 1e-12*max(1, math.Abs(want.v)), "%s: value alone", where)
		assert.InDelta(t, want.v, got.v, 1e-12*max(1, math.Abs(want.v)), where)
		for i := range want.g {
			assert.InDelta(t, want.g[i], got.g[i], 1e-12*max(1, math.Abs(want.g[i])), "%s: gradient %d", where, i)
		}
		for i := range want.h {
			assert.InDelta(t, want.h[i], got.h[i], 1e-9*max(1e-3, math.Abs(want.h[i])), "%s: Hessian %d", where, i)
		}
	}
}

func TestClimbOutOfPassesIsNoMaximum(t *testing.T) {
	// LL = −w/θ rises for ever, ever more slowly: a climb on a million
	// customers has a gradient per customer below acceptedGradient from
	// its first step, and runs out of passes on its way to θ → ∞. That is
	// a crawl towards a limit, not an interior maximum.
	const w = 1e6
	ll := func(theta, grad, hess []float64) float64 {
		th := theta[0]
		grad[0] += w / (th * th)
		if hess != nil {
			hess[0] += -2 * w / (th * th * th)
		}
		return -w / th
	}
	c := maximize(ll, nil, 5, []float64{100}, w, false)
	assert.LessOrEqual(t, c.gradient, acceptedGradient)
	assert.True(t, c.spent, "status %s", c.status)
	assert.False(t, c.interior())
}

func TestBGNBDLikelihoodTowardsALimit(t *testing.T) {
	// Towards p → 1, a and b run to 10^12 at a fixed ratio: the
	// likelihood settles to its limit, where differences of ln Γ taken
	// whole drifted by hundreds (and on a conformance base reported a
	// log-likelihood of +198,345 where the limit's is −18,421).
	rng := rand.New(rand.NewPCG(1, 2))
	hs := randomHistories(rng, 3000)
	d, err := newFrequencyData("test", hs)
	require.NoError(t, err)
	at := func(a float64) float64 {
		return d.bgnbdLikelihood([]float64{0.874, 1.966, a, 0.3 * a}, make([]float64, 4), nil)
	}
	limit := at(1e13)
	for _, a := range []float64{1e10, 1e11, 1e12} {
		assert.InDelta(t, limit, at(a), 1e-2, "a = %g", a)
	}
	// The model's own log-likelihood agrees, where it is defined.
	m := BGNBD{R: 0.874, Alpha: 1.966, A: 1e10, B: 3e9}
	var sum kahan
	for _, h := range hs {
		l, err := m.LogLikelihood(h.X, h.Tx, h.T)
		require.NoError(t, err)
		sum.add(float64(h.Weight) * l)
	}
	assert.InDelta(t, sum.value(), at(1e10), 1e-9*math.Abs(sum.value()))
}

func TestPolishKeepsThePassOfARejectedStep(t *testing.T) {
	// LL = −w (ln θ − 1)², but rounding (stood in for by a fall of
	// 10^−13 a customer) denies the last Newton step, to the maximum:
	// the climb ends where it stood, with that point's pass, kept rather
	// than taken again.
	const w = 1e6
	var passes []float64
	ll := func(theta, grad, hess []float64) float64 {
		th := theta[0]
		u := math.Log(th)
		passes = append(passes, th)
		grad[0] += -2 * w * (u - 1) / th
		if hess != nil {
			hess[0] += (-2*w + 2*w*(u-1)) / (th * th)
		}
		l := -w * (u - 1) * (u - 1)
		if math.Abs(u-1) < 1e-9 {
			l -= w * 1e-13
		}
		return l
	}
	start := math.Exp(1 + 1e-7)
	c := maximize(ll, nil, 10, []float64{start}, w, true)
	require.True(t, c.interior(), "status %s", c.status)
	require.Len(t, passes, 2, "a pass repeated: %v", passes)
	assert.Equal(t, start, passes[0])
	assert.InDelta(t, math.E, passes[1], 1e-12)
	assert.Equal(t, 2, c.evaluations)
	assert.Equal(t, start, c.theta[0])
	assert.InDelta(t, -w*1e-14, c.logLik, 1e-12)
	// The Hessian is the start's, −2w/θ² (1 − 10^−7).
	assert.InDelta(t, -2*w*(1-1e-7)/(start*start), c.hess[0], 1e-6)
}

func TestParetoNBDIndexedTailsAreEachCustomers(t *testing.T) {
	// Times on a grid of days, so that customers share them, in no
	// order, on two goroutines: the likelihood through the index of
	// times is the sum of each customer's, taken alone, value, gradient
	// and Hessian, where α and β are far apart (pnbdChain) and near.
	rng := rand.New(rand.NewPCG(5, 6))
	hs := randomHistories(rng, parallelMin+100)
	for i := range hs {
		hs[i].T = math.Ceil(hs[i].T*7) / 7
		if hs[i].X > 0 {
			hs[i].Tx = math.Max(1, math.Floor(hs[i].Tx*7)) / 7
		}
	}
	d, err := newFrequencyData("test", hs)
	require.NoError(t, err)
	for _, theta := range [][]float64{{0.8, 2, 0.6, 200}, {0.8, 4, 0.6, 6}, {3, 150, 0.4, 1.5}} {
		g, h := make([]float64, 4), make([]float64, 16)
		got := d.pnbdLikelihood(theta, g, h)
		var want kahan
		wg, wh := make([]float64, 4), make([]float64, 16)
		for _, c := range hs {
			one, err := newFrequencyData("test", []History{c})
			require.NoError(t, err)
			want.add(one.pnbdLikelihood(theta, wg, wh))
		}
		assert.InDelta(t, want.value(), got, 1e-10*math.Abs(want.value()), "θ = %v", theta)
		for i := range g {
			assert.InDelta(t, wg[i], g[i], 1e-8*(1+math.Abs(wg[i])), "θ = %v, gradient %d", theta, i)
		}
		for i := range h {
			assert.InDelta(t, wh[i], h[i], 1e-7*(1+math.Abs(wh[i])), "θ = %v, Hessian %d", theta, i)
		}
		assert.Equal(t, got, d.pnbdLikelihood(theta, make([]float64, 4), nil), "a second pass, through the index built")
	}
}
