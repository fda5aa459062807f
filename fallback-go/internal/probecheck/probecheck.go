// Package probecheck is the check the qcompat probe programs share: it
// samples, in the calling goroutine, the injected runtime.GoroutineID next to
// runtime.Stack's ID and goid's calibrated read, and makes the probe's verdict
// line from the samples:
//
//	qcompat-probe ok=true checked=9 goos=linux goarch=amd64 go=go1.26.8 default=injected calibrated=pass offset=152
//
// Built normally it pulls runtime.GoroutineID with go:linkname, so every
// program importing it must be built through the injector; with
// -tags=qcompat_plain the injected ID is runtime.Stack's and the line adds
// build=plain. Like calib and stackid it imports only the runtime, so that
// building the probe for every GOOS/GOARCH stays cheap.
package probecheck

import (
	"runtime"

	"github.com/qcompat/qcompat/fallback-go/internal/calib"
	"github.com/qcompat/qcompat/fallback-go/internal/stackid"
)

// Workers is how many goroutines Collect samples besides its caller.
const Workers = 8

// Sample is what one goroutine (or C thread) saw in one call.
type Sample struct {
	// Injected is the injected runtime.GoroutineID's answer, Stack
	// runtime.Stack's, and Direct the calibrated read at the offset
	// Calibrate found (Read is false when there was none to make).
	Injected, Stack, Direct uint64
	Read                    bool
}

// offset is where calib.Find put goid in g, 0 if it found none.
var offset uintptr

// Calibrate looks for goid's offset in g once, before samples are taken;
// without it every calibrated read fails.
func Calibrate() { offset, _ = calib.Find() }

// Take samples the calling goroutine: all three IDs are read in it, in this
// call.
func Take() Sample {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	id, _ := stackid.Parse(buf[:n])
	direct, read := calib.Read(offset)
	return Sample{goroutineID(), id, direct, read}
}

// Collect calls take in the calling goroutine and in Workers new ones, and
// returns the caller's sample first.
func Collect(take func() Sample) []Sample {
	results := make(chan Sample, Workers)
	for i := 0; i < Workers; i++ {
		go func() { results <- take() }()
	}
	all := []Sample{take()}
	for i := 0; i < Workers; i++ {
		all = append(all, <-results)
	}
	return all
}

// Line is the verdict over samples and whether it is ok: every injected ID
// nonzero and equal to runtime.Stack's, and, when unique is set, no two
// alike. Library hosts clear unique: a C thread that exits gives its M back,
// so the next thread may run in the same goroutine. The calibrated result
// does not change ok.
func Line(samples []Sample, unique bool) (string, bool) {
	ok := true
	problem := ""
	seen := map[uint64]bool{}
	for _, s := range samples {
		switch {
		case s.Injected == 0 || s.Injected != s.Stack:
			ok, problem = false, " mismatch="+Itoa(s.Injected)+"/"+Itoa(s.Stack)
		case unique && seen[s.Injected]:
			ok, problem = false, " duplicate="+Itoa(s.Injected)
		}
		seen[s.Injected] = true
	}
	calibrated := "unsupported"
	if calib.Supported {
		calibrated = "pass"
		for _, s := range samples {
			if !s.Read || s.Direct != s.Stack {
				calibrated = "fail"
			}
		}
	}
	verdict := "true"
	if !ok {
		verdict = "false"
	}
	defaultBuild := "undetected"
	switch {
	case plain:
		defaultBuild = "none"
	case detected != nil:
		defaultBuild = "injected"
	}
	return "qcompat-probe ok=" + verdict + " checked=" + Itoa(uint64(len(samples))) +
		" goos=" + runtime.GOOS + " goarch=" + runtime.GOARCH + " go=" + runtime.Version() +
		" default=" + defaultBuild + " calibrated=" + calibrated + " offset=" + Itoa(uint64(offset)) +
		buildField() + problem, ok
}

// Itoa formats v in decimal without strconv, which the probe does not import.
func Itoa(v uint64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			return string(b[i:])
		}
	}
}
