package clvbeam_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/textio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/clvkit/clv"
	clvbeam "github.com/clvkit/clv/beam"
	"github.com/clvkit/clv/internal/logcsv"
)

func TestMain(m *testing.M) {
	ptest.MainWithDefault(m, "prism")
}

func init() {
	register.Function1x2(summaryJSON)
	register.Function2x1(keyedJSON)
}

// The sample log of the repository, split into shards that each start
// with the header, as a warehouse exports them.
func shards(t *testing.T, n int) (glob, header string, local []clv.Purchase) {
	t.Helper()
	data, err := os.ReadFile("../testdata/orders.csv")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	header = lines[0]
	dir := t.TempDir()
	files := make([]strings.Builder, n)
	for i := range files {
		files[i].WriteString(header + "\n")
	}
	layout, _ := logcsv.ParseHeader([]byte(header), logcsv.DefaultColumns)
	var times logcsv.Times
	for i, line := range lines[1:] {
		files[i%n].WriteString(line + "\n")
		fields, err := logcsv.SplitLine([]byte(line), nil, make([]byte, 0, len(line)))
		if err != nil {
			t.Fatal(err)
		}
		r, _, err := layout.Row(fields, times.Parse)
		if err != nil {
			t.Fatal(err)
		}
		a := logcsv.Amount{Units: r.Units, Places: r.Places}
		local = append(local, clv.Purchase{Customer: string(r.Customer), Segment: string(r.Segment), Time: r.Time, Amount: a.Decimal()})
	}
	for i := range files {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("orders-%03d.csv", i)), []byte(files[i].String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "orders-*.csv"), header, local
}

func summaryJSON(s clv.Summary) (string, error) {
	b, err := json.Marshal(s)
	return string(b), err
}

func keyedJSON(key string, s clv.Summary) string {
	b, _ := json.Marshal(s)
	return key + " " + string(b)
}

// want returns the JSON of a local Accumulator's summary of purchases.
func want(t *testing.T, p clv.Period, purchases []clv.Purchase) string {
	t.Helper()
	acc, _ := clv.NewAccumulator(p)
	if err := acc.AddAll(slices.Values(purchases)); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(acc.Summary())
	return string(b)
}

// On the prism runner, which encodes every element between stages, the
// pipeline's summary of a log in shards equals a local Accumulator's,
// figure for figure: overall, and per key.
func TestSummarize(t *testing.T) {
	glob, header, local := shards(t, 4)
	p, s := beam.NewPipelineWithRoot()
	purchases := clvbeam.ParseLines(s, header, false, textio.Read(s, glob))
	summary := clvbeam.Summarize(s, clv.Month, 7, purchases)
	passert.Equals(s, beam.ParDo(s, summaryJSON, summary), want(t, clv.Month, local))

	perSegment := clvbeam.SummarizePerKey(s, clv.Quarter, 5, beam.ParDo(s, bySegment, purchases))
	var wants []any
	for _, seg := range []string{"app", "store", "web"} {
		var part []clv.Purchase
		for _, x := range local {
			if x.Segment == seg {
				part = append(part, x)
			}
		}
		wants = append(wants, seg+" "+want(t, clv.Quarter, part))
	}
	passert.Equals(s, beam.ParDo(s, keyedJSON, perSegment), wants...)
	ptest.RunAndValidate(t, p)
}
