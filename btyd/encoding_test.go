package btyd_test

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
	"time"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	_ encoding.BinaryMarshaler   = (*btyd.Summarizer)(nil)
	_ encoding.BinaryAppender    = (*btyd.Summarizer)(nil)
	_ encoding.BinaryUnmarshaler = (*btyd.Summarizer)(nil)
)

// decodedSummarizer returns s encoded and decoded, and checks that the
// decoded one encodes to the same bytes.
func decodedSummarizer(t testing.TB, s *btyd.Summarizer) *btyd.Summarizer {
	t.Helper()
	b, err := s.MarshalBinary()
	require.NoError(t, err)
	var got btyd.Summarizer
	require.NoError(t, got.UnmarshalBinary(b))
	again, err := got.AppendBinary([]byte("prefix"))
	require.NoError(t, err)
	require.True(t, bytes.Equal(b, again[len("prefix"):]), "the encoding of a decoded Summarizer is the same")
	return &got
}

// assertSame asserts that two Summarizers give the same figures.
func assertSame(t *testing.T, want, got *btyd.Summarizer, msgAndArgs ...any) {
	t.Helper()
	wb, gb := want.Base(), got.Base()
	assert.Equal(t, wb.Unit, gb.Unit, msgAndArgs...)
	assert.Equal(t, wb.Holdout, gb.Holdout, msgAndArgs...)
	assertCustomers(t, wb.Customers, gb.Customers, msgAndArgs...)
	assert.Equal(t, want.Histories(), got.Histories(), msgAndArgs...)
	assert.Equal(t, want.Totals(), got.Totals(), msgAndArgs...)
}

func newRandomSummarizer(t testing.TB, unit clv.Period, holdout bool) *btyd.Summarizer {
	t.Helper()
	opts := []btyd.SummaryOption{btyd.WithUnit(unit)}
	if holdout {
		opts = append(opts, btyd.WithHoldout(randomHoldoutEnd))
	}
	s, err := btyd.NewSummarizer(randomCalibrationEnd, opts...)
	require.NoError(t, err)
	return s
}

// A decoded Summarizer gives the figures of the original, merges as it
// does, either way round, and goes on taking purchases as it would; on
// logs with sums that overflow their integers and amounts of 30 places.
func TestSummarizerEncodingRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 15))
	for round := range 24 {
		unit := []clv.Period{clv.Week, clv.Month, clv.Quarter, clv.Year}[round%4]
		holdout := round%3 != 0
		n := 1 + rng.IntN(1500)
		if round == 5 {
			n = 20_000 // AddAll on its goroutines
		}
		log := randomLog(rng, n)
		half := rng.IntN(len(log) + 1)
		a, b := newRandomSummarizer(t, unit, holdout), newRandomSummarizer(t, unit, holdout)
		require.NoError(t, a.AddAll(slices.Values(log[:half])))
		require.NoError(t, b.AddAll(slices.Values(log[half:])))
		da, db := decodedSummarizer(t, a), decodedSummarizer(t, b)
		assertSame(t, a, da, "round", round)
		assertSame(t, b, db, "round", round)

		// Merged, decoded into original and original into decoded.
		whole := newRandomSummarizer(t, unit, holdout)
		require.NoError(t, whole.AddAll(slices.Values(log)))
		require.NoError(t, da.Merge(b))
		assertSame(t, whole, da, "round", round, "decoded merging")
		require.NoError(t, a.Merge(db))
		assertSame(t, whole, a, "round", round, "merging decoded")

		// More purchases, one at a time and all at once.
		more := randomLog(rng, 1+rng.IntN(500))
		dw := decodedSummarizer(t, whole)
		for _, p := range more {
			require.NoError(t, dw.Add(p))
		}
		require.NoError(t, whole.AddAll(slices.Values(more)))
		assertSame(t, whole, dw, "round", round, "more")
		assertSame(t, whole, decodedSummarizer(t, dw), "round", round, "more, decoded")
	}
}

