package clv_test

import (
	"fmt"
	"math"
	"math/big"
	"testing"

	"github.com/clvkit/clv"
	"github.com/shopspring/decimal"
)

// This file holds a reference implementation of the calculation in math/big:
// exact rational arithmetic throughout, with a 2,000-bit Newton root where a
// rate converts to a shorter period. It shares no arithmetic with the
// package, so agreement to the last digit means something.

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// assertDecimal fails unless got equals want numerically (1.50 equals 1.5).
func assertDecimal(t testing.TB, want string, got decimal.Decimal, msgAndArgs ...any) {
	t.Helper()
	if !got.Equal(dec(want)) {
		t.Errorf("got %s, want %s %v", got, want, msgAndArgs)
	}
}

var refPerYear = map[clv.Period]int64{clv.Year: 1, clv.Quarter: 4, clv.Month: 12, clv.Week: 52}

// rat returns d exactly; a zero is zero whatever its exponent, which the
// fuzz targets make extreme.
func rat(d decimal.Decimal) *big.Rat {
	if d.Sign() == 0 {
		return new(big.Rat)
	}
	return d.Rat()
}

func ratInt(n int64) *big.Rat { return new(big.Rat).SetInt64(n) }

func add(a, b *big.Rat) *big.Rat { return new(big.Rat).Add(a, b) }
func sub(a, b *big.Rat) *big.Rat { return new(big.Rat).Sub(a, b) }
func mul(a, b *big.Rat) *big.Rat { return new(big.Rat).Mul(a, b) }
func quo(a, b *big.Rat) *big.Rat { return new(big.Rat).Quo(a, b) }

// roundRat rounds x half away from zero to places decimal places.
func roundRat(x *big.Rat, places int32) decimal.Decimal {
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(places)), nil)
	num := new(big.Int).Mul(x.Num(), scale)
	q, r := new(big.Int).QuoRem(num, x.Denom(), new(big.Int))
	if new(big.Int).Lsh(new(big.Int).Abs(r), 1).Cmp(x.Denom()) >= 0 {
		if x.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return decimal.NewFromBigInt(q, -places)
}

// refPow returns x^(a/b) for x > 0: exact when b is 1, else to 2,000 bits.
func refPow(x *big.Rat, a, b int64) *big.Rat {
	p := new(big.Rat).SetInt64(1)
	for range a {
		p.Mul(p, x)
	}
	if b == 1 || p.Sign() == 0 {
		return p
	}
	const prec = 2000
	v := new(big.Float).SetPrec(prec).SetRat(p)
	// Start from the float64 root of the mantissa times 2^(exponent / b):
	// v itself may overflow a float64.
	mant := new(big.Float)
	e := int64(v.MantExp(mant))
	m, _ := mant.Float64()
	start := math.Pow(m, 1/float64(b)) * math.Exp2(float64(e%b)/float64(b))
	g := new(big.Float).SetPrec(prec).SetMantExp(big.NewFloat(start), int(e/b))
	bf := new(big.Float).SetPrec(prec).SetInt64(b)
	bm1 := new(big.Float).SetPrec(prec).SetInt64(b - 1)
	for range 40 { // Newton doubles the correct bits: 50, 100, … 2,000 by the sixth step
		gp := new(big.Float).SetPrec(prec).SetInt64(1)
		for range b - 1 {
			gp.Mul(gp, g)
		}
		next := new(big.Float).SetPrec(prec).Quo(v, gp)
		next.Add(next, new(big.Float).SetPrec(prec).Mul(bm1, g))
		g = next.Quo(next, bf)
	}
	r, _ := g.Rat(nil)
	return r
}

func refRatio(from, to clv.Period) (int64, int64) {
	a, b := refPerYear[from], refPerYear[to]
	g := new(big.Int).GCD(nil, nil, big.NewInt(a), big.NewInt(b)).Int64()
	return a / g, b / g
}

