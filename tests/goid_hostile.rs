//! fallback-go's goid where it could go wrong (issue 34): runtimes whose `g`
//! differs from the layout goid's offset table was made for (patched copies
//! of go1.26.8's runtime, through `go build -overlay`), on amd64 and 386,
//! with calls from C threads; and two copies of goid under two import paths
//! in one binary, in every build.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A runtime patch: edits of runtime2.go (the g struct) and proc.go (newproc1),
/// each an anchor line and its replacement.
struct Patch {
    name: &'static str,
    runtime2: &'static [(&'static str, &'static str)],
    proc: &'static [(&'static str, &'static str)],
}

const GOID: &str = "\tgoid         uint64\n";
const NEWGOID: &str = "\tnewg.goid = pp.goidcache\n";

/// (a) a field before goid (so at the table's offset) holding the goroutine
/// ID for the first 200 goroutines, stale after; (b) goid moved three words
/// on, and at its old place a creation count, equal to the ID while one P
/// makes all goroutines; (c) a field before goid holding the ID's low 6
/// bits, the ID itself for IDs below 64.
const PATCHES: &[Patch] = &[
    Patch {
        name: "copy-for-early",
        runtime2: &[(GOID, "\tqcDecoy      uint64\n\tgoid         uint64\n")],
        proc: &[(
            NEWGOID,
            "\tnewg.goid = pp.goidcache\n\tif newg.goid <= 200 {\n\t\tnewg.qcDecoy = newg.goid\n\t}\n",
        )],
    },
    Patch {
        name: "moved-count",
        runtime2: &[
            (GOID, "\tqcDecoy      uint64\n"),
            (
                "\twaitreason   waitReason // if status==Gwaiting\n",
                "\twaitreason   waitReason // if status==Gwaiting\n\tgoid         uint64\n",
            ),
        ],
        proc: &[(
            NEWGOID,
            "\tnewg.goid = pp.goidcache\n\tnewg.qcDecoy = qcCount.Add(1)\n",
        )],
    },
    Patch {
        name: "low-bits",
        runtime2: &[(GOID, "\tqcDecoy      uint64\n\tgoid         uint64\n")],
        proc: &[(
            NEWGOID,
            "\tnewg.goid = pp.goidcache\n\tnewg.qcDecoy = newg.goid & 63\n",
        )],
    },
];

/// Added to runtime by every patch: where goid really is (the program prints
/// it, which shows the overlay took effect) and moved-count's counter.
const EXTRA: &str = "package runtime

import (
\t\"internal/runtime/atomic\"
\t\"unsafe\"
)

//go:linkname qcompatTestGoidAt
var qcompatTestGoidAt = unsafe.Offsetof(g{}.goid)

var qcCount atomic.Uint64
";

fn edit(text: &str, edits: &[(&str, &str)], file: &str) -> String {
    let mut out = text.to_string();
    for (anchor, with) in edits {
        assert_eq!(
            out.matches(anchor).count(),
            1,
            "{file}: the anchor {anchor:?} is not there once: go1.26.8's runtime changed?"
        );
        out = out.replacen(anchor, with, 1);
    }
    out
}

/// Writes the patched files and the overlay file that points go build at them.
fn overlay(goroot: &Path, dir: &Path, p: &Patch) -> PathBuf {
    let rt = goroot.join("src/runtime");
    std::fs::create_dir_all(dir).unwrap();
    let mut replace = serde_json::Map::new();
    for (file, edits) in [("runtime2.go", p.runtime2), ("proc.go", p.proc)] {
        let text = std::fs::read_to_string(rt.join(file)).unwrap();
        std::fs::write(dir.join(file), edit(&text, edits, file)).unwrap();
        replace.insert(
            rt.join(file).display().to_string(),
            dir.join(file).display().to_string().into(),
        );
    }
    std::fs::write(dir.join("extra.go"), EXTRA).unwrap();
    replace.insert(
        rt.join("qcompat_test_layout.go").display().to_string(),
        dir.join("extra.go").display().to_string().into(),
    );
    let json = dir.join("overlay.json");
    let doc = serde_json::json!({ "Replace": replace });
    std::fs::write(&json, doc.to_string()).unwrap();
    json
}

fn ok(out: Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what} failed: {}\n{}{}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout) + &text(&out.stderr)
}

/// The goidlayout line's fields.
fn field<'a>(line: &'a str, key: &str) -> &'a str {
    line.split(' ')
        .find_map(|f| f.strip_prefix(key).and_then(|r| r.strip_prefix('=')))
        .unwrap_or_else(|| panic!("no {key}= in {line:?}"))
}

