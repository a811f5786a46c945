package clv_test

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clv"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCalculateSegments(t *testing.T) {
	// Two channels over a year. Search: 60,000 from 1,000 customers (60
	// each) staying 2 years. Referral: 20,000 from 250 customers (80 each)
	// at 25 % churn a year, 4 years.
	segments := []clv.Segment{
		{Name: "search", Window: clv.Window{Revenue: dec("60000"), Purchases: 2500, Customers: 1000},
			Lifespan: clv.Lifespan{Length: dec("2")}, AcquisitionCost: dec("40")},
		{Name: "referral", Window: clv.Window{Revenue: dec("20000"), Purchases: 500, Customers: 250},
			Lifespan: clv.Lifespan{ChurnRate: dec("0.25")}},
	}
	r, err := clv.CalculateSegments(segments, clv.WithAcquisitionCost(dec("10")))
	require.NoError(t, err)
	require.Len(t, r.Segments, 2)

	search, referral := r.Segments[0], r.Segments[1]
	assert.Equal(t, "search", search.Name)
	assertDecimal(t, "120", search.Result.LifetimeValue)
	assertDecimal(t, "40", search.Result.AcquisitionCost, "the segment's own cost")
	assertDecimal(t, "320", referral.Result.LifetimeValue)
	assertDecimal(t, "10", referral.Result.AcquisitionCost, "the option's cost when the segment has none")
	assertDecimal(t, "0.8", search.CustomerShare)
	assertDecimal(t, "0.2", referral.CustomerShare)
	// 1,000 × 120 = 120,000 and 250 × 320 = 80,000 of 200,000.
	assertDecimal(t, "0.6", search.ValueShare)
	assertDecimal(t, "0.4", referral.ValueShare)
	assert.Equal(t, 2, search.Rank)
	assert.Equal(t, 1, referral.Rank)

	assert.True(t, r.Total.Equal(clv.Window{Revenue: dec("80000"), Purchases: 3000, Customers: 1250}))
	b := r.Blended
	assertDecimal(t, "26.6666666667", b.AveragePurchaseValue, "80,000 / 3,000 purchases")
	assertDecimal(t, "2.4", b.PurchaseFrequency)
	assertDecimal(t, "64", b.CustomerValue)
	assertDecimal(t, "2.4", b.Lifespan, "(1,000 × 2 + 250 × 4) / 1,250")
	assertDecimal(t, "160", b.LifetimeValue, "200,000 / 1,250")
	assertDecimal(t, "34", b.AcquisitionCost, "(1,000 × 40 + 250 × 10) / 1,250")
	assertDecimal(t, "126", b.NetLifetimeValue)
	assertDecimal(t, "4.7058823529", b.LTVToCAC.Decimal, "160 / 34")
	assertDecimal(t, "0.53125", b.PaybackPeriods.Decimal, "34 / 64")
}

// A roll-up of segments that share one lifespan and acquisition cost equals
// the calculation on their summed totals, to the last digit.
func TestRollUpIdentity(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for i := range 300 {
		base := randomInput(rng, i%2 == 0)
		n := 1 + rng.IntN(20)
		segments := make([]clv.Segment, n)
		for j := range segments {
			in := randomInput(rng, false)
			in.window.Period = base.window.Period
			segments[j] = clv.Segment{Name: fmt.Sprint(j), Window: in.window, Lifespan: base.life, AcquisitionCost: base.cac}
		}
		opts := base.options()
		r, err := clv.CalculateSegments(segments, opts...)
		require.NoError(t, err)
		whole, err := clv.Calculate(r.Total, base.life, append(opts, clv.WithAcquisitionCost(base.cac))...)
		require.NoError(t, err)
		require.True(t, r.Blended.Equal(whole), "%d segments %+v\nblended %+v\n  whole %+v", n, base, r.Blended, whole)
	}
}

