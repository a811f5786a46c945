package btyd

import (
	"cmp"
	"fmt"
	"hash/maphash"
	"iter"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/internal/fixed"
	"github.com/shopspring/decimal"
)

// A Customer is one customer's purchases as the models see them, from a
// [Summarizer]: repeat purchases, recency and age, in the Summarizer's
// unit of time, their mean spend, and what they did in the holdout.
//
// Purchases count by day: every purchase on one UTC calendar day is one
// purchase, of their amounts added, as Fader, Hardie and Lee count them.
// Refunds are not purchases and change no figure of a Customer.
type Customer struct {
	// ID is the customer's id.
	ID string `json:"id"`
	// Segment is the segment of the customer's first purchase: the
	// channel, plan or region that won them, as [clv.Purchase.Segment]
	// names it. If several rows of the first purchase day name different
	// segments, it is the one of least FNV-1a hash of the id and the
	// segment (the least name on equal hashes): a choice among them that
	// depends neither on the order of the rows nor on how the log was
	// split, and, unlike the least name, favours no segment. A customer
	// who buys often buys in more segments on their first day, and a rule
	// by name gave the segment of the least name more than its share of
	// them: on a log whose channels did not differ, a covariate fit found
	// that segment's customers buying 3 % more.
	// Empty is a segment like any other.
	Segment string `json:"segment,omitempty"`
	// X is the number of repeat purchases: days with a purchase after the
	// first, up to the calibration end.
	X int64 `json:"x"`
	// Tx is the time from the first purchase day to the last one up to the
	// calibration end; 0 when X is 0.
	Tx float64 `json:"t_x"`
	// T is the time from the first purchase day to the calibration end.
	T float64 `json:"t"`
	// Spend is the mean amount of the repeat purchase days, the first day
	// left out, rounded half away from zero to [clv.DefaultScale] places:
	//
	//	Spend = (amounts up to the calibration end − amounts of the first day) / X
	//
	// It is zero when X is 0.
	Spend decimal.Decimal `json:"spend"`
	// HoldoutX is the number of days with a purchase in the holdout, and
	// HoldoutSpend the sum of their amounts.
	HoldoutX     int64           `json:"holdout_x"`
	HoldoutSpend decimal.Decimal `json:"holdout_spend"`
}

// Equal reports whether c and d describe the same customer with the same
// figures, spend compared numerically (12.5 equals 12.50).
func (c Customer) Equal(d Customer) bool {
	return c.ID == d.ID && c.Segment == d.Segment && c.X == d.X && c.Tx == d.Tx && c.T == d.T && c.Spend.Equal(d.Spend) &&
		c.HoldoutX == d.HoldoutX && c.HoldoutSpend.Equal(d.HoldoutSpend)
}

// History returns the customer's (x, t_x, T), as one customer's
// [History].
func (c Customer) History() History {
	return History{X: c.X, Tx: c.Tx, T: c.T, Weight: 1}
}

// A History is what the frequency models see of customers: x repeat
// purchases, the last at t_x after the first purchase, observed for T
// after it, in one unit of time. Weight customers share it. A customer
// base summarised as its distinct histories, as [Summarizer.Histories]
// gives it, fits as fast as it has distinct histories, and the fits
// accept any histories, merged or not: weights only add.
type History struct {
	X      int64   `json:"x"`
	Tx     float64 `json:"t_x"`
	T      float64 `json:"t"`
	Weight int64   `json:"weight"`
}

// A Base is the customer base a [Summarizer] has summarised: each
// customer's figures, and the unit and holdout they are measured in.
type Base struct {
	// Unit is the unit of time of every Tx, T and Holdout.
	Unit clv.Period `json:"unit"`
	// Holdout is the length of the holdout period, from the day after the
	// calibration end to the holdout end; 0 without a holdout.
	Holdout float64 `json:"holdout"`
	// Customers holds every customer whose first purchase is on or before
	// the calibration end, in the order of the rows that first named them.
	Customers []Customer `json:"customers"`
}

// Totals counts what a [Summarizer] was given.
type Totals struct {
	// Rows counts every purchase and refund added.
	Rows int64 `json:"rows"`
	// Purchases counts the rows with an amount of zero or more dated up
	// to the observation end, the holdout end if there is one and else the
	// calibration end; Later counts those dated after it, which are left
	// out; Refunds counts the rows with a negative amount.
	Purchases int64 `json:"purchases"`
	Later     int64 `json:"later"`
	Refunds   int64 `json:"refunds"`
	// Customers counts the customers of the [Base]; Late those whose first
	// purchase is in the holdout, who are not in it.
	Customers int64 `json:"customers"`
	Late      int64 `json:"late"`
	// First and Last are the days of the earliest and latest rows added,
	// purchases or refunds, dated after the observation end or not, as
	// their first instants in UTC: the span the log covers, which says
	// whether the calibration and holdout ends lie within it. Both are
	// zero without rows.
	First time.Time `json:"first"`
	Last  time.Time `json:"last"`
}

