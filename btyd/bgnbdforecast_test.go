package btyd_test

import (
	"math"
	"math/big"
	"testing"

	"github.com/clvkit/clv/btyd"
	"gonum.org/v1/gonum/integrate/quad"
)

// bigSurvival returns ₂F₁(k, a; a + b; −w) by Pfaff's transformation,
// (1 + w)^−k ₂F₁(k, b; a + b; z) with z = w/(1 + w), a series of positive
// terms summed in 320-bit floats until a term is below 10^−40 of the sum:
// the chance that an alive BG/NBD customer with λ ~ Gamma(k, α) and
// p ~ Beta(a, b) survives the purchases of the next wα.
func bigSurvival(k, a, b, w float64) float64 {
	const prec = 320
	f := func(v float64) *big.Float { return new(big.Float).SetPrec(prec).SetFloat64(v) }
	z := new(big.Float).SetPrec(prec).Quo(f(w), f(1+w))
	sum, term := f(1), f(1)
	tiny := f(1e-40)
	for n := 0.0; n < 1e6; n++ {
		term.Mul(term, f((k+n)*(b+n)))
		term.Quo(term, f((a+b+n)*(n+1)))
		term.Mul(term, z)
		sum.Add(sum, term)
		if new(big.Float).Mul(sum, tiny).Cmp(term) > 0 && n > k {
			break
		}
	}
	v, _ := sum.Float64()
	return v * math.Pow(1+w, -k)
}

// TestBGNBDProbAliveAtAgainstSeries holds P(alive at T + t)/P(alive at T)
// of the BG/NBD and MBG/NBD, integrated in float64, to the 320-bit series
// of the same expectation, at the published CDNOW fits, where a < 1 and r
// < 1 put singularities at the ends of the integral, and for heavy buyers
// up to x = 10^4 and t up to 100 times α + T, to 5·10^−11.
func TestBGNBDProbAliveAtAgainstSeries(t *testing.T) {
	bg := btyd.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	mbg := btyd.MBGNBD{R: 0.525, Alpha: 6.183, A: 0.891, B: 1.614}
	for _, c := range [][3]float64{{0, 0, 30}, {1, 2, 38}, {2, 30.43, 38.86}, {10, 38, 39}, {300, 380, 390}, {3000, 389, 390}, {10000, 389.9, 390}} {
		x, tx, T := int64(c[0]), c[1], c[2]
		for _, ahead := range []float64{0.5, 13, 52, 400, 5000} {
			for _, m := range []forecaster{bg, mbg} {
				var r, alpha, a, b float64
				switch m := m.(type) {
				case btyd.BGNBD:
					r, alpha, a, b = m.R, m.Alpha, m.A, m.B
				case btyd.MBGNBD:
					r, alpha, a, b = m.R, m.Alpha, m.A, m.B+1
				}
				alive, _ := m.ProbAlive(x, tx, T)
				got, err := m.ProbAliveAt(x, tx, T, ahead)
				want := alive * bigSurvival(r+c[0], a, b+c[0], ahead/(alpha+T))
				if err != nil || math.Abs(got-want) > 5e-11*want {
					t.Errorf("%T %v, t = %v: P(alive at T + t) = %.15g, %v; 320 bits give %.15g", m, c, ahead, got, err, want)
				}
			}
		}
	}
}

// TestBGNBDDERTByParts holds DERT to the integral of the discounted
// expected purchases, δ ∫_0^∞ e^{−δt} E[Y(t)] dt (DERT integrated by
// parts), with E[Y(t)] the models' ConditionalExpectedPurchases, by
// gonum's Gauss–Legendre rule on intervals doubling in length, to 10^−9,
// at the published CDNOW fits. Pareto/NBD's DERT, of another method,
// holds to the same integral (and to BTYD's and CLVTools', in
// TestParetoNBDDERTPeers). No peer computes the BG/NBD's: BTYD 2.4.3 has
// the Pareto/NBD's and BG/BB's only, and CLVTools 0.12.1 says of the
// BG/NBD that "the DERT expression has not been derived (yet)".
func TestBGNBDDERTByParts(t *testing.T) {
	models := []interface {
		btyd.PurchaseModel
		DERT(x int64, tx, T, delta float64) (float64, error)
	}{
		btyd.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426},
		btyd.MBGNBD{R: 0.525, Alpha: 6.183, A: 0.891, B: 1.614},
		btyd.BGNBD{R: 2, Alpha: 8, A: 2, B: 13},
		cdnowPNBD,
	}
	for _, m := range models {
		for _, c := range [][3]float64{{0, 0, 30}, {2, 30.43, 38.86}, {10, 38, 39}, {100, 38, 39}} {
			x, tx, T := int64(c[0]), c[1], c[2]
			for _, delta := range []float64{math.Log(1.15) / 52, 0.05, 1} {
				var sum float64
				for lo := 0.0; lo < 60/delta; lo = 2*lo + 1/(4*delta) {
					hi := 2*lo + 1/(4*delta)
					sum += quad.Fixed(func(s float64) float64 {
						e, err := m.ConditionalExpectedPurchases(x, tx, T, s)
						if err != nil {
							t.Fatal(err)
						}
						return delta * math.Exp(-delta*s) * e
					}, lo, hi, 64, quad.Legendre{}, 0)
				}
				got, err := m.DERT(x, tx, T, delta)
				if err != nil || math.Abs(got-sum) > 1e-9*sum {
					t.Errorf("%T %v, δ = %v: DERT = %.15g, %v; by parts %.15g", m, c, delta, got, err, sum)
				}
			}
		}
	}
}