// Segments with their own lifespans blend to the exact weighted figures,
// rounded once.
func TestBlendMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for i := range 200 {
		base := randomInput(rng, i%2 == 0)
		n := 1 + rng.IntN(30)
		segments := make([]clv.Segment, n)
		parts := make([]refExact, n)
		for j := range segments {
			in := randomInput(rng, false)
			in.window.Period = base.window.Period
			in.margin, in.rate, in.ratePeriod, in.retention, in.retentionPeriod, in.scale =
				base.margin, base.rate, base.ratePeriod, base.retention, base.retentionPeriod, base.scale
			segments[j] = clv.Segment{Name: fmt.Sprint(j), Window: in.window, Lifespan: in.life, AcquisitionCost: in.cac}
			parts[j] = refFigures(in)
		}
		r, err := clv.CalculateSegments(segments, base.options()...)
		require.NoError(t, err)
		diff := refDiffers(r.Blended, refBlend(parts), base.window.Period, base.scale)
		require.Empty(t, diff, "case %d blended", i)

		total := new(decimal.Decimal)
		for j, s := range r.Segments {
			require.Empty(t, refDiffers(s.Result, parts[j], base.window.Period, base.scale), "case %d segment %d", i, j)
			*total = total.Add(s.ValueShare)
		}
		if !r.Blended.DiscountedLifetimeValue.IsZero() && base.scale >= 4 {
			slack := decimal.New(int64(n), -base.scale) // each share rounds by at most half a unit
			assert.True(t, total.Sub(one).Abs().LessThanOrEqual(slack), "shares sum to %s", total)
		}
	}
}

// When the blended value sits exactly on a halfway point, the approximate
// sum cannot decide the rounding and the exact one must.
func TestBlendExactHalfway(t *testing.T) {
	w := clv.Window{Revenue: dec("1"), Purchases: 1, Customers: 1}
	r, err := clv.CalculateSegments([]clv.Segment{
		{Name: "a", Window: w, Lifespan: clv.Lifespan{ChurnRate: dec("0.5")}}, // 2 years
		{Name: "b", Window: w, Lifespan: clv.Lifespan{ChurnRate: dec("1")}},   // 1 year
	}, clv.WithScale(0), clv.WithAcquisitionCost(dec("3.5")))
	require.NoError(t, err)
	assertDecimal(t, "2", r.Blended.Lifespan, "1.5 rounds away from zero")
	assertDecimal(t, "2", r.Blended.LifetimeValue)
	assertDecimal(t, "-2", r.Blended.NetLifetimeValue, "1.5 − 3.5 = −2")

	r, err = clv.CalculateSegments([]clv.Segment{
		{Name: "a", Window: w, Lifespan: clv.Lifespan{ChurnRate: dec("0.5")}},
		{Name: "b", Window: w, Lifespan: clv.Lifespan{ChurnRate: dec("1")}},
	}, clv.WithScale(0), clv.WithAcquisitionCost(dec("4")))
	require.NoError(t, err)
	assertDecimal(t, "-3", r.Blended.NetLifetimeValue, "1.5 − 4 = −2.5 rounds away from zero")
}

func TestSegmentsWithoutValue(t *testing.T) {
	w := clv.Window{Revenue: dec("0"), Purchases: 3, Customers: 2}
	r, err := clv.CalculateSegments([]clv.Segment{
		{Name: "x", Window: w, Lifespan: clv.Lifespan{Length: dec("2")}},
		{Name: "y", Window: w, Lifespan: clv.Lifespan{ChurnRate: dec("0.3")}},
	})
	require.NoError(t, err)
	for _, s := range r.Segments {
		assertDecimal(t, "0", s.ValueShare)
		assertDecimal(t, "0.5", s.CustomerShare)
	}
	assert.Equal(t, 1, r.Segments[0].Rank, "equal values keep input order")
	assert.Equal(t, 2, r.Segments[1].Rank)
}

