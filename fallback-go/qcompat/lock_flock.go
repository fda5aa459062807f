//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package qcompat

import (
	"errors"
	"os"
	"syscall"
)

// tryLock takes an exclusive lock on f without waiting; busy is true when
// another process holds it. The system drops the lock when the process
// ends, so a killed install leaves no stale lock.
func tryLock(f *os.File) (busy bool, err error) {
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return true, nil
	}
	return false, err
}
