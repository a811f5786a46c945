package btyd

// This file implements the binary encoding of a Summarizer, so that the
// per-customer summaries of parts of a log can travel between the workers
// of a distributed engine and merge where they meet. The encoding holds
// what the Summarizer holds — each customer's id, the row that first
// named them, their sorted distinct purchase days, their three sums and
// the segment of their first purchase, by its index among the names —
// so its size grows with customers and their days, never with rows;
// every integer is a varint.
//
//	magic "CLVB", version 3
//	0 for the zero Summarizer, or 1 and:
//	unit, calibration end (signed, days since 1970-01-01),
//	holdout end − calibration end, purchases, later, refunds,
//	if any rows: first day (signed, since 1970-01-01), last − first,
//	places
//	segments: count, then each name the customers' segments name,
//	       in byte order: length, name
//	customers: count, then each, in the order of the rows that first
//	       named them: id length, id, row − the row before − 1 (the
//	       first: row), days, holdout end − first day, each further
//	       day − the day before − 1, the calibration, first-day and
//	       holdout sums in units of 10^−places, and 0, or 1 and the
//	       part of each sum beyond its units as decimal text, then
//	       the index of their segment among the segments
//	CRC-32 (IEEE) of all that comes before it, 4 bytes, little-endian
//
// The holdout end is the calibration end without a holdout. The decoder
// trusts none of it: every count is bounded by the bytes left before
// anything is allocated, and the Summarizer it builds is checked to be
// one that adding purchases could have built. Version 2, without
// segments, still decodes: every customer's segment is then empty.

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"hash/maphash"
	"maps"
	"math"
	"slices"
	"unsafe"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/internal/fixed"
	"github.com/clvkit/clv/internal/wire"
	"github.com/shopspring/decimal"
)

const (
	encodingMagic   = "CLVB"
	encodingVersion = 3 // 2 added the first and last days of the rows, 3 the segments
	noSegments      = 2 // the last version without segments, which decodes

	maxSpillBytes = 100 // the longest spill: sums stay below 10^44 with 30 places
)

// The first and last days a Summarizer can hold, since 1970-01-01.
const (
	firstDay = minUnix / 86400
	lastDay  = maxUnix/86400 - 1
)

// MarshalBinary returns the Summarizer in the binary form
// [Summarizer.UnmarshalBinary] reads, as [Summarizer.AppendBinary]
// appends it to nothing.
func (s *Summarizer) MarshalBinary() ([]byte, error) {
	return s.AppendBinary(nil)
}

