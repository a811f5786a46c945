package btyd_test

import (
	"bufio"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"
)

// This file tells the stories that the conformance suite
// (conformance_test.go) simulates customer bases from: each purchase
// model's own (BG/NBD, MBG/NBD, Pareto/NBD, BG/BB), customers who never
// leave (NBD), two segments of customers with different rates, and the
// Pareto/NBD-like log of a million customers from the issue "Fits that
// find the maximum on any log". Every story writes a purchase log of
// dated rows, with amounts, which goes through a Summarizer as a real log
// would, so that dates become (x, t_x, T) by the package's own code. Each
// is deterministic, a function of its parameters, the number of customers
// and a seed.
//
// The calendar is the issue's: the log runs from 2020-01-01 to 2021-12-30;
// the calibration ends on 2021-06-30 and the holdout on 2021-12-30. Time
// is in weeks, the Summarizer's default.

var (
	storyStart   = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	storyCalEnd  = storyStart.AddDate(0, 0, storyCalDay)
	storyHoldEnd = storyStart.AddDate(0, 0, storyLastDay)
)

const (
	// storyCalDay and storyLastDay are the calibration end, 2021-06-30,
	// and the last day of the log, 2021-12-30, in days from storyStart.
	storyCalDay  = 546
	storyLastDay = 729
	// storyMaxCents caps an amount at $1,000,000.
	storyMaxCents = 100_000_000
)

// A storyRow is one purchase of a story's log: the customer, counted from
// 0, the day, counted from storyStart, and the amount in cents.
type storyRow struct {
	customer, day, cents int32
}

// A storyLog is the purchase log of a story's customers.
type storyLog struct {
	customers int
	rows      []storyRow
}

// spender draws the amounts of one customer's purchases, in cents, from
// the gamma–gamma model of spend g: each purchase Gamma(p, ν) dollars with
// ν ~ Gamma(q, γ) for the customer (simGammaGamma), rounded to a cent, at
// least one.
func spender(rng *rand.Rand, g btyd.GammaGamma) func() int32 {
	d := simGammaGamma(rng, g.P, g.Q, g.Gamma)
	return func() int32 {
		c := math.Round(d.Rand() * 100)
		if !(c >= 1) {
			return 1
		}
		return int32(min(c, storyMaxCents))
	}
}

// continuousLog is the log of n customers of a continuous-time story
// whose first purchases fall at instants drawn uniformly from the first
// year of the log, 2020: repeats(rng, T) gives the times, in weeks after
// the first purchase, of a customer's repeat purchases up to T, the end
// of the calibration. A purchase is dated on the day its instant falls
// in; amounts come from the spend model g.
func continuousLog(n int, seed uint64, g btyd.GammaGamma, repeats func(rng *rand.Rand, T float64) []float64) *storyLog {
	rng := rand.New(rand.NewPCG(seed, uint64(n)))
	l := &storyLog{customers: n, rows: make([]storyRow, 0, 4*n)}
	for i := range n {
		first := rng.Float64() * 366
		T := (storyCalDay + 1 - first) / 7
		cents := spender(rng, g)
		add := func(at float64) {
			day := min(int32(math.Floor(at)), storyCalDay)
			l.rows = append(l.rows, storyRow{customer: int32(i), day: day, cents: cents()})
		}
		add(first)
		for _, t := range repeats(rng, T) {
			add(first + 7*t)
		}
	}
	return l
}

// bgnbdRepeats, mbgnbdRepeats and pnbdRepeats are the models' own
// stories, by the simulators of their tests.
func bgnbdRepeats(m btyd.BGNBD) func(*rand.Rand, float64) []float64 {
	return func(rng *rand.Rand, T float64) []float64 { return simBGNBD(rng, m.R, m.Alpha, m.A, m.B, T) }
}

func mbgnbdRepeats(m btyd.MBGNBD) func(*rand.Rand, float64) []float64 {
	return func(rng *rand.Rand, T float64) []float64 { return simMBGNBD(rng, m, T) }
}

func pnbdRepeats(m btyd.ParetoNBD) func(*rand.Rand, float64) []float64 {
	return func(rng *rand.Rand, T float64) []float64 { return simParetoNBD(rng, m, T) }
}

// nbdRepeats is the story of customers who never leave: each buys at a
// rate λ ~ Gamma(r, α) for ever, a Poisson process.
func nbdRepeats(r, alpha float64) func(*rand.Rand, float64) []float64 {
	return func(rng *rand.Rand, T float64) []float64 {
		lambda := distuv.Gamma{Alpha: r, Beta: alpha, Src: rand.NewPCG(rng.Uint64(), rng.Uint64())}.Rand()
		var times []float64
		for t := rng.ExpFloat64() / lambda; t <= T; t += rng.ExpFloat64() / lambda {
			times = append(times, t)
		}
		return times
	}
}

