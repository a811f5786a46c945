package clv_test

import (
	"bytes"
	"encoding"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/clvkit/clv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	_ encoding.BinaryMarshaler   = (*clv.Accumulator)(nil)
	_ encoding.BinaryAppender    = (*clv.Accumulator)(nil)
	_ encoding.BinaryUnmarshaler = (*clv.Accumulator)(nil)
)

// decoded returns acc encoded and decoded.
func decoded(t testing.TB, acc *clv.Accumulator) *clv.Accumulator {
	t.Helper()
	b, err := acc.MarshalBinary()
	require.NoError(t, err)
	var got clv.Accumulator
	require.NoError(t, got.UnmarshalBinary(b))
	again, err := got.MarshalBinary()
	require.NoError(t, err)
	require.True(t, bytes.Equal(b, again), "the encoding of a decoded Accumulator is the same")
	return &got
}

// A decoded Accumulator summarises as the original, merges as it, and
// goes on taking purchases as it would.
func TestEncodingRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 13))
	for _, p := range []clv.Period{clv.Week, clv.Month, clv.Quarter, clv.Year} {
		for _, span := range []int{1, 30, 200} {
			log := randomLog(rng, 1+rng.IntN(600), p, span)
			half := len(log) / 2
			a, _ := clv.NewAccumulator(p)
			b, _ := clv.NewAccumulator(p)
			require.NoError(t, a.AddAll(slices.Values(log[:half])))
			require.NoError(t, b.AddAll(slices.Values(log[half:])))
			da, db := decoded(t, a), decoded(t, b)
			assertSummary(t, a.Summary(), da.Summary())
			assertSummary(t, b.Summary(), db.Summary())

			require.NoError(t, da.Merge(db))
			require.NoError(t, a.Merge(b))
			assertSummary(t, refSummary(p, log), da.Summary())

			// More purchases, into the decoded one and the original.
			more := randomLog(rng, 100, p, span)
			require.NoError(t, da.AddAll(slices.Values(more)))
			require.NoError(t, a.AddAll(slices.Values(more)))
			assertSummary(t, a.Summary(), da.Summary())
			assertSummary(t, refSummary(p, append(slices.Clone(log), more...)), decoded(t, da).Summary())
		}
	}

	// The zero Accumulator, and one with refunds only.
	var zero clv.Accumulator
	assert.Empty(t, decoded(t, &zero).Summary().Windows)
	refunds, _ := clv.NewAccumulator(clv.Week)
	require.NoError(t, refunds.Add(buy("a", "2024-01-01T00:00:00Z", "-5", "x")))
	assertSummary(t, refunds.Summary(), decoded(t, refunds).Summary())
}

// The encoding grows with customers, never with rows.
func TestEncodingSize(t *testing.T) {
	acc, _ := clv.NewAccumulator(clv.Month)
	for i := range 1000 {
		require.NoError(t, acc.Add(buy(fmt.Sprintf("cus_%06d", i), "2024-01-05T00:00:00Z", "10.00", "web")))
	}
	b1, _ := acc.MarshalBinary()
	for range 20 {
		for i := range 1000 {
			require.NoError(t, acc.Add(buy(fmt.Sprintf("cus_%06d", i), "2024-02-05T00:00:00Z", "12.50", "web")))
		}
	}
	b2, _ := acc.MarshalBinary()
	assert.Less(t, len(b2), len(b1)+100, "20,000 more rows of the same customers cost a few bytes")
	assert.Less(t, len(b2)/1000, 20, "bytes a customer with a 10-byte id")
}

