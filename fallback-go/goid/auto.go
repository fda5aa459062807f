//go:build !qcompat_injected && !qcompat_stack

package goid

import _ "unsafe" // for go:linkname

// injectedFunc is runtime.qcompatGoroutineIDFunc when the injector added it to
// runtime: its initialised definition there wins at link time. Otherwise this
// zero definition stays, the link still succeeds, and the value is nil.
//
//go:linkname injectedFunc runtime.qcompatGoroutineIDFunc
var injectedFunc func() uint64

// ID returns the current goroutine's ID.
func ID() uint64 {
	if f := injectedFunc; f != nil {
		return f()
	}
	return StackID()
}

// Injected reports whether the binary was built through the injector.
func Injected() bool { return injectedFunc != nil }
