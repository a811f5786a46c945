package orderlog

import (
	"bytes"
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
