package clv

// This file implements the binary encoding of an Accumulator, so that
// summaries of parts of a log can travel between the workers of a
// distributed engine and merge where they meet. The encoding holds what
// the Accumulator holds — segments, window cells, each customer's id and
// windows — so its size grows with customers, windows and segments, never
// with rows; every integer is a varint.
//
//	magic "CLVA", version 1
//	period, places, rows
//	if rows > 0: lo (signed), hi − lo
//	segments: count, then each name: length, bytes
//	cells: count, then each: segment, window − lo, purchases, refunds,
//	       revenue units (signed), spill (0, or 1 and the decimal as text)
//	customers: count, then each: id length, id, and either
//	       0, segments, base − lo, then each: segment, windows (64 bits), or
//	       1, first − lo, sets, then each: segment, lo (signed), words, each word
//	CRC-32 (IEEE) of all that comes before it, 4 bytes, little-endian
//
// A decoder trusts none of it: every count is bounded by the bytes left
// before anything is allocated, and the decoded Accumulator is checked
// to be one that adding purchases could have built.

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math"
	"math/bits"

	"github.com/clvkit/clv/internal/fixed"
	"github.com/shopspring/decimal"
)

const (
	encodingMagic   = "CLVA"
	encodingVersion = 1
)

// MarshalBinary returns the Accumulator in the binary form
// [Accumulator.UnmarshalBinary] reads, as [Accumulator.AppendBinary]
// appends it to nothing.
func (a *Accumulator) MarshalBinary() ([]byte, error) {
	return a.AppendBinary(nil)
}

// AppendBinary appends the binary form of the Accumulator to b and returns
// the extended slice. The form is lossless: decoded, it gives the same
// [Summary], and merges as the Accumulator would. Its size grows with the
// customers, windows and segments summarised, never with the rows; a
// customer of a log by month takes about as many bytes as their id, plus
// five or six. It never fails; the error is there for
// [encoding.BinaryAppender].
func (a *Accumulator) AppendBinary(b []byte) ([]byte, error) {
	start := len(b)
	b = append(b, encodingMagic...)
	b = binary.AppendUvarint(b, encodingVersion)
	b = binary.AppendUvarint(b, uint64(a.period))
	b = binary.AppendUvarint(b, uint64(a.places))
	b = binary.AppendUvarint(b, uint64(a.rows))
	if a.rows > 0 {
		b = binary.AppendVarint(b, int64(a.lo))
		b = binary.AppendUvarint(b, uint64(a.hi-a.lo))
		b = binary.AppendUvarint(b, uint64(len(a.segments)))
		for _, name := range a.segments {
			b = appendBytes(b, name)
		}
		b = binary.AppendUvarint(b, uint64(len(a.cells)))
		for i := range a.cells {
			c := &a.cells[i]
			b = binary.AppendUvarint(b, uint64(c.segment))
			b = binary.AppendUvarint(b, uint64(c.window-a.lo))
			b = binary.AppendUvarint(b, uint64(c.purchases))
			b = binary.AppendUvarint(b, uint64(c.refunds))
			b = binary.AppendVarint(b, c.revenue.units)
			if c.revenue.spill.IsZero() {
				b = append(b, 0)
			} else {
				b = appendBytes(append(b, 1), c.revenue.spill.String())
			}
		}
		b = binary.AppendUvarint(b, uint64(a.count))
		for i := range a.count {
			b = a.appendCustomer(b, a.customer(i))
		}
	}
	return binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b[start:])), nil
}

