// Command goid-mode prints how this binary finds goroutine IDs
// ("calibrated", "injected" or "stack") and the main goroutine's ID.
// Build it the way your program is built to see which path goid takes:
//
//	$ go build ./cmd/goid-mode && ./goid-mode
//	mode=calibrated id=1
//	$ go build -tags=qcompat_stack ./cmd/goid-mode && ./goid-mode
//	mode=stack id=1
//	$ go build -tags=qcompat_injected -toolexec="qcompat toolexec" ./cmd/goid-mode && ./goid-mode
//	mode=injected id=1
//
// The default build prints "stack" where goid has no calibrated read (wasm,
// for instance).
package main

import (
	"fmt"

	"github.com/qcompat/qcompat/fallback-go/goid"
)

func main() {
	fmt.Printf("mode=%s id=%d\n", goid.CurrentMode(), goid.ID())
}
