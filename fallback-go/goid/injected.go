//go:build qcompat_injected

package goid

import _ "unsafe" // for go:linkname

// runtimeGoroutineID is the accessor the injector adds to runtime.
//
//go:linkname runtimeGoroutineID runtime.GoroutineID
func runtimeGoroutineID() uint64

// ID returns the current goroutine's ID.
func ID() uint64 { return runtimeGoroutineID() }

// Injected reports whether the binary was built through the injector: always
// true with this tag, since the link fails otherwise.
func Injected() bool { return true }

// calibratedOffset reports the proven offset of goid in g: never in this build.
func calibratedOffset() uintptr { return 0 }

// calibrationBuilt reports whether this build has the calibrated path.
const calibrationBuilt = false
