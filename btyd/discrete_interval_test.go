package btyd_test

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var trueBGBB = btyd.BGBB{Alpha: 1.2, Beta: 0.75, Gamma: 0.66, Delta: 2.8}

// simOpportunities simulates n customers of BG/BB and gamma–gamma models
// who first bought 1 to 12 opportunities before the calibration end: their
// repeat purchases through the BG/BB's story, and the mean spend of those
// purchases through the gamma–gamma's, rounded to cents. One in twenty
// first bought in the last opportunity, N = 0.
func simOpportunities(rng *rand.Rand, n int, m btyd.BGBB, g btyd.GammaGamma) btyd.Opportunities {
	o := btyd.Opportunities{Every: clv.Month, Customers: make([]btyd.DiscreteCustomer, n)}
	weights := map[[3]int64]int64{}
	for i := range o.Customers {
		c := btyd.DiscreteCustomer{ID: "c" + strconv.Itoa(i), Spend: decimal.Zero}
		if rng.IntN(20) > 0 {
			c.N = 1 + int64(rng.IntN(12))
			buys, _ := simBGBB(rng, m, int(c.N))
			c.X, c.Tx = summary(buys, int(c.N))
			weights[[3]int64{c.X, c.Tx, c.N}]++
		} else {
			o.New++
		}
		if c.X > 0 {
			spend := simGammaGamma(rng, g.P, g.Q, g.Gamma)
			var sum float64
			for range c.X {
				sum += spend.Rand()
			}
			c.Spend = decimal.NewFromFloat(max(sum/float64(c.X), 0.01)).Round(2)
		}
		o.Customers[i] = c
	}
	for k, w := range weights {
		o.Histories = append(o.Histories, btyd.DiscreteHistory{X: k[0], Tx: k[1], N: k[2], Weight: w})
	}
	slices.SortFunc(o.Histories, func(a, b btyd.DiscreteHistory) int {
		return cmp.Or(cmp.Compare(a.N, b.N), cmp.Compare(a.Tx, b.Tx), cmp.Compare(a.X, b.X))
	})
	return o
}

// fitDiscrete fits BG/BB and gamma–gamma to o, as clv customers -model
// bgbb does.
func fitDiscrete(t testing.TB, o btyd.Opportunities) (btyd.BGBBFit, btyd.GammaGammaFit) {
	t.Helper()
	fit, err := btyd.FitBGBB(o.Histories)
	require.NoError(t, err)
	spenders := make([]btyd.Customer, len(o.Customers))
	for i, c := range o.Customers {
		spenders[i] = btyd.Customer{ID: c.ID, X: c.X, Spend: c.Spend}
	}
	spend, err := btyd.FitGammaGamma(spenders)
	require.NoError(t, err)
	return fit, spend
}

// TestDiscreteValueIntervalsReference checks the intervals against an
// obvious evaluation: the same draws, each priced by DiscreteValues,
// every figure's draws sorted and their quantiles taken by gonum's
// stat.Quantile.
func TestDiscreteValueIntervalsReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 1))
	o := simOpportunities(rng, 800, trueBGBB, trueGammaGamma)
	fit, spend := fitDiscrete(t, o)
	const draws, seed = 60, 7
	horizon := btyd.Horizon{Length: 2, Period: clv.Quarter}
	opts := []btyd.ValueOption{btyd.WithDiscountRate(dec("0.1"), clv.Year), btyd.WithGrossMargin(dec("0.4")), btyd.WithScale(4)}
	got, err := btyd.DiscreteValueIntervals(fit, spend, o, horizon, btyd.WithDraws(draws), btyd.WithSeed(seed), btyd.WithLevel(0.8),
		btyd.WithValueOptions(opts...))
	require.NoError(t, err)
	assert.Equal(t, 0.8, got.Level)
	assert.Equal(t, draws, got.Draws)

	m := fit.Model
	ps := referenceDraws(t, []float64{m.Alpha, m.Beta, m.Gamma, m.Delta}, fit.Stats.Covariance, draws, rand.NewPCG(seed, 1))
	g := spend.Model
	gs := referenceDraws(t, []float64{g.P, g.Q, g.Gamma}, spend.Stats.Covariance, draws, rand.NewPCG(seed, 2))
	var valuations []btyd.Valuation
	for d := range draws {
		v, err := btyd.DiscreteValues(btyd.BGBB{Alpha: ps[d][0], Beta: ps[d][1], Gamma: ps[d][2], Delta: ps[d][3]},
			btyd.GammaGamma{P: gs[d][0], Q: gs[d][1], Gamma: gs[d][2]}, o, horizon, append(opts, btyd.WithScale(12))...)
		require.NoError(t, err)
		valuations = append(valuations, v)
	}
	checkReference(t, got, valuations, 1e-4)
}

