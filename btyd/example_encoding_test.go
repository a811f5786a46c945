package btyd_test

import (
	"fmt"
	"slices"

	"github.com/clvkit/clv/btyd"
)

// Two workers summarise their parts of a log; one sends its Summarizer
// to the other as bytes, which merges it with its own.
func ExampleSummarizer_MarshalBinary() {
	log := cdnowCustomer1()
	first, _ := btyd.NewSummarizer(exampleCalibrationEnd, btyd.WithHoldout(exampleHoldoutEnd))
	_ = first.AddAll(slices.Values(log[:2]))
	data, _ := first.MarshalBinary()

	second, _ := btyd.NewSummarizer(exampleCalibrationEnd, btyd.WithHoldout(exampleHoldoutEnd))
	_ = second.AddAll(slices.Values(log[2:]))
	var received btyd.Summarizer
	if err := received.UnmarshalBinary(data); err != nil {
		fmt.Println(err)
		return
	}
	_ = second.Merge(&received)
	c := second.Base().Customers[0]
	fmt.Printf("%s: x %d, t_x %.2f, T %.2f, spend %s, holdout %d of %s\n", c.ID, c.X, c.Tx, c.T, c.Spend, c.HoldoutX, c.HoldoutSpend)

	data[len(data)-1] ^= 1
	fmt.Println(received.UnmarshalBinary(data))
	// Output:
	// 0001: x 2, t_x 30.43, T 38.86, spend 22.345, holdout 1 of 26.48
	// btyd: decode summarizer: checksum at byte 0: clv: malformed encoding: the data was altered or cut short
}
