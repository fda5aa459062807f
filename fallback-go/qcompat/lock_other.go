//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly || windows)

package qcompat

import (
	"fmt"
	"os"
	"runtime"
)

// tryLock: no release archive exists for these systems, so nothing is
// installed on them.
func tryLock(f *os.File) (busy bool, err error) {
	return false, fmt.Errorf("no install lock on %s: build qcompat from source (%s) and set QCOMPAT", runtime.GOOS, cargoInstall)
}
