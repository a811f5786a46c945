package btyd

// This file implements the storage of a Summarizer: two shards, each a
// hash table of customers with a fixed-size state apiece; each customer's
// distinct purchase days, as a sorted list in a shared arena of int32
// days; their amounts as integers counting the smallest decimal place the
// shard has seen; and the conversions of amounts between decimals and
// those integers. Nothing here allocates per purchase: a customer costs a
// state, and a list that doubles as it grows, from regions other
// customers outgrew.

import (
	"encoding/binary"
	"math"
	"math/bits"
	"unsafe"

	"github.com/shopspring/decimal"
)

const (
	stateChunk = 1 << 14 // customers per allocation of states
	idChunk    = 1 << 16 // bytes of long ids per allocation
	maxIDBytes = 256     // the longest customer id
	inlineID   = 20      // the longest id kept in its customer's state

	dayChunkLog = 20 // a chunk of the day arena holds 2^20 days
	maxCapLog   = 22 // 2^22 days outnumber the days from year 1 to 9999
	maxChunks   = 1 << (32 - dayChunkLog)
)

// A customerState is one customer: their amounts, in units of the shard's
// scale, their first purchase day, where their days are, and their id. It
// is 64 bytes, a cache line.
type customerState struct {
	cal   int64 // the amounts dated up to the calibration end
	first int64 // the amounts of the first purchase day
	hold  int64 // the amounts dated in the holdout
	// firstDay is the first purchase day, days[0].
	firstDay int32
	// n days are kept in region, which has room for 2^capLog.
	n      uint32
	region uint32
	extra  int32 // 1 + index into extras; 0 for none
	capLog uint8
	idLen  uint16
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
	days   dayArena
}

func (s *shard) state(i int32) *customerState {
	return &s.states[i/stateChunk][i%stateChunk]
}

func (s *shard) seq(i int32) int64 { return s.seqs[i/stateChunk][i%stateChunk] }

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
	if i%stateChunk == 0 {
		s.states = append(s.states, make([]customerState, stateChunk))
		s.seqs = append(s.seqs, make([]int64, stateChunk))
	}
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
	if v, ok := add64(*u, units); ok {
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
	if v, ok := scaleUnits(units, s.places-places); ok {
		return v, decimal.Decimal{}
	}
	return 0, decimal.New(units, -places)
}

