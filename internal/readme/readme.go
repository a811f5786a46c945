// Package readme holds the README's Go snippets to the examples that run
// them: each snippet must be, line for line, the code an example marks
// between "// README begin" and "// README end".
package readme

import (
	"fmt"
	"os"
	"strings"
)

// Snippet returns the lines of the first Go code block after the heading
// section of the README at readmePath, and those of the code between the
// markers in the example file at examplePath, each trimmed, blank lines
// left out, so that a test compares them. It returns an error if a file
// cannot be read or lacks the heading or the markers.
func Snippet(readmePath, section, examplePath string) (snippet, program []string, err error) {
	readme, err := os.ReadFile(readmePath)
	if err != nil {
		return nil, nil, err
	}
	_, rest, ok := strings.Cut(string(readme), section)
	if !ok {
		return nil, nil, fmt.Errorf("%s has no section %q", readmePath, section)
	}
	_, rest, _ = strings.Cut(rest, "```go\n")
	code, _, _ := strings.Cut(rest, "```")

	example, err := os.ReadFile(examplePath)
	if err != nil {
		return nil, nil, err
	}
	_, rest, ok = strings.Cut(string(example), "// README begin\n")
	if !ok {
		return nil, nil, fmt.Errorf("%s has no \"// README begin\"", examplePath)
	}
	marked, _, ok := strings.Cut(rest, "// README end")
	if !ok {
		return nil, nil, fmt.Errorf("%s has no \"// README end\"", examplePath)
	}
	return lines(code), lines(marked), nil
}

// lines returns the lines of s, trimmed, without the blank ones.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
