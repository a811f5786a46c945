package btyd

// This file implements the storage of a Summarizer: two shards, each a
// hash table of customers with a fixed-size state apiece; their amounts
// as integers counting the smallest decimal place the shard has seen, and
// the conversions of amounts between decimals and those integers; and
// their purchase days. A day is appended to a log, in chunks, as it comes,
// which writes memory in order and reads none; the log is compacted into
// each customer's sorted distinct days when the figures are wanted, or
// when it outgrows them. Nothing here allocates per purchase.

import (
	"encoding/binary"
	"math"
	"math/bits"
	"slices"
	"strings"
	"unsafe"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/internal/fixed"
	"github.com/shopspring/decimal"
)

const (
	stateChunk = 1 << 14 // customers per allocation of states
	idChunk    = 1 << 16 // bytes of long ids per allocation
	maxIDBytes = 256     // the longest customer id
	inlineID   = 28      // the longest id kept in its customer's state
	maxSegment = 1 << 16 // the most segments a shard names

	logChunk   = 1 << 16 // days per allocation of the day log
	minCompact = 1 << 24 // the least log that compacts before it is read
)

// A customerState is one customer: their amounts, in units of the shard's
// scale, their first purchase day, the segment of their first purchase,
// and their id. It is 64 bytes, a cache line.
type customerState struct {
	cal      int64 // the amounts dated up to the calibration end
	first    int64 // the amounts of the first purchase day
	hold     int64 // the amounts dated in the holdout
	firstDay int32
	extra    int32 // 1 + index into extras; 0 for none
	idLen    uint16
	segment  uint16 // index into the shard's segments
	// id holds the customer's id if it fits, and otherwise where it is
	// among the long ids: the chunk, then the offset, little-endian.
	id [inlineID]byte
}

// A customerExtra holds the parts of a customer's amounts that do not fit
// their units: sums that overflowed, and amounts beyond the fast path.
type customerExtra struct {
	cal, first, hold decimal.Decimal
}

// A shard is a part of a Summarizer's customers, those whose id hashes to
// it: a hash table of them, their states, and their days. Each shard has
// its own scale, so two can be filled at once.
type shard struct {
	places int32    // every unit counts 10^−places
	slots  []uint64 // hash<<32 | 1 + index into states; 0 is empty
	count  int32
	states [][]customerState
	seqs   [][]int64 // the row that first named each customer
	longID [][]byte
	extras []customerExtra
	sink   uint64 // what addRows's lookahead read, kept so that it is read

	// segments names the segments of the shard's customers, interned:
	// a customer holds an index into it, and segmentAt the index of each
	// name. The empty segment is index 0, so that a new state has it.
	segments  []string
	segmentAt map[string]uint16

	// The days of the first compacted customers, sorted and distinct:
	// customer i's are dayList[dayStart[i]:dayStart[i+1]]. The days added
	// since, in log, have yet to join them.
	dayStart  []int
	dayList   []int32
	compacted int32
	log       [][]dayEntry
	logLen    int
}

// A dayEntry is a purchase day of a customer, by index.
type dayEntry struct {
	customer, day int32
}

func (s *shard) state(i int32) *customerState {
	return &s.states[i/stateChunk][i%stateChunk]
}

func (s *shard) seq(i int32) int64 { return s.seqs[i/stateChunk][i%stateChunk] }

// inPlace reports whether the shard's customers are in the order of
// their places.
func (s *shard) inPlace() bool {
	for i := int32(1); i < s.count; i++ {
		if s.seq(i) < s.seq(i-1) {
			return false
		}
	}
	return true
}

// placeAt moves customer i to place seq if it is before theirs: a
// customer's place is that of the first row, in the log, that named them,
// whichever row came first to the shard.
func (s *shard) placeAt(i int32, seq int64) {
	if p := &s.seqs[i/stateChunk][i%stateChunk]; seq < *p {
		*p = seq
	}
}

// id returns the id of customer c without copying it, for as long as c is
// not changed.
func (s *shard) id(c *customerState) string {
	if c.idLen <= inlineID {
		return unsafe.String(&c.id[0], int(c.idLen))
	}
	chunk, start := binary.LittleEndian.Uint32(c.id[:]), binary.LittleEndian.Uint32(c.id[4:])
	return unsafe.String(&s.longID[chunk][start], int(c.idLen))
}

// find returns the index of the customer with the given id and hash, or
// −1 and the free slot where they belong.
func (s *shard) find(id string, h uint32) (int32, int) {
	if s.slots == nil {
		s.slots = make([]uint64, 1024)
	}
	mask := len(s.slots) - 1
	for k := int(h) & mask; ; k = (k + 1) & mask {
		v := s.slots[k]
		if v == 0 {
			return -1, k
		}
		if uint32(v>>32) == h {
			if i := int32(uint32(v)) - 1; s.id(s.state(i)) == id {
				return i, k
			}
		}
	}
}

