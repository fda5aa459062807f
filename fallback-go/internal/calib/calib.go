// Package calib finds where the runtime keeps the current goroutine's ID, so
// that it can be read directly: the current g (the runtime's per-goroutine
// struct) comes from a tiny assembly function, and the offset of its goid
// field is found by scanning g, in goroutines of different ages, parents and
// g structs, for the one offset whose word equals the ID runtime.Stack
// reports in every one of them.
//
// What the proof cannot rule out: a field other than goid that equals the
// ID in every sampled goroutine while goid itself lies beyond Window (then
// only that field matches). Inside Window goid always matches too, so such a
// field makes the result ambiguous, and Find reports false.
//
// Why the reads stay inside g: every read is one 8-byte word at an offset
// below Window, and Window (40 pointer-sized words: 320 bytes on 64-bit
// platforms, 160 on 32-bit ones) is smaller than g on every Go release from
// 1.19 to 1.27 on every architecture supported here (the smallest are 392 and
// 240 bytes, go1.19.8, read from runtime.g's DWARF; goid sits at 152..160 and
// 80..84). g is a heap object at least that large, so no read leaves it, even
// for a layout not seen yet; a goid beyond Window is simply not found.
//
// Like the stack parser, calib imports only the runtime, so the qcompat probe
// that uses it stays cheap to build for every platform.
package calib

import (
	"runtime"
	"unsafe"

	"github.com/qcompat/qcompat/fallback-go/internal/stackid"
)

// Window bounds the offsets scanned and read: smaller than runtime.g on every
// supported Go release and architecture (see the package comment).
const Window = 40 * unsafe.Sizeof(uintptr(0))

// step is the alignment of a uint64 field: 8 on 64-bit platforms, 4 on
// 32-bit ones, where the compiler aligns 64-bit fields to 4 bytes.
const step = unsafe.Alignof(uint64(0))

// slots is how many candidate offsets the scan looks at (40 on every
// platform), one bit each in a uint64 mask.
const slots = (Window - 8) / step

// Samples is how many goroutines Find reads g in: each must hold its own
// runtime.Stack ID at the offset Find returns, and the IDs must differ.
const Samples = 6

// first is how many of the Samples goroutines start in the first round.
const first = 3

// burnt is how many goroutine IDs Find has the runtime hand out between its
// two rounds of samples: more than the runtime's per-P batch of IDs (16), so
// the second round's IDs are not consecutive with the first's.
const burnt = 17

// Read returns the 8-byte word at off in the current goroutine's g. It
// reports false when off is outside the window, is misaligned, or when this
// build has no way to reach g (Supported is false).
func Read(off uintptr) (uint64, bool) {
	if !Supported || off == 0 || off%step != 0 || off > Window-8 {
		return 0, false
	}
	g := getg()
	if g == nil {
		return 0, false
	}
	return *(*uint64)(unsafe.Add(g, off)), true
}

// StackID is the current goroutine's ID as runtime.Stack prints it.
func StackID() (uint64, bool) {
	var buf [64]byte
	return stackid.Parse(buf[:runtime.Stack(buf[:], false)])
}

// candidates returns the offsets (as a bit mask over slots) whose word equals
// the current goroutine's runtime.Stack ID, and that ID.
func candidates() (mask uint64, id uint64) {
	id, ok := StackID()
	g := getg()
	if !ok || id == 0 || g == nil {
		return 0, 0
	}
	for i := uintptr(0); i < slots; i++ {
		if *(*uint64)(unsafe.Add(g, (i+1)*step)) == id {
			mask |= 1 << i
		}
	}
	return mask, id
}

// Find scans g in Samples goroutines and returns the one offset at which
// every one of them holds its own runtime.Stack ID. The goroutines are made
// to differ in what a field other than goid could share with the ID: three
// start together; then burnt goroutines take IDs and exit; then three more
// start, most on g structs the runtime reuses from the first ones (a field
// set once when a g is made keeps an old ID there), and one of them starts
// the last sample itself (another parent, and likely another P's batch of
// IDs). Find reports false when the build cannot reach g, when an ID cannot
// be parsed or repeats, and when no offset or more than one offset matches
// every sample: a field that tracks the ID for these goroutines makes the
// result ambiguous, never wrong, while goid lies inside Window.
func Find() (uintptr, bool) {
	if !Supported {
		return 0, false
	}
	type result struct{ mask, id uint64 }
	results := make(chan result, Samples)
	sample := func() {
		m, id := candidates()
		results <- result{m, id}
	}
	for i := 0; i < first; i++ {
		go sample()
	}
	mask := ^uint64(0)
	seen := make(map[uint64]bool, Samples)
	collect := func(n int) {
		for i := 0; i < n; i++ {
			r := <-results
			if r.id == 0 || seen[r.id] {
				mask = 0 // an ID that cannot be parsed or repeats proves nothing
			}
			seen[r.id] = true
			mask &= r.mask
		}
	}
	collect(first)
	done := make(chan struct{}, burnt)
	for i := 0; i < burnt; i++ {
		go func() { done <- struct{}{} }()
	}
	for i := 0; i < burnt; i++ {
		<-done
	}
	for i := 0; i < Samples-first-2; i++ {
		go sample()
	}
	go func() {
		go sample()
		sample()
	}()
	collect(Samples - first)
	if mask == 0 || mask&(mask-1) != 0 {
		return 0, false // none, or ambiguous
	}
	off := step
	for mask&1 == 0 {
		mask >>= 1
		off += step
	}
	return off, true
}

// Check reads off in n new goroutines and reports whether every read equals
// that goroutine's runtime.Stack ID, and the IDs are distinct and non-zero.
// New goroutines have short stacks, so runtime.Stack costs little there
// whatever the caller's depth.
func Check(off uintptr, n int) bool {
	if _, ok := Read(off); !ok || n < 1 {
		return false
	}
	results := make(chan uint64, n)
	for i := 0; i < n; i++ {
		go func() {
			got, ok := Read(off)
			want, parsed := StackID()
			if !ok || !parsed || got != want {
				got = 0
			}
			results <- got
		}()
	}
	ok := true
	seen := make(map[uint64]bool, n)
	for i := 0; i < n; i++ {
		id := <-results
		if id == 0 || seen[id] {
			ok = false
		}
		seen[id] = true
	}
	return ok
}
