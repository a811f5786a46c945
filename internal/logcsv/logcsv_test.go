package logcsv

import (
	"bytes"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
		got, err := SplitLine(line, nil, make([]byte, 0, len(line)))
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
			if f, err := FieldAt(line, k, make([]byte, 0, len(line))); err != nil || !bytes.Equal(f, want[k]) {
				t.Fatalf("%q: field %d %q (%v), want %q", line, k, f, err, want[k])
			}
		}
		if _, err := FieldAt(line, len(want), nil); err == nil {
			t.Fatalf("%q: a field past the last", line)
		}
	})
}

func TestParseAmount(t *testing.T) {
	for in, want := range map[string]string{
		"19.99": "19.99", "-5": "-5", "+5": "5", "0": "0", ".5": "0.5", "1.": "1", "007": "7", "-0": "0",
		"123456789012345678": "123456789012345678", "1234567890123456789.5": "1234567890123456789.5",
		"1e3": "1000", "2.5E-2": "0.025", "-0.000000000000000000001": "-0.000000000000000000001",
		"0e2000000000": "0", "100e-32": "0.000000000000000000000000000001", "999999999999999999999999": "999999999999999999999999",
		"0.10000000000000000000000000000000000000": "0.1",
		// at most 18 digits, but beyond an int64's units
		"1e19": "10000000000000000000", "206.49e21": "206490000000000000000000", "-5e23": "-500000000000000000000000",
		"20000000000000000000": "20000000000000000000", "999999999999999999e5": "99999999999999999900000",
	} {
		got, err := ParseAmount([]byte(in))
		require.NoError(t, err, in)
		assert.True(t, got.Decimal().Equal(decimal.RequireFromString(want)), "%s: got %s, want %s", in, got.Decimal(), want)
		assert.Equal(t, decimal.RequireFromString(want).IsNegative(), got.Negative(), in)
	}
	for _, in := range []string{"", "-", ".", "1.2.3", "1,000", "12a", "--1", "1e", "1e+", "e5", "0x10", "1e3.5", "Inf", "NaN"} {
		_, err := ParseAmount([]byte(in))
		assert.ErrorContains(t, err, "not a decimal number", in)
	}
	for _, in := range []string{"1e24", "1000000000000000000000000", "1e-31", "1e2000000000", "-1e-2000000000", "1e999999999999999999999"} {
		_, err := ParseAmount([]byte(in))
		assert.ErrorContains(t, err, "out of range", in)
	}
}