// add adds a customer in the free slot find returned, first named by row
// seq, and returns their index; ok is false if the shard is full.
func (s *shard) add(id string, h uint32, slot int, seq int64) (int32, bool) {
	if s.count == math.MaxInt32 {
		return 0, false
	}
	if int(s.count) >= len(s.slots)/4*3 {
		s.grow()
		_, slot = s.find(id, h)
	}
	i := s.count
	s.count++
	s.room(i)
	s.slots[slot] = uint64(h)<<32 | uint64(i+1)
	s.seqs[i/stateChunk][i%stateChunk] = seq
	c := s.state(i)
	c.idLen = uint16(len(id))
	if len(id) <= inlineID {
		copy(c.id[:], id)
	} else {
		n := len(s.longID)
		if n == 0 || len(s.longID[n-1])+len(id) > idChunk {
			s.longID = append(s.longID, make([]byte, 0, idChunk))
			n++
		}
		binary.LittleEndian.PutUint32(c.id[:], uint32(n-1))
		binary.LittleEndian.PutUint32(c.id[4:], uint32(len(s.longID[n-1])))
		s.longID[n-1] = append(s.longID[n-1], id...)
	}
	return i, true
}

// room makes room for the state and row of customer i: a new chunk, or
// the rest of a last chunk that a decoder made no longer than it needed.
func (s *shard) room(i int32) {
	k, j := int(i/stateChunk), int(i%stateChunk)
	switch {
	case k == len(s.states):
		s.states = append(s.states, make([]customerState, stateChunk))
		s.seqs = append(s.seqs, make([]int64, stateChunk))
	case j == len(s.states[k]):
		s.states[k] = append(make([]customerState, 0, stateChunk), s.states[k]...)[:stateChunk]
		s.seqs[k] = append(make([]int64, 0, stateChunk), s.seqs[k]...)[:stateChunk]
	}
}

// grow doubles the slots of the table.
func (s *shard) grow() {
	slots := make([]uint64, 2*len(s.slots))
	mask := len(slots) - 1
	for _, v := range s.slots {
		if v == 0 {
			continue
		}
		k := int(v>>32) & mask
		for slots[k] != 0 {
			k = (k + 1) & mask
		}
		slots[k] = v
	}
	s.slots = slots
}

// extra returns the customerExtra of c, adding it if new.
func (s *shard) extra(c *customerState) *customerExtra {
	if c.extra == 0 {
		s.extras = append(s.extras, customerExtra{})
		c.extra = int32(len(s.extras))
	}
	return &s.extras[c.extra-1]
}

// The three sums of a customer, as a pointer to their units and to their
// spill in the customer's extra.
type sumField int

const (
	calSum sumField = iota
	firstSum
	holdSum
)

func (f sumField) units(c *customerState) *int64 {
	switch f {
	case calSum:
		return &c.cal
	case firstSum:
		return &c.first
	}
	return &c.hold
}

func (f sumField) spill(x *customerExtra) *decimal.Decimal {
	switch f {
	case calSum:
		return &x.cal
	case firstSum:
		return &x.first
	}
	return &x.hold
}

// addAmount adds units (at the shard's scale) plus slow to sum f of c,
// moving the units to the spill if they would overflow.
func (s *shard) addAmount(c *customerState, f sumField, units int64, slow decimal.Decimal) {
	u := f.units(c)
	if v, ok := fixed.Add(*u, units); ok {
		*u = v
	} else {
		d := f.spill(s.extra(c))
		*d = d.Add(decimal.New(*u, -s.places))
		*u = units
	}
	if !slow.IsZero() {
		d := f.spill(s.extra(c))
		*d = d.Add(slow)
	}
}

// resetFirst sets the first-day sum of c to zero.
func (s *shard) resetFirst(c *customerState) {
	c.first = 0
	if c.extra != 0 {
		s.extras[c.extra-1].first = decimal.Decimal{}
	}
}

// sum returns sum f of c as a decimal.
func (s *shard) sum(c *customerState, f sumField) decimal.Decimal {
	d := decimal.New(*f.units(c), -s.places)
	if c.extra != 0 {
		if sp := *f.spill(&s.extras[c.extra-1]); !sp.IsZero() {
			d = d.Add(sp)
		}
	}
	return d
}

// align returns an amount of units × 10^−places at the shard's scale,
// raising the scale if places is above it; what does not fit comes back
// as a decimal, with units 0.
func (s *shard) align(units int64, places int32) (int64, decimal.Decimal) {
	if places > s.places {
		s.rescale(places)
	}
	if v, ok := fixed.Scale(units, s.places-places); ok {
		return v, decimal.Decimal{}
	}
	return 0, decimal.New(units, -places)
}

