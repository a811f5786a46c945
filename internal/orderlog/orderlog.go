// Package orderlog writes synthetic purchase logs as CSV, deterministically
// from a seed: the sample logs in testdata and the large logs the
// benchmarks read. A shop's customers ([Write]) differ as real ones do:
// some buy often and some rarely, some stay for the whole log and some
// leave early, and each buys in one to three segments, first in the one
// that won them, whose [Habit] may set them apart. A charity's donors
// ([WriteDonations]) give only at its yearly appeals, the discrete
// opportunities of the BG/BB model.
package orderlog

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"time"
)

// maxRounds bounds the rounds of simulation that look for a rate giving
// the rows asked for.
const maxRounds = 20

// A Config describes a log.
type Config struct {
	Rows      int       // lines after the header; at least Customers
	Customers int       // each buys at least once
	Segments  []string  // each customer buys in one to three of them
	Start     time.Time // the first day
	Days      int       // the days the log spans
	Seed      uint64
	// Habits, if not nil, holds one Habit for each of Segments: a
	// customer's first purchase is in the segment that won them, and half
	// their repeat purchases, whose rate, drop-out and spend follow that
	// segment's Habit. Nil: every segment alike, each row's segment drawn
	// from the customer's one to three.
	Habits []Habit
}

// A Habit sets apart the customers a segment won, as multipliers of what
// customers draw: Rate of their purchase rate, Drop of their chance of
// leaving after each purchase (at most 1), Spend of their typical amount.
// The rates are then scaled together to give the log its rows, so a Rate
// says how a segment buys against the others, not in absolute terms.
type Habit struct{ Rate, Drop, Spend float64 }

// Write writes the log of c to w: a header customer_id,date,amount,segment
// and Rows lines in order of date. Amounts have two decimal places; about
// one line in 50 is a refund. It returns an error if Habits is given but
// not one for each segment.
func Write(w io.Writer, c Config) error {
	if c.Habits != nil && len(c.Habits) != len(c.Segments) {
		return fmt.Errorf("orderlog: %d habits for %d segments", len(c.Habits), len(c.Segments))
	}
	rng := rand.New(rand.NewPCG(c.Seed, 0x6f72646572))
	type customer struct {
		first      int32
		rate, drop float64 // purchases a day while alive, and the chance of leaving after each
		spend      float64 // the log of their typical amount in cents
		segments   [3]uint8
		n          uint8
	}
	customers := make([]customer, c.Customers)
	for i := range customers {
		cu := &customers[i]
		cu.first = int32(rng.IntN(c.Days))
		cu.n = uint8(1 + rng.IntN(min(3, len(c.Segments))))
		for k := range cu.n {
			cu.segments[k] = uint8(rng.IntN(len(c.Segments)))
		}
		// The BG/NBD story of Fader, Hardie and Lee (2005): rates gamma
		// with shape 1, many light buyers and a few heavy; the chance of
		// leaving beta(1, 3), a quarter on average, near zero for some.
		cu.rate = rng.ExpFloat64()
		cu.drop = 1 - math.Pow(rng.Float64(), 1.0/3)
		cu.spend = math.Log(4000) + 0.5*rng.NormFloat64()
		if c.Habits != nil {
			h := c.Habits[cu.segments[0]]
			cu.rate *= h.Rate
			cu.drop = min(1, cu.drop*h.Drop)
			cu.spend += math.Log(h.Spend)
		}
	}

	// The repeat purchases: each customer's Poisson process, at their rate
	// times a scale, until they leave or the log ends. The scale starts
	// high and grows until there are rows enough; a random choice of them
	// is kept.
	day := make([]int32, 0, c.Rows)
	who := make([]int32, 0, c.Rows)
	for i, cu := range customers[:min(c.Rows, c.Customers)] {
		day, who = append(day, cu.first), append(who, int32(i))
	}
	want := c.Rows - len(day)
	scale := 3 * float64(want) / (float64(c.Customers) * float64(c.Days) / 2)
	var repeatDay, repeatWho []int32
	for round := 0; want > 0; round++ {
		if round == maxRounds {
			// Customers so few, or so quick to leave, that no rate gives
			// rows enough: the rest fall on days after a customer's first.
			for len(repeatDay) < want {
				i := rng.IntN(c.Customers)
				first := customers[i].first
				repeatDay = append(repeatDay, first+int32(rng.IntN(c.Days-int(first))))
				repeatWho = append(repeatWho, int32(i))
			}
			break
		}
		repeatDay, repeatWho = repeatDay[:0], repeatWho[:0]
		sim := rand.New(rand.NewPCG(c.Seed, 0x726570656174))
		for i, cu := range customers {
			t := float64(cu.first)
			for n := 0; n < want; n++ { // more than want of one customer are never needed
				t += sim.ExpFloat64() / (cu.rate * scale)
				if t >= float64(c.Days) {
					break
				}
				repeatDay, repeatWho = append(repeatDay, int32(t)), append(repeatWho, int32(i))
				if sim.Float64() < cu.drop {
					break
				}
			}
		}
		if len(repeatDay) >= want {
			break
		}
		scale *= 1.5 * float64(want) / float64(max(1, len(repeatDay)))
	}
	for k := range want { // the first want of a random permutation
		j := k + rng.IntN(len(repeatDay)-k)
		repeatDay[k], repeatDay[j] = repeatDay[j], repeatDay[k]
		repeatWho[k], repeatWho[j] = repeatWho[j], repeatWho[k]
	}
	day, who = append(day, repeatDay[:want]...), append(who, repeatWho[:want]...)

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
		// Log-normal amounts around each customer's own, and those
		// around 40.00, from 1.00 to 999.99.
		cents := int64(math.Exp(cu.spend + 0.6*rng.NormFloat64()))
		cents = min(max(cents, 100), 99999)
		if r >= int32(c.Customers) && rng.IntN(50) == 0 {
			line = append(line, '-')
		}
		line = strconv.AppendInt(line, cents/100, 10)
		line = append(line, '.', byte('0'+cents/10%10), byte('0'+cents%10), ',')
		segment := cu.segments[rng.IntN(int(cu.n))]
		if c.Habits != nil && (r < int32(c.Customers) || rng.IntN(2) == 0) {
			segment = cu.segments[0] // the segment that won them
		}
		line = append(line, c.Segments[segment]...)
		line = append(line, '\n')
		if _, err := bw.Write(line); err != nil {
			return err
		}
	}
	return bw.Flush()
}
