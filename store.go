package clv

// This file implements the Accumulator's storage: its segments and the
// cells of each segment's windows, the customer table with its id arena
// and lookahead, the windows each customer bought in, and the scaled
// integer sums that keep amounts exact without allocating.

import (
	"encoding/binary"
	"hash/maphash"
	"math/bits"
	"strings"
	"unsafe"

	"github.com/clvkit/clv/internal/fixed"
	"github.com/shopspring/decimal"
)

const (
	customerChunk  = 1 << 14 // customers per allocation of state, at most
	arenaChunk     = 1 << 16 // bytes of customer ids per allocation, at most
	minSlots       = 64      // the slots of an empty customer table
	maxIDBytes     = 256     // the longest customer id or segment name
	inlineID       = 24      // the longest id kept in its customer's state
	inlineSegments = 3       // the segments whose windows a state holds
	lookahead      = 64      // purchases AddAll looks up ahead of adding them
	scanSegments   = 16      // segments few enough to find by comparing names
)

// recentWindow is a window and its bounds, in seconds since 1970 UTC.
type recentWindow struct {
	from, to int64 // [from, to)
	window   int32
}

// windowCell holds the rows of one segment in one window.
type windowCell struct {
	revenue   scaledSum
	purchases int64
	refunds   int64
	segment   int32
	window    int32
}

// A customerState holds what the summary needs of one customer: the
// windows they bought in, segment by segment. It holds the windows of up
// to three segments over 64 windows from base, which covers nearly every
// customer of a log by month; a customer who buys in more segments or over
// a longer span moves their windows to a customerExtra. A state is 64
// bytes, a cache line, so that adding a purchase reads one line of it.
type customerState struct {
	// Bit i of windows[k]: a purchase in window base+i of segments[k].
	windows  [inlineSegments]uint64
	base     int32
	extra    int32 // 1 + index into extras, which then holds the windows; 0 for none
	idLen    uint16
	n        uint8 // segments held
	segments [inlineSegments]uint8
	// id holds the customer's id if it fits, and otherwise where the id is
	// in the arena: the chunk, then the offset, little-endian.
	id [inlineID]byte
}

// A customerExtra holds the windows of a customer that outgrew their
// state.
type customerExtra struct {
	first int32 // the window of the first purchase
	sets  []windowSet
}

// A windowSet holds the windows one customer bought in within one segment.
type windowSet struct {
	segment int32
	lo      int32 // a multiple of 64: bit i of words[k] is window lo+64k+i
	words   []uint64
}

// mark adds window w to the set.
func (s *windowSet) mark(w int32) {
	lo := w &^ 63
	switch {
	case s.words == nil:
		s.lo, s.words = lo, make([]uint64, 1, 2)
	case lo < s.lo:
		grown := make([]uint64, (s.lo-lo)/64, int(s.lo-lo)/64+len(s.words))
		s.lo, s.words = lo, append(grown, s.words...)
	}
	for k := int((w - s.lo) / 64); k >= len(s.words); {
		s.words = append(s.words, 0)
	}
	s.words[(w-s.lo)/64] |= 1 << (w & 63)
}

// findSegment returns the index of the named segment, if it has one.
func (a *Accumulator) findSegment(name string) (int32, bool) {
	if a.lastIndex > 0 && name == a.lastSegment {
		return a.lastIndex - 1, true
	}
	if len(a.segments) <= scanSegments { // a few names compare faster than a map hashes
		for i, s := range a.segments {
			if s == name {
				a.lastSegment, a.lastIndex = s, int32(i)+1
				return int32(i), true
			}
		}
		return 0, false
	}
	i, ok := a.segmentIndex[name]
	if ok {
		a.lastSegment, a.lastIndex = a.segments[i], i+1
	}
	return i, ok
}

// addSegment adds a segment, copying its name, which may be the bytes of
// a caller's row.
func (a *Accumulator) addSegment(name string) int32 {
	i := int32(len(a.segments))
	name = strings.Clone(name)
	a.segments = append(a.segments, name)
	a.segmentIndex[name] = i
	return i
}

// cell returns the cell of a segment and window, adding it if new.
func (a *Accumulator) cell(segment, window int32) *windowCell {
	if a.indexed < len(a.cells) {
		a.indexCells()
	}
	i := a.cellSlot(segment, window)
	if *i == 0 {
		a.cells = append(a.cells, windowCell{segment: segment, window: window})
		*i = int32(len(a.cells))
		a.indexed++
	}
	return &a.cells[*i-1]
}

// cellSlot returns where the cell of a segment and window is indexed.
func (a *Accumulator) cellSlot(segment, window int32) *int32 {
	for int(segment) >= len(a.cellIndex) {
		a.cellIndex = append(a.cellIndex, nil)
	}
	if a.cellIndex[segment] == nil {
		a.cellIndex[segment] = make([]int32, 2*MaxWindows-1)
	}
	return &a.cellIndex[segment][window-a.origin+MaxWindows-1]
}

// indexCells indexes the cells not yet indexed.
func (a *Accumulator) indexCells() {
	for ; a.indexed < len(a.cells); a.indexed++ {
		c := &a.cells[a.indexed]
		*a.cellSlot(c.segment, c.window) = int32(a.indexed + 1)
	}
}

