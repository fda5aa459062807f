//! Does an injector change the compiler's `-V=full` line? If it does not, the
//! go command gives its builds the same cache keys as plain builds, and a plain
//! runtime.a ends up in injected links (`relocation target
//! runtime.GoroutineID not defined`).

use crate::support::process;
use crate::support::shell::split_words;
use anyhow::{bail, Result};
use serde::Serialize;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

#[derive(Debug, Clone, Serialize)]
pub struct ToolIdCheck {
    pub plain: String,
    pub injected: String,
    /// The lines differ, so injected builds get cache entries of their own.
    pub altered: bool,
    /// The go command's error when it would refuse the injector's line
    /// (then every build through the injector fails).
    pub rejected: Option<String>,
}

/// The error the go command prints for a tool's `-V=full` line it cannot
/// use, checked as cmd/go/internal/work/buildid.go (`toolID`) does: at least
/// three fields, the tool's name, `version`, and, when the third field
/// contains `devel` (Go 1.25+; before, equals: no release line differs),
/// `buildID=` as the last field.
pub fn go_command_rejects(tool: &str, line: &str) -> Option<String> {
    let f: Vec<&str> = line.split_whitespace().collect();
    let bad = f.len() < 3
        || f[0] != tool
        || f[1] != "version"
        || (f[2].contains("devel") && !f[f.len() - 1].starts_with("buildID="));
    bad.then(|| {
        format!("go: parsing buildID from go tool {tool} -V=full: unexpected output:\n\t{line}")
    })
}

/// Runs `<gotooldir>/compile -V=full` with and without `toolexec` in front
/// (each within `timeout`, stopped when `cancel` is cancelled).
pub fn check(
    gotooldir: &Path,
    toolexec: &str,
    timeout: Duration,
    cancel: process::Cancel,
) -> Result<ToolIdCheck> {
    let compile = gotooldir.join("compile");
    let words = split_words(toolexec);
    let Some((prog, rest)) = words.split_first() else {
        bail!("the toolexec command is empty");
    };
    let line = |mut cmd: Command, what: &str| -> Result<String> {
        let shown = process::display_command(&cmd);
        cmd.env("TOOLEXEC_IMPORTPATH", "");
        let c = process::run(cmd, timeout, cancel)?;
        if !c.success() {
            bail!(
                "{what} `{shown}` failed ({}): {}",
                if c.timed_out {
                    "timed out".to_string()
                } else {
                    c.status.map(|s| s.to_string()).unwrap_or_default()
                },
                process::tail(&c.stderr, 800)
            );
        }
        Ok(c.stdout.trim().to_string())
    };
    let mut plain = Command::new(&compile);
    plain.arg("-V=full");
    let plain = line(plain, "the compiler")?;
    let mut inj = Command::new(prog);
    inj.args(rest).arg(&compile).arg("-V=full");
    let injected = line(inj, "the injector")?;
    Ok(ToolIdCheck {
        rejected: go_command_rejects("compile", &injected),
        altered: plain != injected,
        plain,
        injected,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_the_go_command_refuses() {
        let ok = |l: &str| go_command_rejects("compile", l).is_none();
        assert!(ok("compile version go1.26.8"));
        assert!(ok("compile version go1.26.8 qcompat:abc"));
        assert!(ok("compile version go1.28-devel_abc Tue Aug 1 buildID=a/b"));
        assert!(ok("compile version devel go1.26-abc Tue buildID=a/b"));
        assert!(!ok("garbage"));
        assert!(!ok(""));
        assert!(!ok("link version go1.26.8"));
        assert!(!ok(
            "compile version go1.28-devel_abc buildID=a/b qcompat:x"
        ));
        let e = go_command_rejects("compile", "garbage").unwrap();
        assert!(
            e.starts_with("go: parsing buildID from go tool compile -V=full: unexpected output"),
            "{e}"
        );
    }
}