// refDiscounted returns the discounted periods of a lifespan by their
// definition: a sum over periods for a fixed lifespan, the closed geometric
// form for churn. It reports whether the package documents the figure as
// evaluated to guard digits rather than exactly: after a root, or for a
// fixed lifespan of more than 10,000 periods or whose (1 + d)^n exceeds
// 4,000 digits. (Its own value is exact only where that form is shorter
// still; elsewhere it is correct to 2,000 bits.)
func refDiscounted(life clv.Lifespan, rate decimal.Decimal, per clv.Period) (*big.Rat, bool) {
	if life.ChurnRate.Sign() != 0 {
		c := rat(life.ChurnRate)
		if rate.IsZero() {
			return quo(ratInt(1), c), false
		}
		a, b := refRatio(per, life.Period)
		g := refPow(add(ratInt(1), rat(rate)), a, b)
		return quo(g, add(sub(g, ratInt(1)), c)), b > 1
	}
	length := rat(life.Length)
	if rate.IsZero() {
		return length, false
	}
	a, b := refRatio(per, life.Period)
	g := refPow(add(ratInt(1), rat(rate)), a, b)
	v := quo(ratInt(1), g) // one period's discount
	n := life.Length.Floor()
	part := sub(length, rat(n))
	if n.IsZero() {
		return part, false // paid at once
	}
	// The measure of the exact form's length that the package documents:
	// the digits of (1 + d)^a, as written, times n.
	written := rate
	if written.Exponent() < -30 {
		written = written.Normalize()
	}
	ga, _ := written.Add(decimal.NewFromInt(1)).PowInt32(int32(a))
	documented := b > 1 || n.IntPart() > 10_000 || int64(ga.NumDigits())*n.IntPart() > 4_000
	if b == 1 && int64(g.Num().BitLen())*n.IntPart() <= 66_000 {
		// Exactly, in integers, with g = p/q: the sum times p^n is
		// Σ_{t<n} q^t p^(n−t) + part·q^n, built up as S ← p(S + q^k).
		p, q := g.Num(), g.Denom()
		s, qk := new(big.Int), big.NewInt(1)
		for range n.IntPart() {
			s.Mul(p, s.Add(s, qk))
			qk.Mul(qk, q)
		}
		pn := new(big.Int).Exp(p, big.NewInt(n.IntPart()), nil)
		return add(new(big.Rat).SetFrac(s, pn), mul(part, new(big.Rat).SetFrac(qk, pn))), documented
	}
	// In 2,000-bit floating point: the first, undiscounted period exactly,
	// the later ones period by period while there are few, and by the
	// closed form g(1 − v^n)/(g − 1) + part·v^n beyond, where v^n, by
	// squaring, is dropped below 10^−1000.
	const prec = 2000
	vf := new(big.Float).SetPrec(prec).SetRat(v)
	partf := new(big.Float).SetPrec(prec).SetRat(part)
	later := new(big.Float).SetPrec(prec)
	if n.IntPart() <= 2000 {
		weight := new(big.Float).SetPrec(prec).Set(vf)
		for range n.IntPart() - 1 {
			later.Add(later, weight)
			weight.Mul(weight, vf)
		}
		later.Add(later, weight.Mul(weight, partf))
	} else {
		vn := new(big.Float).SetPrec(prec)
		if gf, _ := g.Float64(); n.InexactFloat64()*math.Log10(gf) < 1000 {
			x := new(big.Float).SetPrec(prec).Set(vf)
			vn.SetInt64(1)
			for e := n.BigInt(); e.Sign() > 0; e.Rsh(e, 1) {
				if e.Bit(0) == 1 {
					vn.Mul(vn, x)
				}
				x.Mul(x, x)
			}
		}
		gfl := new(big.Float).SetPrec(prec).SetRat(g)
		one := new(big.Float).SetPrec(prec).SetInt64(1)
		later.Sub(one, vn)
		later.Mul(later, gfl)
		later.Quo(later, new(big.Float).SetPrec(prec).Sub(gfl, one))
		later.Add(later, new(big.Float).SetPrec(prec).Mul(partf, vn))
		later.Sub(later, one) // the first period, added back exactly
	}
	r, _ := later.Rat(nil)
	return add(ratInt(1), r), documented
}

// refInput is everything a calculation takes, options spelled out.
type refInput struct {
	window          clv.Window
	life            clv.Lifespan
	margin          decimal.Decimal // 1 when unset
	rate            decimal.Decimal
	ratePeriod      clv.Period
	cac             decimal.Decimal
	retention       decimal.Decimal
	retentionPeriod clv.Period
	scale           int32
}

func (in refInput) options() []clv.Option {
	return []clv.Option{
		clv.WithGrossMargin(in.margin),
		clv.WithDiscountRate(in.rate, in.ratePeriod),
		clv.WithAcquisitionCost(in.cac),
		clv.WithRetentionCost(in.retention, in.retentionPeriod),
		clv.WithScale(in.scale),
	}
}

// refExact holds the exact figures of one window, per customer.
type refExact struct {
	customers                                           int64
	lifespan, value, profit, discounted, retention, cac *big.Rat
	revenue                                             *big.Rat
	purchases                                           int64
	contributionPerWindow                               *big.Rat
	approx                                              bool // a discount needed 2,000-bit arithmetic
}

func refFigures(in refInput) refExact {
	w, life := in.window, in.life
	n := ratInt(w.Customers)
	cv := quo(rat(w.Revenue), n)
	toWindows := quo(ratInt(refPerYear[w.Period]), ratInt(refPerYear[life.Period]))
	undiscounted, _ := refDiscounted(life, decimal.Zero, clv.Year)
	disc, approx := refDiscounted(life, in.rate, in.ratePeriod)
	m := rat(in.margin)
	retentionPerPeriod := mul(rat(in.retention), quo(ratInt(refPerYear[in.retentionPeriod]), ratInt(refPerYear[life.Period])))
	retentionPerWindow := mul(rat(in.retention), quo(ratInt(refPerYear[in.retentionPeriod]), ratInt(refPerYear[w.Period])))
	lifespan := mul(undiscounted, toWindows)
	value := mul(cv, lifespan)
	return refExact{
		customers:             w.Customers,
		revenue:               rat(w.Revenue),
		purchases:             w.Purchases,
		lifespan:              lifespan,
		value:                 value,
		profit:                mul(m, value),
		discounted:            mul(mul(m, cv), mul(toWindows, disc)),
		retention:             mul(retentionPerPeriod, disc),
		cac:                   rat(in.cac),
		contributionPerWindow: sub(mul(m, cv), retentionPerWindow),
		approx:                approx,
	}
}

