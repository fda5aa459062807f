// Command qcompat-probe checks, on the platform it runs on, that the injected
// runtime.GoroutineID links and returns the IDs runtime.Stack reports, in main
// and in 8 goroutines. It prints one line to standard error:
//
//	qcompat-probe ok=true checked=9 goos=linux goarch=amd64 go=go1.27.3 default=injected
//
// default= says whether fallback-go's default build of goid sees this
// injector: injected when the injector also defines
// runtime.qcompatGoroutineIDFunc, undetected otherwise.
//
// and exits non-zero on a mismatch. The line also says whether goid's
// calibrated path (package calib: g.goid read directly at the offset a scan
// of g found) gives runtime.Stack's IDs in the same goroutines:
// "calibrated=pass offset=152", "calibrated=fail offset=N" (N is 0 when no
// unique offset was found), or "calibrated=unsupported offset=0" where this
// build cannot reach g. That result does not change ok or the exit status. It imports only the runtime, so that
// building it for every GOOS/GOARCH stays cheap; it must be built through the
// injector (`go build -toolexec="qcompat toolexec"`), otherwise the link fails
// with "relocation target runtime.GoroutineID not defined".
//
// Built with -tags=qcompat_plain and no injector, it checks the calibrated
// path alone: goroutineID is then runtime.Stack's ID (so ok= only says the
// run completed), and the line adds build=plain and default=none.
package main

import (
	"runtime"

	"github.com/qcompat/qcompat/fallback-go/internal/calib"
	"github.com/qcompat/qcompat/fallback-go/internal/stackid"
)

const workers = 8

type sample struct {
	injected, stack, direct uint64
	read                    bool
}

// offset is where calib.Find put goid in g, 0 if it found none.
var offset uintptr

func take() sample {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	id, _ := stackid.Parse(buf[:n])
	direct, read := calib.Read(offset)
	return sample{goroutineID(), id, direct, read}
}

func main() {
	offset, _ = calib.Find()
	results := make(chan sample, workers)
	for i := 0; i < workers; i++ {
		go func() { results <- take() }()
	}
	all := []sample{take()}
	for i := 0; i < workers; i++ {
		all = append(all, <-results)
	}
	ok := true
	problem := ""
	seen := map[uint64]bool{}
	for _, s := range all {
		switch {
		case s.injected == 0 || s.injected != s.stack:
			ok, problem = false, " mismatch="+itoa(s.injected)+"/"+itoa(s.stack)
		case seen[s.injected]:
			ok, problem = false, " duplicate="+itoa(s.injected)
		}
		seen[s.injected] = true
	}
	calibrated := "unsupported"
	if calib.Supported {
		calibrated = "pass"
		for _, s := range all {
			if !s.read || s.direct != s.stack {
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
	println("qcompat-probe ok=" + verdict + " checked=" + itoa(uint64(len(all))) +
		" goos=" + runtime.GOOS + " goarch=" + runtime.GOARCH + " go=" + runtime.Version() +
		" default=" + defaultBuild + " calibrated=" + calibrated + " offset=" + itoa(uint64(offset)) + buildField() + problem)
	if !ok {
		panic("qcompat-probe: injected goroutine IDs disagree with runtime.Stack")
	}
}

func itoa(v uint64) string {
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
