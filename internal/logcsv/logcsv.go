// Package logcsv reads the lines of a CSV purchase log, for the command
// clv and the Beam pipeline alike: one record a line, fields split at
// commas, a field in double quotes where it holds a comma or a quote (""
// for one), spaces around a field dropped. A quoted field may not hold a
// line break, so that a broken record never runs on into the lines after
// it and every error names the line it is on. Every length is bounded
// before anything is parsed, so no input can make the reading slow or its
// memory large.
package logcsv

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"math/bits"
	"time"

	"github.com/shopspring/decimal"
)

const (
	// MaxLineBytes bounds a line of the log; a longer one is refused
	// without being held in memory.
	MaxLineBytes = 1 << 16
	// MaxNameBytes, maxTimeBytes and maxAmountBytes bound the fields
	// before they are parsed; ids and segment names as the library does.
	MaxNameBytes   = 256
	maxTimeBytes   = 64
	maxAmountBytes = 64
	// echoBytes is the most of a field a message repeats.
	echoBytes = 32
	// Amounts must be below 10^maxAmountDigits in magnitude, with at most
	// maxAmountPlaces decimal places, as the library's decimals are.
	maxAmountDigits = 24
	maxAmountPlaces = 30
)

// ErrLineTooLong is the failure of a line longer than MaxLineBytes.
var ErrLineTooLong = fmt.Errorf("longer than %d bytes", MaxLineBytes)

// Quote returns s quoted for a message, cut to echoBytes.
func Quote(s []byte) string {
	if len(s) > echoBytes {
		return fmt.Sprintf("%q…", s[:echoBytes])
	}
	return fmt.Sprintf("%q", s)
}

// SplitLine splits a line into its fields, appending them to fields[:0].
// A quoted field is unquoted into buf, which must have room for the whole
// line, so that no field is moved by buf growing; the fields are valid
// until the line or buf change.
func SplitLine(line []byte, fields [][]byte, buf []byte) ([][]byte, error) {
	fields = fields[:0]
	// Most lines hold no quote: split them in one pass, eight bytes at a
	// time.
	start, i := 0, 0
	for ; i+8 <= len(line); i += 8 {
		w := binary.LittleEndian.Uint64(line[i:])
		for m := bytesEqual(w, ',') | bytesEqual(w, '"'); m != 0; m &= m - 1 {
			j := i + bits.TrailingZeros64(m)/8
			if line[j] == '"' {
				start = -1
				break
			}
			fields = append(fields, TrimSpace(line[start:j]))
			start = j + 1
		}
		if start < 0 {
			break
		}
	}
	for ; start >= 0 && i < len(line); i++ {
		switch line[i] {
		case ',':
			fields = append(fields, TrimSpace(line[start:i]))
			start = i + 1
		case '"':
			start = -1
		}
	}
	if start >= 0 {
		return append(fields, TrimSpace(line[start:])), nil
	}
	fields = fields[:0]
	buf = buf[:0]
	for i := 0; ; {
		var field []byte
		var err error
		if field, i, buf, err = nextField(line, i, buf, len(fields)); err != nil {
			return fields, err
		}
		fields = append(fields, field)
		if i > len(line) {
			return fields, nil
		}
	}
}

// FieldAt returns field k of a line, as SplitLine would, reading no
// further than it needs to.
func FieldAt(line []byte, k int, buf []byte) ([]byte, error) {
	// The fields before a quote split as if the line had none.
	start, n := 0, 0
	for i, c := range line {
		if c == '"' {
			start = -1
			break
		}
		if c == ',' {
			if n == k {
				return TrimSpace(line[start:i]), nil
			}
			n, start = n+1, i+1
		}
	}
	if start >= 0 {
		if n == k {
			return TrimSpace(line[start:]), nil
		}
		return nil, errFewFields
	}
	buf = buf[:0]
	for i, n := 0, 0; ; n++ {
		field, next, b, err := nextField(line, i, buf, n)
		if err != nil || n == k {
			return field, err
		}
		if next > len(line) {
			return nil, errFewFields
		}
		i, buf = next, b
	}
}