// rescale raises the scale of every sum to places. It runs at most
// fixed.MaxPlaces times in a shard's life.
func (s *shard) rescale(places int32) {
	k := places - s.places
	for i := range s.count {
		c := s.state(i)
		for _, f := range [...]sumField{calSum, firstSum, holdSum} {
			u := f.units(c)
			if v, ok := fixed.Scale(*u, k); ok {
				*u = v
				continue
			}
			d := f.spill(s.extra(c))
			*d = d.Add(decimal.New(*u, -s.places))
			*u = 0
		}
	}
	s.places = places
}

// meanUnits returns units × 10^−places / n rounded half away from zero to
// scale places, for n > 0 and places ≤ scale, in integers when the
// quotient fits, else by decimal division.
func meanUnits(units int64, places int32, n int64, scale int32) decimal.Decimal {
	if k := scale - places; k >= 0 && k <= fixed.MaxPlaces {
		hi, lo := bits.Mul64(fixed.Abs(units), uint64(fixed.Pow10[k]))
		if hi < uint64(n) {
			q, r := bits.Div64(hi, lo, uint64(n))
			if r >= uint64(n)-r { // 2r ≥ n, without overflow
				q++
			}
			if q <= math.MaxInt64 {
				v := int64(q)
				if units < 0 {
					v = -v
				}
				return decimal.New(v, -scale)
			}
		}
	}
	return decimal.New(units, -places).DivRound(decimal.NewFromInt(n), scale)
}

// repeatMean returns the mean amount of the x repeat days of c.
func (sh *shard) repeatMean(c *customerState, x int64) decimal.Decimal {
	if c.extra == 0 {
		if repeat, ok := fixed.Add(c.cal, -c.first); ok && c.first != math.MinInt64 {
			return meanUnits(repeat, sh.places, x, clv.DefaultScale)
		}
	}
	repeat := sh.sum(c, calSum).Sub(sh.sum(c, firstSum))
	return repeat.DivRound(decimal.NewFromInt(x), clv.DefaultScale)
}

// segmentIndex returns the index of segment name in the shard's table,
// adding a copy of it if new; ok is false if the table is full. Only a
// segment new to the shard allocates.
func (s *shard) segmentIndex(name string) (uint16, bool) {
	if name == "" {
		return 0, true
	}
	if k, ok := s.segmentAt[name]; ok {
		return k, true
	}
	if s.segments == nil {
		s.segments, s.segmentAt = []string{""}, map[string]uint16{"": 0}
	}
	if len(s.segments) == maxSegment {
		return 0, false
	}
	k := uint16(len(s.segments))
	name = strings.Clone(name) // a row's segment may be a view of its line
	s.segments = append(s.segments, name)
	s.segmentAt[name] = k
	return k, true
}

// segment returns the name of the segment of c.
func (s *shard) segment(c *customerState) string {
	if c.segment == 0 {
		return ""
	}
	return s.segments[c.segment]
}

// logDay records that customer i bought on day.
func (s *shard) logDay(i, day int32) {
	n := len(s.log)
	if n == 0 || len(s.log[n-1]) == logChunk {
		s.log = append(s.log, make([]dayEntry, 0, logChunk))
		n++
	}
	s.log[n-1] = append(s.log[n-1], dayEntry{i, day})
	if s.logLen++; s.logLen >= max(minCompact, len(s.dayList)) {
		s.compact()
	}
}

// compact moves the days of the log to the customers' sorted lists of
// distinct days, by a counting sort on the customer.
func (s *shard) compact() {
	n := int(s.count)
	if s.logLen == 0 && int(s.compacted) == n {
		return
	}
	start := make([]int, n+1)
	for i := range int(s.compacted) {
		start[i+1] = s.dayStart[i+1] - s.dayStart[i]
	}
	for _, chunk := range s.log {
		for _, e := range chunk {
			start[e.customer+1]++
		}
	}
	for i := range n {
		start[i+1] += start[i]
	}
	list := make([]int32, start[n])
	next := slices.Clone(start[:n])
	for i := range int(s.compacted) {
		next[i] += copy(list[next[i]:], s.dayList[s.dayStart[i]:s.dayStart[i+1]])
	}
	for _, chunk := range s.log {
		for _, e := range chunk {
			list[next[e.customer]] = e.day
			next[e.customer]++
		}
	}
	// Sort each customer's days, drop the repeats, and close the gaps.
	w := 0
	for i := range n {
		days := list[start[i]:start[i+1]]
		if !slices.IsSorted(days) {
			slices.Sort(days)
		}
		start[i] = w
		for k, d := range days {
			if k == 0 || d != days[k-1] {
				list[w] = d
				w++
			}
		}
	}
	start[n] = w
	if w < len(list)/2 {
		list = slices.Clone(list[:w])
	}
	s.dayStart, s.dayList, s.compacted = start, list[:w], int32(n)
	s.log, s.logLen = nil, 0
}

// daysOf returns the sorted distinct purchase days of customer i. The
// shard must be compacted.
func (s *shard) daysOf(i int32) []int32 {
	return s.dayList[s.dayStart[i]:s.dayStart[i+1]]
}
