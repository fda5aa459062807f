//! `qcompat toolexec TOOL ARGS...`: the injector, run by the go command as
//! `-toolexec="qcompat toolexec"` for every compile, asm, link and vet.
//!
//! Only two invocations are touched: `compile -V=full` (salted, see
//! [`companion::salt_version_line`]) and the compile of package runtime (the
//! companion file is appended). Everything else is exec'd unchanged, so exit
//! status, signals and output are the tool's own.

use crate::inject::companion;
use anyhow::{bail, Context, Result};
use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicI32, Ordering};

/// With `QCOMPAT_KEEP_TEMP=1`, the companion file each compile of runtime
/// used is listed in this file of `$TMPDIR`, one path a line (the file
/// stays where it is: one path per content, see `companion_file`).
pub const KEPT_LOG: &str = "qcompat-kept.log";

/// Entry point; `args` are the words after `toolexec`.
pub fn main(args: Vec<OsString>) -> ExitCode {
    match run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("qcompat toolexec: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Vec<OsString>) -> Result<ExitCode> {
    const USAGE: &str = "usage: go build -toolexec=\"qcompat toolexec\" ./... (the go command then runs `qcompat toolexec TOOL ARGS...` for every tool; see the qcompat book, \"toolexec\")";
    let Some((tool, rest)) = args.split_first() else {
        bail!("{USAGE}");
    };
    if tool == "--help" || tool == "-h" || tool == "help" {
        println!("{USAGE}");
        return Ok(ExitCode::SUCCESS);
    }
    let compiler = tool_name(tool) == "compile";
    if compiler && rest.len() == 1 && rest[0] == "-V=full" {
        return version(tool, rest);
    }
    if compiler && is_runtime_compile(rest)? {
        return compile_runtime(tool, rest);
    }
    let err = Command::new(tool).args(rest).exec();
    Err(err).with_context(|| format!("cannot run {}", Path::new(tool).display()))
}

/// `compile` for `compile`, `/x/compile` and `compile.exe`.
fn tool_name(tool: &OsStr) -> String {
    let base = Path::new(tool)
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    base.strip_suffix(".exe")
        .map(str::to_string)
        .unwrap_or(base)
}

fn version(tool: &OsStr, args: &[OsString]) -> Result<ExitCode> {
    let out = Command::new(tool)
        .args(args)
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("cannot run {}", Path::new(tool).display()))?;
    let line = String::from_utf8_lossy(&out.stdout);
    let text = if companion::salt_disabled() {
        line.into_owned()
    } else {
        companion::salt_version_line(&line, &companion::salt())
    };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(exit_code(out.status))
}

/// Whether a compile's flags (response files expanded) say `-p runtime`.
/// Given twice, the last `-p` wins, as in the compiler's flag package.
pub fn is_runtime_compile(args: &[OsString]) -> Result<bool> {
    let words = expand_args(args, 0)?;
    let mut it = words.iter();
    let mut pkg: Option<&str> = None;
    while let Some(w) = it.next() {
        if w == "-p" || w == "--p" {
            pkg = it.next().map(String::as_str);
        } else if let Some(p) = w.strip_prefix("-p=").or_else(|| w.strip_prefix("--p=")) {
            pkg = Some(p);
        }
    }
    Ok(pkg == Some("runtime"))
}

/// Expands `@file` arguments the way the Go tools do: one argument per line,
/// with `\\` and `\n` escapes.
fn expand_args(args: &[OsString], depth: usize) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for a in args {
        let a = a.to_string_lossy();
        match a.strip_prefix('@') {
            Some(file) if depth < 8 => {
                // Read only to find `-p runtime`: a file that cannot be read
                // is the compiler's to complain about, and bytes that are not
                // UTF-8 (a path in another encoding) do not hide the flag.
                let Ok(bytes) = std::fs::read(file) else {
                    out.push(a.into_owned());
                    continue;
                };
                let text = String::from_utf8_lossy(&bytes).replace('\r', "");
                let lines: Vec<OsString> = text
                    .trim()
                    .split('\n')
                    .map(|l| OsString::from(decode_arg(l)))
                    .collect();
                out.extend(expand_args(&lines, depth + 1)?);
            }
            _ => out.push(a.into_owned()),
        }
    }
    Ok(out)
}

