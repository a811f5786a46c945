package clv

import (
	"fmt"
	"hash/maphash"
	"iter"
	"math"
	"slices"
	"strings"
	"time"
	"unsafe"

	"github.com/clvkit/clv/internal/civil"
	"github.com/clvkit/clv/internal/fixed"
	"github.com/shopspring/decimal"
)

// A Purchase is one row of a purchase log: who bought, when, for how much,
// and, optionally, in which segment.
//
// An Amount above zero is a purchase. A zero Amount is a purchase of no
// value, such as a free or fully discounted order: it counts as a purchase
// and makes its customer active in its window. A negative Amount is a
// refund: it lowers the revenue of the window and segment it is dated in
// and counts among their refunds, but it is not a purchase, makes no
// customer active. Rows that are neither, such as cancelled orders, belong
// out of the log.
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
	// or region, at most 256 bytes long. Empty is a segment like any
	// other, and the only one if no purchase names one.
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
// segment. Purchases may be added in any order, one at a time with
// [Accumulator.Add], from an iterator with [Accumulator.AddAll], or as
// parsed rows with [Accumulator.AddRows]; the summary depends only on which
// purchases were added, never on their order. Accumulators built over
// parts of one log, such as shards of its lines or of its customers,
// combine with [Accumulator.Merge].
//
// Each purchase counts in the segment its row names. A customer who buys
// in several segments counts in each; one whose rows move from one segment
// to another is lost to the first and returns in the second.
//
// Windows are calendar-aligned in UTC and cut by the Period the
// Accumulator is made with: calendar years, quarters, months, or weeks from
// Monday to Sunday, as ISO 8601 has them.
//
// Amounts are summed exactly. While they fit, sums are kept as integers
// counting the smallest decimal place seen, so adding a purchase allocates
// nothing; a sum that would overflow moves to a decimal. Memory grows with
// the customers, windows and segments in the log, never with its rows.
//
// The zero Accumulator is empty and ready to use, with windows of a year,
// the zero [Period]; [NewAccumulator] makes one of another period. An
// Accumulator is not safe for concurrent use; give each goroutine its own
// and merge them.
type Accumulator struct {
	period Period
	places int32 // every scaled integer counts units of 10^−places
	rows   int64
	lo, hi int32 // the windows spanned by the rows added so far
	// firstDay and lastDay are the days of the earliest and latest rows, counted
	// from 1970-01-01 UTC: the log's span, which says whether its first
	// and last windows are whole.
	firstDay, lastDay int64

	segments     []string
	segmentIndex map[string]int32
	lastSegment  string // a cache: logs tend to repeat the segment of the row before
	lastIndex    int32  // 1 + the index of lastSegment; 0 for none

	// cellIndex[segment][window−origin+MaxWindows−1] is 1 + the index of
	// the segment's cell of that window in cells, or 0. Every window lies
	// within MaxWindows−1 of origin, a window of the first row. It holds
	// the first indexed cells; a decoded Accumulator builds it when it is
	// first needed.
	cellIndex [][]int32
	indexed   int
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

// NewAccumulator returns an empty Accumulator with windows of the given
// period. It returns an error wrapping [ErrUnknownPeriod] if window is not
// a [Period].
func NewAccumulator(window Period) (*Accumulator, error) {
	if err := checkPeriod("accumulator", "window", window); err != nil {
		return nil, err
	}
	a := &Accumulator{period: window}
	a.init()
	return a, nil
}

// init readies the customer table and segment index of an Accumulator
// made without NewAccumulator, such as the zero value.
func (a *Accumulator) init() {
	if a.slots == nil {
		a.seed = maphash.MakeSeed()
		a.slots = make([]uint64, minSlots)
		a.segmentIndex = make(map[string]int32)
	}
}

// Period returns the period of the Accumulator's windows.
func (a *Accumulator) Period() Period { return a.period }

// Add adds one purchase, or one refund, to the summary.
//
// It returns an error, and leaves the Accumulator as it was, if the
// purchase has no customer or no time ([ErrMissing]), or if its amount is
// out of range, its customer id or segment name longer than 256 bytes, its
// year outside 1 to 9999, or it would make the log span more than
// [MaxWindows] windows or name more than [MaxSegments] segments
// ([ErrOutOfRange]).
func (a *Accumulator) Add(p Purchase) error {
	a.init()
	var e entry
	p.fill(&e)
	return a.add(&e, a.hash(e.customer))
}

// A Row is a purchase as a reader of a log parses it, for
// [Accumulator.AddRows]: the customer and segment as bytes, which the
// Accumulator copies only if it keeps them, and the amount as the integer
// Units × 10^−Places, 1999 and 2 for 19.99. A reader that parses amounts
// itself so makes neither a string nor a decimal for each row.
type Row struct {
	Customer []byte
	Time     time.Time
	Units    int64
	Places   int32 // from 0 to MaxScale
	Segment  []byte
}

// AddRows adds rows as [Accumulator.Add] adds purchases, looking up
// customers ahead as [Accumulator.AddAll] does, and returns how many it
// added. At the first row that fails it stops and returns the error,
// naming the row by its place in rows, counted from 1; the rows before it
// stay added, and the caller may go on from the row after. Besides the
// failures of Add, a row fails with [ErrOutOfRange] if Places is below 0
// or above [MaxScale].
func (a *Accumulator) AddRows(rows []Row) (int, error) {
	a.init()
	var ids [lookahead]string
	var hashes [lookahead]uint32
	for done := 0; done < len(rows); {
		batch := rows[done:min(done+lookahead, len(rows))]
		for j := range batch {
			ids[j] = bytesString(batch[j].Customer)
		}
		a.lookAhead(ids[:len(batch)], hashes[:len(batch)])
		var e entry
		for j := range batch {
			batch[j].fill(&e)
			if err := a.add(&e, hashes[j]); err != nil {
				return done + j, named("row", done+j+1, err)
			}
		}
		done += len(batch)
	}
	return len(rows), nil
}

// named returns err, a failure of one purchase, naming it by its place.
func named(what string, place int, err error) error {
	if e, ok := err.(*argError); ok {
		n := *e
		n.fn = fmt.Sprintf("%s %d", what, place)
		return &n
	}
	return err
}

// An entry is a purchase on its way in, from a Purchase or a Row.
type entry struct {
	customer, segment string // perhaps the bytes of a Row: copied if kept
	time              time.Time
	// The amount: units × 10^−places when fast, and otherwise amount.
	units  int64
	places int32
	fast   bool
	amount decimal.Decimal
}

// fill sets e to p; the fills set every field, so that one entry serves
// a whole batch without a copy.
func (p *Purchase) fill(e *entry) {
	e.customer, e.segment, e.time, e.amount = p.Customer, p.Segment, p.Time, p.Amount
	e.units, e.places, e.fast = fixed.Units(p.Amount)
}

func (r *Row) fill(e *entry) {
	e.customer, e.segment, e.time, e.places = bytesString(r.Customer), bytesString(r.Segment), r.Time, r.Places
	if r.Places >= 0 && r.Places <= fixed.MaxPlaces {
		e.units, e.fast, e.amount = r.Units, true, decimal.Decimal{}
	} else {
		// check refuses places beyond MaxScale
		e.units, e.fast, e.amount = 0, false, decimal.New(r.Units, -r.Places)
	}
}

// bytesString returns b as a string without copying it. The Accumulator
// reads such strings while it adds a row, and copies what it keeps.
func bytesString(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// add adds e, whose customer id hashes to h: it checks e against every
// limit, and only then changes the Accumulator.
func (a *Accumulator) add(e *entry, h uint32) error {
	var r checkedRow
	if err := a.check(e, h, &r); err != nil {
		return err
	}
	a.apply(e, h, &r)
	return nil
}

// A checkedRow is a purchase that has passed every check, with what
// adding it needs: its window, its amount, and where its customer and
// segment are.
type checkedRow struct {
	window int32
	day    int64 // since 1970-01-01 UTC
	refund bool
	// The customer's index, or −1 for a new one, who goes in slot; a
	// refund touches no customer.
	customer int32
	slot     int
	// The segment's index, or −1 for a new one.
	segment int32
}

// check sets r to what adding e needs, or returns the error that refuses
// it.
func (a *Accumulator) check(e *entry, h uint32, r *checkedRow) error {
	const fn = "purchase"
	*r = checkedRow{customer: -1, segment: -1}
	if e.customer == "" {
		return &argError{fn: fn, arg: "customer", err: ErrMissing}
	}
	if len(e.customer) > maxIDBytes {
		return &argError{fn: fn, arg: "customer", val: fmt.Sprintf("%.20q…", e.customer),
			err: fmt.Errorf("%w: longer than %d bytes", ErrOutOfRange, maxIDBytes)}
	}
	if len(e.segment) > maxIDBytes {
		return &argError{fn: fn, arg: "segment", val: fmt.Sprintf("%.20q…", e.segment),
			err: fmt.Errorf("%w: longer than %d bytes", ErrOutOfRange, maxIDBytes)}
	}
	if e.time.IsZero() {
		return &argError{fn: fn, arg: "time", err: ErrMissing}
	}
	var err error
	if r.window, err = a.windowOf(fn, e.time); err != nil {
		return err
	}
	r.day = civil.FloorDiv(e.time.Unix(), 24*60*60)
	if !e.fast {
		if e.places < 0 || e.places > MaxScale {
			return &argError{fn: fn, arg: "places", val: fmt.Sprint(e.places), err: fmt.Errorf("%w: must be from 0 to %d", ErrOutOfRange, MaxScale)}
		}
		if e.amount, err = checkDecimal(fn, "amount", e.amount); err != nil {
			return err
		}
	}
	r.refund = e.units < 0 || e.amount.Sign() < 0
	var c *customerState
	if !r.refund {
		i, slot, known := a.find(e.customer, h)
		if !known && a.count == math.MaxInt32 {
			return &argError{fn: fn, arg: "customer", val: fmt.Sprintf("%.20q", e.customer),
				err: fmt.Errorf("%w: more than %d customers", ErrOutOfRange, math.MaxInt32)}
		}
		if known {
			r.customer, c = i, a.customer(i)
		}
		r.slot = slot
	}
	// Customers mostly keep to their few segments: try theirs before the
	// index.
	if c != nil {
		for k := range c.n {
			if a.segments[c.segments[k]] == e.segment {
				r.segment = int32(c.segments[k])
				return nil
			}
		}
	}
	if i, ok := a.findSegment(e.segment); ok {
		r.segment = i
	} else if len(a.segments) >= MaxSegments {
		return &argError{fn: fn, arg: "segment", val: fmt.Sprintf("%.20q", e.segment),
			err: fmt.Errorf("%w: more than %d segments", ErrOutOfRange, MaxSegments)}
	}
	return nil
}

// windowOf returns the window of t, or an error if t's year is out of
// range or the log would span too many windows.
func (a *Accumulator) windowOf(fn string, t time.Time) (int32, error) {
	win := a.recent.window
	if sec := t.Unix(); sec < a.recent.from || sec >= a.recent.to {
		n, year := calendarWindow(t, a.period)
		if year < 1 || year > 9999 {
			return 0, &argError{fn: fn, arg: "time", val: t.UTC().Format(time.RFC3339),
				err: fmt.Errorf("%w: the year must be from 1 to 9999", ErrOutOfRange)}
		}
		win = int32(n)
		// A week may straddle the limits of the years: cache only its
		// days within them, so the check above sees the others.
		a.recent = recentWindow{from: max(windowStartUnix(n, a.period), firstUnix), to: min(windowStartUnix(n+1, a.period), endUnix), window: win}
	}
	if a.rows > 0 && (max(a.hi, win)-min(a.lo, win) >= MaxWindows) {
		return 0, &argError{fn: fn, arg: "time", val: t.UTC().Format(time.RFC3339),
			err: fmt.Errorf("%w: the log would span more than %d %ss", ErrOutOfRange, MaxWindows, a.period)}
	}
	return win, nil
}

// apply adds a checked entry e, whose customer id hashes to h.
func (a *Accumulator) apply(e *entry, h uint32, r *checkedRow) {
	if r.segment < 0 {
		r.segment = a.addSegment(e.segment)
	}
	if a.rows == 0 {
		a.lo, a.hi, a.origin = r.window, r.window, r.window
		a.firstDay, a.lastDay = r.day, r.day
	}
	a.lo, a.hi = min(a.lo, r.window), max(a.hi, r.window)
	a.firstDay, a.lastDay = min(a.firstDay, r.day), max(a.lastDay, r.day)
	a.rows++

	cell := a.cell(r.segment, r.window)
	if e.fast && e.places == a.places { // nearly every amount, once the scale settles
		cell.revenue.add(e.units, a.places)
	} else {
		units, slow := e.units, e.amount
		if e.fast {
			units, slow = a.align(units, e.places)
		}
		cell.revenue.add(units, a.places)
		if slow.Sign() != 0 {
			cell.revenue.spill = cell.revenue.spill.Add(slow)
		}
	}
	if r.refund {
		cell.refunds++
		return
	}
	cell.purchases++

	i := r.customer
	if i < 0 {
		i = a.addCustomer(e.customer, h, r.slot)
	}
	a.mark(a.customer(i), r.segment, r.window)
}

// AddAll adds every purchase of a sequence, as [Accumulator.Add] does. At
// the first purchase that fails, it stops and returns the error, naming the
// purchase by its place in the sequence, counted from 1; the purchases
// before it stay added.
func (a *Accumulator) AddAll(purchases iter.Seq[Purchase]) error {
	// Purchases go in batches: the customers of a whole batch are looked
	// up first, so the memory reads of many lookups overlap, and then the
	// purchases are added one by one, their customers already in cache.
	a.init()
	var batch [lookahead]Purchase
	var ids [lookahead]string
	var hashes [lookahead]uint32
	n, k := 0, 0
	flush := func() error {
		a.lookAhead(ids[:k], hashes[:k])
		var e entry
		for j := range k {
			batch[j].fill(&e)
			if err := a.add(&e, hashes[j]); err != nil {
				return named("purchase", n-k+j+1, err)
			}
		}
		k = 0
		return nil
	}
	for p := range purchases {
		batch[k], ids[k] = p, p.Customer
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

// Merge adds the purchases summarised by b to a, as if each had been added
// to a directly: merging Accumulators built over any split of a log, such
// as disjoint sets of its customers summarised in parallel, gives the
// summary of the whole log, exactly. A customer who appears in both keeps
// one history, the union of the two. b is left as it was.
//
// It returns an error, and changes nothing, wrapping [ErrMissing] if b is
// nil, [ErrInconsistent] if b is a itself or has windows of another
// period, and [ErrOutOfRange] if the merged log would exceed the limits
// [Accumulator.Add] enforces.
func (a *Accumulator) Merge(b *Accumulator) error {
	const fn = "merge"
	switch {
	case b == nil:
		return &argError{fn: fn, arg: "accumulator", val: "nil", err: ErrMissing}
	case a == b:
		return &argError{fn: fn, arg: "an accumulator", note: "into itself", err: ErrInconsistent}
	case a.period != b.period:
		return &argError{fn: fn, arg: "windows", note: fmt.Sprintf("of a %s into windows of a %s", b.period, a.period), err: ErrInconsistent}
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
	a.init()
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
		a.firstDay, a.lastDay = b.firstDay, b.lastDay
	}
	a.lo, a.hi = min(a.lo, b.lo), max(a.hi, b.hi)
	a.firstDay, a.lastDay = min(a.firstDay, b.firstDay), max(a.lastDay, b.lastDay)
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
	// The table grows once, to hold both, and b's customers are looked up
	// ahead in batches, as AddAll's are.
	for int(a.count)+int(b.count) >= len(a.slots)/4*3 {
		a.grow()
	}
	var ids [lookahead]string
	var hashes [lookahead]uint32
	for done := int32(0); done < b.count; {
		n := min(lookahead, b.count-done)
		for j := range n {
			ids[j] = b.id(b.customer(done + j)) // addCustomer copies it
		}
		a.lookAhead(ids[:n], hashes[:n])
		for j := range n {
			a.mergeCustomer(b, b.customer(done+j), ids[j], hashes[j], segment)
		}
		done += n
	}
	return nil
}

// mergeCustomer merges customer from of b, whose id hashes to h in a, into
// a; segment maps b's segments to a's.
func (a *Accumulator) mergeCustomer(b *Accumulator, from *customerState, id string, h uint32, segment []int32) {
	i, slot, known := a.find(id, h)
	if !known {
		i = a.addCustomer(id, h, slot)
		if from.extra == 0 { // a new customer's windows copy over whole
			c := a.customer(i)
			c.windows, c.base, c.n = from.windows, from.base, from.n
			for k := range from.n {
				c.segments[k] = uint8(segment[from.segments[k]])
			}
			return
		}
	}
	c := a.customer(i)
	b.eachWindow(from, func(s, w int32) { a.mark(c, segment[s], w) })
}

// Summary returns the figures of every window, for all customers and for
// each segment, and the log's span, its first and last rows' days; a
// window the span does not cover whole is marked
// [WindowSummary.Partial]. An Accumulator with nothing added gives a
// Summary with no windows.
func (a *Accumulator) Summary() Summary {
	s := Summary{Period: a.period}
	if a.rows == 0 {
		return s
	}
	s.First, s.Last = dayTime(a.firstDay), dayTime(a.lastDay)
	s.Revenue = decimal.Zero
	g := a.newWindowGrid()
	a.countCustomers(g)
	a.countRows(g)
	s.Customers = int64(a.count)
	s.Windows = g.windows(g.all)
	for _, w := range s.Windows {
		s.Revenue = s.Revenue.Add(w.Revenue)
		s.Purchases += w.Purchases
		s.Refunds += w.Refunds
	}
	order := make([]int, len(a.segments))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(i, j int) int { return strings.Compare(a.segments[i], a.segments[j]) })
	for _, i := range order {
		s.Segments = append(s.Segments, SegmentSummary{Name: a.segments[i], Windows: g.windows(i)})
	}
	s.markPartial()
	return s
}

// dayTime returns the first instant of a day counted from 1970-01-01, in
// UTC.
func dayTime(day int64) time.Time { return time.Unix(day*24*60*60, 0).UTC() }