// A Summarizer summarises a purchase log per customer, as the "buy till
// you die" models define their customers (see [Customer]): it takes
// [clv.Purchase] rows in any order, one at a time with [Summarizer.Add]
// or from an iterator with [Summarizer.AddAll], and gives each customer's
// figures ([Summarizer.Base]) and the weighted distinct histories the
// fits take ([Summarizer.Histories]). Summarizers over any split of a log
// merge exactly ([Summarizer.Merge]); given each row's place in the log
// ([Summarizer.AddRowsAt]), with their customers in the log's order too,
// so that whatever is computed from the Base is the same to the last bit
// however the log was split.
//
// # Time
//
// Purchases are placed on their UTC calendar day; every time of one day is
// the same day. The calibration end is a day, the last of the calibration
// period, included, and so is the holdout end: with a calibration end of
// 1997-09-30 and a holdout end of 1998-06-30, purchases dated 1997-09-30
// calibrate and those of 1997-10-01 to 1998-06-30 are the holdout. Only
// the UTC date of either end counts, never its time of day. Times are the
// whole days between two days divided by the length of the unit, in exact
// lengths: a week is 7 days, a month 30.4375, a quarter 91.3125, a year
// 365.25, so T = (calibration end − first purchase day) / length.
//
// # Rows
//
// A zero amount is a purchase of no value: it makes its day a purchase
// day. A negative amount is a refund: it counts among [Totals.Refunds] and
// changes no customer's figures, as in the clv package's Accumulator, so
// a refunded purchase still shows the customer buying (which is what the
// frequency models describe) and spend is what customers paid. Rows dated
// after the observation end are counted in [Totals.Later] and left out.
// Rows of every kind, refunds and later ones too, mark the span of the
// log, its first and last days ([Totals.First], [Totals.Last]), which
// tells a caller whether the calibration and holdout ends fall within the
// log: a holdout that ends after the log's last day counts the purchases
// the log never recorded as not made. A customer whose first purchase day
// falls in the holdout is not in the base: the models can say nothing of
// them at the calibration end; they count in [Totals.Late].
//
// # Cost
//
// Adding a purchase allocates nothing: amounts are summed exactly in
// integers of the smallest decimal place seen (a decimal holds what
// overflows them), in a state of 64 bytes a customer, which names the
// segment of their first purchase by its index in a table of the
// segments seen (a new name costs one copy, once), and each purchase's
// day is appended to a log of 8 bytes a row, in chunks. The log is
// compacted into each customer's sorted distinct days, 4 bytes a day,
// when the figures are read or when it outgrows them, so memory grows
// with the customers and their distinct days, not with the rows. AddAll
// fills two shards of customers on two goroutines while the calling one
// reads and checks the rows. Rows added with places out of order cost a
// sort of the customers by place when the figures are read, a radix sort
// of some 14 ms a million.
//
// The zero Summarizer has no calibration end and refuses purchases with
// an error; make one with [NewSummarizer]. A nil *Summarizer is as
// unusable and never panics: every method of it that returns an error
// returns one wrapping [clv.ErrMissing], the encoding's too (the zero
// Summarizer encodes), and Base, Totals, Histories and Unit answer as the
// zero Summarizer's do. A Summarizer is not safe for concurrent use; give
// each goroutine its own and merge them.
type Summarizer struct {
	ready           bool
	unit            clv.Period
	unitDays        float64
	calEnd, holdEnd int32 // days since 1970-01-01; holdEnd = calEnd without a holdout
	seed            maphash.Seed
	shards          [2]shard
	rows, purchases int64
	later, refunds  int64
	// first and last bound the days of the rows whose days the shards do
	// not keep, refunds and later rows (decoded, of every row): with the
	// customers' purchase days, the span of the log (span). Without such
	// rows they are noSpan's, which any day narrows. A purchase row costs
	// the span nothing as it is added.
	first, last int32
	// placed says that rows were given their places in the log
	// ([Summarizer.AddAt], [Summarizer.AddRowsAt]), which Merge keeps.
	placed bool
}

// A SummaryOption sets an optional input of [NewSummarizer].
type SummaryOption interface {
	apply(*summaryConfig)
}

type summaryConfig struct {
	unit    clv.Period
	holdout time.Time
}

type summaryOption func(*summaryConfig)

func (f summaryOption) apply(c *summaryConfig) { f(c) }

// WithUnit sets the unit of time of every t_x and T, and so of the models
// fitted to them. The default is [clv.Week], as the literature counts.
// An unknown period makes [NewSummarizer] fail with [clv.ErrUnknownPeriod].
func WithUnit(p clv.Period) SummaryOption {
	return summaryOption(func(c *summaryConfig) { c.unit = p })
}

// WithHoldout sets the last day of a holdout period, which starts the day
// after the calibration end: each customer's purchases in it are counted,
// for [CompareHoldout], and play no part in their calibration figures.
// The default is none. A holdout end on or before the calibration end
// makes [NewSummarizer] fail with [clv.ErrInconsistent].
func WithHoldout(end time.Time) SummaryOption {
	return summaryOption(func(c *summaryConfig) { c.holdout = end })
}

// The seconds from 1970-01-01 of the first instant of year 1 and of year
// 10000, between which every time must lie.
const (
	minUnix = -62135596800
	maxUnix = 253402300800
)

// dayOf returns the UTC day of t, counted from 1970-01-01, or false if t's
// year is not from 1 to 9999.
func dayOf(t time.Time) (int32, bool) {
	sec := t.Unix()
	if sec < minUnix || sec >= maxUnix {
		return 0, false
	}
	d := sec / 86400
	if sec%86400 < 0 {
		d--
	}
	return int32(d), true
}

// noSpan returns the first and last days of a Summarizer without rows:
// the last day and the first there are, the wrong way round.
func noSpan() (first, last int32) { return math.MaxInt32, math.MinInt32 }

// dayTime returns the first instant, in UTC, of a day counted from
// 1970-01-01: dayOf's inverse.
func dayTime(day int32) time.Time { return time.Unix(int64(day)*86400, 0).UTC() }

