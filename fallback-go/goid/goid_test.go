package goid

import (
	"os"
	"runtime"
	"sync"
	"testing"
)

// runtimeStackID reads the ID without the package's own buffer pool.
func runtimeStackID(t testing.TB) uint64 {
	buf := make([]byte, 128)
	n := runtime.Stack(buf, false)
	id, ok := FromStack(buf[:n])
	if !ok {
		t.Fatalf("cannot parse runtime.Stack header %q", buf[:n])
	}
	return id
}

func TestIDMatchesRuntimeStack(t *testing.T) {
	main := ID()
	if want := runtimeStackID(t); main != want {
		t.Fatalf("ID() = %d in the test goroutine, runtime.Stack says %d", main, want)
	}
	const n = 128
	ids := make([]uint64, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			got, want := ID(), runtimeStackID(t)
			if got != want {
				t.Errorf("goroutine %d: ID() = %d, runtime.Stack says %d", i, got, want)
			}
			ids[i] = got
		}(i)
	}
	wg.Wait()
	seen := map[uint64]bool{main: true}
	for i, id := range ids {
		if seen[id] {
			t.Errorf("goroutine %d has ID %d, the same as another goroutine or its parent", i, id)
		}
		seen[id] = true
	}
}

func TestChildDiffersFromParent(t *testing.T) {
	parent := ID()
	child := make(chan uint64)
	go func() { child <- ID() }()
	if c := <-child; c == parent || c == 0 {
		t.Fatalf("child ID %d, parent ID %d", c, parent)
	}
}

// TestInjected checks the build mode against what the test driver expects:
// QCOMPAT_EXPECT_INJECTED=1 when it builds through the injector. Builds that
// calibrate must prove the direct read on every platform they are built for.
func TestInjected(t *testing.T) {
	want := os.Getenv("QCOMPAT_EXPECT_INJECTED") == "1"
	if got := Injected(); got != want {
		t.Fatalf("Injected() = %v, want %v (QCOMPAT_EXPECT_INJECTED=%q)", got, want, os.Getenv("QCOMPAT_EXPECT_INJECTED"))
	}
	mode := CurrentMode()
	direct := ModeStack
	if calibrationBuilt {
		direct = ModeCalibrated
	}
	if want && mode != ModeInjected || !want && mode != direct {
		t.Fatalf("CurrentMode() = %s with Injected() = %v, calibration built: %v", mode, want, calibrationBuilt)
	}
	if calibrationBuilt && calibratedOffset() == 0 {
		t.Fatal("this build calibrates, but proved no offset")
	}
}

func TestStackIDAllocatesNothing(t *testing.T) {
	StackID() // fill the pool
	if a := testing.AllocsPerRun(100, func() { StackID() }); a != 0 {
		t.Fatalf("StackID allocates %v times a call", a)
	}
}

func TestFromStack(t *testing.T) {
	if id, ok := FromStack([]byte("goroutine 17 [running]:\n")); !ok || id != 17 {
		t.Fatalf("FromStack = %d, %v", id, ok)
	}
	if _, ok := FromStack([]byte("goroutine 18446744073709551616 [running]:")); ok {
		t.Fatal("overflow accepted")
	}
}
