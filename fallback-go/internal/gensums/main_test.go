package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGeneratesVersionAndSums(t *testing.T) {
	dir := t.TempDir()
	cargo, sums, out := filepath.Join(dir, "Cargo.toml"), filepath.Join(dir, "SHA256SUMS"), filepath.Join(dir, "release.go")
	os.WriteFile(cargo, []byte("[package]\nname = \"qcompat\"\nversion = \"1.2.3\"\n"), 0o644)
	sum := strings.Repeat("ab", 32)
	os.WriteFile(sums, []byte(sum+"  qcompat-1.2.3-linux-amd64.tar.gz\n"), 0o644)
	if err := run(cargo, sums, out); err != nil {
		t.Fatal(err)
	}
	src, _ := os.ReadFile(out)
	for _, want := range []string{`const Version = "1.2.3"`, `"qcompat-1.2.3-linux-amd64.tar.gz": "` + sum + `"`, "DO NOT EDIT"} {
		if !strings.Contains(string(src), want) {
			t.Errorf("release.go lacks %s:\n%s", want, src)
		}
	}
	if err := run(cargo, "", out); err != nil {
		t.Fatal(err)
	}
	if src, _ := os.ReadFile(out); !strings.Contains(string(src), "not released yet") {
		t.Errorf("unreleased:\n%s", src)
	}
	os.WriteFile(sums, []byte("nonsense\n"), 0o644)
	if err := run(cargo, sums, out); err == nil {
		t.Error("a bad SHA256SUMS was accepted")
	}
}

// The committed release.go is what the generator writes for Cargo.toml's
// version when it carries no sums.
func TestCommittedReleaseGo(t *testing.T) {
	committed, err := os.ReadFile("../../qcompat/release.go")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(committed), "not released yet") {
		out := filepath.Join(t.TempDir(), "release.go")
		if err := run("../../../Cargo.toml", "", out); err != nil {
			t.Fatal(err)
		}
		if want, _ := os.ReadFile(out); string(want) != string(committed) {
			t.Fatalf("qcompat/release.go is not gensums' output: run `go generate ./qcompat`")
		}
	}
}
