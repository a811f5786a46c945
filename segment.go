package clv

import (
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"iter"
	"math"
	"math/bits"
	"slices"
	"strings"
	"time"
	"unsafe"

	"github.com/shopspring/decimal"
)

// A Segment is a named group of customers with its own window totals,
// lifespan and acquisition cost: a channel, a plan, a region, a cohort.
type Segment struct {
	// Name identifies the segment; names must be distinct.
	Name string `json:"name"`
	// Window holds the segment's totals. All segments of a calculation
	// share one window period.
	Window Window `json:"window"`
	// Lifespan is how long the segment's customers keep buying.
	Lifespan Lifespan `json:"lifespan"`
	// AcquisitionCost is the cost of acquiring one customer of the
	// segment. Zero means the cost given by [WithAcquisitionCost], if any.
	AcquisitionCost decimal.Decimal `json:"acquisition_cost"`
}

// Equal reports whether s and t have the same name and numerically equal
// window, lifespan and acquisition cost.
func (s Segment) Equal(t Segment) bool {
	return s.Name == t.Name && s.Window.Equal(t.Window) && s.Lifespan.Equal(t.Lifespan) &&
		s.AcquisitionCost.Equal(t.AcquisitionCost)
}

// A SegmentResult holds the figures of one segment and its place among the
// others.
type SegmentResult struct {
	// Name is the segment's name.
	Name string `json:"name"`
	// Result holds the segment's figures, as [Calculate] computes them.
	Result Result `json:"result"`
	// CustomerShare is the segment's share of all customers, from 0 to 1.
	CustomerShare decimal.Decimal `json:"customer_share"`
	// ValueShare is the segment's share of the discounted lifetime value of
	// all customers (customers × [Result.DiscountedLifetimeValue]), from 0
	// to 1; 0 for every segment when that total is zero.
	ValueShare decimal.Decimal `json:"value_share"`
	// Rank orders the segments by DiscountedLifetimeValue per customer: 1
	// is the most valuable, and segments of equal value keep their input
	// order.
	Rank int `json:"rank"`
}

// Equal reports whether r and s hold the same name and rank and numerically
// equal figures.
func (r SegmentResult) Equal(s SegmentResult) bool {
	return r.Name == s.Name && r.Rank == s.Rank && r.Result.Equal(s.Result) &&
		r.CustomerShare.Equal(s.CustomerShare) && r.ValueShare.Equal(s.ValueShare)
}

// A SegmentReport holds the result of each segment, in input order, the
// totals of all segments, and their blended result.
type SegmentReport struct {
	// Segments holds one result per segment, in the order given.
	Segments []SegmentResult `json:"segments"`
	// Total holds the summed revenue, purchases and customers.
	Total Window `json:"total"`
	// Blended holds the figures of all customers together: each segment's
	// figures weighted by its customers, except the window averages, which
	// come from Total (APV = total revenue / total purchases). Where all
	// segments share one lifespan and acquisition cost, Blended equals
	// [Calculate] on Total.
	Blended Result `json:"blended"`
}

// Equal reports whether r and s hold equal segment results in the same
// order, equal totals and equal blended results.
func (r SegmentReport) Equal(s SegmentReport) bool {
	return slices.EqualFunc(r.Segments, s.Segments, SegmentResult.Equal) &&
		r.Total.Equal(s.Total) && r.Blended.Equal(s.Blended)
}

// CalculateSegments computes each segment as [Calculate] does, with the same
// options, and blends them: every per-customer figure of the blend is
// the segments' figures weighted by their customers,
//
//	blended X = Σ customers_i × X_i / Σ customers_i
//
// computed from the exact figures and rounded once. LTV:CAC and payback are
// computed from the blended lifetime value, acquisition cost and
// contribution, as for a single window.
//
// It fails as [Calculate] does for any segment, naming it, and besides with
// [ErrNonPositive] if there are no segments, [ErrInconsistent] if two
// segments share a name or their windows differ in period, and
// [ErrOutOfRange] if the summed counts overflow int64.
func CalculateSegments(segments []Segment, opts ...Option) (SegmentReport, error) {
	const fn = "segments"
	c, err := newConfig(opts)
	if err != nil {
		return SegmentReport{}, err
	}
	if len(segments) == 0 {
		return SegmentReport{}, &argError{fn: fn, arg: "number of segments", val: "0", err: ErrNonPositive}
	}
	window := segments[0].Window.Period
	names := make(map[string]bool, len(segments))
	parts := make([]totals, len(segments))
	var all totals
	for i, s := range segments {
		prefix := fmt.Sprintf("segment %q: ", s.Name)
		if names[s.Name] {
			return SegmentReport{}, &argError{fn: fn, arg: fmt.Sprintf("name %q used twice", s.Name), err: ErrInconsistent}
		}
		names[s.Name] = true
		if s.Window.Period != window {
			return SegmentReport{}, &argError{fn: fn, arg: fmt.Sprintf("%swindow period %s, not the first segment's %s", prefix, s.Window.Period, window), err: ErrInconsistent}
		}
		cac, err := checkNonNegative(fn, prefix+"acquisition cost", s.AcquisitionCost)
		if err != nil {
			return SegmentReport{}, err
		}
		if cac.IsZero() {
			cac = c.acquisitionCost
		}
		if parts[i], err = c.totals(prefix, s.Window, s.Lifespan, cac); err != nil {
			return SegmentReport{}, err
		}
		var ok bool
		if all, ok = all.add(parts[i]); !ok {
			return SegmentReport{}, &argError{fn: fn, arg: "total purchases or customers", err: ErrOutOfRange}
		}
	}

	customers := decimal.NewFromInt(all.customers)
	allValue := prepare(all.discounted, c.scale)
	// Every term is at least zero, so the total is zero only if all are.
	worthless := !slices.ContainsFunc(parts, func(t totals) bool { return t.discounted[0].sign() != 0 })
	report := SegmentReport{
		Segments: make([]SegmentResult, len(segments)),
		Total:    Window{Revenue: all.revenue, Purchases: all.purchases, Customers: all.customers, Period: window},
		Blended:  c.result(all, window),
	}
	for i, t := range parts {
		r := SegmentResult{
			Name:          segments[i].Name,
			Result:        c.result(t, window),
			CustomerShare: decimal.NewFromInt(t.customers).DivRound(customers, c.scale),
			ValueShare:    decimal.Zero,
		}
		if !worthless {
			r.ValueShare = roundQuo(prepare(t.discounted, c.scale), allValue, c.scale)
		}
		report.Segments[i] = r
	}

	order := make([]int, len(segments))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int {
		return report.Segments[j].Result.DiscountedLifetimeValue.Cmp(report.Segments[i].Result.DiscountedLifetimeValue)
	})
	for rank, i := range order {
		report.Segments[i].Rank = rank + 1
	}
	return report, nil
}

