package clv

import (
	"fmt"
	"maps"
	"math"
	"math/bits"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/clvkit/clv/internal/fixed"
	"github.com/shopspring/decimal"
)

// A Summary holds what a purchase log says, window by window, of all
// customers and of each segment. Its windows run without a gap from the
// first window with a row to the last, so a window with no rows is there,
// with zeros.
type Summary struct {
	// Period is the length of the windows.
	Period Period `json:"period"`
	// First and Last are the days of the log's earliest and latest rows,
	// purchases or refunds, as their first instants in UTC: the span the
	// log covers. Both are zero without rows.
	First time.Time `json:"first"`
	Last  time.Time `json:"last"`
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

// Segment returns the segment as [CalculateSegments] prices it: its last
// window with customers, and a lifespan at its churn per window averaged
// over all its windows ([AverageChurnRate]). A segment that sold nothing
// in the log's last windows is priced from the last window it sold in,
// not from an empty one. A partial last window ([WindowSummary.Partial])
// is left out of both, where there are windows before it: a log that ends
// on the 3rd of a month would price that month's three days and count as
// lost every customer who had not yet come back.
//
// It returns an error wrapping [ErrNonPositive], naming the segment, if
// no window had customers (a segment of refunds only), no window had
// customers in the window before it (a log of one window), or no customer
// was lost, so that the churn is 0.
func (s SegmentSummary) Segment() (Segment, error) {
	fn := fmt.Sprintf("segment %.20q", s.Name)
	windows := s.Windows
	if n := len(windows); n > 1 && windows[n-1].Partial {
		windows = windows[:n-1]
	}
	last := -1
	for i, w := range windows {
		if w.Customers > 0 {
			last = i
		}
	}
	if last < 0 {
		return Segment{}, &argError{fn: fn, arg: "customers", val: "0", note: "in every window", err: ErrNonPositive}
	}
	churn, err := AverageChurnRate(windows)
	if err != nil {
		return Segment{}, &argError{fn: fn, arg: "churn", note: "cannot be measured", err: err}
	}
	if churn.IsZero() {
		return Segment{}, &argError{fn: fn, arg: "churn rate", val: "0", note: "(no customer was lost)", err: ErrNonPositive}
	}
	w := windows[last]
	return Segment{Name: s.Name, Window: w.Window(), Lifespan: Lifespan{ChurnRate: churn, Period: w.Period}}, nil
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
	// Partial says that the log does not cover the whole window: it is
	// the first window and the log starts after its first day, or the
	// last and the log ends before its last day ([Summary.First],
	// [Summary.Last]). Its counts fall short of a whole window's, and a
	// partial last window's churn is overstated: customers have not had
	// the whole window to buy again.
	Partial bool `json:"partial"`
}

// markPartial marks the first and last windows of s, of all customers and
// of each segment, partial where s's span does not cover them whole.
func (s *Summary) markPartial() {
	mark := func(ws []WindowSummary) {
		if n := len(ws); n > 0 {
			ws[0].Partial = s.First.After(ws[0].Start)
			ws[n-1].Partial = ws[n-1].Partial || s.Last.AddDate(0, 0, 1).Before(ws[n-1].End)
		}
	}
	mark(s.Windows)
	for _, seg := range s.Segments {
		mark(seg.Windows)
	}
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
		lost, ok1 = fixed.Add(lost, w.LostCustomers)
		previous, ok2 = fixed.Add(previous, w.PreviousCustomers)
		if !ok1 || !ok2 {
			return decimal.Zero, &argError{fn: "average churn rate", arg: "customers", err: ErrOutOfRange}
		}
	}
	if previous <= 0 {
		return decimal.Zero, &argError{fn: "average churn rate", arg: "previous customers", val: fmt.Sprint(previous), err: ErrNonPositive}
	}
	return ChurnRate(lost, previous)
}

// A windowGrid holds the figures of a summary while they are counted: a
// row for each segment and, after them, one for all customers; in each, a
// column for each window of the span, from window lo.
type windowGrid struct {
	period                                     Period
	places                                     int32 // of the revenue's units
	lo                                         int32
	span, all                                  int
	customers, fresh, lost, purchases, refunds []int64
	revenue                                    []scaledSum
}

func (a *Accumulator) newWindowGrid() *windowGrid {
	span := int(a.hi-a.lo) + 1
	all := len(a.segments)
	n := (all + 1) * span
	return &windowGrid{
		period: a.period, places: a.places, lo: a.lo, span: span, all: all,
		customers: make([]int64, n), fresh: make([]int64, n), lost: make([]int64, n),
		purchases: make([]int64, n), refunds: make([]int64, n), revenue: make([]scaledSum, n),
	}
}