// Truncated or altered data is refused with ErrMalformed, and leaves the
// Accumulator as it was.
func TestEncodingRefusesDamage(t *testing.T) {
	acc, _ := clv.NewAccumulator(clv.Month)
	require.NoError(t, acc.AddAll(slices.Values(randomLog(rand.New(rand.NewPCG(1, 2)), 200, clv.Month, 20))))
	good, _ := acc.MarshalBinary()
	target, _ := clv.NewAccumulator(clv.Week)
	require.NoError(t, target.Add(buy("z", "2024-01-01T00:00:00Z", "1", "")))
	before := target.Summary()
	check := func(what string, data []byte) {
		t.Helper()
		err := target.UnmarshalBinary(data)
		require.ErrorIs(t, err, clv.ErrMalformed, what)
		assertSummary(t, before, target.Summary())
	}
	for n := range len(good) {
		check("truncated", good[:n])
	}
	for i := range good {
		for bit := range 8 {
			bad := slices.Clone(good)
			bad[i] ^= 1 << bit
			check("a bit flipped", bad)
		}
	}
	check("a byte more", append(slices.Clone(good), 0))

	// Crafted data with a right checksum: another version, and contents
	// no log could make.
	withCRC := func(b []byte) []byte { return binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b)) }
	body := good[:len(good)-4]
	v1 := slices.Clone(body)
	v1[4] = 1
	err := target.UnmarshalBinary(withCRC(v1))
	require.ErrorIs(t, err, clv.ErrMalformed)
	assert.Equal(t, "clv: decode accumulator: version at byte 5: malformed encoding: 1, not 2", err.Error())
	// After "CLVA", version 2: period, places, rows, and with rows lo, span,
	// first day and days.
	for _, crafted := range []struct{ data, what string }{
		{"CLVA\x02\x09\x00\x00", "period"},                                                                                                               // period 9
		{"CLVA\x02\x02\x00\x05\x00\x00\x00\x00\x00\x00", "rows"},                                                                                         // rows but no cells
		{"CLVA\x02\x02\x00\x01\x00\x00\x00\x00\x01\x00\x01\x00\x00\x00\x00\x00\x00\x00", "cell"},                                                         // a cell of no rows
		{"CLVA\x02\x02\x00\x01\x00\x00\x00\x00\x02\x01a\x01a\x00", "segment"},                                                                            // a segment twice
		{"CLVA\x02\x02\x00\x02\x00\x01\x00\x28\x02\x00\x01b\x02\x00\x00\x01\x00\x02\x00\x01\x01\x01\x00\x02\x00\x01\x01x\x00\x01\x00\x00\x02", "window"}, // a customer of "" in a window without a purchase of theirs
		{"CLVA\x02\x02\x00\x01\x00\x00\x50\x00\x01\x00\x01\x00\x00\x01\x00\x01\x00\x00\x00", "days"},                                                     // a first day (40) after the only window (January 1970)
		{"CLVA\x02\x02\x00\x01\x00\x00\x00\x28\x01\x00\x01\x00\x00\x01\x00\x01\x00\x00\x00", "days"},                                                     // a last day (40) after it
	} {
		err := target.UnmarshalBinary(withCRC([]byte(crafted.data)))
		require.ErrorIs(t, err, clv.ErrMalformed, "%q", crafted.data)
		assert.Contains(t, err.Error(), crafted.what, "%q", crafted.data)
		assertSummary(t, before, target.Summary())
	}
}