// A Purchase is one row of a purchase log: who bought, when, for how much,
// and, optionally, in which segment.
//
// An Amount above zero is a purchase. A zero Amount is a purchase of no
// value, such as a free or fully discounted order: it counts as a purchase
// and makes its customer active in its window. A negative Amount is a
// refund: it lowers the revenue of the window and segment it is dated in
// and counts among their refunds, but it is not a purchase, makes no
// customer active and leaves every per-customer figure alone. Rows that are
// neither, such as cancelled orders, belong out of the log.
type Purchase struct {
	// Customer identifies the customer; it must not be empty, and at most
	// 256 bytes long.
	Customer string `json:"customer"`
	// Time is when the purchase was made; it must not be the zero time,
	// and its year must be from 1 to 9999.
	Time time.Time `json:"time"`
	// Amount is what the customer paid, or, if negative, was refunded.
	Amount decimal.Decimal `json:"amount"`
	// Segment names the segment the purchase belongs to: a channel, plan
	// or region. Empty is a segment like any other, and the only one if
	// no purchase names one.
	Segment string `json:"segment,omitempty"`
}

// The limits of an Accumulator, which keep its summary small whatever the
// log: a log spanning more windows, or naming more segments, is refused.
const (
	// MaxWindows is the most calendar windows a purchase log may span: 19
	// years of weeks, 83 years of months.
	MaxWindows = 1000
	// MaxSegments is the most distinct segments a purchase log may name.
	MaxSegments = 256
)

// An Accumulator summarises a purchase log, exactly, by calendar window and
// segment, and per customer. Purchases may be added in any order, one at a
// time with [Accumulator.Add] or from an iterator with
// [Accumulator.AddAll]; the summary depends only on which purchases were
// added, never on their order (only [Accumulator.Customers] lists
// customers in the order they came). Accumulators built over parts of one
// log, such as shards of its customers, combine with [Accumulator.Merge].
//
// Each purchase counts in the segment its row names. A customer whose rows
// move from one segment to another is lost to the first and returns in the
// second; their per-customer summary keeps the segment of their first
// purchase.
//
// Windows are calendar-aligned in UTC and cut by the Period the
// Accumulator is made with: calendar years, quarters, months, or weeks from
// Monday to Sunday, as ISO 8601 has them. The same Period is the unit of
// the per-customer summaries.
//
// Amounts are summed exactly. While they fit, sums are kept as integers
// counting the smallest decimal place seen, so adding a purchase allocates
// nothing; a sum that would overflow moves to a decimal. Memory grows with
// the customers, windows and segments in the log, never with its rows.
//
// An Accumulator is not safe for concurrent use; give each goroutine its
// own and merge them.
type Accumulator struct {
	period Period
	places int32 // every scaled integer counts units of 10^−places
	rows   int64
	lo, hi int32 // the windows spanned by the rows added so far

	segments     []string
	segmentIndex map[string]int32
	lastSegment  string // a cache: logs tend to repeat the segment of the row before
	lastIndex    int32

	// cellIndex[segment][window−origin+MaxWindows−1] is 1 + the index of
	// the segment's cell of that window in cells, or 0. Every window lies
	// within MaxWindows−1 of origin, a window of the first row.
	cellIndex [][]int32
	cells     []windowCell
	origin    int32

	// The customers, in a hash table of their own: a Go map of a million
	// strings costs twice the memory, and its lookups cannot be
	// overlapped, as AddAll overlaps these.
	seed      maphash.Seed
	slots     []uint64 // hash<<32 | 1 + index into customers; 0 is empty
	count     int32    // customers
	customers [][]customerState
	extras    []customerExtra
	arena     [][]byte // the customers' ids, packed
	sink      uint64   // what AddAll's lookahead read, kept so it is read

	recent recentWindow // logs run in time order: the window of the last row
}

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
// windows they bought in and the value they bought. It holds one segment's
// windows, as long as they span at most 64; a customer who buys in several
// segments or over a longer span moves them to a customerExtra, as does a
// value that overflows.
type customerState struct {
	windows    uint64 // bit i: a purchase in window base+i of segment
	value      int64  // all purchases, in units
	firstValue int64  // purchases in window first, in units
	base       int32
	first      int32 // the window of the first purchase
	extra      int32 // 1 + index into extras; 0 for none
	segment    uint16
	idLen      uint16
	// id holds the customer's id if it fits, and otherwise where the id is
	// in the arena: the chunk, then the offset, little-endian. A state is
	// 64 bytes, a cache line, so finding a customer reads one line.
	id [inlineID]byte
}

