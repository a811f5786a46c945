package btyd_test

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/clvkit/clv/btyd"
	"github.com/stretchr/testify/require"
)

var donationsData = sync.OnceValues(func() ([]btyd.DiscreteHistory, error) {
	f, err := os.Open(filepath.Join("..", "..", "shared", "data", "donations.csv"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, err
	}
	var hs []btyd.DiscreteHistory
	for _, row := range rows[1:] {
		var v [4]int64
		for i := range v {
			if v[i], err = strconv.ParseInt(row[i], 10, 64); err != nil {
				return nil, err
			}
		}
		hs = append(hs, btyd.DiscreteHistory{X: v[0], Tx: v[1], N: v[2], Weight: v[3]})
	}
	return hs, nil
})

// donations returns the donations data of Fader, Hardie and Shang, or
// skips the test when the data are not beside the repository.
func donations(t testing.TB) []btyd.DiscreteHistory {
	t.Helper()
	hs, err := donationsData()
	if err != nil {
		t.Skipf("donations data not available (../shared/data/donations.csv, beside the repository): %v", err)
	}
	return hs
}

func TestFitBGBBDonations(t *testing.T) {
	fit, err := btyd.FitBGBB(donations(t))
	require.NoError(t, err)
	t.Logf("%+v %+v %+v", fit.Model, fit.StdErr, fit.Stats)
}
