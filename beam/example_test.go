package clvbeam_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/textio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"
	"github.com/clvkit/clv"
	clvbeam "github.com/clvkit/clv/beam"
	"github.com/shopspring/decimal"
)

func init() {
	register.Function1x1(describe)
	register.Function2x1(describeKey)
	register.Function1x2(bySegment)
}

// describe prints a summary's months.
func describe(s clv.Summary) string {
	var b strings.Builder
	for _, w := range s.Windows {
		fmt.Fprintf(&b, "%s %s %d customers, %d lost\n", w.Start.Format("2006-01"), w.Revenue.StringFixed(2), w.Customers, w.LostCustomers)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// bySegment keys a purchase by its segment.
func bySegment(p clv.Purchase) (string, clv.Purchase) { return p.Segment, p }

func describeKey(key string, s clv.Summary) string {
	return fmt.Sprintf("%s: %s from %d purchases by %d customers", key, s.Revenue.StringFixed(2), s.Purchases, s.Customers)
}

// run runs a pipeline whose last step writes lines, and prints them in
// order.
func run(p *beam.Pipeline, s beam.Scope, lines beam.PCollection) {
	dir, _ := os.MkdirTemp("", "clvbeam")
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "out.txt")
	textio.Write(s, out, lines)
	if err := beamx.Run(context.Background(), p); err != nil {
		fmt.Println(err)
		return
	}
	b, _ := os.ReadFile(out)
	got := strings.Split(strings.TrimSpace(string(b)), "\n")
	sort.Strings(got)
	fmt.Println(strings.Join(got, "\n"))
}

var orders = func() []clv.Purchase {
	day := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	d := decimal.RequireFromString
	return []clv.Purchase{
		{Customer: "ann", Time: day("2025-01-03"), Amount: d("40.00"), Segment: "web"},
		{Customer: "ben", Time: day("2025-01-09"), Amount: d("25.00"), Segment: "store"},
		{Customer: "ann", Time: day("2025-02-02"), Amount: d("35.00"), Segment: "web"},
		{Customer: "cat", Time: day("2025-02-11"), Amount: d("80.00"), Segment: "store"},
		{Customer: "cat", Time: day("2025-02-14"), Amount: d("-20.00"), Segment: "store"},
	}
}()

func ExampleSummarize() {
	p, s := beam.NewPipelineWithRoot()
	purchases := beam.CreateList(s, orders)
	summary := clvbeam.Summarize(s, clv.Month, 4, purchases)
	run(p, s, beam.ParDo(s, describe, summary))
	// Output:
	// 2025-01 65.00 2 customers, 0 lost
	// 2025-02 95.00 2 customers, 1 lost
}

func ExampleSummarizePerKey() {
	p, s := beam.NewPipelineWithRoot()
	keyed := beam.ParDo(s, bySegment, beam.CreateList(s, orders))
	summaries := clvbeam.SummarizePerKey(s, clv.Month, 4, keyed)
	run(p, s, beam.ParDo(s, describeKey, summaries))
	// Output:
	// store: 85.00 from 2 purchases by 2 customers
	// web: 75.00 from 2 purchases by 1 customers
}

func ExampleParseLines() {
	p, s := beam.NewPipelineWithRoot()
	header := "customer_id,date,amount,segment"
	lines := beam.CreateList(s, []string{header, "ann,2025-01-03,40.00,web", "", "ben, 2025-01-09 ,25,store", header, "ann,2025-02-02,35.00,web"})
	purchases := clvbeam.ParseLines(s, header, false, lines)
	run(p, s, beam.ParDo(s, describe, clvbeam.Summarize(s, clv.Month, 2, purchases)))
	// Output:
	// 2025-01 65.00 2 customers, 0 lost
	// 2025-02 35.00 1 customers, 1 lost
}

func ExampleDefaultShards() {
	// Summarize and SummarizeCustomers take 0 shards to mean this many.
	fmt.Println(clvbeam.DefaultShards)
	// Output: 256
}
