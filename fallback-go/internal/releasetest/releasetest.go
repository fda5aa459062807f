// Package releasetest gives the Go client's tests the release archive
// ci/release.sh packed from this commit (ci/test.sh packs the debug binary
// and sets QCOMPAT_TEST_RELEASE_DIR).
package releasetest

import (
	"os"
	"testing"
)

// DirEnv names the folder holding the packed archive and its SHA256SUMS.
const DirEnv = "QCOMPAT_TEST_RELEASE_DIR"

// Dir is that folder. Without it the test skips, but fails under CI=true,
// where a skipped download test would hide a missing archive.
func Dir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv(DirEnv)
	if dir == "" {
		msg := DirEnv + " is not set: pack an archive with `QCOMPAT_RELEASE_BIN=target/debug/qcompat ci/release.sh DIR` and set it to DIR (ci/test.sh does)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return dir
}
