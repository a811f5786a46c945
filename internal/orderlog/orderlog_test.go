package orderlog

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Every log has its header and exactly the rows asked for, in order of
// date, however few its customers or days: a log of 8 rows by 2 customers
// once hung the generator, whose simulation could not find rows enough.
func TestWriteRows(t *testing.T) {
	start := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []Config{
		{Rows: 8, Customers: 2, Segments: []string{"web", "store", "app", "phone"}, Start: start, Days: 400, Seed: 104},
		{Rows: 1000, Customers: 1, Segments: []string{"a"}, Start: start, Days: 1, Seed: 1},
		{Rows: 5, Customers: 9, Segments: []string{"a", "b"}, Start: start, Days: 30, Seed: 2},
		{Rows: 2000, Customers: 400, Segments: []string{"web", "store", "app"}, Start: start, Days: 731, Seed: 1},
	} {
		var b bytes.Buffer
		if err := Write(&b, c); err != nil {
			t.Fatal(err)
		}
		lines := bytes.Split(bytes.TrimSuffix(b.Bytes(), []byte("\n")), []byte("\n"))
		if string(lines[0]) != "customer_id,date,amount,segment" {
			t.Fatalf("%+v: header %q", c, lines[0])
		}
		if got := len(lines) - 1; got != c.Rows {
			t.Fatalf("%+v: %d rows", c, got)
		}
		last := ""
		for _, l := range lines[1:] {
			date := string(bytes.Split(l, []byte(","))[1])
			if date < last {
				t.Fatalf("%+v: %s after %s", c, date, last)
			}
			last = date
		}
	}
}

// A donations log holds every donor's first gift in the first year and
// their gifts to later appeals within the appeals' days, in order of
// date; the share giving again at the first appeal is the model's,
// E[1 − θ] E[p] = 0.809 × 0.616 = 0.498, within chance.
func TestWriteDonations(t *testing.T) {
	c := Donations{Donors: 2000, FirstYear: 2019, Years: 7, Seed: 3}
	var b bytes.Buffer
	if err := WriteDonations(&b, c); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if lines[0] != "customer_id,date,amount" {
		t.Fatalf("header %q", lines[0])
	}
	first := map[string]string{}
	again := map[string]bool{}
	last := ""
	for _, l := range lines[1:] {
		f := strings.Split(l, ",")
		id, date := f[0], f[1]
		amount, err := strconv.Atoi(f[2])
		if err != nil || amount < 5 || amount > 995 || amount%5 != 0 {
			t.Fatalf("%q: amount", l)
		}
		day, err := time.Parse(time.DateOnly, date)
		if err != nil || day.Year() < 2019 || day.Year() > 2026 || day.Month() < time.November {
			t.Fatalf("%q: date", l)
		}
		if date < last {
			t.Fatalf("%s after %s", date, last)
		}
		last = date
		if _, ok := first[id]; !ok {
			first[id] = date
			if day.Year() != 2019 {
				t.Fatalf("%q: a first gift after 2019", l)
			}
		}
		if day.Year() == 2020 {
			again[id] = true
		}
	}
	if len(first) != c.Donors {
		t.Fatalf("%d donors", len(first))
	}
	if share := float64(len(again)) / float64(c.Donors); math.Abs(share-0.498) > 0.04 {
		t.Fatalf("%.3f of donors give at the first appeal", share)
	}
}

// With Habits, the segment that won a customer names their first row and
// sets how much they buy: customers won where Rate is four times as high
// make well over half as many repeat rows again each (fewer than four
// times as many, as drop-out ends the fast buyers' runs as soon in
// purchases); habits not one a segment are an error.
func TestWriteHabits(t *testing.T) {
	c := Config{Rows: 20000, Customers: 3000, Segments: []string{"slow", "fast"}, Start: time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC), Days: 730, Seed: 5,
		Habits: []Habit{{Rate: 0.5, Drop: 1, Spend: 1}, {Rate: 2, Drop: 1, Spend: 1}}}
	var b bytes.Buffer
	if err := Write(&b, c); err != nil {
		t.Fatal(err)
	}
	won := map[string]string{}
	rows := map[string]int{}
	for _, l := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")[1:] {
		f := strings.Split(l, ",")
		if _, ok := won[f[0]]; !ok {
			won[f[0]] = f[3]
		}
		rows[won[f[0]]]++
	}
	customers := map[string]int{}
	for _, s := range won {
		customers[s]++
	}
	slow := float64(rows["slow"])/float64(customers["slow"]) - 1
	fast := float64(rows["fast"])/float64(customers["fast"]) - 1
	if fast < 1.5*slow {
		t.Fatalf("repeat rows a customer: %.2f won by slow, %.2f by fast", slow, fast)
	}
	c.Habits = c.Habits[:1]
	if err := Write(&b, c); err == nil {
		t.Fatal("one habit for two segments: no error")
	}
}
