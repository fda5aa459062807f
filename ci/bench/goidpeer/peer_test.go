// Package goidpeer benchmarks fallback-go's goid.ID against
// github.com/petermattis/goid, the library Go users pick today, side by side
// in one test binary. It is a benchmark-only module, so fallback-go itself
// gains no dependency.
package goidpeer

import (
	"testing"

	peer "github.com/petermattis/goid"
	"github.com/qcompat/qcompat/fallback-go/goid"
)

var sink int64

// atDepth runs f with depth extra frames on the stack.
func atDepth(depth int, f func()) {
	if depth == 0 {
		f()
		return
	}
	atDepth(depth-1, f)
}

func BenchmarkPeerGet(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		sink += peer.Get()
	}
}

func BenchmarkGoidID(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		sink += int64(goid.ID())
	}
}

func BenchmarkGoidIDDepth50(b *testing.B) {
	atDepth(50, func() { BenchmarkGoidID(b) })
}

// TestSameIDs guards the comparison: both must return the same ID.
func TestSameIDs(t *testing.T) {
	if got, want := int64(goid.ID()), peer.Get(); got != want {
		t.Fatalf("goid.ID() = %d, petermattis/goid Get() = %d", got, want)
	}
}
