package btyd_test

import (
	"flag"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distmv"
)

// simBase simulates n customers of BG/NBD and gamma–gamma models who
// arrive at whole weeks 0 to 12 and are observed until week weeks: their
// repeat purchases through the BG/NBD's story, and the mean spend of those
// purchases through the gamma–gamma's, rounded to cents.
func simBase(rng *rand.Rand, n int, m btyd.BGNBD, g btyd.GammaGamma, weeks float64) btyd.Base {
	b := btyd.Base{Unit: clv.Week, Customers: make([]btyd.Customer, n)}
	for i := range b.Customers {
		T := weeks - float64(rng.IntN(13))
		times := simBGNBD(rng, m.R, m.Alpha, m.A, m.B, T)
		spend := simGammaGamma(rng, g.P, g.Q, g.Gamma)
		c := btyd.Customer{ID: string(rune('a' + i%26)), X: int64(len(times)), T: T}
		if c.X > 0 {
			c.Tx = times[len(times)-1]
			var sum float64
			for range c.X {
				sum += spend.Rand()
			}
			c.Spend = decimal.NewFromFloat(max(sum/float64(c.X), 0.01)).Round(2)
		}
		b.Customers[i] = c
	}
	return b
}

func fitBoth(t testing.TB, b btyd.Base) (btyd.BGNBDFit, btyd.GammaGammaFit) {
	t.Helper()
	fit, err := btyd.FitBGNBD(histories(b.Customers))
	require.NoError(t, err)
	spend, err := btyd.FitGammaGamma(b.Customers)
	require.NoError(t, err)
	return fit, spend
}

var (
	trueBGNBD      = btyd.BGNBD{R: 0.5, Alpha: 5, A: 0.8, B: 2.5}
	trueGammaGamma = btyd.GammaGamma{P: 6, Q: 4, Gamma: 15}
)

// referenceDraws draws n parameter vectors as the intervals do, by the
// book: ln θ ~ N(ln θ̂, D⁻¹ Cov D⁻¹), from src.
func referenceDraws(t *testing.T, theta []float64, cov [][]float64, n int, src rand.Source) [][]float64 {
	k := len(theta)
	s := mat.NewSymDense(k, nil)
	mu := make([]float64, k)
	for i := range k {
		mu[i] = math.Log(theta[i])
		for j := i; j < k; j++ {
			s.SetSym(i, j, cov[i][j]/(theta[i]*theta[j]))
		}
	}
	normal, ok := distmv.NewNormal(mu, s, src)
	require.True(t, ok)
	out := make([][]float64, n)
	for d := range out {
		u := normal.Rand(nil)
		for i := range u {
			u[i] = math.Exp(u[i])
		}
		out[d] = u
	}
	return out
}

