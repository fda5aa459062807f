//go:build !qcompat_injected && !qcompat_stack && !qcompat_nocalibrate && gc && (amd64 || 386 || arm64 || arm || riscv64 || ppc64 || ppc64le || s390x || loong64 || mips || mipsle || mips64 || mips64le)

package goid

import (
	"sync"
	"sync/atomic"
	_ "unsafe" // for go:linkname

	"github.com/qcompat/qcompat/fallback-go/internal/calib"
)

// The calibrated path reads the ID straight from the runtime's g, at the
// offset of its goid field. That offset is taken from the table generated
// from the matrix's evidence (offsets_go1_*.go: proven by the probe on that Go
// minor and GOARCH) or, for a release or GOARCH the table lacks, found by
// package calib's scan of g; either way it is checked against runtime.Stack in
// new goroutines (two for a table entry, one after the scan's four; and against the injected accessor when
// there is one) before ID uses it. On any doubt goidOffset stays 0 and ID
// keeps to idFunc: it never returns an ID runtime.Stack would not.
//
// Why the reads stay inside g: fastID reads 8 bytes at goidOffset, which is
// only ever set to an offset below calib.Window; the window is smaller than
// runtime.g on every Go release from 1.19 to 1.27 on every architecture here,
// so even a layout not seen yet is read inside g (see package calib).
//
// Calibration happens once, at the first call of ID or CurrentMode, and costs
// a few goroutines and runtime.Stack calls (12 us with a table entry, 28 us
// with the scan, amd64; see the qcompat book's benchmarks page).

// goidOffset is the proven offset of goid in g; 0 until calibration proved it
// (and for good when it could not). fastID reads it.
var goidOffset uintptr

// tableOffset is the generated table's offset for this Go minor and GOARCH,
// 0 when the table has none.
var tableOffset uintptr

// calibrated is 1 once calibration has run, whatever its result.
var calibrated uint32

var calibrateOnce sync.Once

// fastID is g.goid at goidOffset, or, while goidOffset is 0, slowID's result
// (a tail jump, in assembly: fastid_*.s).
func fastID() uint64

// ID returns the current goroutine's ID: one inlinable call to fastID, which
// reads g.goid directly once calibration proved the offset, and otherwise
// jumps to the injected accessor or the runtime.Stack parser.
//
//go:linkname ID runtime.qcompatGoidID
func ID() uint64 { return fastID() }

// slowID is where fastID jumps while goidOffset is 0: the first call
// calibrates, later ones (calibration failed) use idFunc. Its symbol name
// keeps it out of tracebacks, like the stack parser's (see auto.go).
//
//go:linkname slowID runtime.qcompatGoidSlowID
//go:noinline
func slowID() uint64 {
	if atomic.LoadUint32(&calibrated) == 0 {
		calibrate()
		if atomic.LoadUintptr(&goidOffset) != 0 {
			return fastID()
		}
	}
	return idFunc()
}

func calibrate() {
	calibrateOnce.Do(func() {
		if off, ok := proveOffset(); ok {
			atomic.StoreUintptr(&goidOffset, off)
		}
		atomic.StoreUint32(&calibrated, 1)
	})
}

// proveOffset returns the offset of goid in g: the table's, checked against
// runtime.Stack, else the scan's (checked by calib.Find), and in both cases
// equal to the injected accessor's ID when the binary has one.
func proveOffset() (uintptr, bool) {
	off, ok := tableOffset, false
	if off != 0 {
		ok = calib.Check(off, 2)
	} else {
		off, ok = calib.Find()
	}
	if ok && injectedFunc != nil {
		v, _ := calib.Read(off)
		ok = v == injectedFunc()
	}
	return off, ok
}

// calibratedOffset calibrates if that has not happened yet, and returns the
// proven offset of goid in g, or 0.
func calibratedOffset() uintptr {
	calibrate()
	return atomic.LoadUintptr(&goidOffset)
}

// calibrationBuilt reports whether this build has the calibrated path.
const calibrationBuilt = true
