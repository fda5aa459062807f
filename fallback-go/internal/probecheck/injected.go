//go:build !qcompat_plain && !gccgo

package probecheck

import _ "unsafe" // for go:linkname

//go:linkname goroutineID runtime.GoroutineID
func goroutineID() uint64

// detected is runtime.qcompatGoroutineIDFunc when the injector defines it, as
// qcompat's does: that variable is what fallback-go's default build looks
// for. An injector that adds only runtime.GoroutineID leaves it nil, and the
// default build of goid then takes its own (calibrated or stack) path.
//
//go:linkname detected runtime.qcompatGoroutineIDFunc
var detected func() uint64

// plain is false: this build goes through the injector.
const plain = false

func buildField() string { return "" }
