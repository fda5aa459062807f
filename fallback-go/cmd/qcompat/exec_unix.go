//go:build unix

package main

import (
	"fmt"
	"os"
	"syscall"
)

// run replaces this process with qcompat: same process, so signals, the
// standard streams and the exit status are qcompat's own.
func run(path string, args []string) int {
	err := syscall.Exec(path, args, os.Environ())
	fmt.Fprintf(os.Stderr, "qcompat (go): cannot run %s: %v\n", path, err)
	return 2
}