func appendBytes(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

func (a *Accumulator) appendCustomer(b []byte, c *customerState) []byte {
	b = appendBytes(b, a.id(c))
	if c.extra == 0 {
		b = append(b, 0, c.n)
		b = binary.AppendUvarint(b, uint64(c.base-a.lo))
		for k := range c.n {
			b = binary.AppendUvarint(b, uint64(c.segments[k]))
			b = binary.AppendUvarint(b, c.windows[k])
		}
		return b
	}
	x := &a.extras[c.extra-1]
	b = append(b, 1)
	b = binary.AppendUvarint(b, uint64(x.first-a.lo))
	b = binary.AppendUvarint(b, uint64(len(x.sets)))
	for _, s := range x.sets {
		b = binary.AppendUvarint(b, uint64(s.segment))
		b = binary.AppendVarint(b, int64(s.lo))
		b = binary.AppendUvarint(b, uint64(len(s.words)))
		for _, w := range s.words {
			b = binary.AppendUvarint(b, w)
		}
	}
	return b
}

// UnmarshalBinary sets the Accumulator to the one data encodes, as
// [Accumulator.AppendBinary] wrote it; it works on the zero Accumulator,
// and replaces whatever the Accumulator held. It trusts nothing in data:
// it returns an error wrapping [ErrMalformed], and leaves the Accumulator
// as it was, for data that is truncated, altered, of another version, or
// describes an Accumulator that adding purchases could not have built; it
// never allocates more than a small multiple of len(data).
func (a *Accumulator) UnmarshalBinary(data []byte) error {
	d := decoder{data: data}
	got, err := d.accumulator()
	if err != nil {
		return err
	}
	*a = *got
	return nil
}

// A decoder reads an encoded Accumulator.
type decoder struct {
	data []byte
	at   int
	err  error
}

// fail records the first failure, naming what was being read.
func (d *decoder) fail(what string, reason string) {
	if d.err == nil {
		d.err = &argError{fn: "decode accumulator", arg: what, note: fmt.Sprintf("at byte %d", d.at), err: fmt.Errorf("%w: %s", ErrMalformed, reason)}
	}
}

func (d *decoder) uvarint(what string) uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.data[d.at:])
	if n <= 0 || n != uvarintSize(v) { // one encoding for each number
		d.fail(what, "not a number")
		return 0
	}
	d.at += n
	return v
}

// uvarintSize is the number of bytes binary.AppendUvarint writes for v.
func uvarintSize(v uint64) int { return max(1, (bits.Len64(v)+6)/7) }

func (d *decoder) varint(what string) int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.data[d.at:])
	if n <= 0 || n != uvarintSize(uint64(v<<1)^uint64(v>>63)) {
		d.fail(what, "not a number")
		return 0
	}
	d.at += n
	return v
}

// upTo reads a number no larger than max.
func (d *decoder) upTo(what string, max uint64) uint64 {
	v := d.uvarint(what)
	if v > max {
		d.fail(what, fmt.Sprintf("%d, more than %d", v, max))
		return 0
	}
	return v
}

// count reads how many items follow, each of at least size bytes, which
// the bytes left must hold: no count can make the decoder allocate more
// than the data could describe.
func (d *decoder) count(what string, size int, max uint64) int {
	left := uint64(len(d.data)-d.at) / uint64(size)
	return int(d.upTo(what, min(max, left)))
}

func (d *decoder) bytes(what string, max int) []byte {
	n := d.uvarint(what)
	if d.err != nil {
		return nil
	}
	if n > uint64(max) {
		d.fail(what, fmt.Sprintf("a length of %d, more than %d", n, max))
		return nil
	}
	if int(n) > len(d.data)-d.at {
		d.fail(what, "truncated")
		return nil
	}
	b := d.data[d.at : d.at+int(n)]
	d.at += int(n)
	return b
}

func (d *decoder) byte(what string) byte {
	if d.err != nil {
		return 0
	}
	if d.at >= len(d.data) {
		d.fail(what, "truncated")
		return 0
	}
	d.at++
	return d.data[d.at-1]
}

