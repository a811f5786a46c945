package btyd

import (
	"bufio"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clv"
	"github.com/shopspring/decimal"
)

// This file checks the block sums of stepsum.go against the valuation
// step by step, as Values summed it before them: the model's expectation
// at every step's end, by hypergeo.go's series or Pareto/NBD's closed
// form, differenced and discounted. Where those series lose digits, for
// parameters far outside any fit, it checks both against hypergeo_test.go's
// textbook expectation in math/big.Float.

// slowExpect is the valuation step by step of an alive customer (x, T):
// purchases E(t_K) and Σ_k w_k (E(t_k) − E(t_{k−1})).
func slowExpect(v *valuer, m PurchaseModel, x int64, T float64) (purchases, discounted float64, ok bool) {
	prev := 0.0
	for k, t := range v.ends {
		e, ok := m.aliveExpectation(x, T, t)
		if !ok {
			return 0, 0, false
		}
		discounted += (e - prev) * v.discount[k]
		prev = e
	}
	return prev, discounted, true
}

// blockExpect sums by blocks alone, whatever stepGrid.plan would choose.
func blockExpect(v *valuer, m PurchaseModel, x int64, T float64) (purchases, discounted float64, attempts int, ok bool) {
	r := m.aliveRate(x, T)
	plain, weighted, attempts, ok := v.grid.sum(r, maxBlockAttempts)
	return r.scale * plain, r.scale * weighted, attempts, ok
}

