//go:build !qcompat_injected && !qcompat_stack && !qcompat_nocalibrate && gc && (amd64 || 386 || arm64 || arm || riscv64 || ppc64 || ppc64le || s390x || loong64 || mips || mipsle || mips64 || mips64le)

package goid

import (
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

// TestTableOffsetIsChecked: a table entry is used only once runtime.Stack
// confirms it; a wrong one leaves the stack path.
func TestTableOffsetIsChecked(t *testing.T) {
	saved := tableOffset
	defer func() { tableOffset = saved }()
	right, ok := calib.Find()
	if !ok {
		t.Fatal("calib.Find found no offset")
	}
	for _, c := range []struct {
		table uintptr
		ok    bool
	}{{right, true}, {right + 8, false}, {right - 4, false}, {calib.Window, false}, {0, true}} {
		tableOffset = c.table
		off, ok := proveOffset()
		if ok != c.ok || ok && off != right {
			t.Errorf("table offset %d: proveOffset() = %d, %v; want ok=%v at %d", c.table, off, ok, c.ok, right)
		}
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
// Go minor and GOARCH, calibration proved that very offset.
func TestProvenOffsetIsTheTables(t *testing.T) {
	if tableOffset == 0 {
		t.Skip("the table has no entry for this Go minor and GOARCH")
	}
	if got := calibratedOffset(); got != tableOffset {
		t.Fatalf("proven offset %d, table %d", got, tableOffset)
	}
}

// BenchmarkCalibrationScan is the one-off cost with no table entry: the scan
// of g in calib.Samples goroutines and the check in two more.
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

// BenchmarkCalibrationTable is the one-off cost with a table entry: the check
// alone, in two new goroutines.
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
			b.Fatal("check failed")
		}
	}
}
