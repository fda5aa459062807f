// Package sha256sums reads SHA256SUMS files, for the Go client (trusting
// QCOMPAT_RELEASE_SUMS) and its generator (compiling a release's sums in).
package sha256sums

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"strings"
)

// Parse reads a SHA256SUMS file in sha256sum's format ("<hex>  <name>",
// or "<hex> *<name>"): file name to lower-case hex sha256. source names the
// file in errors.
func Parse(data []byte, source string) (map[string]string, error) {
	sums := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		sum, name, ok := strings.Cut(line, " ")
		name = strings.TrimPrefix(strings.TrimPrefix(name, " "), "*")
		raw, err := hex.DecodeString(sum)
		if !ok || err != nil || len(raw) != 32 || name == "" || strings.ContainsAny(name, "/\\") {
			return nil, fmt.Errorf("%s line %d is not \"<sha256 hex>  <file name>\": %q", source, n, cut(line, 120))
		}
		if _, dup := sums[name]; dup {
			return nil, fmt.Errorf("%s names %s twice", source, name)
		}
		sums[name] = strings.ToLower(sum)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", source, err)
	}
	return sums, nil
}

func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
