//go:build !qcompat_injected && !qcompat_stack && !gccgo

package goid

import (
	"runtime"
	_ "unsafe" // for go:linkname

	"github.com/qcompat/qcompat/fallback-go/internal/stackid"
)

// injectedFunc is runtime.qcompatGoroutineIDFunc when the injector added it to
// runtime: its initialised definition there wins at link time. Otherwise this
// zero definition stays, the link still succeeds, and the value is nil. Two
// copies of goid in one binary (a fork, a /v2) declare it both: the linker
// keeps one definition, a variable's with no value never clashes, and every
// copy sees the same value.
//
//go:linkname injectedFunc runtime.qcompatGoroutineIDFunc
var injectedFunc func() uint64

// idFunc is what ID calls in builds without the direct read (id_plain.go):
// the injected accessor when there is one, else the runtime.Stack parser.
// Choosing once, at package initialisation, keeps that path a single indirect
// call.
var idFunc = pick()

func pick() func() uint64 {
	if injectedFunc != nil {
		return injectedFunc
	}
	return stackID
}

// stackTrace is runtime.Stack; tests replace it to see the traceback the
// fallback formats.
var stackTrace = runtime.Stack

// stackID is the fallback: the ID runtime.Stack prints. Its cost is
// runtime.Stack formatting every frame of the caller's stack, about half a
// microsecond each, this one included. The runtime leaves out of tracebacks
// the frames of unexported functions named "runtime.*", and package goid
// used such names once (for ID and this parser) to print only ID's callers;
// but a name is one symbol for the whole binary, and two copies of goid (a
// fork under another import path, a /v2) then failed to link with
// "duplicated definition of symbol". Every name here is goid's own, so two
// copies link; the frames between the caller and runtime.Stack are kept to
// one or two (see ID).
//
//go:noinline
func stackID() uint64 {
	buf := stackBufs.Get().(*[64]byte)
	id, _ := stackid.Parse(buf[:stackTrace(buf[:], false)])
	stackBufs.Put(buf)
	return id
}

// Injected reports whether the binary was built through the injector.
func Injected() bool { return injectedFunc != nil }
