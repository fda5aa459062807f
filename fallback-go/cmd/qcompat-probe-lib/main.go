// Command qcompat-probe-lib is the probe as a C library, for the c-shared and
// c-archive build kinds: a C host (host/host.c) calls QcompatProbeTake from
// its main thread and from 8 threads of its own, then QcompatProbeReport,
// which prints the probe's line to standard error. Each call of Take runs in
// the goroutine cgo gives the calling C thread and compares the injected
// runtime.GoroutineID with runtime.Stack's ID there.
//
// Built without the injector, the c-shared link fails in the external linker
// ("final link failed: bad value"), the c-archive leaves
// "undefined reference to `runtime.GoroutineID'" to the C link, and a library
// that links anyway fails when dlopen() resolves it ("undefined symbol").
package main

import "C"

import (
	"sync"

	"github.com/qcompat/qcompat/fallback-go/internal/probecheck"
)

var (
	mu      sync.Mutex
	samples []probecheck.Sample
)

// init finds goid's offset in g when the library is loaded, before any C
// thread calls in.
func init() { probecheck.Calibrate() }

// QcompatProbeTake takes one sample in the calling C thread's goroutine.
//
//export QcompatProbeTake
func QcompatProbeTake() {
	s := probecheck.Take()
	mu.Lock()
	samples = append(samples, s)
	mu.Unlock()
}

// QcompatProbeReport prints the line over every sample taken so far and
// returns 0 when it is ok, 1 when it is not. IDs may repeat across C threads:
// an exited thread's goroutine can serve the next one.
//
//export QcompatProbeReport
func QcompatProbeReport() C.int {
	mu.Lock()
	line, ok := probecheck.Line(samples, false)
	mu.Unlock()
	println(line)
	if !ok {
		return 1
	}
	return 0
}

// main is required by -buildmode=c-shared and c-archive and never runs.
func main() {}