// hash returns the hash of a customer id.
func (a *Accumulator) hash(id string) uint32 {
	h := maphash.String(a.seed, id)
	return uint32(h) ^ uint32(h>>32)
}

// find returns the index of the customer with the given id and hash, if
// there is one, and otherwise the free slot where they belong.
func (a *Accumulator) find(id string, h uint32) (index int32, slot int, ok bool) {
	mask := len(a.slots) - 1
	for k := int(h) & mask; ; k = (k + 1) & mask {
		s := a.slots[k]
		if s == 0 {
			return -1, k, false
		}
		if uint32(s>>32) == h {
			if i := int32(uint32(s)) - 1; a.id(a.customer(i)) == id {
				return i, k, true
			}
		}
	}
}

// addCustomer adds a customer, copying their id, in the free slot find
// returned, and returns their index.
func (a *Accumulator) addCustomer(id string, h uint32, slot int) int32 {
	if int(a.count) >= len(a.slots)/4*3 {
		a.grow()
		_, slot, _ = a.find(id, h)
	}
	i := a.count
	a.count++
	// The first chunk grows from small, so that a few customers cost
	// little; the others hold customerChunk each.
	switch k := int(i / customerChunk); {
	case k == len(a.customers):
		a.customers = append(a.customers, make([]customerState, 1, min(customerChunk, max(64, int(i)))))
	default:
		a.customers[k] = append(a.customers[k], customerState{})
	}
	a.slots[slot] = uint64(h)<<32 | uint64(i+1)
	c := a.customer(i)
	c.idLen = uint16(len(id))
	if len(id) <= inlineID {
		copy(c.id[:], id)
	} else {
		chunk, start := a.intern(id)
		binary.LittleEndian.PutUint32(c.id[:], chunk)
		binary.LittleEndian.PutUint16(c.id[4:], start)
	}
	return i
}

// grow doubles the slots of the customer table.
func (a *Accumulator) grow() {
	slots := make([]uint64, 2*len(a.slots))
	mask := len(slots) - 1
	for _, s := range a.slots {
		if s == 0 {
			continue
		}
		k := int(s>>32) & mask
		for slots[k] != 0 {
			k = (k + 1) & mask
		}
		slots[k] = s
	}
	a.slots = slots
}

func (a *Accumulator) customer(i int32) *customerState {
	return &a.customers[i/customerChunk][i%customerChunk]
}

// intern copies an id too long for a state into the arena and returns
// where it is. Ids are packed into shared blocks, so a million of them cost
// a few hundred allocations, not a million; a block's bytes never change
// once written.
func (a *Accumulator) intern(id string) (chunk uint32, start uint16) {
	n := len(a.arena)
	if n == 0 || len(a.arena[n-1])+len(id) > cap(a.arena[n-1]) {
		// Blocks grow from small to arenaChunk, so that a few long ids
		// cost little; a full block's bytes never move.
		size := arenaChunk
		if n == 0 || cap(a.arena[n-1]) < arenaChunk {
			size = 1024
			if n > 0 {
				size = min(arenaChunk, 2*cap(a.arena[n-1]))
			}
		}
		a.arena = append(a.arena, make([]byte, 0, size))
		n++
	}
	start = uint16(len(a.arena[n-1]))
	a.arena[n-1] = append(a.arena[n-1], id...)
	return uint32(n - 1), start
}

// id returns the id of customer c without copying it, for as long as c's
// state is not changed.
func (a *Accumulator) id(c *customerState) string {
	if c.idLen <= inlineID {
		return unsafe.String(&c.id[0], int(c.idLen))
	}
	chunk, start := binary.LittleEndian.Uint32(c.id[:]), binary.LittleEndian.Uint16(c.id[4:])
	return unsafe.String(&a.arena[chunk][start], int(c.idLen))
}

// lookAhead hashes the customer ids of a batch and reads where each
// customer is kept. Nothing is changed: the reads only bring the memory
// into cache, and the loops keep them independent of each other so the
// processor can have many under way at once.
func (a *Accumulator) lookAhead(ids []string, hashes []uint32) {
	sink := a.sink
	for _, id := range ids {
		if id != "" {
			sink += uint64(id[0]) // hashing many ids overlaps less
		}
	}
	for j, id := range ids {
		hashes[j] = a.hash(id)
	}
	var seen [lookahead]uint64
	mask := len(a.slots) - 1
	for j, h := range hashes {
		seen[j] = a.slots[int(h)&mask]
	}
	for j, s := range seen[:len(ids)] {
		// The customer is in the first slot with their hash, nearly always
		// the home slot or one of the next few, in the same cache line.
		for k := int(hashes[j]) & mask; s != 0; s = a.slots[k] {
			if uint32(s>>32) == hashes[j] {
				sink += uint64(a.customer(int32(uint32(s)) - 1).base)
				break
			}
			k = (k + 1) & mask
		}
	}
	a.sink = sink
}

