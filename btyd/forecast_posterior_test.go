package btyd_test

import (
	"math"
	"testing"

	"github.com/clvkit/clv/btyd"
	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"
)

// This file holds the forecasts to integrals over the latent rates of
// each model, taken by brute force: the prior density times the
// probability of the history and of what follows, by gonum's Gauss–
// Legendre rule on a grid of both rates, divided by the same integral of
// the history alone. The models' parameters are whole numbers from 2, where the
// densities have no singularity for the rule to miss.

// posterior2 returns ∫∫ f(u, v) du dv / ∫∫ L(u, v) du dv over
// [0, uMax] × [0, vMax] for each f of fs, by a 200-point rule on each axis.
func posterior2(uMax, vMax float64, L func(u, v float64) float64, fs ...func(u, v float64) float64) []float64 {
	integral := func(f func(u, v float64) float64) float64 {
		return quad.Fixed(func(u float64) float64 {
			return quad.Fixed(func(v float64) float64 { return f(u, v) }, 0, vMax, 200, quad.Legendre{}, 0)
		}, 0, uMax, 200, quad.Legendre{}, 0)
	}
	norm := integral(L)
	out := make([]float64, len(fs))
	for i, f := range fs {
		out[i] = integral(f) / norm
	}
	return out
}

// poisson returns e^{−m} m^n / n!.
func poisson(n int, m float64) float64 {
	lg, _ := math.Lgamma(float64(n) + 1)
	return math.Exp(float64(n)*math.Log(m) - m - lg)
}

func TestBGNBDForecastsAgainstPosterior(t *testing.T) {
	const ahead, delta = 20.0, 0.02
	for _, m := range []btyd.PurchaseModel{btyd.BGNBD{R: 2, Alpha: 8, A: 2, B: 13}, btyd.MBGNBD{R: 3, Alpha: 10, A: 2, B: 4}} {
		var r, alpha, a, b float64
		var atZero bool
		switch m := m.(type) {
		case btyd.BGNBD:
			r, alpha, a, b = m.R, m.Alpha, m.A, m.B
		case btyd.MBGNBD:
			r, alpha, a, b, atZero = m.R, m.Alpha, m.A, m.B, true
		}
		f := m.(interface {
			forecaster
			DERT(x int64, tx, T, delta float64) (float64, error)
		})
		lambda := distuv.Gamma{Alpha: r, Beta: alpha}
		pd := distuv.Beta{Alpha: a, Beta: b}
		for _, c := range [][3]float64{{0, 0, 30}, {1, 3, 30}, {4, 25, 30}, {7, 12, 40}} {
			x, tx, T := c[0], c[1], c[2]
			// The history's likelihood given λ and p: alive at T, having
			// survived x drop-outs (x + 1 with atZero), or gone at the last
			// purchase (at 0 with atZero and x = 0).
			survived := x
			if atZero {
				survived++
			}
			alive := func(l, p float64) float64 {
				return lambda.Prob(l) * pd.Prob(p) * math.Pow(1-p, survived) * math.Pow(l, x) * math.Exp(-l*T)
			}
			L := func(l, p float64) float64 {
				v := alive(l, p)
				if x > 0 || atZero {
					v += lambda.Prob(l) * pd.Prob(p) * p * math.Pow(1-p, survived-1) * math.Pow(l, x) * math.Exp(-l*tx)
				}
				return v
			}
			// A customer alive at T, with λ and p, makes n purchases in the
			// next t: all survived, or the nth their last.
			next := func(n int, l, p float64) float64 {
				v := math.Pow(1-p, float64(n)) * poisson(n, l*ahead)
				if n > 0 {
					v += p * math.Pow(1-p, float64(n-1)) * mathext.GammaIncReg(float64(n), l*ahead) // P(N ≥ n) of the Poisson
				}
				return v
			}
			fs := []func(l, p float64) float64{
				func(l, p float64) float64 { return alive(l, p) * math.Exp(-l*p*ahead) },
				func(l, p float64) float64 { return alive(l, p) * l / (l*p + delta) },
			}
			for n := range 4 {
				fs = append(fs, func(l, p float64) float64 {
					v := alive(l, p) * next(n, l, p)
					if n == 0 {
						v += L(l, p) - alive(l, p)
					}
					return v
				})
			}
			lMax := (r + x + 40*math.Sqrt(r+x) + 40) / (alpha + tx)
			want := posterior2(lMax, 1, L, fs...)
			xi := int64(x)
			got, err := f.ProbAliveAt(xi, tx, T, ahead)
			check := func(what string, got float64, err error, want float64) {
				t.Helper()
				if err != nil || math.Abs(got-want) > 1e-9*want {
					t.Errorf("%s %v: %s = %.15g, %v; by integration %.15g", m, c, what, got, err, want)
				}
			}
			check("P(alive at T + t)", got, err, want[0])
			got, err = f.DERT(xi, tx, T, delta)
			check("DERT", got, err, want[1])
			for n := range 4 {
				got, err = f.ConditionalProbPurchases(xi, tx, T, int64(n), ahead)
				check("P(X = n)", got, err, want[2+n])
			}
		}
	}
}

