package btyd_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadmeCustomerValue holds the README's "What each customer is
// worth" snippet to the program ExampleValues_readme runs, line for line,
// so that the README's code compiles, checks every error and prints what
// the example's output says.
func TestReadmeCustomerValue(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	_, rest, ok := strings.Cut(string(readme), "## What each customer is worth")
	require.True(t, ok, "README.md has no section \"What each customer is worth\"")
	_, rest, _ = strings.Cut(rest, "```go\n")
	snippet, _, _ := strings.Cut(rest, "```")

	example, err := os.ReadFile("example_test.go")
	require.NoError(t, err)
	_, rest, ok = strings.Cut(string(example), "// README begin\n")
	require.True(t, ok)
	program, _, _ := strings.Cut(rest, "// README end")

	lines := func(s string) []string {
		var out []string
		for _, l := range strings.Split(s, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, l)
			}
		}
		return out
	}
	assert.Equal(t, lines(program), lines(snippet))
}
