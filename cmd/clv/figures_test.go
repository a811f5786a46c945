package main

import (
	"math"
	"testing"

	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// figuresResult is six customers of known histories and values, ranked.
func figuresResult() *customerResult {
	type c struct {
		id            string
		x             int64
		tx, t         float64
		alive, bought float64
		value         string
	}
	cs := []c{
		{"a", 0, 0, 10, 1, 0.5, "10"},
		{"b", 1, 5, 10, 0.8, 1, "50"},
		{"c", 6, 9, 10, 0.9, 3, "90"},
		{"d", 12, 2, 40, 0.1, 0.2, "100"},
		{"e", 6, 8, 10, 0.7, 2, "20"},
		{"f", 2, 1, 30, 0.3, 0.1, "5"},
	}
	r := &customerResult{}
	for _, c := range cs {
		r.base.Customers = append(r.base.Customers, btyd.Customer{ID: c.id, X: c.x, Tx: c.tx, T: c.t})
		r.valuation.Customers = append(r.valuation.Customers, btyd.CustomerValue{ID: c.id, ProbAlive: c.alive, Purchases: c.bought, Value: decimal.RequireFromString(c.value)})
	}
	r.rank()
	return r
}

func TestGrid(t *testing.T) {
	g := figuresResult().grid()
	var labels []string
	for _, b := range g.Frequency {
		labels = append(labels, b.Label)
	}
	// The bins stop at the one that holds the highest x, 12.
	assert.Equal(t, []string{"0", "1", "2", "3", "4", "5–6", "7–9", "10–12"}, labels)
	assert.Equal(t, 12.0, g.Frequency[7].High)
	// The longest recency, 38, in 8 bins of 5.
	require.Len(t, g.Recency, 8)
	assert.Equal(t, gridBin{Low: 35, High: 40, Label: "35–40"}, g.Recency[7])
	want := map[[2]int]gridCell{
		{0, 2}: {1, 1, 0.5},   // a: recency 10
		{1, 1}: {1, 0.8, 1},   // b: recency 5
		{5, 0}: {2, 0.8, 2.5}, // c and e: recencies 1 and 2
		{7, 7}: {1, 0.1, 0.2}, // d: recency 38
		{2, 5}: {1, 0.3, 0.1}, // f: recency 29
	}
	for i, row := range g.Cells {
		require.Len(t, row, 8)
		for j, cell := range row {
			w := want[[2]int{i, j}]
			assert.Equal(t, w.Customers, cell.Customers, "cell %d, %d", i, j)
			assert.InDelta(t, w.ProbAlive, cell.ProbAlive, 1e-15, "cell %d, %d", i, j)
			assert.InDelta(t, w.Purchases, cell.Purchases, 1e-15, "cell %d, %d", i, j)
		}
	}
}

func TestRecencyRanges(t *testing.T) {
	labels := func(bins []gridBin) (out []string) {
		for _, b := range bins {
			out = append(out, b.Label)
		}
		return out
	}
	// Whole opportunities: one a bin while they fit, up to the longest.
	assert.Equal(t, []string{"0", "1", "2", "3", "4", "5"}, labels(recencyRanges(5, true)))
	assert.Equal(t, []string{"0–2", "3–5", "6–8", "9–11", "12–14", "15–17", "18–20"}, labels(recencyRanges(20, true)))
	// Times: eight bins of a whole number of units, at least one.
	assert.Equal(t, []string{"0–1", "1–2", "2–3", "3–4", "4–5", "5–6", "6–7", "7–8"}, labels(recencyRanges(0, false)))
	assert.Equal(t, "70–80", labels(recencyRanges(78.3, false))[7])
}

func TestAliveBins(t *testing.T) {
	var counts []int64
	for _, b := range figuresResult().aliveBins() {
		counts = append(counts, b.Customers)
	}
	// 0.1, 0.3, 0.7, 0.8, 0.9 and 1: the last bin holds 1.
	assert.Equal(t, []int64{0, 1, 0, 1, 0, 0, 0, 1, 1, 2}, counts)
}

func TestAtRisk(t *testing.T) {
	r := figuresResult()
	ids := func(idx []int) (out []string) {
		for _, i := range idx {
			out = append(out, r.valuation.Customers[i].ID)
		}
		return out
	}
	// Below a P(alive) of 0.5, by value: d, 100, then f, 5.
	assert.Equal(t, []string{"d", "f"}, ids(r.atRisk(10)))
	assert.Equal(t, []string{"d"}, ids(r.atRisk(1)))
	assert.Empty(t, r.atRisk(0))
}

func TestReportFormats(t *testing.T) {
	for in, want := range map[string]string{"0": "0", "999": "999", "1000": "1,000", "-1234567.891": "-1,234,567.891", "25030.73": "25,030.73"} {
		assert.Equal(t, want, groupDigits(in), in)
	}
	assert.Equal(t, "1,234.6", num(1234.56, 1))
	assert.Equal(t, "–", num(math.Inf(1), 2))
	assert.Equal(t, "top.3.value", key("top", 3, "value"))
	assert.Equal(t, "background:#ffffff;color:#111", string(heat(0, 1)))
	assert.Equal(t, "background:#1f4e79;color:#fff", string(heat(2, 1)))
}
