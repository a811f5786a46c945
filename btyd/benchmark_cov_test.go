package btyd_test

import (
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/clvkit/clv/btyd"
)

// The benchmarks of the fits with covariates run on the generated base
// of benchmark_test.go, 1,000,000 customers, each given as one history
// with weight 1 and covariates drawn independently of their purchases:
// two binary covariates (shares 0.3 and 0.5 at 1), or one standard
// normal covariate, which makes every customer's z distinct.

var benchCovBinary = sync.OnceValue(func() []btyd.CovariateHistory {
	return benchCovariates(func(rng *rand.Rand) []float64 {
		z := []float64{0, 0}
		if rng.Float64() < 0.3 {
			z[0] = 1
		}
		if rng.Float64() < 0.5 {
			z[1] = 1
		}
		return z
	})
})

var benchCovContinuous = sync.OnceValue(func() []btyd.CovariateHistory {
	return benchCovariates(func(rng *rand.Rand) []float64 { return []float64{rng.NormFloat64()} })
})

func benchCovariates(z func(*rand.Rand) []float64) []btyd.CovariateHistory {
	_, base := benchBase()
	rng := rand.New(rand.NewPCG(benchSeed, 21))
	out := make([]btyd.CovariateHistory, len(base.Customers))
	for i, c := range base.Customers {
		out[i] = btyd.CovariateHistory{History: btyd.History{X: c.X, Tx: c.Tx, T: c.T, Weight: 1}, Z: z(rng)}
	}
	return out
}

func BenchmarkFitParetoNBDCovBinary(b *testing.B) {
	benchFitCov(b, benchCovBinary(), btyd.FitParetoNBDCov)
}

func BenchmarkFitBGNBDCovBinary(b *testing.B) {
	benchFitCov(b, benchCovBinary(), btyd.FitBGNBDCov)
}

func BenchmarkFitParetoNBDCovContinuous(b *testing.B) {
	benchFitCov(b, benchCovContinuous(), btyd.FitParetoNBDCov)
}

func BenchmarkFitBGNBDCovContinuous(b *testing.B) {
	benchFitCov(b, benchCovContinuous(), btyd.FitBGNBDCov)
}

// benchFitCov times fit on h, and reports the CPU time the process
// spent per fit beside the wall time: on a machine others share, the wall
// time waits for the CPUs and the CPU time does not.
func benchFitCov[F any](b *testing.B, h []btyd.CovariateHistory, fit func([]btyd.CovariateHistory, ...btyd.CovariateOption) (F, error)) {
	b.ReportAllocs()
	before := cpuTime()
	n := 0
	for b.Loop() {
		if _, err := fit(h); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric((cpuTime()-before).Seconds()/float64(n), "cpu-s/op")
}
