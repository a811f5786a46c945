package btyd_test

import (
	"errors"
	"fmt"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
)

// Customers who buy every week until the end of observation never seem
// to leave: the BG/NBD likelihood is highest where the probability of
// dropping out goes to zero, and the fit says so rather than report
// parameters on their way to a limit.
func ExampleBoundaryError() {
	var histories []btyd.History
	for x := int64(1); x <= 20; x++ {
		// Ten customers with x weekly repeat purchases, the last half a
		// week before the end of observation.
		histories = append(histories, btyd.History{X: x, Tx: float64(x), T: float64(x) + 0.5, Weight: 10})
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
	// log-likelihood at least -2197.7
}
