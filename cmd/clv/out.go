package main

// This file implements clv customers -out: a CSV file of every
// customer's figures and value, the most valuable first.

import (
	"bufio"
	"errors"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/clvkit/clv/btyd"
	"github.com/clvkit/clv/internal/fixed"
	"github.com/shopspring/decimal"
)

// checkWritable checks, before any work, that path can be written: an
// existing file is opened for writing without being cut short, and a new
// one is made in its directory and removed again, so that a run that
// fails after the check leaves an old file as it was and no new one.
func checkWritable(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err == nil {
		return f.Close()
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if f, err = os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644); err != nil {
		return err
	}
	f.Close()
	return os.Remove(path)
}

// writeCustomers writes every customer's figures and value to a CSV file,
// the most valuable first. The lines are formatted in the base's order,
// in which the customers' decimals lie in memory, and written in order of
// value: the other way round, every decimal read would be a cache miss.
func writeCustomers(path string, r *customerResult, holdout bool, scale int32) error {
	// Two halves, on two cores: customer i's line is lines[h][starts[i]:ends[i]]
	// for the half h it is in.
	n := len(r.base.Customers)
	var lines [2][]byte
	starts, ends := make([]int, n), make([]int, n)
	var wg sync.WaitGroup
	for h, lo, hi := 0, 0, n/2; h < 2; h, lo, hi = h+1, n/2, n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := make([]byte, 0, 128*(hi-lo))
			for i := lo; i < hi; i++ {
				starts[i] = len(b)
				var ci *btyd.CustomerInterval
				if r.intervals != nil {
					ci = &r.intervals.Customers[i]
				}
				if r.discrete != nil {
					b = appendDiscrete(b, &r.discrete.Customers[i], holdout, scale)
				} else {
					b = appendFigures(b, &r.base.Customers[i], holdout, scale)
				}
				var ahead *aheadFigures
				if r.ahead != nil {
					ahead = &r.ahead[i]
				}
				b = appendValue(b, &r.valuation.Customers[i], ci, ahead, scale)
				ends[i] = len(b)
			}
			lines[h] = b
		}()
	}
	wg.Wait()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<16)
	header := "customer,x,t_x,t,spend,"
	if holdout {
		header += "holdout_x,holdout_spend,"
	}
	if r.discrete != nil {
		// The Summarizer's holdout spend includes any partial holdout
		// opportunity's purchases: left out, as they are of HoldoutX.
		header = "customer,x,t_x,n,spend,"
		if holdout {
			header += "holdout_x,"
		}
	}
	header += "p_alive,purchases,discounted_purchases,expected_spend,value"
	if r.intervals != nil {
		header += ",purchases_low,purchases_high,value_low,value_high"
	}
	if r.ahead != nil {
		header += ",p_alive_horizon_end,p_no_purchase_horizon"
	}
	w.WriteString(header + "\n")
	for _, i := range r.order {
		h := 0
		if i >= n/2 {
			h = 1
		}
		w.Write(lines[h][starts[i]:ends[i]])
	}
	err = w.Flush()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// appendFigures appends the start of a customer's line of the -out file,
// their figures: times to 4 places, money as decimals rounded to scale.
func appendFigures(line []byte, c *btyd.Customer, holdout bool, scale int32) []byte {
	line = appendCSVField(line, c.ID)
	line = append(line, ',')
	line = strconv.AppendInt(line, c.X, 10)
	line = append(line, ',')
	line = strconv.AppendFloat(line, c.Tx, 'f', 4, 64)
	line = append(line, ',')
	line = strconv.AppendFloat(line, c.T, 'f', 4, 64)
	line = appendSpend(line, c.Spend, holdout, c.HoldoutX, scale)
	if holdout {
		line = appendDecimal(line, c.HoldoutSpend, scale)
		line = append(line, ',')
	}
	return line
}

// appendDiscrete appends the start of a BG/BB customer's line of the -out
// file, their figures at opportunities.
func appendDiscrete(line []byte, c *btyd.DiscreteCustomer, holdout bool, scale int32) []byte {
	line = appendCSVField(line, c.ID)
	for _, v := range []int64{c.X, c.Tx, c.N} {
		line = append(line, ',')
		line = strconv.AppendInt(line, v, 10)
	}
	return appendSpend(line, c.Spend, holdout, c.HoldoutX, scale)
}

