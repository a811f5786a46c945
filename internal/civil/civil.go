// Package civil converts between days counted from 1970-01-01 and dates
// of the proleptic Gregorian calendar, by Howard Hinnant's algorithms
// (http://howardhinnant.github.io/date_algorithms.html): the calendar
// arithmetic that clv's Accumulator windows and btyd's opportunities
// share. Every function is exact in int64 for the years 1 to 9999 and
// far beyond, and allocates nothing.
package civil

// FromDays returns the year and month (1 to 12) of a day counted from
// 1970-01-01, by Howard Hinnant's civil_from_days.
func FromDays(days int64) (year, month int64) {
	z := days + 719468
	era := FloorDiv(z, 146097)
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

// FloorDiv returns ⌊a/b⌋ for b ≠ 0, rounding toward −∞ where Go's /
// truncates toward zero.
func FloorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// Days returns the days from 1970-01-01 to a date, by Howard Hinnant's
// days_from_civil. Day 1 of a month is its first; a day beyond the
// month's last runs on into the next.
func Days(year, month, day int64) int64 {
	if month <= 2 {
		year--
	}
	era := FloorDiv(year, 400)
	yoe := year - era*400
	mp := (month + 9) % 12
	doy := (153*mp+2)/5 + day - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// Months returns the months from January 1970 to the month of a day
// counted from 1970-01-01: 0 for every day of January 1970, −1 for those
// of December 1969, 12 for those of January 1971.
func Months(days int64) int64 {
	year, month := FromDays(days)
	return (year-1970)*12 + month - 1
}

// MonthStart returns the day, counted from 1970-01-01, of the first of
// the month months after January 1970: the inverse of [Months] on the
// first of each month.
func MonthStart(months int64) int64 {
	years := FloorDiv(months, 12)
	return Days(1970+years, months-12*years+1, 1)
}