// AppendBinary appends the binary form of the Summarizer to b and returns
// the extended slice. The form is lossless: decoded, it gives the same
// [Summarizer.Base] (amounts equal as numbers), [Summarizer.Histories]
// and [Summarizer.Totals], with the customers in the same order; it
// merges as the Summarizer would, either way, and takes more purchases
// as it would; one whose rows had places in the log
// ([Summarizer.AddRowsAt]) keeps the order of its customers, not the
// places, and decoded merges as one without places. Its size grows with the customers and their distinct
// purchase days, never with the rows: a customer takes about as many
// bytes as their id, plus a dozen, plus one or two a purchase day. The
// zero Summarizer encodes too, as the zero Summarizer. AppendBinary reads
// the figures as [Summarizer.Base] does, and fails only for a nil
// Summarizer, with an error wrapping [clv.ErrMissing], appending nothing.
func (s *Summarizer) AppendBinary(b []byte) ([]byte, error) {
	if s == nil {
		return b, s.unready("encode summarizer")
	}
	start := len(b)
	b = append(b, encodingMagic...)
	b = binary.AppendUvarint(b, encodingVersion)
	if !s.ready {
		b = append(b, 0)
		return binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b[start:])), nil
	}
	b = append(b, 1)
	b = binary.AppendUvarint(b, uint64(s.unit))
	b = binary.AppendVarint(b, int64(s.calEnd))
	b = binary.AppendUvarint(b, uint64(s.holdEnd-s.calEnd))
	b = binary.AppendUvarint(b, uint64(s.purchases))
	b = binary.AppendUvarint(b, uint64(s.later))
	b = binary.AppendUvarint(b, uint64(s.refunds))
	if s.rows > 0 {
		first, last := s.span()
		b = binary.AppendVarint(b, int64(first))
		b = binary.AppendUvarint(b, uint64(last-first))
	}
	s.compact()
	places := max(s.shards[0].places, s.shards[1].places)
	b = binary.AppendUvarint(b, uint64(places))
	refs := s.order()
	names, index := s.segmentNames()
	b = binary.AppendUvarint(b, uint64(len(names)))
	for _, name := range names {
		b = append(binary.AppendUvarint(b, uint64(len(name))), name...)
	}
	b = binary.AppendUvarint(b, uint64(s.shards[0].count)+uint64(s.shards[1].count))
	prev := int64(-1)
	for rank, k := range refs {
		sh := &s.shards[k.shard]
		c := sh.state(k.index)
		id := sh.id(c)
		b = append(binary.AppendUvarint(b, uint64(len(id))), id...)
		seq := sh.seq(k.index)
		if s.placed {
			// Places in the log, perhaps beyond the rows counted: the
			// encoding keeps their order.
			seq = int64(rank)
		}
		b = binary.AppendUvarint(b, uint64(seq-prev-1))
		prev = seq
		days := sh.daysOf(k.index)
		b = binary.AppendUvarint(b, uint64(len(days)))
		b = binary.AppendUvarint(b, uint64(s.holdEnd-days[0]))
		for j := 1; j < len(days); j++ {
			b = binary.AppendUvarint(b, uint64(days[j]-days[j-1]-1))
		}
		units, spill, spilled := sh.sumsAt(c, places)
		for _, u := range units {
			b = binary.AppendUvarint(b, uint64(u))
		}
		if !spilled {
			b = append(b, 0)
		} else {
			b = append(b, 1)
			for _, d := range spill {
				str := d.String()
				b = append(binary.AppendUvarint(b, uint64(len(str))), str...)
			}
		}
		segment := 0
		if index[k.shard] != nil {
			segment = index[k.shard][c.segment]
		}
		b = binary.AppendUvarint(b, uint64(segment))
	}
	return binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b[start:])), nil
}

// onlyEmpty is the segments of a log that names none.
var onlyEmpty = []string{""}

// segmentNames returns the distinct segments of the customers, in byte
// order, and for each shard the index among them of each name of its
// table, by the table's index; a nil index maps every customer to 0. A
// shard's table may hold names that no customer keeps, which the
// encoding leaves out. A log without segments costs no allocation.
func (s *Summarizer) segmentNames() ([]string, [2][]int) {
	var used [2][]bool
	var names []string
	for k := range s.shards {
		sh := &s.shards[k]
		if sh.count == 0 {
			continue
		}
		if sh.segments == nil {
			if len(names) == 0 {
				names = onlyEmpty
			}
			continue
		}
		used[k] = make([]bool, len(sh.segments))
		for i := range sh.count {
			used[k][sh.state(i).segment] = true
		}
	}
	if used[0] == nil && used[1] == nil {
		return names, [2][]int{}
	}
	seen := map[string]bool{}
	for _, name := range names {
		seen[name] = true
	}
	for k := range used {
		for i, u := range used[k] {
			if u {
				seen[s.shards[k].segments[i]] = true
			}
		}
	}
	names = slices.Sorted(maps.Keys(seen))
	var index [2][]int
	for k := range used {
		if used[k] == nil {
			continue
		}
		index[k] = make([]int, len(used[k]))
		for i, name := range s.shards[k].segments {
			index[k][i], _ = slices.BinarySearch(names, name)
		}
	}
	return names, index
}