var errFewFields = errors.New("too few fields")

// nextField returns field n of a line, which starts at i, and where the
// next one starts: past the end of the line after the last field.
func nextField(line []byte, i int, buf []byte, n int) (field []byte, next int, _ []byte, _ error) {
	for i < len(line) && isSpace(line[i]) {
		i++
	}
	if i < len(line) && line[i] == '"' {
		start := len(buf)
		for i++; ; i++ {
			if i == len(line) {
				return nil, 0, buf, errors.New(`a quoted field is not closed by the end of the line (a field may not hold a line break)`)
			}
			if line[i] == '"' {
				if i+1 < len(line) && line[i+1] == '"' {
					buf = append(buf, '"')
					i++
					continue
				}
				i++
				break
			}
			buf = append(buf, line[i])
		}
		field = buf[start:len(buf):len(buf)]
		for i < len(line) && isSpace(line[i]) {
			i++
		}
		if i < len(line) && line[i] != ',' {
			return nil, 0, buf, fmt.Errorf(`field %d: text after the closing quote`, n+1)
		}
		return field, i + 1, buf, nil
	}
	start := i
	for i < len(line) && line[i] != ',' {
		if line[i] == '"' {
			return nil, 0, buf, fmt.Errorf(`field %d: a quote in a field that is not quoted`, n+1)
		}
		i++
	}
	return TrimSpace(line[start:i]), i + 1, buf, nil
}

// bytesEqual returns the high bit of each byte of w that equals c, and no
// other bit.
func bytesEqual(w uint64, c byte) uint64 {
	const low7 = 0x7f7f7f7f7f7f7f7f
	v := w ^ (0x0101010101010101 * uint64(c)) // zero where w holds c
	return ^((v&low7 + low7) | v | low7)
}

// TrimSpace drops the spaces and tabs around a field.
func TrimSpace(s []byte) []byte {
	for len(s) > 0 && isSpace(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && isSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}

// IsBlank reports whether a line holds nothing but spaces and tabs.
func IsBlank(line []byte) bool { return len(TrimSpace(line)) == 0 }

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

// ParseTime reads a date as RFC 3339, YYYY-MM-DD or YYYYMMDD; dates
// without a time of day are midnight UTC.
func ParseTime(s []byte) (time.Time, error) {
	if len(s) > maxTimeBytes {
		return time.Time{}, fmt.Errorf("time %s: longer than %d bytes", Quote(s), maxTimeBytes)
	}
	t, ok := time.Time{}, false
	switch {
	case len(s) == 10 && s[4] == '-' && s[7] == '-':
		t, ok = date(s[0:4], s[5:7], s[8:10])
	case len(s) == 8:
		t, ok = date(s[0:4], s[4:6], s[6:8])
	default:
		var err error
		t, err = time.Parse(time.RFC3339, string(s))
		ok = err == nil
	}
	switch {
	case !ok:
		return time.Time{}, fmt.Errorf("time %s: not RFC 3339, YYYY-MM-DD or YYYYMMDD", Quote(s))
	case t.IsZero():
		return time.Time{}, fmt.Errorf("time %s: out of range: 0001-01-01T00:00:00Z is Go's zero time, which stands for no time", Quote(s))
	}
	return t, nil
}

// date returns midnight UTC of a calendar date, if it is one.
func date(year, month, day []byte) (time.Time, bool) {
	y, ok1 := digits(year)
	m, ok2 := digits(month)
	d, ok3 := digits(day)
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return t, t.Day() == d // time.Date would roll February 30 into March
}

func digits(s []byte) (int, bool) {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// plainAmount reads an amount written as most are, an optional minus
// sign and at most 18 digits with an optional point, such as -19.99, and
// reports false for any other.
func plainAmount(s []byte) (Amount, bool) {
	i, neg := 0, false
	if len(s) > 0 && s[0] == '-' {
		i, neg = 1, true
	}
	var units int64
	digits, places, dot := 0, int32(0), false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			units = units*10 + int64(c-'0')
			digits++
			if dot {
				places++
			}
		case c == '.' && !dot:
			dot = true
		default:
			return Amount{}, false
		}
	}
	if digits == 0 || digits > 18 {
		return Amount{}, false
	}
	if neg {
		units = -units
	}
	return Amount{Units: units, Places: places}, true
}

