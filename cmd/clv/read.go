package main

// This file implements the reading of a log on every core, in three
// stages. One goroutine reads the log in chunks of whole lines. Splitters
// take the chunks as they come, find each line and its customer, and sort
// the lines by customer: a customer's lines all go to the same shard, the
// one their id hashes to. Each shard parses and checks its lines and adds
// their rows to a summary of its own — an Accumulator, or for clv
// customers a btyd.Summarizer; only a line's place in its chunk crosses
// from one core to another, never a parsed row. The shards' summaries
// hold disjoint customers, so merging them is cheap and exact; every
// line is counted once, by the splitter or the shard that took it; every
// figure, every count and the first error are those of reading the log
// line by line. A shard's rows come in no set order, so each goes to a
// Summarizer with its line, which orders its customers as the log does:
// every sum over them, in floating point, is then the same to the bit
// whatever the number of workers.
//
// Only the limits a summary enforces on the whole log — its span of
// windows and its number of segments — depend on which lines came before;
// every other check is the line's own, and the shards make it before any
// row reaches the summary. If a shard meets one of those limits, or
// the merge does, the log is read again with one shard, whose lines come
// in the order of the log, so that the line that breaks the limit is the
// one a reader line by line names.

import (
	"bytes"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/clvkit/clv/internal/logcsv"
)

const (
	// chunkBytes is the size of the buffers the log is read in; a line
	// longer than logcsv.MaxLineBytes is refused, so a chunk holds many.
	chunkBytes = 1 << 20
	// rowBatch is how many rows a parser hands a shard at once, which the
	// shard's summary then looks up ahead.
	rowBatch = 512
)

// A logReading says how to read a log.
type logReading struct {
	columns logcsv.Columns
	period  clv.Period // of the Accumulator's windows
	// newSum makes a shard's summary, told whether the log's header has
	// a segment column; nil for an Accumulator of period's windows.
	newSum   func(segments bool) (summary, error)
	skipBad  bool
	workers  int       // parsers and shards; 1 keeps the rows in the order of the log
	progress *progress // nil for none
	chunk    int       // bytes a chunk; 0 for chunkBytes, and above logcsv.MaxLineBytes+2
}

// A summary is what a shard adds its rows to: an Accumulator of the
// business's windows, or a Summarizer of each customer's history. Rows
// come with their lines, which a Summarizer orders its customers by, so
// that its customers come in the order of the log however it was split.
type summary interface {
	addRows(rows []clv.Row, lines []int64) (int, error)
	add(p clv.Purchase, line int64) error
	// merge merges in another summary of the same kind.
	merge(other summary) error
}

type accumulator struct{ *clv.Accumulator }

// An Accumulator's figures are sums and counts by window, which come out
// the same in any order.
func (a accumulator) addRows(rows []clv.Row, _ []int64) (int, error) { return a.AddRows(rows) }
func (a accumulator) add(p clv.Purchase, _ int64) error              { return a.Add(p) }

func (a accumulator) merge(other summary) error {
	return a.Merge(other.(accumulator).Accumulator)
}

type summarizer struct{ *btyd.Summarizer }

func (s summarizer) addRows(rows []clv.Row, lines []int64) (int, error) {
	return s.AddRowsAt(rows, lines)
}
func (s summarizer) add(p clv.Purchase, line int64) error { return s.AddAt(p, line) }

func (s summarizer) merge(other summary) error {
	return s.Merge(other.(summarizer).Summarizer)
}

// A modelLog is what clv customers reads a log into: a Summarizer of each
// customer's history, for the models, and an Accumulator of the
// business's windows, for the business formulas' value of each segment
// beside the models'. The Accumulator's limits of the whole log — its
// windows and segments — are not the models': a log beyond them loses
// the formulas' side, with the reason, never the models'. Whether it does
// is the whole log's, not a shard's: a shard within the limits merges
// into one that is not, or meets them in the merge.
//
// A log without a segment column has no segments to set side by side,
// and is read without an Accumulator: on the benchmarks' 10-million-line
// log of 8 segments it costs clv customers about a third more time and
// 160 MB more memory.
type modelLog struct {
	s   summarizer
	acc *clv.Accumulator // nil without a segment column, or once formulas fails
	// formulas is why the Accumulator gave up; nil while it has not.
	formulas error
	// watch keeps the rows of the customer of -customer; nil without it.
	watch *watchedRows
}