// stepValuer returns the valuer of a weekly base over h in steps of step,
// at rate a year.
func stepValuer(t testing.TB, h Horizon, step clv.Period, rate string) *valuer {
	t.Helper()
	v, err := newValuer("test", BGNBD{R: 1, Alpha: 1, A: 2, B: 1}, GammaGamma{P: 1, Q: 2, Gamma: 1}, Base{Unit: clv.Week}, h,
		[]ValueOption{WithStep(step), WithDiscountRate(decimal.RequireFromString(rate), clv.Year)})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// relDiff returns |got − want| / |want|, or |got| if want is 0.
func relDiff(got, want float64) float64 {
	if want == 0 {
		return math.Abs(got)
	}
	return math.Abs(got-want) / math.Abs(want)
}

// stepConfigs are the horizons, steps and rates the block sums are held
// to: one step and many, weekly, monthly and yearly, a last step cut at
// the horizon, no discount, little and much.
var stepConfigs = []struct {
	h    Horizon
	step clv.Period
	rate string
}{
	{Horizon{Length: 1, Period: clv.Year}, clv.Year, "0"},      // undiscounted: one step
	{Horizon{Length: 2, Period: clv.Week}, clv.Week, "0.1"},    // two steps
	{Horizon{Length: 7, Period: clv.Week}, clv.Week, "0.1"},    //
	{Horizon{Length: 1, Period: clv.Year}, clv.Week, "0.1"},    // 52 weeks and a seventh
	{Horizon{Length: 5, Period: clv.Week}, clv.Quarter, "0.1"}, // one step, cut at the horizon
	{Horizon{Length: 260, Period: clv.Week}, clv.Week, "0.001"},
	{Horizon{Length: 1000, Period: clv.Week}, clv.Week, "0.1"},
	{Horizon{Length: 10, Period: clv.Year}, clv.Month, "0.12"},
	{Horizon{Length: 100, Period: clv.Year}, clv.Year, "0.05"},
	{Horizon{Length: 30, Period: clv.Week}, clv.Week, "1000"}, // the weights fall a thousandfold a year
}

// TestStepSumAgainstSteps holds the block sums to the steps' within
// 10^−10, for random models with parameters from 10^−2 to 10^2 (α to
// 10^3), customers with up to 10^4 repeat purchases observed up to 1,000
// weeks, over each of stepConfigs.
func TestStepSumAgainstSteps(t *testing.T) {
	rng := rand.New(rand.NewPCG(2005, 7))
	logUniform := func(lo, hi float64) float64 { return lo * math.Pow(hi/lo, rng.Float64()) }
	worst := 0.0
	for _, c := range stepConfigs {
		v := stepValuer(t, c.h, c.step, c.rate)
		for i := range 60 {
			r, alpha, a, b := logUniform(1e-2, 1e2), logUniform(1e-2, 1e3), logUniform(1e-2, 1e2), logUniform(1e-2, 1e2)
			if i%10 == 0 {
				a = 1 // ε = 0 in hypergeo.go
			}
			var m PurchaseModel
			switch i % 3 {
			case 0:
				m = BGNBD{R: r, Alpha: alpha, A: a, B: b}
			case 1:
				m = MBGNBD{R: r, Alpha: alpha, A: a, B: b}
			default:
				m = ParetoNBD{R: r, Alpha: alpha, S: a, Beta: b}
			}
			x := []int64{0, 0, 1, 2, 5, 20, 100, 1000, 10_000}[rng.IntN(9)]
			T := 0.0
			if i%5 != 0 {
				T = logUniform(0.1, 1000)
			}
			// The steps' series take some (α′ + t)/α′ terms at t for light
			// buyers: leave out the few cases that would take seconds.
			H := v.ends[len(v.ends)-1]
			if _, pareto := m.(ParetoNBD); !pareto && x < 5 && float64(len(v.ends))*H/(alpha+T) > 1e5 {
				continue
			}
			wantP, wantD, ok := slowExpect(v, m, x, T)
			if !ok {
				continue // beyond the steps' series: a horizon of 50,000 α′
			}
			gotP, gotD, attempts, ok := blockExpect(v, m, x, T)
			if !ok {
				t.Errorf("%+v %T%+v x = %d, T = %v: the blocks gave up after %d", c, m, m, x, T, attempts)
				continue
			}
			dp, dd := relDiff(gotP, wantP), relDiff(gotD, wantD)
			worst = max(worst, dp, dd)
			if dp > 1e-10 || dd > 1e-10 {
				t.Errorf("%+v %T%+v x = %d, T = %v: purchases %v, steps %v (%.1e); discounted %v, steps %v (%.1e)",
					c, m, m, x, T, gotP, wantP, dp, gotD, wantD, dd)
			}
		}
	}
	t.Logf("largest relative difference %.1e", worst)
}

// TestStepSumAgainstBigFloat holds the block sums of BG/NBD and MBG/NBD,
// for parameters from 10^−10 to 10^4 and customers with up to 1,000
// repeat purchases, to the textbook expectation in math/big.Float over
// up to three steps, within 10^−10. There the steps' float64 series lose
// up to 2·10^−9 (hypergeo.go's first series for r ≪ 1 < a, for
// instance), which the blocks do not.
func TestStepSumAgainstBigFloat(t *testing.T) {
	rng := rand.New(rand.NewPCG(2005, 8))
	logUniform := func(lo, hi float64) float64 { return lo * math.Pow(hi/lo, rng.Float64()) }
	worst, compared := 0.0, 0
	for i := 0; compared < 40 && i < 1000; i++ {
		r, alpha, a, b := logUniform(1e-10, 1e4), logUniform(1e-10, 1e4), logUniform(1e-10, 1e4), logUniform(1e-10, 1e4)
		x := []int64{0, 1, 10, 1000}[rng.IntN(4)]
		T := []float64{0, 0.5, 30, 1000}[rng.IntN(4)]
		var m PurchaseModel = BGNBD{R: r, Alpha: alpha, A: a, B: b}
		bb := b + float64(x)
		if i%2 == 1 {
			m, bb = MBGNBD{R: r, Alpha: alpha, A: a, B: b}, bb+1
		}
		rr, aa := r+float64(x), alpha+T
		steps := 1 + rng.IntN(3)
		step := []clv.Period{clv.Week, clv.Month, clv.Year}[rng.IntN(3)]
		v := stepValuer(t, Horizon{Length: steps, Period: step}, step, "0.1")
		// The textbook series is slow beyond z = 0.9, and undefined at
		// a = 1 or a + b = 1.
		H := v.ends[len(v.ends)-1]
		if H/(aa+H) > 0.9 || math.Abs(a-1) < 1e-3 || math.Abs(a+bb-1) < 1e-3 || rr+bb > 3e4 {
			continue
		}
		var wantP, wantD float64
		for k, tk := range v.ends {
			e, _ := bigExpectation(rr, aa, a, bb, tk)
			wantD += (e - wantP) * v.discount[k]
			wantP = e
		}
		gotP, gotD, attempts, ok := blockExpect(v, m, x, T)
		if !ok {
			t.Logf("%T%+v x = %d, T = %v: the blocks gave up after %d; Values sums step by step", m, m, x, T, attempts)
			continue
		}
		compared++
		dp, dd := relDiff(gotP, wantP), relDiff(gotD, wantD)
		worst = max(worst, dp, dd)
		if dp > 1e-10 || dd > 1e-10 {
			t.Errorf("%T%+v x = %d, T = %v, %d %v steps: purchases %v, big %v (%.1e); discounted %v, big %v (%.1e)",
				m, m, x, T, steps, step, gotP, wantP, dp, gotD, wantD, dd)
		}
	}
	if compared < 40 {
		t.Errorf("only %d cases compared", compared)
	}
	t.Logf("largest relative difference %.1e", worst)
}

// cdnowBase reads the CDNOW sample beside the repository, as
// cdnow_test.go does, and summarises it to the calibration end in weeks.
func cdnowBase(t testing.TB) Base {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "shared", "data", "CDNOW_sample.txt"))
	if err != nil {
		t.Skipf("CDNOW sample not available: %v", err)
	}
	defer f.Close()
	s, err := NewSummarizer(time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 5 {
			continue
		}
		day, err := time.Parse("20060102", fields[2])
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Add(clv.Purchase{Customer: fields[1], Time: day, Amount: decimal.RequireFromString(fields[4])}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return s.Base()
}

// cdnowPairs returns the distinct (x, T) of b.
func cdnowPairs(b Base) []pairKey {
	seen := make(map[pairKey]bool)
	var pairs []pairKey
	for _, c := range b.Customers {
		if k := (pairKey{c.X, c.T}); !seen[k] {
			seen[k] = true
			pairs = append(pairs, k)
		}
	}
	return pairs
}

// cdnowModels are the published fits to the CDNOW sample.
var cdnowModels = []PurchaseModel{
	BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426},
	MBGNBD{R: 0.525, Alpha: 6.183, A: 0.891, B: 1.614},
	ParetoNBD{R: 0.553, Alpha: 10.578, S: 0.606, Beta: 11.669},
}