/// The C flags for cgo on `arch`: on 386, the kernel's i386 headers (Debian's
/// linux-libc-dev-i386-cross; gcc-12-multilib has no `asm/`, and Debian's
/// gcc-multilib, which would, cannot be installed beside the aarch64 cross
/// compiler the other tests use).
fn cflags(arch: &str) -> &'static str {
    if arch == "386" {
        "-O2 -g -I/usr/i686-linux-gnu/include"
    } else {
        "-O2 -g"
    }
}

/// Builds tests/goidlayout for `arch` with cgo on the patched runtime, runs
/// its early and late phases, and returns their lines.
fn layout_lines(gobin: &Path, goroot: &Path, dir: &Path, p: &Patch, arch: &str) -> Vec<String> {
    let json = overlay(goroot, &dir.join(format!("{}-{arch}", p.name)), p);
    let mut lines = Vec::new();
    for phase in ["early", "late"] {
        let exe = dir.join(format!("goidlayout-{}-{arch}-{phase}", p.name));
        let built = Command::new(gobin)
            .args(["build", "-o", exe.to_str().unwrap()])
            .arg(format!("-overlay={}", json.display()))
            .arg("-gcflags=all=-dwarf=false")
            .arg(format!("-ldflags=-s -w -X main.phase={phase}"))
            .arg(".")
            .current_dir(repo().join("tests/goidlayout"))
            .env("GOTOOLCHAIN", "local")
            .env("GOFLAGS", "-mod=mod")
            .env("CGO_ENABLED", "1")
            .env("GOARCH", arch)
            .env("CGO_CFLAGS", cflags(arch))
            .output()
            .unwrap();
        ok(built, &format!("goidlayout on {} for {arch}", p.name));
        let out = ok(
            Command::new(&exe).output().unwrap(),
            &exe.display().to_string(),
        );
        let line = out
            .lines()
            .find(|l| l.starts_with("goidlayout phase="))
            .unwrap_or_else(|| panic!("{}: no result line in {out}", exe.display()))
            .to_string();
        lines.push(format!("{} {arch} {line}", p.name));
    }
    lines
}

