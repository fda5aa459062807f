//! Why an injected build failed, and what fixes it: one place that reads the
//! go command's output and names the failure class, for doctor's checks,
//! select's reasons and the matrix's cell notes alike.

use crate::go::linkname::{undefined_accessor, INVALID_REFERENCE};
use serde::{Deserialize, Serialize};

/// How a fix says what to build with until the injector is fixed; doctor
/// names goid's default build instead where the selection is calibrated.
pub const STACK_UNTIL: &str = "build with the stack strategy (-tags=qcompat_stack)";

/// The failure classes a user of an injector can hit (the book's
/// docs/src/failures.md has a section per class: keep them in step).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    /// The injector leaves `-V=full` unchanged, so a plain `runtime.a` from
    /// the shared build cache was linked.
    SharedCache,
    /// Go <= 1.19 took the precompiled `$GOROOT/pkg/<os>_<arch>/runtime.a`
    /// and never ran the injector for runtime.
    PrecompiledStd,
    /// The injector's file does not compile in this runtime.
    RuntimeFile,
    /// The injector was built by an older Go and cannot read this Go's
    /// export data.
    ExportData,
    /// Two injectors both add `runtime.GoroutineID`.
    #[serde(rename = "chained-injectors")]
    Chained,
    /// The symbol is missing although the injector alters `-V=full`: it did
    /// not add it.
    NotInjected,
    /// The linker refused a pull linkname (Go 1.23+ policy).
    Linkname,
    /// The machine, not the injector: no usable build cache, work folder or
    /// disk space.
    Environment,
    /// The program ran and the accessor returned an ID that is not the
    /// goroutine's (the probe compares it with `runtime.Stack`'s).
    WrongId,
    /// A failure no other class explains: the evidence is the go command's
    /// (or the program's) output.
    Unknown,
    /// The go command refused the injector's `compile -V=full` line.
    BadToolId,
    /// The go command refuses the toolchain itself: a build without the
    /// injector fails too.
    ToolchainBroken,
}

impl Class {
    /// The serde name (as in the JSON, the YAML and the schemas).
    pub fn name(self) -> &'static str {
        crate::support::serde_name::of(&self)
    }
}

/// A failure explained: its class, the go command's line that shows it, what
/// happened, and the fix that works for this injector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnosis {
    pub class: Class,
    pub evidence: String,
    pub explanation: String,
    pub fix: String,
}

impl Diagnosis {
    /// One line for a report note or a reason.
    pub fn line(&self) -> String {
        format!(
            "{} ({}); fix: {}",
            self.explanation,
            self.class.name(),
            self.fix
        )
    }
}

/// What is known about the build that failed.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// `go1.19.8`
    pub go: String,
    /// The injector alters `compile -V=full` (None: not known).
    pub salted: crate::inject::facts::Salting,
    /// The toolchain ships a precompiled runtime.a for the target platform.
    pub precompiled_std: bool,
    /// The build used a GOCACHE of its own, which no plain build shares.
    pub private_gocache: bool,
    /// qcompat's own injector.
    pub builtin: bool,
    /// The Go that built the injector, when known (`go1.26.8`).
    pub injector_built_by: Option<String>,
    /// `g.goid`'s type in this runtime (`int64`), when known.
    pub goid_type: Option<String>,
}

/// Names the failure class of a failed build's output, if it is one of ours.
pub fn diagnose(stderr: &str, cx: &Context) -> Option<Diagnosis> {
    tool_failure(stderr, cx).or_else(|| missing_accessor(stderr, cx))
}

