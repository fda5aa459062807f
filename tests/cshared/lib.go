// Package main is a c-archive that C threads call into: each call checks
// that fallback-go's goid.ID() is runtime.Stack's ID for the goroutine the
// call runs on, and says which mode goid uses.
package main

import "C"

import "github.com/qcompat/qcompat/fallback-go/goid"

// QcompatCheck returns the calling goroutine's ID when goid.ID() agrees
// with runtime.Stack's ID, and 0 when it does not.
//
//export QcompatCheck
func QcompatCheck() C.ulonglong {
	id, stack := goid.ID(), goid.StackID()
	if id == 0 || id != stack {
		return 0
	}
	return C.ulonglong(id)
}

// QcompatMode returns goid.CurrentMode() as a C string the caller frees.
//
//export QcompatMode
func QcompatMode() *C.char {
	return C.CString(string(goid.CurrentMode()))
}

func main() {}
