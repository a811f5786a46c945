package wire

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// decoder returns a Decoder of data whose failures read "what at byte:
// reason", and counts them in *failures.
func decoder(data []byte, failures *int) *Decoder {
	return &Decoder{Data: data, Failure: func(what string, at int, reason string) error {
		*failures++
		return fmt.Errorf("%s at %d: %s", what, at, reason)
	}}
}

// errString is the message of err, "" for nil.
func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestUvarint reads one number from each input: what it reads, where it
// stops, and why it fails.
func TestUvarint(t *testing.T) {
	for _, c := range []struct {
		in  string
		v   uint64
		at  int
		err string
	}{
		// the fewest bytes
		{"\x00", 0, 1, ""},
		{"\x7f", 127, 1, ""},
		{"\x80\x01", 128, 2, ""},
		{"\xac\x02", 300, 2, ""},
		{"\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", math.MaxUint64, 10, ""},
		{"\x05\x06", 5, 1, ""}, // what follows is left to read
		// more bytes than the number needs
		{"\x80\x00", 0, 0, "n at 0: not a number"},
		{"\x81\x00", 1, 0, "n at 0: not a number"},
		{"\xac\x82\x00", 300, 0, "n at 0: not a number"},
		{"\xff\xff\xff\xff\xff\xff\xff\xff\xff\x00", 0, 0, "n at 0: not a number"},
		// beyond 64 bits
		{"\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02", 0, 0, "n at 0: not a number"},
		{"\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01", 0, 0, "n at 0: not a number"},
		// truncated
		{"", 0, 0, "n at 0: not a number"},
		{"\x80", 0, 0, "n at 0: not a number"},
		{"\xff\xff", 0, 0, "n at 0: not a number"},
	} {
		var failures int
		d := decoder([]byte(c.in), &failures)
		v := d.Uvarint("n")
		assert.Equal(t, c.err, errString(d.Err), "%q", c.in)
		if c.err == "" {
			assert.Equal(t, c.v, v, "%q", c.in)
		} else {
			assert.Zero(t, v, "%q", c.in)
		}
		assert.Equal(t, c.at, d.At, "%q", c.in)
	}
}

// FuzzUvarint checks that Uvarint and Varint accept a prefix of any data
// exactly when it is what binary.AppendUvarint or binary.AppendVarint
// writes for the number it decodes to, the number binary.Uvarint or
// binary.Varint reads there: one encoding for each number, and the same
// one as the encoder's.
func FuzzUvarint(f *testing.F) {
	for _, s := range []string{"", "\x00", "\x7f", "\x80\x01", "\x80\x00", "\x01\x80", "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var failures int
		d := decoder(data, &failures)
		u := d.Uvarint("u")
		wantU, n := binary.Uvarint(data)
		agree(t, data, d, u, wantU, n, binary.AppendUvarint(nil, wantU))

		d = decoder(data, &failures)
		v := d.Varint("v")
		wantV, n := binary.Varint(data)
		agree(t, data, d, v, wantV, n, binary.AppendVarint(nil, wantV))
	})
}

// agree fails t unless d read got from data just when encoding/binary
// reads want in n bytes there and writes want as those bytes.
func agree[T comparable](t *testing.T, data []byte, d *Decoder, got, want T, n int, written []byte) {
	t.Helper()
	ok := n > 0 && bytes.Equal(written, data[:n])
	switch {
	case ok != (d.Err == nil):
		t.Fatalf("%x: the Decoder fails with %v; encoding/binary reads %v in %d bytes", data, d.Err, want, n)
	case ok && (got != want || d.At != n):
		t.Fatalf("%x: the Decoder reads %v in %d bytes; encoding/binary %v in %d", data, got, d.At, want, n)
	}
}

// TestVarint reads the numbers binary.AppendVarint writes at the edges of
// int64 and of one and two bytes.
func TestVarint(t *testing.T) {
	var data []byte
	values := []int64{0, -1, 1, -64, 63, -65, 64, -8192, 8191, math.MinInt64, math.MaxInt64}
	for _, v := range values {
		data = binary.AppendVarint(data, v)
	}
	var failures int
	d := decoder(data, &failures)
	for _, v := range values {
		assert.Equal(t, v, d.Varint("v"))
	}
	require.NoError(t, d.Err)
	assert.Equal(t, len(data), d.At)
}

