package btyd

import (
	"math"
	"testing"

	"github.com/clvkit/clv"
)

// The Pareto/NBD's closed-form integral agrees with the quadrature the
// BG/NBD and MBG/NBD take, with β as the branch point's distance, and its
// series and direct branches meet where |s − 1| L = 1/2 without a step.
func TestPNBDIntegral(t *testing.T) {
	for _, m := range []ParetoNBD{
		{R: 0.553, Alpha: 10.578, S: 0.606, Beta: 11.669},
		{R: 1, Alpha: 5, S: 1, Beta: 20},
		{R: 1, Alpha: 5, S: 2, Beta: 20},
		{R: 1, Alpha: 5, S: 1.001, Beta: 0.5},
		{R: 3, Alpha: 2, S: 3.5, Beta: 1},
		{R: 0.5, Alpha: 3, S: 0.01, Beta: 0.1},
	} {
		h := Horizon{Length: 30, Period: clv.Month}
		P := 30.4375 / 7
		closed, err := pnbdPeriodMeans("test", m, P, h.Length)
		if err != nil {
			t.Fatal(err)
		}
		quad, err := quadraturePeriodMeans("test", m, m.Beta, P, h)
		if err != nil {
			t.Fatal(err)
		}
		for k := range closed {
			if math.Abs(closed[k]-quad[k]) > 1e-12*quad[k] {
				t.Errorf("%+v: period %d: closed form %.15g, quadrature %.15g", m, k+1, closed[k], quad[k])
			}
		}
	}
	// The series and the closed form agree where the one gives way to
	// the other, |c| L = 1/2, and a little either side.
	for _, c := range []float64{0.5, 0.25, -0.5, 1, 2, 1e-3} {
		L := 0.5 / math.Abs(c)
		direct := (math.Expm1(L) - L*exprel((1-c)*L)) / c
		if series := pnbdIntegralSeries(c, L); math.Abs(series-direct) > 1e-14*direct {
			t.Errorf("c = %v, L = %v: series %.17g, closed form %.17g", c, L, series, direct)
		}
	}
}