// NewSummarizer returns an empty Summarizer whose calibration period ends
// with the UTC day of calibrationEnd. Options set the unit of time
// ([WithUnit], weeks by default) and a holdout ([WithHoldout]).
//
// It returns an error wrapping [clv.ErrMissing] if calibrationEnd is the
// zero time, [clv.ErrOutOfRange] if either end's year is not from 1 to
// 9999, [clv.ErrInconsistent] if the holdout ends on or before the
// calibration end, and [clv.ErrUnknownPeriod] for an unknown unit.
func NewSummarizer(calibrationEnd time.Time, opts ...SummaryOption) (*Summarizer, error) {
	const fn = "summarizer"
	c := summaryConfig{unit: clv.Week}
	for _, o := range opts {
		if o != nil {
			o.apply(&c)
		}
	}
	if calibrationEnd.IsZero() {
		return nil, fmt.Errorf("btyd: %s: calibration end: %w", fn, clv.ErrMissing)
	}
	calEnd, ok := dayOf(calibrationEnd)
	if !ok {
		return nil, fmt.Errorf("btyd: %s: calibration end = %s: %w: years run from 1 to 9999", fn, calibrationEnd.UTC().Format(time.DateOnly), clv.ErrOutOfRange)
	}
	unitDays, err := checkUnit(fn, "unit", c.unit)
	if err != nil {
		return nil, err
	}
	s := &Summarizer{ready: true, unit: c.unit, unitDays: unitDays, calEnd: calEnd, holdEnd: calEnd, seed: maphash.MakeSeed()}
	s.first, s.last = noSpan()
	if !c.holdout.IsZero() {
		holdEnd, ok := dayOf(c.holdout)
		switch {
		case !ok:
			return nil, fmt.Errorf("btyd: %s: holdout end = %s: %w: years run from 1 to 9999", fn, c.holdout.UTC().Format(time.DateOnly), clv.ErrOutOfRange)
		case holdEnd <= calEnd:
			return nil, fmt.Errorf("btyd: %s: holdout end = %s: %w: not after the calibration end, %s", fn,
				c.holdout.UTC().Format(time.DateOnly), clv.ErrInconsistent, calibrationEnd.UTC().Format(time.DateOnly))
		}
		s.holdEnd = holdEnd
	}
	return s, nil
}

// A row is a purchase checked and ready for a shard.
type row struct {
	id      string
	segment string // a view of the row's bytes, for AddRows
	hash    uint64
	seq     int64
	day     int32
	places  int32
	units   int64
	fast    bool
	placed  bool // seq is a place given by the caller, perhaps before a customer's first
	slow    decimal.Decimal
}

// The kinds of row.
const (
	purchaseRow = iota
	refundRow
	laterRow
)

// check returns p ready to add and its kind, or the error that refuses it.
func (s *Summarizer) check(fn string, p *clv.Purchase, r *row) (int, error) {
	day, err := checkBuyer(fn, p.Customer, p.Time)
	if err != nil {
		return 0, err
	}
	if len(p.Segment) > maxIDBytes {
		return 0, segmentError(fn, p.Segment)
	}
	r.segment = p.Segment
	r.units, r.places, r.fast = fixed.Units(p.Amount)
	negative := r.units < 0
	if !r.fast {
		if err := checkAmount(fn, "amount", p.Amount); err != nil {
			return 0, err
		}
		r.slow = p.Amount
		negative = p.Amount.Sign() < 0
	}
	return s.route(p.Customer, day, negative, r), nil
}

// checkRow is check for a [clv.Row]. The id of r points into w's bytes:
// r must not outlive the call that adds it.
func (s *Summarizer) checkRow(fn string, w *clv.Row, r *row) (int, error) {
	id := unsafe.String(unsafe.SliceData(w.Customer), len(w.Customer))
	day, err := checkBuyer(fn, id, w.Time)
	if err != nil {
		return 0, err
	}
	r.segment = unsafe.String(unsafe.SliceData(w.Segment), len(w.Segment)) // interned as a copy
	if len(r.segment) > maxIDBytes {
		return 0, segmentError(fn, r.segment)
	}
	if w.Places < 0 || w.Places > clv.MaxScale {
		return 0, fmt.Errorf("btyd: %s: places = %d: %w: must be from 0 to %d", fn, w.Places, clv.ErrOutOfRange, clv.MaxScale)
	}
	r.units, r.places, r.fast = w.Units, w.Places, w.Places <= fixed.MaxPlaces
	if !r.fast { // beyond the integer sums, as a decimal
		r.units, r.places, r.slow = 0, 0, decimal.New(w.Units, -w.Places)
	}
	return s.route(id, day, w.Units < 0, r), nil
}

// checkBuyer returns the day of a purchase by customer id at t, or the
// error that refuses them.
func checkBuyer(fn, id string, t time.Time) (int32, error) {
	switch {
	case id == "":
		return 0, fmt.Errorf("btyd: %s: customer: %w", fn, clv.ErrMissing)
	case len(id) > maxIDBytes:
		return 0, fmt.Errorf("btyd: %s: customer = %.20q…: %w: longer than %d bytes", fn, id, clv.ErrOutOfRange, maxIDBytes)
	case t.IsZero():
		return 0, fmt.Errorf("btyd: %s: time: %w", fn, clv.ErrMissing)
	}
	day, ok := dayOf(t)
	if !ok {
		return 0, fmt.Errorf("btyd: %s: time = %s: %w: years run from 1 to 9999", fn, t.UTC().Format(time.RFC3339), clv.ErrOutOfRange)
	}
	return day, nil
}

// segmentError refuses a segment name longer than a customer id may be.
// The check is the caller's, inline: it runs on every row.
func segmentError(fn, segment string) error {
	return fmt.Errorf("btyd: %s: segment = %.20q…: %w: longer than %d bytes", fn, segment, clv.ErrOutOfRange, maxIDBytes)
}

// route returns the kind of a checked row, and readies a purchase for
// its shard.
func (s *Summarizer) route(id string, day int32, negative bool, r *row) int {
	r.day = day // every kind's, for the span
	switch {
	case negative:
		return refundRow
	case day > s.holdEnd:
		return laterRow
	}
	r.id = id
	r.hash = maphash.String(s.seed, id)
	return purchaseRow
}

// count counts a checked row of the given kind, dated day; a refund or a
// later row widens the span to it, a purchase's day is its customer's.
func (s *Summarizer) count(kind int, day int32) {
	s.rows++
	switch kind {
	case purchaseRow:
		s.purchases++
	case refundRow:
		s.refunds++
		s.first, s.last = min(s.first, day), max(s.last, day)
	default:
		s.later++
		s.first, s.last = min(s.first, day), max(s.last, day)
	}
}