// FuzzUnmarshalBinary decodes valid encodings mutated, their checksums
// mended or not: an error wrapping ErrMalformed or an Accumulator whose
// encoding is the input, never a panic, and never more memory than a
// small multiple of the input.
func FuzzUnmarshalBinary(f *testing.F) {
	rng := rand.New(rand.NewPCG(3, 3))
	for _, p := range []clv.Period{clv.Week, clv.Month, clv.Year} {
		acc, _ := clv.NewAccumulator(p)
		_ = acc.AddAll(slices.Values(randomLog(rng, 40, p, 80)))
		b, _ := acc.MarshalBinary()
		f.Add(b, true)
	}
	var zero clv.Accumulator
	b, _ := zero.MarshalBinary()
	f.Add(b, false)
	f.Fuzz(func(t *testing.T, data []byte, mend bool) {
		if mend && len(data) >= 4 {
			body := data[:len(data)-4]
			data = binary.LittleEndian.AppendUint32(slices.Clone(body), crc32.ChecksumIEEE(body))
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		var acc clv.Accumulator
		err := acc.UnmarshalBinary(data)
		runtime.ReadMemStats(&after)
		if grown := after.TotalAlloc - before.TotalAlloc; grown > uint64(64*len(data)+16<<10) {
			t.Fatalf("%d bytes decoded with %d allocated", len(data), grown)
		}
		if err != nil {
			if !errors.Is(err, clv.ErrMalformed) {
				t.Fatalf("%v does not wrap ErrMalformed", err)
			}
			return
		}
		again, _ := acc.MarshalBinary()
		if !bytes.Equal(again, data) {
			t.Fatalf("decoded %x, encoded again %x", data, again)
		}
		s := acc.Summary() // consistent enough to summarise
		var purchases, refunds int64
		for _, w := range s.Windows {
			purchases += w.Purchases
			refunds += w.Refunds
			if w.NewCustomers > w.Customers || w.LostCustomers > w.PreviousCustomers {
				t.Fatalf("window %+v", w)
			}
		}
		if purchases != s.Purchases || refunds != s.Refunds {
			t.Fatalf("summary %+v", s)
		}
	})
}

// BenchmarkEncoding encodes and decodes the Accumulator of the summary
// benchmarks' log, customers in two segments, and reports the bytes a
// customer.
func BenchmarkEncoding(b *testing.B) {
	acc, _ := clv.NewAccumulator(clv.Month)
	if err := acc.AddAll(slices.Values(benchLog(2))); err != nil {
		b.Fatal(err)
	}
	data, _ := acc.MarshalBinary()
	b.Run("marshal", func(b *testing.B) {
		b.ReportAllocs()
		buf := make([]byte, 0, len(data))
		for b.Loop() {
			buf, _ = acc.AppendBinary(buf[:0])
		}
		b.ReportMetric(float64(len(data))/benchCustomers, "B/customer")
	})
	b.Run("unmarshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var got clv.Accumulator
			if err := got.UnmarshalBinary(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// Every byte of a valid encoding, set to a few values with the checksum
// mended, decodes to an error wrapping ErrMalformed or to an Accumulator
// that encodes to the same bytes: the decoder's checks, one by one. The
// log has customers whose windows outgrow their state, and a sum that
// spills out of its integer.
func TestEncodingMutations(t *testing.T) {
	acc, _ := clv.NewAccumulator(clv.Week)
	for i := range 5 { // five segments: more than a state holds
		require.NoError(t, acc.Add(buy("many", fmt.Sprintf("2024-01-%02dT00:00:00Z", 1+7*i), "1", fmt.Sprint("s", i))))
	}
	require.NoError(t, acc.Add(buy("long", "2024-01-01T00:00:00Z", "2", "s0")))
	require.NoError(t, acc.Add(buy("long", "2025-12-01T00:00:00Z", "2", "s0"))) // 100 weeks apart
	require.NoError(t, acc.Add(buy("big", "2024-03-01T00:00:00Z", "9000000000000000000", "s1")))
	require.NoError(t, acc.Add(buy("big", "2024-03-02T00:00:00Z", "9000000000000000000", "s1")))
	require.NoError(t, acc.Add(buy("r", "2024-03-03T00:00:00Z", "-3.25", "s2")))
	good, _ := acc.MarshalBinary()
	assertSummary(t, acc.Summary(), decoded(t, acc).Summary())
	body := good[:len(good)-4]
	decodedOK := 0
	for i := len("CLVA"); i < len(body); i++ {
		for _, v := range []byte{0x00, 0x01, 0x02, 0x3f, 0x7f, 0x80, 0xff} {
			bad := slices.Clone(body)
			if bad[i] == v {
				continue
			}
			bad[i] = v
			bad = binary.LittleEndian.AppendUint32(bad, crc32.ChecksumIEEE(bad))
			var got clv.Accumulator
			if err := got.UnmarshalBinary(bad); err != nil {
				require.ErrorIs(t, err, clv.ErrMalformed)
				continue
			}
			decodedOK++
			again, _ := got.MarshalBinary()
			require.True(t, bytes.Equal(bad, again), "byte %d = %#x decodes, and encodes otherwise", i, v)
		}
	}
	t.Logf("%d of the mutations decode", decodedOK)
}
