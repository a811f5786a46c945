package civil_test

import (
	"testing"
	"time"

	"github.com/clvkit/clv/internal/civil"
)

// Every day from 0001-01-01 to 9999-12-31 has the year and month the time
// package gives it, and the month of its days from its first.
func TestAgainstTime(t *testing.T) {
	first := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	d0 := civil.Days(1, 1, 1)
	if want := first.Unix() / 86400; d0 != want {
		t.Fatalf("Days(1, 1, 1) = %d, want %d", d0, want)
	}
	prev := int64(-1 << 62)
	for day, d := first, d0; day.Before(end); day, d = day.AddDate(0, 0, 1), d+1 {
		year, month := civil.FromDays(d)
		if year != int64(day.Year()) || month != int64(day.Month()) {
			t.Fatalf("FromDays(%d) = %d-%d, want %s", d, year, month, day.Format(time.DateOnly))
		}
		m := civil.Months(d)
		if want := (year-1970)*12 + month - 1; m != want {
			t.Fatalf("Months(%d) = %d, want %d", d, m, want)
		}
		if day.Day() == 1 {
			if m != prev+1 && prev != -1<<62 {
				t.Fatalf("%s: month %d after %d", day.Format(time.DateOnly), m, prev)
			}
			prev = m
			if s := civil.MonthStart(m); s != d {
				t.Fatalf("MonthStart(%d) = %d, want %d (%s)", m, s, d, day.Format(time.DateOnly))
			}
			if s := civil.Days(int64(day.Year()), int64(day.Month()), 1); s != d {
				t.Fatalf("Days(%s) = %d, want %d", day.Format(time.DateOnly), s, d)
			}
		}
	}
}

// FloorDiv rounds toward −∞ for every combination of signs.
func TestFloorDiv(t *testing.T) {
	for _, tc := range [][3]int64{{7, 2, 3}, {-7, 2, -4}, {7, -2, -4}, {-7, -2, 3}, {6, 3, 2}, {-6, 3, -2}, {0, 5, 0}, {-1, 12, -1}} {
		if got := civil.FloorDiv(tc[0], tc[1]); got != tc[2] {
			t.Errorf("FloorDiv(%d, %d) = %d, want %d", tc[0], tc[1], got, tc[2])
		}
	}
}
