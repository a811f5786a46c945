package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAppendDecimal(t *testing.T) {
	for _, s := range []string{"0", "1", "-1", "0.5", "-0.05", "19.99", "100", "1e3", "12.3400", "-0.000000000000000001", "123456789012345678", "1234567890123456789", "0.1234567890123456789", "1e-40", "-7.10",
		// halves and the digits either side of them
		"0.125", "-0.125", "2.5", "-2.5", "0.0049999", "-0.005", "0.995", "-0.995", "54.4877142857", "999999999999999.9999", "-0.0000000001"} {
		d := decimal.RequireFromString(s)
		assert.Equal(t, d.String(), string(appendDecimal(nil, d, -1)), s)
		for _, places := range []int32{0, 1, 2, 4, 10} {
			r := d.Round(places)
			assert.Equal(t, r.StringFixed(places), string(appendDecimal(nil, r, places)), "%s at %d", s, places)
			assert.Equal(t, d.StringFixed(places), string(appendDecimal(nil, d, places)), "%s at %d", s, places)
		}
	}
}

// -out writes every amount of money at -scale places, rounded half away
// from zero: spend and holdout spend, which are the log's, as the
// expected spend, value and intervals the models give; and -json's
// customers at no more places.
func TestOutScale(t *testing.T) {
	dir := t.TempDir()
	read := func(scale string, model ...string) [][]string {
		out := filepath.Join(dir, "s"+scale+".csv")
		code, stdout, stderr := runArgs(append(append(slices.Clone(sampleCustomers), model...), "-scale", scale, "-out", out, "-draws", "20", "-json", "-top", "400")...)
		require.Equal(t, 0, code, stderr)
		for _, key := range []string{"spend", "holdout_spend", "expected_spend", "value", "low", "high"} {
			for _, m := range regexp.MustCompile(`"`+key+`": "([^"]*)"`).FindAllStringSubmatch(stdout, -1) {
				// Decimals marshal without trailing zeros.
				assert.Regexp(t, `^-?[0-9]+`+map[bool]string{true: "", false: `(\.[0-9]{1,` + scale + "})?"}[scale == "0"]+"$", m[1], "-json %s at -scale %s", key, scale)
			}
		}
		f, err := os.Open(out)
		require.NoError(t, err)
		defer f.Close()
		records, err := csv.NewReader(f).ReadAll()
		require.NoError(t, err)
		return records
	}
	for _, model := range [][]string{nil, {"-model", "bgbb", "-unit", "month"}} {
		exact := read("10", model...)
		for _, scale := range []string{"0", "2", "4"} {
			got := read(scale, model...)
			places, _ := strconv.Atoi(scale)
			money := regexp.MustCompile(`^-?[0-9]+$`)
			if places > 0 {
				money = regexp.MustCompile(`^-?[0-9]+\.[0-9]{` + scale + `}$`)
			}
			for i, rec := range got[1:] {
				for j, name := range got[0] {
					if strings.Contains(name, "spend") || strings.HasPrefix(name, "value") {
						assert.Regexp(t, money, rec[j], "%v: %s of %s at -scale %s", model, name, rec[0], scale)
					}
				}
				// The log's mean spend, which the library carries to ten
				// places, rounded once more.
				if i < len(exact)-1 && exact[i+1][0] == rec[0] {
					assert.Equal(t, decimal.RequireFromString(exact[i+1][4]).StringFixed(int32(places)), rec[4], "%v: spend of %s", model, rec[0])
				}
			}
		}
	}
}
