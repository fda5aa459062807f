package qcompat

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Doctor and Select through the release installed from the real archive:
// documents for exit 0 and 1, an ExitError with qcompat's message for 2,
// and WriteText equal to what `qcompat doctor` prints itself.
func TestDoctorAndSelectThroughTheRelease(t *testing.T) {
	rr := packed(t)
	srv := serve(t, rr.archive, nil)
	s, _ := newSetup(t, srv.URL, rr.sums)
	ctx := context.Background()
	b, err := s.Install(ctx)
	if err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "QCOMPAT_CACHE_DIR="+s.CacheDir, "NO_COLOR=1")
	opts := Options{Qcompat: b, Env: env}

	r, err := Doctor(ctx, DoctorOptions{Options: opts})
	if err != nil || r.Schema != 1 || len(r.Checks) == 0 || r.Checks[0].ID != CheckGo {
		t.Fatalf("Doctor: %+v %v", r, err)
	}
	var text strings.Builder
	if err := r.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(b.Path, "doctor")
	cmd.Env = env
	want, _ := cmd.Output() // exit 1 is a report too
	if text.String() != string(want) {
		t.Errorf("WriteText differs from qcompat doctor:\nwant:\n%s\ngot:\n%s", want, text.String())
	}

	failing := opts
	failing.Toolexec = "/bin/true"
	r, err = Doctor(ctx, DoctorOptions{Options: failing})
	if err != nil || r.OK {
		t.Fatalf("Doctor --toolexec /bin/true: %+v %v", r, err)
	}
	var failed []CheckID
	for _, c := range r.Checks {
		if c.Status == LevelFail {
			failed = append(failed, c.ID)
		}
	}
	if len(failed) != 1 || failed[0] != CheckToolexecID {
		t.Errorf("failed checks %v, want [toolexec-id]", failed)
	}

	noGo := opts
	noGo.Go = filepath.Join(t.TempDir(), "no-go")
	r, err = Doctor(ctx, DoctorOptions{Options: noGo})
	if err != nil || r.OK || r.Checks[0].Status != LevelFail || r.Selection != nil {
		t.Fatalf("Doctor --go missing: %+v %v", r, err)
	}

	bad := opts
	bad.Pins = filepath.Join(t.TempDir(), "no-pins.yaml")
	_, err = Doctor(ctx, DoctorOptions{Options: bad})
	var exit *ExitError
	if !errors.As(err, &exit) || exit.Code != 2 || !strings.Contains(exit.Stderr, "no-pins.yaml") {
		t.Fatalf("Doctor --pins missing: %v", err)
	}
	if regexp.MustCompile(`[\x00-\x08\x0b-\x1f]`).MatchString(err.Error()) {
		t.Errorf("control characters in %q", err)
	}

	sel, err := Select(ctx, SelectOptions{Options: opts, Offline: true})
	if err != nil || !sel.Strategy.Known() || sel.Schema != 1 {
		t.Fatalf("Select --offline: %+v %v", sel, err)
	}
	if _, err := Select(ctx, SelectOptions{Options: Options{Qcompat: b, Builds: []BuildKind{BuildTest}}}); err == nil {
		t.Error("Select with Builds but no Verify ran")
	}

	// Every flag the options turn into is one the command's help names.
	all := Options{Go: "g", Toolexec: "t", ToolexecPackage: "p", ToolexecDir: "d", Program: "P", Pins: "f", Builds: []BuildKind{BuildTest}, Timeout: time.Second}
	for command, args := range map[string][]string{
		"doctor": append(all.args("doctor"), "--deep"),
		"select": append(all.args("select"), "--offline", "--verify"),
	} {
		help, err := exec.Command(b.Path, command, "--help").Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range args[1:] {
			flag, _, _ := strings.Cut(a, "=")
			if !strings.Contains(string(help), flag+" ") && !strings.Contains(string(help), flag+"\n") {
				t.Errorf("qcompat %s --help does not name %s", command, flag)
			}
		}
	}
}

// Version is Cargo.toml's: `go generate ./qcompat` was run after a bump.
func TestVersionIsCargos(t *testing.T) {
	toml, err := os.ReadFile("../../Cargo.toml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^version\s*=\s*"(.*)"`).FindSubmatch(toml)
	if m == nil || string(m[1]) != Version {
		t.Fatalf("Cargo.toml says %q, release.go %q: run `go generate ./qcompat` in fallback-go", m, Version)
	}
}
