// Package shardfiles reads the CSV shards of the example programs: their
// header line, before the pipeline runs, and their purchases, in it.
package shardfiles

import (
	"bufio"
	"context"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/textio"
	clvbeam "github.com/clvkit/clv/beam"
)

// Purchases returns the purchases of the shards a glob matches, read by
// textio and parsed by [clvbeam.ParseLines] with the first shard's
// header line, skipping malformed lines if skipBad.
func Purchases(ctx context.Context, s beam.Scope, glob string, skipBad bool) (beam.PCollection, error) {
	head, err := Header(ctx, glob)
	if err != nil {
		return beam.PCollection{}, err
	}
	return clvbeam.ParseLines(s, head, skipBad, textio.Read(s, glob)), nil
}

// Header returns the first line of the first file a glob matches, on any
// file system Beam has registered.
func Header(ctx context.Context, glob string) (string, error) {
	fs, err := filesystem.New(ctx, glob)
	if err != nil {
		return "", err
	}
	defer fs.Close()
	files, err := fs.List(ctx, glob)
	if err != nil {
		return "", err
	}
	if len(files) == 0 {
		return "", fmt.Errorf("no file matches %s", glob)
	}
	f, err := fs.OpenRead(ctx, files[0])
	if err != nil {
		return "", err
	}
	defer f.Close()
	line, err := bufio.NewReaderSize(f, 1<<16).ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("%s: no header line: %v", files[0], err)
	}
	return line, nil
}