/// Every patched runtime, amd64 and 386 (386 C threads need gcc's 32-bit
/// multilib, which ci/test.sh installs), early and late calibration: in every
/// goroutine and C-thread callback `ID()` equals runtime.Stack's ID and is
/// never 0, whether the mode is `calibrated` or, where the proof failed,
/// `stack`. Late, with IDs past the decoys' range, the proof finds the real
/// goid: copy-for-early and low-bits end calibrated, at the patched offset.
#[test]
fn patched_runtimes_never_give_a_wrong_id() {
    let gobin = go126();
    let goroot = PathBuf::from(
        ok(
            Command::new(&gobin)
                .args(["env", "GOROOT"])
                .output()
                .unwrap(),
            "go env GOROOT",
        )
        .trim(),
    );
    for (file, package) in [
        (
            "/usr/lib/gcc/x86_64-linux-gnu/12/32/libgcc.a",
            "gcc-12-multilib",
        ),
        (
            "/usr/i686-linux-gnu/include/asm/errno.h",
            "linux-libc-dev-i386-cross",
        ),
    ] {
        assert!(
            Path::new(file).exists(),
            "cgo for linux/386 needs {file}: apt-get install {package} (ci/test.sh does, as root)"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let jobs: Vec<(&Patch, &str)> = PATCHES
        .iter()
        .flat_map(|p| [(p, "amd64"), (p, "386")])
        .collect();
    // Two builds at a time: each compiles runtime (one package, one core) cold.
    let results: Vec<Vec<String>> = std::thread::scope(|s| {
        let halves: Vec<_> = [0, 1]
            .map(|h| {
                let (jobs, gobin, goroot, dir) = (&jobs, &gobin, &goroot, dir.path());
                s.spawn(move || {
                    jobs.iter()
                        .skip(h)
                        .step_by(2)
                        .map(|(p, arch)| layout_lines(gobin, goroot, dir, p, arch))
                        .collect::<Vec<_>>()
                })
            })
            .into_iter()
            .collect();
        halves.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    let all: Vec<String> = results.into_iter().flatten().collect();
    let report = all.join("\n");
    eprintln!("{report}");
    for line in &all {
        let mut words = line.split(' ');
        let (patch, arch) = (words.next().unwrap(), words.next().unwrap());
        let stock = if arch == "386" { "80" } else { "152" };
        let at = field(line, "goid-at");
        assert!(
            at != "0" && at != stock,
            "the patch did not take effect: {line}"
        );
        assert!(
            field(line, "checked").parse::<u32>().unwrap() >= 5033,
            "{line}"
        );
        // In every mode: calibrated, or stack once the proof failed.
        assert_eq!(field(line, "wrong"), "0", "wrong IDs:\n{report}");
        assert_eq!(field(line, "zero"), "0", "0 returned:\n{report}");
        if field(line, "phase") == "late" && patch != "moved-count" {
            assert_eq!(field(line, "mode"), "calibrated", "{line}");
        }
    }
}

const TWO_COPIES_MAIN: &str = r#"// Command twocopies uses two copies of package goid, the module's and a fork
// under another import path, and checks both against runtime.Stack.
package main

import (
	"runtime"

	a "github.com/qcompat/qcompat/fallback-go/goid"
	b "twocopies/fork/goid"
)

func stackID() uint64 {
	var buf [64]byte
	id, _ := a.FromStack(buf[:runtime.Stack(buf[:], false)])
	return id
}

func check() bool {
	want := stackID()
	return want != 0 && a.ID() == want && b.ID() == want
}

func main() {
	results := make(chan bool, 64)
	for i := 0; i < 64; i++ {
		go func() { results <- check() }()
	}
	wrong := 0
	if !check() {
		wrong++
	}
	for i := 0; i < 64; i++ {
		if !<-results {
			wrong++
		}
	}
	println("twocopies mode-a=" + string(a.CurrentMode()) + " mode-b=" + string(b.CurrentMode()) +
		" injected=" + map[bool]string{true: "yes", false: "no"}[a.Injected() && b.Injected()] +
		" wrong=" + string(rune('0'+min(wrong, 9))))
}

func min(x, y int) int {
	if x < y {
		return x
	}
	return y
}
"#;

/// Copies goid and the internal packages it imports into `fork/` of the
/// module at `dir`, under the import path `twocopies/fork/...`.
fn fork_goid(dir: &Path) {
    let src = repo().join("fallback-go");
    for pkg in ["goid", "internal/calib", "internal/stackid"] {
        let to = dir.join("fork").join(pkg);
        std::fs::create_dir_all(&to).unwrap();
        for e in std::fs::read_dir(src.join(pkg)).unwrap() {
            let path = e.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_string();
            if !(name.ends_with(".go") || name.ends_with(".s")) || name.ends_with("_test.go") {
                continue;
            }
            let text = std::fs::read_to_string(&path)
                .unwrap()
                .replace("github.com/qcompat/qcompat/fallback-go/", "twocopies/fork/");
            std::fs::write(to.join(name), text).unwrap();
        }
    }
}

/// Two copies of goid in one binary link and give runtime.Stack's IDs, in
/// the default build, with qcompat_nocalibrate and qcompat_stack, and through
/// qcompat's injector (default build and qcompat_injected).
#[test]
fn two_copies_of_goid_link_in_one_binary() {
    let dir = tempfile::tempdir().unwrap();
    let m = dir.path();
    std::fs::write(
        m.join("go.mod"),
        format!(
            "module twocopies\n\ngo 1.19\n\nrequire github.com/qcompat/qcompat/fallback-go v0.0.0\n\n\
             replace github.com/qcompat/qcompat/fallback-go => {}\n",
            repo().join("fallback-go").display()
        ),
    )
    .unwrap();
    std::fs::write(m.join("main.go"), TWO_COPIES_MAIN).unwrap();
    fork_goid(m);
    let te = format!("-toolexec={} toolexec", qcompat().display());
    let builds: [(&str, &[&str], &str); 5] = [
        (
            "default",
            &[],
            "mode-a=calibrated mode-b=calibrated injected=no",
        ),
        (
            "qcompat_nocalibrate",
            &["-tags=qcompat_nocalibrate"],
            "mode-a=stack mode-b=stack injected=no",
        ),
        (
            "qcompat_stack",
            &["-tags=qcompat_stack"],
            "mode-a=stack mode-b=stack injected=no",
        ),
        (
            "default through the injector",
            &[&te],
            "mode-a=injected mode-b=injected injected=yes",
        ),
        (
            "qcompat_injected through the injector",
            &["-tags=qcompat_injected", &te],
            "mode-a=injected mode-b=injected injected=yes",
        ),
    ];
    let mut failures = Vec::new();
    for (label, flags, want) in builds {
        let exe = m.join(format!("twocopies-{}", label.replace(' ', "-")));
        let built = Command::new(go126())
            .args(["build", "-o", exe.to_str().unwrap()])
            .args(flags)
            .arg(".")
            .current_dir(m)
            .env("GOTOOLCHAIN", "local")
            .env("GOFLAGS", "-mod=mod")
            .env("CGO_ENABLED", "0")
            .output()
            .unwrap();
        if !built.status.success() {
            failures.push(format!(
                "{label}: the build failed:\n{}",
                text(&built.stderr)
            ));
            continue;
        }
        let out = ok(Command::new(&exe).output().unwrap(), label);
        let want = format!("twocopies {want} wrong=0");
        if !out.contains(&want) {
            failures.push(format!("{label}: want {want:?}, got {out}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
