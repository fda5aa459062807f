//go:build !qcompat_injected && !qcompat_stack

package goid

import (
	"runtime"
	_ "unsafe" // for go:linkname

	"github.com/qcompat/qcompat/fallback-go/internal/stackid"
)

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
	// Not StackID(): another frame would add about a microsecond to the
	// traceback runtime.Stack formats.
	buf := stackBufs.Get().(*[64]byte)
	id, _ := stackid.Parse(buf[:runtime.Stack(buf[:], false)])
	stackBufs.Put(buf)
	return id
}

// Injected reports whether the binary was built through the injector.
func Injected() bool { return injectedFunc != nil }
