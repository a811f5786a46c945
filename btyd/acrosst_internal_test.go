package btyd

import (
	"fmt"
	"math"
	"testing"
)

// TestInterpolatedDERTs holds the DERTs interpolated across T to
// bgnbdDERT computed directly at every pair, within 10^−11, under the
// BG/NBD and MBG/NBD of the CDNOW sample and a BG/NBD with a > 1, for
// x from 0 to 10^4, T over a narrow range (weeks 52 to 104, by days, as a
// year's arrivals observed for two years) and a wide one (1 to 1,000
// weeks), at 10 % and 100 % a year; and requires every x to have been
// interpolated, none computed directly after failing its checks, so that
// the interpolation, not the fallback, is what is held.
func TestInterpolatedDERTs(t *testing.T) {
	models := []struct {
		name string
		m    dropAtPurchase
	}{
		{"bgnbd cdnow", BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}},
		{"bgnbd a>1", BGNBD{R: 2, Alpha: 8, A: 2, B: 13}},
		{"mbgnbd cdnow", MBGNBD{R: 0.525, Alpha: 6.183, A: 0.891, B: 1.614}},
	}
	ranges := []struct {
		name         string
		from, to, by float64
	}{
		{"years 1 to 2 by days", 52, 104, 1.0 / 7},
		{"weeks 1 to 1000", 1, 1000, 2.5},
	}
	xs := []int64{0, 1, 3, 20, 300, 10_000}
	for _, tc := range models {
		for _, rg := range ranges {
			for _, delta := range []float64{math.Log(1.1) / 52, math.Log(2) / 52} {
				var pairs []pairKey
				for _, x := range xs {
					for T := rg.from; T <= rg.to; T += rg.by {
						pairs = append(pairs, pairKey{x, T})
					}
				}
				got := make([]float64, len(pairs))
				interpolated, redone := acrossT(pairs, tc.m.scale(), func(x int64, T float64) float64 { return tc.m.aliveDERT(float64(x), T, delta) }, got)
				if interpolated != len(xs) || redone != 0 {
					t.Errorf("%s, %s, delta %.4g: %d of %d x interpolated, %d redone", tc.name, rg.name, delta, interpolated, len(xs), redone)
				}
				// Every third pair: a DERT computed directly costs 0.3 ms.
				worst := 0.0
				for j := 0; j < len(pairs); j += 3 {
					p := pairs[j]
					want := tc.m.aliveDERT(float64(p.x), p.T, delta)
					if d := math.Abs(got[j]-want) / want; !(d <= worst) {
						worst = d
					}
				}
				if !(worst <= 1e-11) {
					t.Errorf("%s, %s, delta %.4g: interpolated DERTs within %.3g of direct; want 1e-11", tc.name, rg.name, delta, worst)
				}
			}
		}
	}
}