// sumsAt returns the calibration, first-day and holdout sums of c as
// units of 10^−places, places at least the shard's, and the parts beyond
// them; spilled reports whether any part is not zero.
func (sh *shard) sumsAt(c *customerState, places int32) (units [3]int64, spill [3]decimal.Decimal, spilled bool) {
	for k, f := range [...]sumField{calSum, firstSum, holdSum} {
		u := *f.units(c)
		if c.extra != 0 {
			spill[k] = *f.spill(&sh.extras[c.extra-1])
		}
		if v, ok := fixed.Scale(u, places-sh.places); ok {
			units[k] = v
		} else {
			spill[k] = spill[k].Add(decimal.New(u, -sh.places))
		}
		spilled = spilled || !spill[k].IsZero()
	}
	return units, spill, spilled
}

// UnmarshalBinary sets the Summarizer to the one data encodes, as
// [Summarizer.AppendBinary] wrote it, replacing whatever it held; it
// works on the zero Summarizer. The decoded Summarizer has the original's
// calibration end, holdout, unit, customers, their order and figures, and
// counts of rows, and is as ready as the original to take purchases and
// to merge.
//
// It trusts nothing in data: it returns an error wrapping
// [clv.ErrMalformed], and leaves the Summarizer as it was, for data that
// is truncated, altered, of a version other than 3 or 2 (whose customers
// are all of the empty segment), or describes a Summarizer
// that adding purchases could not have built; it never allocates more
// than a small multiple of len(data). For a nil Summarizer it returns an
// error wrapping [clv.ErrMissing].
func (s *Summarizer) UnmarshalBinary(data []byte) error {
	if s == nil {
		return s.unready("decode summarizer")
	}
	d := summaryDecoder{wire.Decoder{Data: data, Failure: decodeError}}
	got := d.summarizer()
	if d.Err != nil {
		return d.Err
	}
	*s = *got
	return nil
}

// A summaryDecoder reads an encoded Summarizer.
type summaryDecoder struct{ wire.Decoder }

// decodeError is the error of data UnmarshalBinary refuses: what was
// being read, the byte reached, and why it could not be.
func decodeError(what string, at int, reason string) error {
	return fmt.Errorf("btyd: decode summarizer: %s at byte %d: %w: %s", what, at, clv.ErrMalformed, reason)
}

// A wireCustomer is a customer read and checked, before it joins a shard.
type wireCustomer struct {
	id      string // a view of the data
	hash    uint64
	seq     int64
	segment int    // index into the decoder's segments
	days    [2]int // start and end in the decoder's list of days
	units   [3]int64
	spill   int32 // 1 + index into the spills; 0 for none
}

func (d *summaryDecoder) summarizer() *Summarizer {
	if len(d.Data) < len(encodingMagic)+4 || string(d.Data[:len(encodingMagic)]) != encodingMagic {
		d.Fail("magic", "not an encoded Summarizer")
		return nil
	}
	body := len(d.Data) - 4
	if crc32.ChecksumIEEE(d.Data[:body]) != binary.LittleEndian.Uint32(d.Data[body:]) {
		d.Fail("checksum", "the data was altered or cut short")
		return nil
	}
	d.Data, d.At = d.Data[:body], len(encodingMagic)
	v := d.Uvarint("version")
	if d.Err == nil && v != encodingVersion && v != noSegments {
		d.Fail("version", fmt.Sprintf("%d, not %d or %d", v, encodingVersion, noSegments))
	}
	s := &Summarizer{}
	if d.UpTo("ready", 1) == 1 {
		d.contents(s, v == encodingVersion)
	}
	if d.Err == nil && d.At != len(d.Data) {
		d.Fail("end", "bytes after the last customer")
	}
	return s
}

