package goid_test

import (
	"fmt"
	"runtime"

	"github.com/qcompat/qcompat/fallback-go/goid"
)

func ExampleID() {
	parent := goid.ID()
	child := make(chan uint64)
	go func() { child <- goid.ID() }()
	fmt.Println(parent != 0, parent != <-child)
	// Output: true true
}

// The mode depends on how the binary was built (see the package doc), and
// stays the same for the life of the process; every mode returns the ID
// runtime.Stack prints.
func ExampleCurrentMode() {
	mode := goid.CurrentMode()
	switch mode {
	case goid.ModeInjected, goid.ModeCalibrated, goid.ModeStack:
		fmt.Println("a known mode, unchanged:", mode == goid.CurrentMode())
	}
	fmt.Println("ID agrees with runtime.Stack:", goid.ID() == goid.StackID())
	// Output:
	// a known mode, unchanged: true
	// ID agrees with runtime.Stack: true
}

// StackID works in every build: it is what the stack mode runs.
func ExampleStackID() {
	done := make(chan bool)
	go func() { done <- goid.StackID() == goid.ID() }()
	fmt.Println(<-done)
	// Output: true
}

func ExampleFromStack() {
	id, ok := goid.FromStack([]byte("goroutine 17 [running]:\nmain.main()\n"))
	fmt.Println(id, ok)
	_, ok = goid.FromStack([]byte("not a traceback"))
	fmt.Println(ok)
	// Output:
	// 17 true
	// false
}

// FromStack reads the header of a traceback the program already has.
func ExampleFromStack_traceback() {
	buf := make([]byte, 64)
	id, ok := goid.FromStack(buf[:runtime.Stack(buf, false)])
	fmt.Println(ok, id == goid.ID())
	// Output: true true
}
