// Command fit fits the BG/NBD and gamma–gamma models to CSV purchase logs
// on Apache Beam: it reads the shards matched by -input with textio, as
// the command clv reads a log, summarises each customer as the btyd
// package does, up to -calibration-end and in a holdout to -holdout-end,
// fits both models, and writes their fits as one line of JSON to -output:
// {"bgnbd": …, "gamma_gamma": …}. Each shard starts with the same header
// line.
//
//	go run ./examples/fit -input 'orders/*.csv' -output fit.json -calibration-end 1997-09-30
//
// Beam's flags choose the runner: prism, in the process, by default;
// -runner dataflow, flink or spark elsewhere (see the README).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"log"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/gcs"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/textio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"
	"github.com/clvkit/clv"
	clvbeam "github.com/clvkit/clv/beam"
	"github.com/clvkit/clv/beam/internal/shardfiles"
	"github.com/clvkit/clv/btyd"
)

var (
	input          = flag.String("input", "", "the CSV shards to read, a glob such as gs://bucket/orders/*.csv (required)")
	output         = flag.String("output", "", "the file to write the fits to, as JSON (required)")
	calibrationEnd = flag.String("calibration-end", "", "the last day of the calibration period, YYYY-MM-DD (required)")
	holdoutEnd     = flag.String("holdout-end", "", "the last day of a holdout period after it, YYYY-MM-DD (optional)")
	shards         = flag.Int("shards", clvbeam.DefaultShards, "shards of customers to summarise apart")
	skipBad        = flag.Bool("skip-bad", false, "count and skip malformed lines instead of failing")
	unit           = clv.Week
)

func init() {
	flag.TextVar(&unit, "unit", clv.Week, "the unit of time of the models: week, month, quarter or year")
	register.Function2x2(toJSON)
}

// toJSON writes both fits as one JSON object; the gamma–gamma fit comes as
// a side input.
func toJSON(bgnbd btyd.BGNBDFit, gammaGamma btyd.GammaGammaFit) (string, error) {
	b, err := json.Marshal(struct {
		BGNBD      btyd.BGNBDFit      `json:"bgnbd"`
		GammaGamma btyd.GammaGammaFit `json:"gamma_gamma"`
	}{bgnbd, gammaGamma})
	return string(b), err
}

// day parses a flag's date, the zero time if it is empty.
func day(name, s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		log.Fatalf("fit: -%s: %v", name, err)
	}
	return t
}

func main() {
	flag.Parse()
	beam.Init()
	if *input == "" || *output == "" || *calibrationEnd == "" {
		log.Fatal("fit: -input, -output and -calibration-end are required")
	}
	calEnd, holdEnd := day("calibration-end", *calibrationEnd), day("holdout-end", *holdoutEnd)
	if _, err := btyd.NewSummarizer(calEnd, btyd.WithUnit(unit), btyd.WithHoldout(holdEnd)); err != nil {
		log.Fatalf("fit: %v", err)
	}
	ctx := context.Background()
	p, s := beam.NewPipelineWithRoot()
	purchases, err := shardfiles.Purchases(ctx, s, *input, *skipBad)
	if err != nil {
		log.Fatalf("fit: %v", err)
	}
	summaries := clvbeam.SummarizeCustomers(s, unit, calEnd, holdEnd, *shards, purchases)
	bgnbd := clvbeam.FitBGNBD(s, clvbeam.Histories(s, summaries))
	gammaGamma := clvbeam.FitGammaGamma(s, clvbeam.Spends(s, summaries))
	textio.Write(s, *output, beam.ParDo(s, toJSON, bgnbd, beam.SideInput{Input: gammaGamma}))
	if err := beamx.Run(ctx, p); err != nil {
		log.Fatalf("fit: %v", err)
	}
}
