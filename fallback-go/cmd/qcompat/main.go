// Command qcompat runs qcompat for Go users without Rust: it finds qcompat
// (QCOMPAT, PATH, or the install of this module's version in qcompat's
// cache) or installs the release archive of exactly that version, verified
// against the sums compiled into the module, and runs it with the same
// arguments, standard streams and exit status.
//
//	go run github.com/qcompat/qcompat/fallback-go/cmd/qcompat@vX.Y.Z doctor --toolexec q
//
// QCOMPAT_RELEASE_URL names another release base (a mirror), and
// QCOMPAT_RELEASE_SUMS a SHA256SUMS file to trust instead of the compiled-in
// sums (an unreleased version); QCOMPAT_CACHE_DIR is qcompat's cache root.
package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/qcompat/qcompat/fallback-go/qcompat"
)

func main() {
	s := qcompat.SetupFromEnv()
	s.Report = report
	bin, err := s.Find(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "qcompat (go):", err)
		os.Exit(2)
	}
	cmd, err := bin.Command(context.Background(), os.Args[1:]...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "qcompat (go):", err)
		os.Exit(2)
	}
	os.Exit(run(cmd.Path, cmd.Args))
}

// report tells the user what finding or installing does, on stderr (stdout
// is qcompat's, perhaps a JSON document).
func report(e qcompat.Event) {
	switch e.Kind {
	case qcompat.EventProgress:
		return // the start and the end say enough for a few megabytes
	default:
		fmt.Fprintln(os.Stderr, "qcompat (go):", strings.TrimSpace(e.Message))
	}
}
