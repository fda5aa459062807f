package qcompat

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// ErrNotFound is wrapped by Locate's error when no usable qcompat is there.
var ErrNotFound = errors.New("qcompat not found")

// Source is where a [Binary] was found.
type Source string

// Sources.
const (
	FromEnv   Source = "QCOMPAT"
	FromPATH  Source = "PATH"
	FromCache Source = "cache"
)

// Binary is a qcompat to run.
type Binary struct {
	Path    string
	Version string
	Source  Source
	// For an installed release: the archive kept beside it, its trusted
	// sum, and where that sum came from.
	rel     release
	archive string
	sum     string
	sumFrom string
}

// Verify checks an installed release again: the archive kept beside the
// binary must have the trusted sha256, and the binary the bytes of the
// archive's. A binary found through QCOMPAT or PATH is the user's own and
// is not checked.
func (b *Binary) Verify() error {
	if b.Source != FromCache {
		return nil
	}
	got, err := fileSum(b.archive)
	if err == nil && got != b.sum {
		err = fmt.Errorf("%s has sha256 %s, %s say %s", b.archive, got, b.sumFrom, b.sum)
	}
	var want, have string
	if err == nil {
		want, err = memberSum(b.archive, b.rel)
	}
	if err == nil {
		have, err = fileSum(b.Path)
	}
	if err == nil && have != want {
		err = fmt.Errorf("%s is not the binary of its release archive (sha256 %s, the archive's is %s): it was changed after install", b.Path, have, want)
	}
	if err != nil {
		return fmt.Errorf("installed qcompat failed its checksum, so it is not run: %v; run again to reinstall it", err)
	}
	return nil
}

// Command is an exec.Cmd that runs the binary with args, after Verify.
func (b *Binary) Command(ctx context.Context, args ...string) (*exec.Cmd, error) {
	if err := b.Verify(); err != nil {
		return nil, err
	}
	return exec.CommandContext(ctx, b.Path, args...), nil
}

// Locate finds a qcompat without installing: Binary (QCOMPAT), else one on
// PATH, else this package's install in the cache. A binary older than
// [Version] named by QCOMPAT is an error; one on PATH is reported (an
// EventSkipped) and passed over. With none usable the error wraps
// [ErrNotFound].
func (s Setup) Locate(ctx context.Context) (*Binary, error) {
	if s.Binary != "" {
		if isSelf(s.Binary) {
			return nil, fmt.Errorf("QCOMPAT=%s is this program, not qcompat: point it at the qcompat binary, or unset it", s.Binary)
		}
		v, err := binaryVersion(ctx, s.Binary)
		if err != nil {
			return nil, fmt.Errorf("QCOMPAT=%s: %v", s.Binary, err)
		}
		if older(v, Version) {
			return nil, fmt.Errorf("QCOMPAT=%s is qcompat %s, older than %s, which this program needs: update it, or unset QCOMPAT to let this program install %s", s.Binary, v, Version, Version)
		}
		return &Binary{Path: s.Binary, Version: v, Source: FromEnv}, nil
	}
	var why []string
	if p := lookPath(s.PATH); p != "" {
		v, err := binaryVersion(ctx, p)
		switch {
		case err != nil:
			why = append(why, fmt.Sprintf("%s on PATH: %v", p, err))
		case older(v, Version):
			why = append(why, fmt.Sprintf("%s on PATH is qcompat %s, older than %s", p, v, Version))
		default:
			return &Binary{Path: p, Version: v, Source: FromPATH}, nil
		}
		s.report(Event{Kind: EventSkipped, Path: p, Version: v, Message: "passed over " + why[len(why)-1]})
	}
	r := s.release()
	root, err := s.installRoot()
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, strings.Join(append(why, err.Error()), "; "))
	}
	dir := filepath.Join(root, r.name)
	if _, err := os.Stat(dir); err != nil {
		why = append(why, "no install in "+dir)
		return nil, fmt.Errorf("%w: %s", ErrNotFound, strings.Join(why, "; "))
	}
	sum, sumFrom, err := s.trustedSum(r)
	if err != nil {
		return nil, err
	}
	b := &Binary{Path: filepath.Join(dir, r.exe), Version: Version, Source: FromCache, rel: r, archive: filepath.Join(dir, r.archive), sum: sum, sumFrom: sumFrom}
	if err := b.Verify(); err != nil {
		s.report(Event{Kind: EventReinstalling, Path: dir, Message: err.Error()})
		return nil, fmt.Errorf("%w: %s", ErrNotFound, strings.Join(append(why, err.Error()), "; "))
	}
	return b, nil
}

// lookPath is the first qcompat executable in the PATH list path that is
// not this program: `go install .../cmd/qcompat` puts the Go command, named
// qcompat too, on PATH, and asking it for its version would start it again.
func lookPath(path string) string {
	name := "qcompat"
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	for _, dir := range filepath.SplitList(path) {
		if dir == "" || !filepath.IsAbs(dir) {
			continue // a relative PATH entry would run what the working folder holds
		}
		p := filepath.Join(dir, name)
		st, err := os.Stat(p)
		if err != nil || !st.Mode().IsRegular() || (runtime.GOOS != "windows" && st.Mode()&0o111 == 0) {
			continue
		}
		if isSelf(p) {
			continue
		}
		return p
	}
	return ""
}

// binaryVersion asks a qcompat for its version ("qcompat X.Y.Z").
func binaryVersion(ctx context.Context, path string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var out, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, path, "--version")
	cmd.Stdout, cmd.Stderr = &limited{w: &out, n: 4096}, &limited{w: &stderr, n: 4096}
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("`%s --version` failed: %v %s", path, err, safe(strings.TrimSpace(stderr.String())))
	}
	f := strings.Fields(out.String())
	if len(f) != 2 || f[0] != "qcompat" || parseVersion(f[1]) == nil {
		return "", fmt.Errorf("`%s --version` printed %q, not \"qcompat X.Y.Z\": not a qcompat", path, cut(out.String(), 80))
	}
	return f[1], nil
}

// parseVersion reads X.Y.Z (a pre-release suffix ignored), nil if not one.
func parseVersion(v string) []int {
	v, _, _ = strings.Cut(v, "-")
	parts := strings.Split(v, ".")
	if len(parts) != 3 {
		return nil
	}
	out := make([]int, 3)
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return nil
		}
		out[i] = n
	}
	return out
}

// older reports whether version a is older than b.
func older(a, b string) bool {
	x, y := parseVersion(a), parseVersion(b)
	if x == nil || y == nil {
		return true
	}
	for i := range x {
		if x[i] != y[i] {
			return x[i] < y[i]
		}
	}
	return false
}

// limited keeps the first n bytes written and drops the rest.
type limited struct {
	w *bytes.Buffer
	n int
}

func (l *limited) Write(p []byte) (int, error) {
	if room := l.n - l.w.Len(); room > 0 {
		if len(p) < room {
			room = len(p)
		}
		l.w.Write(p[:room])
	}
	return len(p), nil
}

// isSelf reports whether path is this program's executable.
func isSelf(path string) bool {
	exe, err := os.Executable()
	if err != nil {
		return false
	}
	a, err1 := os.Stat(exe)
	b, err2 := os.Stat(path)
	return err1 == nil && err2 == nil && os.SameFile(a, b)
}