// contents reads what a Summarizer made by NewSummarizer holds, with the
// customers' segments if segmented.
func (d *summaryDecoder) contents(s *Summarizer, segmented bool) {
	s.ready = true
	s.unit = clv.Period(d.UpTo("unit", math.MaxInt32))
	if days, ok := unitDays(s.unit); ok {
		s.unitDays = days
	} else {
		d.Fail("unit", "not a unit")
	}
	cal := d.Varint("calibration end")
	if cal < firstDay || cal > lastDay {
		d.Fail("calibration end", "beyond the years 1 to 9999")
	}
	s.calEnd = int32(cal)
	s.holdEnd = s.calEnd + int32(d.UpTo("holdout", uint64(lastDay-cal)))
	s.purchases = int64(d.UpTo("purchases", math.MaxInt64))
	s.later = int64(d.UpTo("later", math.MaxInt64-uint64(s.purchases)))
	s.refunds = int64(d.UpTo("refunds", math.MaxInt64-uint64(s.purchases+s.later)))
	s.rows = s.purchases + s.later + s.refunds
	s.first, s.last = noSpan()
	if s.rows > 0 {
		first := d.Varint("first day")
		if d.Err == nil && (first < firstDay || first > lastDay) {
			d.Fail("first day", "beyond the years 1 to 9999")
		}
		s.first = int32(first)
		s.last = s.first + int32(d.UpTo("last day", uint64(lastDay-first)))
	}
	places := int32(d.UpTo("places", fixed.MaxPlaces))
	s.seed = maphash.MakeSeed()
	segments := onlyEmpty // the one segment of a version without them
	if segmented {
		segments = d.segments()
	}
	// Whether each segment is a customer's: the one segment of a log
	// without them is anyone's, and costs no allocation.
	var used []bool
	if len(segments) > 1 {
		used = make([]bool, len(segments))
	}
	if d.Err == nil && len(segments) == 0 && d.At < len(d.Data) && d.Data[d.At] != 0 {
		d.Fail("segments", "none, with customers") // a customer count other than 0 follows
	}

	// The customers, read and checked, then placed in their shards.
	const minCustomerBytes = 9 // id length and id, row, days and a day, sums, spill
	n := d.Count("customers", minCustomerBytes, math.MaxInt64)
	if d.Err == nil && n == 0 && places != 0 {
		d.Fail("places", "without customers")
	}
	customers := make([]wireCustomer, 0, n)
	// Every purchase day takes a byte at least, and a purchase.
	days := make([]int32, 0, min(uint64(len(d.Data)-d.At), uint64(s.purchases)))
	var spills [][3]decimal.Decimal
	var perShard [2]int
	prev := int64(-1)
	for range n {
		w := wireCustomer{days: [2]int{len(days), len(days)}}
		id := d.Bytes("customer", maxIDBytes)
		if d.Err == nil && len(id) == 0 {
			d.Fail("customer", "an empty id")
		}
		w.id = unsafe.String(unsafe.SliceData(id), len(id)) // shard.add copies it
		w.seq = prev + 1 + int64(d.UpTo("row", uint64(s.rows-1-prev)))
		if d.Err == nil && w.seq >= s.rows {
			d.Fail("row", "beyond the rows")
		}
		prev = w.seq
		k := d.Count("days", 1, math.MaxInt64)
		if d.Err == nil && k == 0 {
			d.Fail("days", "none")
		}
		day := s.holdEnd - int32(d.UpTo("first day", uint64(int64(s.holdEnd)-firstDay)))
		for j := range k {
			if j > 0 {
				if day == s.holdEnd {
					d.Fail("day", "beyond the holdout end")
					return
				}
				day += 1 + int32(d.UpTo("day", uint64(s.holdEnd-day-1)))
			}
			days = append(days, day)
		}
		w.days[1] = len(days)
		for j := range w.units {
			w.units[j] = int64(d.UpTo("sum", math.MaxInt64))
		}
		var spill [3]decimal.Decimal
		spilled := d.UpTo("spill", 1) == 1
		if spilled {
			for j := range spill {
				spill[j] = d.spill()
			}
			if d.Err == nil && spill[0].IsZero() && spill[1].IsZero() && spill[2].IsZero() {
				d.Fail("spill", "all zero")
			}
			spills = append(spills, spill)
			w.spill = int32(len(spills))
		}
		if segmented {
			w.segment = int(d.UpTo("segment", uint64(max(len(segments)-1, 0))))
		}
		if d.Err != nil {
			return
		}
		d.checkSums(s, w.units, spilled, spill, places, days[w.days[0]:w.days[1]])
		if used != nil {
			used[w.segment] = true
		}
		w.hash = maphash.String(s.seed, w.id)
		perShard[w.hash>>63]++
		customers = append(customers, w)
	}
	if d.Err == nil && int64(len(days)) > s.purchases {
		d.Fail("days", fmt.Sprintf("%d purchase days, more than the %d purchases", len(days), s.purchases))
	}
	d.checkSpan(s, days)
	if d.Err == nil && slices.Contains(used, false) {
		d.Fail("segments", "a segment no customer has")
	}
	if d.Err == nil && n == 0 && segmented && len(segments) > 0 {
		d.Fail("segments", "without customers")
	}
	if d.Err != nil {
		return
	}
	for k := range s.shards {
		s.shards[k].prepare(perShard[k], places, customers, k)
	}
	for _, w := range customers {
		sh := &s.shards[w.hash>>63]
		i, slot := sh.find(w.id, uint32(w.hash))
		if i >= 0 {
			d.Fail("customer", fmt.Sprintf("%.20q twice", w.id))
			return
		}
		i, ok := sh.add(w.id, uint32(w.hash), slot, w.seq)
		if !ok {
			d.Fail("customer", "more than a shard holds")
			return
		}
		mine := days[w.days[0]:w.days[1]]
		c := sh.state(i)
		c.firstDay = mine[0]
		c.cal, c.first, c.hold = w.units[0], w.units[1], w.units[2]
		if c.segment, ok = sh.segmentIndex(segments[w.segment]); !ok {
			d.Fail("segments", "more than a shard holds")
			return
		}
		if w.spill != 0 {
			sp := &spills[w.spill-1]
			*sh.extra(c) = customerExtra{cal: sp[0], first: sp[1], hold: sp[2]}
		}
		sh.dayList = append(sh.dayList, mine...)
		sh.dayStart = append(sh.dayStart, len(sh.dayList))
	}
	for k := range s.shards {
		s.shards[k].compacted = s.shards[k].count
	}
}