/// Failures before the link: the machine, the injector's tool ID, its
/// export data reader, two injectors, the companion file.
fn tool_failure(stderr: &str, cx: &Context) -> Option<Diagnosis> {
    let find = |pat: &str| stderr.lines().find(|l| l.contains(pat)).map(str::trim);
    let go = cx.go.as_str();
    const ENVIRONMENT: [&str; 6] = [
        "failed to initialize build cache",
        "creating work dir",
        "GOCACHE is not defined",
        "no space left on device",
        "disk quota exceeded",
        "read-only file system",
    ];
    if let Some(l) = ENVIRONMENT.iter().find_map(|p| find(p)) {
        return Some(Diagnosis {
            class: Class::Environment,
            evidence: l.to_string(),
            explanation: "the go command could not work on this machine (build cache, work folder or disk): the injector was never tried".into(),
            fix: "make GOCACHE and TMPDIR writable with free space, then run again".into(),
        });
    }
    if let Some(l) = find("parsing buildID from") {
        return Some(Diagnosis {
            class: Class::BadToolId,
            evidence: l.to_string(),
            explanation: "the go command refused the injector's answer to `compile -V=full` (not `compile version ...`, or a devel line whose last field is not buildID=), so no package was built".into(),
            fix: "the injector must print the compiler's `-V=full` line unchanged or with a field appended, and on devel toolchains keep `buildID=` the last field (salt its content instead)".into(),
        });
    }
    if let Some(l) = find("export data version").or_else(|| find("cannot decode \"")) {
        let by = cx
            .injector_built_by
            .as_deref()
            .map(|b| format!(" (it was built by {b})"))
            .unwrap_or_default();
        return Some(Diagnosis {
            class: Class::ExportData,
            evidence: l.to_string(),
            explanation: format!(
                "the injector crashed reading {go}'s export data: it was built by an older Go{by} than the toolchain it wraps"
            ),
            fix: format!(
                "rebuild the injector with {go} (e.g. `go install` it with this toolchain); in a matrix, let qcompat build it per toolchain"
            ),
        });
    }
    if let Some(l) = find("GoroutineID redeclared") {
        return Some(Diagnosis {
            class: Class::Chained,
            evidence: l.to_string(),
            explanation: "two injectors each add runtime.GoroutineID to the same runtime build".into(),
            fix: "let one injector own runtime.GoroutineID: chain only injectors that do not both add it (with q, q's own accessor is enough)".into(),
        });
    }
    if let Some(l) = runtime_file_error(stderr) {
        let goid = l.contains("goid");
        let explanation = match (goid, cx.goid_type.as_deref()) {
            (true, Some(t)) => format!(
                "the injector's file does not compile in {go}'s runtime: g.goid is {t} there and the file returns it as another type without a conversion"
            ),
            _ => format!("the injector's file does not compile in {go}'s runtime"),
        };
        let fix = if goid {
            format!("the injector must convert: `return uint64(getg().goid)`; until it does, {STACK_UNTIL} on {go}")
        } else {
            format!("fix the injector's runtime file for {go}; until then, {STACK_UNTIL}")
        };
        return Some(Diagnosis {
            class: Class::RuntimeFile,
            evidence: l.to_string(),
            explanation,
            fix,
        });
    }
    None
}

