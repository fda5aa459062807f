//go:build gccgo && !qcompat_injected && !qcompat_stack && !qcompat_nocalibrate

package goid

import (
	"sync"
	"sync/atomic"

	"github.com/qcompat/qcompat/fallback-go/internal/calib"
)

// Under gccgo the calibrated path has no table and no assembly: g comes from
// libgo's runtime.getg (package calib), the offset of goid from calib.Find
// (one offset, and only one, agreeing in goroutines of different ages and
// parents), and ID reads it from Go. Until that is proven, when it cannot be,
// and when the word read is 0 (no goroutine has ID 0), ID parses
// runtime.Stack.

// goidOffset is the proven offset of goid in g, 0 until (or unless) proven.
var goidOffset uintptr

// calibrated is 1 once calibration has run, whatever it found.
var calibrated uint32

var calibrateOnce sync.Once

// ID returns the current goroutine's ID: g.goid at the proven offset, when
// not 0, else runtime.Stack's.
func ID() uint64 {
	if off := calibratedOffset(); off != 0 {
		if v, ok := calib.Read(off); ok && v != 0 {
			return v
		}
	}
	return StackID()
}

// Injected reports false: gccgo has no injector.
func Injected() bool { return false }

// calibratedOffset calibrates once and returns the proven offset (0: none).
func calibratedOffset() uintptr {
	if atomic.LoadUint32(&calibrated) == 0 {
		calibrateOnce.Do(func() {
			if off, ok := calib.Find(); ok {
				atomic.StoreUintptr(&goidOffset, off)
			}
			atomic.StoreUint32(&calibrated, 1)
		})
	}
	return atomic.LoadUintptr(&goidOffset)
}

// calibrationBuilt is true: this build has the calibrated path.
const calibrationBuilt = true
