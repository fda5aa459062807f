//! The live check: build and run the probe for this host through the
//! injector under test, the way its users build (no lean flags, their
//! GOCACHE when the injector keeps its own cache entries), and explain a
//! failure.

use crate::go::discover::Toolchain;
use crate::inject::injector::Injector;
use crate::support::cache::{Area, Key};
use crate::verify::cell::{self, Job, Outcome, Status, Verified};
use crate::verify::diagnosis::{self, Class, Diagnosis};
use crate::verify::kind::BuildKind;
use crate::verify::program::{Program, ProgramFacts};
use anyhow::Result;
use serde::Serialize;

/// What the live check found.
#[derive(Debug, Clone, Serialize)]
pub struct Live {
    /// The build and run as a user of the injector does it.
    #[serde(flatten)]
    pub outcome: Outcome,
    /// The check used a GOCACHE of its own: it does for every injector but
    /// qcompat's (see [`check`]).
    pub private_gocache: bool,
    /// When the injector never ran for runtime (precompiled std), the same
    /// build with `-a`, to learn whether the injector works when it runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub with_a: Option<Outcome>,
    /// The user's program (`--program`), built and run the same way after
    /// the probe: only it shows what the injector does to the user's code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub program: Option<Outcome>,
    /// When the probe did not pass through the injector: the probe built
    /// without it (`-tags=qcompat_plain`, the user's GOCACHE) and run, to see
    /// whether goid's calibrated path works here (its `calibrated=` field).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plain: Option<Outcome>,
    /// The other build kinds asked for (`--builds test,race`), each built
    /// and run the same way after the probe's `go build`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub builds: Vec<KindOutcome>,
}

/// One build kind's live build.
#[derive(Debug, Clone, Serialize)]
pub struct KindOutcome {
    pub build: BuildKind,
    #[serde(flatten)]
    pub outcome: Outcome,
}

impl Live {
    /// The probe's build passed and ran, and no other kind asked for
    /// failed (a kind this host cannot build, `skip-...`, proves nothing
    /// either way and is named in the summary).
    pub fn passed(&self) -> bool {
        self.outcome.status == Status::Pass
            && self.outcome.verified == Verified::Exec
            && self.failed_kind().is_none()
    }

    /// The other build kinds a passing check built, for a reason: ` (also
    /// as test, race; c-shared not checked here: ...)`, or nothing.
    pub fn kinds_checked(&self) -> String {
        let (skipped, built): (Vec<&KindOutcome>, Vec<&KindOutcome>) =
            self.builds.iter().partition(|k| k.outcome.status.is_skip());
        let mut parts = Vec::new();
        if !built.is_empty() {
            let names: Vec<String> = built.iter().map(|k| k.build.to_string()).collect();
            parts.push(format!("also as {}", names.join(", ")));
        }
        for k in skipped {
            parts.push(format!(
                "{} not checked here: {}",
                k.build,
                k.outcome.note.as_deref().unwrap_or(k.outcome.status.name())
            ));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!(" ({})", parts.join("; "))
        }
    }

    /// The first other build kind that failed.
    pub fn failed_kind(&self) -> Option<&KindOutcome> {
        self.builds.iter().find(|k| k.outcome.status.is_failure())
    }

    /// What a probe that ran here said of goid's calibrated path: the
    /// injected probe's line when it ran, else the plain probe's.
    pub fn calibrated(&self) -> Option<crate::verify::probeprog::Calibrated> {
        [
            Some(&self.outcome),
            self.with_a.as_ref(),
            self.plain.as_ref(),
        ]
        .into_iter()
        .flatten()
        .filter(|o| o.status == Status::Pass && o.verified == Verified::Exec)
        .filter_map(|o| o.note.as_deref())
        .filter_map(crate::verify::probeprog::parse_line)
        .find_map(|p| p.calibrated)
    }

    /// The diagnosis that decides: the `-a` build's when it found a deeper
    /// problem (the injector's file does not compile), else the first one.
    pub fn diagnosis(&self) -> Option<&Diagnosis> {
        let first = self
            .outcome
            .diagnosis
            .as_ref()
            .or_else(|| self.failed_kind()?.outcome.diagnosis.as_ref());
        match (
            first,
            self.with_a.as_ref().and_then(|o| o.diagnosis.as_ref()),
        ) {
            (Some(f), Some(a)) if f.class == Class::PrecompiledStd => Some(a),
            (f, _) => f,
        }
    }

    /// One line: status and the go command's decisive line, and what the
    /// build with `-a` gave when it ran.
    pub fn summary(&self) -> String {
        let line = |o: &Outcome| {
            let l = match &o.diagnosis {
                Some(d) => d.evidence.clone(),
                None => o
                    .stderr_excerpt
                    .lines()
                    .rfind(|l| !l.trim().is_empty())
                    .unwrap_or("")
                    .trim()
                    .to_string(),
            };
            if l.is_empty() {
                o.status.name().to_string()
            } else {
                format!("{} (`{l}`)", o.status.name())
            }
        };
        let mut out = match &self.with_a {
            Some(a) => format!("{}; with -a, {}", line(&self.outcome), line(a)),
            None => line(&self.outcome),
        };
        for k in &self.builds {
            out.push_str(&format!("; {}: {}", k.build, line(&k.outcome)));
        }
        out
    }
}

/// What the diagnosis needs to know about a toolchain and an injector.
pub fn diag_context(
    tc: &Toolchain,
    inj: &Injector,
    salted: crate::inject::facts::Salting,
    built_by: Option<String>,
    goid_type: Option<String>,
) -> diagnosis::Context {
    diagnosis::Context {
        go: tc.version.go_name(),
        salted,
        precompiled_std: false,
        private_gocache: false,
        builtin: inj.builtin,
        injector_built_by: built_by,
        goid_type,
    }
}

