package main

// This file implements the reading of a log on every core. One goroutine
// reads the log in chunks of whole lines and hands each chunk to every
// worker. Each worker owns the customers whose ids hash to it: it skims
// every line for the customer, and parses and adds only its own customers'
// lines, to an Accumulator of its own. Those Accumulators hold disjoint
// customers, so merging them is cheap and exact, and each line is counted
// once, by its owner: every figure, every count and the first error are
// those of reading the log line by line.
//
// Only the limits an Accumulator enforces on the whole log — its span of
// windows and its number of segments — depend on which lines came before;
// every other check is the line's own. If a worker meets one of those
// limits, or the merge does, the log is read again on one core, so that
// the line that breaks the limit is the one a reader line by line names.

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
	"time"

	"github.com/clvkit/clv"
)

const (
	// chunkBytes is the size of the buffers the log is read in; a line
	// longer than maxLineBytes is refused, so a chunk holds many.
	chunkBytes = 1 << 20
	// rowBatch is how many rows a worker hands its Accumulator at once,
	// which looks their customers up ahead.
	rowBatch = 256
)

// A logReading says how to read a log.
type logReading struct {
	columns  columns
	period   clv.Period
	skipBad  bool
	workers  int       // reading on one core if 1
	progress *progress // nil for none
	chunk    int       // bytes a chunk; 0 for chunkBytes, and above maxLineBytes+2
}

// errConflict stops a reading on several cores that met a limit of the
// whole log; the log is then read again on one.
var errConflict = errors.New("a limit of the whole log: read it again on one core")