// TestFirstFailureKept fails a read and reads on: every read returns
// zero, none moves, and the error is the first one's, made once.
func TestFirstFailureKept(t *testing.T) {
	var failures int
	d := decoder([]byte("\x05\x80\x00\x07\x02ab\x01"), &failures)
	require.Equal(t, uint64(5), d.Uvarint("first"))
	d.Uvarint("second") // two bytes for 0
	require.Equal(t, "second at 1: not a number", errString(d.Err))
	assert.Zero(t, d.Uvarint("third"))
	assert.Zero(t, d.Varint("third"))
	assert.Zero(t, d.UpTo("third", 10))
	assert.Zero(t, d.Count("third", 1, 10))
	assert.Nil(t, d.Bytes("third", 10))
	assert.Zero(t, d.Byte("third"))
	d.Fail("third", "refused")
	assert.Equal(t, "second at 1: not a number", errString(d.Err))
	assert.Equal(t, 1, d.At)
	assert.Equal(t, 1, failures)
}

// TestLimits reads a number, a count and a length up to their limits and
// past them.
func TestLimits(t *testing.T) {
	for _, c := range []struct {
		name string
		in   string
		read func(d *Decoder) any
		want any
		at   int
		err  string
	}{
		// UpTo
		{"at the limit", "\x0a", func(d *Decoder) any { return d.UpTo("n", 10) }, uint64(10), 1, ""},
		{"past the limit", "\x0b", func(d *Decoder) any { return d.UpTo("n", 10) }, uint64(0), 1, "n at 1: 11, more than 10"},
		{"not a number", "\x80", func(d *Decoder) any { return d.UpTo("n", 10) }, uint64(0), 0, "n at 0: not a number"},
		// Count: no more items than the bytes left, the count's own among
		// them, hold
		{"as many as the bytes hold", "\x02abcd", func(d *Decoder) any { return d.Count("items", 2, 10) }, 2, 1, ""},
		{"more than the bytes hold", "\x03abcd", func(d *Decoder) any { return d.Count("items", 2, 10) }, 0, 1, "items at 1: 3, more than 2"},
		{"more than the limit", "\x03abcdef", func(d *Decoder) any { return d.Count("items", 2, 2) }, 0, 1, "items at 1: 3, more than 2"},
		{"a huge count", "\xff\xff\xff\xff\x0f", func(d *Decoder) any { return d.Count("items", 1, math.MaxInt64) }, 0, 5, "items at 5: 4294967295, more than 5"},
		// Bytes
		{"a string", "\x02ab!", func(d *Decoder) any { return string(d.Bytes("s", 2)) }, "ab", 3, ""},
		{"empty", "\x00", func(d *Decoder) any { return string(d.Bytes("s", 2)) }, "", 1, ""},
		{"longer than the limit", "\x03abc", func(d *Decoder) any { return string(d.Bytes("s", 2)) }, "", 1, "s at 1: a length of 3, more than 2"},
		{"longer than the data", "\x03ab", func(d *Decoder) any { return string(d.Bytes("s", 5)) }, "", 1, "s at 1: truncated"},
		{"a length beyond int", "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", func(d *Decoder) any { return string(d.Bytes("s", math.MaxInt)) }, "", 10, "s at 10: a length of 18446744073709551615, more than 9223372036854775807"},
		// Byte
		{"a byte", "\xff", func(d *Decoder) any { return d.Byte("b") }, byte(0xff), 1, ""},
		{"no byte", "", func(d *Decoder) any { return d.Byte("b") }, byte(0), 0, "b at 0: truncated"},
	} {
		var failures int
		d := decoder([]byte(c.in), &failures)
		assert.Equal(t, c.want, c.read(d), c.name)
		assert.Equal(t, c.err, errString(d.Err), c.name)
		assert.Equal(t, c.at, d.At, c.name)
	}
}

// TestBytesInPlace checks that Bytes returns the data's own bytes, not a
// copy, which the decoders rely on to allocate nothing per string.
func TestBytesInPlace(t *testing.T) {
	data := []byte("\x03abc")
	var failures int
	b := decoder(data, &failures).Bytes("s", 3)
	require.Len(t, b, 3)
	assert.Same(t, &data[1], &b[0])
}