// appendSpend appends, after the history's figures, a customer's spend
// rounded to scale and, with a holdout, their holdout purchases, each
// followed by a comma. The spend is the library's mean, carried to
// clv.DefaultScale places and rounded again here: it differs from the
// exact mean rounded once only where that mean lies less than 0.5 × 10^−10
// below a half of scale's last place (which a mean of cents, rounded to
// cents, over fewer than ten million purchases never does).
func appendSpend(line []byte, spend decimal.Decimal, holdout bool, holdoutX int64, scale int32) []byte {
	line = append(line, ',')
	line = appendDecimal(line, spend, scale)
	line = append(line, ',')
	if holdout {
		line = strconv.AppendInt(line, holdoutX, 10)
		line = append(line, ',')
	}
	return line
}

// appendValue appends the rest of a customer's line of the -out file:
// probabilities and expected purchases to 6 places, money as decimals,
// the intervals if ci is not nil, and the forecasts over the horizon if
// ahead is not nil.
func appendValue(line []byte, cv *btyd.CustomerValue, ci *btyd.CustomerInterval, ahead *aheadFigures, scale int32) []byte {
	line = strconv.AppendFloat(line, cv.ProbAlive, 'f', 6, 64)
	line = append(line, ',')
	line = strconv.AppendFloat(line, cv.Purchases, 'f', 6, 64)
	line = append(line, ',')
	line = strconv.AppendFloat(line, cv.DiscountedPurchases, 'f', 6, 64)
	line = append(line, ',')
	line = appendDecimal(line, cv.Spend, scale)
	line = append(line, ',')
	line = appendDecimal(line, cv.Value, scale)
	if ci != nil {
		line = append(line, ',')
		line = strconv.AppendFloat(line, ci.Purchases.Low, 'f', 6, 64)
		line = append(line, ',')
		line = strconv.AppendFloat(line, ci.Purchases.High, 'f', 6, 64)
		line = append(line, ',')
		line = appendDecimal(line, ci.Value.Low, scale)
		line = append(line, ',')
		line = appendDecimal(line, ci.Value.High, scale)
	}
	if ahead != nil {
		line = append(line, ',')
		line = strconv.AppendFloat(line, ahead.ProbAliveEnd, 'f', 6, 64)
		line = append(line, ',')
		line = strconv.AppendFloat(line, ahead.ProbNoPurchase, 'f', 6, 64)
	}
	return append(line, '\n')
}

// appendDecimal appends d as d.StringFixed(places) does — rounded half
// away from zero to places, exactly, and padded with zeros to them — or
// as d.String() for places −1, without the big integers decimal's
// formatting makes: a million customers' figures format in a fraction of
// the time.
func appendDecimal(b []byte, d decimal.Decimal, places int32) []byte {
	exp := d.Exponent()
	if exp > 0 || exp < -18 || d.NumDigits() > 18 {
		if places < 0 {
			return append(b, d.String()...)
		}
		return append(b, d.StringFixed(places)...)
	}
	v := d.CoefficientInt64()
	pad := 0 // zeros after the digits
	switch {
	case places < 0: // trailing zeros go, as String drops them
		for exp < 0 && v%10 == 0 {
			v /= 10
			exp++
		}
	case -exp > places: // the digits beyond places round the rest
		p := fixed.Pow10[-exp-places]
		q, r := v/p, v%p
		if fixed.Abs(r) >= uint64(p)-fixed.Abs(r) { // 2|r| ≥ p: half or more, away from zero
			if v < 0 {
				q--
			} else {
				q++
			}
		}
		v, exp = q, -places
	default:
		pad = int(places + exp)
	}
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	var digits [20]byte
	s := strconv.AppendInt(digits[:0], v, 10)
	k := int(-exp)
	switch {
	case k == 0:
		b = append(b, s...)
		if pad > 0 {
			b = append(b, '.')
		}
	case len(s) <= k:
		b = append(b, '0', '.')
		for range k - len(s) {
			b = append(b, '0')
		}
		b = append(b, s...)
	default:
		b = append(b, s[:len(s)-k]...)
		b = append(b, '.')
		b = append(b, s[len(s)-k:]...)
	}
	for range pad {
		b = append(b, '0')
	}
	return b
}

// appendCSVField appends s as a CSV field, quoted if it must be.
func appendCSVField(b []byte, s string) []byte {
	if !strings.ContainsAny(s, ",\"\r\n") && strings.TrimSpace(s) == s {
		return append(b, s...)
	}
	b = append(b, '"')
	b = append(b, strings.ReplaceAll(s, `"`, `""`)...)
	return append(b, '"')
}
