//go:build gc && (amd64 || 386 || arm64 || arm || riscv64 || ppc64 || ppc64le || s390x || loong64 || mips || mipsle || mips64 || mips64le)

package calib

import "unsafe"

// Supported reports whether this build reaches g: the gc compiler on an
// architecture for which getg_*.s reads it.
const Supported = true

// getg returns the current goroutine's g, as the runtime's own getg does:
// from thread-local storage on amd64 and 386, from the register the Go ABI
// reserves for it elsewhere. It runs on the calling goroutine's stack and
// cannot be preempted (NOSPLIT, no frame), so the g it returns is the caller's.
func getg() unsafe.Pointer