// TestStepSumCDNOW values the CDNOW sample's distinct histories over
// 52,000 weekly steps at 10 % a year, and over 1,000 years in yearly
// steps, under each published fit, and holds the block sums to the steps'
// within 10^−10: every history's purchases, and the discounted sums of a
// quarter of the Pareto/NBD histories and of the BG/NBD and MBG/NBD
// histories whose steps' series are short (x ≥ 12 or 8, whose terms fall
// like n^{−x}); over 2,000 weekly steps, the discounted sums of an eighth
// of the histories, light buyers among them.
func TestStepSumCDNOW(t *testing.T) {
	b := cdnowBase(t)
	pairs := cdnowPairs(b)
	for _, c := range []struct {
		h     Horizon
		step  clv.Period
		heavy int64 // the least x whose discounted sum is held to the steps'
	}{
		{Horizon{Length: 52_000, Period: clv.Week}, clv.Week, 12},
		{Horizon{Length: 1000, Period: clv.Year}, clv.Year, 8},
		{Horizon{Length: 2000, Period: clv.Week}, clv.Week, 0},
	} {
		v := stepValuer(t, c.h, c.step, "0.1")
		H := v.ends[len(v.ends)-1]
		for _, m := range cdnowModels {
			t.Run(fmt.Sprintf("%d %vs in %vs %s", c.h.Length, c.h.Period, c.step, m.name()), func(t *testing.T) {
				worst := 0.0
				for i, p := range pairs {
					gotP, gotD, attempts, ok := blockExpect(v, m, p.x, p.T)
					if !ok {
						t.Fatalf("%s x = %d, T = %v: the blocks gave up after %d", m.name(), p.x, p.T, attempts)
					}
					_, pareto := m.(ParetoNBD)
					if p.x >= c.heavy && (c.heavy > 0 || i%8 == 0) || pareto && i%4 == 0 {
						wantP, wantD, _ := slowExpect(v, m, p.x, p.T)
						dp, dd := relDiff(gotP, wantP), relDiff(gotD, wantD)
						worst = max(worst, dp, dd)
						if dp > 1e-10 || dd > 1e-10 {
							t.Errorf("%v %s x = %d, T = %v: purchases %v, steps %v (%.1e); discounted %v, steps %v (%.1e)",
								c.h, m.name(), p.x, p.T, gotP, wantP, dp, gotD, wantD, dd)
						}
						continue
					}
					wantP, _ := m.aliveExpectation(p.x, p.T, H)
					if dp := relDiff(gotP, wantP); dp > 1e-10 {
						t.Errorf("%v %s x = %d, T = %v: purchases %v, series %v (%.1e)", c.h, m.name(), p.x, p.T, gotP, wantP, dp)
					}
					worst = max(worst, relDiff(gotP, wantP))
				}
				t.Logf("largest relative difference %.1e", worst)
			})
		}
	}
}

