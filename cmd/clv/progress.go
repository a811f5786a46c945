package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// A progress line shows, on a terminal, how far a long read has come: the
// share of the file read, lines a second and the time left, updated in
// place a few times a second. It shows nothing for a read that ends
// within progressAfter.
type progress struct {
	w     io.Writer
	size  int64 // of the file; 0 if unknown
	mu    sync.Mutex
	start time.Time
	shown time.Time
	bytes int64
	lines int64
	width int // of the line last written, to be cleared
}

const (
	progressAfter = 500 * time.Millisecond
	progressEvery = 250 * time.Millisecond
)

func newProgress(w io.Writer, size int64) *progress {
	return &progress{w: w, size: size, start: time.Now()}
}

// restart starts the count again, for a log read a second time.
func (p *progress) restart() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.start, p.bytes, p.lines = time.Now(), 0, 0
}

// read adds bytes and lines read, and shows the line if it is time.
func (p *progress) read(bytes, lines int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.bytes += bytes
	p.lines += lines
	now := time.Now()
	if now.Sub(p.start) < progressAfter || now.Sub(p.shown) < progressEvery {
		return
	}
	p.shown = now
	p.show(p.line(now.Sub(p.start)))
}

// line describes the progress after elapsed.
func (p *progress) line(elapsed time.Duration) string {
	rate := float64(p.lines) / elapsed.Seconds()
	mb := float64(p.bytes) / 1e6
	if p.size <= 0 {
		return fmt.Sprintf("clv: read %.0f MB, %.1f million lines a second", mb, rate/1e6)
	}
	share := float64(p.bytes) / float64(p.size)
	left := time.Duration(float64(elapsed) * (1 - share) / max(share, 1e-9)).Round(time.Second)
	return fmt.Sprintf("clv: read %.0f%% of %.0f MB, %.1f million lines a second, %s left",
		100*share, float64(p.size)/1e6, rate/1e6, left)
}

func (p *progress) show(s string) {
	pad := max(p.width-len(s), 0)
	fmt.Fprintf(p.w, "\r%s%s", s, strings.Repeat(" ", pad))
	p.width = len(s)
}

// finish clears the line, if one was shown.
func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.width > 0 {
		fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", p.width))
		p.width = 0
	}
}