func (m *modelLog) addRows(rows []clv.Row, lines []int64) (int, error) {
	n, err := m.s.addRows(rows, lines)
	if m.watch != nil {
		m.watch.addRows(rows[:n])
	}
	if m.acc != nil && n > 0 {
		if _, aerr := m.acc.AddRows(rows[:n]); aerr != nil {
			m.fail(aerr)
		}
	}
	return n, err
}

func (m *modelLog) add(p clv.Purchase, line int64) error {
	if err := m.s.add(p, line); err != nil {
		return err
	}
	if m.watch != nil {
		m.watch.add(p)
	}
	if m.acc != nil {
		if err := m.acc.Add(p); err != nil {
			m.fail(err)
		}
	}
	return nil
}

func (m *modelLog) merge(other summary) error {
	o := other.(*modelLog)
	if err := m.s.merge(o.s); err != nil {
		return err
	}
	if m.watch != nil && o.watch != nil {
		m.watch.rows = append(m.watch.rows, o.watch.rows...)
	}
	switch {
	case m.acc == nil:
	case o.acc == nil && o.formulas != nil:
		m.fail(o.formulas)
	case o.acc == nil:
	default:
		if err := m.acc.Merge(o.acc); err != nil {
			m.fail(err)
		}
	}
	return nil
}

// fail gives up the Accumulator, for err.
func (m *modelLog) fail(err error) {
	m.acc, m.formulas = nil, err
}

// newSummary returns an empty summary for a shard of a log with a
// segment column or without.
func (o logReading) newSummary(segments bool) (summary, error) {
	if o.newSum != nil {
		return o.newSum(segments)
	}
	acc, err := clv.NewAccumulator(o.period)
	return accumulator{acc}, err
}

// errConflict stops a reading by several shards that met a limit of the
// whole log; the log is then read again by one.
var errConflict = errors.New("a limit of the whole log: read it again with one shard")

// read reads a log from r with one shard, or, if r can be read again from
// its start, with o.workers.
func (o logReading) read(r io.Reader) (summary, logStats, error) {
	seeker, ok := r.(io.Seeker)
	if o.workers <= 1 || !ok {
		return o.run(r, 1)
	}
	acc, stats, err := o.run(r, o.workers)
	if !errors.Is(err, errConflict) {
		return acc, stats, err
	}
	if _, err := seeker.Seek(0, io.SeekStart); err != nil {
		return nil, stats, err
	}
	if o.progress != nil {
		o.progress.restart()
	}
	return o.run(r, 1)
}

// A chunk is a run of whole lines of the log, the first of them line
// first. A line too long for a chunk is sent alone, as long. A chunk is
// read into again once every batch of its lines is done with.
type chunk struct {
	data  []byte
	first int64
	long  bool
	refs  atomic.Int32
	free  chan<- *chunk
}

// hold takes a reference to c; release gives it back, and the last frees c.
func (c *chunk) hold() { c.refs.Add(1) }
func (c *chunk) release() {
	if c.refs.Add(-1) == 0 {
		c.free <- c
	}
}

// A batch is lines of one chunk for one shard: where each is in the
// chunk, and its number in the log.
type batch struct {
	c     *chunk
	lines []lineRef
}

type lineRef struct {
	start, end int32
	n          int64
}