// TestStepGridMoments holds the table M, built by doubling, to its
// definition summed term by term, within 10^−14, for rates from 10^−6 to
// 3 a step.
func TestStepGridMoments(t *testing.T) {
	const delta, steps = 0.7, 5000
	discount := make([]float64, steps)
	for _, rate := range []float64{1e-6 / delta, 0.0018, 0.5, 3} {
		g := newStepGrid(delta, steps*delta, rate, discount)
		if len(g.moments) != 13 { // J = 1 … 4096 < 5,000 steps
			t.Fatalf("rate %v: %d levels", rate, len(g.moments))
		}
		for i, m := range g.moments {
			J := 1 << i
			for n := range maxBlockTerms {
				var sum float64
				for j := 1; j < J; j++ {
					sum += math.Exp(-rate*delta*float64(j)) * math.Pow(float64(j)/float64(J), float64(n+1))
				}
				want := math.Exp(-rate*delta*float64(J)) - math.Expm1(-rate*delta)*sum
				if d := relDiff(m[n], want); d > 1e-14 {
					t.Errorf("rate %v: M_%d[%d] = %v, summed %v (%.1e)", rate, J, n, m[n], want, d)
				}
			}
		}
	}
}

// FuzzStepSum holds the block sums to the steps' within 10^−10 for any
// valid model, customer and horizon of up to 2,000 steps whose steps'
// series are not too long to wait for. Where the two differ, the
// purchases are held to the textbook expectation in math/big.Float
// instead, if it can be summed: the steps' series lose digits for some
// extreme parameters, the blocks must not.
func FuzzStepSum(f *testing.F) {
	f.Add(0.243, 4.414, 0.793, 2.426, int64(2), 38.86, uint16(52), uint8(3), uint16(100), uint8(0))
	f.Add(0.525, 6.183, 0.891, 1.614, int64(29), 30.0, uint16(120), uint8(2), uint16(120), uint8(1))
	f.Add(0.553, 10.578, 0.606, 11.669, int64(0), 0.5, uint16(2000), uint8(3), uint16(100), uint8(2))
	f.Add(0.00047, 0.0032, 15.8, 18.7, int64(0), 0.87, uint16(40), uint8(0), uint16(100), uint8(0))
	f.Fuzz(func(t *testing.T, r, alpha, a, b float64, x int64, T float64, steps uint16, step uint8, perMille uint16, kind uint8) {
		for _, v := range []float64{r, alpha, a, b} {
			if !(v >= 1e-10 && v <= 1e10) {
				return
			}
		}
		if x < 0 || x > 100_000 || !(T >= 0 && T <= 10_000) || steps == 0 || steps > 2000 {
			return
		}
		var m PurchaseModel
		bb := b + float64(x)
		switch kind % 3 {
		case 0:
			m = BGNBD{R: r, Alpha: alpha, A: a, B: b}
		case 1:
			m, bb = MBGNBD{R: r, Alpha: alpha, A: a, B: b}, bb+1
		default:
			m = ParetoNBD{R: r, Alpha: alpha, S: a, Beta: b}
		}
		period := clv.Period(step % 4)
		v, err := newValuer("test", m, GammaGamma{P: 1, Q: 2, Gamma: 1}, Base{Unit: clv.Week}, Horizon{Length: int(steps), Period: period},
			[]ValueOption{WithDiscountRate(decimal.New(int64(perMille), -3), clv.Year)})
		if err != nil {
			return // beyond 1,000 years
		}
		H := v.ends[len(v.ends)-1]
		_, pareto := m.(ParetoNBD)
		if !pareto && x < 5 && float64(len(v.ends))*H/(alpha+T) > 1e5 {
			return
		}
		// The reference sums a series at each step's end, of some
		// (r + x) H/(α + T) terms where that is large: beyond 10^8 in all
		// (a second or so) it is no reference a fuzzer can wait for. One
		// of 1920 quarterly steps at r = 722, x = 96 took 30 s.
		if !pareto && float64(len(v.ends))*(r+float64(x))*H/(alpha+T) > 1e8 {
			return
		}
		wantP, wantD, ok := slowExpect(v, m, x, T)
		if !ok {
			return
		}
		gotP, gotD, _, ok := blockExpect(v, m, x, T)
		if !ok {
			return // Values sums step by step
		}
		if relDiff(gotP, wantP) <= 1e-10 && relDiff(gotD, wantD) <= 1e-10 {
			return
		}
		rr, aa := r+float64(x), alpha+T
		if pareto || H/(aa+H) > 0.95 || math.Abs(a-1) < 1e-3 || math.Abs(a+bb-1) < 1e-3 || rr+bb > 3e4 {
			return // no reference to settle it
		}
		big, _ := bigExpectation(rr, aa, a, bb, H)
		if d := relDiff(gotP, big); d > 1e-10 {
			t.Fatalf("%T%+v x = %d, T = %v, %d %vs: purchases %v, steps %v, big %v (%.1e); discounted %v, steps %v",
				m, m, x, T, steps, period, gotP, wantP, big, d, gotD, wantD)
		}
	})
}
