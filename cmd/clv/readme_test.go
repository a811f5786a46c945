package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readmeCommands returns the arguments of every command of clv in a
// README: the lines of its code blocks that run go run ./cmd/clv, or clv
// as installed, joined where they end in a backslash and cut at a
// comment, and its inline code that runs go run ./cmd/clv (inline, a
// plain clv names a command in prose, not a line to run). A command with
// a quote, which Fields would not split as a shell does, is an error.
func readmeCommands(t *testing.T, readme string) [][]string {
	t.Helper()
	const prefix = "go run ./cmd/clv"
	var commands []string
	blocks := strings.Split(readme, "```")
	for i, block := range blocks {
		if i%2 == 0 { // prose: its inline code
			for _, m := range regexp.MustCompile("`(go run ./cmd/clv[^`]*)`").FindAllStringSubmatch(block, -1) {
				commands = append(commands, m[1])
			}
			continue
		}
		var line string
		for _, l := range strings.Split(block, "\n") {
			l = strings.TrimSpace(l)
			if cont, ok := strings.CutSuffix(l, "\\"); ok {
				line += cont + " "
				continue
			}
			line += l
			command, _, _ := strings.Cut(line, "#")
			if installed, ok := strings.CutPrefix(command, "clv "); ok {
				command = prefix + " " + installed
			}
			if strings.HasPrefix(command, prefix) {
				commands = append(commands, command)
			}
			line = ""
		}
	}
	var args [][]string
	for _, c := range commands {
		require.NotContains(t, c, `"`, c)
		require.NotContains(t, c, `'`, c)
		args = append(args, strings.Fields(strings.TrimPrefix(c, prefix)))
	}
	return args
}

// Every go run ./cmd/clv command in the README runs as written, from the
// repository's root, in this process: it exits 0, and whatever it says on
// standard error is a warning. Its -out, -plot, -report and -save-model
// files go to a temporary directory, where -model-file reads them.
func TestReadmeCommands(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	commands := readmeCommands(t, string(readme))
	require.GreaterOrEqual(t, len(commands), 5, "the README's commands: %q", commands)
	t.Logf("the README's commands: %q", commands)
	dir := t.TempDir()
	t.Chdir(filepath.Join("..", ".."))
	reports := 0
	for _, args := range commands {
		var files []string
		for i := 1; i < len(args); i++ {
			if args[i-1] == "-model-file" {
				// Written by -save-model in a command before it.
				args[i] = filepath.Join(dir, filepath.Base(args[i]))
			}
			if args[i-1] == "-out" || args[i-1] == "-plot" || args[i-1] == "-report" || args[i-1] == "-save-model" {
				args[i] = filepath.Join(dir, filepath.Base(args[i]))
				files = append(files, args[i])
				if args[i-1] == "-report" {
					reports++
				}
			}
		}
		code, stdout, stderr := runArgs(args...)
		require.Equal(t, 0, code, "go run ./cmd/clv %s: %s", strings.Join(args, " "), stderr)
		for _, f := range files {
			info, err := os.Stat(f)
			if assert.NoError(t, err, args) {
				assert.Positive(t, info.Size(), f)
			}
		}
		assert.NotEmpty(t, stdout, args)
		for _, line := range strings.Split(strings.TrimSuffix(stderr, "\n"), "\n") {
			if line != "" {
				assert.Regexp(t, `^clv( customers)?: warning: `, line, args)
			}
		}
	}
	assert.GreaterOrEqual(t, reports, 2, "the README runs -report for both commands")
}

// The extraction finds commands in code blocks, continued or not, with
// comments, and inline; and nothing else.
func TestReadmeCommandsExtraction(t *testing.T) {
	readme := "Run `go run ./cmd/clv -h`, or `go test ./...`.\n\n```sh\n" +
		"go run ./cmd/clv    # a comment\n" +
		"go test ./...\n" +
		"go run ./cmd/clv customers -input a.csv \\\n    -model bgbb\n" +
		"clv -input b.csv\n" +
		"```\n\nSee `clv customers -h`.\n"
	assert.Equal(t, [][]string{{"-h"}, {}, {"customers", "-input", "a.csv", "-model", "bgbb"}, {"-input", "b.csv"}}, readmeCommands(t, readme))
}