// segments reads the names of the customers' segments: distinct, in byte
// order, each no longer than a segment may be.
func (d *summaryDecoder) segments() []string {
	n := d.Count("segments", 1, 2*maxSegment)
	if n == 1 && d.At < len(d.Data) && d.Data[d.At] == 0 {
		d.At++ // the one segment of a log that names none
		return onlyEmpty
	}
	names := make([]string, 0, n)
	for range n {
		b := d.Bytes("segment", maxIDBytes)
		if d.Err != nil {
			return nil
		}
		name := string(b)
		if k := len(names); k > 0 && name <= names[k-1] {
			d.Fail("segment", "not after the one before, in byte order")
			return nil
		}
		names = append(names, name)
	}
	return names
}

// checkSpan checks the span of the rows against the purchase days of
// every customer, days: the days lie within it; rows dated after the
// holdout end (later) put its last day after the holdout end; and without
// refunds, which may be dated anywhere, its first day is the earliest
// purchase day (or, without purchases, a later row's), and without later
// rows either its last day is the latest purchase day.
func (d *summaryDecoder) checkSpan(s *Summarizer, days []int32) {
	if d.Err != nil || s.rows == 0 {
		return
	}
	if len(days) == 0 {
		switch {
		case s.later > 0 && s.last <= s.holdEnd:
			d.Fail("last day", "not after the holdout end, with later rows")
		case s.refunds == 0 && (s.purchases > 0 || s.first <= s.holdEnd):
			d.Fail("first day", "not a later row's, without purchases or refunds")
		}
		return
	}
	lo, hi := slices.Min(days), slices.Max(days)
	switch {
	case lo < s.first || hi > s.last:
		d.Fail("days", "a purchase day outside the first and last days")
	case s.later > 0 && s.last <= s.holdEnd:
		d.Fail("last day", "not after the holdout end, with later rows")
	case s.refunds > 0:
	case s.first != lo:
		d.Fail("first day", "not the earliest purchase day, without refunds")
	case s.later == 0 && s.last != hi:
		d.Fail("last day", "not the latest purchase day, without refunds or later rows")
	}
}

