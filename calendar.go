package clv

// This file implements the calendar windows of an Accumulator. They are
// counted from the window of p that holds 1970-01-01, in UTC: years,
// quarters and months since then, and weeks of Monday to Sunday, as ISO
// 8601 has them, since the week that starts on Monday 1969-12-29.

import "time"

// civil returns the year and month of a day counted from 1970-01-01, by
// Howard Hinnant's civil_from_days
// (http://howardhinnant.github.io/date_algorithms.html).
func civil(days int64) (year, month int64) {
	z := days + 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	year, month = yoe+era*400, mp+3
	if month > 12 {
		year, month = year+1, month-12
	}
	return year, month
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// calendarWindow returns the number of the window of p that holds t, and
// t's year.
func calendarWindow(t time.Time, p Period) (window, year int64) {
	days := floorDiv(t.Unix(), 24*60*60)
	year, month := civil(days)
	months := (year-1970)*12 + month - 1
	switch p {
	case Week:
		return floorDiv(days+3, 7), year
	case Month:
		return months, year
	case Quarter:
		return floorDiv(months, 3), year
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
	firstUnix = days(1, 1, 1) * 24 * 60 * 60
	endUnix   = days(10000, 1, 1) * 24 * 60 * 60
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
	return days(1970+floorDiv(months, 12), months-12*floorDiv(months, 12)+1, 1) * 24 * 60 * 60
}

// days returns the days from 1970-01-01 to a date, by Howard Hinnant's
// days_from_civil.
func days(year, month, day int64) int64 {
	if month <= 2 {
		year--
	}
	era := floorDiv(year, 400)
	yoe := year - era*400
	mp := (month + 9) % 12
	doy := (153*mp+2)/5 + day - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}
