//go:build !qcompat_injected && !qcompat_stack && !gccgo

package goid

import (
	"runtime"
	"strings"
	"testing"
	_ "unsafe" // for go:linkname
)

var traceback string

// captureTraceback stands in for the stack parser, under a name tracebacks
// leave out as the parser's is.
//
//go:linkname captureTraceback runtime.qcompatGoidTestTraceback
//go:noinline
func captureTraceback() uint64 {
	buf := make([]byte, 8192)
	traceback = string(buf[:runtime.Stack(buf, false)])
	return 1
}

// TestFallbackPrintsOnlyCallers checks what the fallback's cost rests on:
// runtime.Stack, called below ID, prints neither ID, nor the calibrated path's
// jump to the slow path, nor the parser, so its first frame is ID's caller.
func TestFallbackPrintsOnlyCallers(t *testing.T) {
	saved := idFunc
	defer func() { idFunc = saved }()
	defer forceSlowPath()()
	idFunc = captureTraceback
	ID()
	lines := strings.Split(traceback, "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[1], "github.com/qcompat/qcompat/fallback-go/goid.TestFallbackPrintsOnlyCallers(") {
		t.Fatalf("the traceback below ID should start at its caller; got:\n%s", traceback)
	}
	if strings.Contains(traceback, "qcompatGoid") || strings.Contains(traceback, "goid.ID(") {
		t.Fatalf("the traceback prints ID or the parser:\n%s", traceback)
	}
}
