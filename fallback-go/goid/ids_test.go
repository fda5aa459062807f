package goid_test

import (
	"runtime"
	"strconv"
	"sync"
	"testing"

	"github.com/qcompat/qcompat/fallback-go/goid"
	"github.com/qcompat/qcompat/fallback-go/internal/stackid"
)

// stackID is runtime.Stack's ID, parsed without the package under test.
func stackID() uint64 {
	buf := make([]byte, 64)
	id, _ := stackid.Parse(buf[:runtime.Stack(buf, false)])
	return id
}

// initID and initStack are taken while this package initialises: the first
// ID call of the test binary may be here, before any test runs.
var initID, initStack uint64

func init() { initID, initStack = goid.ID(), stackID() }

func TestIDInInit(t *testing.T) {
	if initID != initStack || initID == 0 {
		t.Fatalf("in init: ID() = %d, runtime.Stack says %d", initID, initStack)
	}
}

// checkMany starts n goroutines, at most batch alive at once (the race
// detector allows 8128), and checks each one's ID against runtime.Stack's,
// before and after it yields and moves to a locked OS thread, and that no
// two goroutines share an ID.
func checkMany(t *testing.T, n, batch int) {
	ids := make([]uint64, n)
	bad := make(chan string, 1)
	fail := func(msg string) {
		select {
		case bad <- msg:
		default:
		}
	}
	for start := 0; start < n; start += batch {
		var wg sync.WaitGroup
		for i := start; i < start+batch && i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				got, want := goid.ID(), stackID()
				runtime.Gosched()
				if i%2 == 0 {
					runtime.LockOSThread()
					defer runtime.UnlockOSThread()
				}
				again := goid.ID()
				if got != want || again != want || want == 0 {
					fail("ID() = " + u(got) + ", then " + u(again) + " after Gosched/LockOSThread; runtime.Stack says " + u(want))
				}
				ids[i] = got
			}(i)
		}
		wg.Wait()
	}
	select {
	case msg := <-bad:
		t.Fatal(msg)
	default:
	}
	seen := make(map[uint64]bool, n)
	for _, id := range ids {
		if seen[id] {
			t.Fatalf("two goroutines have ID %d", id)
		}
		seen[id] = true
	}
}

// TestTenThousandGoroutines compares 10,000 goroutines' IDs with
// runtime.Stack's, with GOMAXPROCS 1 and 8.
func TestTenThousandGoroutines(t *testing.T) {
	for _, procs := range []int{1, 8} {
		old := runtime.GOMAXPROCS(procs)
		checkMany(t, 10000, 1000)
		runtime.GOMAXPROCS(old)
	}
	t.Logf("mode %s", goid.CurrentMode())
}

func TestIDInFinalizer(t *testing.T) {
	type object struct{ _ [16]byte }
	done := make(chan [2]uint64, 1)
	func() {
		o := new(object)
		runtime.SetFinalizer(o, func(*object) { done <- [2]uint64{goid.ID(), stackID()} })
	}()
	for i := 0; i < 100; i++ {
		runtime.GC()
		select {
		case r := <-done:
			if r[0] != r[1] || r[0] == 0 {
				t.Fatalf("in a finalizer: ID() = %d, runtime.Stack says %d", r[0], r[1])
			}
			return
		default:
			runtime.Gosched()
		}
	}
	t.Fatal("the finalizer never ran")
}

// u formats an ID for a message. (Not the probe's probecheck.Itoa: that
// package pulls runtime.GoroutineID and a linknamed variable, which gccgo
// refuses, and goid's tests run under gccgo.)
func u(v uint64) string { return strconv.FormatUint(v, 10) }
