//go:build !qcompat_injected && !qcompat_stack && !qcompat_nocalibrate && gc && (amd64 || 386 || arm64 || arm || riscv64 || ppc64 || ppc64le || s390x || loong64 || mips || mipsle || mips64 || mips64le)

package goid

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/qcompat/qcompat/fallback-go/internal/calib"
)

// forceSlowPath makes ID take idFunc as if calibration had failed, and returns
// what undoes it.
func forceSlowPath() func() {
	calibrate()
	saved := atomic.LoadUintptr(&goidOffset)
	atomic.StoreUintptr(&goidOffset, 0)
	return func() { atomic.StoreUintptr(&goidOffset, saved) }
}

// TestTableIsAHint: the table's offset never decides. Right or wrong, the
// proof finds the offset calib.Find finds (issue 34: a runtime with another
// ID-like field at the table's offset).
func TestTableIsAHint(t *testing.T) {
	saved := tableOffset
	defer func() { tableOffset = saved }()
	right, ok := calib.Find()
	if !ok {
		t.Fatal("calib.Find found no offset")
	}
	for _, table := range []uintptr{right, right + 8, right - 4, calib.Window, 0} {
		tableOffset = table
		if off, ok := proveOffset(); !ok || off != right {
			t.Errorf("table offset %d: proveOffset() = %d, %v; want %d", table, off, ok, right)
		}
	}
}

// TestZeroReadTakesTheSlowPath: where the word at the proven offset is 0 in
// some g (as the g of a C thread's callback can hold at a wrong offset), ID
// returns runtime.Stack's ID, never 0.
func TestZeroReadTakesTheSlowPath(t *testing.T) {
	calibrate()
	saved := atomic.LoadUintptr(&goidOffset)
	defer atomic.StoreUintptr(&goidOffset, saved)
	done := make(chan string)
	go func() {
		// A word of this g that is 0 here, read as if it were goid.
		for off := uintptr(8); off+8 <= calib.Window; off += 8 {
			if v, ok := calib.Read(off); ok && v == 0 {
				atomic.StoreUintptr(&goidOffset, off)
				got, want := ID(), runtimeStackID(t)
				if v, _ := calib.Read(off); v != 0 {
					continue // the word changed meanwhile: try another
				}
				if got != want || got == 0 {
					done <- fmt.Sprintf("ID() = %d with a 0 at offset %d; runtime.Stack says %d", got, off, want)
					return
				}
				done <- ""
				return
			}
		}
		done <- "no word of g is 0"
	}()
	if msg := <-done; msg != "" {
		t.Fatal(msg)
	}
}

// TestInjectedAccessorMustAgree: with an injector, the offset must also give
// the accessor's ID.
func TestInjectedAccessorMustAgree(t *testing.T) {
	saved := injectedFunc
	defer func() { injectedFunc = saved }()
	injectedFunc = func() uint64 { return 0 }
	if off, ok := proveOffset(); ok {
		t.Fatalf("proveOffset() = %d, true with an accessor that disagrees", off)
	}
}

// TestProvenOffsetIsTheTables: where the generated table has an entry for this
// Go minor and GOARCH, calibration proved that very offset (the stock
// runtime's g).
func TestProvenOffsetIsTheTables(t *testing.T) {
	if tableOffset == 0 {
		t.Skip("the table has no entry for this Go minor and GOARCH")
	}
	if got := calibratedOffset(); got != tableOffset {
		t.Fatalf("proven offset %d, table %d", got, tableOffset)
	}
}

// BenchmarkCalibrationScan is the one-off cost with no table entry: the scan
// of g in calib.Samples goroutines.
func BenchmarkCalibrationScan(b *testing.B) {
	saved := tableOffset
	defer func() { tableOffset = saved }()
	tableOffset = 0
	for i := 0; i < b.N; i++ {
		if _, ok := proveOffset(); !ok {
			b.Fatal("calibration failed")
		}
	}
}

// BenchmarkCalibrationTable is the one-off cost with a table entry: the same
// proof as without (the table is only a hint).
func BenchmarkCalibrationTable(b *testing.B) {
	saved := tableOffset
	defer func() { tableOffset = saved }()
	off, ok := calib.Find()
	if !ok {
		b.Fatal("no offset")
	}
	tableOffset = off
	for i := 0; i < b.N; i++ {
		if _, ok := proveOffset(); !ok {
			b.Fatal("calibration failed")
		}
	}
}
