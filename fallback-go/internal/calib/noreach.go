//go:build !gccgo && (!gc || !(amd64 || 386 || arm64 || arm || riscv64 || ppc64 || ppc64le || s390x || loong64 || mips || mipsle || mips64 || mips64le))

package calib

import "unsafe"

// Supported reports whether this build reaches g: not under gccgo (its g has
// another layout and no Go assembly), nor on architectures without getg_*.s
// (wasm among them), where callers use runtime.Stack.
const Supported = false

func getg() unsafe.Pointer { return nil }
