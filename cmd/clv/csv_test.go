package main

import (
	"bytes"
	"testing"
)

// FuzzSplitLine holds the fast split of lines without quotes, eight bytes
// at a time, and fieldAt to the field-by-field split every line can take.
func FuzzSplitLine(f *testing.F) {
	for _, s := range []string{"", ",", "a,b", "cus_123456,2024-03-15,123.45,marketplace", ` a , "b,c" ,d`,
		"x,,,,,,,,,,,,,,,,y", `12345678"9,1`, "1234567,89,\t\t"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		if bytes.IndexByte(line, '\n') >= 0 {
			return
		}
		got, err := splitLine(line, nil, make([]byte, 0, len(line)))
		var want [][]byte
		var werr error
		buf := make([]byte, 0, len(line))
		for i := 0; ; {
			var field []byte
			if field, i, buf, werr = nextField(line, i, buf, len(want)); werr != nil {
				break
			}
			want = append(want, field)
			if i > len(line) {
				break
			}
		}
		if (err == nil) != (werr == nil) || err != nil && err.Error() != werr.Error() {
			t.Fatalf("%q: error %v, want %v", line, err, werr)
		}
		if err != nil {
			return
		}
		if len(got) != len(want) {
			t.Fatalf("%q: %q, want %q", line, got, want)
		}
		for k := range got {
			if !bytes.Equal(got[k], want[k]) {
				t.Fatalf("%q: %q, want %q", line, got, want)
			}
			if f, err := fieldAt(line, k, make([]byte, 0, len(line))); err != nil || !bytes.Equal(f, want[k]) {
				t.Fatalf("%q: field %d %q (%v), want %q", line, k, f, err, want[k])
			}
		}
		if _, err := fieldAt(line, len(want), nil); err == nil {
			t.Fatalf("%q: a field past the last", line)
		}
	})
}
