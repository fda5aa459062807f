//go:build !qcompat_injected && !qcompat_stack && !gccgo

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

// idFunc is what ID calls when g cannot be read directly (see calibrated.go):
// the injected accessor when there is one, else the runtime.Stack parser.
// Choosing once, at package initialisation, keeps that path a single indirect
// call.
var idFunc = pick()

func pick() func() uint64 {
	if injectedFunc != nil {
		return injectedFunc
	}
	return hiddenStackID
}

// The fallback's cost is runtime.Stack formatting every printed frame of the
// caller's stack, about half a microsecond each; an inlined function is printed
// as a frame of its own. Tracebacks leave out unexported functions whose symbol
// starts with "runtime.", so ID and its stack parser take such names: the
// parser's traceback then prints only ID's callers. Nothing in runtime refers
// to either name, and Go 1.23+'s linker checks concern references to symbols
// the standard library defines, not symbols defined here. Profiles show ID as
// runtime.qcompatGoidID.

// hiddenStackID is StackID under a name tracebacks leave out.
//
//go:linkname hiddenStackID runtime.qcompatGoidStackID
//go:noinline
func hiddenStackID() uint64 {
	buf := stackBufs.Get().(*[64]byte)
	id, _ := stackid.Parse(buf[:runtime.Stack(buf[:], false)])
	stackBufs.Put(buf)
	return id
}

// Injected reports whether the binary was built through the injector.
func Injected() bool { return injectedFunc != nil }
