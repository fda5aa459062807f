//! `qcompat pins update|check|table`.

use crate::cli::{Global, PinsCmd};
use crate::go::version;
use crate::policy::pins::{self, Pins};
use crate::support::output;
use anyhow::Result;
use std::path::PathBuf;

/// The pins a command uses: the flag's file, else $QCOMPAT_PINS, else the
/// built-in matrix/pins.yaml.
pub fn load(flag: Option<PathBuf>) -> Result<Pins> {
    Pins::load(pins::default_path(flag).as_deref())
}

pub fn run(cmd: PinsCmd, g: &Global) -> Result<()> {
    match cmd {
        PinsCmd::Update { from, pins } => {
            // A first adoption starts from no pins: a missing or empty file.
            let fresh = !std::fs::metadata(&pins).is_ok_and(|m| m.len() > 0);
            let current = if fresh {
                Pins::parse("schema: 1\npins: []\n", &pins.display().to_string())?
            } else {
                Pins::load(Some(&pins))?
            };
            let report = crate::matrix::report::read(&from)?;
            let today = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
            let (file, log) = crate::policy::pins::update::update(&current, &report, &today[..10])?;
            Pins::save(&file, &pins)?;
            for l in log {
                crate::outln!("{l}")?;
            }
            crate::outln!("wrote {}", pins.display())?;
        }
        PinsCmd::Table { pins } => {
            output::write_stdout(&load(pins)?.markdown_table())?;
        }
        PinsCmd::Check { pins, version } => {
            let p = load(pins)?;
            match version {
                None => crate::outln!("{}: {} pins, no overlaps", p.source, p.file.pins.len())?,
                Some(v) => {
                    let v = version::parse(
                        if v.starts_with("go") || v.contains(' ') {
                            v.clone()
                        } else {
                            format!("go{v}")
                        }
                        .as_str(),
                    )?;
                    match p.find(&v.version) {
                        Some(m) => output::emit(g.format(), m.pin, |s| {
                            let untested = m
                                .pin
                                .evidence
                                .as_ref()
                                .and_then(|e| e.untested_for(&v.version));
                            s.push_str(&format!(
                                "{} -> pin {:?}: {}{}\n",
                                v.raw,
                                m.pin.go,
                                m.pin.strategy,
                                untested
                                    .map(|w| format!(", coverage: untested: {w}"))
                                    .unwrap_or_default()
                            ))
                        })?,
                        None => crate::outln!("{}: no pin covers it", v.raw)?,
                    }
                }
            }
        }
    }
    Ok(())
}
