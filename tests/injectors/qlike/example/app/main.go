// Command app checks q.GoroutineID against runtime.Stack in main and in 4
// goroutines, and exits non-zero on any mismatch.
package main

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strconv"

	"example.com/qlike/q"
)

func stackID() uint64 {
	var buf [64]byte
	b := bytes.TrimPrefix(buf[:runtime.Stack(buf[:], false)], []byte("goroutine "))
	id, _ := strconv.ParseUint(string(b[:bytes.IndexByte(b, ' ')]), 10, 64)
	return id
}

func main() {
	done := make(chan bool)
	check := func() { done <- q.GoroutineID() == stackID() && stackID() != 0 }
	for i := 0; i < 4; i++ {
		go check()
	}
	go check()
	ok := true
	for i := 0; i < 5; i++ {
		ok = <-done && ok
	}
	fmt.Println("app ok=" + strconv.FormatBool(ok))
	if !ok {
		os.Exit(1)
	}
}
