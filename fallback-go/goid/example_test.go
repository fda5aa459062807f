package goid_test

import (
	"fmt"

	"github.com/qcompat/qcompat/fallback-go/goid"
)

func ExampleID() {
	parent := goid.ID()
	child := make(chan uint64)
	go func() { child <- goid.ID() }()
	fmt.Println(parent != 0, parent != <-child)
	// Output: true true
}

func ExampleFromStack() {
	id, ok := goid.FromStack([]byte("goroutine 17 [running]:\nmain.main()\n"))
	fmt.Println(id, ok)
	// Output: 17 true
}
