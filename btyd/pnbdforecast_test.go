package btyd_test

import (
	"math"
	"testing"

	"github.com/clvkit/clv/btyd"
)

// TestParetoNBDConditionalProbPurchasesLifetimes holds the conditional
// distribution of purchases in the next 39 weeks to lifetimes'
// ParetoNBDFitter.conditional_probability_of_n_purchases_up_to_time
// (lifetimes 0.11, at the commit of its last README change, run with
// Debian's numpy 1.24 and scipy 1.10 at these parameters; it implements
// equation 16 of Fader and Hardie's note 028 with scipy's hyp2f1), to 12
// digits, at Fader, Hardie and Lee's fit to the CDNOW sample: for a few histories, and summed over the 2,357 customers of
// the CDNOW sample, the customers expected to make n purchases.
func TestParetoNBDConditionalProbPurchasesLifetimes(t *testing.T) {
	m := cdnowPNBD
	for _, c := range []struct {
		x        int64
		tx, T    float64
		lifetime [4]float64
	}{
		{0, 0, 38.86, [4]float64{0.9307148159456802, 0.045898124125809486, 0.014677144710534664, 0.005314443007192747}},
		{1, 2, 38, [4]float64{0.905976477685439, 0.04641779489275942, 0.02402626349874505, 0.012089521359828905}},
		{2, 30.43, 38.86, [4]float64{0.40806272360646373, 0.21928749790096388, 0.15175652075729767, 0.09565534629634968}},
		{6, 5, 39, [4]float64{0.9970965529841642, 0.0003479928311654413, 0.000394272999871884, 0.00041488954846752757}},
		{10, 38, 39, [4]float64{0.0674012391903208, 0.052420784703212805, 0.05710869469695242, 0.06654584633864727}},
		{40, 20, 70, [4]float64{0.9999999999999997, 4.765287318476832e-18, 4.592364058810629e-18, 4.4369920028435304e-18}},
	} {
		for n, want := range c.lifetime {
			got, err := m.ConditionalProbPurchases(c.x, c.tx, c.T, int64(n), 39)
			if err != nil || math.Abs(got-want) > 1e-12*want {
				t.Errorf("(%d, %v, %v): P(X = %d in 39 weeks) = %.16g, %v; lifetimes %.16g", c.x, c.tx, c.T, n, got, err, want)
			}
		}
	}
	b := cdnowSummary(t).Base()
	for n, want := range []float64{1833.7456672862022, 194.3178133943708, 108.16829640225592, 67.42982519656123} {
		var sum float64
		for _, c := range b.Customers {
			p, err := m.ConditionalProbPurchases(c.X, c.Tx, c.T, int64(n), 39)
			if err != nil {
				t.Fatal(err)
			}
			sum += p
		}
		if math.Abs(sum-want) > 1e-11*want {
			t.Errorf("CDNOW: Σ P(X = %d in 39 weeks) = %.16g; lifetimes %.16g", n, sum, want)
		}
	}
}

// TestParetoNBDDERTPeers holds DERT at FHL's CDNOW fit to BTYD's
// pnbd.DERT (BTYD 2.4.3, cran/BTYD 59846607, its R sources run on
// Debian's R 4.2.2 with hypergeo 1.2-13), which sums Kummer's series for
// Tricomi's U and divides by the likelihood, and to CLVTools'
// pnbd_nocov_DERT (CLVTools 0.12.1, bachmannpatrick/CLVTools 1b06356b,
// its C++ built with Rcpp on the same R, GSL 2.7), which takes U from
// GSL, at 15 % a year in weeks, δ = ln(1.15)/52, and at δ = 0.1: light
// and heavy buyers, recent and long silent. The peers agree with each
// other to some 10^−12, and with DERT within 10^−10.
func TestParetoNBDDERTPeers(t *testing.T) {
	m := btyd.ParetoNBD{R: 0.553, Alpha: 10.578, S: 0.606, Beta: 11.669}
	for _, c := range []struct {
		x                    int64
		tx, T, d, btyd, clvt float64
	}{
		{0, 0, 38.86, 0.0026877296610607429, 0.47845766951460794, 0.47845766951460783},
		{1, 30.43, 38.86, 0.0026877296610607429, 4.0054080966823848, 4.0054080966823848},
		{2, 30.43, 38.86, 0.0026877296610607429, 6.5017305375642236, 6.5017305375642236},
		{6, 5, 39, 0.0026877296610607429, 0.061672607518792839, 0.061672607518793061},
		{10, 38, 39, 0.0026877296610607429, 30.454017614814187, 30.454017614813971},
		{40, 20, 70, 0.0026877296610607429, 2.9720515543132911e-14, 2.9720515543133334e-14},
		{5, 10, 78, 0.0026877296610607429, 0.015148946446822601, 0.015148946446822601},
		{0, 0, 38.86, 0.1, 0.029932029243439427, 0.02993202924344416},
		{1, 30.43, 38.86, 0.1, 0.25057596506590374, 0.25057596506594332},
		{2, 30.43, 38.86, 0.1, 0.40674442272137901, 0.40674442272144329},
		{6, 5, 39, 0.1, 0.0038548947757313288, 0.0038548947757305069},
		{10, 38, 39, 0.1, 1.9035522921193808, 1.9035522921189549},
		{40, 20, 70, 0.1, 1.6065937163046809e-15, 1.6065937163046125e-15},
		{5, 10, 78, 0.1, 0.00079664676168990269, 0.00079664676164923189},
	} {
		got, err := m.DERT(c.x, c.tx, c.T, c.d)
		if err != nil || !(math.Abs(got-c.btyd) <= 1e-10*c.btyd) || !(math.Abs(got-c.clvt) <= 1e-10*c.clvt) {
			t.Errorf("(%d, %v, %v), δ = %v: DERT = %.16g, %v; BTYD %.16g, CLVTools %.16g", c.x, c.tx, c.T, c.d, got, err, c.btyd, c.clvt)
		}
	}
}
