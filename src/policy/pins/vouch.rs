//! Why a pin's evidence does not speak for the injector binary under test,
//! in the words a maintainer can act on: which of the binary's build facts
//! differ from what the matrix run built and tested, and how to get a binary
//! the evidence does speak for.

use super::Evidence;
use crate::inject::build::REPRODUCIBLE_FLAGS;
use crate::inject::buildinfo::GoBuild;
use crate::inject::injector::Identity;
use crate::support::cache::short_hash as short;
use crate::support::output::shown;

/// Why `ev` (which does not vouch for `id`) does not: the differences
/// between the binary (`id`, with its Go build facts `build`) and what the
/// run tested, then what to do.
pub fn why_not(ev: &Evidence, id: &Identity, build: Option<&GoBuild>) -> String {
    let Some(tested) = ev.injector.as_ref().filter(|t| !t.is_builtin()) else {
        return "its evidence comes from qcompat's own injector: run the matrix with this injector (`toolexec:` in the spec) and `pins update` to vouch for it".into();
    };
    if id.is_builtin() {
        return format!(
            "its evidence comes from the injector {}, not from qcompat's own",
            shown(&tested.name)
        );
    }
    let mut why = vec![difference(ev, tested, id, build)];
    if let Some(fix) = remedy(ev, tested) {
        why.push(fix);
    }
    why.join("; ")
}

/// The first difference that rules the binary out.
fn difference(ev: &Evidence, tested: &Identity, id: &Identity, build: Option<&GoBuild>) -> String {
    let name = shown(&id.name);
    let Some(b) = build else {
        return format!(
            "{name} is not a Go binary whose build facts can be read, and its sha256 is none of the run's builds"
        );
    };
    if tested.module.is_some() && id.module != tested.module {
        return format!(
            "{name} is built from module {}, the evidence from module {}",
            id.module.as_deref().map_or("(unknown)".into(), shown),
            tested.module.as_deref().map_or("(unknown)".into(), shown)
        );
    }
    let run_commit = tested
        .commit
        .as_deref()
        .map(|c| c.trim_end_matches("+dirty"));
    match (b.revision.as_deref(), run_commit) {
        (Some(rev), Some(run)) if rev == run && b.modified => format!(
            "{name} was built from revision {} with local modifications (vcs.modified=true: `git status` listed changes when it was built, untracked files included, such as a pins file just written), so it is not the commit the run tested",
            short(rev)
        ),
        (Some(rev), Some(run)) if rev != run => format!(
            "{name} was built from revision {}{}, the run tested revision {}",
            short(rev),
            if b.modified { " with local modifications" } else { "" },
            short(run)
        ),
        _ => {
            let built: Vec<&str> = ev.per_toolchain.iter().filter(|t| t.injector_sha256.is_some()).map(|t| t.go.as_str()).collect();
            let toolchain = if built.is_empty() || built.contains(&b.go.as_str()) {
                String::new()
            } else {
                format!("; it was built by {}, and the run built it with {} only", b.go, built.join(", "))
            };
            format!(
                "{name}'s sha256 is none of the binaries the run built and it carries no revision the evidence names (built {}){toolchain}",
                if b.revision.is_none() { "without VCS stamping" } else { "from another build path, toolchain or flags" }
            )
        }
    }
}

/// How to get a binary the evidence speaks for.
fn remedy(ev: &Evidence, tested: &Identity) -> Option<String> {
    let package = tested.package.as_deref()?;
    let go = ev
        .per_toolchain
        .iter()
        .filter(|t| t.injector_sha256.is_some())
        .map(|t| t.go.as_str())
        .collect::<Vec<_>>();
    let at = tested
        .commit
        .as_deref()
        .filter(|c| !c.ends_with("+dirty"))
        .map(|c| format!(" at revision {}", short(c)))
        .unwrap_or_default();
    Some(format!(
        "build it as the run did, `go build {REPRODUCIBLE_FLAGS} -o {} {package}`{at} with {} (the same bytes whatever the folder and the work tree's state), or take the binary the run built; or run the matrix on this revision and `pins update`",
        tested.name,
        if go.is_empty() { "a toolchain the run built it with".to_string() } else { go.join(" or ") }
    ))
}