// TestAcrossTForecasts holds the figures Forecasts interpolates across T
// to their direct evaluation, within 5·10^−11, the noise of the
// Pareto/NBD's quadrature at x = 10^4 (10^−13 elsewhere): P(alive at T + 13 | alive)
// under the BG/NBD and MBG/NBD of the CDNOW sample and P(X(13) = n |
// alive), n = 0, 1, 3, under its Pareto/NBD and one with s > 1, for x
// from 0 to 10^4 and T over weeks 52 to 104 by days. Where an x's
// figures span more than a factor of 100 it is computed directly; at
// least half the x must have been interpolated, none redone after
// failing its checks.
func TestAcrossTForecasts(t *testing.T) {
	const ahead = 13.0
	type figure struct {
		name string
		c    float64
		f    func(x int64, T float64) float64
	}
	var figures []figure
	for _, m := range []dropAtPurchase{BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}, MBGNBD{R: 0.525, Alpha: 6.183, A: 0.891, B: 1.614}} {
		figures = append(figures, figure{fmt.Sprintf("%T survival", m), m.scale(), func(x int64, T float64) float64 {
			return math.Exp(m.aliveAhead(float64(x), T, ahead))
		}})
	}
	for _, m := range []ParetoNBD{{R: 0.553, Alpha: 10.578, S: 0.606, Beta: 11.669}, {R: 1.5, Alpha: 3, S: 2.5, Beta: 20}} {
		for _, n := range []int64{0, 1, 3} {
			figures = append(figures, figure{fmt.Sprintf("%v P(X = %d)", m, n), min(m.Alpha, m.Beta), func(x int64, T float64) float64 {
				return m.alivePMF(float64(x), T, n, ahead)
			}})
		}
	}
	xs := []int64{0, 1, 3, 20, 300, 10_000}
	var pairs []pairKey
	for _, x := range xs {
		for T := 52.0; T <= 104; T += 1.0 / 7 {
			pairs = append(pairs, pairKey{x, T})
		}
	}
	for _, fg := range figures {
		got := make([]float64, len(pairs))
		interpolated, redone := acrossT(pairs, fg.c, fg.f, got)
		if 2*interpolated < len(xs) || redone > interpolated-len(xs)/2 {
			t.Errorf("%s: %d of %d x interpolated, %d of them computed directly after", fg.name, interpolated, len(xs), redone)
		}
		worst := 0.0
		for j, p := range pairs {
			want := fg.f(p.x, p.T)
			if d := math.Abs(got[j] - want); !(d <= worst*want) && want > 0 {
				worst = d / want
			}
		}
		if !(worst <= 5e-11) {
			t.Errorf("%s: within %.3g of direct; want 5e-11", fg.name, worst)
		}
	}
}

// FuzzAcrossT interpolates across the T of one x, as Forecasts does, a
// BG/NBD's survival of a horizon and a Pareto/NBD's chance of no purchase
// and of one in it, for any parameters and times: each figure within
// 10^−9 of its direct evaluation (or both below 10^−300), in [0, 1].
func FuzzAcrossT(f *testing.F) {
	f.Add(0.243, 4.414, 0.793, 2.426, uint16(3), 52.0, 52.0, uint8(200), 13.0)
	f.Add(2.0, 8.0, 2.0, 13.0, uint16(10_000), 1.0, 999.0, uint8(255), 100.0)
	f.Fuzz(func(t *testing.T, r, alpha, a, b float64, x uint16, T0, span float64, count uint8, ahead float64) {
		bg := BGNBD{R: r, Alpha: alpha, A: a, B: b}
		pn := ParetoNBD{R: r, Alpha: alpha, S: a, Beta: b}
		if bg.check("fuzz") != nil || pn.check("fuzz") != nil || !(T0 > 0 && T0 <= 1e4) || !(span >= 0 && span <= 1e4) || !(ahead > 0 && ahead <= 1e4) || x > 10_000 {
			t.Skip()
		}
		var pairs []pairKey
		for k := range int(count) + 1 {
			pairs = append(pairs, pairKey{int64(x), T0 + span*float64(k)/float64(int(count)+1)})
		}
		figures := []struct {
			c float64
			f func(x int64, T float64) float64
		}{
			{bg.scale(), func(x int64, T float64) float64 { return math.Exp(bg.aliveAhead(float64(x), T, ahead)) }},
			{min(pn.Alpha, pn.Beta), func(x int64, T float64) float64 { return pn.alivePMF(float64(x), T, 0, ahead) }},
			{min(pn.Alpha, pn.Beta), func(x int64, T float64) float64 { return pn.alivePMF(float64(x), T, 1, ahead) }},
		}
		for i, fg := range figures {
			got := make([]float64, len(pairs))
			acrossT(pairs, fg.c, fg.f, got)
			for j, p := range pairs {
				want := fg.f(p.x, p.T)
				if !(got[j] >= 0 && got[j] <= 1) || !(math.Abs(got[j]-want) <= 1e-9*want || max(got[j], want) < 1e-300) {
					t.Fatalf("figure %d, T = %v: interpolated %.16g; direct %.16g", i, p.T, got[j], want)
				}
			}
		}
	})
}
