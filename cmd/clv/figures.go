package main

// This file implements the figures of clv customers that describe the
// whole base rather than one customer — customers binned by frequency
// and recency, P(alive) in bins, the customers most at risk — which
// -json prints and -report draws, so that both show the same figures.

import (
	"math"
	"strconv"
)

// atRiskAlive is the P(alive) below which a customer counts as at risk:
// more likely gone than not.
const atRiskAlive = 0.5

// A gridBin is a range of a history's figure: Low to High, both
// included for counts, High excluded for times but in the last bin;
// Label prints it.
type gridBin struct {
	Low   float64 `json:"low"`
	High  float64 `json:"high"`
	Label string  `json:"label"`
}

// A gridCell holds the customers of one frequency bin and one recency
// bin: how many, and their mean P(alive) and mean expected purchases
// over the horizon; both means are 0 without customers.
type gridCell struct {
	Customers int64   `json:"customers"`
	ProbAlive float64 `json:"prob_alive"`
	Purchases float64 `json:"purchases"`
}

// A historyGrid bins the customers by frequency, their repeat purchases
// x, and by recency, the time since their last purchase (T − t_x, in
// the model's unit, or opportunities for BG/BB): Cells[i][j] holds those
// of frequency bin i and recency bin j. However many the customers, the
// grid has at most 13 rows and recencyBins columns.
type historyGrid struct {
	Frequency []gridBin    `json:"frequency"`
	Recency   []gridBin    `json:"recency"`
	Cells     [][]gridCell `json:"cells"`
}

// recencyBins is the number of columns of a historyGrid.
const recencyBins = 8

// frequencyEdges are the lowest x of each frequency bin: single counts
// to 4, then ranges that widen as the customers thin out.
var frequencyEdges = []int64{0, 1, 2, 3, 4, 5, 7, 10, 15, 20, 30, 50, 100}

// historyOf returns customer i's repeat purchases and time since the
// last purchase, in opportunities for BG/BB.
func (r *customerResult) historyOf(i int) (x int64, recency float64) {
	if r.discrete != nil {
		c := &r.discrete.Customers[i]
		return c.X, float64(c.N - c.Tx)
	}
	c := &r.base.Customers[i]
	return c.X, c.T - c.Tx
}

// grid bins r's customers by frequency and recency. The frequency bins
// run to the one holding the highest x, and the last ends there; the
// recency bins split 0 to the longest recency, rounded up to a whole
// unit, into recencyBins equal parts.
func (r *customerResult) grid() historyGrid {
	n := len(r.valuation.Customers)
	var maxX int64
	longest := 0.0
	for i := range n {
		x, rec := r.historyOf(i)
		maxX, longest = max(maxX, x), max(longest, rec)
	}
	var g historyGrid
	var edges []int64
	for _, lo := range frequencyEdges {
		if lo <= maxX {
			edges = append(edges, lo)
		}
	}
	for k, lo := range edges {
		hi := maxX // the last bin runs to the highest x
		if k+1 < len(edges) {
			hi = edges[k+1] - 1
		}
		b := gridBin{Low: float64(lo), High: float64(hi), Label: strconv.FormatInt(lo, 10)}
		if hi > lo {
			b.Label += "–" + strconv.FormatInt(hi, 10)
		}
		g.Frequency = append(g.Frequency, b)
	}
	g.Recency = recencyRanges(longest, r.discrete != nil)
	g.Cells = make([][]gridCell, len(g.Frequency))
	for i := range g.Cells {
		g.Cells[i] = make([]gridCell, len(g.Recency))
	}
	width := g.Recency[0].High - g.Recency[0].Low
	for i := range n {
		x, rec := r.historyOf(i)
		row := len(g.Frequency) - 1
		for row > 0 && float64(x) < g.Frequency[row].Low {
			row--
		}
		col := min(int(rec/width), len(g.Recency)-1)
		c := &g.Cells[row][col]
		cv := &r.valuation.Customers[i]
		c.Customers++
		c.ProbAlive += cv.ProbAlive
		c.Purchases += cv.Purchases
	}
	for i := range g.Cells {
		for j := range g.Cells[i] {
			if c := &g.Cells[i][j]; c.Customers > 0 {
				c.ProbAlive /= float64(c.Customers)
				c.Purchases /= float64(c.Customers)
			}
		}
	}
	return g
}

// recencyRanges returns the recency bins of a grid whose longest
// recency is longest: recencyBins of equal width from 0, the width a
// whole number of units. Counted in whole opportunities, discrete,
// recencies are whole numbers: a bin of width 1 holds one, and the bins
// stop at the one that holds the longest.
func recencyRanges(longest float64, discrete bool) []gridBin {
	var bins []gridBin
	if discrete {
		width := math.Max(1, math.Ceil((longest+1)/recencyBins))
		for lo := 0.0; lo <= longest; lo += width {
			b := gridBin{Low: lo, High: lo + width, Label: tickLabel(lo, 0)}
			if width > 1 {
				b.Label += "–" + tickLabel(lo+width-1, 0)
			}
			bins = append(bins, b)
		}
		return bins
	}
	width := math.Max(1, math.Ceil(longest/recencyBins))
	for j := range recencyBins {
		lo, hi := float64(j)*width, float64(j+1)*width
		bins = append(bins, gridBin{Low: lo, High: hi, Label: tickLabel(lo, 0) + "–" + tickLabel(hi, 0)})
	}
	return bins
}

// An aliveBin counts the customers whose P(alive) lies from Low to
// High, High excluded but for the last bin, which holds 1.
type aliveBin struct {
	Low       float64 `json:"low"`
	High      float64 `json:"high"`
	Customers int64   `json:"customers"`
}

// aliveBins counts r's customers by P(alive), in tenths.
func (r *customerResult) aliveBins() []aliveBin {
	bins := make([]aliveBin, 10)
	for k := range bins {
		bins[k].Low, bins[k].High = float64(k)/10, float64(k+1)/10
	}
	for i := range r.valuation.Customers {
		k := min(int(r.valuation.Customers[i].ProbAlive*10), 9)
		bins[max(k, 0)].Customers++
	}
	return bins
}

// atRisk returns the indexes of the n most valuable customers of r whose
// P(alive) is below atRiskAlive, most valuable first: those whose value
// is most worth a word before they are gone.
func (r *customerResult) atRisk(n int) []int {
	var out []int
	for _, i := range r.order {
		if len(out) == n {
			break
		}
		if r.valuation.Customers[i].ProbAlive < atRiskAlive {
			out = append(out, i)
		}
	}
	return out
}
