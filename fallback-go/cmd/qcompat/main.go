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
	"os/signal"
	"strings"
	"time"

	"github.com/qcompat/qcompat/fallback-go/qcompat"
)

// installTimeout bounds finding and installing qcompat: the idle timeout
// ends a server that stops, this one a server that trickles.
const installTimeout = 10 * time.Minute

func main() {
	s := qcompat.SetupFromEnv()
	s.Report = report
	bin, err := find(s)
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

// find locates or installs qcompat; an interrupt meanwhile ends the
// download and removes what it wrote.
func find(s qcompat.Setup) (*qcompat.Binary, error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, installTimeout)
	defer cancel()
	return s.Find(ctx)
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
