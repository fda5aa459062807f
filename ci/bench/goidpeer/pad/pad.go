// Package pad moves code for ci/bench/goid_layouts.sh: its one function is
// padding, and the script rewrites pad_amd64.s with a different number of
// bytes for each layout. It sits in the text between goid (and package
// variants) and petermattis/goid, and before the benchmark loops.
package pad

// Pad is the padding; TestLayout keeps a reference so the linker keeps it.
// It is never called.
func Pad()
