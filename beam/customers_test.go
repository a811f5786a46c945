package clvbeam_test

import (
	"bufio"
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/textio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/clvkit/clv"
	clvbeam "github.com/clvkit/clv/beam"
	"github.com/clvkit/clv/btyd"
	"github.com/shopspring/decimal"
	"gonum.org/v1/gonum/stat/distuv"
)

func init() {
	register.Function2x0(customerLines)
	register.Emitter1[string]()
	register.Function1x1(historyJSON)
	register.Function1x2(bgnbdJSON)
	register.Function1x2(gammaGammaJSON)
	register.DoFn1x1[btyd.GammaGammaFit, string](&nearFn{})
}

func jsonOf(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// customerLines emits the JSON of each customer of a shard's summary.
func customerLines(s *btyd.Summarizer, emit func(string)) {
	for _, c := range s.Base().Customers {
		emit(jsonOf(c))
	}
}

func historyJSON(h btyd.History) string { return jsonOf(h) }

func bgnbdJSON(f btyd.BGNBDFit) (string, error) {
	b, err := json.Marshal(f)
	return string(b), err
}

func gammaGammaJSON(f btyd.GammaGammaFit) (string, error) {
	b, err := json.Marshal(f)
	return string(b), err
}

// nearFn says whether a gamma–gamma fit is Want to a relative 10^−7.
type nearFn struct{ Want btyd.GammaGammaFit }

func (f *nearFn) ProcessElement(got btyd.GammaGammaFit) string {
	w, g := f.Want.Model, got.Model
	for _, p := range [][2]float64{{w.P, g.P}, {w.Q, g.Q}, {w.Gamma, g.Gamma}, {f.Want.Stats.LogLikelihood, got.Stats.LogLikelihood}} {
		if math.Abs(p[0]-p[1]) > 1e-7*math.Abs(p[0]) {
			return fmt.Sprintf("got %+v, want %+v", got.Model, f.Want.Model)
		}
	}
	return "near"
}

// writeShards writes lines to n files that each start with header, and
// returns their glob.
func writeShards(t *testing.T, header string, lines []string, n int) string {
	t.Helper()
	dir := t.TempDir()
	files := make([]strings.Builder, n)
	for i := range files {
		files[i].WriteString(header + "\n")
	}
	for i, line := range lines {
		files[i%n].WriteString(line + "\n")
	}
	for i := range files {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("orders-%03d.csv", i)), []byte(files[i].String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "orders-*.csv")
}

// localSummary summarises purchases with one Summarizer.
func localSummary(t *testing.T, unit clv.Period, calibrationEnd, holdoutEnd time.Time, purchases []clv.Purchase) *btyd.Summarizer {
	t.Helper()
	s, err := btyd.NewSummarizer(calibrationEnd, btyd.WithUnit(unit), btyd.WithHoldout(holdoutEnd))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AddAll(slices.Values(purchases)); err != nil {
		t.Fatal(err)
	}
	return s
}

// On the prism runner, which encodes every element between stages, the
// per-customer summaries of a log in textio shards hold every customer
// with the figures of one local Summarizer, and their histories are its
// histories: a Summarizer travels whole.
func TestSummarizeCustomers(t *testing.T) {
	glob, header, local := shards(t, 4)
	calEnd, holdEnd := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC), time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)
	want := localSummary(t, clv.Month, calEnd, holdEnd, local)
	var wantCustomers, wantHistories []any
	for _, c := range want.Base().Customers {
		wantCustomers = append(wantCustomers, jsonOf(c))
	}
	for _, h := range want.Histories() {
		wantHistories = append(wantHistories, jsonOf(h))
	}
	if len(wantCustomers) < 250 || len(wantHistories) < 200 {
		t.Fatalf("%d customers, %d histories: not the sample log", len(wantCustomers), len(wantHistories))
	}

	p, s := beam.NewPipelineWithRoot()
	purchases := clvbeam.ParseLines(s, header, false, textio.Read(s, glob))
	summaries := clvbeam.SummarizeCustomers(s, clv.Month, calEnd, holdEnd, 5, purchases)
	passert.Count(s, summaries, "summaries", 5)
	passert.Equals(s, beam.ParDo(s, customerLines, summaries), wantCustomers...)
	passert.Equals(s, beam.ParDo(s, historyJSON, clvbeam.Histories(s, summaries)), wantHistories...)
	ptest.RunAndValidate(t, p)
}

// A simulated log of BG/NBD and gamma–gamma customers, in weeks: r = 0.6,
// α = 4, a = 0.8, b = 2.5; p = 6, q = 4, γ = 15 dollars. They arrive over
// the first half year of 2024; the calibration ends after 78 weeks.
func simulatedLog() (lines []string, purchases []clv.Purchase) {
	rng := rand.New(rand.NewPCG(2026, 12))
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 1500 {
		src := rand.NewPCG(rng.Uint64(), rng.Uint64())
		lambda := distuv.Gamma{Alpha: 0.6, Beta: 4, Src: src}.Rand()
		drop := distuv.Beta{Alpha: 0.8, Beta: 2.5, Src: src}.Rand()
		nu := distuv.Gamma{Alpha: 4, Beta: 15, Src: src}.Rand()
		spend := distuv.Gamma{Alpha: 6, Beta: nu, Src: src}
		first := rng.Float64() * 26
		for t := 0.0; first+t < 104; {
			when := start.Add(time.Duration((first + t) * 7 * 24 * float64(time.Hour)))
			amount := decimal.New(int64(math.Round(spend.Rand()*100)), -2)
			id := fmt.Sprintf("sim_%04d", i)
			lines = append(lines, fmt.Sprintf("%s,%s,%s", id, when.Format(time.DateOnly), amount.StringFixed(2)))
			purchases = append(purchases, clv.Purchase{Customer: id, Time: when, Amount: amount})
			if t > 0 && rng.Float64() < drop {
				break
			}
			t += rng.ExpFloat64() / lambda
		}
	}
	return lines, purchases
}

