package btyd_test

import (
	"fmt"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
)

func ExampleCompareHoldout() {
	// Three customers of a 39-week calibration and their next 39 weeks.
	base := btyd.Base{Unit: clv.Week, Holdout: 39, Customers: []btyd.Customer{
		{ID: "a", X: 0, T: 38.86, HoldoutX: 0},
		{ID: "b", X: 2, Tx: 30.43, T: 38.86, HoldoutX: 1},
		{ID: "c", X: 9, Tx: 37, T: 38, HoldoutX: 8},
	}}
	h, err := btyd.CompareHoldout(exampleModel, base)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d actual, %.2f predicted\n", h.Actual, h.Predicted)
	for _, r := range h.ByFrequency {
		if r.Customers > 0 {
			fmt.Printf("x = %d: %d actual, %.2f predicted\n", r.X, r.Actual, r.Predicted)
		}
	}
	// Output:
	// 9 actual, 7.54 predicted
	// x = 0: 0 actual, 0.20 predicted
	// x = 2: 1 actual, 1.23 predicted
	// x = 7: 8 actual, 6.11 predicted
}