// A segment is a share of the customers who all buy at one rate, Lambda
// a week, until they leave at an exponential time of rate Mu a week (never
// if Mu is 0).
type segment struct {
	Share, Lambda, Mu float64
}

// segmentRepeats is the story of a base of customer segments, each
// homogeneous, which no gamma mixture describes.
func segmentRepeats(segs ...segment) func(*rand.Rand, float64) []float64 {
	return func(rng *rand.Rand, T float64) []float64 {
		u := rng.Float64()
		s := segs[len(segs)-1]
		for _, c := range segs {
			if u < c.Share {
				s = c
				break
			}
			u -= c.Share
		}
		end := T
		if s.Mu > 0 {
			end = min(T, rng.ExpFloat64()/s.Mu)
		}
		var times []float64
		for t := rng.ExpFloat64() / s.Lambda; t <= end; t += rng.ExpFloat64() / s.Lambda {
			times = append(times, t)
		}
		return times
	}
}

// storyOpportunity is the length of a BG/BB story's opportunity, a month
// of 30.4375 days, as [btyd.Summarizer.Opportunities] counts them back
// from the calibration end.
const storyOpportunity = 365.25 / 12

// bgbbLog is the log of n customers of the BG/BB story of m at monthly
// opportunities, counted back from the calibration end as
// Summarizer.Opportunities counts them: each customer's trial falls in one
// of the opportunities 5 to 16 before the last of the calibration, and
// simBGBB says at which of the later ones, up to the calibration's last,
// they buy, on a day drawn from the opportunity.
func bgbbLog(n int, seed uint64, m btyd.BGBB, g btyd.GammaGamma) *storyLog {
	rng := rand.New(rand.NewPCG(seed, uint64(n)))
	l := &storyLog{customers: n, rows: make([]storyRow, 0, 4*n)}
	// Opportunity k holds the days d with (k − 1)L < d − c ≤ kL.
	dayIn := func(k int) int32 {
		lo := int(math.Floor(float64(k-1)*storyOpportunity)) + 1
		hi := int(math.Floor(float64(k) * storyOpportunity))
		return int32(storyCalDay + lo + rng.IntN(hi-lo+1))
	}
	for i := range n {
		f := -5 - rng.IntN(12)
		cents := spender(rng, g)
		l.rows = append(l.rows, storyRow{customer: int32(i), day: dayIn(f), cents: cents()})
		buys, _ := simBGBB(rng, m, -f)
		for _, k := range buys {
			l.rows = append(l.rows, storyRow{customer: int32(i), day: dayIn(f + k), cents: cents()})
		}
	}
	return l
}

// A pnbdLogStory is the Pareto/NBD-like story of the issue: customers
// whose first purchases fall on days drawn uniformly from the two years
// of the log, who stay alive for an exponential time whose rate is
// gamma-distributed across customers (DropoutShape, mean DropoutMean a
// year), cut at the end of the log, and who buy while alive at rates
// proportional to a gamma propensity (PropensityShape, mean 1). The
// repeat purchases, Repeats a customer on average, are shared out in
// proportion to propensity × time alive, each customer's count a Poisson
// draw with that mean, each purchase on a day drawn uniformly from the
// customer's time alive. Amounts follow the gamma–gamma model Spend.
//
// With the issue's figures (0.7, one a year; 0.5; 9) a million customers
// make some 10 million purchases, about 749,000 customers first buy by the
// calibration end, and the BG/NBD's maximum is interior, near r = 0.38,
// α = 1.5 weeks, a = 0.36, b = 6.
type pnbdLogStory struct {
	DropoutShape, DropoutMean, PropensityShape, Repeats float64
	Spend                                               btyd.GammaGamma
}

// issueStory is the issue's log.
var issueStory = pnbdLogStory{DropoutShape: 0.7, DropoutMean: 1, PropensityShape: 0.5, Repeats: 9, Spend: btyd.GammaGamma{P: 6, Q: 4, Gamma: 15}}

// log returns the story's log of n customers, the whole two years of it,
// holdout included. It takes some seconds for a million customers.
func (s pnbdLogStory) log(n int, seed uint64) *storyLog {
	// First, each customer's first day, time alive and weight; then the
	// repeat purchases, shared out in proportion to the weights.
	rng := rand.New(rand.NewPCG(seed, uint64(n)))
	src := rand.NewPCG(seed+1, uint64(n))
	dropout := distuv.Gamma{Alpha: s.DropoutShape, Beta: s.DropoutShape / s.DropoutMean, Src: src}
	propensity := distuv.Gamma{Alpha: s.PropensityShape, Beta: s.PropensityShape, Src: src}
	const days = storyLastDay + 1
	first := make([]int32, n)
	span := make([]float64, n) // days alive, from the first day's start
	weight := make([]float64, n)
	var total float64
	for i := range n {
		first[i] = int32(rng.IntN(days))
		life := rng.ExpFloat64() / dropout.Rand() * 365.25
		span[i] = min(life, float64(days-first[i]))
		weight[i] = propensity.Rand() * span[i]
		total += weight[i]
	}
	scale := s.Repeats * float64(n) / total
	l := &storyLog{customers: n, rows: make([]storyRow, 0, int(float64(n)*(s.Repeats+1.1)))}
	for i := range n {
		cents := spender(rng, s.Spend)
		l.rows = append(l.rows, storyRow{customer: int32(i), day: first[i], cents: cents()})
		mean := scale * weight[i]
		if !(mean > 0) {
			continue
		}
		k := int(distuv.Poisson{Lambda: mean, Src: src}.Rand())
		for range k {
			day := first[i] + int32(rng.Float64()*span[i])
			l.rows = append(l.rows, storyRow{customer: int32(i), day: min(day, storyLastDay), cents: cents()})
		}
	}
	return l
}