/// Failures at the link (or the load): the accessor missing from runtime.a,
/// or a pull linkname refused.
fn missing_accessor(stderr: &str, cx: &Context) -> Option<Diagnosis> {
    let go = cx.go.as_str();
    if let Some(l) = undefined_accessor(stderr) {
        let l = l.to_string();
        if cx.salted == crate::inject::facts::Salting::Unsalted && cx.precompiled_std {
            return Some(Diagnosis {
                class: Class::PrecompiledStd,
                evidence: l,
                explanation: format!(
                    "{go} ships runtime precompiled in $GOROOT/pkg for this platform and the injector leaves `compile -V=full` unchanged, so the go command links that runtime.a and never runs the injector for runtime; a fresh GOCACHE does not change that (cross builds, which compile runtime, do run it)"
                ),
                fix: "pass -a to go build so std is rebuilt through the injector, or use an injector that alters `compile -V=full` (its tool ID then makes the precompiled runtime stale)".into(),
            });
        }
        if cx.salted == crate::inject::facts::Salting::Unsalted && !cx.private_gocache {
            return Some(Diagnosis {
                class: Class::SharedCache,
                evidence: l,
                explanation: "the injector leaves `compile -V=full` unchanged, so injected and plain builds share build-cache entries and a plain runtime.a was linked".into(),
                fix: "give injected builds a GOCACHE of their own (`select --toolexec INJECTOR --format env` prints GOFLAGS and GOCACHE lines for that), or use an injector that alters `compile -V=full` (appends a salt of its own, as garble and orchestrion do)".into(),
            });
        }
        return Some(Diagnosis {
            class: Class::NotInjected,
            evidence: l,
            explanation: "the injector ran but did not add runtime.GoroutineID to package runtime"
                .into(),
            fix: if cx.builtin {
                "report this to qcompat with the command above".into()
            } else {
                "check that the injector appends its file when the compiler builds package runtime (`-p runtime`, also inside @file response files)".into()
            },
        });
    }
    if let Some(l) = stderr
        .lines()
        .find(|l| l.contains(INVALID_REFERENCE))
        .map(str::trim)
    {
        return Some(Diagnosis {
            class: Class::Linkname,
            evidence: l.to_string(),
            explanation: format!("{go}'s linker refused a pull linkname into the standard library (Go 1.23+ policy)"),
            fix: "the injected file must mark the symbol with a one-argument `//go:linkname GoroutineID` (a push); `-ldflags=-checklinkname=0` only hides this".into(),
        });
    }
    None
}

/// A run whose accessor gave wrong IDs: `line` is the probe's
/// (`qcompat-probe ok=false ... mismatch=...`).
pub fn wrong_id(line: &str, cx: &Context) -> Diagnosis {
    Diagnosis {
        class: Class::WrongId,
        evidence: line.trim().to_string(),
        explanation: format!(
            "the program linked and ran on {}, but runtime.GoroutineID returned IDs that are not the goroutines' (compared with runtime.Stack's)",
            cx.go
        ),
        fix: if cx.builtin {
            "report this to qcompat with the command above".into()
        } else {
            format!("the injector's runtime.GoroutineID must return the current g's goid (`uint64(getg().goid)`); until it does, {STACK_UNTIL}")
        },
    }
}

/// A failure no class explains: the first line of its output that says
/// something (an error, a panic), else the first line, as evidence.
pub fn unknown(output: &str) -> Diagnosis {
    let lines = || output.lines().map(str::trim).filter(|l| !l.is_empty());
    let telling = lines().find(|l| {
        let l = l.to_ascii_lowercase();
        [
            "error",
            "panic",
            "fatal",
            "failed",
            "cannot",
            "undefined",
            "not ",
        ]
        .iter()
        .any(|w| l.contains(w))
    });
    let evidence = telling
        .or_else(|| lines().find(|l| !l.starts_with("# ")))
        .or_else(|| lines().next())
        .unwrap_or("(no output)");
    Diagnosis {
        class: Class::Unknown,
        evidence: evidence.chars().take(300).collect(),
        explanation: "no known failure class matches this output; the excerpt shows what the go command or the program said".into(),
        fix: "read the excerpt and the command; if the injector is at fault, report it with them".into(),
    }
}

