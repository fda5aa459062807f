package qcompat

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
)

// releaseScript runs ci/release.sh OUT with a small stand-in binary.
func releaseScript(t *testing.T, out string, env ...string) (string, error) {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "qcompat")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\necho qcompat "+Version+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", filepath.Join("..", "..", "ci", "release.sh"), out)
	cmd.Env = append(os.Environ(), append([]string{"QCOMPAT_RELEASE_BIN=" + bin, "SOURCE_DATE_EPOCH=1700000000"}, env...)...)
	b, err := cmd.CombinedOutput()
	return string(b), err
}

// The archive is the contract's (one top folder; the binary, README.md and
// the licences that exist; owner 0; one date), the same bytes when packed
// twice, and SHA256SUMS lists every archive of the folder.
func TestReleaseScriptPacksTheContractsArchive(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("ci/release.sh runs under bash on the release runners")
	}
	a, b := t.TempDir(), t.TempDir()
	for _, dir := range []string{a, b} {
		if out, err := releaseScript(t, dir); err != nil {
			t.Fatalf("ci/release.sh: %v\n%s", err, out)
		}
	}
	name := "qcompat-" + Version + "-" + runtime.GOOS + "-" + runtime.GOARCH
	first, err := os.ReadFile(filepath.Join(a, name+".tar.gz"))
	if err != nil {
		t.Fatal(err)
	}
	second, _ := os.ReadFile(filepath.Join(b, name+".tar.gz"))
	if !bytes.Equal(first, second) {
		t.Error("two packs of one binary differ")
	}
	hs, _ := readTarGz(t, first)
	var names []string
	for _, h := range hs {
		if h.Uid != 0 || h.Gid != 0 || h.ModTime.Unix() != 1700000000 {
			t.Errorf("%s: uid %d gid %d mtime %v", h.Name, h.Uid, h.Gid, h.ModTime)
		}
		if h.Name == name+"/qcompat" && h.Mode != 0o755 {
			t.Errorf("binary mode %o", h.Mode)
		}
		names = append(names, h.Name)
	}
	want := []string{name + "/", name + "/README.md", name + "/qcompat"}
	for _, l := range []string{"LICENSE-APACHE", "LICENSE-MIT"} {
		if _, err := os.Stat(filepath.Join("..", "..", l)); err == nil {
			want = append(want, name+"/"+l)
		}
	}
	sort.Strings(want)
	if got, w := strings.Join(names, " "), strings.Join(want, " "); got != w {
		t.Errorf("entries %s, want %s", got, w)
	}

	// A second platform into the same folder: SHA256SUMS lists both, and
	// the windows zip installs (unpacked and verified, not run here).
	if out, err := releaseScript(t, a, "QCOMPAT_RELEASE_PLATFORM=windows-amd64"); err != nil {
		t.Fatalf("ci/release.sh windows-amd64: %v\n%s", err, out)
	}
	sums, _ := os.ReadFile(filepath.Join(a, "SHA256SUMS"))
	if lines := strings.Split(strings.TrimSpace(string(sums)), "\n"); len(lines) != 2 || !strings.HasSuffix(lines[1], "qcompat-"+Version+"-windows-amd64.zip") {
		t.Fatalf("SHA256SUMS:\n%s", sums)
	}
	srv := serve(t, nil, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		http.ServeFile(w, r, filepath.Join(a, filepath.Base(r.URL.Path)))
	})
	s, _ := newSetup(t, srv.URL, filepath.Join(a, "SHA256SUMS"))
	s.GOOS, s.GOARCH = "windows", "amd64"
	bin, err := s.Install(context.Background())
	if err != nil || filepath.Base(bin.Path) != "qcompat.exe" {
		t.Fatalf("windows zip: %+v %v", bin, err)
	}
	if err := bin.Verify(); err != nil {
		t.Fatal(err)
	}

	for env, want := range map[string]string{
		"QCOMPAT_RELEASE_PLATFORM=plan9-386":  "not a release platform",
		"QCOMPAT_RELEASE_BIN=/nonexistent/qc": "/nonexistent/qc is not an executable file",
	} {
		if out, err := releaseScript(t, a, env); err == nil || !strings.Contains(out, want) {
			t.Errorf("%s: %v\n%s", env, err, out)
		}
	}
	if out, err := releaseScript(t, ""); err == nil || !strings.Contains(out, "usage: ci/release.sh OUTDIR") {
		t.Errorf("no OUTDIR: %v\n%s", err, out)
	}
}
