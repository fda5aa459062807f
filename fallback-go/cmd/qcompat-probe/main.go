// Command qcompat-probe checks, on the platform it runs on, that the injected
// runtime.GoroutineID links and returns the IDs runtime.Stack reports, in main
// and in 8 goroutines. It prints one line to standard error:
//
//	qcompat-probe ok=true checked=9 goos=linux goarch=amd64 go=go1.27.3 default=injected
//
// default= says which path fallback-go's default build of goid takes in a
// binary built through this injector: injected when the injector also
// defines runtime.qcompatGoroutineIDFunc, stack otherwise.
//
// and exits non-zero on a mismatch. It imports only the runtime, so that
// building it for every GOOS/GOARCH stays cheap; it must be built through the
// injector (`go build -toolexec="qcompat toolexec"`), otherwise the link fails
// with "relocation target runtime.GoroutineID not defined".
package main

import (
	"runtime"
	_ "unsafe" // for go:linkname

	"github.com/qcompat/qcompat/fallback-go/internal/stackid"
)

//go:linkname goroutineID runtime.GoroutineID
func goroutineID() uint64

// detected is runtime.qcompatGoroutineIDFunc when the injector defines it, as
// qcompat's does: that variable is what fallback-go's default build looks
// for. An injector that adds only runtime.GoroutineID leaves it nil, and the
// default build of goid then parses runtime.Stack.
//
//go:linkname detected runtime.qcompatGoroutineIDFunc
var detected func() uint64

const workers = 8

type sample struct{ injected, stack uint64 }

func take() sample {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	id, _ := stackid.Parse(buf[:n])
	return sample{goroutineID(), id}
}

func main() {
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
	verdict := "true"
	if !ok {
		verdict = "false"
	}
	defaultBuild := "stack"
	if detected != nil {
		defaultBuild = "injected"
	}
	println("qcompat-probe ok=" + verdict + " checked=" + itoa(uint64(len(all))) +
		" goos=" + runtime.GOOS + " goarch=" + runtime.GOARCH + " go=" + runtime.Version() +
		" default=" + defaultBuild + problem)
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