func TestParetoNBDForecastsAgainstPosterior(t *testing.T) {
	const ahead = 20.0
	m := btyd.ParetoNBD{R: 2, Alpha: 8, S: 2, Beta: 30}
	lambda := distuv.Gamma{Alpha: m.R, Beta: m.Alpha}
	mu := distuv.Gamma{Alpha: m.S, Beta: m.Beta}
	for _, c := range [][3]float64{{0, 0, 30}, {1, 3, 30}, {4, 25, 30}, {7, 12, 40}} {
		x, tx, T := c[0], c[1], c[2]
		alive := func(l, u float64) float64 {
			return lambda.Prob(l) * mu.Prob(u) * math.Pow(l, x) * math.Exp(-(l+u)*T)
		}
		// Alive at T, or gone at some τ in (t_x, T].
		L := func(l, u float64) float64 {
			k := l + u
			return alive(l, u) + lambda.Prob(l)*mu.Prob(u)*math.Pow(l, x)*u/k*(math.Exp(-k*tx)-math.Exp(-k*T))
		}
		// An alive customer's n purchases in the next t: alive throughout,
		// or gone at τ < t having made n by then.
		next := func(n int, l, u float64) float64 {
			k := l + u
			return math.Exp(-u*ahead)*poisson(n, l*ahead) + u*math.Pow(l, float64(n))/math.Pow(k, float64(n+1))*mathext.GammaIncReg(float64(n+1), k*ahead)
		}
		fs := []func(l, u float64) float64{
			func(l, u float64) float64 { return alive(l, u) * math.Exp(-u*ahead) },
		}
		for n := range 4 {
			fs = append(fs, func(l, u float64) float64 {
				v := alive(l, u) * next(n, l, u)
				if n == 0 {
					v += L(l, u) - alive(l, u)
				}
				return v
			})
		}
		want := posterior2((m.R+x+40*math.Sqrt(m.R+x)+40)/(m.Alpha+tx), (m.S+40*math.Sqrt(m.S)+40)/(m.Beta+tx), L, fs...)
		xi := int64(x)
		check := func(what string, got float64, err error, want float64) {
			t.Helper()
			if err != nil || math.Abs(got-want) > 1e-9*want {
				t.Errorf("%v: %s = %.15g, %v; by integration %.15g", c, what, got, err, want)
			}
		}
		got, err := m.ProbAliveAt(xi, tx, T, ahead)
		check("P(alive at T + t)", got, err, want[0])
		for n := range 4 {
			got, err = m.ConditionalProbPurchases(xi, tx, T, int64(n), ahead)
			check("P(X = n)", got, err, want[1+n])
		}
	}
}