// TestValueIntervalsReference checks the intervals against an obvious
// evaluation: the same draws, each priced by Values, every figure's draws
// sorted and their quantiles taken by gonum's stat.Quantile; for BG/NBD
// draws, whose P(alive) come from tables of logarithms, and Pareto/NBD
// draws, whose come from a table of their series.
func TestValueIntervalsReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 1))
	b := simBase(rng, 600, trueBGNBD, trueGammaGamma, 39)
	bg, spend := fitBoth(t, b)
	// The same customers through Pareto/NBD's story, for a fit of it that
	// is sure enough to draw from.
	pb := btyd.Base{Unit: b.Unit, Customers: slices.Clone(b.Customers)}
	for i := range pb.Customers {
		c := &pb.Customers[i]
		times := simParetoNBD(rng, btyd.ParetoNBD{R: 0.5, Alpha: 5, S: 0.8, Beta: 10}, c.T)
		c.X, c.Tx = int64(len(times)), 0
		if c.X > 0 {
			c.Tx = times[len(times)-1]
			if c.Spend.IsZero() {
				c.Spend = dec("20")
			}
		}
	}
	pnbd, err := btyd.FitParetoNBD(histories(pb.Customers))
	require.NoError(t, err)
	const draws, seed = 60, 99
	horizon := btyd.Horizon{Length: 26, Period: clv.Week}
	for _, f := range []struct {
		b     btyd.Base
		fit   btyd.PurchaseFit
		theta []float64
		cov   [][]float64
		model func(th []float64) btyd.PurchaseModel
	}{
		{b, bg, []float64{bg.Model.R, bg.Model.Alpha, bg.Model.A, bg.Model.B}, bg.Stats.Covariance,
			func(th []float64) btyd.PurchaseModel { return btyd.BGNBD{R: th[0], Alpha: th[1], A: th[2], B: th[3]} }},
		{pb, pnbd, []float64{pnbd.Model.R, pnbd.Model.Alpha, pnbd.Model.S, pnbd.Model.Beta}, pnbd.Stats.Covariance,
			func(th []float64) btyd.PurchaseModel {
				return btyd.ParetoNBD{R: th[0], Alpha: th[1], S: th[2], Beta: th[3]}
			}},
	} {
		fit, b := f.fit, f.b
		for _, opts := range [][]btyd.ValueOption{
			nil,
			{btyd.WithStep(clv.Month), btyd.WithDiscountRate(dec("0.1"), clv.Year), btyd.WithGrossMargin(dec("0.4")), btyd.WithScale(4)},
		} {
			got, err := btyd.ValueIntervals(fit, spend, b, horizon, btyd.WithDraws(draws), btyd.WithSeed(seed), btyd.WithLevel(0.8),
				btyd.WithValueOptions(opts...))
			require.NoError(t, err)
			assert.Equal(t, 0.8, got.Level)
			assert.Equal(t, draws, got.Draws)

			ps := referenceDraws(t, f.theta, f.cov, draws, rand.NewPCG(seed, 1))
			g := spend.Model
			gs := referenceDraws(t, []float64{g.P, g.Q, g.Gamma}, spend.Stats.Covariance, draws, rand.NewPCG(seed, 2))
			var valuations []btyd.Valuation
			for d := range draws {
				v, err := btyd.Values(f.model(ps[d]),
					btyd.GammaGamma{P: gs[d][0], Q: gs[d][1], Gamma: gs[d][2]}, b, horizon, append(opts, btyd.WithScale(12))...)
				require.NoError(t, err)
				valuations = append(valuations, v)
			}
			scale := int32(clv.DefaultScale)
			if opts != nil {
				scale = 4
			}
			checkReference(t, got, valuations, math.Pow(10, -float64(scale)))
		}
	}
}

// checkReference checks intervals at 80 % against the valuations of each
// of their draws: every figure's draws sorted and their quantiles taken
// by gonum's stat.Quantile, money to within unit.
func checkReference(t *testing.T, got btyd.ValuationIntervals, valuations []btyd.Valuation, unit float64) {
	t.Helper()
	purchases := make([][]float64, len(got.Customers))
	values := make([][]float64, len(got.Customers))
	var totalP, totalV []float64
	for _, v := range valuations {
		for i, c := range v.Customers {
			purchases[i] = append(purchases[i], c.Purchases)
			values[i] = append(values[i], c.Value.InexactFloat64())
		}
		totalP = append(totalP, v.Purchases)
		totalV = append(totalV, v.Value.InexactFloat64())
	}
	q := func(x []float64) (float64, float64) {
		slices.Sort(x)
		return stat.Quantile(0.1, stat.Empirical, x, nil), stat.Quantile(0.9, stat.Empirical, x, nil)
	}
	for i, c := range got.Customers {
		assert.Equal(t, valuations[0].Customers[i].ID, c.ID)
		lo, hi := q(purchases[i])
		assert.InDelta(t, lo, c.Purchases.Low, 1e-12*(1+lo), "customer %d", i+1)
		assert.InDelta(t, hi, c.Purchases.High, 1e-12*(1+hi), "customer %d", i+1)
		lo, hi = q(values[i])
		assert.InDelta(t, lo, c.Value.Low.InexactFloat64(), unit, "customer %d", i+1)
		assert.InDelta(t, hi, c.Value.High.InexactFloat64(), unit, "customer %d", i+1)
		assert.LessOrEqual(t, c.Purchases.Low, c.Purchases.High)
		assert.True(t, c.Value.Low.LessThanOrEqual(c.Value.High))
	}
	lo, hi := q(totalP)
	assert.InDelta(t, lo, got.Purchases.Low, 1e-10*lo)
	assert.InDelta(t, hi, got.Purchases.High, 1e-10*hi)
	lo, hi = q(totalV)
	assert.InDelta(t, lo, got.Value.Low.InexactFloat64(), 1e-10*lo+unit)
	assert.InDelta(t, hi, got.Value.High.InexactFloat64(), 1e-10*hi+unit)
}

