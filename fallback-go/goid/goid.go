// Package goid returns the current goroutine's ID: the number runtime.Stack
// prints in its "goroutine 17 [running]:" header.
//
// Go does not expose the goroutine ID. ID gets it by one of three paths,
// named by CurrentMode:
//
//   - "injected": built through an injector such as q or
//     `go build -toolexec="qcompat toolexec"`, the runtime gains a
//     push-linknamed accessor, runtime.GoroutineID, that costs a few
//     nanoseconds.
//   - "calibrated": with no injector, the default build reads the ID straight
//     from the runtime's g (the per-goroutine struct) at the offset of its
//     goid field, once that offset has been proven in this binary before
//     first use: a scan of g in several goroutines of different ages and
//     parents must find one offset, and only one, that holds each one's
//     runtime.Stack ID. The table the qcompat matrix generated (one offset
//     per Go minor and GOARCH it executed) is a hint only. It costs a few
//     nanoseconds too.
//   - "stack": the ID is parsed from runtime.Stack's header line, which uses
//     only public API and costs microseconds.
//
// Any doubt about the fast paths, and ID keeps to runtime.Stack: it never
// returns an ID other than the one runtime.Stack prints, and never 0.
//
// Four builds are possible:
//
//   - default: ID picks the fastest path proven in this binary: g.goid read
//     directly at the proven offset (mode "calibrated"; with the injector the
//     offset must also agree with the injected accessor, and the mode is
//     "injected"), else the injected accessor, else runtime.Stack. It always
//     links, also beside another copy of goid (a fork under another import
//     path, a /v2), and ID is one direct call.
//   - tag qcompat_nocalibrate: as the default, without the direct read: the
//     injected accessor when present, else runtime.Stack.
//   - tag qcompat_injected: ID calls runtime.GoroutineID directly (fastest).
//     Without the injector the link fails with
//     "relocation target runtime.GoroutineID not defined".
//   - tag qcompat_stack: ID always parses runtime.Stack.
package goid

import (
	"runtime"
	"sync"

	"github.com/qcompat/qcompat/fallback-go/internal/stackid"
)

// Mode names how this binary finds goroutine IDs.
type Mode string

const (
	// ModeInjected: the runtime accessor added by the injector.
	ModeInjected Mode = "injected"
	// ModeCalibrated: g.goid read directly, at an offset proven in this
	// binary (no injector).
	ModeCalibrated Mode = "calibrated"
	// ModeStack: parsing runtime.Stack output.
	ModeStack Mode = "stack"
)

// CurrentMode reports which path ID takes in this binary. In the default
// build its first call (or ID's) calibrates the direct read.
func CurrentMode() Mode {
	off := calibratedOffset()
	switch {
	case Injected():
		return ModeInjected
	case off != 0:
		return ModeCalibrated
	}
	return ModeStack
}

// stackBufs holds 64-byte buffers: enough for the header line
// "goroutine 18446744073709551615 [running]:" and no allocation per call.
var stackBufs = sync.Pool{New: func() any { return new([64]byte) }}

// StackID returns the current goroutine's ID as runtime.Stack reports it.
// It works in every build and allocates nothing; it returns 0 only if the
// runtime's output format ever changes.
//
// runtime.Stack formats the whole traceback of the calling goroutine, about a
// microsecond per frame, so StackID calls it directly: one frame of its own.
func StackID() uint64 {
	buf := stackBufs.Get().(*[64]byte)
	id, _ := stackid.Parse(buf[:runtime.Stack(buf[:], false)])
	stackBufs.Put(buf)
	return id
}

// FromStack parses the ID from runtime.Stack output such as
// "goroutine 17 [running]:". It reports false for anything else, including
// IDs that overflow a uint64, and never panics.
func FromStack(b []byte) (id uint64, ok bool) {
	return stackid.Parse(b)
}
