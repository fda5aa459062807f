//go:build !qcompat_injected && !qcompat_stack && !gccgo && (qcompat_nocalibrate || !(amd64 || 386 || arm64 || arm || riscv64 || ppc64 || ppc64le || s390x || loong64 || mips || mipsle || mips64 || mips64le))

package goid

// ID returns the current goroutine's ID. In this build (tag
// qcompat_nocalibrate, or an architecture package calib cannot read g on) it
// is one indirect call, which the compiler inlines into its callers: the
// injected accessor, else the runtime.Stack parser (whose traceback then
// holds two frames of goid's: ID, inlined, and the parser).
func ID() uint64 { return idFunc() }

// calibratedOffset reports the proven offset of goid in g: never here.
func calibratedOffset() uintptr { return 0 }

// calibrationBuilt reports whether this build has the calibrated path.
const calibrationBuilt = false