// TestValueIntervalsContainValues checks that the intervals hold the
// figures of Values at the fitted parameters, and widen with the level.
func TestValueIntervalsContainValues(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 1))
	b := simBase(rng, 3000, trueBGNBD, trueGammaGamma, 52)
	fit, spend := fitBoth(t, b)
	horizon := btyd.Horizon{Length: 1, Period: clv.Year}
	v, err := btyd.Values(fit.Model, spend.Model, b, horizon)
	require.NoError(t, err)
	narrow, err := btyd.ValueIntervals(fit, spend, b, horizon, btyd.WithLevel(0.5))
	require.NoError(t, err)
	wide, err := btyd.ValueIntervals(fit, spend, b, horizon, btyd.WithLevel(0.99))
	require.NoError(t, err)
	outside := 0
	for i, c := range wide.Customers {
		want := v.Customers[i]
		if want.Purchases < c.Purchases.Low || want.Purchases > c.Purchases.High ||
			want.Value.LessThan(c.Value.Low) || want.Value.GreaterThan(c.Value.High) {
			outside++
		}
		n := narrow.Customers[i]
		assert.LessOrEqual(t, c.Purchases.Low, n.Purchases.Low)
		assert.GreaterOrEqual(t, c.Purchases.High, n.Purchases.High)
	}
	assert.Less(t, outside, len(b.Customers)/100, "customers whose fitted figures lie outside the 99 %% interval")
	assert.Less(t, wide.Purchases.Low, v.Purchases)
	assert.Greater(t, wide.Purchases.High, v.Purchases)
	assert.True(t, wide.Value.Low.LessThan(v.Value) && wide.Value.High.GreaterThan(v.Value))
	assert.Less(t, narrow.Purchases.High-narrow.Purchases.Low, wide.Purchases.High-wide.Purchases.Low)
}

// TestValueIntervalsDeterministic checks that a seed fixes the intervals,
// whatever GOMAXPROCS, on a base large enough to be split.
func TestValueIntervalsDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 1))
	b := simBase(rng, 25_000, trueBGNBD, trueGammaGamma, 52)
	fit, spend := fitBoth(t, b)
	horizon := btyd.Horizon{Length: 6, Period: clv.Month}
	run := func(procs int, seed uint64) btyd.ValuationIntervals {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		v, err := btyd.ValueIntervals(fit, spend, b, horizon, btyd.WithDraws(20), btyd.WithSeed(seed))
		require.NoError(t, err)
		return v
	}
	equal := func(a, b btyd.ValuationIntervals) bool {
		if a.Purchases != b.Purchases || !a.Value.Equal(b.Value) || len(a.Customers) != len(b.Customers) {
			return false
		}
		for i := range a.Customers {
			x, y := a.Customers[i], b.Customers[i]
			if x.ID != y.ID || x.Purchases != y.Purchases || !x.Value.Equal(y.Value) {
				return false
			}
		}
		return true
	}
	one, two := run(1, 5), run(2, 5)
	assert.True(t, equal(one, two), "GOMAXPROCS 1 and 2")
	assert.True(t, equal(two, run(2, 5)), "the same seed again")
	assert.False(t, equal(two, run(2, 6)), "another seed")
}

