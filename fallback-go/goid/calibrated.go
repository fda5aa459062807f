//go:build !qcompat_injected && !qcompat_stack && !qcompat_nocalibrate && gc && (amd64 || 386 || arm64 || arm || riscv64 || ppc64 || ppc64le || s390x || loong64 || mips || mipsle || mips64 || mips64le)

package goid

import (
	"sync"
	"sync/atomic"

	"github.com/qcompat/qcompat/fallback-go/internal/calib"
	"github.com/qcompat/qcompat/fallback-go/internal/stackid"
)

// The calibrated path reads the ID straight from the runtime's g, at the
// offset of its goid field, once package calib's scan of g proved it in this
// binary: in calib.Samples goroutines of different ages, parents and g
// structs, one offset in the window, and only one, holds each goroutine's own
// runtime.Stack ID (and the injected accessor's, when there is one). The
// generated table (offsets_go1_*.go, what the matrix's probe found on each Go
// minor and GOARCH) is a hint only, never trusted on its own: a runtime
// patched to keep another ID-like field at the table's offset (one that
// matches the first goroutines' IDs) made ID wrong in thousands of goroutines
// while the table was trusted after a check in two goroutines (issue 34).
// Such a field makes the scan ambiguous, and ID keeps to runtime.Stack. On
// any doubt goidOffset stays 0 and ID keeps to the injected accessor or
// runtime.Stack.
//
// Why the reads stay inside g: ID reads 8 bytes at goidOffset, which is only
// ever set to an offset below calib.Window; the window is smaller than
// runtime.g on every Go release from 1.19 to 1.27 on every architecture here,
// so even a layout not seen yet is read inside g (see package calib).
//
// A 0 read is never returned: no goroutine has ID 0, so the offset is wrong
// for this g (say the g of a C thread's callback, which the runtime makes
// apart from other goroutines), and ID takes the slow path.
//
// Calibration happens once, at the first call of ID or CurrentMode, and costs
// a few goroutines and runtime.Stack calls (see the qcompat book's benchmarks page).

// goidOffset is the proven offset of goid in g; 0 until calibration proved it
// (and for good when it could not). ID reads it.
var goidOffset uintptr

// tableOffset is the generated table's offset for this Go minor and GOARCH,
// 0 when the table has none: a hint, which a test compares with the proof.
var tableOffset uintptr

// calibrated is 1 once calibration has run, whatever its result.
var calibrated uint32

var calibrateOnce sync.Once

// ID returns the current goroutine's ID. It is written in assembly
// (fastid_*.s): it reads g.goid directly once calibration proved the offset,
// and otherwise, or when that read gives 0, tail-jumps to slowID, which
// returns to ID's caller. So ID leaves no frame of its own in the traceback
// that the runtime.Stack fallback formats.
func ID() uint64

// slowID is where ID jumps while goidOffset is 0 or the word read is 0: the
// first call calibrates, later ones (calibration failed) call the injected
// accessor or parse runtime.Stack itself, so that the traceback
// runtime.Stack formats holds one frame of goid's, this one, above ID's
// caller.
//
//go:noinline
func slowID() uint64 {
	if atomic.LoadUint32(&calibrated) == 0 {
		calibrate()
		if v, ok := calib.Read(atomic.LoadUintptr(&goidOffset)); ok && v != 0 {
			return v
		}
	}
	if f := injectedFunc; f != nil {
		return f()
	}
	buf := stackBufs.Get().(*[64]byte)
	id, _ := stackid.Parse(buf[:stackTrace(buf[:], false)])
	stackBufs.Put(buf)
	return id
}

func calibrate() {
	calibrateOnce.Do(func() {
		if off, ok := proveOffset(); ok {
			atomic.StoreUintptr(&goidOffset, off)
		}
		atomic.StoreUint32(&calibrated, 1)
	})
}

// proveOffset returns the offset of goid in g that calib.Find proves, equal
// to the injected accessor's ID when the binary has one. The table's offset
// does not take part: whatever it says, the proof decides.
func proveOffset() (uintptr, bool) {
	off, ok := calib.Find()
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