// span returns the first and last days of the rows: those of the rows
// the shards do not keep, and every customer's first and last purchase
// days, which it compacts the shards to read. Without rows it returns
// noSpan's.
func (s *Summarizer) span() (first, last int32) {
	first, last = s.first, s.last
	s.compact()
	for k := range s.shards {
		sh := &s.shards[k]
		for i := range sh.count {
			days := sh.daysOf(i)
			first, last = min(first, days[0]), max(last, days[len(days)-1])
		}
	}
	return first, last
}

// unready returns an error wrapping clv.ErrMissing if s is nil or was not
// made by NewSummarizer.
func (s *Summarizer) unready(fn string) error {
	if s == nil || !s.ready {
		return fmt.Errorf("btyd: %s: calibration end: %w: make the Summarizer with NewSummarizer", fn, clv.ErrMissing)
	}
	return nil
}

// Add adds one purchase, or one refund, to the summary.
//
// It returns an error, and leaves the Summarizer as it was, if the
// purchase has no customer or no time ([clv.ErrMissing]), if its amount is
// 10^24 or more or has more than [clv.MaxScale] places, its customer id or
// segment is longer than 256 bytes, or its year is not from 1 to 9999
// ([clv.ErrOutOfRange]), and if the Summarizer was not made by
// [NewSummarizer] ([clv.ErrMissing]).
func (s *Summarizer) Add(p clv.Purchase) error {
	return s.add(p, 0, false)
}

// AddAt adds one purchase, or one refund, as [Summarizer.Add] does, and
// gives it place in the log: see [Summarizer.AddRowsAt]. It fails as Add
// does, and with an error wrapping [clv.ErrNegative] for a negative place.
func (s *Summarizer) AddAt(p clv.Purchase, place int64) error {
	return s.add(p, place, true)
}

// add adds p, at place if placed and else after every row added so far.
func (s *Summarizer) add(p clv.Purchase, place int64, placed bool) error {
	const fn = "add"
	if err := s.unready(fn); err != nil {
		return err
	}
	if place < 0 {
		return fmt.Errorf("btyd: %s: place = %d: %w", fn, place, clv.ErrNegative)
	}
	var r row
	kind, err := s.check(fn, &p, &r)
	if err != nil {
		return err
	}
	r.seq, r.placed = s.rows, placed
	if placed {
		r.seq = place
	}
	if kind == purchaseRow {
		if err := s.shards[r.hash>>63].addRow(s, &r); err != nil {
			return fmt.Errorf("btyd: %s: %w", fn, err)
		}
	}
	s.count(kind, r.day)
	s.placed = s.placed || placed
	return nil
}

// addRow adds a checked purchase to the shard.
func (sh *shard) addRow(s *Summarizer, r *row) error {
	h := uint32(r.hash)
	i, slot := sh.find(r.id, h)
	fresh := i < 0
	var c *customerState
	if !fresh {
		c = sh.state(i)
	}
	// The row's segment becomes the customer's if it is of a first
	// purchase day: an earlier one, or the same with a segment before
	// theirs (segmentBefore). It is looked up before anything changes,
	// so that a full table of segments changes nothing. Most rows are of
	// a later day, and cost one comparison.
	newSegment, segment := fresh, uint16(0)
	if fresh || r.day <= c.firstDay {
		if !fresh {
			newSegment = r.day < c.firstDay || segmentBefore(r.id, r.segment, sh.segment(c))
		}
		if newSegment && r.segment != "" {
			var ok bool
			if segment, ok = sh.segmentIndex(r.segment); !ok {
				return errSegments
			}
		}
	}
	if fresh {
		var ok bool
		if i, ok = sh.add(r.id, h, slot, r.seq); !ok {
			return errFull
		}
		c = sh.state(i)
	} else if r.placed {
		sh.placeAt(i, r.seq)
	}
	sh.logDay(i, r.day)
	units, slow := r.units, r.slow
	if r.fast {
		units, slow = sh.align(units, r.places)
	}
	if r.day <= s.calEnd {
		sh.addAmount(c, calSum, units, slow)
	} else {
		sh.addAmount(c, holdSum, units, slow)
	}
	sh.addFirst(c, fresh, r.day, units, slow)
	if newSegment {
		c.segment = segment
	}
	return nil
}

// addFirst adds units plus slow, bought on day, to the first-day sum of c
// if day is its first purchase day; a day before it, or any day of a
// fresh customer, becomes the first.
func (sh *shard) addFirst(c *customerState, fresh bool, day int32, units int64, slow decimal.Decimal) {
	switch {
	case fresh || day < c.firstDay:
		c.firstDay = day
		sh.resetFirst(c)
		sh.addAmount(c, firstSum, units, slow)
	case day == c.firstDay:
		sh.addAmount(c, firstSum, units, slow)
	}
}

// lookahead is how many rows addRows looks up before adding them.
const lookahead = 64

// addRows adds rows[j] for each j of which, in order, and returns the
// place j of the row that failed, if one did. The customers of each run
// of lookahead rows are looked up before any is added: first the home
// slot of each in the table, then the state that slot names if its hash
// is theirs. The reads of a run are independent of each other, so they
// overlap rather than wait one after another, and the adds that follow
// find their memory in cache. The reads are only touches: each row is
// added with a fresh lookup.
func (sh *shard) addRows(s *Summarizer, rows []row, which []int32) (int32, error) {
	if sh.slots == nil {
		sh.slots = make([]uint64, 1024)
	}
	var sink uint64
	for start := 0; start < len(which); start += lookahead {
		run := which[start:min(start+lookahead, len(which))]
		mask := len(sh.slots) - 1
		var seen [lookahead]uint64
		for i, j := range run {
			seen[i] = sh.slots[int(uint32(rows[j].hash))&mask]
		}
		for i, v := range seen[:len(run)] {
			if v != 0 && uint32(v>>32) == uint32(rows[run[i]].hash) {
				sink += uint64(sh.state(int32(uint32(v)) - 1).idLen)
			}
		}
		for _, j := range run {
			if err := sh.addRow(s, &rows[j]); err != nil {
				return j, err
			}
		}
	}
	sh.sink += sink
	return 0, nil
}

