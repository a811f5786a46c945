package btyd_test

import (
	"fmt"
	"slices"
	"time"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
)

func ExampleTrack() {
	// CDNOW's first customer and two more, tracked week by week through
	// a 39-week calibration and its 39-week holdout.
	log := cdnowCustomer1()
	on := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	for _, p := range []struct{ id, day string }{
		{"0002", "1997-01-01"}, {"0002", "1997-03-04"}, {"0002", "1998-02-10"},
		{"0003", "1997-02-15"},
	} {
		log = append(log, clv.Purchase{Customer: p.id, Time: on(p.day), Amount: decimal.NewFromInt(20)})
	}
	s, _ := btyd.NewSummarizer(exampleCalibrationEnd, btyd.WithHoldout(exampleHoldoutEnd))
	_ = s.AddAll(slices.Values(log))
	tr, err := btyd.Track(exampleModel, s)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("from %s, %d weekly steps, calibration to week %.2f\n", tr.Start.Format(time.DateOnly), len(tr.Steps), tr.CalibrationEnd)
	for _, k := range []int{9, 38, 77} {
		step := tr.Steps[k]
		fmt.Printf("week %5.2f: %d repeat purchases, %.2f expected\n", step.End, step.Actual, step.Expected)
	}
	// Output:
	// from 1997-01-01, 78 weekly steps, calibration to week 38.86
	// week 10.00: 2 repeat purchases, 1.04 expected
	// week 39.00: 3 repeat purchases, 3.45 expected
	// week 77.86: 5 repeat purchases, 5.48 expected
}