/// A GOCACHE of its own for an injector that does not salt its tool ID, keyed
/// on the injector's content and the toolchain.
pub fn private_gocache(tc: &Toolchain, inj: &Injector) -> Result<std::path::PathBuf> {
    let mut k = Key::new("gocache-private");
    k.str("injector", &inj.id.sha256)
        .str("command", &inj.command);
    tc.key_into(&mut k);
    Area::PrivateGocache.entry(&k, &tc.go.env)
}

/// Builds and runs the probe for the host through `inj`, then the user's
/// program when one is given and this toolchain can load it.
pub fn check(
    tc: &Toolchain,
    inj: &Injector,
    cx: &diagnosis::Context,
    program: Option<(&Program, &ProgramFacts)>,
    builds: &[BuildKind],
) -> Result<Live> {
    let probe = crate::verify::probeprog::materialize(&tc.go.env)?;
    let work = crate::support::scratch::module(&[])?;
    // Another injector's build is never checked in the shared GOCACHE: one
    // that leaves `-V=full` unchanged would link plain runtime.a files, and
    // one that passes another's salted line through (a chain in front of
    // qcompat's) would be answered by that injector's cache entries. The
    // cache is keyed on the whole command, so each chain has its own.
    let gocache = (!inj.builtin)
        .then(|| private_gocache(tc, inj))
        .transpose()?;
    let host = Host {
        tc,
        inj,
        cx,
        gocache: gocache.as_deref(),
        work: work.path(),
    };
    let run_with = |module: &std::path::Path, package: &str, extra: &[&str], injector: bool| {
        host.build(module, package, extra, injector, BuildKind::Build, None)
    };
    let run = |module: &std::path::Path, package: &str, extra: &[&str]| {
        run_with(module, package, extra, true)
    };
    let package = crate::verify::probeprog::PACKAGE;
    let outcome = run(&probe, package, &[]);
    let with_a = outcome
        .diagnosis
        .as_ref()
        .filter(|d| d.class == Class::PrecompiledStd)
        .map(|_| run(&probe, package, &["-a"]));
    let program = program
        .filter(|(_, f)| f.blocked.is_none())
        .map(|(p, _)| run(&p.dir, &p.package, &[]));
    let injected_ran = [Some(&outcome), with_a.as_ref()]
        .into_iter()
        .flatten()
        .any(|o| o.status == Status::Pass && o.verified == Verified::Exec);
    let tags = format!("-tags={}", crate::verify::probeprog::PLAIN_TAG);
    let plain = (!injected_ran).then(|| run_with(&probe, package, &[tags.as_str()], false));
    let builds = kind_builds(&host, &probe, builds);
    Ok(Live {
        outcome,
        private_gocache: gocache.is_some(),
        with_a,
        program,
        plain,
        builds,
    })
}

/// What every build of one live check shares.
struct Host<'a> {
    tc: &'a Toolchain,
    inj: &'a Injector,
    cx: &'a diagnosis::Context,
    gocache: Option<&'a std::path::Path>,
    work: &'a std::path::Path,
}

impl Host<'_> {
    /// Builds and runs `package` of `module` for the host, through the
    /// injector or (`injector` false) without it.
    fn build(
        &self,
        module: &std::path::Path,
        package: &str,
        extra: &[&str],
        injector: bool,
        kind: BuildKind,
        cc: Option<&std::path::Path>,
    ) -> Outcome {
        let tc = self.tc;
        let job = Job {
            go: &tc.go,
            goroot: tc.goroot(),
            platform: tc.host(),
            toolexec: injector.then_some(self.inj.command.as_str()),
            // A plain build never uses the injector's GOCACHE: an unsalted
            // injector's runtime.a there has the plain one's key.
            gocache: match self.gocache.filter(|_| injector) {
                Some(d) => crate::verify::cell::CellCache::Private(d),
                None => crate::verify::cell::CellCache::User,
            },
            module_dir: module,
            package,
            out_dir: self.work,
            work_dir: self.work,
            exec: true,
            lean: false,
            kind,
            cc,
            extra_flags: extra,
            single_threaded: false,
            timeout: tc.go.timeout,
            diag: self.cx,
        };
        cell::run(&job).outcome()
    }
}

/// The probe in each other build kind asked for, through the injector.
fn kind_builds(host: &Host, probe: &std::path::Path, builds: &[BuildKind]) -> Vec<KindOutcome> {
    builds
        .iter()
        .filter(|&&k| k != BuildKind::Build)
        .map(|&kind| {
            let outcome = match kind_skip(host.tc, kind) {
                Err(skipped) => *skipped,
                Ok(cc) => host.build(
                    probe,
                    crate::verify::probeprog::PACKAGE,
                    &[],
                    true,
                    kind,
                    cc.as_deref(),
                ),
            };
            KindOutcome {
                build: kind,
                outcome,
            }
        })
        .collect()
}

/// Whether this host can build `kind` with this toolchain: the C compiler
/// of a kind that needs cgo, or the skip that says why not.
fn kind_skip(
    tc: &Toolchain,
    kind: BuildKind,
) -> std::result::Result<Option<std::path::PathBuf>, Box<Outcome>> {
    let skip = |status: Status, note: String| Box::new(Outcome::skipped(status, note));
    if let Some((minor, why)) = kind.min_go() {
        if !tc.version.at_least(1, minor) {
            return Err(skip(Status::SkipUnsupported, why.to_string()));
        }
    }
    if !kind.needs_cgo() {
        return Ok(None);
    }
    crate::verify::kind::c_compiler(tc.host(), &tc.go.env)
        .map(Some)
        .map_err(|why| skip(Status::SkipCgo, format!("{kind} builds need cgo: {why}")))
}
