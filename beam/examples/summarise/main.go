// Command summarise summarises CSV purchase logs on Apache Beam: it reads
// the shards matched by -input with textio, as the command clv reads a
// log, summarises them by calendar window and segment, and writes the
// summary as one line of JSON to -output. Each shard starts with the same
// header line.
//
//	go run ./examples/summarise -input 'orders/*.csv' -output summary.json -window month
//
// Beam's flags choose the runner: prism, in the process, by default;
// -runner dataflow, flink or spark elsewhere (see the README).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"log"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/gcs"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/textio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"
	"github.com/clvkit/clv"
	clvbeam "github.com/clvkit/clv/beam"
	"github.com/clvkit/clv/beam/internal/shardfiles"
)

var (
	input   = flag.String("input", "", "the CSV shards to read, a glob such as gs://bucket/orders/*.csv (required)")
	output  = flag.String("output", "", "the file to write the summary to, as JSON (required)")
	shards  = flag.Int("shards", clvbeam.DefaultShards, "shards of customers to summarise apart")
	skipBad = flag.Bool("skip-bad", false, "count and skip malformed lines instead of failing")
	window  clv.Period
)

func init() {
	flag.TextVar(&window, "window", clv.Month, "length of the windows: week, month, quarter or year")
	register.Function1x2(toJSON)
}

func toJSON(s clv.Summary) (string, error) {
	b, err := json.Marshal(s)
	return string(b), err
}

func main() {
	flag.Parse()
	beam.Init()
	if *input == "" || *output == "" {
		log.Fatal("summarise: -input and -output are required")
	}
	ctx := context.Background()
	p, s := beam.NewPipelineWithRoot()
	purchases, err := shardfiles.Purchases(ctx, s, *input, *skipBad)
	if err != nil {
		log.Fatalf("summarise: %v", err)
	}
	summary := clvbeam.Summarize(s, window, *shards, purchases)
	textio.Write(s, *output, beam.ParDo(s, toJSON, summary))
	if err := beamx.Run(ctx, p); err != nil {
		log.Fatalf("summarise: %v", err)
	}
}