// run reads r with the given number of splitters and shards.
func (o logReading) run(r io.Reader, workers int) (summary, logStats, error) {
	var stats logStats
	chunkBytes := chunkBytes
	if o.chunk > 0 {
		chunkBytes = o.chunk
	}
	freeChunks := make(chan *chunk, 2*workers+2)
	for range cap(freeChunks) {
		freeChunks <- &chunk{data: make([]byte, 0, chunkBytes), free: freeChunks}
	}
	freeBatches := make(chan *batch, 4*workers*workers+4)
	for range cap(freeBatches) {
		freeBatches <- &batch{lines: make([]lineRef, 0, rowBatch)}
	}

	// The header, from the start of the first chunk.
	first := <-freeChunks
	n, err := io.ReadFull(r, first.data[:chunkBytes])
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, stats, err
	}
	data := first.data[:n]
	end := bytes.IndexByte(data, '\n')
	if end < 0 && n == chunkBytes || end > logcsv.MaxLineBytes {
		return nil, logStats{Lines: 1}, fmt.Errorf("header: %w", logcsv.ErrLineTooLong)
	}
	if end < 0 {
		end = len(data)
	}
	layout, err := logcsv.ParseHeader(data[:end], o.columns)
	stats.Lines = 1
	if err != nil {
		return nil, stats, err
	}
	rest := data[min(end+1, len(data)):]
	if o.progress != nil {
		o.progress.read(int64(n), 1)
	}

	stop := &stopLine{}
	seed := maphash.MakeSeed()
	shards := make([]*shard, workers)
	inbox := make([]chan *batch, workers)
	var shardsDone sync.WaitGroup
	for i := range shards {
		sum, err := o.newSummary(layout.Segment >= 0)
		if err != nil {
			return nil, stats, err
		}
		shards[i] = &shard{layout: layout, sum: sum, of: workers, tally: tally{skipBad: o.skipBad, stop: stop}}
		inbox[i] = make(chan *batch, cap(freeBatches))
		shardsDone.Add(1)
		go func() {
			defer shardsDone.Done()
			for b := range inbox[i] {
				shards[i].batch(b)
				b.c.release()
				b.c, b.lines = nil, b.lines[:0]
				freeBatches <- b
			}
		}()
	}
	chunks := make(chan *chunk, cap(freeChunks))
	splitters := make([]*splitter, workers)
	var splittersDone sync.WaitGroup
	for i := range splitters {
		p := &splitter{layout: layout, seed: seed, shards: inbox, free: freeBatches, tally: tally{skipBad: o.skipBad, stop: stop}}
		p.out = make([]*batch, workers)
		splitters[i] = p
		splittersDone.Add(1)
		go func() {
			defer splittersDone.Done()
			for c := range chunks {
				c.refs.Store(1)
				p.chunk(c)
				c.release()
			}
		}()
	}

	// The chunks: whole lines, and what follows the last one carried into
	// the next chunk.
	line := int64(2)
	cur := first
	cur.data = cur.data[:len(rest)]
	copy(cur.data, rest) // to the start of the buffer rest is in
	eof, skipping := n < chunkBytes, false
	var readErr error
	for {
		if !eof {
			n, err := io.ReadFull(r, cur.data[len(cur.data):chunkBytes])
			cur.data = cur.data[:len(cur.data)+n]
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				eof = true
			} else if err != nil {
				readErr, eof = err, true
			}
		}
		if stop.stopped(o.skipBad) { // nothing further is read
			freeChunks <- cur
			break
		}
		if skipping { // the rest of a line too long to read
			i := bytes.IndexByte(cur.data, '\n')
			if i < 0 {
				cur.data = cur.data[:0]
				if eof {
					freeChunks <- cur
					break
				}
				continue
			}
			cur.data, skipping = cur.data[:copy(cur.data, cur.data[i+1:])], false
		}
		last := bytes.LastIndexByte(cur.data, '\n')
		if eof && last < len(cur.data)-1 {
			last = len(cur.data) - 1 // the last line, without its newline
		}
		if last < 0 && len(cur.data) > 0 {
			// No line ends in a whole chunk: this line is too long.
			long := <-freeChunks
			long.data, long.first, long.long = long.data[:0], line, true
			chunks <- long
			line++
			if !o.skipBad {
				freeChunks <- cur
				break
			}
			cur.data, skipping = cur.data[:0], true
			continue
		}
		next := <-freeChunks
		next.data = append(next.data[:0], cur.data[last+1:]...)
		next.long = false
		cur.data, cur.first = cur.data[:last+1], line
		lines := int64(bytes.Count(cur.data, []byte{'\n'}))
		if len(cur.data) > 0 && cur.data[len(cur.data)-1] != '\n' {
			lines++
		}
		line += lines
		if o.progress != nil {
			o.progress.read(int64(len(cur.data)), lines)
		}
		if len(cur.data) > 0 {
			chunks <- cur
		} else {
			freeChunks <- cur
		}
		cur = next
		if eof && len(cur.data) == 0 {
			freeChunks <- cur
			break
		}
	}
	close(chunks)
	splittersDone.Wait()
	for _, in := range inbox {
		close(in)
	}
	shardsDone.Wait()
	if o.progress != nil {
		o.progress.finish()
	}
	if readErr != nil {
		return nil, stats, readErr
	}

	// The counts of every stage, the first error, and the shards merged.
	var all []*tally
	for _, p := range splitters {
		all = append(all, &p.tally)
	}
	for _, s := range shards {
		if s.conflict {
			return nil, stats, errConflict
		}
		all = append(all, &s.tally)
	}
	var skipped []skippedLine
	var failed *skippedLine
	for _, t := range all {
		stats.Purchases += t.stats.Purchases
		stats.Refunds += t.stats.Refunds
		stats.Blank += t.stats.Blank
		stats.Skipped += t.stats.Skipped
		skipped = append(skipped, t.skipped...)
		if t.failed != nil && (failed == nil || t.failed.line < failed.line) {
			failed = t.failed
		}
	}
	stats.Lines = line - 1
	// The merge fails if the lines taken break a limit of the whole log;
	// if it does not, no line before the first that failed did either.
	sum := shards[0].sum
	for _, s := range shards[1:] {
		if err := sum.merge(s.sum); err != nil {
			return nil, stats, errConflict
		}
	}
	if failed != nil {
		return nil, stats, errors.New(failed.reason)
	}
	slices.SortFunc(skipped, func(a, b skippedLine) int { return int(a.line - b.line) })
	for _, s := range skipped[:min(len(skipped), reportSkipped)] {
		stats.FirstSkipped = append(stats.FirstSkipped, s.reason)
	}
	if stats.Purchases+stats.Refunds == 0 {
		return nil, stats, fmt.Errorf("%w: %s", errNothing, stats.accounting())
	}
	return sum, stats, nil
}

