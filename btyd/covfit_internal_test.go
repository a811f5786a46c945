package btyd

import (
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/shopspring/decimal"
)

// TestCovLikelihoodDerivatives holds the gradient and Hessian that a
// likelihood with covariates gives the search, in θ (base parameters and
// e^γ), to central differences of its value, for each model, with a
// coefficient shared by both processes and a penalty.
func TestCovLikelihoodDerivatives(t *testing.T) {
	hs := [][]History{
		{{X: 0, T: 30, Weight: 3}, {X: 2, Tx: 10, T: 30, Weight: 2}, {X: 5, Tx: 28, T: 35, Weight: 1}},
		{{X: 1, Tx: 4, T: 20, Weight: 4}, {X: 3, Tx: 18, T: 25, Weight: 2}},
		{{X: 0, T: 12, Weight: 1}, {X: 7, Tx: 40, T: 41, Weight: 3}},
	}
	zs := [][]float64{{0, 1.5}, {1, -0.5}, {1, 2}}
	spend := [][]Customer{
		{{X: 2, Spend: decimal.RequireFromString("12.5")}, {X: 5, Spend: decimal.RequireFromString("30")}},
		{{X: 1, Spend: decimal.RequireFromString("8")}, {X: 3, Spend: decimal.RequireFromString("22.25")}},
		{{X: 4, Spend: decimal.RequireFromString("17")}},
	}
	frequency := func(ll func(d *frequencyData) likelihood) func(g int) likelihood {
		return func(g int) likelihood {
			d, err := newFrequencyData("test", hs[g])
			if err != nil {
				t.Fatal(err)
			}
			return ll(d)
		}
	}
	for _, c := range []struct {
		name   string
		links  []covLink
		blocks int
		base   []float64
		part   func(g int) likelihood
	}{
		{"Pareto/NBD", pnbdCovLinks, 2, []float64{0.8, 6, 0.7, 9}, frequency(func(d *frequencyData) likelihood { return d.pnbdLikelihood })},
		{"BG/NBD", bgnbdCovLinks, 2, []float64{0.8, 6, 1.3, 3}, frequency(func(d *frequencyData) likelihood { return d.bgnbdValueOrAll })},
		{"gamma-gamma", gammaGammaCovLinks, 1, []float64{4, 3, 14}, func(g int) likelihood {
			d, err := newSpendDataAt("test", spend[g], 14)
			if err != nil {
				t.Fatal(err)
			}
			return d.likelihood
		}},
	} {
		cfg := covConfig{lambda: 0.7, lambdaD: 0.3}
		if c.blocks == 2 {
			cfg.same = []int{1}
		} else {
			cfg.lambdaD = 0
		}
		des, err := newCovDesign("test", len(c.base), c.links, c.blocks, 2, cfg)
		if err != nil {
			t.Fatal(err)
		}
		d := &covData{design: des}
		for g := range zs {
			d.parts = append(d.parts, covPart{z: zs[g], ll: c.part(g), customers: 1})
		}
		theta := append([]float64(nil), c.base...)
		for i := range des.n - des.base {
			theta = append(theta, math.Exp(0.3-0.25*float64(i)))
		}
		n := des.n
		grad, hess := make([]float64, n), make([]float64, n*n)
		v := d.likelihood(theta, grad, hess)
		if valueOnly := d.likelihood(theta, nil, nil); math.Abs(valueOnly-v) > 1e-9*math.Abs(v) {
			t.Errorf("%s: value alone %v, with derivatives %v", c.name, valueOnly, v)
		}
		at := func(i int, h float64) (float64, []float64) {
			th := append([]float64(nil), theta...)
			th[i] += h
			g := make([]float64, n)
			return d.likelihood(th, g, nil), g
		}
		for i := range n {
			h := 1e-5 * theta[i]
			up, gUp := at(i, h)
			down, gDown := at(i, -h)
			if num := (up - down) / (2 * h); math.Abs(num-grad[i]) > 1e-5*(1+math.Abs(grad[i])) {
				t.Errorf("%s: ∂/∂θ_%d = %v, differences %v", c.name, i, grad[i], num)
			}
			for j := range n {
				if num := (gUp[j] - gDown[j]) / (2 * h); math.Abs(num-hess[i*n+j]) > 1e-4*(1+math.Abs(hess[i*n+j])) {
					t.Errorf("%s: ∂²/∂θ_%d∂θ_%d = %v, differences %v", c.name, i, j, hess[i*n+j], num)
				}
			}
		}
	}
}

