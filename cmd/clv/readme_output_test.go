package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readmeOutputs returns each text block of a README that follows a shell
// block of one clv command at once, with that command's arguments: what
// the README says the command prints.
func readmeOutputs(t *testing.T, readme string) (args [][]string, outputs []string) {
	t.Helper()
	blocks := strings.Split(readme, "```")
	for i := 3; i < len(blocks); i += 2 {
		text, ok := strings.CutPrefix(blocks[i], "text\n")
		if !ok || strings.TrimSpace(blocks[i-1]) != "" {
			continue
		}
		commands := readmeCommands(t, "```"+blocks[i-2]+"```")
		require.Len(t, commands, 1, "the shell block before the text block %q", text)
		args, outputs = append(args, commands[0]), append(outputs, text)
	}
	return args, outputs
}

// What the README shows a command print, it prints, line for line: a
// line "…" leaves out what the command prints there, and the parts
// around it come in their order.
func TestReadmeOutputs(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	commands, outputs := readmeOutputs(t, string(readme))
	require.NotEmpty(t, commands)
	t.Chdir(filepath.Join("..", ".."))
	for i, args := range commands {
		code, stdout, stderr := runArgs(args...)
		require.Equal(t, 0, code, "%q: %s", args, stderr)
		rest := stdout
		for _, part := range strings.Split(outputs[i], "…\n") {
			k := strings.Index(rest, part)
			if !assert.GreaterOrEqual(t, k, 0, "%q prints no\n%s", args, part) {
				break
			}
			rest = rest[k+len(part):]
		}
	}
}

// The extraction pairs a text block with the command just before it, and
// nothing else.
func TestReadmeOutputsExtraction(t *testing.T) {
	readme := "```sh\ngo run ./cmd/clv -a\n```\n\n```text\nA\n```\n\n" +
		"```sh\ngo run ./cmd/clv -b\n```\nprose\n```text\nB\n```\n"
	args, outputs := readmeOutputs(t, readme)
	assert.Equal(t, [][]string{{"-a"}}, args)
	assert.Equal(t, []string{"A\n"}, outputs)
}
