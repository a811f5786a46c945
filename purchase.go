package clv

import (
	"fmt"
	"hash/maphash"
	"iter"
	"math"
	"math/bits"
	"slices"
	"strings"
	"time"

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