// errFull reports a shard beyond its limits, which only a log of billions
// of customers or purchase days can reach.
var errFull = fmt.Errorf("%w: more than 2^31 customers or 2^32 purchase days in a shard", clv.ErrOutOfRange)

// errSegments reports a shard of more segments than its customers' states
// can name, which no log of channels, plans or regions reaches.
var errSegments = fmt.Errorf("%w: more than %d segments in a shard", clv.ErrOutOfRange, maxSegment)

// batchRows is the number of rows AddAll checks before its shards add
// them, and batchesInFlight how many such batches it keeps.
const (
	batchRows       = 4096
	batchesInFlight = 4
)

// A batch is rows on their way to the shards.
type batch struct {
	rows  []row
	first int64 // the place in the sequence of rows[0], from 0
	left  atomic.Int32
}

// AddAll adds every purchase of a sequence, as [Summarizer.Add] does. At
// the first purchase that fails, it stops and returns the error, naming
// the purchase by its place in the sequence, counted from 1; the purchases
// before it stay added and none after it is. The calling goroutine reads
// the sequence and checks each row; past the first few thousand rows, the
// two shards of customers are filled on two goroutines of their own, a
// few batches of rows behind.
func (s *Summarizer) AddAll(purchases iter.Seq[clv.Purchase]) error {
	if err := s.unready("add all"); err != nil {
		return err
	}
	var (
		n     int64
		cur   = &batch{rows: make([]row, 0, batchRows)}
		work  [2]chan *batch
		free  chan *batch
		done  sync.WaitGroup
		errs  [2]error
		errAt [2]int64
	)
	shardWorker := func(k int) {
		defer done.Done()
		var mine []int32
		for b := range work[k] {
			if errs[k] == nil {
				mine = mine[:0]
				for j := range b.rows {
					if int(b.rows[j].hash>>63) == k {
						mine = append(mine, int32(j))
					}
				}
				if j, err := s.shards[k].addRows(s, b.rows, mine); err != nil {
					errs[k], errAt[k] = err, b.first+int64(j)
				}
			}
			if b.left.Add(-1) == 0 {
				free <- b
			}
		}
	}
	send := func() {
		if work[0] == nil {
			free = make(chan *batch, batchesInFlight)
			for range batchesInFlight - 1 {
				free <- &batch{rows: make([]row, 0, batchRows)}
			}
			for k := range work {
				work[k] = make(chan *batch, batchesInFlight)
				done.Add(1)
				go shardWorker(k)
			}
		}
		cur.left.Store(2)
		work[0] <- cur
		work[1] <- cur
		cur = <-free
		cur.rows = cur.rows[:0]
	}
	var failure error
	base := s.rows
	for p := range purchases {
		var r row
		kind, err := s.check("add all", &p, &r)
		if err != nil {
			failure = naming(err, "add all", "purchase", n+1)
			break
		}
		r.seq = base + n
		n++
		s.count(kind, r.day)
		if kind != purchaseRow {
			continue
		}
		if len(cur.rows) == 0 {
			cur.first = n - 1
		}
		cur.rows = append(cur.rows, r)
		if len(cur.rows) == batchRows {
			send()
		}
	}
	if work[0] == nil {
		// A short sequence: add it here, without goroutines.
		for j := range cur.rows {
			r := &cur.rows[j]
			if err := s.shards[r.hash>>63].addRow(s, r); err != nil {
				return fmt.Errorf("btyd: add all: purchase %d: %w", cur.first+int64(j)+1, err)
			}
		}
		return failure
	}
	if len(cur.rows) > 0 {
		send()
	}
	close(work[0])
	close(work[1])
	done.Wait()
	for k := range errs {
		if errs[k] != nil && (errs[1-k] == nil || errAt[k] < errAt[1-k]) {
			return fmt.Errorf("btyd: add all: purchase %d: %w", errAt[k]+1, errs[k])
		}
	}
	return failure
}

// AddRows adds rows as [Summarizer.Add] adds purchases, looking up
// customers ahead as [Summarizer.AddAll] does, and returns how many it
// added. A row's segment counts only as the segment of a first purchase
// ([Customer.Segment]): the models see a customer whole. At
// the first row that fails it stops and returns the error, naming the row
// by its place in rows, counted from 1; the rows before it stay added, and
// the caller may go on from the row after. Besides the failures of Add, a
// row fails with [clv.ErrOutOfRange] if Places is below 0 or above
// [clv.MaxScale].
//
// It makes neither a string nor a decimal for a row, and adds on the
// calling goroutine: a reader with several cores gives each its own
// Summarizer and merges them, and gives each row its place in the log
// with [Summarizer.AddRowsAt].
func (s *Summarizer) AddRows(rows []clv.Row) (int, error) {
	return s.addRows(rows, nil)
}

// AddRowsAt adds rows as [Summarizer.AddRows] does, rows[i] at place
// places[i] in the log (its line, say), and returns how many it added.
//
// Places order the [Base]: its customers come in the order of the first
// row, in the log, that named them, whatever order the rows were added
// in. Add, AddAll and AddRows place each row after those added before it;
// a reader that splits a log between Summarizers, to fill them on several
// goroutines, gives each row its place instead, and [Summarizer.Merge]
// keeps the places. The merged Base then holds the customers in the
// order one Summarizer given the log line by line holds them, and every
// figure summed over the Base in floating point — a fit, a total, an
// interval — comes out the same to the last bit however the log was
// split and whichever rows came first. Places should differ from row to
// row; customers whose first rows share a place come in no set order.
//
// It fails as AddRows does, naming the row, and with an error wrapping
// [clv.ErrNegative] for a negative place and [clv.ErrInconsistent],
// adding nothing, if places and rows differ in length.
func (s *Summarizer) AddRowsAt(rows []clv.Row, places []int64) (int, error) {
	if places == nil {
		places = []int64{} // not nil: nil is AddRows, placing rows by count
	}
	return s.addRows(rows, places)
}

