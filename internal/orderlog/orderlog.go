// Package orderlog writes synthetic purchase logs as CSV, deterministically
// from a seed: the sample log in testdata and the large logs the
// benchmarks read. Its customers differ as real ones do: some buy often
// and some rarely, some stay for the whole log and some leave early, and
// each buys in one to three segments.
package orderlog

import (
	"bufio"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"time"
)

// A Config describes a log.
type Config struct {
	Rows      int       // lines after the header; at least Customers
	Customers int       // each buys at least once
	Segments  []string  // each customer buys in one to three of them
	Start     time.Time // the first day
	Days      int       // the days the log spans
	Seed      uint64
}

// Write writes the log of c to w: a header customer_id,date,amount,segment
// and Rows lines in order of date. Amounts have two decimal places; about
// one line in 50 is a refund.
func Write(w io.Writer, c Config) error {
	rng := rand.New(rand.NewPCG(c.Seed, 0x6f72646572))
	type customer struct {
		first, life int32
		segments    [3]uint8
		n           uint8
	}
	customers := make([]customer, c.Customers)
	weights := make([]float64, c.Customers) // purchase rates, cumulated
	total := 0.0
	for i := range customers {
		cu := &customers[i]
		cu.first = int32(rng.IntN(c.Days))
		// Lifetimes are exponential, with a mean of half the log.
		cu.life = int32(min(float64(c.Days), 1+rng.ExpFloat64()*float64(c.Days)/2))
		cu.n = uint8(1 + rng.IntN(min(3, len(c.Segments))))
		for k := range cu.n {
			cu.segments[k] = uint8(rng.IntN(len(c.Segments)))
		}
		// Rates are gamma-like with shape 1: many light buyers, a few heavy.
		total += rng.ExpFloat64()
		weights[i] = total
	}

	// Each customer's first purchase, then the other rows by rate.
	day := make([]int32, c.Rows)
	who := make([]int32, c.Rows)
	for r := range c.Rows {
		i := r
		if r >= c.Customers {
			x := rng.Float64() * total
			lo, hi := 0, c.Customers-1
			for lo < hi {
				mid := (lo + hi) / 2
				if weights[mid] < x {
					lo = mid + 1
				} else {
					hi = mid
				}
			}
			i = lo
		}
		cu := customers[i]
		d := cu.first
		if r >= c.Customers {
			d += int32(rng.IntN(int(max(1, min(cu.life, int32(c.Days)-cu.first)))))
		}
		day[r], who[r] = d, int32(i)
	}

	// In order of date: a counting sort by day.
	count := make([]int, c.Days+1)
	for _, d := range day {
		count[d+1]++
	}
	for d := 1; d <= c.Days; d++ {
		count[d] += count[d-1]
	}
	order := make([]int32, c.Rows)
	for r, d := range day {
		order[count[d]] = int32(r)
		count[d]++
	}

	bw := bufio.NewWriterSize(w, 1<<16)
	bw.WriteString("customer_id,date,amount,segment\n")
	var line []byte
	dates := make([][]byte, c.Days)
	for d := range dates {
		dates[d] = []byte(c.Start.AddDate(0, 0, d).Format(time.DateOnly))
	}
	for _, r := range order {
		cu := customers[who[r]]
		line = append(line[:0], "cus_"...)
		line = strconv.AppendInt(line, int64(who[r]), 10)
		line = append(line, ',')
		line = append(line, dates[day[r]]...)
		line = append(line, ',')
		// Log-normal amounts around 40.00, from 1.00 to 999.99.
		cents := int64(math.Exp(math.Log(4000) + 0.8*rng.NormFloat64()))
		cents = min(max(cents, 100), 99999)
		if r >= int32(c.Customers) && rng.IntN(50) == 0 {
			line = append(line, '-')
		}
		line = strconv.AppendInt(line, cents/100, 10)
		line = append(line, '.', byte('0'+cents/10%10), byte('0'+cents%10), ',')
		line = append(line, c.Segments[cu.segments[rng.IntN(int(cu.n))]]...)
		line = append(line, '\n')
		if _, err := bw.Write(line); err != nil {
			return err
		}
	}
	return bw.Flush()
}
