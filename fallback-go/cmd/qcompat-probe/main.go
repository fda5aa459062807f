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
//
// The check itself is package probecheck's, shared with the test
// (probe_test.go), library (qcompat-probe-lib) and plugin
// (qcompat-probe-plugin) builds of it.
package main

import "github.com/qcompat/qcompat/fallback-go/internal/probecheck"

func main() {
	probecheck.Calibrate()
	line, ok := probecheck.Line(probecheck.Collect(probecheck.Take), true)
	println(line)
	if !ok {
		panic("qcompat-probe: injected goroutine IDs disagree with runtime.Stack")
	}
}