// rescale raises the scale of every sum to places. It runs at most
// maxUnitPlaces times in a shard's life.
func (s *shard) rescale(places int32) {
	k := places - s.places
	for i := range s.count {
		c := s.state(i)
		for _, f := range [...]sumField{calSum, firstSum, holdSum} {
			u := f.units(c)
			if v, ok := scaleUnits(*u, k); ok {
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

// maxUnitPlaces is the most decimal places the integer sums count.
const maxUnitPlaces = 18

// unitsOf returns d as units × 10^−places with trailing zeros dropped,
// when |units| < 10^18 and places ≤ 18; otherwise ok is false. It
// allocates nothing.
func unitsOf(d decimal.Decimal) (units int64, places int32, ok bool) {
	exp := d.Exponent()
	if exp < -maxUnitPlaces || exp > maxUnitPlaces || d.NumDigits() > 18 {
		return 0, 0, false
	}
	units = d.CoefficientInt64()
	if exp > 0 {
		units, ok = scaleUnits(units, exp)
		return units, 0, ok
	}
	places = -exp
	for places > 0 && units%10 == 0 {
		units /= 10
		places--
	}
	return units, places, true
}

// scaleUnits returns units × 10^k for 0 ≤ k ≤ 18, and whether it fits.
func scaleUnits(units int64, k int32) (int64, bool) {
	return mul64(units, tenPow[k])
}

var tenPow = func() (p [maxUnitPlaces + 1]int64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = 10 * p[i-1]
	}
	return p
}()

func add64(a, b int64) (int64, bool) {
	c := a + b
	return c, (c > a) == (b > 0) || b == 0
}

func mul64(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	hi, lo := bits.Mul64(absU(a), absU(b))
	if hi != 0 || lo > math.MaxInt64 {
		return 0, false
	}
	if (a < 0) != (b < 0) {
		return -int64(lo), true
	}
	return int64(lo), true
}

func absU(a int64) uint64 {
	if a < 0 {
		return uint64(-a)
	}
	return uint64(a)
}

// meanUnits returns units × 10^−places / n rounded half away from zero to
// scale places, for n > 0 and places ≤ scale, in integers when the
// quotient fits, else by decimal division.
func meanUnits(units int64, places int32, n int64, scale int32) decimal.Decimal {
	if k := scale - places; k >= 0 && k <= maxUnitPlaces {
		hi, lo := bits.Mul64(absU(units), uint64(tenPow[k]))
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

// A dayArena holds the customers' sorted lists of days. A list lives in a
// region of 2^k days, at an address of the chunk (above dayChunkLog bits)
// and the offset within it; a list that outgrows its region moves to one
// twice the size, and the old region goes to a free list for the next
// customer who needs one of its size. Regions beyond a chunk get a chunk
// of their own.
type dayArena struct {
	chunks [][]int32
	used   int // of the last chunk
	free   [maxCapLog + 1][]uint32
}

// alloc returns the address of a free region of 2^capLog days, or false if
// the arena is full.
func (a *dayArena) alloc(capLog uint8) (uint32, bool) {
	if f := a.free[capLog]; len(f) > 0 {
		addr := f[len(f)-1]
		a.free[capLog] = f[:len(f)-1]
		return addr, true
	}
	size := 1 << capLog
	if capLog > dayChunkLog {
		if len(a.chunks)+1 >= maxChunks {
			return 0, false
		}
		a.chunks = append(a.chunks, make([]int32, size))
		// A later small region starts a fresh chunk after this one.
		a.used = 1 << dayChunkLog
		return uint32(len(a.chunks)-1) << dayChunkLog, true
	}
	if len(a.chunks) == 0 || a.used+size > 1<<dayChunkLog {
		if len(a.chunks)+1 >= maxChunks {
			return 0, false
		}
		a.chunks = append(a.chunks, make([]int32, 1<<dayChunkLog))
		a.used = 0
	}
	addr := uint32(len(a.chunks)-1)<<dayChunkLog | uint32(a.used)
	a.used += size
	return addr, true
}

// list returns the region at addr, 2^capLog days long.
func (a *dayArena) list(addr uint32, capLog uint8) []int32 {
	chunk, off := addr>>dayChunkLog, addr&(1<<dayChunkLog-1)
	return a.chunks[chunk][off : off+1<<capLog : off+1<<capLog]
}

// days returns the days of c.
func (s *shard) daysOf(c *customerState) []int32 {
	if c.n == 0 {
		return nil
	}
	return s.days.list(c.region, c.capLog)[:c.n]
}

// insertDay adds day to the sorted days of c, if it is not there, and
// reports whether it was new; ok is false if the arena is full.
func (s *shard) insertDay(c *customerState, day int32) (added, ok bool) {
	if c.n == 0 {
		addr, ok := s.days.alloc(0)
		if !ok {
			return false, false
		}
		c.region, c.capLog = addr, 0
		s.days.list(addr, 0)[0] = day
		c.n = 1
		return true, true
	}
	list := s.days.list(c.region, c.capLog)
	n := int(c.n)
	// Logs mostly run in time order: try the end first.
	k := n
	if last := list[n-1]; day <= last {
		if day == last {
			return false, true
		}
		lo, hi := 0, n-1
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if list[m] < day {
				lo = m + 1
			} else {
				hi = m
			}
		}
		if list[lo] == day {
			return false, true
		}
		k = lo
	}
	if n == len(list) {
		if c.capLog == maxCapLog {
			return false, false
		}
		addr, ok := s.days.alloc(c.capLog + 1)
		if !ok {
			return false, false
		}
		grown := s.days.list(addr, c.capLog+1)
		copy(grown, list)
		s.days.free[c.capLog] = append(s.days.free[c.capLog], c.region)
		c.region, c.capLog, list = addr, c.capLog+1, grown
	}
	list = list[:n+1]
	copy(list[k+1:], list[k:n])
	list[k] = day
	c.n++
	return true, true
}
