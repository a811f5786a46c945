// Package shardfiles reads what the example programs need of a set of CSV
// shards before their pipeline runs.
package shardfiles

import (
	"bufio"
	"context"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
)

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
