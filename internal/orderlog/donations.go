package orderlog

import (
	"bufio"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"gonum.org/v1/gonum/stat/distuv"
)

// A Donations describes a log of gifts to a charity's yearly appeals, as
// the BG/BB model of Fader, Hardie and Shang (2010) tells them: a cohort
// of first-time donors who each give first in FirstYear, and then, at each
// of the Years appeals that follow, one a year, stay with probability
// 1 − θ and, while they stay, give with probability p. Across donors p is
// beta(1.204, 0.750) and θ beta(0.657, 2.783), the paper's fit to its
// donors of 1995. A gift falls on a day of the appeal, the year-end
// appeal most charities make, from 1 November to 31 December; one in
// twenty is followed by a second gift to the same appeal. Each donor
// gives around an amount of their own, in multiples of 5.
type Donations struct {
	Donors    int // at least 1
	FirstYear int // the year of every first gift
	Years     int // the yearly appeals after the first gifts
	Seed      uint64
}

// The BG/BB parameters of Fader, Hardie and Shang's donors.
const (
	donateAlpha, donateBeta = 1.204, 0.750 // p, the chance of giving at an appeal
	dropGamma, dropDelta    = 0.657, 2.783 // θ, the chance of leaving before one
)

// appealDays is the length of an appeal, 1 November to 31 December.
const appealDays = 61

// WriteDonations writes the log of c to w: a header
// customer_id,date,amount and a line a gift, in order of date. Ids are
// "d" and the donor's number, from 1; amounts are whole, from 5 to 995.
func WriteDonations(w io.Writer, c Donations) error {
	rng := rand.New(rand.NewPCG(c.Seed, 0x646f6e617465))
	give := distuv.Beta{Alpha: donateAlpha, Beta: donateBeta, Src: rng}
	drop := distuv.Beta{Alpha: dropGamma, Beta: dropDelta, Src: rng}
	type gift struct {
		day    time.Time
		donor  int
		amount int64
	}
	var gifts []gift
	for d := 1; d <= c.Donors; d++ {
		p, theta := give.Rand(), drop.Rand()
		typical := math.Log(50) + 0.7*rng.NormFloat64()
		add := func(year int) {
			day := time.Date(year, 11, 1+rng.IntN(appealDays), 0, 0, 0, 0, time.UTC)
			for {
				amount := int64(math.Round(math.Exp(typical+0.3*rng.NormFloat64())/5)) * 5
				gifts = append(gifts, gift{day, d, min(max(amount, 5), 995)})
				end := time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC)
				if rng.IntN(20) != 0 || day.Equal(end) {
					return
				}
				day = day.AddDate(0, 0, 1+rng.IntN(int(end.Sub(day).Hours()/24)))
			}
		}
		add(c.FirstYear)
		for year := c.FirstYear + 1; year <= c.FirstYear+c.Years; year++ {
			if rng.Float64() < theta {
				break
			}
			if rng.Float64() < p {
				add(year)
			}
		}
	}
	slices.SortStableFunc(gifts, func(a, b gift) int { return a.day.Compare(b.day) })

	bw := bufio.NewWriterSize(w, 1<<16)
	bw.WriteString("customer_id,date,amount\n")
	var line []byte
	for _, g := range gifts {
		line = append(line[:0], 'd')
		line = strconv.AppendInt(line, int64(g.donor), 10)
		line = append(line, ',')
		line = g.day.AppendFormat(line, time.DateOnly)
		line = append(line, ',')
		line = strconv.AppendInt(line, g.amount, 10)
		line = append(line, '\n')
		if _, err := bw.Write(line); err != nil {
			return err
		}
	}
	return bw.Flush()
}