// summarize passes the log through a Summarizer, in weeks, calibrated to
// 2021-06-30 with a holdout to 2021-12-30, as rows of customer ids
// "C0000000" on, dated at noon.
func (l *storyLog) summarize(t testing.TB) *btyd.Summarizer {
	t.Helper()
	s, err := btyd.NewSummarizer(storyCalEnd, btyd.WithHoldout(storyHoldEnd))
	require.NoError(t, err)
	ids := storyIDs(l.customers)
	times := map[int32]time.Time{}
	const chunk = 4096
	rows := make([]clv.Row, 0, chunk)
	flush := func() {
		_, err := s.AddRows(rows)
		require.NoError(t, err)
		rows = rows[:0]
	}
	for _, r := range l.rows {
		at, ok := times[r.day]
		if !ok {
			at = storyStart.AddDate(0, 0, int(r.day)).Add(12 * time.Hour)
			times[r.day] = at
		}
		rows = append(rows, clv.Row{Customer: ids[8*r.customer : 8*r.customer+8], Time: at, Units: int64(r.cents), Places: 2})
		if len(rows) == chunk {
			flush()
		}
	}
	flush()
	return s
}

// storyIDs returns the ids of n customers, "C0000000" on, 8 bytes each.
func storyIDs(n int) []byte {
	ids := make([]byte, 0, 8*n)
	for i := range n {
		ids = fmt.Appendf(ids, "C%07d", i)
	}
	return ids
}

// storyLogPath is where TestWriteStoryLog writes the issue's log.
var storyLogPath = flag.String("btyd.storylog", "", "write the issue's Pareto/NBD-like log of 1,000,000 customers to this CSV file (TestWriteStoryLog)")

// TestWriteStoryLog writes the issue's Pareto/NBD-like log of a million
// customers, some 10 million purchases from 2020-01-01 to 2021-12-30, as
// CSV with the header customer_id,date,amount, in date order, for
// measuring `clv customers` end to end:
//
//	go test ./btyd -run TestWriteStoryLog -btyd.storylog=/tmp/story.csv
//	clv customers -calibration-end 2021-06-30 -holdout-end 2021-12-30 /tmp/story.csv
func TestWriteStoryLog(t *testing.T) {
	if *storyLogPath == "" {
		t.Skip("set -btyd.storylog=PATH to write the log")
	}
	start := time.Now()
	l := issueStory.log(1_000_000, storySeed)
	generated := time.Since(start)
	// In date order: a counting sort on the day, customers in order
	// within a day.
	var count [storyLastDay + 2]int
	for _, r := range l.rows {
		count[r.day+1]++
	}
	for d := 1; d < len(count); d++ {
		count[d] += count[d-1]
	}
	sorted := make([]storyRow, len(l.rows))
	for _, r := range l.rows {
		sorted[count[r.day]] = r
		count[r.day]++
	}
	f, err := os.Create(*storyLogPath)
	require.NoError(t, err)
	w := bufio.NewWriterSize(f, 1<<20)
	ids := storyIDs(l.customers)
	var dates [storyLastDay + 1]string
	for d := range dates {
		dates[d] = storyStart.AddDate(0, 0, d).Format(time.DateOnly)
	}
	_, err = w.WriteString("customer_id,date,amount\n")
	require.NoError(t, err)
	line := make([]byte, 0, 64)
	for _, r := range sorted {
		line = append(line[:0], ids[8*r.customer:8*r.customer+8]...)
		line = append(line, ',')
		line = append(line, dates[r.day]...)
		line = fmt.Appendf(line, ",%d.%02d\n", r.cents/100, r.cents%100)
		if _, err := w.Write(line); err != nil {
			require.NoError(t, err)
		}
	}
	require.NoError(t, w.Flush())
	require.NoError(t, f.Close())
	t.Logf("%d customers, %d purchases, generated in %v, written to %s in %v", l.customers, len(l.rows), generated.Round(time.Millisecond), *storyLogPath, time.Since(start).Round(time.Millisecond))
}

// storySeed seeds the issue's log that TestWriteStoryLog writes.
const storySeed = 2005