// The zero Summarizer decodes as the zero Summarizer; one of refunds and
// later rows alone, without customers, as itself.
func TestSummarizerEncodingEmpty(t *testing.T) {
	var zero btyd.Summarizer
	got := decodedSummarizer(t, &zero)
	assert.Equal(t, btyd.Base{}, got.Base())
	assert.Nil(t, got.Histories())
	require.ErrorIs(t, got.Add(clv.Purchase{Customer: "a", Time: randomCalibrationEnd}), clv.ErrMissing)

	s := newRandomSummarizer(t, clv.Month, true)
	require.NoError(t, s.Add(clv.Purchase{Customer: "a", Time: randomCalibrationEnd, Amount: dec("-5")}))
	require.NoError(t, s.Add(clv.Purchase{Customer: "b", Time: randomHoldoutEnd.AddDate(0, 0, 1), Amount: dec("5")}))
	got = decodedSummarizer(t, s)
	assertSame(t, s, got)
	assert.Equal(t, btyd.Totals{Rows: 2, Refunds: 1, Later: 1, First: randomCalibrationEnd, Last: randomHoldoutEnd.AddDate(0, 0, 1)}, got.Totals())

	// Decoding replaces a Summarizer's contents with the zero's.
	require.NoError(t, s.UnmarshalBinary(must(zero.MarshalBinary())))
	assert.Equal(t, btyd.Totals{}, s.Totals())
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// The CDNOW sample decodes to the same customers and histories, and so
// to the same fits, digit for digit.
func TestSummarizerEncodingCDNOW(t *testing.T) {
	s := cdnowSummary(t)
	got := decodedSummarizer(t, s)
	assertSame(t, s, got)
	want, err := btyd.FitBGNBD(s.Histories())
	require.NoError(t, err)
	fit, err := btyd.FitBGNBD(got.Histories())
	require.NoError(t, err)
	assert.Equal(t, want, fit)
	b, _ := s.MarshalBinary()
	t.Logf("CDNOW sample: %d customers in %d bytes", len(s.Base().Customers), len(b))
}

// The encoding grows with customers and their purchase days, never with
// rows.
func TestSummarizerEncodingSize(t *testing.T) {
	s := newRandomSummarizer(t, clv.Week, true)
	buyOn := func(i int, when time.Time, amount string) {
		require.NoError(t, s.Add(clv.Purchase{Customer: fmt.Sprintf("cus_%06d", i), Time: when, Amount: dec(amount)}))
	}
	for i := range 1000 {
		buyOn(i, randomCalibrationEnd.AddDate(0, -2, 0), "10.00")
	}
	b1, _ := s.MarshalBinary()
	for range 20 {
		for i := range 1000 {
			buyOn(i, randomCalibrationEnd.AddDate(0, -2, 0), "12.50")
		}
	}
	b2, _ := s.MarshalBinary()
	assert.Less(t, len(b2), len(b1)+1000*4, "20,000 more rows on the same days cost a few bytes a customer: their sums")
	assert.Less(t, len(b2)/1000, 23, "bytes a customer with a 10-byte id, one purchase day and a segment")
	for i := range 1000 {
		buyOn(i, randomCalibrationEnd.AddDate(0, -1, 0), "12.50")
	}
	b3, _ := s.MarshalBinary()
	assert.Less(t, len(b3)-len(b2), 1000*4, "a day more a customer costs one or two bytes, and their sums")
}

// Truncated or altered data is refused with ErrMalformed, and leaves the
// Summarizer as it was.
func TestSummarizerEncodingRefusesDamage(t *testing.T) {
	src := newRandomSummarizer(t, clv.Week, true)
	require.NoError(t, src.AddAll(slices.Values(randomLog(rand.New(rand.NewPCG(1, 2)), 120))))
	good, _ := src.MarshalBinary()
	target := newRandomSummarizer(t, clv.Month, false)
	require.NoError(t, target.Add(clv.Purchase{Customer: "z", Time: randomCalibrationEnd, Amount: dec("1")}))
	before := decodedSummarizer(t, target)
	check := func(what string, data []byte) {
		t.Helper()
		err := target.UnmarshalBinary(data)
		require.ErrorIs(t, err, clv.ErrMalformed, what)
		assertSame(t, before, target, what)
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
	v1 := slices.Clone(good[:len(good)-4])
	v1[4] = 1
	err := target.UnmarshalBinary(withCRC(v1))
	require.ErrorIs(t, err, clv.ErrMalformed)
	assert.Equal(t, "btyd: decode summarizer: version at byte 5: clv: malformed encoding: 1, not 3 or 2", err.Error())
	// The head of a Summarizer of 2024-06-30 (day 19904, zig-zag 39808)
	// in weeks without a holdout, in version 2, without segments, which
	// still decodes; then its counts of purchases, later rows and
	// refunds, with rows its span (span: the first and last days
	// 2024-06-30), and its places and customers.
	const head, head3, span = "CLVB\x02\x01\x03\x80\xb7\x02\x00", "CLVB\x03\x01\x03\x80\xb7\x02\x00", "\x80\xb7\x02\x00"
	for _, crafted := range []struct{ data, what string }{
		{"CLVB\x02\x02", "ready"},                                                                                                 // neither zero nor ready
		{"CLVB\x02\x01\x09\x80\xb7\x02\x00", "unit"},                                                                              // unit 9
		{"CLVB\x02\x01\x03\xff\xff\xff\xff\x0f\x00", "calibration end"},                                                           // a calibration end beyond the year 9999
		{head + "\x01\x00\x00" + span + "\x03\x00", "places"},                                                                     // places without customers
		{head + "\x00\x00\x00\x00\x01\x01a\x00\x01\x00\x00\x00\x00\x00", "row"},                                                   // a customer without purchases
		{head + "\x01\x00\x00" + span + "\x00\x01\x01a\x01\x01\x00\x00\x00\x00\x00", "row"},                                       // a customer of a later row
		{head + "\x01\x00\x00" + span + "\x00\x01\x01a\x00\x02\x00\x00\x00\x00\x00\x00", "day"},                                   // two days on the calibration end, beyond it
		{head + "\x01\x00\x00" + span + "\x00\x01\x01a\x00\x02\x01\x00\x00\x00\x00\x00", "days"},                                  // two purchase days of one purchase
		{head + "\x02\x00\x00" + span + "\x00\x02\x01a\x00\x01\x00\x00\x00\x00\x00\x01a\x00\x01\x00\x00\x00\x00\x00", "customer"}, // a customer twice
		{head + "\x01\x00\x00" + span + "\x00\x01\x01a\x00\x01\x00\x05\x04\x00\x00", "sum"},                                       // a first day's sum not its only day's
		{head + "\x01\x00\x00" + span + "\x00\x01\x01a\x00\x01\x00\x05\x05\x01\x00", "sum"},                                       // a holdout sum without a holdout
		{head + "\x01\x00\x00" + span + "\x00\x01\x01a\x00\x01\x00\x00\x00\x00\x01\x010\x010\x010", "spill"},                      // spills all zero
		{head + "\x01\x00\x00" + span + "\x00\x01\x01a\x00\x01\x00\x00\x00\x00\x01\x0201\x010\x010", "spill"},                     // a spill not as written
		{head + "\x01\x00\x00" + span + "\x00\x01\x01a\x00\x01\x00\x00\x00\x00\x01\x02-1\x010\x010", "spill"},                     // a negative spill
		{head + "\x01\x00\x00" + span + "\x00\x01\x01a\x00\x01\x00\x00\x00\x00\x00\x00", "end"},                                   // a byte after the last customer
		// The span.
		{head + "\x01\x00\x00\xf5\xe4W\x00\x00\x01\x01a\x00\x01\x00\x00\x00\x00\x00", "first day"},                   // before the year 1 (day -719163)
		{head + "\x01\x00\x00\x80\xb7\x02\xff\xff\xff\xff\x0f\x00\x01\x01a\x00\x01\x00\x00\x00\x00\x00", "last day"}, // after the year 9999
		{head + "\x01\x00\x00\x82\xb7\x02\x00\x00\x01\x01a\x00\x01\x00\x00\x00\x00\x00", "days"},                     // after the only purchase day
		{head + "\x01\x00\x00\xfe\xb6\x02\x01\x00\x01\x01a\x00\x01\x00\x00\x00\x00\x00", "first day"},                // before it, without refunds
		{head + "\x01\x00\x00\x80\xb7\x02\x01\x00\x01\x01a\x00\x01\x00\x00\x00\x00\x00", "last day"},                 // after it, without refunds or later rows
		{head + "\x01\x01\x00" + span + "\x00\x01\x01a\x00\x01\x00\x00\x00\x00\x00", "last day"},                     // a later row, not after the holdout end
		{head + "\x00\x01\x00" + span + "\x00\x00", "last day"},                                                      // a later row alone, on the holdout end
		{head + "\x00\x01\x00\x80\xb7\x02\x01\x00\x00", "first day"},                                                 // later rows alone, one on the holdout end
		{head + "\x01\x00\x00" + span + "\x00\x00", "first day"},                                                     // a purchase without a customer
		// Version 3's segments, after the places: a count, then the names.
		{head3 + "\x01\x00\x00" + span + "\x00\x02\x01b\x01a\x01\x01a\x00\x01\x00\x00\x00\x00\x00\x00", "segment"},  // out of order
		{head3 + "\x01\x00\x00" + span + "\x00\x02\x01a\x01a\x01\x01a\x00\x01\x00\x00\x00\x00\x00\x00", "segment"},  // twice
		{head3 + "\x01\x00\x00" + span + "\x00\x02\x01a\x01b\x01\x01a\x00\x01\x00\x00\x00\x00\x00\x00", "segments"}, // b, which no customer has
		{head3 + "\x01\x00\x00" + span + "\x00\x01\x01a\x01\x01a\x00\x01\x00\x00\x00\x00\x00\x01", "segment"},       // the second of one
		{head3 + "\x01\x00\x00" + span + "\x00\x00\x01\x01a\x00\x01\x00\x00\x00\x00\x00\x00", "segments"},           // none, with a customer
		{head3 + "\x00\x00\x00\x00\x01\x01a\x00", "segments"},                                                       // without customers
	} {
		err := target.UnmarshalBinary(withCRC([]byte(crafted.data)))
		require.ErrorIs(t, err, clv.ErrMalformed, "%q", crafted.data)
		assert.Contains(t, err.Error(), crafted.what, "%q", crafted.data)
		assertSame(t, before, target)
	}
	// And the smallest valid ones: a customer of one purchase of nothing;
	// with a refund the day before; with a later row on the day after. In
	// version 2 they decode to the customer of the empty segment, and
	// encode to version 3: the one segment, empty, and its index 0.
	for _, valid := range [][2]string{
		{"\x01\x00\x00" + span + "\x00", "\x01\x01a\x00\x01\x00\x00\x00\x00\x00"},
		{"\x01\x00\x01\xfe\xb6\x02\x01\x00", "\x01\x01a\x00\x01\x00\x00\x00\x00\x00"},
		{"\x01\x01\x00\x80\xb7\x02\x01\x00", "\x01\x01a\x00\x01\x00\x00\x00\x00\x00"},
	} {
		v2 := head + valid[0] + valid[1]
		require.NoError(t, target.UnmarshalBinary(withCRC([]byte(v2))), "%q", v2)
		again, _ := target.MarshalBinary()
		v3 := head3 + valid[0] + "\x01\x00" + valid[1] + "\x00"
		assert.Equal(t, withCRC([]byte(v3)), again)
		require.NoError(t, target.UnmarshalBinary(withCRC([]byte(v3))), "%q", v3)
	}
	// A customer of segment "ch", version 3.
	seg := head3 + "\x01\x00\x00" + span + "\x00\x01\x02ch\x01\x01a\x00\x01\x00\x00\x00\x00\x00\x00"
	var one btyd.Summarizer
	require.NoError(t, one.UnmarshalBinary(withCRC([]byte(seg))))
	assert.Equal(t, "ch", one.Base().Customers[0].Segment)
	assert.Equal(t, btyd.Totals{Rows: 2, Purchases: 1, Later: 1, Customers: 1, First: day("2024-06-30"), Last: day("2024-07-01")}, target.Totals())
	assert.Equal(t, []btyd.History{{X: 0, Tx: 0, T: 0, Weight: 1}}, target.Histories())
}

// Every byte of a valid encoding, set to a few values with the checksum
// mended, decodes to an error wrapping ErrMalformed or to a Summarizer
// that encodes to the same bytes and gives its figures: the decoder's
// checks, one by one. The log has a late customer, a long id, sums that
// spill out of their integers and amounts of many places.
func TestSummarizerEncodingMutations(t *testing.T) {
	s := newRandomSummarizer(t, clv.Week, true)
	long := "a customer whose id is longer than thirty bytes"
	for _, p := range []clv.Purchase{
		{Customer: "ann", Time: randomCalibrationEnd.AddDate(0, -3, 0), Amount: dec("10.5")},
		{Customer: "ann", Time: randomCalibrationEnd.AddDate(0, -3, 0), Amount: dec("0.25")},
		{Customer: "ann", Time: randomCalibrationEnd.AddDate(0, -1, 0), Amount: dec("7")},
		{Customer: "ann", Time: randomCalibrationEnd.AddDate(0, 1, 0), Amount: dec("3")},
		{Customer: long, Time: randomCalibrationEnd, Amount: dec("0")},
		{Customer: "big", Time: randomCalibrationEnd.AddDate(0, -2, 0), Amount: dec("9000000000000000000")},
		{Customer: "big", Time: randomCalibrationEnd.AddDate(0, -2, 1), Amount: dec("9000000000000000000")},
		{Customer: "tiny", Time: randomCalibrationEnd.AddDate(0, -2, 0), Amount: dec("0.000000000000000000000000000001")},
		{Customer: "late", Time: randomCalibrationEnd.AddDate(0, 2, 0), Amount: dec("4")},
		{Customer: "late", Time: randomCalibrationEnd.AddDate(0, 3, 0), Amount: dec("5")},
		{Customer: "refund", Time: randomCalibrationEnd, Amount: dec("-1")},
		{Customer: "later", Time: randomHoldoutEnd.AddDate(0, 0, 1), Amount: dec("1")},
	} {
		require.NoError(t, s.Add(p))
	}
	good, _ := s.MarshalBinary()
	assertSame(t, s, decodedSummarizer(t, s))
	body := good[:len(good)-4]
	decodedOK := 0
	for i := len("CLVB"); i < len(body); i++ {
		for _, v := range []byte{0x00, 0x01, 0x02, 0x3f, 0x7f, 0x80, 0xff} {
			bad := slices.Clone(body)
			if bad[i] == v {
				continue
			}
			bad[i] = v
			bad = binary.LittleEndian.AppendUint32(bad, crc32.ChecksumIEEE(bad))
			var got btyd.Summarizer
			if err := got.UnmarshalBinary(bad); err != nil {
				require.ErrorIs(t, err, clv.ErrMalformed)
				continue
			}
			decodedOK++
			again, _ := got.MarshalBinary()
			require.True(t, bytes.Equal(bad, again), "byte %d = %#x decodes, and encodes otherwise", i, v)
			checkFigures(t, &got)
		}
	}
	t.Logf("%d of the mutations decode", decodedOK)
}

// checkFigures checks that a decoded Summarizer's figures hold together.
func checkFigures(t testing.TB, s *btyd.Summarizer) {
	t.Helper()
	b := s.Base()
	tot := s.Totals()
	var weight int64
	for _, h := range s.Histories() {
		weight += h.Weight
	}
	if int64(len(b.Customers)) != tot.Customers || weight != tot.Customers || tot.Rows != tot.Purchases+tot.Later+tot.Refunds ||
		(tot.Rows == 0) != tot.First.IsZero() || tot.Last.Before(tot.First) {
		t.Fatalf("totals %+v with %d customers and histories of %d", tot, len(b.Customers), weight)
	}
	for _, c := range b.Customers {
		if c.X < 0 || c.Tx < 0 || c.Tx > c.T || c.Spend.Sign() < 0 || c.HoldoutSpend.Sign() < 0 || (c.X == 0) != c.Spend.IsZero() && c.X == 0 {
			t.Fatalf("customer %+v", c)
		}
	}
}

// A valid encoding decodes within a small multiple of its length.
func TestSummarizerEncodingAllocations(t *testing.T) {
	s := newRandomSummarizer(t, clv.Week, true)
	require.NoError(t, s.AddAll(slices.Values(randomLog(rand.New(rand.NewPCG(5, 6)), 40_000))))
	data, _ := s.MarshalBinary()
	for _, n := range []int{len(data), 1} { // all, and one customer
		part := data
		if n == 1 {
			one := newRandomSummarizer(t, clv.Week, true)
			require.NoError(t, one.Add(clv.Purchase{Customer: "a", Time: randomCalibrationEnd, Amount: dec("1")}))
			part, _ = one.MarshalBinary()
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		var got btyd.Summarizer
		require.NoError(t, got.UnmarshalBinary(part))
		runtime.ReadMemStats(&after)
		grown := after.TotalAlloc - before.TotalAlloc
		t.Logf("%d bytes decoded with %d allocated", len(part), grown)
		assert.LessOrEqual(t, grown, uint64(32*len(part)+4<<10))
	}
}

// FuzzSummarizerUnmarshalBinary decodes valid encodings mutated, their
// checksums mended or not: an error wrapping ErrMalformed or a
// Summarizer whose encoding is the input and whose figures hold
// together, never a panic, and never more memory than a small multiple
// of the input.
func FuzzSummarizerUnmarshalBinary(f *testing.F) {
	rng := rand.New(rand.NewPCG(3, 3))
	for i, unit := range []clv.Period{clv.Week, clv.Month, clv.Year} {
		opts := []btyd.SummaryOption{btyd.WithUnit(unit)}
		if i > 0 {
			opts = append(opts, btyd.WithHoldout(randomHoldoutEnd))
		}
		s, _ := btyd.NewSummarizer(randomCalibrationEnd, opts...)
		_ = s.AddAll(slices.Values(randomLog(rng, 30)))
		f.Add(must(s.MarshalBinary()), true)
	}
	// Spans without customers: a refund alone, a later row alone.
	for _, p := range []clv.Purchase{
		{Customer: "r", Time: randomCalibrationEnd, Amount: dec("-1")},
		{Customer: "l", Time: randomHoldoutEnd.AddDate(0, 0, 3), Amount: dec("1")},
	} {
		s, _ := btyd.NewSummarizer(randomCalibrationEnd, btyd.WithHoldout(randomHoldoutEnd))
		_ = s.Add(p)
		f.Add(must(s.MarshalBinary()), true)
	}
	var zero btyd.Summarizer
	f.Add(must(zero.MarshalBinary()), false)
	f.Fuzz(func(t *testing.T, data []byte, mend bool) {
		if mend && len(data) >= 4 {
			body := data[:len(data)-4]
			data = binary.LittleEndian.AppendUint32(slices.Clone(body), crc32.ChecksumIEEE(body))
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		var s btyd.Summarizer
		err := s.UnmarshalBinary(data)
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
		again, _ := s.MarshalBinary()
		if data[len("CLVB")] == 2 {
			// Version 2, without segments, encodes again as version 3,
			// which decodes to the same figures and encodes as it was.
			var s3 btyd.Summarizer
			if err := s3.UnmarshalBinary(again); err != nil {
				t.Fatalf("decoded %x, encoded again %x, which does not decode: %v", data, again, err)
			}
			assertSame(t, &s, &s3)
			data = again
			again, _ = s3.MarshalBinary()
		}
		if !bytes.Equal(again, data) {
			t.Fatalf("decoded %x, encoded again %x", data, again)
		}
		checkFigures(t, &s)
	})
}

// BenchmarkSummarizerEncoding encodes and decodes the Summarizer of the
// benchmark log, 1,000,000 customers, and reports the bytes a customer.
func BenchmarkSummarizerEncoding(b *testing.B) {
	s, _ := benchBase()
	data, _ := s.MarshalBinary()
	b.Run("marshal", func(b *testing.B) {
		b.ReportAllocs()
		buf := make([]byte, 0, len(data))
		for b.Loop() {
			buf, _ = s.AppendBinary(buf[:0])
		}
		b.ReportMetric(float64(len(data))/benchCustomers, "B/customer")
	})
	b.Run("unmarshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var got btyd.Summarizer
			if err := got.UnmarshalBinary(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}
