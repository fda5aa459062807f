//go:build gccgo

package calib

import "unsafe"

// Supported is true under gccgo: libgo's runtime exports the current g as
// the C function runtime.getg, which //extern calls directly (tried on
// Debian's gccgo 12, amd64).
const Supported = true

// getg returns the current goroutine's g (libgo's runtime.getg).
//
//extern runtime.getg
func getg() unsafe.Pointer
