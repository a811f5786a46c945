//go:build race

package btyd_test

// raceDetector says that the tests run under the race detector, ten
// times slower: the conformance suite, which checks numbers rather than
// goroutines, then runs its smallest bases only.
const raceDetector = true