func TestCalculateSegmentsErrors(t *testing.T) {
	w := clv.Window{Revenue: dec("10"), Purchases: 2, Customers: 1}
	life := clv.Lifespan{Length: dec("2")}
	for _, tc := range []struct {
		name     string
		segments []clv.Segment
		opts     []clv.Option
		err      error
		msg      string
	}{
		{"none", nil, nil, clv.ErrNonPositive, "clv: segments: number of segments = 0: must be positive"},
		{"duplicate names", []clv.Segment{{Name: "a", Window: w, Lifespan: life}, {Name: "a", Window: w, Lifespan: life}},
			nil, clv.ErrInconsistent, `clv: segments: name "a" used twice: inconsistent`},
		{"mixed windows", []clv.Segment{{Name: "a", Window: w, Lifespan: life},
			{Name: "b", Window: clv.Window{Revenue: dec("1"), Purchases: 1, Customers: 1, Period: clv.Month}, Lifespan: life}},
			nil, clv.ErrInconsistent, `clv: segments: segment "b": window period month, not the first segment's year: inconsistent`},
		{"bad window", []clv.Segment{{Name: "a", Window: clv.Window{Revenue: dec("1"), Purchases: 1}, Lifespan: life}},
			nil, clv.ErrNonPositive, `clv: segment "a": window: customers = 0: must be positive`},
		{"bad lifespan", []clv.Segment{{Name: "a", Window: w, Lifespan: clv.Lifespan{ChurnRate: dec("2")}}},
			nil, clv.ErrAboveOne, `clv: segment "a": lifespan: churn rate = 2: must be at most 1`},
		{"negative acquisition cost", []clv.Segment{{Name: "a", Window: w, Lifespan: life, AcquisitionCost: dec("-1")}},
			nil, clv.ErrNegative, `clv: segments: segment "a": acquisition cost = -1: must not be negative`},
		{"bad option", []clv.Segment{{Name: "a", Window: w, Lifespan: life}},
			[]clv.Option{clv.WithScale(99)}, clv.ErrOutOfRange, "clv: WithScale: places = 99: out of range"},
		{"too many purchases", []clv.Segment{
			{Name: "a", Window: clv.Window{Revenue: dec("1"), Purchases: math.MaxInt64, Customers: 1}, Lifespan: life},
			{Name: "b", Window: clv.Window{Revenue: dec("1"), Purchases: 1, Customers: 1}, Lifespan: life}},
			nil, clv.ErrOutOfRange, "clv: segments: total purchases or customers: out of range"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := clv.CalculateSegments(tc.segments, tc.opts...)
			require.ErrorIs(t, err, tc.err)
			assert.Equal(t, tc.msg, err.Error())
			assert.True(t, r.Equal(clv.SegmentReport{}))
		})
	}
}

func TestSegmentJSONAndEqual(t *testing.T) {
	var segments []clv.Segment
	require.NoError(t, json.Unmarshal([]byte(`[
		{"name": "monthly", "window": {"revenue": "1200", "purchases": 120, "customers": 100, "period": "month"},
		 "lifespan": {"churn_rate": "0.04", "period": "month"}, "acquisition_cost": "30"},
		{"name": "annual", "window": {"revenue": "5000", "purchases": 50, "customers": 50, "period": "month"},
		 "lifespan": {"length": "3", "period": "year"}}
	]`), &segments))
	require.Len(t, segments, 2)
	assert.True(t, segments[0].Equal(clv.Segment{Name: "monthly",
		Window:   clv.Window{Revenue: dec("1200"), Purchases: 120, Customers: 100, Period: clv.Month},
		Lifespan: clv.Lifespan{ChurnRate: dec("0.04"), Period: clv.Month}, AcquisitionCost: dec("30")}))
	assert.False(t, segments[0].Equal(segments[1]))

	r, err := clv.CalculateSegments(segments, clv.WithScale(2))
	require.NoError(t, err)
	b, err := json.Marshal(r)
	require.NoError(t, err)
	var back clv.SegmentReport
	require.NoError(t, json.Unmarshal(b, &back))
	assert.True(t, back.Equal(r), "round trip through JSON")
	assert.Contains(t, string(b), `"name":"monthly"`)
	assert.Contains(t, string(b), `"customer_share":"0.67"`)
	assert.Contains(t, string(b), `"total":{"revenue":"6200","purchases":170,"customers":150,"period":"month"}`)

	back.Segments[1].Rank = 9
	assert.False(t, back.Equal(r))
	assert.False(t, back.Segments[1].Equal(r.Segments[1]))
}

