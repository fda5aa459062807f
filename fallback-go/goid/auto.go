//go:build !qcompat_injected && !qcompat_stack && !gccgo

package goid

import (
	_ "unsafe" // for go:linkname
)

// injectedFunc is runtime.qcompatGoroutineIDFunc when the injector added it to
// runtime: its initialised definition there wins at link time. Otherwise this
// zero definition stays, the link still succeeds, and the value is nil.
//
//go:linkname injectedFunc runtime.qcompatGoroutineIDFunc
var injectedFunc func() uint64

// idFunc is what ID calls: the injected accessor when there is one, else the
// runtime.Stack parser. Choosing once, at package initialisation, keeps ID a
// single indirect call that the compiler inlines into its callers, so ID adds
// no frame of its own: neither to the injected path (a few nanoseconds) nor to
// the traceback that runtime.Stack formats on the fallback path (about a
// microsecond per frame).
var idFunc = pick()

func pick() func() uint64 {
	if injectedFunc != nil {
		return injectedFunc
	}
	return StackID
}

// ID returns the current goroutine's ID.
func ID() uint64 { return idFunc() }

// Injected reports whether the binary was built through the injector.
func Injected() bool { return injectedFunc != nil }
