// Command goidlayout checks goid.ID() against runtime.Stack's ID on a
// runtime whose g may differ from the one goid's table was made for (the
// test patches runtime through go build -overlay). It prints one line:
//
//	goidlayout phase=early goid-at=160 mode=calibrated checked=5012 wrong=0 zero=0 first-wrong=0/0
//
// goid-at is where the (patched) runtime really keeps goid, from a variable
// the patch adds to runtime: it shows that the patch took effect. phase is
// set with -ldflags=-X main.phase=late: late spawns 2000 goroutines before
// goid's first use, so that calibration sees large IDs; early calibrates
// first, with the small IDs of a young program. Only runtime and goid are
// imported, so that each patched runtime compiles few packages.
package main

import (
	"runtime"
	_ "unsafe" // for go:linkname

	"github.com/qcompat/qcompat/fallback-go/goid"
)

// goidAt is runtime.qcompatTestGoidAt when the patch defines it (its
// initialised definition wins at link time), else 0.
//
//go:linkname goidAt runtime.qcompatTestGoidAt
var goidAt uintptr

var phase = "early"

// tally counts the checks: each result is the pair (ID(), runtime.Stack's).
type tally struct{ checked, wrong, zero, firstGot, firstWant uint64 }

func (t *tally) add(got, want uint64) {
	t.checked++
	if got == 0 {
		t.zero++
	}
	if got != want {
		if t.wrong == 0 {
			t.firstGot, t.firstWant = got, want
		}
		t.wrong++
	}
}

// spawn runs n goroutines, at most 500 alive at once, each sending
// (ID(), runtime.Stack's ID) on results, after a yield half the time.
func spawn(n int, t *tally) {
	results := make(chan [2]uint64, 500)
	for start := 0; start < n; start += 500 {
		k := 0
		for i := start; i < start+500 && i < n; i++ {
			k++
			go func(i int) {
				if i%2 == 0 {
					runtime.Gosched()
				}
				results <- [2]uint64{goid.ID(), goid.StackID()}
			}(i)
		}
		for ; k > 0; k-- {
			r := <-results
			t.add(r[0], r[1])
		}
	}
}

// burn runs n goroutines that do nothing, 500 alive at once: goid's first
// use then comes after n goroutine IDs were taken.
func burn(n int) {
	done := make(chan struct{}, 500)
	for start := 0; start < n; start += 500 {
		for i := start; i < start+500; i++ {
			go func() { done <- struct{}{} }()
		}
		for i := start; i < start+500; i++ {
			<-done
		}
	}
}

func main() {
	runtime.GOMAXPROCS(4)
	if phase == "late" {
		burn(2000)
	}
	mode := goid.CurrentMode()
	var t tally
	t.add(goid.ID(), goid.StackID())
	spawn(5000, &t)
	fromCThreads(&t)
	println("goidlayout phase="+phase, "goid-at="+itoa(uint64(goidAt)), "mode="+string(mode),
		"checked="+itoa(t.checked), "wrong="+itoa(t.wrong), "zero="+itoa(t.zero),
		"first-wrong="+itoa(t.firstGot)+"/"+itoa(t.firstWant))
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
