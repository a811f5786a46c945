//go:build unix

package btyd_test

import (
	"syscall"
	"time"
)

// cpuTime returns the user and system CPU time of the process so far,
// for the benchmarks' cpu-s/op.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