// addRows adds rows, at places if it is not nil and else each after
// every row added before it.
func (s *Summarizer) addRows(rows []clv.Row, places []int64) (int, error) {
	const fn = "add rows"
	if err := s.unready(fn); err != nil {
		return 0, err
	}
	placed := places != nil
	if placed && len(places) != len(rows) {
		return 0, fmt.Errorf("btyd: %s: %d places for %d rows: %w", fn, len(places), len(rows), clv.ErrInconsistent)
	}
	var (
		run   [lookahead]row
		kinds [lookahead]int
	)
	for start := 0; start < len(rows); start += lookahead {
		n := 0
		var failure error
		for j := start; j < min(start+lookahead, len(rows)); j++ {
			run[n] = row{placed: placed}
			kind, err := s.checkRow(fn, &rows[j], &run[n])
			if err == nil && placed {
				if run[n].seq = places[j]; places[j] < 0 {
					err = fmt.Errorf("btyd: %s: place = %d: %w", fn, places[j], clv.ErrNegative)
				}
			}
			if err != nil {
				failure = naming(err, fn, "row", int64(j+1))
				break
			}
			kinds[n] = kind
			n++
		}
		s.touch(run[:n], kinds[:n])
		for i := range n {
			r := &run[i]
			if kinds[i] == purchaseRow {
				if !placed {
					r.seq = s.rows
				}
				if err := s.shards[r.hash>>63].addRow(s, r); err != nil {
					return start + i, fmt.Errorf("btyd: %s: row %d: %w", fn, start+i+1, err)
				}
			}
			s.count(kinds[i], r.day)
			s.placed = s.placed || placed
		}
		if failure != nil {
			return start + n, failure
		}
	}
	return len(rows), nil
}

// touch reads the table slot, and the state it names, of each purchase
// of run, as shard.addRows does, and the customer's place if the row has
// one to compare with it, so that the reads overlap.
func (s *Summarizer) touch(run []row, kinds []int) {
	var sink uint64
	for i := range run {
		sh := &s.shards[run[i].hash>>63]
		if kinds[i] != purchaseRow || sh.slots == nil {
			continue
		}
		h := uint32(run[i].hash)
		if v := sh.slots[int(h)&(len(sh.slots)-1)]; v != 0 && uint32(v>>32) == h {
			k := int32(uint32(v)) - 1
			sink += uint64(sh.state(k).idLen)
			if run[i].placed {
				sink += uint64(sh.seq(k))
			}
		}
	}
	s.shards[0].sink += sink
}

// Merge adds the purchases summarised by other to s, as if each had been
// added to s directly: merging Summarizers built over any split of a log
// gives the summary of the whole log, exactly. A customer in both keeps
// one history, the union of the two; customers new to s come after its
// own, in other's order. If other's rows were given their places in the
// log ([Summarizer.AddRowsAt]), Merge keeps those places, and the customers
// of both come in the order of their first rows in the log: give places to
// the rows of every Summarizer merged, or to none. The span of the rows
// is the union of the two spans. other is left as it was.
//
// It returns an error wrapping [clv.ErrInconsistent], and changes nothing,
// if other is s itself or has another calibration end, holdout end or
// unit, and [clv.ErrMissing] if either was not made by [NewSummarizer].
func (s *Summarizer) Merge(other *Summarizer) error {
	const fn = "merge"
	if err := s.unready(fn); err != nil {
		return err
	}
	switch {
	case other == nil || !other.ready:
		return fmt.Errorf("btyd: %s: other: %w: make the Summarizer with NewSummarizer", fn, clv.ErrMissing)
	case other == s:
		return fmt.Errorf("btyd: %s: a summarizer into itself: %w", fn, clv.ErrInconsistent)
	case other.calEnd != s.calEnd || other.holdEnd != s.holdEnd || other.unit != s.unit:
		return fmt.Errorf("btyd: %s: other: %w: another calibration end, holdout end or unit", fn, clv.ErrInconsistent)
	}
	other.compact()
	// Other's rows come after s's, unless they have places in the log,
	// which order the customers whatever order they are merged in.
	offset, refs := s.rows, other.byShard()
	if other.placed {
		offset = 0
	} else {
		refs = other.order()
	}
	for _, k := range refs {
		from := &other.shards[k.shard]
		c := from.state(k.index)
		id := from.id(c)
		h := maphash.String(s.seed, id)
		to := &s.shards[h>>63]
		i, slot := to.find(id, uint32(h))
		fresh := i < 0
		place := offset + from.seq(k.index)
		if fresh {
			var ok bool
			if i, ok = to.add(id, uint32(h), slot, place); !ok {
				return fmt.Errorf("btyd: %s: %w", fn, errFull)
			}
		} else {
			to.placeAt(i, place)
		}
		// Other's segment of the customer becomes theirs as a row's
		// would: by the first day, then segmentBefore.
		d, name := to.state(i), from.segment(c)
		if fresh || c.firstDay < d.firstDay || c.firstDay == d.firstDay && segmentBefore(id, name, to.segment(d)) {
			segment, ok := to.segmentIndex(name)
			if !ok {
				return fmt.Errorf("btyd: %s: %w", fn, errSegments)
			}
			d.segment = segment
		}
		for _, day := range from.daysOf(k.index) {
			to.logDay(i, day)
		}
		to.mergeAmounts(d, fresh, from, c)
	}
	s.placed = s.placed || other.placed
	s.first, s.last = min(s.first, other.first), max(s.last, other.last)
	s.rows += other.rows
	s.purchases += other.purchases
	s.later += other.later
	s.refunds += other.refunds
	return nil
}

// mergeAmounts adds the amounts of customer c of shard from to customer d
// of sh, fresh if new to sh.
func (sh *shard) mergeAmounts(d *customerState, fresh bool, from *shard, c *customerState) {
	for _, f := range [...]sumField{calSum, holdSum} {
		units, slow := sh.align(*f.units(c), from.places)
		if c.extra != 0 {
			slow = slow.Add(*f.spill(&from.extras[c.extra-1]))
		}
		sh.addAmount(d, f, units, slow)
	}
	units, slow := sh.align(c.first, from.places)
	if c.extra != 0 {
		slow = slow.Add(from.extras[c.extra-1].first)
	}
	sh.addFirst(d, fresh, c.firstDay, units, slow)
}

