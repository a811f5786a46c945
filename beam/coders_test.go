package clvbeam

import (
	"errors"
	"testing"
	"time"

	"github.com/clvkit/clv"
	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
)

// A purchase and an Accumulator survive their coders whole: Beam's
// default coders would drop the unexported fields of their decimals.
func TestCoders(t *testing.T) {
	p := clv.Purchase{Customer: "ann", Segment: "web", Time: time.Date(2025, 3, 1, 12, 30, 0, 0, time.FixedZone("", -7200)),
		Amount: decimal.RequireFromString("-19.99")}
	b, err := encodePurchase(p)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodePurchase(b)
	if err != nil || got.Customer != p.Customer || got.Segment != p.Segment || !got.Time.Equal(p.Time) || !got.Amount.Equal(p.Amount) {
		t.Fatalf("decoded %+v, %v; want %+v", got, err, p)
	}
	for n := range b {
		if _, err := decodePurchase(b[:n]); err == nil {
			t.Fatalf("%d bytes of %d decoded", n, len(b))
		}
	}

	acc, _ := clv.NewAccumulator(clv.Month)
	_ = acc.Add(p)
	enc, err := encodeAccumulator(acc)
	if err != nil {
		t.Fatal(err)
	}
	dec, err := decodeAccumulator(enc)
	if err != nil || !dec.Summary().Revenue.Equal(p.Amount) {
		t.Fatalf("decoded accumulator: %v", err)
	}
	s, err := decodeSummary(must(encodeSummary(acc.Summary())))
	if err != nil || !s.Revenue.Equal(p.Amount) || s.Refunds != 1 {
		t.Fatalf("decoded summary %+v: %v", s, err)
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// A Summarizer survives its coder whole, and a damaged one is refused.
func TestSummarizerCoder(t *testing.T) {
	s, err := btyd.NewSummarizer(time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC), btyd.WithUnit(clv.Month))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []clv.Purchase{
		{Customer: "ann", Time: time.Date(2025, 1, 3, 0, 0, 0, 0, time.UTC), Amount: decimal.RequireFromString("40.00")},
		{Customer: "ann", Time: time.Date(2025, 2, 3, 0, 0, 0, 0, time.UTC), Amount: decimal.RequireFromString("35.50")},
	} {
		if err := s.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	b, err := encodeSummarizer(s)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeSummarizer(b)
	if err != nil {
		t.Fatal(err)
	}
	want, c := s.Base().Customers[0], got.Base().Customers[0]
	if !c.Equal(want) || got.Totals() != s.Totals() {
		t.Fatalf("decoded %+v, %+v; want %+v, %+v", c, got.Totals(), want, s.Totals())
	}
	b[len(b)/2] ^= 1
	if _, err := decodeSummarizer(b); !errors.Is(err, clv.ErrMalformed) {
		t.Fatalf("a damaged Summarizer decoded: %v", err)
	}
}