// read reads a log from r on one core, or, if r can be read again from its
// start, on o.workers cores.
func (o logReading) read(r io.Reader) (*clv.Accumulator, logStats, error) {
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
// first. A line too long for a chunk ends it, as long: the line after the
// chunk's last.
type chunk struct {
	data    []byte
	first   int64
	long    bool
	readers atomic.Int32 // workers yet to read it
	free    chan<- *chunk
}

func (c *chunk) done() {
	if c.readers.Add(-1) == 0 {
		c.free <- c
	}
}

// run reads r with the given number of workers.
func (o logReading) run(r io.Reader, workers int) (*clv.Accumulator, logStats, error) {
	var stats logStats
	chunkBytes := chunkBytes
	if o.chunk > 0 {
		chunkBytes = o.chunk
	}
	free := make(chan *chunk, 2*workers+2)
	for range cap(free) {
		free <- &chunk{data: make([]byte, 0, chunkBytes), free: free}
	}

	// The header, from the start of the first chunk.
	first := <-free
	n, err := io.ReadFull(r, first.data[:chunkBytes])
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, stats, err
	}
	data := first.data[:n]
	end := bytes.IndexByte(data, '\n')
	if end < 0 && n == chunkBytes || end > maxLineBytes {
		return nil, logStats{Lines: 1}, fmt.Errorf("header: %w", errLineTooLong)
	}
	if end < 0 {
		end = len(data)
	}
	layout, err := parseHeader(data[:end], o.columns)
	stats.Lines = 1
	if err != nil {
		return nil, stats, err
	}
	rest := data[min(end+1, len(data)):]
	if o.progress != nil {
		o.progress.read(int64(n), 1)
	}

	ws := make([]*worker, workers)
	inbox := make([]chan *chunk, workers)
	var wg sync.WaitGroup
	stop := &stopLine{}
	seed := maphash.MakeSeed()
	for i := range ws {
		acc, err := clv.NewAccumulator(o.period)
		if err != nil {
			return nil, stats, err
		}
		ws[i] = &worker{index: i, of: workers, seed: seed, layout: layout, acc: acc, skipBad: o.skipBad, stop: stop}
		inbox[i] = make(chan *chunk, cap(free))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range inbox[i] {
				ws[i].chunk(c)
				c.done()
			}
		}()
	}
	send := func(c *chunk) {
		c.readers.Store(int32(workers))
		for _, in := range inbox {
			in <- c
		}
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
		if stop.stopped(o.skipBad) { // no worker reads on
			free <- cur
			break
		}
		if skipping { // the rest of a line too long to read
			i := bytes.IndexByte(cur.data, '\n')
			if i < 0 {
				cur.data = cur.data[:0]
				if eof {
					free <- cur
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
			long := <-free
			long.data, long.first, long.long = long.data[:0], line, true
			send(long)
			line++
			if !o.skipBad {
				free <- cur
				break
			}
			cur.data, skipping = cur.data[:0], true
			continue
		}
		next := <-free
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
			send(cur)
		} else {
			free <- cur
		}
		cur = next
		if eof && len(cur.data) == 0 {
			free <- cur
			break
		}
	}
	for _, in := range inbox {
		close(in)
	}
	wg.Wait()
	if o.progress != nil {
		o.progress.finish()
	}
	if readErr != nil {
		return nil, stats, readErr
	}

	// The workers' counts and Accumulators, and the first error.
	var skipped []skippedLine
	var failed *skippedLine
	for _, w := range ws {
		if w.conflict {
			return nil, stats, errConflict
		}
		stats.Purchases += w.stats.Purchases
		stats.Refunds += w.stats.Refunds
		stats.Blank += w.stats.Blank
		stats.Skipped += w.stats.Skipped
		skipped = append(skipped, w.skipped...)
		if w.failed != nil && (failed == nil || w.failed.line < failed.line) {
			failed = w.failed
		}
	}
	stats.Lines = line - 1
	// The merge fails if the lines taken break a limit of the whole log;
	// if it does not, no line before the first that failed did either.
	acc := ws[0].acc
	for _, w := range ws[1:] {
		if err := acc.Merge(w.acc); err != nil {
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
	return acc, stats, nil
}

// stopLine is the first line a worker failed on, without -skip-bad: no
// worker need read beyond it. A conflict stops every worker at once.
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

// A worker adds the lines of the customers it owns.
type worker struct {
	index, of int
	seed      maphash.Seed
	layout    logLayout
	acc       *clv.Accumulator
	skipBad   bool
	stop      *stopLine

	stats    logStats
	skipped  []skippedLine // the first reportSkipped
	failed   *skippedLine  // the line that stopped it
	conflict bool

	fields  [][]byte
	buf     []byte
	rows    []clv.Row
	lines   []int64 // of rows
	lastDay []byte  // a cache: logs run in time order
	lastT   time.Time
}

// chunk reads a chunk's lines.
func (w *worker) chunk(c *chunk) {
	if w.failed != nil || w.conflict {
		return
	}
	if c.long {
		if w.index == 0 {
			w.refuse(c.first, errLineTooLong)
		}
		return
	}
	if w.buf == nil {
		w.buf = make([]byte, 0, maxLineBytes)
	}
	data := c.data
	for n := c.first; len(data) > 0; n++ {
		end := bytes.IndexByte(data, '\n')
		if end < 0 {
			end = len(data)
		}
		line := bytes.TrimSuffix(data[:end], []byte{'\r'})
		data = data[min(end+1, len(data)):]
		if stop := w.stop.line(); stop > 0 && n > stop {
			break
		}
		if !w.owns(line) {
			continue
		}
		if err := w.line(n, line); err != nil {
			w.refuse(n, err)
			if w.failed != nil {
				break
			}
		}
	}
	w.flush() // the rows point into the chunk
}

// owns reports whether a line is the worker's: the owner of its customer,
// or the first worker for a line with no customer to read.
func (w *worker) owns(line []byte) bool {
	if w.of == 1 {
		return true
	}
	if len(line) > maxLineBytes || len(bytes.TrimLeft(line, " \t")) == 0 {
		return w.index == 0
	}
	id, err := fieldAt(line, w.layout.customer, w.buf)
	if err != nil || len(id) == 0 {
		return w.index == 0
	}
	return int(maphash.Bytes(w.seed, id)%uint64(w.of)) == w.index
}

// line parses one of the worker's lines into a row, to be added with the
// next batch.
func (w *worker) line(n int64, line []byte) error {
	if len(line) > maxLineBytes {
		return errLineTooLong
	}
	if len(bytes.TrimLeft(line, " \t")) == 0 {
		w.stats.Blank++
		return nil
	}
	var err error
	if w.fields, err = splitLine(line, w.fields, w.buf); err != nil {
		return err
	}
	r, big, err := w.layout.row(w.fields, w.parseTime)
	if err != nil {
		return err
	}
	if big != nil {
		// An amount of more digits than a Row holds, rare: added at its
		// place among the rows, so a limit breaks where it would line by
		// line.
		w.flush()
		if w.failed != nil || w.conflict {
			return nil
		}
		p := clv.Purchase{Customer: string(r.Customer), Time: r.Time, Amount: *big, Segment: string(r.Segment)}
		if err := w.acc.Add(p); err != nil {
			if w.of > 1 {
				w.conflict = true
				w.stop.conflict.Store(true)
				return nil
			}
			return err
		}
		if big.Sign() < 0 {
			w.stats.Refunds++
		} else {
			w.stats.Purchases++
		}
		return nil
	}
	w.rows = append(w.rows, r)
	w.lines = append(w.lines, n)
	if len(w.rows) == rowBatch {
		w.flush()
	}
	return nil
}

// parseTime parses a time, remembering the last day parsed.
func (w *worker) parseTime(s []byte) (time.Time, error) {
	if len(w.lastDay) > 0 && bytes.Equal(s, w.lastDay) {
		return w.lastT, nil
	}
	t, err := parseTime(s)
	if err == nil && len(s) > 0 && len(s) <= 10 {
		w.lastDay, w.lastT = append(w.lastDay[:0], s...), t
	}
	return t, err
}

// flush adds the rows of the batch. Rows the Accumulator refuses break a
// limit of the whole log, which on several cores is a conflict.
func (w *worker) flush() {
	rows, lines := w.rows, w.lines
	w.rows, w.lines = w.rows[:0], w.lines[:0]
	for len(rows) > 0 {
		n, err := w.acc.AddRows(rows)
		for _, r := range rows[:n] {
			if r.Units < 0 {
				w.stats.Refunds++
			} else {
				w.stats.Purchases++
			}
		}
		if err == nil {
			return
		}
		if w.of > 1 {
			w.conflict = true
			w.stop.conflict.Store(true)
			w.stop.at(1)
			return
		}
		w.refuse(lines[n], purchaseError(err))
		if w.failed != nil {
			return
		}
		rows, lines = rows[n+1:], lines[n+1:]
	}
}

// purchaseError names the purchase of a failed row as the line names it:
// "clv: purchase: …", not "clv: row 12: …", the row's place in a batch.
func purchaseError(err error) error {
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, "clv: row "); ok {
		if _, rest, ok = strings.Cut(rest, ": "); ok {
			return errors.New("clv: purchase: " + rest)
		}
	}
	return err
}

// refuse skips a line, or stops the worker at it.
func (w *worker) refuse(n int64, err error) {
	s := skippedLine{line: n, reason: fmt.Sprintf("line %d: %s", n, strings.TrimPrefix(err.Error(), "clv: "))}
	if !w.skipBad {
		w.failed = &s
		w.stop.at(n)
		return
	}
	w.stats.Skipped++
	if len(w.skipped) < reportSkipped {
		w.skipped = append(w.skipped, s)
	}
}

// defaultWorkers is how many workers read a log: one a core, and at least
// one.
func defaultWorkers() int { return max(1, runtime.GOMAXPROCS(0)) }
