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
// [SummarizeCustomers] summarises purchases per customer for the btyd
// package's models, a [btyd.Summarizer] for each shard of customers;
// [Histories] and [FitBGNBD] fit the BG/NBD model to the customers'
// distinct histories, combined by weight, and [Spends] and
// [FitGammaGamma] the gamma–gamma model to their spend.
//
// Beam's default coders would drop the unexported fields of a
// decimal.Decimal, a clv.Accumulator or a btyd.Summarizer without a
// word: the package registers coders for clv.Purchase, clv.Summary,
// *clv.Accumulator and *btyd.Summarizer, which carry them whole.
package clvbeam
