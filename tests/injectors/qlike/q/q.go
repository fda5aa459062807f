// Package q is the API of the q-like stand-in: like q's, it pulls
// runtime.GoroutineID itself, with no fallback, so a program that uses it
// builds only through the injector in ../cmd/q.
package q

import _ "unsafe" // for go:linkname

//go:linkname runtimeGoroutineID runtime.GoroutineID
func runtimeGoroutineID() uint64

// GoroutineID returns the current goroutine's ID.
func GoroutineID() uint64 { return runtimeGoroutineID() }
