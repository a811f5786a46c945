package btyd_test

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/clvkit/clv/btyd"
)

// Three purchase models fitted to one shop's log, compared as the papers
// compare them: by likelihood, penalised for parameters, and by how well
// each predicts the six months held out. Each goes through the same
// functions, as a PurchaseModel.
func ExamplePurchaseModel() {
	calibrationEnd := time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC)
	holdoutEnd := time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)
	s, _ := btyd.NewSummarizer(calibrationEnd, btyd.WithHoldout(holdoutEnd))
	if err := s.AddAll(slices.Values(shopLog())); err != nil {
		fmt.Println(err)
		return
	}
	hs, base := s.Histories(), s.Base()

	bg, err1 := btyd.FitBGNBD(hs)
	mbg, err2 := btyd.FitMBGNBD(hs)
	pnbd, err3 := btyd.FitParetoNBD(hs)
	for _, err := range []error{err1, err2, err3} {
		if err != nil {
			fmt.Println(err)
			return
		}
	}
	fmt.Println("model       log-lik.      BIC  holdout predicted")
	for _, f := range []struct {
		name  string
		model btyd.PurchaseModel
		stats btyd.FitStats
	}{{"BG/NBD", bg.Model, bg.Stats}, {"MBG/NBD", mbg.Model, mbg.Stats}, {"Pareto/NBD", pnbd.Model, pnbd.Stats}} {
		h, err := btyd.CompareHoldout(f.model, base)
		if err != nil {
			fmt.Println(err)
			return
		}
		bic := 4*math.Log(float64(f.stats.Customers)) - 2*f.stats.LogLikelihood
		fmt.Printf("%-10s %9.1f %8.1f  %5d %9.0f\n", f.name, f.stats.LogLikelihood, bic, h.Actual, h.Predicted)
	}
	// Output:
	// model       log-lik.      BIC  holdout predicted
	// BG/NBD      -43199.6  86431.2   3323      3458
	// MBG/NBD     -43363.8  86759.6   3323      3265
	// Pareto/NBD  -43615.1  87262.2   3323      3389
}
