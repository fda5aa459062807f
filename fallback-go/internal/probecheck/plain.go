//go:build qcompat_plain || gccgo

// Under gccgo the probe is the plain one too: there is no gc runtime to
// inject into, and gccgo refuses //go:linkname on a variable (detected).

package probecheck

import "github.com/qcompat/qcompat/fallback-go/internal/calib"

// goroutineID is runtime.Stack's ID in the plain build: there is no injector
// to ask, and the line's calibrated= field is what this build is for.
func goroutineID() uint64 {
	id, _ := calib.StackID()
	return id
}

// detected is nil: no injector defines it in a plain build.
var detected func() uint64

// plain is true: built with -tags=qcompat_plain and no injector.
const plain = true

func buildField() string { return " build=plain" }
