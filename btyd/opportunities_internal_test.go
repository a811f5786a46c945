package btyd

import (
	"testing"
	"time"

	"github.com/clvkit/clv"
)

// An opportunityCalendar's index, by the mean length and the starts,
// agrees with its arithmetic on every day from year 1 to 9999, for every
// period and calibration ends near both ends of that range.
func TestOpportunityCalendarIndex(t *testing.T) {
	on := func(s string) int32 {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		day, _ := dayOf(d)
		return day
	}
	first, last := on("0001-01-01"), on("9999-12-31")
	for _, every := range []clv.Period{clv.Week, clv.Month, clv.Quarter, clv.Year} {
		for _, calEnd := range []string{"0001-12-31", "2024-12-31", "9998-12-31"} {
			k := newOpportunityCalendar(every, on(calEnd))
			if !k.endsPeriod() {
				t.Fatalf("%s: %s ends no period", every, calEnd)
			}
			k.cover(k.at(first), last)
			for d := first; d <= last; d++ {
				if got, want := k.index(d), k.at(d); got != want {
					t.Fatalf("%s to %s: day %s: index %d, want %d", every, calEnd, dayString(d), got, want)
				}
			}
		}
	}
}