// Two segments and shared options: the blend matches the reference, and
// equals the calculation on the totals when the lifespans are the same.
func FuzzCalculateSegments(f *testing.F) {
	f.Add(int64(6000000), int64(2500), int64(1000), int64(2000000), int64(500), int64(250), int8(0),
		int64(2), int32(0), int64(25), int32(-2), int8(0), false, int64(4000), int64(10), int8(0), int64(40), int8(2))
	f.Add(int64(1), int64(1), int64(1), int64(1), int64(1), int64(1), int8(1),
		int64(5), int32(-1), int64(1), int32(0), int8(3), true, int64(10000), int64(3), int8(0), int64(350), int8(0))
	f.Fuzz(func(t *testing.T, r1, p1, c1, r2, p2, c2 int64, window int8,
		length int64, lengthExp int32, churn int64, churnExp int32, life int8, shared bool,
		margin, rate int64, ratePeriod int8, cac int64, scale int8) {
		args := calcArgs{revenue: r1, revenueExp: -2, purchases: p1, customer: c1, window: window,
			length: length, lengthExp: lengthExp, life: life, margin: margin, rate: rate, rateExp: -2,
			ratePeriod: ratePeriod, cac: cac, scale: scale}
		first, ok1 := args.build()
		args.revenue, args.purchases, args.customer = r2, p2, c2
		if !shared {
			args.length, args.lengthExp, args.churn, args.churnExp = 0, 0, churn, churnExp
		}
		second, ok2 := args.build()
		segments := []clv.Segment{
			{Name: "first", Window: first.window, Lifespan: first.life, AcquisitionCost: first.cac},
			{Name: "second", Window: second.window, Lifespan: second.life, AcquisitionCost: second.cac},
		}
		valid := ok1 && ok2 && c1 <= math.MaxInt64-c2 && p1 <= math.MaxInt64-p2
		got, err := clv.CalculateSegments(segments, first.options()...)
		if err != nil {
			checkFailure(t, err, valid, "CalculateSegments")
			return
		}
		if !valid {
			t.Fatalf("CalculateSegments accepted invalid input %+v", segments)
		}
		blend := refBlend([]refExact{refFigures(first), refFigures(second)})
		if diff := refDiffers(got.Blended, blend, first.window.Period, first.scale); diff != "" {
			t.Fatalf("blend of %+v: %s", segments, diff)
		}
		if shared {
			whole, err := clv.Calculate(got.Total, first.life, first.options()...)
			if err == nil && !got.Blended.Equal(whole) {
				t.Fatalf("roll-up of %+v\n got %+v\nwant %+v", segments, got.Blended, whole)
			}
		}
	})
}

// benchSegments returns n segments with their own totals, churn rates and
// acquisition costs, generated deterministically.
func benchSegments(n int, shared bool) []clv.Segment {
	segments := make([]clv.Segment, n)
	for i := range segments {
		customers := int64(100 + i*7%900)
		churn := decimal.New(int64(100+i*37%900), -4) // 1 % to 10 % a month, mostly distinct
		if shared {
			churn = benchChurn.ChurnRate
		}
		segments[i] = clv.Segment{
			Name: fmt.Sprintf("segment-%04d", i),
			Window: clv.Window{
				Revenue:   decimal.New(customers*(5000+int64(i*131%7000)), -2),
				Purchases: customers * int64(1+i%4),
				Customers: customers,
			},
			Lifespan:        clv.Lifespan{ChurnRate: churn, Period: clv.Month},
			AcquisitionCost: decimal.New(int64(2000+i*53%6000), -2),
		}
	}
	return segments
}

func BenchmarkCalculateSegments(b *testing.B) {
	for _, tc := range []struct {
		name   string
		shared bool
		opts   []clv.Option
	}{
		{"1000_own_lifespans", false, []clv.Option{clv.WithGrossMargin(benchMargin), clv.WithRetentionCost(benchRetention, clv.Month)}},
		{"1000_shared_lifespan", true, []clv.Option{clv.WithGrossMargin(benchMargin), clv.WithRetentionCost(benchRetention, clv.Month)}},
		{"1000_own_lifespans_discounted_yearly", false, []clv.Option{clv.WithGrossMargin(benchMargin),
			clv.WithRetentionCost(benchRetention, clv.Month), clv.WithDiscountRate(dec("0.1"), clv.Year)}},
	} {
		segments := benchSegments(1000, tc.shared)
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = clv.CalculateSegments(segments, tc.opts...)
			}
		})
	}
}
