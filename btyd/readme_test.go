package btyd_test

import (
	"testing"

	"github.com/clvkit/clv/internal/readme"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadmeCustomerValue holds the README's "What each customer is
// worth" snippet to the program ExampleValues_readme runs, line for line,
// so that the README's code compiles, checks every error and prints what
// the example's output says.
func TestReadmeCustomerValue(t *testing.T) {
	snippet, program, err := readme.Snippet("../README.md", "## What each customer is worth", "example_test.go")
	require.NoError(t, err)
	assert.Equal(t, program, snippet)
}
