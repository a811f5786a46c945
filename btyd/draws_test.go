package btyd

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestTails compares tails and selectOrder with the order statistics of
// the sorted values, over random draws with ties and infinities, for
// every k and m tails takes.
func TestTails(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 2000 {
		n := 1 + rng.IntN(120)
		x := make([]float64, n)
		for i := range x {
			switch rng.IntN(10) {
			case 0:
				x[i] = math.Inf(1)
			case 1:
				x[i] = float64(rng.IntN(3)) // ties
			default:
				x[i] = rng.NormFloat64()
			}
		}
		sorted := slices.Sorted(slices.Values(x))
		for k := 1; k <= min(n, maxTail); k++ {
			m := 1 + rng.IntN(min(n, maxTail))
			before := slices.Clone(x)
			low, high := tails(x, k, m)
			require.Equal(t, before, x, "trial %d: x reordered", trial)
			require.Equal(t, sorted[k-1], low, "trial %d: %d-th smallest of %v", trial, k, x)
			require.Equal(t, sorted[n-m], high, "trial %d: %d-th largest of %v", trial, m, x)
			require.Equal(t, sorted[k-1], selectOrder(slices.Clone(x), k-1), "trial %d", trial)
		}
	}
}