// refDiffers returns "" if got holds the figures of e, each rounded once to
// scale, and otherwise names the first that does not. Where e is a 2,000-bit
// approximation, it also accepts the other rounding of a value within
// 10^−(scale+15) of a halfway point: the package documents the same for
// figures it evaluates to guard digits.
func refDiffers(got clv.Result, e refExact, window clv.Period, scale int32) string {
	if got.Period != window {
		return fmt.Sprintf("period %v, want %v", got.Period, window)
	}
	type figure struct {
		name  string
		got   decimal.Decimal
		exact *big.Rat
	}
	n := ratInt(e.customers)
	figures := []figure{
		{"AveragePurchaseValue", got.AveragePurchaseValue, quo(e.revenue, ratInt(e.purchases))},
		{"PurchaseFrequency", got.PurchaseFrequency, quo(ratInt(e.purchases), n)},
		{"CustomerValue", got.CustomerValue, quo(e.revenue, n)},
		{"Lifespan", got.Lifespan, e.lifespan},
		{"LifetimeValue", got.LifetimeValue, e.value},
		{"ProfitLifetimeValue", got.ProfitLifetimeValue, e.profit},
		{"DiscountedLifetimeValue", got.DiscountedLifetimeValue, e.discounted},
		{"AcquisitionCost", got.AcquisitionCost, e.cac},
		{"RetentionCost", got.RetentionCost, e.retention},
		{"NetLifetimeValue", got.NetLifetimeValue, sub(sub(e.discounted, e.cac), e.retention)},
	}
	wantRatio := e.cac.Sign() > 0
	wantPayback := wantRatio && e.contributionPerWindow.Sign() > 0
	if got.LTVToCAC.Valid != wantRatio || got.PaybackPeriods.Valid != wantPayback {
		return fmt.Sprintf("LTVToCAC set %v, PaybackPeriods set %v; want %v, %v", got.LTVToCAC.Valid, got.PaybackPeriods.Valid, wantRatio, wantPayback)
	}
	if wantRatio {
		figures = append(figures, figure{"LTVToCAC", got.LTVToCAC.Decimal, quo(e.discounted, e.cac)})
	}
	if wantPayback {
		figures = append(figures, figure{"PaybackPeriods", got.PaybackPeriods.Decimal, quo(e.cac, e.contributionPerWindow)})
	}
	for _, f := range figures {
		want := roundRat(f.exact, scale)
		if f.got.Equal(want) {
			continue
		}
		if e.approx && nearHalfway(f.exact, scale) && f.got.Sub(want).Abs().Equal(decimal.New(1, -scale)) {
			continue
		}
		return fmt.Sprintf("%s = %s, want %s", f.name, f.got, want)
	}
	return ""
}

// nearHalfway reports whether x lies within 10^−(scale+15) of a point
// halfway between two numbers of scale places.
func nearHalfway(x *big.Rat, scale int32) bool {
	y := new(big.Rat).Abs(mul(x, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil))))
	whole := new(big.Int).Quo(y.Num(), y.Denom())
	frac := sub(y, new(big.Rat).SetInt(whole))
	gap := new(big.Rat).Abs(sub(frac, big.NewRat(1, 2)))
	return gap.Cmp(new(big.Rat).SetFrac(big.NewInt(1), new(big.Int).Exp(big.NewInt(10), big.NewInt(15), nil))) < 0
}

// refBlend combines per-customer figures weighted by customers, as
// CalculateSegments documents.
func refBlend(parts []refExact) refExact {
	var all refExact
	all.revenue, all.lifespan, all.value, all.profit = new(big.Rat), new(big.Rat), new(big.Rat), new(big.Rat)
	all.discounted, all.retention, all.cac, all.contributionPerWindow = new(big.Rat), new(big.Rat), new(big.Rat), new(big.Rat)
	for _, p := range parts {
		n := ratInt(p.customers)
		all.customers += p.customers
		all.purchases += p.purchases
		all.approx = all.approx || p.approx
		all.revenue.Add(all.revenue, p.revenue)
		for _, f := range []struct{ to, from *big.Rat }{
			{all.lifespan, p.lifespan}, {all.value, p.value}, {all.profit, p.profit},
			{all.discounted, p.discounted}, {all.retention, p.retention}, {all.cac, p.cac},
			{all.contributionPerWindow, p.contributionPerWindow},
		} {
			f.to.Add(f.to, mul(f.from, n))
		}
	}
	n := ratInt(all.customers)
	for _, f := range []*big.Rat{all.lifespan, all.value, all.profit, all.discounted, all.retention, all.cac, all.contributionPerWindow} {
		f.Quo(f, n)
	}
	return all
}
