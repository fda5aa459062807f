// Package goid returns the current goroutine's ID.
//
// Go does not expose the goroutine ID. Built through an injector such as
// `go build -toolexec="qcompat toolexec"` (or q's), the runtime gains a
// push-linknamed accessor, runtime.GoroutineID, that costs a few nanoseconds.
// Without it, the ID is parsed from runtime.Stack's header line, which uses
// only public API and costs microseconds.
//
// Three builds are possible:
//
//   - default: ID uses the injected accessor when the binary was built
//     through the injector and runtime.Stack otherwise. It always links.
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
	// ModeStack: parsing runtime.Stack output.
	ModeStack Mode = "stack"
)

// CurrentMode reports which path ID takes in this binary.
func CurrentMode() Mode {
	if Injected() {
		return ModeInjected
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