// A customerExtra holds what does not fit a customerState.
type customerExtra struct {
	sets       []windowSet // when not nil, the windows, in place of the state's
	value      decimal.Decimal
	firstValue decimal.Decimal
}

// A windowSet holds the windows one customer bought in within one segment.
type windowSet struct {
	segment int32
	lo      int32 // a multiple of 64: bit i of words[k] is window lo+64k+i
	words   []uint64
}

const (
	customerChunk = 1 << 14 // customers per allocation of state
	arenaChunk    = 1 << 16 // bytes of customer ids per allocation
	maxIDBytes    = 256     // the longest customer id
	inlineID      = 24      // the longest id kept in its customer's state
	lookahead     = 64      // purchases AddAll looks up ahead of adding them
)

// NewAccumulator returns an empty Accumulator with windows of the given
// period. It returns an error wrapping [ErrUnknownPeriod] if window is not
// a [Period].
func NewAccumulator(window Period) (*Accumulator, error) {
	if err := checkPeriod("accumulator", "window", window); err != nil {
		return nil, err
	}
	return &Accumulator{
		period:       window,
		segmentIndex: make(map[string]int32),
		seed:         maphash.MakeSeed(),
		slots:        make([]uint64, 1024),
		lastIndex:    -1,
	}, nil
}

// Period returns the period of the Accumulator's windows.
func (a *Accumulator) Period() Period { return a.period }

// Add adds one purchase, or one refund, to the summary.
//
// It returns an error, and leaves the Accumulator as it was, if the
// purchase has no customer or no time ([ErrMissing]), or if its amount is
// out of range, its customer id longer than 256 bytes, its year outside 1
// to 9999, or it would make the log span more than [MaxWindows] windows or
// name more than [MaxSegments] segments ([ErrOutOfRange]).
func (a *Accumulator) Add(p Purchase) error {
	return a.add(&p, a.hash(p.Customer))
}

// add adds p, whose customer id hashes to h.
func (a *Accumulator) add(p *Purchase, h uint32) error {
	const fn = "purchase"
	if p.Customer == "" {
		return &argError{fn: fn, arg: "customer", err: ErrMissing}
	}
	if len(p.Customer) > maxIDBytes {
		return &argError{fn: fn, arg: "customer", val: fmt.Sprintf("%.20q…", p.Customer),
			err: fmt.Errorf("%w: longer than %d bytes", ErrOutOfRange, maxIDBytes)}
	}
	if p.Time.IsZero() {
		return &argError{fn: fn, arg: "time", err: ErrMissing}
	}
	win := a.recent.window
	if sec := p.Time.Unix(); sec < a.recent.from || sec >= a.recent.to {
		n, year := calendarWindow(p.Time, a.period)
		if year < 1 || year > 9999 {
			return &argError{fn: fn, arg: "time", val: p.Time.String(), err: ErrOutOfRange}
		}
		win = int32(n)
		a.recent = recentWindow{from: windowStartUnix(n, a.period), to: windowStartUnix(n+1, a.period), window: win}
	}
	if a.rows > 0 && (max(a.hi, win)-min(a.lo, win) >= MaxWindows) {
		return &argError{fn: fn, arg: "time", val: p.Time.UTC().Format(time.RFC3339),
			err: fmt.Errorf("%w: the log would span more than %d %ss", ErrOutOfRange, MaxWindows, a.period)}
	}
	units, places, fast := unitsOf(p.Amount)
	var slow decimal.Decimal
	if !fast {
		var err error
		if slow, err = checkDecimal(fn, "amount", p.Amount); err != nil {
			return err
		}
	}
	refund := units < 0 || slow.Sign() < 0
	i, slot, known := int32(-1), 0, true
	var c *customerState
	if !refund {
		if i, slot, known = a.find(p.Customer, h); !known && a.count == math.MaxInt32 {
			return &argError{fn: fn, arg: "customer", val: fmt.Sprintf("%q", p.Customer),
				err: fmt.Errorf("%w: more than %d customers", ErrOutOfRange, math.MaxInt32)}
		}
		if known {
			c = a.customer(i)
		}
	}
	// Customers mostly keep to one segment: try theirs before the index.
	segment, ok := int32(0), false
	if c != nil && c.windows != 0 && a.segments[c.segment] == p.Segment {
		segment, ok = int32(c.segment), true
	} else if segment, ok = a.findSegment(p.Segment); !ok && len(a.segments) >= MaxSegments {
		return &argError{fn: fn, arg: "segment", val: fmt.Sprintf("%q", p.Segment),
			err: fmt.Errorf("%w: more than %d segments", ErrOutOfRange, MaxSegments)}
	}

	// Every check is done: from here on the purchase is added.
	if !ok {
		segment = a.addSegment(p.Segment)
	}
	if fast {
		units, slow = a.align(units, places)
	}
	if a.rows == 0 {
		a.lo, a.hi, a.origin = win, win, win
	}
	a.lo, a.hi = min(a.lo, win), max(a.hi, win)
	a.rows++

	cell := a.cell(segment, win)
	cell.revenue.add(units, a.places)
	if slow.Sign() != 0 {
		cell.revenue.spill = cell.revenue.spill.Add(slow)
	}
	if refund {
		cell.refunds++
		return nil
	}
	cell.purchases++

	if !known {
		i = a.addCustomer(p.Customer, h, slot, win)
		c = a.customer(i)
	}
	a.addFirst(c, win, units, slow)
	a.addTotal(c, units, slow)
	a.mark(c, segment, win)
	return nil
}