// countCustomers counts every customer in the windows they bought in, in
// each segment and in all: as a customer, as new in their first window,
// and as lost in each window after one they bought in. Many customers are
// counted in parts, one a core, whose counts then add up.
func (a *Accumulator) countCustomers(g *windowGrid) {
	parts := min(runtime.GOMAXPROCS(0), int(a.count)/customersAPart, maxParts)
	if parts <= 1 {
		a.countRange(g, 0, a.count)
		return
	}
	grids := make([]*windowGrid, parts)
	var wg sync.WaitGroup
	for p := range grids {
		grids[p] = &windowGrid{span: g.span, all: g.all,
			customers: make([]int64, len(g.customers)), fresh: make([]int64, len(g.fresh)), lost: make([]int64, len(g.lost))}
		lo, hi := int32(int64(a.count)*int64(p)/int64(parts)), int32(int64(a.count)*int64(p+1)/int64(parts))
		wg.Add(1)
		go func() {
			defer wg.Done()
			a.countRange(grids[p], lo, hi)
		}()
	}
	wg.Wait()
	for _, part := range grids {
		for k := range g.customers {
			g.customers[k] += part.customers[k]
			g.fresh[k] += part.fresh[k]
			g.lost[k] += part.lost[k]
		}
	}
}

const (
	// customersAPart is the fewest customers worth a goroutine of their
	// own when they are counted.
	customersAPart = 1 << 16
	// maxParts bounds the goroutines that count customers.
	maxParts = 8
)

// countRange counts customers lo to hi − 1 into g.
func (a *Accumulator) countRange(g *windowGrid, lo, hi int32) {
	// Each customer's windows, segment by segment, as bits over the span.
	words := (g.span + 63) / 64
	set, union := make([]uint64, words), make([]uint64, words)
	for i := lo; i < hi; i++ {
		c := a.customer(i)
		first := int(a.first(c) - a.lo)
		clear(union)
		if c.extra == 0 {
			for k := range c.n {
				clear(set)
				project(set, c.windows[k], int(c.base-a.lo))
				g.countCustomer(int(c.segments[k]), set, first)
				project(union, c.windows[k], int(c.base-a.lo))
			}
		} else {
			for _, s := range a.extras[c.extra-1].sets {
				clear(set)
				for k, x := range s.words {
					project(set, x, int(s.lo)+64*k-int(a.lo))
				}
				g.countCustomer(int(s.segment), set, first)
				for k := range union {
					union[k] |= set[k]
				}
			}
		}
		g.countCustomer(g.all, union, first)
	}
}

// countCustomer counts one customer in a row: set has bit w for each
// window lo + w they bought in, and first is their first window ever.
func (g *windowGrid) countCustomer(row int, set []uint64, first int) {
	at := row * g.span
	var carry uint64
	for k, x := range set {
		for y := x; y != 0; y &= y - 1 {
			g.customers[at+64*k+bits.TrailingZeros64(y)]++
		}
		// Lost: the windows just after one with a purchase, without one.
		for y := (x<<1 | carry) &^ x; y != 0; y &= y - 1 {
			if w := 64*k + bits.TrailingZeros64(y); w < g.span {
				g.lost[at+w]++
			}
		}
		carry = x >> 63
	}
	if set[first/64]>>(first%64)&1 == 1 {
		g.fresh[at+first]++
	}
}

// countRows adds the revenue, purchases and refunds of every cell to its
// segment's row and to all customers'.
func (a *Accumulator) countRows(g *windowGrid) {
	for i := range a.cells {
		c := &a.cells[i]
		for _, row := range [2]int{int(c.segment), g.all} {
			k := row*g.span + int(c.window-a.lo)
			g.revenue[k].add(c.revenue.units, a.places)
			if c.revenue.spill.Sign() != 0 {
				g.revenue[k].spill = g.revenue[k].spill.Add(c.revenue.spill)
			}
			g.purchases[k] += c.purchases
			g.refunds[k] += c.refunds
		}
	}
}