func TestParameterIntervals(t *testing.T) {
	// θ exp(± z σ / θ), z = Φ⁻¹(0.95) = 1.6448536269514722.
	const z = 1.6448536269514722
	low, high, err := exampleFit.ParameterIntervals(0.9)
	require.NoError(t, err)
	theta := []float64{exampleModel.R, exampleModel.Alpha, exampleModel.A, exampleModel.B}
	lows := []float64{low.R, low.Alpha, low.A, low.B}
	highs := []float64{high.R, high.Alpha, high.A, high.B}
	for i, v := range theta {
		s := math.Sqrt(exampleFit.Stats.Covariance[i][i]) / v
		assert.InDelta(t, v*math.Exp(-z*s), lows[i], 1e-12*v)
		assert.InDelta(t, v*math.Exp(z*s), highs[i], 1e-12*v)
		// The geometric mean of the ends is the estimate.
		assert.InDelta(t, v, math.Sqrt(lows[i]*highs[i]), 1e-12*v)
	}
	// The quantiles of the draws that ValueIntervals takes (see
	// TestValueIntervalsReference) approach them.
	draws := referenceDraws(t, theta, exampleFit.Stats.Covariance, 20_000, rand.NewPCG(1, 1))
	for i := range theta {
		x := make([]float64, len(draws))
		for d := range draws {
			x[d] = draws[d][i]
		}
		slices.Sort(x)
		assert.InDelta(t, lows[i], stat.Quantile(0.05, stat.Empirical, x, nil), 0.01*(highs[i]-lows[i]))
		assert.InDelta(t, highs[i], stat.Quantile(0.95, stat.Empirical, x, nil), 0.02*(highs[i]-lows[i]))
	}
	g, h, err := exampleSpendFit.ParameterIntervals(0.5)
	require.NoError(t, err)
	assert.Less(t, g.Q, exampleSpend.Q)
	assert.Greater(t, h.Q, exampleSpend.Q)
}

