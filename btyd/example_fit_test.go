package btyd_test

import (
	"errors"
	"fmt"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
)

// Customers who buy until the end of observation, each at a rate of
// their own, never seem to leave: the BG/NBD likelihood is highest where
// the probability of dropping out goes to zero, and the fit says so
// rather than report parameters on their way to a limit.
func ExampleBoundaryError() {
	var histories []btyd.History
	for x := int64(1); x <= 20; x++ {
		// Ten customers with x repeat purchases in 30 weeks, the last
		// half a week before the end of observation.
		histories = append(histories, btyd.History{X: x, Tx: 29.5, T: 30, Weight: 10})
	}
	_, err := btyd.FitBGNBD(histories)
	var boundary *btyd.BoundaryError
	if errors.As(err, &boundary) {
		fmt.Println(errors.Is(err, clv.ErrNoFit))
		fmt.Println(boundary.Limit)
		fmt.Printf("log-likelihood at least %.1f\n", boundary.LogLikelihood)
	}
	// Output:
	// true
	// customers never drop out (p → 0): the negative binomial model of purchases
	// log-likelihood at least -4184.5
}
