//go:build !qcompat_injected && !qcompat_stack && !gccgo && (qcompat_nocalibrate || !(amd64 || 386 || arm64 || arm || riscv64 || ppc64 || ppc64le || s390x || loong64 || mips || mipsle || mips64 || mips64le))

package goid

// forceSlowPath: ID always takes idFunc in this build.
func forceSlowPath() func() { return func() {} }
