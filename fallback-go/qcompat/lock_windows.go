//go:build windows

package qcompat

import (
	"os"
	"syscall"
	"unsafe"
)

var lockFileEx = syscall.NewLazyDLL("kernel32.dll").NewProc("LockFileEx")

const (
	lockfileFailImmediately = 0x1
	lockfileExclusiveLock   = 0x2
	errorLockViolation      = syscall.Errno(33)
)

// tryLock takes an exclusive lock on f without waiting; busy is true when
// another process holds it. Windows drops the lock when the process ends.
func tryLock(f *os.File) (busy bool, err error) {
	var ol syscall.Overlapped
	r, _, e := lockFileEx.Call(f.Fd(), lockfileExclusiveLock|lockfileFailImmediately, 0, 1, 0, uintptr(unsafe.Pointer(&ol)))
	if r != 0 {
		return false, nil
	}
	if e == errorLockViolation {
		return true, nil
	}
	return false, e
}
