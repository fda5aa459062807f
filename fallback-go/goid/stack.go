//go:build (qcompat_stack || (gccgo && qcompat_nocalibrate)) && !qcompat_injected

package goid

import (
	"runtime"

	"github.com/qcompat/qcompat/fallback-go/internal/stackid"
)

// ID returns the current goroutine's ID, parsed from runtime.Stack. This is
// the build with -tags qcompat_stack, and under gccgo with -tags
// qcompat_nocalibrate (gccgo's default build takes the calibrated path of
// calibrated_gccgo.go).
//
// It calls runtime.Stack itself rather than StackID: another frame would add
// about a microsecond to the traceback runtime.Stack formats.
func ID() uint64 {
	buf := stackBufs.Get().(*[64]byte)
	id, _ := stackid.Parse(buf[:runtime.Stack(buf[:], false)])
	stackBufs.Put(buf)
	return id
}

// Injected reports whether ID uses the injected accessor: never with this tag.
func Injected() bool { return false }

// calibratedOffset reports the proven offset of goid in g: never in this build.
func calibratedOffset() uintptr { return 0 }

// calibrationBuilt reports whether this build has the calibrated path.
const calibrationBuilt = false
