package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/qcompat/qcompat/fallback-go/internal/releasetest"
	"github.com/qcompat/qcompat/fallback-go/qcompat"
)

// userShell is the environment of a Go user without Rust: PATH holds go
// and nothing else (no cargo, no qcompat), the go env file is empty (no
// GOFLAGS or GOTOOLCHAIN of this machine), and qcompat comes from a release
// base on 127.0.0.1.
func userShell(t *testing.T, url, sums, cache string) []string {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	if goBin, err = filepath.EvalSymlinks(goBin); err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	if err := os.Symlink(goBin, filepath.Join(bin, "go")); err != nil {
		t.Fatal(err)
	}
	goenv := filepath.Join(t.TempDir(), "go.env")
	os.WriteFile(goenv, nil, 0o644)
	env := []string{"PATH=" + bin, "GOENV=" + goenv, "HOME=" + os.Getenv("HOME"), "NO_COLOR=1",
		"QCOMPAT_RELEASE_URL=" + url, "QCOMPAT_RELEASE_SUMS=" + sums, "QCOMPAT_CACHE_DIR=" + cache}
	for _, k := range []string{"GOCACHE", "GOMODCACHE", "GOPATH", "TMPDIR"} {
		if v := os.Getenv(k); v != "" {
			env = append(env, k+"="+v)
		}
	}
	return env
}

func command(env []string, name string, args ...string) (stdout, stderr string, code int) {
	cmd := exec.Command(name, args...)
	cmd.Env, cmd.Dir = env, filepath.Join("..", "..")
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		code = -1
		e.WriteString(err.Error())
	}
	return o.String(), e.String(), code
}

// The "done when": `go run ./cmd/qcompat doctor --json` installs the
// real archive and prints a doctor document; with one byte of the archive
// changed it fails naming the checksum and leaves no executable.
func TestGoRunDoctorInstallsTheRelease(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the shell below is a unix one")
	}
	dir := releasetest.Dir(t)
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()
	cache := t.TempDir()
	env := userShell(t, srv.URL, filepath.Join(dir, "SHA256SUMS"), cache)

	out, errOut, code := command(env, "go", "run", "./cmd/qcompat", "doctor", "--json")
	if code != 0 || !strings.Contains(errOut, "installed qcompat "+qcompat.Version) {
		t.Fatalf("go run ./cmd/qcompat doctor --json: exit %d\n%s\n%s", code, errOut, out)
	}
	var r qcompat.Report
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil || r.Schema != 1 || !r.OK || r.Checks[0].ID != qcompat.CheckGo {
		t.Fatalf("not a doctor document (%v):\n%s", err, out)
	}

	// Arguments, streams and exit status pass through (the command built:
	// go run turns every failure into its own exit status 1).
	exe := filepath.Join(t.TempDir(), "qcompat-go")
	if _, e, code := command(env, "go", "build", "-o", exe, "./cmd/qcompat"); code != 0 {
		t.Fatal(e)
	}
	if o, e, code := command(env, exe, "doctor", "--toolexec", "/bin/true"); code != 1 || !strings.Contains(o, "FAIL toolexec-id") || e != "" {
		t.Errorf("doctor with a failing check: exit %d\n%s\n%s", code, e, o)
	}
	if _, e, code := command(env, exe, "doctor", "--pins", "/nonexistent/pins.yaml"); code != 2 || !strings.Contains(e, "cannot read pins file /nonexistent/pins.yaml") {
		t.Errorf("doctor with a missing pins file: exit %d\n%s", code, e)
	}

	// Installed as qcompat on PATH (go install), it passes over itself and
	// runs the release in the cache; as QCOMPAT it says what is wrong.
	self := filepath.Join(filepath.Dir(exe), "qcompat")
	if err := os.Rename(exe, self); err != nil {
		t.Fatal(err)
	}
	onPath := append(env[1:], "PATH="+filepath.Dir(self)+string(os.PathListSeparator)+strings.TrimPrefix(env[0], "PATH="))
	if o, e, code := command(onPath, self, "--version"); code != 0 || o != "qcompat "+qcompat.Version+"\n" {
		t.Errorf("qcompat (go) on PATH: exit %d\n%s\n%s", code, e, o)
	}
	if _, e, code := command(append(onPath, "QCOMPAT="+self), self, "--version"); code != 2 || !strings.Contains(e, "is this program") {
		t.Errorf("QCOMPAT naming qcompat (go): exit %d\n%s", code, e)
	}

	// One byte changed, a fresh cache.
	bad := t.TempDir()
	name := "qcompat-" + qcompat.Version + "-" + runtime.GOOS + "-" + runtime.GOARCH + ".tar.gz"
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/3] ^= 0x40
	os.WriteFile(filepath.Join(bad, name), data, 0o644)
	badSrv := httptest.NewServer(http.FileServer(http.Dir(bad)))
	defer badSrv.Close()
	cache2 := t.TempDir()
	env = userShell(t, badSrv.URL, filepath.Join(dir, "SHA256SUMS"), cache2)
	out, errOut, code = command(env, "go", "run", "./cmd/qcompat", "doctor", "--json")
	if code == 0 || !strings.Contains(errOut, "sha256 checksum mismatch for "+name) || out != "" {
		t.Fatalf("changed archive: exit %d\n%s\n%s", code, errOut, out)
	}
	filepath.Walk(cache2, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() && !strings.HasSuffix(p, ".lock") {
			t.Errorf("left in the cache: %s", p)
		}
		return nil
	})
}

// Ctrl+C while the download waits on a stalled server ends the command at
// once, with no partial download left in the cache.
func TestInterruptDuringInstall(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("a unix signal")
	}
	dir := releasetest.Dir(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000000")
		w.Write(make([]byte, 1000))
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	defer srv.Close()
	cache := t.TempDir()
	env := userShell(t, srv.URL, filepath.Join(dir, "SHA256SUMS"), cache)
	exe := filepath.Join(t.TempDir(), "qcompat-go")
	if _, e, code := command(env, "go", "build", "-o", exe, "./cmd/qcompat"); code != 0 {
		t.Fatal(e)
	}
	cmd := exec.Command(exe, "--version")
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Interrupt once the download has begun (its temp file exists).
	for i := 0; ; i++ {
		if m, _ := filepath.Glob(filepath.Join(cache, "release", ".download-*")); len(m) > 0 {
			break
		}
		if i == 200 {
			cmd.Process.Kill()
			t.Fatalf("the download never started: %s", stderr.String())
		}
		time.Sleep(25 * time.Millisecond)
	}
	start := time.Now()
	cmd.Process.Signal(os.Interrupt)
	err := cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 || !strings.Contains(stderr.String(), "context canceled") || time.Since(start) > 5*time.Second {
		t.Fatalf("after Ctrl+C: %v after %v\n%s", err, time.Since(start), stderr.String())
	}
	filepath.Walk(cache, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() && !strings.HasSuffix(p, ".lock") {
			t.Errorf("left in the cache: %s", p)
		}
		return nil
	})
}