func (d *decoder) accumulator() (*Accumulator, error) {
	if len(d.data) < len(encodingMagic)+4 || string(d.data[:len(encodingMagic)]) != encodingMagic {
		d.fail("magic", "not an encoded Accumulator")
		return nil, d.err
	}
	body := len(d.data) - 4
	if crc32.ChecksumIEEE(d.data[:body]) != binary.LittleEndian.Uint32(d.data[body:]) {
		d.fail("checksum", "the data was altered or cut short")
		return nil, d.err
	}
	d.data, d.at = d.data[:body], len(encodingMagic)
	if v := d.uvarint("version"); d.err == nil && v != encodingVersion {
		d.fail("version", fmt.Sprintf("%d, not %d", v, encodingVersion))
	}
	a := &Accumulator{period: Period(d.upTo("period", uint64(Week)))}
	a.places = int32(d.upTo("places", fixed.MaxPlaces))
	a.rows = int64(d.upTo("rows", math.MaxInt64))
	a.init()
	if d.err == nil && a.rows > 0 {
		d.contents(a)
	}
	if d.err == nil && d.at != len(d.data) {
		d.fail("end", "bytes after the last customer")
	}
	if d.err != nil {
		return nil, d.err
	}
	return a, nil
}

// contents reads the segments, cells and customers of a log with rows.
func (d *decoder) contents(a *Accumulator) {
	lo := d.varint("lo")
	if lo < math.MinInt32 || lo > math.MaxInt32-MaxWindows {
		d.fail("lo", "out of range")
	}
	a.lo = int32(lo)
	a.hi = a.lo + int32(d.upTo("span", MaxWindows-1))
	a.origin = a.lo
	span := int(a.hi-a.lo) + 1

	n := d.count("segments", 1, MaxSegments)
	for range n {
		name := d.bytes("segment", maxIDBytes)
		if d.err != nil {
			return
		}
		if _, ok := a.segmentIndex[string(name)]; ok {
			d.fail("segment", fmt.Sprintf("%.20q named twice", name))
			return
		}
		a.addSegment(string(name))
	}

	// The cells, each segment and window at most once, and their rows
	// adding up to the log's.
	cells := d.count("cells", 6, uint64(n*span))
	a.cells = make([]windowCell, 0, cells)
	bought := make(map[int64]int64, cells) // purchases, by segment<<32 | window − lo
	var rows int64
	first, last := a.hi, a.lo
	for range cells {
		c := windowCell{
			segment: int32(d.upTo("cell segment", uint64(max(n-1, 0)))),
			window:  a.lo + int32(d.upTo("cell window", uint64(span-1))),
		}
		c.purchases = int64(d.upTo("purchases", math.MaxInt64))
		c.refunds = int64(d.upTo("refunds", math.MaxInt64-uint64(c.purchases)))
		c.revenue.units = d.varint("revenue")
		switch d.byte("spill") {
		case 0:
		case 1:
			c.revenue.spill = d.spill()
		default:
			d.fail("spill", "neither 0 nor 1")
		}
		key := int64(c.segment)<<32 | int64(c.window-a.lo)
		_, twice := bought[key]
		switch {
		case d.err != nil:
			return
		case twice:
			d.fail("cell", "a segment's window twice")
			return
		case c.purchases+c.refunds == 0:
			d.fail("cell", "no rows")
			return
		case rows > math.MaxInt64-c.purchases-c.refunds:
			d.fail("cell", "rows overflow")
			return
		}
		bought[key] = c.purchases
		rows += c.purchases + c.refunds
		first, last = min(first, c.window), max(last, c.window)
		a.cells = append(a.cells, c)
	}
	switch {
	case rows != a.rows:
		d.fail("cells", fmt.Sprintf("%d rows, the log %d", rows, a.rows))
		return
	case first != a.lo || last != a.hi:
		d.fail("cells", "not spanning the log's windows")
		return
	}
	purchased := func(segment, window int32) bool {
		return window >= a.lo && window <= a.hi && bought[int64(segment)<<32|int64(window-a.lo)] > 0
	}

	customers := d.count("customers", 6, math.MaxInt32)
	for range customers {
		d.customer(a, n, purchased)
		if d.err != nil {
			return
		}
	}
}