/// The first compile error the go command reports under `# runtime` that is
/// not in GOROOT's own runtime sources, i.e. in a file an injector added.
fn runtime_file_error(stderr: &str) -> Option<&str> {
    let mut in_runtime = false;
    for l in stderr.lines() {
        if let Some(pkg) = l.strip_prefix("# ") {
            in_runtime = pkg.trim() == "runtime";
            continue;
        }
        if !in_runtime {
            continue;
        }
        let t = l.trim();
        // `/tmp/x/inject.go:5:40: cannot use ...`
        if let Some((file, _)) = t.split_once(".go:") {
            if !file.contains("/src/runtime/") {
                return Some(t);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inject::facts::Salting;

    fn cx(salted: Salting, precompiled: bool) -> Context {
        Context {
            go: "go1.19.8".into(),
            salted,
            precompiled_std: precompiled,
            private_gocache: false,
            builtin: false,
            injector_built_by: Some("go1.26.8".into()),
            goid_type: Some("int64".into()),
        }
    }

    #[test]
    fn classes() {
        let reloc = "# example\nmain.main: relocation target runtime.GoroutineID not defined\n";
        let c = |s, x: &Context| diagnose(s, x).map(|d| d.class);
        assert_eq!(
            c(reloc, &cx(Salting::Unsalted, true)),
            Some(Class::PrecompiledStd)
        );
        assert_eq!(
            c(reloc, &cx(Salting::Unsalted, false)),
            Some(Class::SharedCache)
        );
        assert_eq!(
            c(reloc, &cx(Salting::Salted, false)),
            Some(Class::NotInjected)
        );
        // In a GOCACHE of its own, no plain runtime.a can be the cause.
        let mut own = cx(Salting::Unsalted, false);
        own.private_gocache = true;
        assert_eq!(c(reloc, &own), Some(Class::NotInjected));
        let b = diagnose(reloc, &cx(Salting::Unsalted, true)).unwrap();
        assert!(b.fix.contains("-a"), "{b:?}");
        assert!(
            !b.fix.contains("GOCACHE="),
            "a fresh cache does not help: {b:?}"
        );

        let int64 = "# runtime\n/tmp/go-build1/inj/goid.go:7:40: cannot use getg().goid (variable of type int64) as type uint64 in return statement\n";
        let d = diagnose(int64, &cx(Salting::Unsalted, true)).unwrap();
        assert_eq!(d.class, Class::RuntimeFile);
        assert!(d.explanation.contains("g.goid is int64"), "{d:?}");
        assert!(d.fix.contains("uint64(getg().goid)"));
        // An error in GOROOT's own runtime is not the injector's file.
        assert_eq!(
            c(
                "# runtime\n/usr/lib/go/src/runtime/proc.go:1:1: boom\n",
                &cx(Salting::Unknown, false)
            ),
            None
        );

        let panic = "# runtime/internal/sys\npanic: cannot decode \"fmt\", export data version 5 is greater than maximum supported version 2\n\ngoroutine 1 [running]:\n";
        let d = diagnose(panic, &cx(Salting::Unknown, false)).unwrap();
        assert_eq!(d.class, Class::ExportData);
        assert!(d.explanation.contains("built by go1.26.8"));
        assert!(d.evidence.starts_with("panic: cannot decode"));

        assert_eq!(
            c(
                "# runtime\n/tmp/b.go:9:6: GoroutineID redeclared in this block\n",
                &cx(Salting::Unknown, false)
            ),
            Some(Class::Chained)
        );
        assert_eq!(
            c(
                "link: main: invalid reference to runtime.findnull",
                &cx(Salting::Unknown, false)
            ),
            Some(Class::Linkname)
        );
        assert_eq!(
            c("./main.go:3:1: syntax error", &cx(Salting::Unknown, false)),
            None
        );
        let u = unknown("# example\n./main.go:3:1: syntax error\n");
        assert_eq!(u.class, Class::Unknown);
        assert_eq!(u.evidence, "./main.go:3:1: syntax error");
        assert_eq!(unknown("").evidence, "(no output)");
        let w = wrong_id(
            "qcompat-probe ok=false checked=9 mismatch=1\n",
            &cx(Salting::Unknown, false),
        );
        assert_eq!(w.class, Class::WrongId);
        assert_eq!(w.evidence, "qcompat-probe ok=false checked=9 mismatch=1");
        assert_eq!(
            c(
                "go: parsing buildID from go tool compile -V=full: unexpected output:\n\tgarbage\n",
                &cx(Salting::Salted, false)
            ),
            Some(Class::BadToolId)
        );
        assert_eq!(
            c(
                "failed to initialize build cache at /x: mkdir /x: permission denied",
                &cx(Salting::Unknown, false)
            ),
            Some(Class::Environment)
        );
    }
}
