package goidpeer

import (
	"fmt"
	"sort"
	"testing"
	"time"

	peer "github.com/petermattis/goid"
	"github.com/qcompat/qcompat/fallback-go/goid"
	"qcompat.bench/goidpeer/pad"
	"qcompat.bench/goidpeer/variants"
)

var padRef func()

const layoutCalls, layoutBlocks = 20000, 400

// timed returns the ns per call of one block of layoutCalls calls of loop.
func timed(loop func()) float64 {
	start := time.Now()
	loop()
	return float64(time.Since(start)) / layoutCalls
}

// Each loop calls its function directly, as a user's code would: the call
// site is the same shape for all of them.
var layoutLoops = []struct {
	name string
	loop func()
}{
	{"get", func() {
		for i := 0; i < layoutCalls; i++ {
			sink += peer.Get()
		}
	}},
	{"id", func() {
		for i := 0; i < layoutCalls; i++ {
			sink += int64(goid.ID())
		}
	}},
	{"floor", func() {
		for i := 0; i < layoutCalls; i++ {
			sink += int64(variants.Floor())
		}
	}},
	{"constcheck", func() {
		for i := 0; i < layoutCalls; i++ {
			sink += int64(variants.ConstCheck())
		}
	}},
	{"loadnocheck", func() {
		for i := 0; i < layoutCalls; i++ {
			sink += int64(variants.LoadNoCheck())
		}
	}},
	{"idcopy", func() {
		for i := 0; i < layoutCalls; i++ {
			sink += int64(variants.IDCopy())
		}
	}},
	{"onebranch", func() {
		for i := 0; i < layoutCalls; i++ {
			sink += int64(variants.OneBranch())
		}
	}},
}

// TestVariantsAgree guards the layout benchmark: goid.ID and every variant
// return Get()'s ID, here and in new goroutines.
func TestVariantsAgree(t *testing.T) {
	check := func() error {
		want := uint64(peer.Get())
		for name, got := range map[string]uint64{
			"goid.ID": goid.ID(), "Floor": variants.Floor(), "ConstCheck": variants.ConstCheck(),
			"LoadNoCheck": variants.LoadNoCheck(), "IDCopy": variants.IDCopy(), "OneBranch": variants.OneBranch(),
		} {
			if got != want {
				return fmt.Errorf("%s() = %d, Get() = %d", name, got, want)
			}
		}
		return nil
	}
	if err := check(); err != nil {
		t.Fatal(err)
	}
	errs := make(chan error)
	for i := 0; i < 8; i++ {
		go func() { errs <- check() }()
	}
	for i := 0; i < 8; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// TestLayout times blocks of each loop in turn, the order rotated every
// block, in one process, and prints the median ns per call of each: the
// ratios to Get() are what ci/bench/goid_layouts.sh compares across
// binaries that differ only in layout.
func TestLayout(t *testing.T) {
	padRef = pad.Pad
	TestVariantsAgree(t)
	n := len(layoutLoops)
	times := make([][]float64, n)
	for b := 0; b < layoutBlocks; b++ {
		for k := 0; k < n; k++ {
			i := (b + k) % n
			times[i] = append(times[i], timed(layoutLoops[i].loop))
		}
	}
	fmt.Print("LAYOUT")
	for i, l := range layoutLoops {
		sort.Float64s(times[i])
		fmt.Printf(" %s %.4f", l.name, times[i][layoutBlocks/2])
	}
	fmt.Println()
}

// pairLoops are TestPair's shape of loop (goid_calibrated.sh): each closure
// reads the clock itself, so the loops sit at other places than
// layoutLoops' in each layout (issue 38: ID cost 1.009x Get() in
// TestPair's binary and 1.000x in TestLayout's).
var pairLoops = []struct {
	name string
	loop func() float64
}{
	{"pget", func() float64 {
		start := time.Now()
		for i := 0; i < layoutCalls; i++ {
			sink += peer.Get()
		}
		return float64(time.Since(start)) / layoutCalls
	}},
	{"pid", func() float64 {
		start := time.Now()
		for i := 0; i < layoutCalls; i++ {
			sink += int64(goid.ID())
		}
		return float64(time.Since(start)) / layoutCalls
	}},
	{"pfloor", func() float64 {
		start := time.Now()
		for i := 0; i < layoutCalls; i++ {
			sink += int64(variants.Floor())
		}
		return float64(time.Since(start)) / layoutCalls
	}},
	{"pconstcheck", func() float64 {
		start := time.Now()
		for i := 0; i < layoutCalls; i++ {
			sink += int64(variants.ConstCheck())
		}
		return float64(time.Since(start)) / layoutCalls
	}},
	{"ploadnocheck", func() float64 {
		start := time.Now()
		for i := 0; i < layoutCalls; i++ {
			sink += int64(variants.LoadNoCheck())
		}
		return float64(time.Since(start)) / layoutCalls
	}},
	{"ponebranch", func() float64 {
		start := time.Now()
		for i := 0; i < layoutCalls; i++ {
			sink += int64(variants.OneBranch())
		}
		return float64(time.Since(start)) / layoutCalls
	}},
}

// TestPairShape is TestLayout with pairLoops.
func TestPairShape(t *testing.T) {
	TestVariantsAgree(t)
	n := len(pairLoops)
	times := make([][]float64, n)
	for b := 0; b < layoutBlocks; b++ {
		for k := 0; k < n; k++ {
			i := (b + k) % n
			times[i] = append(times[i], pairLoops[i].loop())
		}
	}
	fmt.Print("PAIRSHAPE")
	for i, l := range pairLoops {
		sort.Float64s(times[i])
		fmt.Printf(" %s %.4f", l.name, times[i][layoutBlocks/2])
	}
	fmt.Println()
}
