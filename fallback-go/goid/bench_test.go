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

// stackFloor is runtime.Stack behind one function call, the shape of any
// library's fallback: runtime.Stack formats every frame, so this is the floor
// at the depth where ID and StackID call it.
//
//go:noinline
func stackFloor(buf *[64]byte) int { return runtime.Stack(buf[:64], false) }

func BenchmarkRuntimeStackFloorOneFrame(b *testing.B) {
	b.ReportAllocs()
	var buf [64]byte
	for i := 0; i < b.N; i++ {
		sink += uint64(stackFloor(&buf))
	}
}

func BenchmarkRuntimeStackFloorOneFrameDepth50(b *testing.B) {
	atDepth(50, func() { BenchmarkRuntimeStackFloorOneFrame(b) })
}
