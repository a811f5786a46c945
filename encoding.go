package clv

// This file implements the binary encoding of an Accumulator, so that
// summaries of parts of a log can travel between the workers of a
// distributed engine and merge where they meet. The encoding holds what
// the Accumulator holds — segments, window cells, each customer's id and
// windows — so its size grows with customers, windows and segments, never
// with rows; every integer is a varint.
//
//	magic "CLVA", version 2
//	period, places, rows
//	if rows > 0: lo (signed), hi − lo,
//	       first day (signed, from 1970-01-01), last day − first day
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
	"github.com/clvkit/clv/internal/wire"
	"github.com/shopspring/decimal"
)

const (
	encodingMagic   = "CLVA"
	encodingVersion = 2 // 2 added the first and last days
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
		b = binary.AppendVarint(b, a.firstDay)
		b = binary.AppendUvarint(b, uint64(a.lastDay-a.firstDay))
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
	d := decoder{wire.Decoder{Data: data, Failure: decodeError}}
	got, err := d.accumulator()
	if err != nil {
		return err
	}
	*a = *got
	return nil
}

// A decoder reads an encoded Accumulator.
type decoder struct{ wire.Decoder }

// decodeError is the error of data UnmarshalBinary refuses: what was
// being read, the byte reached, and why it could not be.
func decodeError(what string, at int, reason string) error {
	return &argError{fn: "decode accumulator", arg: what, note: fmt.Sprintf("at byte %d", at), err: fmt.Errorf("%w: %s", ErrMalformed, reason)}
}

func (d *decoder) accumulator() (*Accumulator, error) {
	if len(d.Data) < len(encodingMagic)+4 || string(d.Data[:len(encodingMagic)]) != encodingMagic {
		d.Fail("magic", "not an encoded Accumulator")
		return nil, d.Err
	}
	body := len(d.Data) - 4
	if crc32.ChecksumIEEE(d.Data[:body]) != binary.LittleEndian.Uint32(d.Data[body:]) {
		d.Fail("checksum", "the data was altered or cut short")
		return nil, d.Err
	}
	d.Data, d.At = d.Data[:body], len(encodingMagic)
	if v := d.Uvarint("version"); d.Err == nil && v != encodingVersion {
		d.Fail("version", fmt.Sprintf("%d, not %d", v, encodingVersion))
	}
	a := &Accumulator{period: Period(d.UpTo("period", uint64(Week)))}
	a.places = int32(d.UpTo("places", fixed.MaxPlaces))
	a.rows = int64(d.UpTo("rows", math.MaxInt64))
	a.init()
	if d.Err == nil && a.rows > 0 {
		d.contents(a)
	}
	if d.Err == nil && d.At != len(d.Data) {
		d.Fail("end", "bytes after the last customer")
	}
	if d.Err != nil {
		return nil, d.Err
	}
	return a, nil
}

// contents reads the segments, cells and customers of a log with rows.
func (d *decoder) contents(a *Accumulator) {
	lo := d.Varint("lo")
	if lo < math.MinInt32 || lo > math.MaxInt32-MaxWindows {
		d.Fail("lo", "out of range")
	}
	a.lo = int32(lo)
	a.hi = a.lo + int32(d.UpTo("span", MaxWindows-1))
	a.origin = a.lo
	span := int(a.hi-a.lo) + 1
	// The first and last days fall in the first and last windows, as the
	// rows' days do.
	a.firstDay = d.Varint("first day")
	a.lastDay = a.firstDay + int64(d.UpTo("days", uint64(endUnix-firstUnix)/(24*60*60)))
	if d.Err == nil && (a.firstDay < firstUnix/(24*60*60) || a.lastDay >= endUnix/(24*60*60) ||
		dayWindow(a.firstDay, a.period) != int64(a.lo) || dayWindow(a.lastDay, a.period) != int64(a.hi)) {
		d.Fail("days", "outside the first and last windows")
		return
	}

	n := d.Count("segments", 1, MaxSegments)
	for range n {
		name := d.Bytes("segment", maxIDBytes)
		if d.Err != nil {
			return
		}
		if _, ok := a.segmentIndex[string(name)]; ok {
			d.Fail("segment", fmt.Sprintf("%.20q named twice", name))
			return
		}
		a.addSegment(string(name))
	}

	// The cells, each segment and window at most once, and their rows
	// adding up to the log's.
	cells := d.Count("cells", 6, uint64(n*span))
	a.cells = make([]windowCell, 0, cells)
	bought := make(map[int64]int64, cells) // purchases, by segment<<32 | window − lo
	var rows int64
	first, last := a.hi, a.lo
	for range cells {
		c := windowCell{
			segment: int32(d.UpTo("cell segment", uint64(max(n-1, 0)))),
			window:  a.lo + int32(d.UpTo("cell window", uint64(span-1))),
		}
		c.purchases = int64(d.UpTo("purchases", math.MaxInt64))
		c.refunds = int64(d.UpTo("refunds", math.MaxInt64-uint64(c.purchases)))
		c.revenue.units = d.Varint("revenue")
		switch d.Byte("spill") {
		case 0:
		case 1:
			c.revenue.spill = d.spill()
		default:
			d.Fail("spill", "neither 0 nor 1")
		}
		key := int64(c.segment)<<32 | int64(c.window-a.lo)
		_, twice := bought[key]
		switch {
		case d.Err != nil:
			return
		case twice:
			d.Fail("cell", "a segment's window twice")
			return
		case c.purchases+c.refunds == 0:
			d.Fail("cell", "no rows")
			return
		case rows > math.MaxInt64-c.purchases-c.refunds:
			d.Fail("cell", "rows overflow")
			return
		}
		bought[key] = c.purchases
		rows += c.purchases + c.refunds
		first, last = min(first, c.window), max(last, c.window)
		a.cells = append(a.cells, c)
	}
	switch {
	case rows != a.rows:
		d.Fail("cells", fmt.Sprintf("%d rows, the log %d", rows, a.rows))
		return
	case first != a.lo || last != a.hi:
		d.Fail("cells", "not spanning the log's windows")
		return
	}
	purchased := func(segment, window int32) bool {
		return window >= a.lo && window <= a.hi && bought[int64(segment)<<32|int64(window-a.lo)] > 0
	}

	customers := d.Count("customers", 6, math.MaxInt32)
	for range customers {
		d.customer(a, n, purchased)
		if d.Err != nil {
			return
		}
	}
}

