// Package clvbeam summarises purchase logs on Apache Beam, so that a log
// too large for one machine — billions of orders in a warehouse or a
// bucket of files — is summarised by Dataflow, Flink or Spark exactly as
// a [clv.Accumulator] would summarise it on one.
//
// [Summarize] and [SummarizePerKey] shard purchases by customer and
// summarise each shard with an Accumulator in a CombineFn, so that every
// customer's purchases meet on one worker; the shards' summaries, which
// share no customer, then add up ([clv.AddSummaries]) without any worker
// holding every customer. [ParseLines] reads the lines of CSV logs as the
// command clv reads them.
//
// Beam's default coders would drop the unexported fields of a
// decimal.Decimal or a clv.Accumulator without a word: the package
// registers coders for clv.Purchase, clv.Summary and *clv.Accumulator,
// which carry them whole.
package clvbeam
