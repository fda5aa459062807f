// Command goid-mode prints how this binary finds goroutine IDs ("injected" or
// "stack") and the main goroutine's ID. Build it with and without
// -toolexec="qcompat toolexec" to see the difference:
//
//	$ go build ./cmd/goid-mode && ./goid-mode
//	mode=stack id=1
package main

import (
	"fmt"

	"github.com/qcompat/qcompat/fallback-go/goid"
)

func main() {
	fmt.Printf("mode=%s id=%d\n", goid.CurrentMode(), goid.ID())
}
