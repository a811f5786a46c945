package fixed

import (
	"math"
	"math/big"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
)

// TestUnits checks Units against the decimal it came from, and its
// refusals at the edges of int64 and of the places.
func TestUnits(t *testing.T) {
	for _, c := range []struct {
		in     string
		units  int64
		places int32
		ok     bool
	}{
		{"0", 0, 0, true}, {"12.50", 125, 1, true}, {"-0.05", -5, 2, true}, {"1e3", 1000, 0, true},
		{"999999999999999999", 999999999999999999, 0, true}, {"1000000000000000000", 0, 0, false},
		{"0.000000000000000001", 1, 18, true}, {"1e-19", 0, 0, false}, {"1e18", 1e18, 0, true}, {"1e19", 0, 0, false},
	} {
		units, places, ok := Units(decimal.RequireFromString(c.in))
		assert.Equal(t, c.ok, ok, c.in)
		if ok {
			assert.Equal(t, []int64{c.units, int64(c.places)}, []int64{units, int64(places)}, c.in)
			assert.True(t, decimal.New(units, -places).Equal(decimal.RequireFromString(c.in)), c.in)
		}
	}
}

// TestOverflow compares Add, Mul and Scale with math/big at the edges of
// int64.
func TestOverflow(t *testing.T) {
	edges := []int64{0, 1, -1, 7, -7, 1 << 31, -(1 << 31), 3037000499, 3037000500, -3037000500, math.MaxInt64, math.MinInt64, math.MaxInt64 / 10, math.MinInt64 / 10}
	fits := func(z *big.Int) bool { return z.IsInt64() }
	for _, a := range edges {
		assert.Equal(t, new(big.Int).Abs(big.NewInt(a)).Uint64(), Abs(a), "|%d|", a)
		for _, b := range edges {
			sum := new(big.Int).Add(big.NewInt(a), big.NewInt(b))
			s, ok := Add(a, b)
			assert.Equal(t, fits(sum), ok, "%d + %d", a, b)
			if ok {
				assert.Equal(t, sum.Int64(), s, "%d + %d", a, b)
			}
			prod := new(big.Int).Mul(big.NewInt(a), big.NewInt(b))
			p, ok := Mul(a, b)
			assert.Equal(t, fits(prod), ok, "%d × %d", a, b)
			if ok {
				assert.Equal(t, prod.Int64(), p, "%d × %d", a, b)
			}
		}
		for k := int32(-1); k <= MaxPlaces+1; k++ {
			v, ok := Scale(a, k)
			if k < 0 || k > MaxPlaces {
				assert.False(t, ok)
				continue
			}
			want := new(big.Int).Mul(big.NewInt(a), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(k)), nil))
			assert.Equal(t, fits(want), ok, "%d × 10^%d", a, k)
			if ok {
				assert.Equal(t, want.Int64(), v)
			}
		}
	}
}

// TestUnitsRefusedIsZero checks that a refused amount gives 0 units,
// which the sums add whether or not the amount fitted.
func TestUnitsRefusedIsZero(t *testing.T) {
	for _, s := range []string{"1e19", "123e17", "-1e19", "1e-19", "12345678901234567890"} {
		units, places, ok := Units(decimal.RequireFromString(s))
		assert.False(t, ok, s)
		assert.Equal(t, []int64{0, 0}, []int64{units, int64(places)}, s)
	}
}
