package clv

// This file implements the calendar windows of an Accumulator. They are
// counted from the window of p that holds 1970-01-01, in UTC: years,
// quarters and months since then, and weeks of Monday to Sunday, as ISO
// 8601 has them, since the week that starts on Monday 1969-12-29.

import (
	"time"

	"github.com/clvkit/clv/internal/civil"
)

// calendarWindow returns the number of the window of p that holds t, and
// t's year.
func calendarWindow(t time.Time, p Period) (window, year int64) {
	days := civil.FloorDiv(t.Unix(), 24*60*60)
	year, month := civil.FromDays(days)
	months := (year-1970)*12 + month - 1
	switch p {
	case Week:
		return civil.FloorDiv(days+3, 7), year
	case Month:
		return months, year
	case Quarter:
		return civil.FloorDiv(months, 3), year
	}
	return year - 1970, year
}

// dayWindow returns the number of the window of p that holds a day
// counted from 1970-01-01.
func dayWindow(day int64, p Period) int64 {
	n, _ := calendarWindow(time.Unix(day*24*60*60, 0), p)
	return n
}

// firstUnix and endUnix are the first instant of year 1 and of year 10000,
// in seconds since 1970-01-01 UTC: an Accumulator's times lie between.
var (
	firstUnix = civil.Days(1, 1, 1) * 24 * 60 * 60
	endUnix   = civil.Days(10000, 1, 1) * 24 * 60 * 60
)

// windowStart returns the first instant of window n of p, in UTC.
func windowStart(n int64, p Period) time.Time {
	return time.Unix(windowStartUnix(n, p), 0).UTC()
}

// windowStartUnix returns the first instant of window n of p, in seconds
// since 1970-01-01 UTC.
func windowStartUnix(n int64, p Period) int64 {
	if p == Week {
		return (7*n - 3) * 24 * 60 * 60
	}
	months := n * 12 / p.perYear()
	return civil.Days(1970+civil.FloorDiv(months, 12), months-12*civil.FloorDiv(months, 12)+1, 1) * 24 * 60 * 60
}
