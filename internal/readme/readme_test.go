package readme

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSnippet(t *testing.T) {
	dir := t.TempDir()
	md, ex := filepath.Join(dir, "README.md"), filepath.Join(dir, "example_test.go")
	require.NoError(t, os.WriteFile(md, []byte("# x\n\n## Use\n\n```sh\nno\n```\n\n```go\na := 1\n\n  b(a)\n```\n"), 0o600))
	require.NoError(t, os.WriteFile(ex, []byte("func Example() {\n\t// README begin\n\ta := 1\n\tb(a)\n\t// README end\n}\n"), 0o600))
	snippet, program, err := Snippet(md, "## Use", ex)
	require.NoError(t, err)
	assert.Equal(t, []string{"a := 1", "b(a)"}, snippet)
	assert.Equal(t, snippet, program)

	_, _, err = Snippet(md, "## Other", ex)
	assert.ErrorContains(t, err, `no section "## Other"`)
	require.NoError(t, os.WriteFile(ex, []byte("// README begin\na\n"), 0o600))
	_, _, err = Snippet(md, "## Use", ex)
	assert.ErrorContains(t, err, "no \"// README end\"")
	_, _, err = Snippet(filepath.Join(dir, "none.md"), "## Use", ex)
	assert.Error(t, err)
}
