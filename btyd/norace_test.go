//go:build !race

package btyd_test

// raceDetector says that the tests run under the race detector; see
// race_test.go.
const raceDetector = false