// prepare sizes an empty shard for the n of the customers read that hash
// to it, k: its table, states, rows, days and long ids, no larger than
// they need.
func (sh *shard) prepare(n int, places int32, customers []wireCustomer, k int) {
	if n == 0 {
		return
	}
	sh.places = places
	size := 16
	for n-1 >= size/4*3 {
		size *= 2
	}
	sh.slots = make([]uint64, size)
	for left := n; left > 0; left -= stateChunk {
		sh.states = append(sh.states, make([]customerState, min(left, stateChunk)))
		sh.seqs = append(sh.seqs, make([]int64, min(left, stateChunk)))
	}
	days, long := 0, 0
	for _, w := range customers {
		if int(w.hash>>63) != k {
			continue
		}
		days += w.days[1] - w.days[0]
		if len(w.id) > inlineID {
			long += len(w.id)
		}
	}
	sh.dayStart = append(make([]int, 0, n+1), 0)
	sh.dayList = make([]int32, 0, days)
	if long > 0 {
		sh.longID = [][]byte{make([]byte, 0, min(long, idChunk))}
	}
}

// spill reads the part of a sum beyond its units: a decimal of zero or
// more, as Decimal.String writes it, with at most clv.MaxScale places.
func (d *summaryDecoder) spill() decimal.Decimal {
	b := d.Bytes("spill", maxSpillBytes)
	for _, c := range b {
		if (c < '0' || c > '9') && c != '.' {
			d.Fail("spill", "not a plain decimal of zero or more")
			return decimal.Decimal{}
		}
	}
	if d.Err != nil {
		return decimal.Decimal{}
	}
	v, err := decimal.NewFromString(string(b))
	switch {
	case err != nil || v.String() != string(b):
		d.Fail("spill", "not a decimal as written")
	case v.Exponent() < -clv.MaxScale:
		d.Fail("spill", "too many decimal places")
	}
	return v
}

// checkSums checks a customer's sums against their days: the calibration
// sum is zero without a purchase day up to the calibration end, the
// holdout sum zero without one in the holdout, and the first-day sum part
// of the sum of its period, all of it if that period has no other day.
func (d *summaryDecoder) checkSums(s *Summarizer, units [3]int64, spilled bool, spill [3]decimal.Decimal, places int32, days []int32) {
	// compare compares sums i and j, in integers unless a part spilled.
	compare := func(i, j int) int {
		if !spilled {
			return cmp.Compare(units[i], units[j])
		}
		return decimal.New(units[i], -places).Add(spill[i]).Cmp(decimal.New(units[j], -places).Add(spill[j]))
	}
	zero := func(j int) bool { return units[j] == 0 && spill[j].IsZero() }
	calDays := 0
	for _, day := range days {
		if day <= s.calEnd {
			calDays++
		}
	}
	period, alone := 0, calDays == 1 // the sum of the first day's period
	if calDays == 0 {
		period, alone = 2, len(days) == 1
	}
	switch {
	case calDays == 0 && !zero(0):
		d.Fail("sum", "a calibration sum without a purchase day in it")
	case calDays == len(days) && !zero(2):
		d.Fail("sum", "a holdout sum without a purchase day in it")
	case compare(1, period) > 0 || alone && compare(1, period) != 0:
		d.Fail("sum", "a first-day sum other than its days make")
	}
}