// findSegment returns the index of the named segment, if it has one.
func (a *Accumulator) findSegment(name string) (int32, bool) {
	if a.lastIndex >= 0 && name == a.lastSegment {
		return a.lastIndex, true
	}
	i, ok := a.segmentIndex[name]
	if ok {
		a.lastSegment, a.lastIndex = name, i
	}
	return i, ok
}

func (a *Accumulator) addSegment(name string) int32 {
	i := int32(len(a.segments))
	a.segments = append(a.segments, name)
	a.segmentIndex[name] = i
	return i
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
	if v, ok := scaleUnits(units, to-from); ok {
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
	for i := range a.count {
		c := a.customer(i)
		if v, ok := scaleUnits(c.value, places-a.places); ok {
			c.value = v
		} else {
			x := a.extra(c)
			x.value = x.value.Add(decimal.New(c.value, -a.places))
			c.value = 0
		}
		if v, ok := scaleUnits(c.firstValue, places-a.places); ok {
			c.firstValue = v
		} else {
			x := a.extra(c)
			x.firstValue = x.firstValue.Add(decimal.New(c.firstValue, -a.places))
			c.firstValue = 0
		}
	}
	a.places = places
}

// cell returns the cell of a segment and window, adding it if new.
func (a *Accumulator) cell(segment, window int32) *windowCell {
	for int(segment) >= len(a.cellIndex) {
		a.cellIndex = append(a.cellIndex, make([]int32, 2*MaxWindows-1))
	}
	i := &a.cellIndex[segment][window-a.origin+MaxWindows-1]
	if *i == 0 {
		a.cells = append(a.cells, windowCell{segment: segment, window: window})
		*i = int32(len(a.cells))
	}
	return &a.cells[*i-1]
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

// addCustomer adds a customer whose first purchase is in window first, in
// the free slot find returned, and returns their index.
func (a *Accumulator) addCustomer(id string, h uint32, slot int, first int32) int32 {
	if int(a.count) >= len(a.slots)/4*3 {
		a.grow()
		_, slot, _ = a.find(id, h)
	}
	i := a.count
	a.count++
	if i%customerChunk == 0 {
		a.customers = append(a.customers, make([]customerState, customerChunk))
	}
	a.slots[slot] = uint64(h)<<32 | uint64(i+1)
	c := a.customer(i)
	c.first, c.base = first, first
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
	if n == 0 || len(a.arena[n-1])+len(id) > arenaChunk {
		a.arena = append(a.arena, make([]byte, 0, arenaChunk))
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

// extra returns the customerExtra of c, adding it if new.
func (a *Accumulator) extra(c *customerState) *customerExtra {
	if c.extra == 0 {
		a.extras = append(a.extras, customerExtra{})
		c.extra = int32(len(a.extras))
	}
	return &a.extras[c.extra-1]
}

// addFirst adds units (at the Accumulator's scale) plus slow, bought in
// window win, to the value of the first window of customer c, if win is
// that window; if win comes before it, win becomes the first window.
func (a *Accumulator) addFirst(c *customerState, win int32, units int64, slow decimal.Decimal) {
	if win < c.first {
		c.first, c.firstValue = win, 0
		if c.extra != 0 {
			a.extras[c.extra-1].firstValue = decimal.Decimal{}
		}
	}
	if win != c.first {
		return
	}
	a.addUnits(c, &c.firstValue, func(x *customerExtra) *decimal.Decimal { return &x.firstValue }, units, slow)
}

// addTotal adds units (at the Accumulator's scale) plus slow to the value
// of customer c.
func (a *Accumulator) addTotal(c *customerState, units int64, slow decimal.Decimal) {
	a.addUnits(c, &c.value, func(x *customerExtra) *decimal.Decimal { return &x.value }, units, slow)
}

// addUnits adds units plus slow to a sum of customer c kept as *sum units
// and a decimal spill in c's extra, moving *sum to the spill if the units
// would overflow it.
func (a *Accumulator) addUnits(c *customerState, sum *int64, spill func(*customerExtra) *decimal.Decimal, units int64, slow decimal.Decimal) {
	if v, ok := add64(*sum, units); ok {
		*sum = v
	} else {
		d := spill(a.extra(c))
		*d = d.Add(decimal.New(*sum, -a.places))
		*sum = units
	}
	if slow.Sign() != 0 {
		d := spill(a.extra(c))
		*d = d.Add(slow)
	}
}

// mark records that customer c bought in window win of a segment.
func (a *Accumulator) mark(c *customerState, segment, win int32) {
	if c.extra == 0 || a.extras[c.extra-1].sets == nil {
		switch {
		case c.windows == 0:
			c.windows, c.base, c.segment = 1, win, uint16(segment)
			return
		case segment != int32(c.segment):
		case win >= c.base && win-c.base < 64:
			c.windows |= 1 << (win - c.base)
			return
		case win < c.base && int64(c.base-win)+63-int64(bits.LeadingZeros64(c.windows)) < 64:
			c.windows = c.windows<<(c.base-win) | 1
			c.base = win
			return
		}
		// The windows outgrow the state: move them to sets.
		x := a.extra(c)
		s := windowSet{segment: int32(c.segment)}
		for x := c.windows; x != 0; x &= x - 1 {
			s.mark(c.base + int32(bits.TrailingZeros64(x)))
		}
		x.sets = []windowSet{s}
		c.windows = 0
	}
	x := &a.extras[c.extra-1]
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

// AddAll adds every purchase of a sequence, as [Accumulator.Add] does. At
// the first purchase that fails, it stops and returns the error, naming the
// purchase by its place in the sequence, counted from 1; the purchases
// before it stay added.
func (a *Accumulator) AddAll(purchases iter.Seq[Purchase]) error {
	// Purchases go in batches: the customers of a whole batch are looked
	// up first, so the memory reads of many lookups overlap, and then the
	// purchases are added one by one, their customers already in cache.
	var batch [lookahead]Purchase
	var hashes [lookahead]uint32
	n, k := 0, 0
	flush := func() error {
		a.lookAhead(batch[:k], hashes[:k])
		for j := range k {
			if err := a.add(&batch[j], hashes[j]); err != nil {
				if e, ok := err.(*argError); ok {
					named := *e
					named.fn = fmt.Sprintf("purchase %d", n-k+j+1)
					err = &named
				}
				return err
			}
		}
		k = 0
		return nil
	}
	for p := range purchases {
		batch[k] = p
		k++
		n++
		if k == lookahead {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// lookAhead hashes the customer ids of a batch and reads where each
// customer is kept. Nothing is changed: the reads only bring the memory
// into cache, and the loops keep them independent of each other so the
// processor can have many under way at once.
func (a *Accumulator) lookAhead(batch []Purchase, hashes []uint32) {
	sink := a.sink
	for j := range batch {
		if id := batch[j].Customer; id != "" {
			sink += uint64(id[0]) // hashing many ids overlaps less
		}
	}
	for j := range batch {
		hashes[j] = a.hash(batch[j].Customer)
	}
	var seen [lookahead]uint64
	mask := len(a.slots) - 1
	for j, h := range hashes {
		seen[j] = a.slots[int(h)&mask]
	}
	for j, s := range seen[:len(batch)] {
		// The customer is in the first slot with their hash, nearly always
		// the home slot or one of the next few, in the same cache line.
		for k := int(hashes[j]) & mask; s != 0; s = a.slots[k] {
			if uint32(s>>32) == hashes[j] {
				sink += a.customer(int32(uint32(s)) - 1).windows
				break
			}
			k = (k + 1) & mask
		}
	}
	a.sink = sink
}

// Merge adds the purchases summarised by b to a, as if each had been added
// to a directly: merging Accumulators built over any split of a log, such
// as disjoint sets of its customers summarised in parallel, gives the
// summary of the whole log, exactly. A customer who appears in both keeps
// one history, the union of the two. b is left as it was.
//
// It returns an error wrapping [ErrInconsistent], and changes nothing, if b
// is a itself or has windows of another period, and [ErrOutOfRange] if the
// merged log would exceed the limits [Accumulator.Add] enforces.
func (a *Accumulator) Merge(b *Accumulator) error {
	const fn = "merge"
	switch {
	case a == b:
		return &argError{fn: fn, arg: "an accumulator into itself", err: ErrInconsistent}
	case a.period != b.period:
		return &argError{fn: fn, arg: fmt.Sprintf("windows of a %s into windows of a %s", b.period, a.period), err: ErrInconsistent}
	case b.rows == 0:
		return nil
	case a.rows > 0 && max(a.hi, b.hi)-min(a.lo, b.lo) >= MaxWindows:
		return &argError{fn: fn, arg: "windows", err: fmt.Errorf("%w: the log would span more than %d %ss", ErrOutOfRange, MaxWindows, a.period)}
	case int64(a.count)+int64(b.count) > math.MaxInt32:
		return &argError{fn: fn, arg: "customers", err: fmt.Errorf("%w: more than %d customers", ErrOutOfRange, math.MaxInt32)}
	}
	added := 0
	for _, name := range b.segments {
		if _, ok := a.segmentIndex[name]; !ok {
			added++
		}
	}
	if len(a.segments)+added > MaxSegments {
		return &argError{fn: fn, arg: "segments", err: fmt.Errorf("%w: more than %d segments", ErrOutOfRange, MaxSegments)}
	}

	// Every check is done: from here on b is merged.
	if b.places > a.places {
		a.rescale(b.places)
	}
	segment := make([]int32, len(b.segments))
	for i, name := range b.segments {
		var ok bool
		if segment[i], ok = a.findSegment(name); !ok {
			segment[i] = a.addSegment(name)
		}
	}
	if a.rows == 0 {
		a.lo, a.hi, a.origin = b.lo, b.hi, b.lo
	}
	a.lo, a.hi = min(a.lo, b.lo), max(a.hi, b.hi)
	a.rows += b.rows
	for i := range b.cells {
		from := &b.cells[i]
		to := a.cell(segment[from.segment], from.window)
		units, slow := toScale(from.revenue.units, b.places, a.places)
		to.revenue.add(units, a.places)
		to.revenue.spill = to.revenue.spill.Add(slow).Add(from.revenue.spill)
		to.purchases += from.purchases
		to.refunds += from.refunds
	}
	for j := range b.count {
		from := b.customer(j)
		id := b.id(from) // addCustomer copies it
		h := a.hash(id)
		i, slot, known := a.find(id, h)
		if !known {
			i = a.addCustomer(id, h, slot, from.first)
		}
		c := a.customer(i)
		firstSpill, spill := b.spills(from)
		units, slow := toScale(from.firstValue, b.places, a.places)
		a.addFirst(c, from.first, units, slow.Add(firstSpill))
		units, slow = toScale(from.value, b.places, a.places)
		a.addTotal(c, units, slow.Add(spill))
		b.eachWindow(from, func(s, w int32) { a.mark(c, segment[s], w) })
	}
	return nil
}

// spills returns the parts of c's first-window value and total value that
// did not fit integers.
func (a *Accumulator) spills(c *customerState) (firstValue, value decimal.Decimal) {
	if c.extra == 0 {
		return decimal.Decimal{}, decimal.Decimal{}
	}
	x := &a.extras[c.extra-1]
	return x.firstValue, x.value
}

// eachWindow calls f with each segment and window c bought in.
func (a *Accumulator) eachWindow(c *customerState, f func(segment, window int32)) {
	if c.extra == 0 || a.extras[c.extra-1].sets == nil {
		for x := c.windows; x != 0; x &= x - 1 {
			f(int32(c.segment), c.base+int32(bits.TrailingZeros64(x)))
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

// A Summary holds what a purchase log says, window by window, of all
// customers and of each segment. Its windows run without a gap from the
// first window with a row to the last, so a window with no rows is there,
// with zeros.
type Summary struct {
	// Period is the length of the windows.
	Period Period `json:"period"`
	// Revenue is the sum of every amount, refunds included.
	Revenue decimal.Decimal `json:"revenue"`
	// Purchases and Refunds count the rows of each kind.
	Purchases int64 `json:"purchases"`
	Refunds   int64 `json:"refunds"`
	// Customers counts the distinct customers with a purchase.
	Customers int64 `json:"customers"`
	// Windows holds the figures of all customers, window by window.
	Windows []WindowSummary `json:"windows"`
	// Segments holds the figures of each segment, ordered by name.
	Segments []SegmentSummary `json:"segments"`
}

// A SegmentSummary holds the windows of one segment.
type SegmentSummary struct {
	// Name is the segment's name; it may be empty.
	Name string `json:"name"`
	// Windows holds the segment's figures, window by window, over the
	// same windows as [Summary.Windows].
	Windows []WindowSummary `json:"windows"`
}

// A WindowSummary holds the figures of one calendar window, for all
// customers or for one segment. Its Window plugs into [Calculate] and its
// churn rate into a [Lifespan].
//
// A customer counts in a segment's window when they bought in that
// segment in that window, so a customer who buys in two segments in one
// window counts in both, and the segments' customers can add up to more
// than all customers. Within one segment, or for all customers:
//
//	Customers = NewCustomers + ReturningCustomers
//	Customers = PreviousCustomers − LostCustomers + customers who did not buy in the previous window
type WindowSummary struct {
	// Start is the window's first instant, and End the next window's,
	// both in UTC.
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Period is the window's length.
	Period Period `json:"period"`
	// Revenue is the sum of the amounts dated in the window: purchases
	// less refunds. It may be negative.
	Revenue decimal.Decimal `json:"revenue"`
	// Purchases and Refunds count the rows dated in the window.
	Purchases int64 `json:"purchases"`
	Refunds   int64 `json:"refunds"`
	// Customers counts the distinct customers who bought in the window.
	Customers int64 `json:"customers"`
	// NewCustomers counts those customers whose first purchase ever, in
	// any segment, falls in the window.
	NewCustomers int64 `json:"new_customers"`
	// ReturningCustomers counts those customers who had bought before.
	ReturningCustomers int64 `json:"returning_customers"`
	// LostCustomers counts the customers who bought in the previous window
	// but not in this one; 0 in the first window.
	LostCustomers int64 `json:"lost_customers"`
	// PreviousCustomers is the previous window's Customers; 0 in the first
	// window.
	PreviousCustomers int64 `json:"previous_customers"`
}

// Window returns the window's revenue, purchases, customers and period, as
// [Calculate] takes them.
func (s WindowSummary) Window() Window {
	return Window{Revenue: s.Revenue, Purchases: s.Purchases, Customers: s.Customers, Period: s.Period}
}

// ChurnRate returns the share of the previous window's customers who did
// not buy in this one, as [ChurnRate] computes it from LostCustomers and
// PreviousCustomers; it is a churn rate per [WindowSummary.Period]. It
// returns an error wrapping [ErrNonPositive] if the previous window had no
// customers, as the first window has none.
func (s WindowSummary) ChurnRate() (decimal.Decimal, error) {
	return ChurnRate(s.LostCustomers, s.PreviousCustomers)
}

// AverageChurnRate returns the churn rate of a run of windows, the lost
// customers of all of them over the customers they started with:
//
//	churn = Σ LostCustomers / Σ PreviousCustomers
//
// rounded to [DefaultScale] places. Each window's rate counts in proportion
// to its previous customers, so a quiet window does not weigh as much as a
// busy one. It returns an error wrapping [ErrNonPositive] if no window had
// previous customers, and [ErrOutOfRange] if the sums overflow int64.
func AverageChurnRate(windows []WindowSummary) (decimal.Decimal, error) {
	var lost, previous int64
	for _, w := range windows {
		var ok1, ok2 bool
		lost, ok1 = add64(lost, w.LostCustomers)
		previous, ok2 = add64(previous, w.PreviousCustomers)
		if !ok1 || !ok2 {
			return decimal.Zero, &argError{fn: "average churn rate", arg: "customers", err: ErrOutOfRange}
		}
	}
	if previous <= 0 {
		return decimal.Zero, &argError{fn: "average churn rate", arg: "previous customers", val: fmt.Sprint(previous), err: ErrNonPositive}
	}
	return ChurnRate(lost, previous)
}

// Summary returns the figures of every window, for all customers and for
// each segment. An Accumulator with nothing added gives a Summary with no
// windows.
func (a *Accumulator) Summary() Summary {
	sum := Summary{Period: a.period}
	if a.rows == 0 {
		return sum
	}
	span := int(a.hi-a.lo) + 1
	all := len(a.segments) // the row of all customers, after the segments'
	n := (all + 1) * span
	customers, fresh, lost := make([]int64, n), make([]int64, n), make([]int64, n)

	// Each customer's windows, segment by segment, as bits over the span.
	words := (span + 63) / 64
	set, union := make([]uint64, words), make([]uint64, words)
	count := func(row int, set []uint64, first int) {
		var carry uint64
		for k, x := range set {
			for y := x; y != 0; y &= y - 1 {
				customers[row*span+64*k+bits.TrailingZeros64(y)]++
			}
			for y := (x<<1 | carry) &^ x; y != 0; y &= y - 1 {
				if w := 64*k + bits.TrailingZeros64(y); w < span {
					lost[row*span+w]++
				}
			}
			carry = x >> 63
		}
		if set[first/64]>>(first%64)&1 == 1 {
			fresh[row*span+first]++
		}
	}
	for i := range a.count {
		c := a.customer(i)
		first := int(c.first - a.lo)
		clear(union)
		if c.extra == 0 || a.extras[c.extra-1].sets == nil {
			project(union, c.windows, int(c.base-a.lo))
			count(int(c.segment), union, first)
		} else {
			for _, s := range a.extras[c.extra-1].sets {
				clear(set)
				for k, x := range s.words {
					project(set, x, int(s.lo)+64*k-int(a.lo))
				}
				count(int(s.segment), set, first)
				for k := range union {
					union[k] |= set[k]
				}
			}
		}
		count(all, union, first)
		sum.Customers++
	}

	// The rows, segment by segment and in all.
	revenue := make([]scaledSum, n)
	purchases, refunds := make([]int64, n), make([]int64, n)
	for i := range a.cells {
		c := &a.cells[i]
		for _, row := range [2]int{int(c.segment), all} {
			k := row*span + int(c.window-a.lo)
			revenue[k].add(c.revenue.units, a.places)
			if c.revenue.spill.Sign() != 0 {
				revenue[k].spill = revenue[k].spill.Add(c.revenue.spill)
			}
			purchases[k] += c.purchases
			refunds[k] += c.refunds
		}
	}

	windows := func(row int) []WindowSummary {
		ws := make([]WindowSummary, span)
		for w := range ws {
			k := row*span + w
			ws[w] = WindowSummary{
				Start:              windowStart(int64(a.lo)+int64(w), a.period),
				End:                windowStart(int64(a.lo)+int64(w)+1, a.period),
				Period:             a.period,
				Revenue:            revenue[k].value(a.places),
				Purchases:          purchases[k],
				Refunds:            refunds[k],
				Customers:          customers[k],
				NewCustomers:       fresh[k],
				ReturningCustomers: customers[k] - fresh[k],
				LostCustomers:      lost[k],
			}
			if w > 0 {
				ws[w].PreviousCustomers = customers[k-1]
			}
		}
		return ws
	}
	sum.Windows = windows(all)
	sum.Revenue = decimal.Zero
	for _, w := range sum.Windows {
		sum.Revenue = sum.Revenue.Add(w.Revenue)
		sum.Purchases += w.Purchases
		sum.Refunds += w.Refunds
	}
	order := make([]int, all)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(i, j int) int { return strings.Compare(a.segments[i], a.segments[j]) })
	for _, i := range order {
		sum.Segments = append(sum.Segments, SegmentSummary{Name: a.segments[i], Windows: windows(i)})
	}
	return sum
}

// project ors the bits of x, whose bit 0 stands for window offset of the
// span, into set; windows outside the span are never set.
func project(set []uint64, x uint64, offset int) {
	switch {
	case offset < 0:
		set[0] |= x >> -offset
	case offset%64 == 0:
		set[offset/64] |= x
	default:
		k, s := offset/64, offset%64
		set[k] |= x << s
		if k+1 < len(set) {
			set[k+1] |= x >> (64 - s)
		}
	}
}

// A CustomerSummary describes one customer's purchases as the statistical
// CLV literature does, in the "buy till you die" models of Fader, Hardie
// and Lee ("RFM and CLV: Using Iso-Value Curves for Customer Base
// Analysis", 2005) and the lifetimes library after them. Time is counted in
// whole windows of the Accumulator's period, and purchases in one window
// count as one:
//
//	Frequency = windows with a purchase − 1  (the repeat purchases)
//	Recency   = last window with a purchase − first window with a purchase
//	T         = last window of the log − first window with a purchase
//
// so 0 ≤ Recency ≤ T and Frequency ≤ Recency. RepeatValue is the sum of
// the purchases after the first window; refunds do not count, as the spend
// models fitted to these figures (gamma–gamma) take positive values.
type CustomerSummary struct {
	// Customer is the customer's id.
	Customer string `json:"customer"`
	// Segment is the segment of the customer's first purchase; of several
	// in the first window, the first by name.
	Segment   string `json:"segment"`
	Frequency int64  `json:"frequency"`
	Recency   int64  `json:"recency"`
	T         int64  `json:"t"`
	// RepeatValue is the sum of the purchases after the first window.
	RepeatValue decimal.Decimal `json:"repeat_value"`
}

// Equal reports whether c and d describe the same customer with equal
// figures.
func (c CustomerSummary) Equal(d CustomerSummary) bool {
	return c.Customer == d.Customer && c.Segment == d.Segment && c.Frequency == d.Frequency &&
		c.Recency == d.Recency && c.T == d.T && c.RepeatValue.Equal(d.RepeatValue)
}

// MeanRepeatValue returns the mean value of the repeat purchases,
//
//	RepeatValue / Frequency
//
// rounded half away from zero to [DefaultScale] places, the monetary value
// of the literature; 0 for a customer with no repeat purchase.
func (c CustomerSummary) MeanRepeatValue() decimal.Decimal {
	if c.Frequency <= 0 {
		return decimal.Zero
	}
	return c.RepeatValue.DivRound(decimal.NewFromInt(c.Frequency), DefaultScale)
}

// Customers returns the summary of every customer with a purchase, in the
// order they were first added. The Accumulator must not change while the
// sequence runs.
func (a *Accumulator) Customers() iter.Seq[CustomerSummary] {
	return func(yield func(CustomerSummary) bool) {
		for i := range a.count {
			c := a.customer(i)
			// A copy: the caller may keep it, and a.id's bytes live in c.
			s := CustomerSummary{Customer: strings.Clone(a.id(c)), T: int64(a.hi - c.first)}
			windows, last := int64(bits.OnesCount64(c.windows)), c.base+63-int32(bits.LeadingZeros64(c.windows))
			s.Segment = a.segments[c.segment]
			if c.extra != 0 && a.extras[c.extra-1].sets != nil {
				var seen windowSet
				named := false
				a.eachWindow(c, func(segment, w int32) {
					seen.mark(w)
					if name := a.segments[segment]; w == c.first && (!named || name < s.Segment) {
						s.Segment, named = name, true
					}
				})
				windows, last = 0, seen.lo+64*int32(len(seen.words)-1)+63-int32(bits.LeadingZeros64(seen.words[len(seen.words)-1]))
				for _, x := range seen.words {
					windows += int64(bits.OnesCount64(x))
				}
			}
			s.Frequency, s.Recency = windows-1, int64(last-c.first)
			firstSpill, spill := a.spills(c)
			s.RepeatValue = decimal.New(c.value-c.firstValue, -a.places).Add(spill.Sub(firstSpill))
			if !yield(s) {
				return
			}
		}
	}
}