// stopLine is the first line that failed, without -skip-bad: nothing
// beyond it need be read. A conflict stops everything at once.
type stopLine struct {
	n        atomic.Int64
	conflict atomic.Bool
}

func (s *stopLine) line() int64 { return s.n.Load() }

// stopped reports whether the log need be read no further.
func (s *stopLine) stopped(skipBad bool) bool {
	return s.conflict.Load() || !skipBad && s.n.Load() > 0
}

func (s *stopLine) at(line int64) {
	for {
		old := s.n.Load()
		if old != 0 && old <= line || s.n.CompareAndSwap(old, line) {
			return
		}
	}
}

// A skippedLine is a line refused, and why.
type skippedLine struct {
	line   int64
	reason string
}

// A tally counts what a stage made of its lines.
type tally struct {
	skipBad bool
	stop    *stopLine
	stats   logStats
	skipped []skippedLine // the reportSkipped of least line number
	failed  *skippedLine  // the line that stopped the stage
}

// refuse skips a line, or stops the stage at it.
func (t *tally) refuse(n int64, err error) {
	s := skippedLine{line: n, reason: fmt.Sprintf("line %d: %s", n, strings.TrimPrefix(err.Error(), "clv: "))}
	if !t.skipBad {
		if t.failed == nil || n < t.failed.line {
			t.failed = &s
		}
		t.stop.at(n)
		return
	}
	t.stats.Skipped++
	// A stage meets lines out of order (chunks are split in parallel and
	// a shard takes batches from every splitter), so it keeps the lines of
	// least number, not the first it met.
	if len(t.skipped) < reportSkipped {
		t.skipped = append(t.skipped, s)
		return
	}
	last := 0
	for i, k := range t.skipped {
		if k.line > t.skipped[last].line {
			last = i
		}
	}
	if n < t.skipped[last].line {
		t.skipped[last] = s
	}
}

// A splitter finds the lines of chunks and their customers, and sends
// each line to the shard of its customer. It counts blank lines and
// refuses lines too long to read; a line whose customer it cannot read
// goes to the first shard, which says what is wrong with it.
type splitter struct {
	tally
	layout logcsv.Layout
	seed   maphash.Seed
	shards []chan *batch
	free   chan *batch
	out    []*batch // a batch being filled for each shard
	buf    []byte
}

