package btyd_test

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clvkit/clv"
	"github.com/shopspring/decimal"
)

// This file reads the CDNOW sample of Fader and Hardie from ../shared/data,
// beside the repository, as the papers set it up: calibration to
// 1997-09-30, a 39-week holdout to 1998-06-30, weeks.

var (
	calibrationEnd = time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC)
	holdoutEnd     = time.Date(1998, 6, 30, 0, 0, 0, 0, time.UTC)
)

var cdnowSample = sync.OnceValues(func() ([]clv.Purchase, error) {
	f, err := os.Open(filepath.Join("..", "..", "shared", "data", "CDNOW_sample.txt"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var log []clv.Purchase
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 5 {
			continue
		}
		day, err := time.Parse("20060102", fields[2])
		if err != nil {
			return nil, err
		}
		amount, err := decimal.NewFromString(fields[4])
		if err != nil {
			return nil, err
		}
		log = append(log, clv.Purchase{Customer: fields[1], Time: day, Amount: amount})
	}
	return log, sc.Err()
})

// cdnow returns the CDNOW sample's purchases, or skips the test when the
// data are not beside the repository, as in a user's clone.
func cdnow(t testing.TB) []clv.Purchase {
	t.Helper()
	log, err := cdnowSample()
	if err != nil {
		t.Skipf("CDNOW sample not available (../shared/data/CDNOW_sample.txt, beside the repository): %v", err)
	}
	return log
}
