package qcompat

import (
	"fmt"
	"os"

	"github.com/qcompat/qcompat/fallback-go/internal/sha256sums"
)

// trustedSum is the sha256 the archive must have, from SumsFile or the
// sums compiled into this package, and which of the two said so.
func (s *Setup) trustedSum(r release) (sum, source string, err error) {
	sums, source := releaseSums, "the sums compiled into this package (qcompat "+Version+")"
	if s.SumsFile != "" {
		source = "QCOMPAT_RELEASE_SUMS=" + s.SumsFile
		data, err := os.ReadFile(s.SumsFile)
		if err != nil {
			return "", "", fmt.Errorf("cannot read %s: %v", source, err)
		}
		if sums, err = sha256sums.Parse(data, source); err != nil {
			return "", "", err
		}
	}
	if len(sums) == 0 {
		return "", "", fmt.Errorf("%s hold no checksums: qcompat %s is not released yet, so nothing can be installed and verified; set QCOMPAT_RELEASE_SUMS to a SHA256SUMS file you trust, QCOMPAT to a qcompat binary, or build one: %s", source, Version, cargoInstall)
	}
	sum, ok := sums[r.archive]
	if !ok {
		return "", "", fmt.Errorf("qcompat %s has no release archive for %s/%s (%s lists no %s); build it from source: %s", Version, r.goos, r.goarch, source, r.archive, cargoInstall)
	}
	return sum, source, nil
}

// cut shortens s for a message.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
