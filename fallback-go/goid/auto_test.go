//go:build !qcompat_injected && !qcompat_stack && !gccgo

package goid

import (
	"runtime"
	"strings"
	"testing"
)

// TestFallbackFrames checks what the fallback's cost rests on: the traceback
// runtime.Stack formats below ID holds one frame of goid's in the calibrated
// build (slowID: ID itself tail-jumps and leaves none) and two in the others
// (ID, inlined, and the parser), then ID's caller.
func TestFallbackFrames(t *testing.T) {
	savedTrace, savedFunc, savedInjected := stackTrace, idFunc, injectedFunc
	defer func() { stackTrace, idFunc, injectedFunc = savedTrace, savedFunc, savedInjected }()
	defer forceSlowPath()()
	var traceback string
	stackTrace = func(buf []byte, all bool) int {
		big := make([]byte, 8192)
		traceback = string(big[:runtime.Stack(big, all)])
		return copy(buf, traceback)
	}
	injectedFunc, idFunc = nil, stackID
	if got, want := ID(), runtimeStackID(t); got != want {
		t.Fatalf("ID() = %d on the fallback, runtime.Stack says %d", got, want)
	}
	// The lines after the header alternate function and file; the first
	// function is the stand-in for runtime.Stack above.
	var frames []string
	for _, line := range strings.Split(traceback, "\n")[3:] {
		if line == "" || strings.HasPrefix(line, "\t") {
			continue
		}
		name := line[:strings.LastIndexByte(line, '(')]
		if strings.Contains(name, ".TestFallbackFrames") {
			break
		}
		frames = append(frames, name[strings.LastIndexByte(name, '/')+1:])
	}
	want := "goid.slowID"
	if !calibrationBuilt {
		want = "goid.stackID goid.ID"
	}
	if got := strings.Join(frames, " "); got != want {
		t.Fatalf("goid's frames below ID's caller: %q, want %q; traceback:\n%s", got, want, traceback)
	}
}