// windows returns the figures of one row, window by window.
func (g *windowGrid) windows(row int) []WindowSummary {
	ws := make([]WindowSummary, g.span)
	for w := range ws {
		k := row*g.span + w
		n := int64(g.lo) + int64(w)
		ws[w] = WindowSummary{
			Start:              windowStart(n, g.period),
			End:                windowStart(n+1, g.period),
			Period:             g.period,
			Revenue:            g.revenue[k].value(g.places),
			Purchases:          g.purchases[k],
			Refunds:            g.refunds[k],
			Customers:          g.customers[k],
			NewCustomers:       g.fresh[k],
			ReturningCustomers: g.customers[k] - g.fresh[k],
			LostCustomers:      g.lost[k],
		}
		if w > 0 {
			ws[w].PreviousCustomers = g.customers[k-1]
		}
	}
	return ws
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

// AddSummaries returns the summary of several purchase logs with no
// customer in common — the parts of one log split by customer, as a
// distributed engine splits it — from their summaries: the windows of all
// of them, each figure the sum of the parts', and the customers a part
// loses after its last window counted as lost in the window after it. It
// equals the summary of one Accumulator holding every part's purchases,
// exactly, without any one of them holding every customer. Parts that
// share customers would count them twice: merge their Accumulators
// instead ([Accumulator.Merge]).
//
// It returns an error wrapping [ErrInconsistent] if two parts' periods
// differ, [ErrOutOfRange] if the parts together span more than
// [MaxWindows] windows or name more than [MaxSegments] segments or their
// counts overflow int64, and [ErrUnknownPeriod] for an unknown period.
func AddSummaries(parts ...Summary) (Summary, error) {
	const fn = "add summaries"
	var all Summary
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	names := map[string]bool{}
	for i, s := range parts {
		if err := checkPeriod(fn, fmt.Sprintf("part %d: period", i+1), s.Period); err != nil {
			return Summary{}, err
		}
		if i > 0 && s.Period != parts[0].Period {
			return Summary{}, &argError{fn: fn, arg: fmt.Sprintf("part %d: period", i+1), note: fmt.Sprintf("%s, not the first part's %s", s.Period, parts[0].Period), err: ErrInconsistent}
		}
		if len(s.Windows) > 0 {
			n, _ := calendarWindow(s.Windows[0].Start, s.Period)
			lo, hi = min(lo, n), max(hi, n+int64(len(s.Windows))-1)
		}
		for _, seg := range s.Segments {
			names[seg.Name] = true
		}
	}
	if len(parts) > 0 {
		all.Period = parts[0].Period
	}
	all.Revenue = decimal.Zero
	if lo > hi {
		return all, nil
	}
	switch {
	case hi-lo >= MaxWindows:
		return Summary{}, &argError{fn: fn, arg: "windows", err: fmt.Errorf("%w: the parts span more than %d %ss", ErrOutOfRange, MaxWindows, all.Period)}
	case len(names) > MaxSegments:
		return Summary{}, &argError{fn: fn, arg: "segments", err: fmt.Errorf("%w: more than %d segments", ErrOutOfRange, MaxSegments)}
	}
	empty := func() []WindowSummary {
		ws := make([]WindowSummary, hi-lo+1)
		for k := range ws {
			ws[k] = WindowSummary{Start: windowStart(lo+int64(k), all.Period), End: windowStart(lo+int64(k)+1, all.Period),
				Period: all.Period, Revenue: decimal.Zero}
		}
		return ws
	}
	all.Windows = empty()
	for _, name := range slices.Sorted(maps.Keys(names)) {
		all.Segments = append(all.Segments, SegmentSummary{Name: name, Windows: empty()})
	}
	ok := true
	for _, s := range parts {
		if len(s.Windows) == 0 {
			continue
		}
		n, _ := calendarWindow(s.Windows[0].Start, s.Period)
		at := int(n - lo)
		ok = ok && addWindows(all.Windows, s.Windows, at)
		for _, seg := range s.Segments {
			k, _ := slices.BinarySearchFunc(all.Segments, seg.Name, func(t SegmentSummary, name string) int { return strings.Compare(t.Name, name) })
			ok = ok && addWindows(all.Segments[k].Windows, seg.Windows, at)
		}
		if all.First.IsZero() || s.First.Before(all.First) {
			all.First = s.First
		}
		all.Last = later(all.Last, s.Last)
		var o1, o2, o3 bool
		all.Purchases, o1 = fixed.Add(all.Purchases, s.Purchases)
		all.Refunds, o2 = fixed.Add(all.Refunds, s.Refunds)
		all.Customers, o3 = fixed.Add(all.Customers, s.Customers)
		ok = ok && o1 && o2 && o3
		all.Revenue = all.Revenue.Add(s.Revenue)
	}
	if !ok {
		return Summary{}, &argError{fn: fn, arg: "counts", err: fmt.Errorf("%w: the sums overflow int64", ErrOutOfRange)}
	}
	all.markPartial()
	return all, nil
}

// later returns the later of two times.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// addWindows adds the windows of a part to those of the whole, starting
// at window at of the whole; the part's customers of its last window are
// lost in the whole's window after it. It reports false if a sum
// overflows.
func addWindows(all, part []WindowSummary, at int) bool {
	ok := true
	sum := func(a *int64, b int64) {
		var fits bool
		*a, fits = fixed.Add(*a, b)
		ok = ok && fits
	}
	for k, w := range part {
		t := &all[at+k]
		t.Revenue = t.Revenue.Add(w.Revenue)
		sum(&t.Purchases, w.Purchases)
		sum(&t.Refunds, w.Refunds)
		sum(&t.Customers, w.Customers)
		sum(&t.NewCustomers, w.NewCustomers)
		sum(&t.ReturningCustomers, w.ReturningCustomers)
		sum(&t.LostCustomers, w.LostCustomers)
		sum(&t.PreviousCustomers, w.PreviousCustomers)
	}
	if end := at + len(part); end < len(all) && len(part) > 0 {
		last := part[len(part)-1].Customers
		sum(&all[end].LostCustomers, last)
		sum(&all[end].PreviousCustomers, last)
	}
	return ok
}
