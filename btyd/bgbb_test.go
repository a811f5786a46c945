package btyd_test

import (
	"encoding/csv"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"
)

// donationsModel is the BG/BB fit to the donations data that Fader,
// Hardie and Shang (2010) publish.
var donationsModel = btyd.BGBB{Alpha: 1.204, Beta: 0.750, Gamma: 0.657, Delta: 2.783}

var donationsData = sync.OnceValues(func() ([]btyd.DiscreteHistory, error) {
	f, err := os.Open(filepath.Join("..", "..", "shared", "data", "donations.csv"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, err
	}
	var hs []btyd.DiscreteHistory
	for _, row := range rows[1:] { // frequency, recency, periods, weights
		var v [4]int64
		for i := range v {
			if v[i], err = strconv.ParseInt(row[i], 10, 64); err != nil {
				return nil, err
			}
		}
		hs = append(hs, btyd.DiscreteHistory{X: v[0], Tx: v[1], N: v[2], Weight: v[3]})
	}
	return hs, nil
})

// donations returns the donations data of Fader, Hardie and Shang, one
// history a pattern, or skips the test when the data are not beside the
// repository, as in a user's clone.
func donations(t testing.TB) []btyd.DiscreteHistory {
	t.Helper()
	hs, err := donationsData()
	if err != nil {
		t.Skipf("donations data not available (../shared/data/donations.csv, beside the repository): %v", err)
	}
	return hs
}

func bgbbLL(t *testing.T, m btyd.BGBB, hs []btyd.DiscreteHistory) float64 {
	t.Helper()
	var ll float64
	for _, h := range hs {
		l, err := m.LogLikelihood(h.X, h.Tx, h.N)
		require.NoError(t, err)
		ll += float64(h.Weight) * l
	}
	return ll
}

func TestFitBGBBDonations(t *testing.T) {
	hs := donations(t)
	fit, err := btyd.FitBGBB(hs)
	require.NoError(t, err)
	// The maximum, tightly: −33,225.6 published, −33,225.5813 here.
	assert.InDelta(t, -33225.5813, fit.Stats.LogLikelihood, 5e-4)
	assert.InDelta(t, -33225.6, fit.Stats.LogLikelihood, 0.05)
	// The parameters, to the published digits.
	m := fit.Model
	assert.InDelta(t, 1.204, m.Alpha, 5e-4)
	assert.InDelta(t, 0.750, m.Beta, 5e-4)
	assert.InDelta(t, 0.657, m.Gamma, 5e-4)
	assert.InDelta(t, 2.783, m.Delta, 5e-4)
	assert.Equal(t, int64(11104), fit.Stats.Customers)
	assert.Equal(t, []string{"alpha", "beta", "gamma", "delta"}, fit.Stats.Parameters)
	assert.Less(t, fit.Stats.Iterations, 30)

	// The fit's log-likelihood is the model's; the published model is no
	// better.
	assert.InDelta(t, fit.Stats.LogLikelihood, bgbbLL(t, m, hs), 1e-8)
	published := bgbbLL(t, donationsModel, hs)
	assert.InDelta(t, -33225.6, published, 0.05)
	assert.Less(t, published, fit.Stats.LogLikelihood)

	// Standard errors from the observed information, against a Hessian of
	// the log-likelihood by central differences.
	se := observedStdErr(t, func(th []float64) float64 {
		return bgbbLL(t, btyd.BGBB{Alpha: th[0], Beta: th[1], Gamma: th[2], Delta: th[3]}, hs)
	}, []float64{m.Alpha, m.Beta, m.Gamma, m.Delta})
	got := []float64{fit.StdErr.Alpha, fit.StdErr.Beta, fit.StdErr.Gamma, fit.StdErr.Delta}
	for i := range se {
		assert.InDelta(t, 1, got[i]/se[i], 1e-3, "standard error of %s", fit.Stats.Parameters[i])
		assert.InDelta(t, got[i]*got[i], fit.Stats.Covariance[i][i], 1e-15)
	}
}

func TestBGBBDonationsPublished(t *testing.T) {
	hs := donations(t)
	fit, err := btyd.FitBGBB(hs)
	require.NoError(t, err)
	for _, m := range []btyd.BGBB{donationsModel, fit.Model} {
		// FHS's Table 6, P(alive in 2002): 0.11 without a repeat donation,
		// 0.59 for 2 donations, the last in 1999 (t_x = 4), 0.93 for a
		// donation every year.
		for _, c := range []struct {
			x, tx int64
			want  float64
		}{{0, 0, 0.11}, {2, 4, 0.59}, {6, 6, 0.93}} {
			p, err := m.ProbAlive(c.x, c.tx, 6)
			require.NoError(t, err)
			assert.InDelta(t, c.want, p, 0.005, "P(alive | %d, %d, 6)", c.x, c.tx)
		}
		// Hardie's spreadsheet of the fit (via lifetimes' tests): the base
		// is expected to make 12,884.2 donations in 2002–2006, to the
		// digit at the maximum, within 3 with the parameters rounded; and
		// 3,454.9 supporters to make none in the six years, 1,253.1 one
		// every year (the chances of those histories).
		var total float64
		for _, h := range hs {
			e, err := m.ConditionalExpectedPurchases(h.X, h.Tx, h.N, 5)
			require.NoError(t, err)
			total += float64(h.Weight) * e
		}
		if m == fit.Model {
			assert.InDelta(t, 12884.2, total, 0.05)
		} else {
			assert.InDelta(t, 12884.2, total, 3)
		}
		for _, c := range [][3]float64{{0, 0, 3454.9}, {6, 6, 1253.1}} {
			l, err := m.LogLikelihood(int64(c[0]), int64(c[1]), 6)
			require.NoError(t, err)
			assert.InDelta(t, c[2], 11104*math.Exp(l), 1.5)
		}
	}
}

// bigRatio returns B(a + x, b + y)/B(a, b) = (a)_x (b)_y / (a + b)_{x+y}
// in big.Float.
func bigRatio(a, b float64, x, y int) *big.Float {
	const prec = 256
	f := func(v float64) *big.Float { return new(big.Float).SetPrec(prec).SetFloat64(v) }
	r := f(1)
	for j := range x {
		r.Mul(r, f(a+float64(j)))
	}
	for j := range y {
		r.Mul(r, f(b+float64(j)))
	}
	for j := range x + y {
		r.Quo(r, f(a+b+float64(j)))
	}
	return r
}

// bigBGBB returns the BG/BB likelihood of (x, t_x, n) and the chance of
// being alive at n + 1 with it, in big.Float: the individual-level story
// summed over the opportunity at which the customer dies, τ = t_x + 1 …
// n, or later, each integrated over p and θ by exact rising factorials,
// E[p^x (1 − p)^y] = B(α + x, β + y)/B(α, β) and E[θ(1 − θ)^k] = B(γ + 1,
// δ + k)/B(γ, δ).
func bigBGBB(m btyd.BGBB, x, tx, n int) (lik, aliveNext float64) {
	sum := new(big.Float).Mul(bigRatio(m.Alpha, m.Beta, x, n-x), bigRatio(m.Gamma, m.Delta, 0, n))
	alive := new(big.Float).Mul(bigRatio(m.Alpha, m.Beta, x, n-x), bigRatio(m.Gamma, m.Delta, 0, n+1))
	for tau := tx + 1; tau <= n; tau++ {
		// Alive through τ − 1, dead at the start of τ.
		sum.Add(sum, new(big.Float).Mul(bigRatio(m.Alpha, m.Beta, x, tau-1-x), bigRatio(m.Gamma, m.Delta, 1, tau-1)))
	}
	l, _ := sum.Float64()
	a, _ := alive.Quo(alive, sum).Float64()
	return l, a
}

func bgbbCases() []btyd.BGBB {
	return []btyd.BGBB{
		donationsModel,
		{Alpha: 0.2, Beta: 5, Gamma: 3, Delta: 0.4},
		{Alpha: 40, Beta: 0.05, Gamma: 0.01, Delta: 60},
		{Alpha: 1, Beta: 1, Gamma: 1, Delta: 1},
		{Alpha: 1e-6, Beta: 2e4, Gamma: 1e4, Delta: 1e-5},
		{Alpha: 3e7, Beta: 1e8, Gamma: 5e6, Delta: 2e8},
	}
}

func TestBGBBAgainstBigFloat(t *testing.T) {
	for _, m := range bgbbCases() {
		for _, c := range [][3]int{{0, 0, 1}, {0, 0, 6}, {1, 1, 1}, {2, 4, 6}, {6, 6, 6}, {1, 2, 6}, {3, 30, 200}, {150, 190, 200}, {0, 0, 200}} {
			want, wantAlive := bigBGBB(m, c[0], c[1], c[2])
			ll, err := m.LogLikelihood(int64(c[0]), int64(c[1]), int64(c[2]))
			require.NoError(t, err)
			if want > 1e-300 {
				assert.InDelta(t, 1, math.Exp(ll)/want, 1e-12, "%+v: L%v", m, c)
			}
			p, err := m.ProbAlive(int64(c[0]), int64(c[1]), int64(c[2]))
			require.NoError(t, err)
			assert.InDelta(t, wantAlive, p, 1e-12*max(wantAlive, 1e-3), "%+v: P(alive)%v", m, c)
		}
	}
}

// binomial returns C(n, k) as a float64.
func binomial(n, k int) float64 {
	c := 1.0
	for j := range k {
		c = c * float64(n-j) / float64(j+1)
	}
	return c
}

// probCount returns P(X(n) = x), the chance of a new customer's x
// purchases in n opportunities, from the likelihood: C(t_x − 1, x − 1)
// purchase strings have x purchases, the last at t_x.
func probCount(t *testing.T, m btyd.BGBB, x, n int) float64 {
	if x == 0 {
		l, err := m.LogLikelihood(0, 0, int64(n))
		require.NoError(t, err)
		return math.Exp(l)
	}
	var p float64
	for tx := x; tx <= n; tx++ {
		l, err := m.LogLikelihood(int64(x), int64(tx), int64(n))
		require.NoError(t, err)
		p += binomial(tx-1, x-1) * math.Exp(l)
	}
	return p
}

func TestBGBBLikelihoodSumsToOne(t *testing.T) {
	// Over every purchase string of n opportunities the chances sum to 1,
	// and their mean count is E[X(n)].
	for _, m := range bgbbCases() {
		for _, n := range []int{1, 6, 25} {
			var total, mean float64
			for x := 0; x <= n; x++ {
				p := probCount(t, m, x, n)
				total += p
				mean += float64(x) * p
			}
			assert.InDelta(t, 1, total, 1e-12, "%+v, n = %d", m, n)
			e, err := m.ExpectedPurchases(int64(n))
			require.NoError(t, err)
			assert.InDelta(t, mean, e, 1e-12*max(1, e), "%+v, n = %d", m, n)
		}
	}
}

func TestBGBBExpectedPurchasesClosedForm(t *testing.T) {
	// FHS's equation 7 in gamma functions, where γ is away from 1.
	for _, m := range bgbbCases() {
		if math.Abs(m.Gamma-1) < 0.1 || m.Gamma > 100 {
			continue
		}
		for _, n := range []int64{1, 6, 100, 10_000} {
			lg := func(v float64) float64 { l, _ := math.Lgamma(v); return l }
			nf := float64(n)
			ratio := math.Exp(lg(m.Gamma+m.Delta) - lg(m.Gamma+m.Delta+nf) + lg(1+m.Delta+nf) - lg(1+m.Delta))
			want := m.Alpha / (m.Alpha + m.Beta) * m.Delta / (m.Gamma - 1) * (1 - ratio)
			e, err := m.ExpectedPurchases(n)
			require.NoError(t, err)
			assert.InDelta(t, 1, e/want, 1e-9, "%+v, n = %d", m, n)
		}
	}
}

// futureExpectation returns E[X(n, n + n*) | x, t_x, n] from the
// likelihood alone: every string s of the next n* opportunities has
// chance L(history then s)/L(history).
func futureExpectation(t *testing.T, m btyd.BGBB, x, tx, n, nStar int) float64 {
	past, err := m.LogLikelihood(int64(x), int64(tx), int64(n))
	require.NoError(t, err)
	var e float64
	for s := range 1 << nStar {
		fx, ftx := x, tx
		for j := range nStar {
			if s&(1<<j) != 0 {
				fx, ftx = fx+1, n+j+1
			}
		}
		l, err := m.LogLikelihood(int64(fx), int64(ftx), int64(n+nStar))
		require.NoError(t, err)
		e += float64(fx-x) * math.Exp(l-past)
	}
	return e
}

func TestBGBBConditionalAgainstLikelihood(t *testing.T) {
	for _, m := range bgbbCases() {
		for _, c := range [][3]int{{0, 0, 6}, {2, 4, 6}, {6, 6, 6}, {1, 1, 1}, {5, 20, 40}} {
			for _, nStar := range []int{0, 1, 5, 10} {
				want := futureExpectation(t, m, c[0], c[1], c[2], nStar)
				e, err := m.ConditionalExpectedPurchases(int64(c[0]), int64(c[1]), int64(c[2]), int64(nStar))
				require.NoError(t, err)
				assert.InDelta(t, want, e, 1e-11*max(1, want), "%+v: %v, n* = %d", m, c, nStar)
			}
		}
	}
}

func TestBGBBDERT(t *testing.T) {
	for _, m := range bgbbCases() {
		for _, c := range [][3]int64{{0, 0, 6}, {2, 4, 6}, {6, 6, 6}, {40, 90, 100}} {
			for _, d := range []float64{0.03, 0.1, 1, 50} {
				// The discounted increments of the conditional expectation.
				var want, prev float64
				for k := int64(1); k <= 5000; k++ {
					e, err := m.ConditionalExpectedPurchases(c[0], c[1], c[2], k)
					require.NoError(t, err)
					inc := (e - prev) * math.Pow(1+d, -float64(k))
					want += inc
					prev = e
					if k > 10 && inc < 1e-20 {
						break
					}
				}
				got, err := m.DERT(c[0], c[1], c[2], d)
				require.NoError(t, err)
				assert.InDelta(t, want, got, 1e-10*max(want, 1e-6), "%+v: %v, d = %v", m, c, d)
			}
		}
	}
	// With γ > 1 and d → 0, DERT approaches the expected residual
	// purchases, finite.
	m := btyd.BGBB{Alpha: 1, Beta: 1, Gamma: 3, Delta: 2}
	e, err := m.ConditionalExpectedPurchases(2, 3, 4, 100_000)
	require.NoError(t, err)
	got, err := m.DERT(2, 3, 4, 1e-4)
	require.NoError(t, err)
	assert.InDelta(t, e, got, 2e-3*e)
}

// simBGBB simulates a customer of the BG/BB model over n opportunities:
// p ~ Beta(α, β), θ ~ Beta(γ, δ); at the start of each opportunity an
// alive customer dies with probability θ, and if still alive buys with
// probability p. It returns the opportunities at which they bought, and
// the one at whose start they died, n + 1 if none.
func simBGBB(rng *rand.Rand, m btyd.BGBB, n int) (buys []int, death int) {
	src := rand.NewPCG(rng.Uint64(), rng.Uint64())
	p := distuv.Beta{Alpha: m.Alpha, Beta: m.Beta, Src: src}.Rand()
	theta := distuv.Beta{Alpha: m.Gamma, Beta: m.Delta, Src: src}.Rand()
	for t := 1; t <= n; t++ {
		if rng.Float64() < theta {
			return buys, t
		}
		if rng.Float64() < p {
			buys = append(buys, t)
		}
	}
	return buys, n + 1
}

// summary returns (x, t_x) of the purchases up to opportunity n.
func summary(buys []int, n int) (x, tx int64) {
	for _, b := range buys {
		if b <= n {
			x, tx = x+1, int64(b)
		}
	}
	return x, tx
}

func TestBGBBAgainstSimulation(t *testing.T) {
	rng := rand.New(rand.NewPCG(2010, 6))
	m := donationsModel
	const customers, n, nStar = 200_000, 6, 5
	counts := make([]int, n+1)
	type outcome struct{ customers, alive, future int }
	byPattern := map[[2]int64]*outcome{}
	for range customers {
		buys, death := simBGBB(rng, m, n+nStar)
		x, tx := summary(buys, n)
		counts[x]++
		o := byPattern[[2]int64{x, tx}]
		if o == nil {
			o = &outcome{}
			byPattern[[2]int64{x, tx}] = o
		}
		o.customers++
		all, _ := summary(buys, n+nStar)
		o.future += int(all - x)
		if death > n+1 {
			o.alive++
		}
	}
	for x, c := range counts {
		p := probCount(t, m, x, n)
		sd := math.Sqrt(p * (1 - p) / customers)
		assert.InDelta(t, p, float64(c)/customers, 4*sd, "P(X(6) = %d)", x)
	}
	for _, k := range [][2]int64{{0, 0}, {2, 4}, {6, 6}, {1, 1}, {3, 5}} {
		o := byPattern[k]
		c := float64(o.customers)
		pa, err := m.ProbAlive(k[0], k[1], n)
		require.NoError(t, err)
		assert.InDelta(t, pa, float64(o.alive)/c, 4*math.Sqrt(pa*(1-pa)/c), "P(alive at 7 | %v)", k)
		e, err := m.ConditionalExpectedPurchases(k[0], k[1], n, nStar)
		require.NoError(t, err)
		// Future purchases are from 0 to n*: their sd is at most n*/2.
		assert.InDelta(t, e, float64(o.future)/c, 4*nStar/2/math.Sqrt(c), "E[X(6, 11) | %v]", k)
	}
}

func TestFitBGBBRecovery(t *testing.T) {
	// Simulated bases through the model's own story, in cohorts observed
	// for 4 to 20 opportunities, land within a few standard errors of the
	// parameters that made them.
	rng := rand.New(rand.NewPCG(2010, 29))
	for _, m := range []btyd.BGBB{
		donationsModel,
		{Alpha: 0.5, Beta: 3, Gamma: 0.3, Delta: 4},
		{Alpha: 3, Beta: 1, Gamma: 2, Delta: 10},
		{Alpha: 0.8, Beta: 0.8, Gamma: 1, Delta: 1.5},
	} {
		var hs []btyd.DiscreteHistory
		for i := range 20_000 {
			n := 4 + i%17
			buys, _ := simBGBB(rng, m, n)
			x, tx := summary(buys, n)
			hs = append(hs, btyd.DiscreteHistory{X: x, Tx: tx, N: int64(n), Weight: 1})
		}
		fit, err := btyd.FitBGBB(hs)
		require.NoError(t, err, "%+v", m)
		got := []float64{fit.Model.Alpha, fit.Model.Beta, fit.Model.Gamma, fit.Model.Delta}
		se := []float64{fit.StdErr.Alpha, fit.StdErr.Beta, fit.StdErr.Gamma, fit.StdErr.Delta}
		for i, want := range []float64{m.Alpha, m.Beta, m.Gamma, m.Delta} {
			assert.InDelta(t, want, got[i], 4*se[i], "%+v: %s = %v ± %v", m, fit.Stats.Parameters[i], got[i], se[i])
			assert.Less(t, se[i], 0.5*want, "%+v: %s", m, fit.Stats.Parameters[i])
		}
	}
}

func TestFitBGBBWeights(t *testing.T) {
	// Patterns fit as the customers they stand for, in any order.
	hs := donations(t)
	var each []btyd.DiscreteHistory
	for _, h := range hs {
		for range h.Weight {
			each = append(each, btyd.DiscreteHistory{X: h.X, Tx: h.Tx, N: h.N, Weight: 1})
		}
	}
	rand.New(rand.NewPCG(1, 1)).Shuffle(len(each), func(i, j int) { each[i], each[j] = each[j], each[i] })
	a, err := btyd.FitBGBB(hs)
	require.NoError(t, err)
	b, err := btyd.FitBGBB(each)
	require.NoError(t, err)
	assert.Equal(t, a.Model, b.Model)
	assert.Equal(t, a.Stats.LogLikelihood, b.Stats.LogLikelihood)
}

func TestBGBBProperties(t *testing.T) {
	m := donationsModel
	// P(alive) in [0, 1]; it rises with recency for fixed x and n, falls
	// with n for fixed x and t_x.
	for _, x := range []int64{1, 3, 50} {
		prev := 0.0
		for tx := x; tx <= 100; tx++ {
			p, err := m.ProbAlive(x, tx, 100)
			require.NoError(t, err)
			assert.True(t, p >= prev && p <= 1, "x = %d, t_x = %d: %v after %v", x, tx, p, prev)
			prev = p
		}
		prev = 1
		for n := x; n <= 1000; n += 7 {
			p, err := m.ProbAlive(x, x, n)
			require.NoError(t, err)
			assert.True(t, p <= prev && p >= 0, "x = %d, n = %d: %v after %v", x, n, p, prev)
			prev = p
		}
	}
	// Expected purchases rise with the horizon, and DERT falls with the
	// rate.
	prevNew, prevOld := 0.0, 0.0
	for n := int64(1); n <= 100_000; n *= 3 {
		e, err := m.ExpectedPurchases(n)
		require.NoError(t, err)
		assert.Greater(t, e, prevNew)
		prevNew = e
		c, err := m.ConditionalExpectedPurchases(3, 5, 6, n)
		require.NoError(t, err)
		assert.Greater(t, c, prevOld)
		prevOld = c
	}
	prev := math.Inf(1)
	for _, d := range []float64{1e-4, 0.01, 0.1, 1, 100, 1e10} {
		v, err := m.DERT(3, 5, 6, d)
		require.NoError(t, err)
		assert.True(t, v < prev && v >= 0, "d = %v: %v after %v", d, v, prev)
		prev = v
	}
	// Nothing to expect in no opportunities.
	e, err := m.ExpectedPurchases(0)
	require.NoError(t, err)
	assert.Zero(t, e)
	e, err = m.ConditionalExpectedPurchases(1, 1, 1, 0)
	require.NoError(t, err)
	assert.Zero(t, e)
}

func TestBGBBExtremes(t *testing.T) {
	// Long histories, heavy buyers and extreme parameters stay finite.
	for _, m := range append(bgbbCases(), btyd.BGBB{Alpha: 1e10, Beta: 1e-10, Gamma: 1e-10, Delta: 1e10}, btyd.BGBB{Alpha: 1e-10, Beta: 1e10, Gamma: 1e10, Delta: 1e-10}) {
		for _, c := range [][3]int64{{0, 0, 100_000}, {100_000, 100_000, 100_000}, {1, 1, 100_000}, {50_000, 99_999, 100_000}, {1, 1, 1}} {
			ll, err := m.LogLikelihood(c[0], c[1], c[2])
			require.NoError(t, err)
			assert.True(t, finite(ll) && ll <= 0, "%+v %v: %v", m, c, ll)
			p, err := m.ProbAlive(c[0], c[1], c[2])
			require.NoError(t, err)
			assert.True(t, p >= 0 && p <= 1, "%+v %v: %v", m, c, p)
			e, err := m.ConditionalExpectedPurchases(c[0], c[1], c[2], 100_000)
			require.NoError(t, err)
			assert.True(t, finite(e) && e >= 0 && e <= 100_000*(1+1e-9), "%+v %v: %v", m, c, e)
			v, err := m.DERT(c[0], c[1], c[2], 0.05)
			require.NoError(t, err)
			assert.True(t, finite(v) && v >= 0 && v <= 21, "%+v %v: %v", m, c, v)
		}
	}
}

func TestBGBBErrors(t *testing.T) {
	m := donationsModel
	for _, c := range []struct {
		name string
		err  error
		call func() error
	}{
		{"alpha zero", clv.ErrNonPositive, func() error { _, err := btyd.BGBB{Beta: 1, Gamma: 1, Delta: 1}.ProbAlive(1, 1, 2); return err }},
		{"beta NaN", clv.ErrOutOfRange, func() error {
			_, err := btyd.BGBB{Alpha: 1, Beta: math.NaN(), Gamma: 1, Delta: 1}.ExpectedPurchases(1)
			return err
		}},
		{"delta huge", clv.ErrOutOfRange, func() error {
			_, err := btyd.BGBB{Alpha: 1, Beta: 1, Gamma: 1, Delta: 1e11}.LogLikelihood(0, 0, 1)
			return err
		}},
		{"gamma negative", clv.ErrNonPositive, func() error {
			_, err := btyd.BGBB{Alpha: 1, Beta: 1, Gamma: -1, Delta: 1}.DERT(1, 1, 1, 0.1)
			return err
		}},
		{"x negative", clv.ErrNegative, func() error { _, err := m.ProbAlive(-1, 0, 1); return err }},
		{"t_x negative", clv.ErrNegative, func() error { _, err := m.ProbAlive(0, -1, 1); return err }},
		{"n zero", clv.ErrNonPositive, func() error { _, err := m.LogLikelihood(0, 0, 0); return err }},
		{"n huge", clv.ErrOutOfRange, func() error { _, err := m.LogLikelihood(0, 0, 100_001); return err }},
		{"t_x > n", clv.ErrInconsistent, func() error { _, err := m.ProbAlive(2, 7, 6); return err }},
		{"x > t_x", clv.ErrInconsistent, func() error { _, err := m.ProbAlive(4, 3, 6); return err }},
		{"x without t_x", clv.ErrInconsistent, func() error { _, err := m.LogLikelihood(2, 0, 4); return err }},
		{"t_x without x", clv.ErrInconsistent, func() error { _, err := m.LogLikelihood(0, 1, 4); return err }},
		{"n negative", clv.ErrNegative, func() error { _, err := m.ExpectedPurchases(-1); return err }},
		{"horizon huge", clv.ErrOutOfRange, func() error { _, err := m.ExpectedPurchases(1e9); return err }},
		{"n* negative", clv.ErrNegative, func() error { _, err := m.ConditionalExpectedPurchases(1, 1, 2, -3); return err }},
		{"n* huge", clv.ErrOutOfRange, func() error { _, err := m.ConditionalExpectedPurchases(1, 1, 2, 1e6); return err }},
		{"d zero", clv.ErrNonPositive, func() error { _, err := m.DERT(1, 1, 2, 0); return err }},
		{"d negative", clv.ErrNonPositive, func() error { _, err := m.DERT(1, 1, 2, -0.1); return err }},
		{"d NaN", clv.ErrOutOfRange, func() error { _, err := m.DERT(1, 1, 2, math.NaN()); return err }},
		{"d infinite", clv.ErrOutOfRange, func() error { _, err := m.DERT(1, 1, 2, math.Inf(1)); return err }},
		{"d tiny", clv.ErrOutOfRange, func() error { _, err := m.DERT(1, 1, 2, 1e-9); return err }},
	} {
		err := c.call()
		require.ErrorIs(t, err, c.err, c.name)
		assert.Regexp(t, "^btyd: BG/BB ", err.Error(), c.name)
		assert.Less(t, len(err.Error()), 200, c.name)
	}
	_, err := m.ProbAlive(4, 3, 6)
	assert.EqualError(t, err, "btyd: BG/BB probability alive: x = 4 > t_x = 3: clv: inconsistent: one purchase an opportunity")
}

func TestFitBGBBErrors(t *testing.T) {
	h := func(x, tx, n, w int64) btyd.DiscreteHistory {
		return btyd.DiscreteHistory{X: x, Tx: tx, N: n, Weight: w}
	}
	for _, c := range []struct {
		name string
		hs   []btyd.DiscreteHistory
		err  error
	}{
		{"no customers", nil, clv.ErrMissing},
		{"zero weight", []btyd.DiscreteHistory{h(1, 1, 2, 0)}, clv.ErrNonPositive},
		{"t_x > n", []btyd.DiscreteHistory{h(1, 1, 2, 1), h(3, 5, 4, 1)}, clv.ErrInconsistent},
		{"negative x", []btyd.DiscreteHistory{h(-1, 0, 2, 1)}, clv.ErrNegative},
		{"no opportunities", []btyd.DiscreteHistory{h(0, 0, 0, 1)}, clv.ErrNonPositive},
		{"weights overflow", []btyd.DiscreteHistory{h(1, 1, 2, 1<<53), h(1, 1, 2, 1<<53)}, clv.ErrOutOfRange},
		{"no repeat purchase", []btyd.DiscreteHistory{h(0, 0, 2, 10), h(0, 0, 5, 3)}, clv.ErrNoFit},
		// Everyone buys at every opportunity: no one seems to leave or to
		// miss one.
		{"every opportunity", []btyd.DiscreteHistory{h(6, 6, 6, 100), h(3, 3, 3, 50)}, clv.ErrNoFit},
	} {
		_, err := btyd.FitBGBB(c.hs)
		require.ErrorIs(t, err, c.err, c.name)
		assert.True(t, strings.HasPrefix(err.Error(), "btyd: fit BG/BB: "), c.name)
	}
	_, err := btyd.FitBGBB([]btyd.DiscreteHistory{h(1, 1, 2, 1), h(3, 5, 4, 1)})
	assert.EqualError(t, err, "btyd: fit BG/BB: history 2: t_x = 5 > n = 4: clv: inconsistent")
}

func FuzzBGBB(f *testing.F) {
	f.Add(1.204, 0.750, 0.657, 2.783, int64(2), int64(4), int64(6), int64(5), 0.1)
	f.Add(1e-10, 1e10, 1e-10, 1e10, int64(0), int64(0), int64(100_000), int64(100_000), 1e-5)
	f.Add(1e10, 1e-10, 1e10, 1e-10, int64(99_999), int64(100_000), int64(100_000), int64(0), 1e300)
	f.Fuzz(func(t *testing.T, alpha, beta, gamma, delta float64, x, tx, n, nStar int64, d float64) {
		m := btyd.BGBB{Alpha: alpha, Beta: beta, Gamma: gamma, Delta: delta}
		check := func(name string, v float64, err error, lo, hi float64) {
			if err != nil {
				if !isSentinel(err) || !strings.HasPrefix(err.Error(), "btyd: BG/BB ") {
					t.Fatalf("%s: %v", name, err)
				}
				return
			}
			if !finite(v) || v < lo || v > hi {
				t.Fatalf("%s of %+v, %d, %d, %d, %d, %v = %v", name, m, x, tx, n, nStar, d, v)
			}
		}
		ll, err := m.LogLikelihood(x, tx, n)
		check("log-likelihood", ll, err, math.Inf(-1), 0)
		p, err := m.ProbAlive(x, tx, n)
		check("P(alive)", p, err, 0, 1)
		e, err := m.ExpectedPurchases(nStar)
		check("E[X(n)]", e, err, 0, float64(nStar)*(1+1e-9))
		c, err := m.ConditionalExpectedPurchases(x, tx, n, nStar)
		check("E[X(n, n + n*)]", c, err, 0, float64(nStar)*(1+1e-9))
		v, err := m.DERT(x, tx, n, d)
		check("DERT", v, err, 0, 1/d*(1+1e-9))

		// The customer valued over n* monthly opportunities, n = 0
		// included, at d a month.
		if math.IsNaN(d) || math.IsInf(d, 0) {
			return
		}
		cu := btyd.DiscreteCustomer{ID: "c", X: x, Tx: tx, N: n, Spend: decimal.Zero}
		if x > 0 {
			cu.Spend = decimal.New(25, 0)
		}
		o := btyd.Opportunities{Every: clv.Month, Customers: []btyd.DiscreteCustomer{cu}}
		val, err := btyd.DiscreteValues(m, btyd.GammaGamma{P: 6, Q: 4, Gamma: 15}, o, btyd.Horizon{Length: int(nStar), Period: clv.Month},
			btyd.WithDiscountRate(decimal.NewFromFloat(math.Abs(d)), clv.Month))
		if err != nil {
			if !isSentinel(err) || !strings.HasPrefix(err.Error(), "btyd: discrete values: ") {
				t.Fatalf("discrete values: %v", err)
			}
			return
		}
		cv := val.Customers[0]
		if !(cv.ProbAlive >= 0 && cv.ProbAlive <= 1) || !(cv.Purchases >= 0 && cv.Purchases <= float64(nStar)*(1+1e-9)) ||
			!(cv.DiscountedPurchases >= 0 && cv.DiscountedPurchases <= cv.Purchases*(1+1e-9)) || cv.Value.Sign() < 0 {
			t.Fatalf("discrete values of %+v, %+v over %d: %+v", m, cu, nStar, cv)
		}
	})
}

func FuzzFitBGBB(f *testing.F) {
	f.Add([]byte{0, 0, 6, 10, 2, 4, 6, 3, 6, 6, 6, 2, 1, 3, 6, 1})
	f.Add([]byte{6, 6, 6, 255, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		// Each four bytes are a history: x, t_x and n from small grids,
		// and a weight.
		var hs []btyd.DiscreteHistory
		for i := 0; i+4 <= len(data) && len(hs) < 64; i += 4 {
			n := int64(data[i+2] % 16)
			tx := int64(data[i+1]) % (n + 1)
			x := int64(data[i]) % (tx + 1)
			if x == 0 && tx > 0 {
				x = 1
			}
			if tx == 0 {
				x = 0
			}
			hs = append(hs, btyd.DiscreteHistory{X: x, Tx: tx, N: n, Weight: int64(data[i+3]%8) - 1})
		}
		fit, err := btyd.FitBGBB(hs)
		if err != nil {
			if !isSentinel(err) {
				t.Fatal(err)
			}
			return
		}
		m := fit.Model
		for _, v := range []float64{m.Alpha, m.Beta, m.Gamma, m.Delta} {
			if !(v >= 1e-8 && v <= 1e8) {
				t.Fatalf("parameter %v outside the bounds", v)
			}
		}
		for _, v := range []float64{fit.StdErr.Alpha, fit.StdErr.Beta, fit.StdErr.Gamma, fit.StdErr.Delta, fit.Stats.LogLikelihood} {
			if !finite(v) {
				t.Fatalf("%+v", fit)
			}
		}
	})
}

// bgbbBase is a deterministic base of 1,000,000 customers of the BG/BB
// model (α = 1.2, β = 0.75, γ = 0.66, δ = 2.8, the donations fit), one
// history each, in yearly cohorts observed for 1 to 10 opportunities.
var bgbbBase = sync.OnceValue(func() []btyd.DiscreteHistory {
	rng := rand.New(rand.NewPCG(2010, 1))
	m := btyd.BGBB{Alpha: 1.2, Beta: 0.75, Gamma: 0.66, Delta: 2.8}
	hs := make([]btyd.DiscreteHistory, 1_000_000)
	for i := range hs {
		n := 1 + i%10
		buys, _ := simBGBB(rng, m, n)
		x, tx := summary(buys, n)
		hs[i] = btyd.DiscreteHistory{X: x, Tx: tx, N: int64(n), Weight: 1}
	}
	return hs
})

func BenchmarkFitBGBB(b *testing.B) {
	hs := bgbbBase()
	b.ReportAllocs()
	var fit btyd.BGBBFit
	for b.Loop() {
		var err error
		if fit, err = btyd.FitBGBB(hs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(hs)), "histories")
	b.ReportMetric(float64(fit.Stats.Evaluations), "evaluations")
}

func BenchmarkFitBGBBDonations(b *testing.B) {
	hs := donations(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := btyd.FitBGBB(hs); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBGBBPredictions gives each of the million customers their
// P(alive), expected purchases over the next 5 opportunities and DERT at
// 10 % an opportunity, one call of the methods at a time, on one
// goroutine: the cost of a call. For the whole base, DiscreteValues
// computes each distinct (x, t_x, n) once (BenchmarkDiscreteValues).
func BenchmarkBGBBPredictions(b *testing.B) {
	hs := bgbbBase()
	m := btyd.BGBB{Alpha: 1.2, Beta: 0.75, Gamma: 0.66, Delta: 2.8}
	b.ReportAllocs()
	for b.Loop() {
		for _, h := range hs {
			if _, err := m.ProbAlive(h.X, h.Tx, h.N); err != nil {
				b.Fatal(err)
			}
			if _, err := m.ConditionalExpectedPurchases(h.X, h.Tx, h.N, 5); err != nil {
				b.Fatal(err)
			}
			if _, err := m.DERT(h.X, h.Tx, h.N, 0.1); err != nil {
				b.Fatal(err)
			}
		}
	}
}
