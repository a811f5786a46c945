package main

// This file implements what clv customers warns of — what it saw that
// the user should know before trusting the figures, said on standard
// error as each is found and kept for the JSON's warnings — and what it
// notes of the data it left out of a fit.

import (
	"fmt"
	"io"
	"time"

	"github.com/clvkit/clv/btyd"
)

// spanWarnings says which of the end dates of in lie outside the log's
// span, t.First to t.Last, and what that does to the figures: a
// calibration end after the last day adds days in which nobody bought to
// every customer's T, one before the first day leaves nobody to model,
// and a holdout end after the last day counts the purchases the log never
// recorded as not made. A log without rows has no span and no warning.
func spanWarnings(t btyd.Totals, in customerInputs) []string {
	warnings := []string{}
	if t.Rows == 0 {
		return warnings
	}
	first, last := t.First.Format(time.DateOnly), t.Last.Format(time.DateOnly)
	cal := in.calibrationEnd.Format(time.DateOnly)
	switch {
	case in.calibrationEnd.After(t.Last):
		warnings = append(warnings, fmt.Sprintf("-calibration-end %s is %d days after the log's last day, %s: the models take those days for days in which no customer bought, and so take customers for gone who may not be",
			cal, daysBetween(t.Last, in.calibrationEnd), last))
	case in.calibrationEnd.Before(t.First):
		warnings = append(warnings, fmt.Sprintf("-calibration-end %s is before the log's first day, %s: no customer had bought by then", cal, first))
	}
	if hold := in.holdoutEnd; !hold.IsZero() && hold.After(t.Last) && !in.calibrationEnd.After(t.Last) {
		end := hold.Format(time.DateOnly)
		warnings = append(warnings, fmt.Sprintf("-holdout-end %s is %d days after the log's last day, %s: the holdout's actual purchases stop there, short of what the model predicts to %s",
			end, daysBetween(t.Last, hold), last, end))
	}
	return warnings
}

// daysBetween returns the days from a to b, both first instants of UTC
// days, by their Unix seconds: a Duration spans only 292 years.
func daysBetween(a, b time.Time) int64 {
	return (b.Unix() - a.Unix()) / (24 * 60 * 60)
}

// holdoutShort returns the note of the holdout table's title when the
// log ends before the holdout does, and "" otherwise.
func holdoutShort(t btyd.Totals, holdoutEnd time.Time) string {
	if t.Rows == 0 || !holdoutEnd.After(t.Last) {
		return ""
	}
	return fmt.Sprintf(" (the log ends on %s: actual purchases stop there)", t.Last.Format(time.DateOnly))
}

// printWarnings prints each warning on w, under the command's name.
func printWarnings(w io.Writer, warnings []string) {
	for _, s := range warnings {
		fmt.Fprintln(w, "clv customers: warning: "+s)
	}
}

// zeroSpendNote says how many repeat customers the spend fit f left out,
// as their repeat purchases were all of no value, and why; "" if none.
// Those it fitted and those it left out are every repeat customer.
func zeroSpendNote(f btyd.GammaGammaFit) string {
	if f.ZeroSpend == 0 {
		return ""
	}
	verb := "are"
	if f.ZeroSpend == 1 {
		verb = "is"
	}
	return fmt.Sprintf("%d of the %d customers with repeat purchases %s left out of the spend fit: their repeat purchases were all of no value, and gamma–gamma models positive amounts",
		f.ZeroSpend, f.Stats.Customers+f.ZeroSpend, verb)
}
