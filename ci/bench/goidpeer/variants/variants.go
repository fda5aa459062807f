// Package variants holds variants of goid.ID's amd64 assembly, for
// ci/bench/goid_layouts.sh: they split the cost of ID against
// petermattis/goid's Get() into its parts. They read g.goid at goidOffset,
// the offset that ci/bench/goid_layouts.sh writes into offset.go from
// goid's table for the Go in use; TestVariantsAgree checks every variant
// against Get(), so a wrong offset fails the run rather than measuring
// something else.
package variants

import "github.com/qcompat/qcompat/fallback-go/goid"

// Floor reads g.goid at the constant offset with no check at all: the
// shape of Get() (getg, then the load at a constant offset) inside one
// function. It is the floor for any reader that has to find g first.
func Floor() uint64

// ConstCheck reads at the constant offset and takes the slow path on a 0
// read: the cost of the 0-check alone.
func ConstCheck() uint64

// LoadNoCheck loads the offset from a variable and tests it, as ID does,
// but does not test the word read: the cost of the offset load alone.
func LoadNoCheck() uint64

// IDCopy is ID as it was before issue 38 (31e47a8: the read behind a taken
// JNE), instruction for instruction, at whatever address the linker's
// 32-byte function alignment gives it: the control for the layout effect.
func IDCopy() uint64

// OneBranch keeps both of ID's checks (offset 0, word 0) with one branch:
// the word at g+offset is read whatever the offset (g+0 is inside g), and
// a CMOV zeroes it when the offset is 0, so one test of the result decides.
// It needs no alignment, but as ID (eb886db) it cost 1.048x Get() in
// goid_calibrated.sh's TestPair binary where ID cost 1.009x (issue 38).
func OneBranch() uint64

// offset is what the variants that load an offset read.
var offset uintptr = goidOffset

// slow is where the checked variants jump: goid.ID, as ID's slowID would.
func slow() uint64 { return goid.ID() }
