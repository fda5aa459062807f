package main

import (
	"testing"

	"github.com/qcompat/qcompat/fallback-go/internal/probecheck"
)

// TestProbe is the probe as a test binary (`go test -c`, run with
// -test.run=^TestProbe$): the same check in the test goroutine and 8 others,
// the same line on standard error.
func TestProbe(t *testing.T) {
	probecheck.Calibrate()
	line, ok := probecheck.Line(probecheck.Collect(probecheck.Take), true)
	println(line)
	if !ok {
		t.Fatal("injected goroutine IDs disagree with runtime.Stack: " + line)
	}
}

// BenchmarkProbe repeats the check; ci/probe_pgo.sh profiles it into
// testdata/probe.pgo for the pgo build kind.
func BenchmarkProbe(b *testing.B) {
	probecheck.Calibrate()
	for i := 0; i < b.N; i++ {
		if _, ok := probecheck.Line(probecheck.Collect(probecheck.Take), true); !ok {
			b.Fatal("injected goroutine IDs disagree with runtime.Stack")
		}
	}
}