// mark records that customer c bought in window win of a segment.
func (a *Accumulator) mark(c *customerState, segment, win int32) {
	if c.extra == 0 {
		if c.markInline(uint8(segment), win) {
			return
		}
		a.spill(c)
	}
	x := &a.extras[c.extra-1]
	x.first = min(x.first, win)
	for k := range x.sets {
		if x.sets[k].segment == segment {
			x.sets[k].mark(win)
			return
		}
	}
	s := windowSet{segment: segment}
	s.mark(win)
	x.sets = append(x.sets, s)
}

// markInline marks window win of a segment in c's state, if it has room:
// a fourth segment, or windows more than 64 apart, do not fit.
func (c *customerState) markInline(segment uint8, win int32) bool {
	k := 0
	for k < int(c.n) && c.segments[k] != segment {
		k++
	}
	if k == inlineSegments {
		return false
	}
	if c.n == 0 {
		c.base = win
	}
	off := win - c.base
	if off < 0 { // an earlier window: move base back, if the later ones stay in reach
		if off <= -64 {
			return false
		}
		for j := range c.n {
			if bits.LeadingZeros64(c.windows[j]) < int(-off) {
				return false
			}
		}
		for j := range c.n {
			c.windows[j] <<= -off
		}
		c.base, off = win, 0
	} else if off >= 64 {
		return false
	}
	if k == int(c.n) {
		c.segments[k] = segment
		c.n++
	}
	c.windows[k] |= 1 << off
	return true
}

// spill moves the windows of c's state to a customerExtra.
func (a *Accumulator) spill(c *customerState) {
	x := customerExtra{first: a.first(c)}
	for k := range c.n {
		s := windowSet{segment: int32(c.segments[k])}
		for w := c.windows[k]; w != 0; w &= w - 1 {
			s.mark(c.base + int32(bits.TrailingZeros64(w)))
		}
		x.sets = append(x.sets, s)
	}
	a.extras = append(a.extras, x)
	c.extra = int32(len(a.extras))
	c.n, c.windows = 0, [inlineSegments]uint64{}
}

// first returns the window of c's first purchase.
func (a *Accumulator) first(c *customerState) int32 {
	if c.extra != 0 {
		return a.extras[c.extra-1].first
	}
	var all uint64
	for k := range c.n {
		all |= c.windows[k]
	}
	return c.base + int32(bits.TrailingZeros64(all))
}

// eachWindow calls f with each segment and window c bought in.
func (a *Accumulator) eachWindow(c *customerState, f func(segment, window int32)) {
	if c.extra == 0 {
		for k := range c.n {
			for x := c.windows[k]; x != 0; x &= x - 1 {
				f(int32(c.segments[k]), c.base+int32(bits.TrailingZeros64(x)))
			}
		}
		return
	}
	for _, s := range a.extras[c.extra-1].sets {
		for k, word := range s.words {
			for x := word; x != 0; x &= x - 1 {
				f(s.segment, s.lo+int32(64*k+bits.TrailingZeros64(x)))
			}
		}
	}
}

// align returns units × 10^−places at the Accumulator's scale, raising the
// scale to places if it is lower. An amount that does not fit at the scale
// comes back as a decimal, with units 0.
func (a *Accumulator) align(units int64, places int32) (int64, decimal.Decimal) {
	if places > a.places {
		a.rescale(places)
	}
	return toScale(units, places, a.places)
}

// toScale returns units × 10^−from as units × 10^−to, for to ≥ from, or,
// if that does not fit, as a decimal with units 0.
func toScale(units int64, from, to int32) (int64, decimal.Decimal) {
	if v, ok := fixed.Scale(units, to-from); ok {
		return v, decimal.Decimal{}
	}
	return 0, decimal.New(units, -from)
}

// rescale raises the scale of every sum to places. Sums that no longer fit
// move to decimals. It runs at most 18 times in an Accumulator's life.
func (a *Accumulator) rescale(places int32) {
	for i := range a.cells {
		a.cells[i].revenue.rescale(a.places, places)
	}
	a.places = places
}

// A scaledSum is an exact running sum of decimals: units × 10^−places, with
// places kept by its owner, plus spill, a decimal holding whatever did not
// fit an int64. Nearly every sum stays in units, where adding costs no
// allocation.
type scaledSum struct {
	units int64
	spill decimal.Decimal
}

// add adds units × 10^−places, moving the sum so far to spill if the units
// would overflow.
func (s *scaledSum) add(units int64, places int32) {
	if v, ok := fixed.Add(s.units, units); ok {
		s.units = v
		return
	}
	s.spill = s.spill.Add(decimal.New(s.units, -places))
	s.units = units
}

// rescale changes the scale of the units from places to more places.
func (s *scaledSum) rescale(places, more int32) {
	if v, ok := fixed.Scale(s.units, more-places); ok {
		s.units = v
		return
	}
	s.spill = s.spill.Add(decimal.New(s.units, -places))
	s.units = 0
}

// value returns the sum.
func (s scaledSum) value(places int32) decimal.Decimal {
	v := decimal.New(s.units, -places)
	if s.spill.Sign() != 0 {
		v = v.Add(s.spill)
	}
	return v
}