func TestIntervalErrors(t *testing.T) {
	horizon := btyd.Horizon{Length: 1, Period: clv.Year}
	fit, spend := exampleFit, exampleSpendFit
	cov := func(f btyd.BGNBDFit, i, j int, v float64) btyd.BGNBDFit {
		c := make([][]float64, len(f.Stats.Covariance))
		for k := range c {
			c[k] = slices.Clone(f.Stats.Covariance[k])
		}
		c[i][j] = v
		f.Stats.Covariance = c
		return f
	}
	uncertain := spend
	uncertain.Stats.Covariance = [][]float64{{1, 0, 0}, {0, 9, 0}, {0, 0, 1}} // q = 3.74 ± 3
	for _, c := range []struct {
		name string
		err  error
		call func() error
	}{
		// options
		{"level 0", clv.ErrOutOfRange, func() error {
			_, err := btyd.ValueIntervals(fit, spend, exampleBase, horizon, btyd.WithLevel(0))
			return err
		}},
		{"level 1", clv.ErrOutOfRange, func() error {
			_, err := btyd.ValueIntervals(fit, spend, exampleBase, horizon, btyd.WithLevel(1))
			return err
		}},
		{"level NaN", clv.ErrOutOfRange, func() error { _, _, err := fit.ParameterIntervals(math.NaN()); return err }},
		{"level negative", clv.ErrOutOfRange, func() error { _, _, err := spend.ParameterIntervals(-0.5); return err }},
		{"one draw", clv.ErrOutOfRange, func() error {
			_, err := btyd.ValueIntervals(fit, spend, exampleBase, horizon, btyd.WithDraws(1))
			return err
		}},
		{"too many draws", clv.ErrOutOfRange, func() error {
			_, err := btyd.ValueIntervals(fit, spend, exampleBase, horizon, btyd.WithDraws(btyd.MaxDraws+1))
			return err
		}},
		{"too few draws for 90 %", clv.ErrOutOfRange, func() error {
			_, err := btyd.ValueIntervals(fit, spend, exampleBase, horizon, btyd.WithDraws(19))
			return err
		}},
		{"too few draws for 99 %", clv.ErrOutOfRange, func() error {
			_, err := btyd.ValueIntervals(fit, spend, exampleBase, horizon, btyd.WithDraws(199), btyd.WithLevel(0.99))
			return err
		}},
		// covariances
		{"no covariance", clv.ErrMissing, func() error {
			_, err := btyd.ValueIntervals(btyd.BGNBDFit{Model: exampleModel}, spend, exampleBase, horizon)
			return err
		}},
		{"no spend covariance", clv.ErrMissing, func() error {
			_, err := btyd.ValueIntervals(fit, btyd.GammaGammaFit{Model: exampleSpend}, exampleBase, horizon)
			return err
		}},
		{"short covariance", clv.ErrInconsistent, func() error {
			f := fit
			f.Stats.Covariance = f.Stats.Covariance[:3]
			_, _, err := f.ParameterIntervals(0.9)
			return err
		}},
		{"NaN covariance", clv.ErrOutOfRange, func() error { _, _, err := cov(fit, 1, 1, math.NaN()).ParameterIntervals(0.9); return err }},
		{"infinite covariance", clv.ErrOutOfRange, func() error {
			_, err := btyd.ValueIntervals(cov(fit, 0, 0, math.Inf(1)), spend, exampleBase, horizon)
			return err
		}},
		{"asymmetric covariance", clv.ErrInconsistent, func() error { _, _, err := cov(fit, 0, 1, 1).ParameterIntervals(0.9); return err }},
		{"indefinite covariance", clv.ErrNoFit, func() error { _, _, err := cov(fit, 2, 2, -1).ParameterIntervals(0.9); return err }},
		{"huge covariance", clv.ErrOutOfRange, func() error {
			_, err := btyd.ValueIntervals(cov(fit, 0, 0, 1e6), spend, exampleBase, horizon)
			return err
		}},
		{"invalid model", clv.ErrNonPositive, func() error {
			f := fit
			f.Model.R = 0
			_, _, err := f.ParameterIntervals(0.9)
			return err
		}},
		// the spend's mean infinite in too many draws
		{"q ≤ 1", clv.ErrOutOfRange, func() error {
			_, err := btyd.ValueIntervals(fit, uncertain, exampleBase, horizon)
			return err
		}},
		// what Values refuses
		{"no horizon", clv.ErrNonPositive, func() error {
			_, err := btyd.ValueIntervals(fit, spend, exampleBase, btyd.Horizon{Period: clv.Year})
			return err
		}},
		{"negative margin", clv.ErrNegative, func() error {
			_, err := btyd.ValueIntervals(fit, spend, exampleBase, horizon, btyd.WithValueOptions(btyd.WithGrossMargin(dec("-1"))))
			return err
		}},
	} {
		err := c.call()
		assert.ErrorIs(t, err, c.err, c.name)
		if err != nil {
			assert.Regexp(t, "^btyd: ", err.Error(), c.name)
		}
	}
	_, err := btyd.ValueIntervals(btyd.BGNBDFit{Model: exampleModel}, spend, exampleBase, horizon)
	assert.EqualError(t, err, "btyd: value intervals: BG/NBD fit: covariance: clv: missing: the fit has none")
	// A nil option is no option.
	_, err = btyd.ValueIntervals(fit, spend, exampleBase, horizon, nil)
	assert.NoError(t, err)
}

// coverageBases sets the number of simulated bases of the large coverage
// check: go test ./btyd -run Coverage -btyd.coverage=1000.
var coverageBases = flag.Int("btyd.coverage", 0, "simulated bases of TestIntervalCoverage; 0 for the quick check")