// spill reads the part of a revenue sum that overflowed its units: a
// plain decimal, as Decimal.String writes it, with at most MaxScale places
// once trailing zeros are dropped.
func (d *decoder) spill() decimal.Decimal {
	s := d.Bytes("spill", 1000)
	for _, c := range s {
		if (c < '0' || c > '9') && c != '.' && c != '-' {
			d.Fail("spill", "not a plain decimal")
			return decimal.Decimal{}
		}
	}
	v, err := decimal.NewFromString(string(s))
	if d.Err == nil && err != nil {
		d.Fail("spill", "not a decimal")
	}
	if d.Err == nil && v.Exponent() < -MaxScale {
		if v = v.Normalize(); v.Exponent() < -MaxScale {
			d.Fail("spill", "too many decimal places")
		}
	}
	return v
}

// customer reads one customer, whose every window must be one a purchase
// of their segment was made in.
func (d *decoder) customer(a *Accumulator, segments int, bought func(segment, window int32) bool) {
	id := d.Bytes("customer", maxIDBytes)
	if d.Err != nil {
		return
	}
	if len(id) == 0 {
		d.Fail("customer", "an empty id")
		return
	}
	s := bytesString(id) // addCustomer copies it
	h := a.hash(s)
	_, slot, known := a.find(s, h)
	if known {
		d.Fail("customer", fmt.Sprintf("%.20q twice", id))
		return
	}
	a.addCustomer(s, h, slot)
	c := a.customer(a.count - 1)
	switch d.Byte("customer kind") {
	case 0:
		c.n = uint8(d.UpTo("customer segments", inlineSegments))
		c.base = a.lo + int32(d.UpTo("customer base", uint64(a.hi-a.lo)))
		if d.Err == nil && c.n == 0 {
			d.Fail("customer segments", "none")
		}
		for k := range c.n {
			s := d.UpTo("customer segment", uint64(segments-1))
			c.segments[k], c.windows[k] = uint8(s), d.Uvarint("customer windows")
			if d.Err != nil {
				return
			}
			for j := range k {
				if c.segments[j] == c.segments[k] {
					d.Fail("customer segment", "twice")
				}
			}
			if c.windows[k] == 0 {
				d.Fail("customer windows", "none")
			}
			for w := c.windows[k]; w != 0 && d.Err == nil; w &= w - 1 {
				if !bought(int32(s), c.base+int32(bits.TrailingZeros64(w))) {
					d.Fail("customer windows", "a window without a purchase")
				}
			}
		}
	case 1:
		a.extras = append(a.extras, customerExtra{first: a.lo + int32(d.UpTo("customer first", uint64(a.hi-a.lo)))})
		c.extra = int32(len(a.extras))
		x := &a.extras[c.extra-1]
		sets := d.Count("customer sets", 3, uint64(segments))
		if d.Err == nil && sets == 0 {
			d.Fail("customer sets", "none")
		}
		first := int32(math.MaxInt32)
		for range sets {
			s := windowSet{segment: int32(d.UpTo("set segment", uint64(segments-1)))}
			s.lo = int32(d.Varint("set lo"))
			words := d.Count("set words", 1, (MaxWindows+127)/64)
			if d.Err == nil && (words == 0 || s.lo&63 != 0 || int64(s.lo) < int64(a.lo)-63 || int64(s.lo) > int64(a.hi)) {
				d.Fail("set", "windows out of range")
			}
			for _, t := range x.sets {
				if t.segment == s.segment {
					d.Fail("set segment", "twice")
				}
			}
			s.words = make([]uint64, 0, words)
			for k := range words {
				w := d.Uvarint("set word")
				for v := w; v != 0 && d.Err == nil; v &= v - 1 {
					win := s.lo + int32(64*k+bits.TrailingZeros64(v))
					if !bought(s.segment, win) {
						d.Fail("set word", "a window without a purchase")
					}
					first = min(first, win)
				}
				s.words = append(s.words, w)
			}
			if d.Err != nil {
				return
			}
			x.sets = append(x.sets, s)
		}
		if d.Err == nil && first != x.first {
			d.Fail("customer first", "not the first window bought in")
		}
	default:
		d.Fail("customer kind", "neither 0 nor 1")
	}
}