// An Amount is a parsed amount: units × 10^−places while it fits an
// int64, and otherwise big.
type Amount struct {
	Units  int64
	Places int32
	Big    *decimal.Decimal
}

func (a Amount) Decimal() decimal.Decimal {
	if a.Big != nil {
		return *a.Big
	}
	return decimal.New(a.Units, -a.Places)
}

func (a Amount) Negative() bool {
	if a.Big != nil {
		return a.Big.Sign() < 0
	}
	return a.Units < 0
}

// ParseAmount reads a decimal number: an optional sign, digits with an
// optional point, and an optional exponent, as in -19.99, 5, .5 or 2.5e3.
// It refuses, naming the limit, an amount of 10^24 or more in magnitude
// or with more than 30 decimal places, as the library would, but before
// any arithmetic, so that 1e-2000000000 costs no more than 1.
func ParseAmount(s []byte) (Amount, error) {
	if a, ok := plainAmount(s); ok {
		return a, nil
	}
	if len(s) > maxAmountBytes {
		return Amount{}, fmt.Errorf("amount %s: longer than %d bytes", Quote(s), maxAmountBytes)
	}
	notANumber := func() (Amount, error) {
		return Amount{}, fmt.Errorf("amount %s: not a decimal number", Quote(s))
	}
	i, neg := 0, false
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		neg = s[i] == '-'
		i++
	}
	// The significant digits, without leading zeros, and the places
	// after the point.
	var coefBuf [maxAmountBytes]byte
	coef := coefBuf[:0]
	seen, dot, places := false, false, int64(0)
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			seen = true
			if dot {
				places++
			}
			if c != '0' || len(coef) > 0 {
				coef = append(coef, c)
			}
			continue
		case c == '.' && !dot:
			dot = true
			continue
		}
		break
	}
	if !seen {
		return notANumber()
	}
	exp := int64(0)
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		eneg := false
		if i < len(s) && (s[i] == '-' || s[i] == '+') {
			eneg = s[i] == '-'
			i++
		}
		start := i
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			if exp < 1e12 { // far beyond any limit; saturate, never overflow
				exp = exp*10 + int64(s[i]-'0')
			}
		}
		if i == start {
			return notANumber()
		}
		if eneg {
			exp = -exp
		}
	}
	if i != len(s) {
		return notANumber()
	}
	// Trailing zeros are harmless: 0.05 written with 40 places is 0.05.
	for len(coef) > 0 && coef[len(coef)-1] == '0' {
		coef = coef[:len(coef)-1]
		places--
	}
	if len(coef) == 0 {
		return Amount{}, nil
	}
	places -= exp // the value is coef × 10^−places
	switch {
	case int64(len(coef))-places > maxAmountDigits:
		return Amount{}, fmt.Errorf("amount %s: out of range: must be below 10^%d in magnitude", Quote(s), maxAmountDigits)
	case places > maxAmountPlaces:
		return Amount{}, fmt.Errorf("amount %s: out of range: at most %d decimal places", Quote(s), maxAmountPlaces)
	}
	if len(coef) <= 18 {
		var units int64
		for _, c := range coef {
			units = units*10 + int64(c-'0')
		}
		// Scaled to whole units while they fit; if they do not, the
		// digits and places as they were, for the decimal.
		scaled, p := units, places
		for ; p < 0 && scaled <= 1e17; p++ {
			scaled *= 10
		}
		if p >= 0 {
			if neg {
				scaled = -scaled
			}
			return Amount{Units: scaled, Places: int32(p)}, nil
		}
	}
	n, _ := new(big.Int).SetString(string(coef), 10) // digits only
	if neg {
		n.Neg(n)
	}
	d := decimal.NewFromBigInt(n, int32(-places))
	return Amount{Big: &d}, nil
}