// TestIntervalCoverage checks the intervals' coverage by simulation: over
// many bases simulated from known parameters, the 90 % intervals of the
// parameters and of the base's total expected purchases and value over a
// year hold the true figure — the parameters themselves, and the totals
// under the true parameters for the same base — about 90 % of the time.
func TestIntervalCoverage(t *testing.T) {
	bases, customers, draws, tolerance := 40, 1500, 100, 0.14
	if *coverageBases > 0 {
		bases, customers, draws = *coverageBases, 4000, btyd.DefaultDraws
		tolerance = max(0.025, 3.5*math.Sqrt(0.9*0.1/float64(bases)))
	} else if testing.Short() {
		bases, tolerance = 20, 0.2
	}
	horizon := btyd.Horizon{Length: 1, Period: clv.Year}
	names := []string{"r", "alpha", "a", "b", "p", "q", "gamma", "total purchases", "total value"}
	covered := make([]int, len(names))
	rng := rand.New(rand.NewPCG(2024, 12))
	fitted := 0
	for k := range bases {
		b := simBase(rng, customers, trueBGNBD, trueGammaGamma, 52)
		fit, err := btyd.FitBGNBD(histories(b.Customers))
		if err != nil {
			continue
		}
		spend, err := btyd.FitGammaGamma(b.Customers)
		if err != nil {
			continue
		}
		fitted++
		lo, hi, err := fit.ParameterIntervals(0.9)
		require.NoError(t, err)
		glo, ghi, err := spend.ParameterIntervals(0.9)
		require.NoError(t, err)
		iv, err := btyd.ValueIntervals(fit, spend, b, horizon, btyd.WithDraws(draws), btyd.WithSeed(uint64(k)))
		require.NoError(t, err)
		truth, err := btyd.Values(trueBGNBD, trueGammaGamma, b, horizon)
		require.NoError(t, err)
		in := []bool{
			lo.R <= trueBGNBD.R && trueBGNBD.R <= hi.R,
			lo.Alpha <= trueBGNBD.Alpha && trueBGNBD.Alpha <= hi.Alpha,
			lo.A <= trueBGNBD.A && trueBGNBD.A <= hi.A,
			lo.B <= trueBGNBD.B && trueBGNBD.B <= hi.B,
			glo.P <= trueGammaGamma.P && trueGammaGamma.P <= ghi.P,
			glo.Q <= trueGammaGamma.Q && trueGammaGamma.Q <= ghi.Q,
			glo.Gamma <= trueGammaGamma.Gamma && trueGammaGamma.Gamma <= ghi.Gamma,
			iv.Purchases.Low <= truth.Purchases && truth.Purchases <= iv.Purchases.High,
			iv.Value.Low.LessThanOrEqual(truth.Value) && truth.Value.LessThanOrEqual(iv.Value.High),
		}
		for i, ok := range in {
			if ok {
				covered[i]++
			}
		}
	}
	require.Greater(t, fitted, bases*9/10, "bases fitted")
	for i, name := range names {
		share := float64(covered[i]) / float64(fitted)
		t.Logf("%-16s %5.1f %% of %d bases", name, 100*share, fitted)
		assert.InDelta(t, 0.9, share, tolerance, name)
	}
}

func FuzzValueIntervals(f *testing.F) {
	f.Add(0.9, 20, uint64(1), 1.0, 0.0, []byte{2, 30, 39, 22, 0, 0, 38, 0, 5, 20, 30, 90})
	f.Add(0.999, 2, uint64(7), 1e3, -0.5, []byte{1, 1, 1, 1})
	f.Add(1.5, 0, uint64(0), math.NaN(), 1.0, []byte{})
	f.Add(0.5, 200, uint64(3), 1e-9, 0.9, []byte{9, 200, 255, 255})
	f.Fuzz(func(t *testing.T, level float64, draws int, seed uint64, scale, corr float64, data []byte) {
		if draws > 40 && draws <= btyd.MaxDraws {
			draws = 2 + draws%39 // keep each run quick; the bounds stay fuzzed
		}
		// A fit with the example's covariance scaled, and a correlation
		// between the first two parameters.
		fit, spend := exampleFit, exampleSpendFit
		c := make([][]float64, 4)
		for i := range c {
			c[i] = make([]float64, 4)
			for j := range c[i] {
				c[i][j] = exampleFit.Stats.Covariance[i][j] * scale
			}
		}
		c[0][1] = corr * math.Sqrt(c[0][0]*c[1][1])
		c[1][0] = c[0][1]
		fit.Stats.Covariance = c
		// Customers from the bytes: x, the weeks of t_x and T, and spend.
		b := btyd.Base{Unit: clv.Week}
		for i := 0; i+4 <= len(data) && len(b.Customers) < 32; i += 4 {
			x := int64(data[i] % 40)
			T := float64(data[i+2])/4 + 0.25
			tx := 0.0
			if x > 0 {
				tx = T * float64(1+int(data[i+1])) / 256
			}
			b.Customers = append(b.Customers, btyd.Customer{X: x, Tx: tx, T: T, Spend: decimal.New(int64(data[i+3])*37, -2)})
		}
		iv, err := btyd.ValueIntervals(fit, spend, b, btyd.Horizon{Length: 1, Period: clv.Year},
			btyd.WithLevel(level), btyd.WithDraws(draws), btyd.WithSeed(seed))
		if err != nil {
			if !isSentinel(err) {
				t.Fatal(err)
			}
			return
		}
		if len(iv.Customers) != len(b.Customers) {
			t.Fatalf("%d intervals for %d customers", len(iv.Customers), len(b.Customers))
		}
		check := func(i btyd.Interval, m btyd.MoneyInterval) {
			if !finite(i.Low) || !finite(i.High) || i.Low < 0 || i.Low > i.High || m.Low.Sign() < 0 || m.Low.GreaterThan(m.High) {
				t.Fatalf("%+v %+v", i, m)
			}
		}
		for _, c := range iv.Customers {
			check(c.Purchases, c.Value)
		}
		check(iv.Purchases, iv.Value)
	})
}

