package goid

import (
	"runtime"
	"testing"
)

var sink uint64

// atDepth runs f with depth extra frames on the stack.
func atDepth(depth int, f func()) {
	if depth == 0 {
		f()
		return
	}
	atDepth(depth-1, f)
}

func BenchmarkID(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		sink += ID()
	}
}

func BenchmarkIDDepth50(b *testing.B) {
	atDepth(50, func() { BenchmarkID(b) })
}

func BenchmarkStackID(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		sink += StackID()
	}
}

func BenchmarkStackIDDepth50(b *testing.B) {
	atDepth(50, func() { BenchmarkStackID(b) })
}

// BenchmarkRuntimeStackFloor is the floor for the fallback: runtime.Stack
// alone, into a 64-byte buffer, without parsing.
func BenchmarkRuntimeStackFloor(b *testing.B) {
	b.ReportAllocs()
	var buf [64]byte
	for i := 0; i < b.N; i++ {
		sink += uint64(runtime.Stack(buf[:64], false))
	}
}

func BenchmarkRuntimeStackFloorDepth50(b *testing.B) {
	atDepth(50, func() { BenchmarkRuntimeStackFloor(b) })
}
