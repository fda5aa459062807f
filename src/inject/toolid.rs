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
}

/// Runs `<gotooldir>/compile -V=full` with and without `toolexec` in front.
pub fn check(gotooldir: &Path, toolexec: &str, timeout: Duration) -> Result<ToolIdCheck> {
    let compile = gotooldir.join("compile");
    let words = split_words(toolexec);
    let Some((prog, rest)) = words.split_first() else {
        bail!("the toolexec command is empty");
    };
    let line = |mut cmd: Command, what: &str| -> Result<String> {
        let shown = process::display_command(&cmd);
        cmd.env("TOOLEXEC_IMPORTPATH", "");
        let c = process::run(cmd, timeout)?;
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
        altered: plain != injected,
        plain,
        injected,
    })
}