// BenchmarkValueIntervalsCDNOW draws 200 parameter vectors for the CDNOW
// sample's 2,357 customers and takes the 90 % intervals of each one's
// purchases and value over the 39-week holdout's length.
func BenchmarkValueIntervalsCDNOW(b *testing.B) {
	s := cdnowSummary(b)
	base := s.Base()
	fit, spend := fitBoth(b, base)
	horizon := btyd.Horizon{Length: 39, Period: clv.Week}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := btyd.ValueIntervals(fit, spend, base, horizon); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValueIntervals takes the intervals of BenchmarkValues' figures
// — a year in monthly steps at 10 % a year — for the million customers,
// from 20 draws (the work is proportional to the draws: multiply by 10
// for the default 200).
func BenchmarkValueIntervals(b *testing.B) {
	s, base := benchBase()
	freq, err := btyd.FitBGNBD(s.Histories())
	if err != nil {
		b.Fatal(err)
	}
	spend, err := btyd.FitGammaGamma(base.Customers)
	if err != nil {
		b.Fatal(err)
	}
	horizon := btyd.Horizon{Length: 12, Period: clv.Month}
	rate := btyd.WithDiscountRate(decimal.RequireFromString("0.1"), clv.Year)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := btyd.ValueIntervals(freq, spend, base, horizon, btyd.WithDraws(20), btyd.WithValueOptions(rate)); err != nil {
			b.Fatal(err)
		}
	}
}

// Intervals take at least 2 / (1 − level) draws, so that a draw is
// expected beyond each end: with fewer, the ends are the extremes of the
// draws, which hold less than the level (two draws: a third).
func TestMinDraws(t *testing.T) {
	for level, want := range map[float64]int{0.9: 20, 0.95: 40, 0.99: 200, 0.8: 10, 0.5: 4, 0.1: 3, 1e-9: 3, 0.999: 2000, 0.99999: 200_000,
		0: 0, 1: 0, -1: 0, math.NaN(): 0} {
		assert.Equal(t, want, btyd.MinDraws(level), "level %v", level)
	}
	fit, spend := exampleFit, exampleSpendFit
	horizon := btyd.Horizon{Length: 1, Period: clv.Year}
	_, err := btyd.ValueIntervals(fit, spend, exampleBase, horizon, btyd.WithDraws(2))
	require.ErrorIs(t, err, clv.ErrOutOfRange)
	assert.Equal(t, "btyd: value intervals: draws = 2: clv: out of range: a 90 % interval takes at least 20, for a draw expected beyond each end", err.Error())
	_, err = btyd.ValueIntervals(fit, spend, exampleBase, horizon, btyd.WithDraws(20))
	require.NoError(t, err)
	_, err = btyd.ValueIntervals(fit, spend, exampleBase, horizon, btyd.WithDraws(btyd.MaxDraws), btyd.WithLevel(0.99999))
	require.ErrorIs(t, err, clv.ErrOutOfRange)
	assert.Equal(t, "btyd: value intervals: draws = 100000: clv: out of range: a 99.999 % interval takes at least 200000, for a draw expected beyond each end, more than 100000", err.Error())
}
