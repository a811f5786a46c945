package clv_test

import (
	"testing"
	"time"

	"github.com/clvkit/clv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCalendarWindows(t *testing.T) {
	cases := []struct {
		p           clv.Period
		when        string
		start, next string
	}{
		// weeks run Monday to Sunday, in UTC
		{clv.Week, "2024-01-07T23:59:59Z", "2024-01-01", "2024-01-08"},
		{clv.Week, "2024-01-08T00:00:00Z", "2024-01-08", "2024-01-15"},
		{clv.Week, "2024-01-08T00:30:00+01:00", "2024-01-01", "2024-01-08"},
		{clv.Week, "1970-01-01T00:00:00Z", "1969-12-29", "1970-01-05"},
		{clv.Week, "2020-12-31T12:00:00Z", "2020-12-28", "2021-01-04"},
		// months, quarters, years
		{clv.Month, "2024-02-29T23:59:59Z", "2024-02-01", "2024-03-01"},
		{clv.Month, "1969-12-31T23:59:59Z", "1969-12-01", "1970-01-01"},
		{clv.Month, "0001-01-01T00:00:01Z", "0001-01-01", "0001-02-01"},
		{clv.Quarter, "2024-06-30T23:59:59Z", "2024-04-01", "2024-07-01"},
		{clv.Quarter, "1969-11-15T00:00:00Z", "1969-10-01", "1970-01-01"},
		{clv.Year, "2024-12-31T23:59:59Z", "2024-01-01", "2025-01-01"},
		{clv.Year, "9999-12-31T23:59:59Z", "9999-01-01", "10000-01-01"},
	}
	for _, tc := range cases {
		acc, _ := clv.NewAccumulator(tc.p)
		require.NoError(t, acc.Add(buy("a", tc.when, "1", "")))
		w := acc.Summary().Windows[0]
		day := func(s string) time.Time {
			if s == "10000-01-01" {
				return time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
			}
			d, err := time.Parse(time.DateOnly, s)
			require.NoError(t, err)
			return d
		}
		assert.True(t, w.Start.Equal(day(tc.start)), "%s of %s starts %s, want %s", tc.p, tc.when, w.Start, tc.start)
		assert.True(t, w.End.Equal(day(tc.next)), "%s of %s ends %s, want %s", tc.p, tc.when, w.End, tc.next)
	}
}