// TestDiscreteIntervalCoverage checks the intervals' coverage by
// simulation, as TestIntervalCoverage does for BG/NBD: over bases
// simulated from known parameters, the 90 % intervals of the base's total
// expected purchases and value over the next 6 opportunities hold the
// totals under the true parameters for the same base about 90 % of the
// time.
func TestDiscreteIntervalCoverage(t *testing.T) {
	bases, customers, tolerance := 40, 2000, 0.14
	if *coverageBases > 0 {
		bases, customers = *coverageBases, 4000
		tolerance = max(0.025, 3.5*math.Sqrt(0.9*0.1/float64(bases)))
	} else if testing.Short() {
		bases, tolerance = 20, 0.2
	}
	horizon := btyd.Horizon{Length: 6, Period: clv.Month}
	rate := btyd.WithDiscountRate(dec("0.1"), clv.Year)
	var covered [2]int
	rng := rand.New(rand.NewPCG(2010, 12))
	for k := range bases {
		o := simOpportunities(rng, customers, trueBGBB, trueGammaGamma)
		fit, spend := fitDiscrete(t, o)
		iv, err := btyd.DiscreteValueIntervals(fit, spend, o, horizon, btyd.WithDraws(100), btyd.WithSeed(uint64(k)), btyd.WithValueOptions(rate))
		require.NoError(t, err)
		truth, err := btyd.DiscreteValues(trueBGBB, trueGammaGamma, o, horizon, rate)
		require.NoError(t, err)
		if iv.Purchases.Low <= truth.Purchases && truth.Purchases <= iv.Purchases.High {
			covered[0]++
		}
		if iv.Value.Low.LessThanOrEqual(truth.Value) && truth.Value.LessThanOrEqual(iv.Value.High) {
			covered[1]++
		}
	}
	for i, name := range []string{"total purchases", "total value"} {
		share := float64(covered[i]) / float64(bases)
		t.Logf("%-16s %5.1f %% of %d bases", name, 100*share, bases)
		assert.InDelta(t, 0.9, share, tolerance, name)
	}
}

// TestDiscreteValueIntervalsErrors checks that the intervals refuse what
// DiscreteValues refuses, and a fit they cannot draw from.
func TestDiscreteValueIntervalsErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	o := simOpportunities(rng, 300, trueBGBB, trueGammaGamma)
	fit, spend := fitDiscrete(t, o)
	horizon := btyd.Horizon{Length: 6, Period: clv.Month}
	for _, c := range []struct {
		name string
		call func() error
		err  error
	}{
		{"no covariance", func() error {
			_, err := btyd.DiscreteValueIntervals(btyd.BGBBFit{Model: fit.Model}, spend, o, horizon)
			return err
		}, clv.ErrMissing},
		{"level", func() error {
			_, err := btyd.DiscreteValueIntervals(fit, spend, o, horizon, btyd.WithLevel(1))
			return err
		}, clv.ErrOutOfRange},
		{"horizon shorter than an opportunity", func() error {
			_, err := btyd.DiscreteValueIntervals(fit, spend, o, btyd.Horizon{Length: 1, Period: clv.Week})
			return err
		}, clv.ErrInconsistent},
		{"customer", func() error {
			bad := o
			bad.Customers = slices.Clone(o.Customers)
			bad.Customers[5] = btyd.DiscreteCustomer{ID: "x", X: 2, Tx: 1, N: 3}
			_, err := btyd.DiscreteValueIntervals(fit, spend, bad, horizon)
			return err
		}, clv.ErrInconsistent},
	} {
		err := c.call()
		assert.ErrorIs(t, err, c.err, c.name)
		if err != nil {
			assert.Regexp(t, "^btyd: discrete value intervals: ", err.Error(), c.name)
		}
	}
}