// compact compacts the days of both shards.
func (s *Summarizer) compact() {
	for k := range s.shards {
		s.shards[k].compact()
	}
}

// A customerRef names a customer by shard and index.
type customerRef struct {
	shard int
	index int32
}

// order returns every customer, late ones too, in the order of the rows
// that first named them: by their places, the two shards merged by place.
// Each shard holds its customers in the order they came, which is the
// order of their places unless the rows came with places of their own
// out of order; the shards are then sorted.
func (s *Summarizer) order() []customerRef {
	a, b := &s.shards[0], &s.shards[1]
	if s.placed && !(a.inPlace() && b.inPlace()) {
		return s.byPlace()
	}
	refs := make([]customerRef, 0, int(a.count)+int(b.count))
	var i, j int32
	for i < a.count || j < b.count {
		if j >= b.count || i < a.count && a.seq(i) < b.seq(j) {
			refs = append(refs, customerRef{0, i})
			i++
		} else {
			refs = append(refs, customerRef{1, j})
			j++
		}
	}
	return refs
}

// byShard returns every customer, late ones too, shard by shard.
func (s *Summarizer) byShard() []customerRef {
	refs := make([]customerRef, 0, int(s.shards[0].count)+int(s.shards[1].count))
	for k := range s.shards {
		for i := range s.shards[k].count {
			refs = append(refs, customerRef{k, i})
		}
	}
	return refs
}

// byPlace returns every customer, late ones too, sorted by place; those
// of one place, which AddRowsAt's callers should not give, by shard and
// index. Places below 2^32, as lines of a log are, are packed with their
// customer in a uint64 and radix sorted: a million customers in some
// 14 ms, where slices.Sort of their keys alone takes over 100.
func (s *Summarizer) byPlace() []customerRef {
	n := int(s.shards[0].count) + int(s.shards[1].count)
	keys := make([]uint64, 0, n)
	for k := range s.shards {
		sh := &s.shards[k]
		for i := range sh.count {
			seq := sh.seq(i)
			if seq >= 1<<32 {
				return s.byWidePlace()
			}
			keys = append(keys, uint64(seq)<<32|uint64(k)<<31|uint64(i))
		}
	}
	sortHigh(keys)
	refs := make([]customerRef, n)
	for j, key := range keys {
		refs[j] = customerRef{int(key >> 31 & 1), int32(key & (1<<31 - 1))}
	}
	return refs
}

// sortHigh sorts keys by their upper 32 bits, stably: a least significant
// digit first radix sort, a byte a pass, of the bytes in which any keys
// differ.
func sortHigh(keys []uint64) {
	var or, and uint64 = 0, math.MaxUint64
	for _, k := range keys {
		or, and = or|k, and&k
	}
	differ := or ^ and
	src, dst := keys, []uint64(nil)
	for shift := 32; shift < 64; shift += 8 {
		if differ>>shift&0xff == 0 {
			continue
		}
		if dst == nil {
			dst = make([]uint64, len(keys))
		}
		var at [256]int
		for _, k := range src {
			at[k>>shift&0xff]++
		}
		sum := 0
		for b, n := range at {
			at[b], sum = sum, sum+n
		}
		for _, k := range src {
			b := k >> shift & 0xff
			dst[at[b]] = k
			at[b]++
		}
		src, dst = dst, src
	}
	copy(keys, src)
}

// byWidePlace is byPlace for places of 2^32 and beyond.
func (s *Summarizer) byWidePlace() []customerRef {
	refs := s.byShard()
	slices.SortFunc(refs, func(x, y customerRef) int {
		return cmp.Or(cmp.Compare(s.shards[x.shard].seq(x.index), s.shards[y.shard].seq(y.index)),
			cmp.Compare(x.shard, y.shard), cmp.Compare(x.index, y.index))
	})
	return refs
}

// figures returns the integer figures of customer i of sh: the days with
// a purchase up to the calibration end, the last such day, and all the
// days with a purchase. cut is 0 for a late customer. The shard must be
// compacted.
func (s *Summarizer) figures(sh *shard, i int32) (cut int, last int32, days int) {
	list := sh.daysOf(i)
	cut, _ = slices.BinarySearch(list, s.calEnd+1)
	if cut == 0 {
		return 0, 0, len(list)
	}
	return cut, list[cut-1], len(list)
}

// Base returns the figures of every customer whose first purchase is on
// or before the calibration end, in the order of the rows that first
// named them: by the places of those rows if they were given
// ([Summarizer.AddRowsAt]), and otherwise in the order they were added
// (after a [Summarizer.Merge], the merged-in customers new to s after
// s's own). The ids are copies, in one block of memory.
func (s *Summarizer) Base() Base {
	b := Base{Unit: s.Unit()}
	if s == nil || !s.ready {
		return b
	}
	b.Holdout = float64(s.holdEnd-s.calEnd) / s.unitDays
	s.compact()
	refs := s.order()
	b.Customers = make([]Customer, 0, len(refs))
	for bc := range s.inBase(refs) {
		id, sh, c := bc.id, bc.sh, bc.c
		cut, last, days := s.figures(sh, bc.index)
		x := int64(cut - 1)
		cu := Customer{
			ID:       id,
			Segment:  sh.segment(c),
			X:        x,
			Tx:       float64(last-c.firstDay) / s.unitDays,
			T:        float64(s.calEnd-c.firstDay) / s.unitDays,
			Spend:    decimal.Zero,
			HoldoutX: int64(days - cut),
		}
		if x > 0 {
			cu.Spend = sh.repeatMean(c, x)
		}
		cu.HoldoutSpend = decimal.Zero
		if c.hold != 0 || c.extra != 0 {
			cu.HoldoutSpend = sh.sum(c, holdSum)
		}
		b.Customers = append(b.Customers, cu)
	}
	return b
}