fn decode_arg(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// The pid of the compiler while it runs, for the signal forwarder.
static CHILD: AtomicI32 = AtomicI32::new(0);

extern "C" fn forward(sig: libc::c_int) {
    let pid = CHILD.load(Ordering::SeqCst);
    if pid > 0 {
        // SAFETY: kill is async-signal-safe.
        unsafe {
            libc::kill(pid, sig);
        }
    }
}

/// Where the compile of runtime reads the companion file from.
enum CompanionFile {
    /// One path per content under qcompat's cache, written once and read by
    /// every compile of runtime.
    Stable(PathBuf),
    /// No usable cache (none, or not writable): a private folder of this
    /// compile's own, removed afterwards. Its path reaches no archive either
    /// (`map_companion`), so a plugin built so still matches its host.
    Private(tempfile::TempDir),
}

impl CompanionFile {
    fn path(&self) -> PathBuf {
        match self {
            CompanionFile::Stable(p) => p.clone(),
            CompanionFile::Private(d) => d.path().join(companion::FILE_NAME),
        }
    }
}

/// The companion file, in a folder that a `-trimpath` rewrite can name
/// ([`listable`]): the cache's, else a private folder in the temporary
/// folder, else one in the compile's output folder (the go command's work
/// folder for this package).
fn companion_file(args: &[OsString]) -> Result<CompanionFile> {
    let usable = |p: &Path| p.parent().and_then(Path::to_str).is_some_and(listable);
    if let Some(p) = stable_companion().ok().filter(|p| usable(p)) {
        return Ok(CompanionFile::Stable(p));
    }
    let mut bases = vec![std::env::temp_dir()];
    bases.extend(output_dir(args));
    let mut last = None;
    for base in bases {
        let c = private_companion(&base)?;
        if usable(&c.path()) {
            return Ok(c);
        }
        last = Some(c);
    }
    // Nowhere listable: the compile still works, its archive names the
    // companion's folder.
    last.context("no folder for the companion file")
}

/// The companion in a new private folder under `base`. Never a fixed path
/// in a shared folder: another user could put a link there.
fn private_companion(base: &Path) -> Result<CompanionFile> {
    let dir = tempfile::Builder::new()
        .prefix("qcompat-runtime-")
        .tempdir_in(base)
        .map_err(crate::support::fs::tempfile_error)
        .with_context(|| {
            format!(
                "cannot create a temporary directory for the companion file in {}",
                base.display()
            )
        })?;
    let file = dir.path().join(companion::FILE_NAME);
    std::fs::write(&file, companion::SOURCE)
        .with_context(|| format!("cannot write {}", file.display()))?;
    Ok(CompanionFile::Private(dir))
}

/// The folder of the compile's `-o` file, when the command line shows it.
fn output_dir(args: &[OsString]) -> Option<PathBuf> {
    let i = args.iter().position(|a| a == "-o")?;
    let out = Path::new(args.get(i + 1)?);
    out.parent()
        .filter(|d| d.is_absolute())
        .map(Path::to_path_buf)
}

/// Whether a folder can be one `FROM=>TO` rewrite of a `-trimpath` list,
/// whose rewrites are separated by `;`.
fn listable(dir: &str) -> bool {
    !dir.contains(';') && !dir.contains("=>")
}

/// The companion file in qcompat's cache, written once: a new file beside
/// it renamed into place, so a compile reading it meanwhile never sees half
/// of it and a link planted at that path is replaced, not written through.
fn stable_companion() -> Result<PathBuf> {
    // The injector runs per compile, without `commands/`: it reads the
    // variables that place the cache itself.
    let own = crate::support::env::Env::from_lookup(|name| std::env::var_os(name));
    let dir = companion::stable_dir(&own)?;
    let file = dir.join(companion::FILE_NAME);
    let ok = |p: &Path| {
        std::fs::symlink_metadata(p).is_ok_and(|m| m.is_file())
            && std::fs::read(p).is_ok_and(|b| b == companion::SOURCE.as_bytes())
    };
    if ok(&file) {
        return Ok(file);
    }
    std::fs::create_dir_all(&dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(&dir)?;
    tmp.write_all(companion::SOURCE.as_bytes())?;
    tmp.persist(&file)?;
    Ok(file)
}

fn compile_runtime(tool: &OsStr, args: &[OsString]) -> Result<ExitCode> {
    let companion = companion_file(args)?;
    let file = companion.path();
    let keep = std::env::var_os("QCOMPAT_KEEP_TEMP").is_some_and(|v| v == "1");
    // The go command lists source files last; one more file joins them.
    let args = map_companion(args, file.parent().unwrap_or(Path::new("/")));
    let mut child = Command::new(tool)
        .args(&args)
        .arg(&file)
        .spawn()
        .with_context(|| format!("cannot run {}", Path::new(tool).display()))?;
    CHILD.store(child.id() as i32, Ordering::SeqCst);
    // Pass interrupts on to the compiler instead of dying before clean-up.
    let handler = forward as extern "C" fn(libc::c_int) as libc::sighandler_t;
    for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT] {
        // SAFETY: installing a handler that only calls kill(2).
        unsafe {
            libc::signal(sig, handler);
        }
    }
    let status = child.wait().context("waiting for the compiler")?;
    if keep {
        // Not on stderr: the go command stores a compile's output in its
        // cache and replays it on later builds, naming a file long gone.
        let log = std::env::temp_dir().join(KEPT_LOG);
        let line = format!("{}\n", file.display());
        let _ = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .and_then(|mut f| std::io::Write::write_all(&mut f, line.as_bytes()));
    }
    // A private folder goes now (before a signal below ends the process),
    // unless it was asked to stay.
    match (keep, companion) {
        (true, CompanionFile::Private(d)) => {
            let _ = d.keep();
        }
        (_, c) => drop(c),
    }
    if let Some(sig) = status.signal() {
        // Die the way the compiler died, so the go command sees the same.
        // SAFETY: resetting to the default action and raising a signal.
        unsafe {
            libc::signal(sig, libc::SIG_DFL);
            libc::raise(sig);
        }
    }
    Ok(exit_code(status))
}

/// The companion's folder joins the compile's `-trimpath` rewrites, so the
/// path recorded for it (in runtime's export data, its DWARF and its
/// position tables) names runtime, never qcompat's cache: `runtime` when the
/// build trims runtime's own folder that way (`go build -trimpath`:
/// `/usr/lib/go/src/runtime=>runtime;$WORK/b005=>`), else the folder of
/// runtime's sources on the command line (`$GOROOT/src/runtime`). An injected
/// runtime.a is then the same whichever cache qcompat runs with, so caches
/// that share one GOCACHE (CI runners, tests) share its entries, and a
/// plugin's runtime matches its host's. The compiler reads the last
/// `-trimpath` and applies the first rewrite that matches; the go command
/// always passes one (`$WORK/b005=>`); the companion's rewrite comes
/// first, as its folder may lie in that work folder. A folder the list
/// cannot carry ([`companion_file`] avoids them), or a command line with
/// neither a `-trimpath` nor a runtime source among its arguments (both in a
/// response file), is left as it is.
fn map_companion(args: &[OsString], dir: &Path) -> Vec<OsString> {
    let mut out = args.to_vec();
    let Some(dir) = dir.to_str().filter(|d| listable(d)) else {
        return out;
    };
    let value = out
        .iter()
        .rposition(|a| a == "-trimpath")
        .map(|i| i + 1)
        .filter(|&i| i < out.len());
    let Some(i) = value else {
        return out;
    };
    let trims_runtime = out[i]
        .to_str()
        .is_some_and(|v| v.split(';').any(|r| r.ends_with("=>runtime")));
    let target = if trims_runtime {
        Some("runtime".to_string())
    } else {
        runtime_source_dir(&out)
    };
    if let Some(target) = target {
        let mut v = OsString::from(format!("{dir}=>{target};"));
        v.push(&out[i]);
        out[i] = v;
    }
    out
}

/// The folder of the last absolute `.go` file among the arguments: the go
/// command lists the package's sources last, as absolute paths.
fn runtime_source_dir(args: &[OsString]) -> Option<String> {
    args.iter()
        .rev()
        .filter_map(|a| a.to_str())
        .map(Path::new)
        .find(|p| p.is_absolute() && p.extension().is_some_and(|e| e == "go"))
        .and_then(|p| p.parent()?.to_str())
        .filter(|d| listable(d))
        .map(str::to_string)
}

fn exit_code(status: std::process::ExitStatus) -> ExitCode {
    match status.code() {
        Some(c) => ExitCode::from(c.clamp(0, 255) as u8),
        None => ExitCode::from(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(v: &[&str]) -> Vec<OsString> {
        v.iter().map(OsString::from).collect()
    }

    #[test]
    fn the_companion_is_mapped_to_runtime_in_every_build() {
        let dir = Path::new("/c/companion/ab");
        let src = "/go/src/runtime/proc.go";
        let trimmed = os(&[
            "-p",
            "runtime",
            "-trimpath",
            "/go/src/runtime=>runtime;/w/b005=>",
            "-o",
            "x.a",
            src,
        ]);
        assert_eq!(
            map_companion(&trimmed, dir)[3],
            "/c/companion/ab=>runtime;/go/src/runtime=>runtime;/w/b005=>"
        );
        // A plain build's -trimpath only strips the work folder: the
        // companion is named as if it sat beside runtime's sources.
        let plain = os(&["-p", "runtime", "-trimpath", "/w/b005=>", "-o", "x.a", src]);
        assert_eq!(
            map_companion(&plain, dir)[3],
            "/c/companion/ab=>/go/src/runtime;/w/b005=>"
        );
        // Nothing to append to, or no source to name the folder by.
        let last = os(&["-p", "runtime", "-trimpath"]);
        assert_eq!(map_companion(&last, dir), last);
        let rsp = os(&["-trimpath", "/w/b005=>", "@/w/b005/args"]);
        assert_eq!(map_companion(&rsp, dir), rsp);
        // The compiler reads the last -trimpath; a folder with `;` cannot be listed.
        let twice = os(&["-trimpath", "/w=>", "-trimpath", "/go/src/runtime=>runtime"]);
        assert_eq!(
            map_companion(&twice, dir)[3],
            "/c/companion/ab=>runtime;/go/src/runtime=>runtime"
        );
        assert_eq!(map_companion(&trimmed, Path::new("/c;x")), trimmed);
        let odd = os(&["-trimpath", "/w=>", "/g;o/src/runtime/proc.go"]);
        assert_eq!(map_companion(&odd, dir), odd);
    }

    #[test]
    fn response_files_with_odd_bytes_or_missing() {
        let dir = tempfile::tempdir().unwrap();
        let rsp = dir.path().join("args.rsp");
        std::fs::write(&rsp, b"-o\nx\xff\xfe.a\n-p\nruntime\n/src/caf\xe9.go\n").unwrap();
        let at = format!("@{}", rsp.display());
        assert!(is_runtime_compile(&os(&[&at])).unwrap());
        let missing = format!("@{}", dir.path().join("nope").display());
        assert!(!is_runtime_compile(&os(&[&missing])).unwrap());
    }

    #[test]
    fn finds_runtime_in_any_order() {
        assert!(is_runtime_compile(&os(&["-o", "x.a", "-p", "runtime", "-std", "a.go"])).unwrap());
        assert!(is_runtime_compile(&os(&["-std", "-p=runtime", "a.go"])).unwrap());
        assert!(!is_runtime_compile(&os(&["-p", "runtime/internal/sys", "a.go"])).unwrap());
        assert!(!is_runtime_compile(&os(&["-p", "main", "runtime.go"])).unwrap());
        assert!(!is_runtime_compile(&os(&["-V=full"])).unwrap());
    }

    #[test]
    fn the_last_p_wins_as_in_the_compiler() {
        assert!(!is_runtime_compile(&os(&["-p", "runtime", "-p", "main", "a.go"])).unwrap());
        assert!(is_runtime_compile(&os(&["-p", "main", "-p", "runtime", "a.go"])).unwrap());
        assert!(is_runtime_compile(&os(&["-p=main", "-p=runtime", "a.go"])).unwrap());
    }

    #[test]
    fn reads_response_files() {
        let dir = tempfile::tempdir().unwrap();
        let rsp = dir.path().join("args");
        std::fs::write(&rsp, "-o\nx.a\n-p\nruntime\n-D\nsome\\\\path\n").unwrap();
        let arg = format!("@{}", rsp.display());
        assert!(is_runtime_compile(&os(&[&arg, "a.go"])).unwrap());
        std::fs::write(&rsp, "-p\nmain\n").unwrap();
        assert!(!is_runtime_compile(&os(&[&arg])).unwrap());
        // Unreadable: not ours to judge; the compiler reports it.
        assert!(!is_runtime_compile(&os(&["@/nonexistent/rsp"])).unwrap());
        assert_eq!(decode_arg("a\\nb\\\\c"), "a\nb\\c");
    }

    #[test]
    fn tool_names() {
        assert_eq!(
            tool_name(OsStr::new("/go/pkg/tool/linux_amd64/compile")),
            "compile"
        );
        assert_eq!(tool_name(OsStr::new("C:/go/compile.exe")), "compile");
        assert_eq!(tool_name(OsStr::new("link")), "link");
    }
}
