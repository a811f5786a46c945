package btyd

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestLogProducts compares the products' logarithms with sums of
// logarithms taken one at a time, over values from 2^−100 to 2^100 that
// force renormalisations, with empty buckets that must add nothing.
func TestLogProducts(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var p logProducts
	p.reset()
	var sum, xSum float64
	for range 100_000 {
		x := 1 + rng.IntN(logBuckets-2) // bucket 0 and the last stay empty
		v := math.Exp2(200*rng.Float64() - 100)
		p.mul(x, v)
		l := math.Log(v)
		sum += l
		xSum += float64(x) * l
	}
	gotSum, gotXSum := p.logs()
	// The terms cancel to about 0 ± 4 × 10^5; compare with the scale of
	// their absolute sum, about 3.5 × 10^6.
	assert.InDelta(t, sum, gotSum, 1e-7)
	assert.InDelta(t, xSum, gotXSum, 1e-5)

	p.reset()
	for range 1000 { // the largest values it takes, a product of 2^450000
		p.mul(3, 0x1p450)
	}
	gotSum, gotXSum = p.logs()
	assert.InEpsilon(t, 450_000*math.Ln2, gotSum, 1e-15)
	assert.InEpsilon(t, 3*450_000*math.Ln2, gotXSum, 1e-15)
}
