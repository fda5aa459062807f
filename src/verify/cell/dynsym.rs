//! A c-shared library or plugin that linked but is not loaded here (`verify:
//! link`, no runner for its port): a link can leave the accessor undefined
//! for the loader (golang/go#81051), so its dynamic symbol table is read
//! instead, which says what the loader would find. Loading it still proves
//! more: the IDs its calls return.

use super::{Job, Outcome, Status};
use object::{Object, ObjectSymbol};
use std::path::Path;

/// The symbols an injected runtime defines and a consumer pulls.
const ACCESSOR: [&str; 2] = ["runtime.GoroutineID", "runtime.qcompatGoroutineIDFunc"];

/// The accessor symbols `lib` leaves undefined (ELF's dynamic symbols; Mach-O
/// names carry a leading `_`); an error when it is no ELF or Mach-O file.
pub(crate) fn undefined_accessors(lib: &Path) -> Result<Vec<String>, String> {
    let data = std::fs::read(lib).map_err(|e| format!("cannot read {}: {e}", lib.display()))?;
    let file = object::File::parse(&*data)
        .map_err(|e| format!("{} is not an ELF or Mach-O file: {e}", lib.display()))?;
    let mut names: Vec<String> = file
        .dynamic_symbols()
        .chain(file.symbols())
        .filter(|s| s.is_undefined())
        .filter_map(|s| {
            s.name()
                .ok()
                .map(|n| n.strip_prefix('_').unwrap_or(n).to_string())
        })
        .filter(|n| ACCESSOR.contains(&n.as_str()))
        .collect();
    names.sort();
    names.dedup();
    Ok(names)
}

/// The verdict on a linked-only library or plugin `lib`; `why` says why it
/// was not run (None: the spec asked for links only).
pub(super) fn linked_only(job: &Job, lib: &Path, why: Option<&str>, outcome: &mut Outcome) {
    let not_run = why
        .map(|w| format!("linked, not run: {w}; "))
        .unwrap_or_default();
    match undefined_accessors(lib) {
        Ok(names) if names.is_empty() => {
            outcome.note = Some(format!("{not_run}linked, not loaded: its dynamic symbol table leaves no runtime.GoroutineID undefined (read by qcompat; only loading it runs the calls)"));
        }
        Ok(names) => {
            // The loader's words, so that the cell reads like a refused load.
            let words: Vec<String> = names
                .iter()
                .map(|n| format!("{}: undefined symbol: {n}", lib.display()))
                .collect();
            outcome.stderr_excerpt = format!(
                "{}\n(read from its dynamic symbol table: the loader would refuse it)",
                words.join("\n")
            );
            outcome.note = Some(format!("{not_run}linked with the accessor left undefined (golang/go#81051): loading it fails"));
            loader_refusal(job, &outcome.stderr_excerpt.clone(), outcome);
        }
        Err(e) => {
            outcome.note = Some(format!(
                "{not_run}{} (its symbols were not read: {e})",
                super::LINKED_NOT_LOADED
            ));
        }
    }
}

/// A library or plugin the loader refused (or would) for want of the
/// accessor: `fail-relocation`, diagnosed when an injector was in use.
pub(super) fn loader_refusal(job: &Job, all: &str, outcome: &mut Outcome) -> bool {
    if crate::go::linkname::undefined_accessor(all).is_none() {
        return false;
    }
    outcome.status = Status::FailRelocation;
    if job.toolexec.is_some() {
        let mut cx = job.diag.clone();
        cx.private_gocache = job.gocache.is_private();
        outcome.diagnosis = crate::verify::diagnosis::diagnose(all, &cx);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real shared library built by the host's C compiler, pulling
    /// `runtime.GoroutineID` by its assembler name and leaving it undefined,
    /// as a Go 1.27 c-shared link can.
    #[test]
    fn reads_undefined_accessors_of_a_real_library() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("pull.c");
        std::fs::write(
            &src,
            "extern unsigned long long gid(void) __asm__(\"runtime.GoroutineID\");\nunsigned long long call(void) { return gid(); }\n",
        )
        .unwrap();
        let build = |out: &str, extra: &[&str]| {
            let lib = dir.path().join(out);
            let st = std::process::Command::new("cc")
                .args(["-shared", "-fPIC", "-o"])
                .arg(&lib)
                .args(extra)
                .arg(&src)
                .status();
            st.is_ok_and(|s| s.success()).then_some(lib)
        };
        let Some(pulls) = build("libpull.so", &[]) else {
            panic!("cc cannot build a shared library here");
        };
        assert_eq!(
            undefined_accessors(&pulls).unwrap(),
            ["runtime.GoroutineID"]
        );
        // Defining it (another file's push) leaves nothing undefined.
        let def = dir.path().join("def.c");
        std::fs::write(
            &def,
            "unsigned long long gid(void) __asm__(\"runtime.GoroutineID\");\nunsigned long long gid(void) { return 7; }\n",
        )
        .unwrap();
        let both = build("libboth.so", &[def.to_str().unwrap()]).unwrap();
        assert!(undefined_accessors(&both).unwrap().is_empty());
        let err = undefined_accessors(&src).unwrap_err();
        assert!(err.contains("is not an ELF or Mach-O file"), "{err}");
        let err = undefined_accessors(&dir.path().join("none.so")).unwrap_err();
        assert!(err.starts_with("cannot read "), "{err}");
    }
}
