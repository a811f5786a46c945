package btyd_test

import (
	"math"
	"testing"

	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
)

// The fuzz targets of the fits with covariates: any histories or
// customers, any covariates and options give an error wrapping one of
// clv's sentinels or a fit whose every figure is finite, its base
// parameters within the bounds a fit reports, and whose test is a
// probability.

// covFuzzInput reads data: its first byte sets the options (bit 0:
// covariate 0 constrained equal in both processes; bit 1: a penalty of
// the second byte's value, a tenth per unit), then each five bytes are a
// customer: x, t_x and T from small grids, a weight, and a covariate
// from a grid of -2 to 2.5, or a NaN or a huge one at the grid's ends; a
// second covariate is the first squared, or, for every third customer,
// its own.
func covFuzzInput(data []byte) (hs []btyd.CovariateHistory, opts []btyd.CovariateOption) {
	if len(data) < 2 {
		return nil, nil
	}
	flags, lambda := data[0], float64(data[1])/10
	if flags&1 != 0 {
		opts = append(opts, btyd.WithSameCoefficients(0))
	}
	if flags&2 != 0 {
		opts = append(opts, btyd.WithPenalty(lambda, lambda))
	}
	data = data[2:]
	for i := 0; i+5 <= len(data) && len(hs) < 64; i += 5 {
		x := int64(data[i] % 50)
		T := float64(data[i+2]) / 4
		tx := T * float64(data[i+1]) / 255
		if x == 0 {
			tx = 0
		}
		z := float64(data[i+4]%10)/2 - 2
		switch data[i+4] {
		case 254:
			z = math.NaN()
		case 255:
			z = 1e9
		}
		z2 := z * z
		if len(hs)%3 == 2 {
			z2 = float64(data[i+3] % 3)
		}
		hs = append(hs, btyd.CovariateHistory{History: btyd.History{X: x, Tx: tx, T: T, Weight: int64(data[i+3]%8) - 1}, Z: []float64{z, z2}})
	}
	return hs, opts
}

// checkCovFit fails t unless err wraps a sentinel, or the fit's figures
// are finite and its base parameters within a fit's bounds.
func checkCovFit(t *testing.T, err error, base []float64, figures []float64, test btyd.LikelihoodRatio) {
	t.Helper()
	if err != nil {
		if !isSentinel(err) {
			t.Fatal(err)
		}
		return
	}
	for _, v := range base {
		if !(v >= 1e-8 && v <= 1e8) {
			t.Fatalf("base parameter %v outside the bounds", v)
		}
	}
	for _, v := range figures {
		if !finite(v) {
			t.Fatalf("figure %v not finite, among %v", v, figures)
		}
	}
	if !(test.PValue >= 0 && test.PValue <= 1) || !(test.Statistic >= 0) {
		t.Fatalf("test %+v", test)
	}
}

var covFuzzSeeds = [][]byte{
	{0, 0, 0, 10, 40, 1, 0, 5, 200, 180, 2, 3, 8, 100, 90, 1, 1, 3, 7, 120, 2, 5, 0, 0, 80, 1, 9, 4, 9, 250, 3, 1},
	{3, 50, 10, 200, 220, 2, 8, 1, 0, 160, 1, 3, 20, 255, 255, 1, 4, 7, 9, 100, 3, 2},
	{1, 0, 255, 255, 255, 255, 254, 0, 0, 0, 0, 255},
}

func FuzzFitParetoNBDCov(f *testing.F) {
	for _, s := range covFuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		hs, opts := covFuzzInput(data)
		fit, err := btyd.FitParetoNBDCov(hs, opts...)
		m, se := fit.Model, fit.StdErr
		figures := append(append([]float64{se.Base.R, se.Base.Alpha, se.Base.S, se.Base.Beta, fit.Stats.LogLikelihood}, m.Purchase...), m.Dropout...)
		figures = append(append(figures, se.Purchase...), se.Dropout...)
		checkCovFit(t, err, []float64{m.Base.R, m.Base.Alpha, m.Base.S, m.Base.Beta}, figures, fit.Test)
	})
}

func FuzzFitBGNBDCov(f *testing.F) {
	for _, s := range covFuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		hs, opts := covFuzzInput(data)
		fit, err := btyd.FitBGNBDCov(hs, opts...)
		m, se := fit.Model, fit.StdErr
		figures := append(append([]float64{se.Base.R, se.Base.Alpha, se.Base.A, se.Base.B, fit.Stats.LogLikelihood}, m.Purchase...), m.Dropout...)
		figures = append(append(figures, se.Purchase...), se.Dropout...)
		checkCovFit(t, err, []float64{m.Base.R, m.Base.Alpha, m.Base.A, m.Base.B}, figures, fit.Test)
	})
}

func FuzzFitGammaGammaCov(f *testing.F) {
	for _, s := range covFuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// The histories' x and their T in cents as each customer's
		// spend; the drop-out options as they come (a drop-out penalty is
		// refused).
		hs, opts := covFuzzInput(data)
		var cs []btyd.CovariateCustomer
		for _, h := range hs {
			cs = append(cs, btyd.CovariateCustomer{Customer: btyd.Customer{X: h.X, Spend: decimal.New(int64(h.T*4)*int64(h.Weight), -2)}, Z: h.Z})
		}
		fit, err := btyd.FitGammaGammaCov(cs, opts...)
		m, se := fit.Model, fit.StdErr
		figures := append([]float64{se.Base.P, se.Base.Q, se.Base.Gamma, fit.Stats.LogLikelihood}, m.Spend...)
		figures = append(figures, se.Spend...)
		checkCovFit(t, err, []float64{m.Base.P, m.Base.Q, m.Base.Gamma}, figures, fit.Test)
		if err == nil {
			// Each customer's expected spend is a decimal, or an error.
			for _, c := range cs {
				if _, err := m.ExpectedSpend(c.Z, c.X, c.Spend); err != nil && !isSentinel(err) {
					t.Fatal(err)
				}
			}
		}
	})
}