// TestCovDesign holds the places of the coefficients in ψ and their
// names, with and without a shared one.
func TestCovDesign(t *testing.T) {
	des, err := newCovDesign("test", 4, pnbdCovLinks, 2, 3, covConfig{same: []int{1}})
	if err != nil {
		t.Fatal(err)
	}
	if des.n != 4+3+2 {
		t.Fatalf("n = %d", des.n)
	}
	want := [][]int{{4, 5, 6}, {7, 5, 8}}
	for b := range want {
		for j := range want[b] {
			if des.index[b][j] != want[b][j] {
				t.Errorf("index %v, want %v", des.index, want)
			}
		}
	}
	var names []string
	for m := range des.n - des.base {
		names = append(names, coefName([]string{"purchase", "dropout"}, des, m))
	}
	if got := []string{"purchase[0]", "both[1]", "purchase[2]", "dropout[0]", "dropout[2]"}; len(names) != len(got) {
		t.Fatalf("names %v", names)
	} else {
		for i := range got {
			if names[i] != got[i] {
				t.Errorf("names %v, want %v", names, got)
			}
		}
	}
	// The penalty: 2 λ on a shared coefficient's diagonal.
	psi := []float64{0, 0, 0, 0, 1, 2, 3, 4, 5}
	g, h := make([]float64, des.n), make([]float64, des.n*des.n)
	des.lambda = []float64{1, 10}
	p := des.penalty(psi, g, h)
	if want := 1*(1+9) + 11*4 + 10*(16+25); p != float64(want) {
		t.Errorf("penalty %v, want %v", p, want)
	}
	if h[5*des.n+5] != -22 || g[5] != -44 || g[7] != -80 {
		t.Errorf("penalty's derivatives %v %v", g, h[5*des.n+5])
	}
}

// TestFrequencyDataIn holds the frequencyData an arena carves to
// newFrequencyData's, for sorted histories, across the arena's blocks.
func TestFrequencyDataIn(t *testing.T) {
	a := &frequencyArena{}
	for n := range 3000 {
		var hs []History
		for i := range n%7 + 1 {
			x := int64(i / 2)
			hs = append(hs, History{X: x, Tx: float64(x), T: float64(10 + n%5 + i), Weight: int64(1 + i%3)})
		}
		want, err := newFrequencyData("test", hs)
		if err != nil {
			t.Fatal(err)
		}
		got := newFrequencyDataIn(a, hs)
		if !reflect.DeepEqual(want, got) {
			t.Fatalf("histories %v: got %+v, want %+v", hs, got, want)
		}
	}
}

// TestDrawCovariateFit holds the draws of a fit with a shared coefficient
// to one value in both processes, and their means near the fit's.
func TestDrawCovariateFit(t *testing.T) {
	stats := FitStats{
		Parameters: []string{"r", "alpha", "s", "beta", "purchase[0]", "both[1]", "dropout[0]"},
		Covariance: make([][]float64, 7),
	}
	for i := range stats.Covariance {
		stats.Covariance[i] = make([]float64, 7)
		stats.Covariance[i][i] = 0.01
	}
	base := []float64{1, 10, 0.5, 20}
	coef := [][]float64{{0.3, -0.2}, {0.7, -0.2}}
	draws, err := drawCovariateFit("test", base, coef, []string{"purchase", "dropout"}, stats, 2000, rand.NewPCG(1, 1))
	if err != nil {
		t.Fatal(err)
	}
	var mean [3]float64
	for _, d := range draws {
		if d.coef[0][1] != d.coef[1][1] {
			t.Fatalf("shared coefficient drawn apart: %v", d.coef)
		}
		mean[0] += math.Log(d.base[1]) / 2000
		mean[1] += d.coef[0][0] / 2000
		mean[2] += d.coef[1][0] / 2000
	}
	// Standard errors of the means: 0.1 / √2000 on γ, and 0.1/10 / √2000
	// on ln α.
	for i, want := range []float64{math.Log(10), 0.3, 0.7} {
		if math.Abs(mean[i]-want) > 0.01 {
			t.Errorf("mean %d = %v, want %v", i, mean[i], want)
		}
	}
	var j int
	for _, c := range []struct {
		name, block string
		ok          bool
	}{{"purchase[3]", "purchase", true}, {"purchase[3]x", "purchase", false}, {"dropout[1]", "purchase", false}, {"both[", "both", false}} {
		if got := scanCoef(c.name, c.block, &j); got != c.ok {
			t.Errorf("scanCoef(%q, %q) = %v", c.name, c.block, got)
		}
	}
}

// TestSortGrouped holds sortGrouped to a comparison sort, on few items
// and many (two goroutines), and with an x beyond the items' number.
func TestSortGrouped(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, c := range []struct {
		n    int
		maxX int64
	}{{1, 1}, {50, 5}, {1000, 40}, {50_000, 300}, {100, 1_000_000}} {
		items := make([]groupedHistory, c.n)
		for i := range items {
			x := rng.Int64N(c.maxX + 1)
			items[i] = groupedHistory{History{X: x, Tx: float64(rng.IntN(20)), T: float64(20 + rng.IntN(5)), Weight: 1}, int32(rng.IntN(3))}
		}
		want := slices.Clone(items)
		slices.SortStableFunc(want, compareGrouped)
		got := sortGrouped(slices.Clone(items))
		for i := range want {
			if compareGrouped(want[i], got[i]) != 0 {
				t.Fatalf("n = %d: item %d = %+v, want %+v", c.n, i, got[i], want[i])
			}
		}
	}
}