// spill reads the part of a revenue sum that overflowed its units: a
// plain decimal, as Decimal.String writes it, with at most MaxScale places
// once trailing zeros are dropped.
func (d *decoder) spill() decimal.Decimal {
	s := d.bytes("spill", 1000)
	for _, c := range s {
		if (c < '0' || c > '9') && c != '.' && c != '-' {
			d.fail("spill", "not a plain decimal")
			return decimal.Decimal{}
		}
	}
	v, err := decimal.NewFromString(string(s))
	if d.err == nil && err != nil {
		d.fail("spill", "not a decimal")
	}
	if d.err == nil && v.Exponent() < -MaxScale {
		if v = v.Normalize(); v.Exponent() < -MaxScale {
			d.fail("spill", "too many decimal places")
		}
	}
	return v
}

// customer reads one customer, whose every window must be one a purchase
// of their segment was made in.
func (d *decoder) customer(a *Accumulator, segments int, bought func(segment, window int32) bool) {
	id := d.bytes("customer", maxIDBytes)
	if d.err != nil {
		return
	}
	if len(id) == 0 {
		d.fail("customer", "an empty id")
		return
	}
	s := bytesString(id) // addCustomer copies it
	h := a.hash(s)
	_, slot, known := a.find(s, h)
	if known {
		d.fail("customer", fmt.Sprintf("%.20q twice", id))
		return
	}
	a.addCustomer(s, h, slot)
	c := a.customer(a.count - 1)
	switch d.byte("customer kind") {
	case 0:
		c.n = uint8(d.upTo("customer segments", inlineSegments))
		c.base = a.lo + int32(d.upTo("customer base", uint64(a.hi-a.lo)))
		if d.err == nil && c.n == 0 {
			d.fail("customer segments", "none")
		}
		for k := range c.n {
			s := d.upTo("customer segment", uint64(segments-1))
			c.segments[k], c.windows[k] = uint8(s), d.uvarint("customer windows")
			if d.err != nil {
				return
			}
			for j := range k {
				if c.segments[j] == c.segments[k] {
					d.fail("customer segment", "twice")
				}
			}
			if c.windows[k] == 0 {
				d.fail("customer windows", "none")
			}
			for w := c.windows[k]; w != 0 && d.err == nil; w &= w - 1 {
				if !bought(int32(s), c.base+int32(bits.TrailingZeros64(w))) {
					d.fail("customer windows", "a window without a purchase")
				}
			}
		}
	case 1:
		a.extras = append(a.extras, customerExtra{first: a.lo + int32(d.upTo("customer first", uint64(a.hi-a.lo)))})
		c.extra = int32(len(a.extras))
		x := &a.extras[c.extra-1]
		sets := d.count("customer sets", 3, uint64(segments))
		if d.err == nil && sets == 0 {
			d.fail("customer sets", "none")
		}
		first := int32(math.MaxInt32)
		for range sets {
			s := windowSet{segment: int32(d.upTo("set segment", uint64(segments-1)))}
			s.lo = int32(d.varint("set lo"))
			words := d.count("set words", 1, (MaxWindows+127)/64)
			if d.err == nil && (words == 0 || s.lo&63 != 0 || int64(s.lo) < int64(a.lo)-63 || int64(s.lo) > int64(a.hi)) {
				d.fail("set", "windows out of range")
			}
			for _, t := range x.sets {
				if t.segment == s.segment {
					d.fail("set segment", "twice")
				}
			}
			s.words = make([]uint64, 0, words)
			for k := range words {
				w := d.uvarint("set word")
				for v := w; v != 0 && d.err == nil; v &= v - 1 {
					win := s.lo + int32(64*k+bits.TrailingZeros64(v))
					if !bought(s.segment, win) {
						d.fail("set word", "a window without a purchase")
					}
					first = min(first, win)
				}
				s.words = append(s.words, w)
			}
			if d.err != nil {
				return
			}
			x.sets = append(x.sets, s)
		}
		if d.err == nil && first != x.first {
			d.fail("customer first", "not the first window bought in")
		}
	default:
		d.fail("customer kind", "neither 0 nor 1")
	}
}
