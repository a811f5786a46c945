package main

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
)

func TestAppendDecimal(t *testing.T) {
	for _, s := range []string{"0", "1", "-1", "0.5", "-0.05", "19.99", "100", "1e3", "12.3400", "-0.000000000000000001", "123456789012345678", "1234567890123456789", "0.1234567890123456789", "1e-40", "-7.10"} {
		d := decimal.RequireFromString(s)
		assert.Equal(t, d.String(), string(appendDecimal(nil, d, -1)), s)
		for _, places := range []int32{0, 1, 2, 4, 10} {
			r := d.Round(places)
			assert.Equal(t, r.StringFixed(places), string(appendDecimal(nil, r, places)), "%s at %d", s, places)
			assert.Equal(t, d.StringFixed(places), string(appendDecimal(nil, d, places)), "%s at %d", s, places)
		}
	}
}
