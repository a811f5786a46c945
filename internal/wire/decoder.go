// Package wire reads the binary encodings of clv's Accumulator and btyd's
// Summarizer: varints written in the fewest bytes, counts and lengths
// bounded before anything is allocated, and the first failure kept, so
// that a decoder checks for an error once after a run of reads instead of
// after each. Each package words its own errors; wire says only what was
// being read, where, and why it could not be.
package wire

import (
	"encoding/binary"
	"fmt"
	"math/bits"
)

// A Decoder reads numbers and byte strings from Data, starting at At. A
// read that fails records the failure in Err and returns zero, as does
// every read after it, and leaves At where the failure was found.
type Decoder struct {
	// Data is the encoding and At the index of the next byte to read.
	Data []byte
	At   int
	// Err is the first failure, nil until there is one.
	Err error
	// Failure makes the error of a read that failed: what was being read,
	// the byte reached, and the reason. The encodings wrap different
	// sentinels in different messages; the reads are the same.
	Failure func(what string, at int, reason string) error
}

// Fail records that reading what failed for reason, unless a read failed
// before: the first failure is the one that explains the others.
func (d *Decoder) Fail(what, reason string) {
	if d.Err == nil {
		d.Err = d.Failure(what, d.At, reason)
	}
}

// Uvarint reads an unsigned varint. It accepts only the fewest bytes that
// hold the number, as [binary.AppendUvarint] writes them, so that each
// number has one encoding and a decoded value encodes to the bytes it
// came from.
func (d *Decoder) Uvarint(what string) uint64 {
	if d.Err != nil {
		return 0
	}
	if d.At < len(d.Data) && d.Data[d.At] < 0x80 { // most numbers: one byte
		d.At++
		return uint64(d.Data[d.At-1])
	}
	v, n := binary.Uvarint(d.Data[d.At:])
	if n <= 0 || n != max(1, (bits.Len64(v)+6)/7) {
		d.Fail(what, "not a number")
		return 0
	}
	d.At += n
	return v
}

// Varint reads a signed varint, zig-zag encoded, as [binary.AppendVarint]
// writes it. Zig-zag maps the signed numbers one to one onto the
// unsigned, so the fewest bytes of one are the fewest of the other.
func (d *Decoder) Varint(what string) int64 {
	u := d.Uvarint(what)
	return int64(u>>1) ^ -int64(u&1)
}

// UpTo reads an unsigned varint no larger than limit.
func (d *Decoder) UpTo(what string, limit uint64) uint64 {
	v := d.Uvarint(what)
	if v > limit {
		d.Fail(what, fmt.Sprintf("%d, more than %d", v, limit))
		return 0
	}
	return v
}

// Count reads how many items follow, no more than limit, each of at least
// size bytes, which the bytes left, the count's own among them, must hold:
// no count can make a decoder allocate more than a small multiple of the
// data.
func (d *Decoder) Count(what string, size int, limit uint64) int {
	left := uint64(len(d.Data)-d.At) / uint64(size)
	return int(d.UpTo(what, min(limit, left)))
}

// Bytes reads a length, no more than limit, and as many bytes. It returns
// them in place, without copying: a caller that keeps them copies them.
func (d *Decoder) Bytes(what string, limit int) []byte {
	n := d.Uvarint(what)
	if d.Err != nil {
		return nil
	}
	if n > uint64(limit) {
		d.Fail(what, fmt.Sprintf("a length of %d, more than %d", n, limit))
		return nil
	}
	if n > uint64(len(d.Data)-d.At) {
		d.Fail(what, "truncated")
		return nil
	}
	d.At += int(n)
	return d.Data[d.At-int(n) : d.At]
}

// Byte reads one byte.
func (d *Decoder) Byte(what string) byte {
	if d.Err != nil {
		return 0
	}
	if d.At >= len(d.Data) {
		d.Fail(what, "truncated")
		return 0
	}
	d.At++
	return d.Data[d.At-1]
}
