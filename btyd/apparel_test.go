package btyd_test

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
)

// This file reads CLVTools' apparel data from ../shared/data, beside the
// repository, as CLVTools' documentation sets it up: weeks, estimation
// over the first 104 weeks from 2005-01-02 (to 2006-12-31), and each
// customer's gender and channel, 0 or 1.

var apparelEstimationEnd = time.Date(2006, 12, 31, 0, 0, 0, 0, time.UTC)

// apparelData holds the apparel customers' histories with their
// covariates (gender, channel).
var apparelData = sync.OnceValues(func() ([]btyd.CovariateHistory, error) {
	dir := filepath.Join("..", "..", "shared", "data")
	rows, err := readCSV(filepath.Join(dir, "apparel_transactions.csv"))
	if err != nil {
		return nil, err
	}
	s, err := btyd.NewSummarizer(apparelEstimationEnd, btyd.WithUnit(clv.Week))
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		day, err := time.Parse("2006-01-02", r[1])
		if err != nil {
			return nil, err
		}
		amount, err := decimal.NewFromString(r[2])
		if err != nil {
			return nil, err
		}
		if err := s.Add(clv.Purchase{Customer: r[0], Time: day, Amount: amount}); err != nil {
			return nil, err
		}
	}
	covs, err := readCSV(filepath.Join(dir, "apparel_covariates.csv"))
	if err != nil {
		return nil, err
	}
	z := make(map[string][]float64)
	for _, r := range covs {
		gender, err1 := strconv.ParseFloat(r[1], 64)
		channel, err2 := strconv.ParseFloat(r[2], 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("apparel covariates: %v", r)
		}
		z[r[0]] = []float64{gender, channel}
	}
	var out []btyd.CovariateHistory
	for _, c := range s.Base().Customers {
		zc, ok := z[c.ID]
		if !ok {
			return nil, fmt.Errorf("apparel covariates: no row for customer %s", c.ID)
		}
		out = append(out, btyd.CovariateHistory{History: btyd.History{X: c.X, Tx: c.Tx, T: c.T, Weight: 1}, Z: zc})
	}
	return out, nil
})

// readCSV returns a CSV file's rows after its header.
func readCSV(path string) ([][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) == 0 {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return rows[1:], nil
}

// apparel returns the apparel histories, or skips the test when the data
// are not beside the repository, as in a user's clone.
func apparel(t testing.TB) []btyd.CovariateHistory {
	t.Helper()
	h, err := apparelData()
	if err != nil {
		t.Skipf("CLVTools' apparel data not available (../shared/data/apparel_*.csv, beside the repository): %v", err)
	}
	return h
}