// The CDNOW sample of Fader and Hardie beside the repository, as lines of
// CSV and purchases.
func cdnowLog(t *testing.T) (lines []string, purchases []clv.Purchase) {
	f, err := os.Open(filepath.Join("..", "..", "shared", "data", "CDNOW_sample.txt"))
	if err != nil {
		t.Skipf("CDNOW sample not available (../shared/data/CDNOW_sample.txt, beside the repository): %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 5 {
			continue
		}
		day, err := time.Parse("20060102", fields[2])
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, fmt.Sprintf("%s,%s,%s", fields[1], day.Format(time.DateOnly), fields[4]))
		purchases = append(purchases, clv.Purchase{Customer: fields[1], Time: day, Amount: decimal.RequireFromString(fields[4])})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines, purchases
}

// fitLocally fits both models to one Summarizer of purchases: BG/NBD to
// its histories; gamma–gamma to its customers in their order (near), and
// ordered by x and spend (exact), as FitGammaGamma orders them.
func fitLocally(t *testing.T, calEnd, holdEnd time.Time, purchases []clv.Purchase) (bgnbd btyd.BGNBDFit, near, exact btyd.GammaGammaFit) {
	t.Helper()
	s := localSummary(t, clv.Week, calEnd, holdEnd, purchases)
	bgnbd, err := btyd.FitBGNBD(s.Histories())
	if err != nil {
		t.Fatal(err)
	}
	customers := s.Base().Customers
	if near, err = btyd.FitGammaGamma(customers); err != nil {
		t.Fatal(err)
	}
	var repeat []btyd.Customer
	for _, c := range customers {
		if c.X > 0 {
			repeat = append(repeat, btyd.Customer{X: c.X, Spend: c.Spend})
		}
	}
	slices.SortFunc(repeat, func(a, b btyd.Customer) int { return cmp.Or(cmp.Compare(a.X, b.X), a.Spend.Cmp(b.Spend)) })
	if exact, err = btyd.FitGammaGamma(repeat); err != nil {
		t.Fatal(err)
	}
	return bgnbd, near, exact
}

// On prism, the fits to a log in textio shards are those of one local
// Summarizer: BG/NBD digit for digit, gamma–gamma digit for digit given
// the customers in the same order, and to 10^−7 in theirs; on the
// repository's sample log, a simulated one, and the CDNOW sample, where
// they are the published fits.
func TestFits(t *testing.T) {
	for _, log := range []string{"sample", "simulated", "CDNOW"} {
		t.Run(log, func(t *testing.T) {
			calEnd, holdEnd := time.Date(2025, 6, 29, 0, 0, 0, 0, time.UTC), time.Date(2025, 12, 28, 0, 0, 0, 0, time.UTC)
			var lines []string
			var purchases []clv.Purchase
			switch log {
			case "sample": // the repository's, with the segments left out
				_, _, purchases = shards(t, 1)
				for _, p := range purchases {
					lines = append(lines, fmt.Sprintf("%s,%s,%s", p.Customer, p.Time.Format(time.DateOnly), p.Amount))
				}
				calEnd, holdEnd = time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC), time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)
			case "CDNOW":
				lines, purchases = cdnowLog(t)
				calEnd, holdEnd = time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC), time.Date(1998, 6, 30, 0, 0, 0, 0, time.UTC)
			default:
				lines, purchases = simulatedLog()
			}
			bgnbd, near, exact := fitLocally(t, calEnd, holdEnd, purchases)
			if log == "CDNOW" { // Fader, Hardie and Lee (2005); Fader and Hardie (2013)
				m, g := bgnbd.Model, near.Model
				for _, c := range [][3]float64{{0.243, m.R, 5e-4}, {4.414, m.Alpha, 5e-3}, {0.793, m.A, 5e-4}, {2.426, m.B, 5e-3},
					{-9582.4, bgnbd.Stats.LogLikelihood, 0.05}, {6.25, g.P, 5e-3}, {3.74, g.Q, 5e-3}, {15.44, g.Gamma, 5e-3}} {
					if math.Abs(c[0]-c[1]) > c[2] {
						t.Fatalf("local fit %v, published %v", c[1], c[0])
					}
				}
			}

			glob := writeShards(t, "customer_id,date,amount", lines, 3)
			p, s := beam.NewPipelineWithRoot()
			purchasesIn := clvbeam.ParseLines(s, "customer_id,date,amount", false, textio.Read(s, glob))
			summaries := clvbeam.SummarizeCustomers(s, clv.Week, calEnd, holdEnd, 4, purchasesIn)
			passert.Equals(s, beam.ParDo(s, bgnbdJSON, clvbeam.FitBGNBD(s, clvbeam.Histories(s, summaries))), jsonOf(bgnbd))
			gg := clvbeam.FitGammaGamma(s, clvbeam.Spends(s, summaries))
			passert.Equals(s, beam.ParDo(s, gammaGammaJSON, gg), jsonOf(exact))
			passert.Equals(s, beam.ParDo(s, &nearFn{Want: near}, gg), "near")
			ptest.RunAndValidate(t, p)
		})
	}
}