// chunk sorts a chunk's lines by shard.
func (p *splitter) chunk(c *chunk) {
	if c.long {
		p.refuse(c.first, logcsv.ErrLineTooLong)
		return
	}
	if p.buf == nil {
		p.buf = make([]byte, 0, logcsv.MaxLineBytes)
	}
	data := c.data
	for at, n := 0, c.first; at < len(data); n++ {
		end := bytes.IndexByte(data[at:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += at
		}
		line := bytes.TrimSuffix(data[at:end], []byte{'\r'})
		start := at
		at = end + 1
		if stop := p.stop.line(); stop > 0 && n > stop {
			break
		}
		switch {
		case len(line) > logcsv.MaxLineBytes:
			p.refuse(n, logcsv.ErrLineTooLong)
			continue
		case logcsv.IsBlank(line):
			p.stats.Blank++
			continue
		}
		s := 0
		if len(p.shards) > 1 {
			if id, err := logcsv.FieldAt(line, p.layout.Customer, p.buf); err == nil {
				s = int(maphash.Bytes(p.seed, id) % uint64(len(p.shards)))
			}
		}
		b := p.out[s]
		if b == nil {
			b = <-p.free
			b.c = c
			c.hold()
			p.out[s] = b
		}
		b.lines = append(b.lines, lineRef{start: int32(start), end: int32(start + len(line)), n: n})
		if len(b.lines) == rowBatch {
			p.shards[s] <- b
			p.out[s] = nil
		}
	}
	for s, b := range p.out { // batches never span chunks
		if b != nil {
			p.shards[s] <- b
			p.out[s] = nil
		}
	}
}

// A shard parses and checks the lines of its customers and adds their
// rows. What its summary refuses breaks a limit of the whole log,
// which with several shards is a conflict.
type shard struct {
	tally
	layout   logcsv.Layout
	sum      summary
	of       int
	conflict bool

	fields [][]byte
	buf    []byte
	rows   []clv.Row
	lines  []int64 // of rows
	times  logcsv.Times
}

// batch parses a batch of lines and adds their rows, which point into the
// batch's chunk.
func (s *shard) batch(b *batch) {
	// A failure stops only the lines after it: batches of earlier lines,
	// from other splitters, may come later.
	if s.conflict || s.stop.conflict.Load() {
		return
	}
	if s.buf == nil {
		s.buf = make([]byte, 0, logcsv.MaxLineBytes)
	}
	for _, l := range b.lines {
		if stop := s.stop.line(); stop > 0 && l.n > stop {
			break
		}
		if err := s.line(l.n, b.c.data[l.start:l.end]); err != nil {
			s.refuse(l.n, err)
		}
		if s.conflict || s.failed != nil && s.failed.line <= l.n {
			break
		}
	}
	s.flush()
}

// line parses a line into a row, to be added with the rest of the batch.
func (s *shard) line(n int64, line []byte) error {
	var err error
	if s.fields, err = logcsv.SplitLine(line, s.fields, s.buf); err != nil {
		return err
	}
	r, big, err := s.layout.Row(s.fields, s.times.Parse)
	if err != nil {
		return err
	}
	if big != nil {
		// An amount of more digits than a Row holds, rare: added at its
		// place among the rows, so a limit breaks where it would line by
		// line.
		s.flush()
		if s.conflict || s.failed != nil && s.failed.line < n {
			return nil
		}
		p := clv.Purchase{Customer: string(r.Customer), Time: r.Time, Amount: *big, Segment: string(r.Segment)}
		if err := s.sum.add(p, n); err != nil {
			s.refuseRow(n, err)
		} else if big.Sign() < 0 {
			s.stats.Refunds++
		} else {
			s.stats.Purchases++
		}
		return nil
	}
	s.rows = append(s.rows, r)
	s.lines = append(s.lines, n)
	return nil
}

// flush adds the rows parsed so far.
func (s *shard) flush() {
	rows, lines := s.rows, s.lines
	s.rows, s.lines = s.rows[:0], s.lines[:0]
	for len(rows) > 0 {
		n, err := s.sum.addRows(rows, lines)
		s.count(rows[:n])
		if err == nil || !s.refuseRow(lines[n], err) {
			return
		}
		rows, lines = rows[n+1:], lines[n+1:]
	}
}

func (s *shard) count(rows []clv.Row) {
	for _, r := range rows {
		if r.Units < 0 {
			s.stats.Refunds++
		} else {
			s.stats.Purchases++
		}
	}
}

// refuseRow deals with a row the summary refused, and reports whether
// the shard goes on.
func (s *shard) refuseRow(line int64, err error) bool {
	if s.of > 1 {
		s.conflict = true
		s.stop.conflict.Store(true)
		return false
	}
	s.refuse(line, purchaseError(err))
	return s.skipBad // without, the rows after it are after the failure
}

// purchaseError names the purchase of a failed row as the line names it:
// "clv: purchase: …", not "clv: row 12: …" or "btyd: add rows: row 12:
// …", the row's place in a batch.
func purchaseError(err error) error {
	msg := err.Error()
	for _, prefix := range []string{"clv: row ", "btyd: add rows: row "} {
		if rest, ok := strings.CutPrefix(msg, prefix); ok {
			if _, rest, ok = strings.Cut(rest, ": "); ok {
				return errors.New("clv: purchase: " + rest)
			}
		}
	}
	return err
}

// defaultWorkers is how many parsers and shards read a log: one a core.
func defaultWorkers() int { return max(1, runtime.GOMAXPROCS(0)) }
