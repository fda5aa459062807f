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
            // A first adoption starts from a missing or empty file.
            let fresh = std::fs::read_to_string(&pins).map_or_else(
                |e| e.kind() == std::io::ErrorKind::NotFound,
                |t| {
                    t.lines()
                        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
                },
            );
            let current = if fresh {
                Pins::parse(pins::EMPTY, &pins.display().to_string())?
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
            if g.format() != output::Format::Human {
                anyhow::bail!(
                    "`pins table` prints Markdown only: drop --json/--yaml (`pins check VERSION --json` gives one pin as JSON)"
                );
            }
            output::write_stdout(&load(pins)?.markdown_table())?;
        }
        PinsCmd::Check { pins, version } => {
            let p = load(pins)?;
            match version {
                None => crate::outln!("{}: {} pins, no overlaps", p.source, p.file.pins.len())?,
                Some(given) => {
                    let v = version::parse(
                        if given.starts_with("go") || given.contains(' ') {
                            given.clone()
                        } else {
                            format!("go{given}")
                        }
                        .as_str(),
                    )
                    .map_err(|_| {
                        anyhow::anyhow!(
                            "\"{}\" is not a Go version: give one such as 1.22.5 or go1.22.5",
                            crate::support::doc_error::cut(&given)
                        )
                    })?;
                    match p.find(&v.version) {
                        Some(m) => output::emit(g.format(), m.pin, |s| {
                            let untested = m
                                .pin
                                .evidence
                                .as_ref()
                                .and_then(|e| e.untested_for(&v.version));
                            s.push_str(&format!(
                                "{} -> pin {}: {}{}\n",
                                v.raw,
                                crate::support::output::shown(&m.pin.go),
                                m.pin.strategy,
                                untested
                                    .map(|w| format!(", coverage: untested: {w}"))
                                    .unwrap_or_default()
                            ))
                        })?,
                        // JSON and YAML say `null`: no pin.
                        None => output::emit(g.format(), &None::<&pins::Pin>, |s| {
                            s.push_str(&format!("{}: no pin covers it\n", v.raw))
                        })?,
                    }
                }
            }
        }
    }
    Ok(())
}