// A baseCustomer is a customer of the Base, from inBase.
type baseCustomer struct {
	id    string // a copy
	sh    *shard
	index int32
	c     *customerState
}

// inBase yields the customers of the Base among refs, in its order, their
// ids copied into one block of memory. The shards must be compacted.
func (s *Summarizer) inBase(refs []customerRef) iter.Seq[baseCustomer] {
	return func(yield func(baseCustomer) bool) {
		all := s.ids(refs)
		at := 0
		for _, k := range refs {
			sh := &s.shards[k.shard]
			c := sh.state(k.index)
			id := all[at : at+int(c.idLen)]
			at += int(c.idLen)
			if c.firstDay > s.calEnd {
				continue
			}
			if !yield(baseCustomer{id, sh, k.index, c}) {
				return
			}
		}
	}
}

// ids returns the ids of the customers refs names, one after another, in
// one block of memory.
func (s *Summarizer) ids(refs []customerRef) string {
	var size int
	for _, k := range refs {
		size += int(s.shards[k.shard].state(k.index).idLen)
	}
	var ids strings.Builder
	ids.Grow(size)
	for _, k := range refs {
		sh := &s.shards[k.shard]
		ids.WriteString(sh.id(sh.state(k.index)))
	}
	return ids.String()
}

// Totals returns the counts of rows and customers added so far, and the
// span of the rows, which it reads from the customers' purchase days, as
// [Summarizer.Base] reads their figures: a purchase costs the span
// nothing as it is added, and reading it costs a pass over the customers.
func (s *Summarizer) Totals() Totals {
	if s == nil {
		return Totals{}
	}
	t := Totals{Rows: s.rows, Purchases: s.purchases, Later: s.later, Refunds: s.refunds}
	if s.rows > 0 {
		first, last := s.span()
		t.First, t.Last = dayTime(first), dayTime(last)
	}
	for k := range s.shards {
		sh := &s.shards[k]
		for i := range sh.count {
			if c := sh.state(i); c.firstDay <= s.calEnd {
				t.Customers++
			} else {
				t.Late++
			}
		}
	}
	return t
}

// Histories returns the distinct (x, t_x, T) of the customers of the
// [Base], each with the number of customers who share it as its weight,
// ordered by x, then t_x, then T: the input [FitBGNBD] takes. A base
// fits as fast as it has distinct histories, which for a million
// customers over two years of days are some hundred thousand.
func (s *Summarizer) Histories() []History {
	if s == nil || !s.ready {
		return nil
	}
	// Each history as x, t_x and T in days, packed 21 bits apiece when
	// they fit (spans up to 5,700 years), and sorted.
	const bitsEach = 21
	packed := true
	keys := make([]uint64, 0, int(s.shards[0].count)+int(s.shards[1].count))
	var wide [][3]int64
	s.compact()
	for k := range s.shards {
		sh := &s.shards[k]
		for i := range sh.count {
			c := sh.state(i)
			cut, last, _ := s.figures(sh, i)
			if cut == 0 {
				continue
			}
			x, tx, T := int64(cut-1), int64(last-c.firstDay), int64(s.calEnd-c.firstDay)
			if packed && T < 1<<bitsEach && x < 1<<bitsEach {
				keys = append(keys, uint64(x)<<(2*bitsEach)|uint64(tx)<<bitsEach|uint64(T))
				continue
			}
			if packed {
				packed = false
				for _, key := range keys {
					wide = append(wide, [3]int64{int64(key >> (2 * bitsEach)), int64(key >> bitsEach & (1<<bitsEach - 1)), int64(key & (1<<bitsEach - 1))})
				}
				keys = nil
			}
			wide = append(wide, [3]int64{x, tx, T})
		}
	}
	if packed {
		slices.Sort(keys)
	} else {
		slices.SortFunc(wide, func(a, b [3]int64) int {
			return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1]), cmp.Compare(a[2], b[2]))
		})
	}
	hs := make([]History, 0, distinctHistories(keys, wide))
	emit := func(x, tx, T int64) {
		if n := len(hs); n > 0 && hs[n-1].X == x && hs[n-1].Tx == float64(tx)/s.unitDays && hs[n-1].T == float64(T)/s.unitDays {
			hs[n-1].Weight++
			return
		}
		hs = append(hs, History{X: x, Tx: float64(tx) / s.unitDays, T: float64(T) / s.unitDays, Weight: 1})
	}
	if packed {
		for _, key := range keys {
			emit(int64(key>>(2*bitsEach)), int64(key>>bitsEach&(1<<bitsEach-1)), int64(key&(1<<bitsEach-1)))
		}
		return hs
	}
	for _, w := range wide {
		emit(w[0], w[1], w[2])
	}
	return hs
}

// distinctHistories counts the distinct keys of a sorted keys or wide.
func distinctHistories(keys []uint64, wide [][3]int64) int {
	n := 0
	for i := range keys {
		if i == 0 || keys[i] != keys[i-1] {
			n++
		}
	}
	for i := range wide {
		if i == 0 || wide[i] != wide[i-1] {
			n++
		}
	}
	return n
}

// Unit returns the unit of time of the summary's figures.
func (s *Summarizer) Unit() clv.Period {
	if s == nil {
		return 0
	}
	return s.unit
}

// segmentBefore reports whether segment a goes before segment b as the
// segment of customer id's first purchase day: by the FNV-1a hash of the
// id and the segment, then by name. The hash shares customers with
// several segments on their first day out among those segments alike,
// whatever their names and however often the customers buy.
func segmentBefore(id, a, b string) bool {
	ha, hb := segmentRank(id, a), segmentRank(id, b)
	return ha < hb || ha == hb && a < b
}

// segmentRank is the 64-bit FNV-1a hash of id, a byte 0xff (which no
// UTF-8 text holds) and segment.
func segmentRank(id, segment string) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for i := range len(id) {
		h = (h ^ uint64(id[i])) * prime
	}
	h = (h ^ 0xff) * prime
	for i := range len(segment) {
		h = (h ^ uint64(segment[i])) * prime
	}
	return h
}
