//! `qcompat pins update|check|table`.

use super::Global;
use crate::go::version;
use crate::policy::pins::{self, Pins};
use crate::support::output;
use anyhow::Result;
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum Cmd {
    /// Record a complete matrix report's evidence
    Update {
        /// The report (from matrix run or matrix merge)
        #[arg(long, value_name = "REPORT")]
        from: PathBuf,
        /// The pins file to update
        #[arg(long, default_value = "matrix/pins.yaml", value_name = "FILE")]
        pins: PathBuf,
    },
    /// Check a pins file and show which pin covers a version
    Check {
        /// Pins file (default: $QCOMPAT_PINS, else qcompat's built-in pins)
        #[arg(long, value_name = "FILE")]
        pins: Option<PathBuf>,
        /// A Go version such as go1.27.3 (or 1.27.3)
        version: Option<String>,
    },
    /// Print the pins as a Markdown table, one row per pin (the book's pins page shows it)
    Table {
        /// Pins file (default: $QCOMPAT_PINS, else qcompat's built-in pins)
        #[arg(long, value_name = "FILE")]
        pins: Option<PathBuf>,
    },
}

/// The pins a command uses: the flag's file, else $QCOMPAT_PINS, else the
/// built-in matrix/pins.yaml.
pub fn load(flag: Option<PathBuf>) -> Result<Pins> {
    // An empty QCOMPAT_PINS means "not set", as for most variables.
    let path = flag.or_else(|| {
        std::env::var_os("QCOMPAT_PINS")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    });
    let p = Pins::load(path.as_deref())?;
    pins::claims::no_future_dates(&p, &today())?;
    Ok(p)
}

/// Today's date (UTC), YYYY-MM-DD.
fn today() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()[..10].to_string()
}

pub fn run(cmd: Cmd, g: &Global) -> Result<std::process::ExitCode> {
    match cmd {
        Cmd::Update { from, pins } => {
            g.text_only("`pins update` prints what it changed, one line each")?;
            // Read, update and write under one lock: two updates of one
            // file at once must both land, not the last one alone.
            let _lock = lock_beside(&pins)?;
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
            let today = today();
            pins::claims::no_future_dates(&current, &today)?;
            let report = crate::matrix::report::read(&from)?;
            let (file, log) = crate::policy::pins::update::update(&current, &report, &today)?;
            Pins::save(&file, &pins)?;
            for l in log {
                crate::outln!("{l}")?;
            }
            crate::outln!("wrote {}", pins.display())?;
        }
        Cmd::Table { pins } => {
            if g.format() != output::Format::Human {
                anyhow::bail!(
                    "`pins table` prints Markdown only: drop --json/--yaml (`pins check VERSION --json` gives one pin as JSON)"
                );
            }
            output::write_stdout(&crate::render::pins::markdown_table(&load(pins)?))?;
        }
        Cmd::Check { pins, version } => {
            if version.is_none() {
                g.text_only("`pins check` without a VERSION prints one line (`pins check VERSION --json` gives that version's pin)")?;
            }
            let p = load(pins)?;
            match version {
                None => crate::outln!("{}: {} pins, no overlaps", p.source, p.file.pins.len())?,
                Some(given) => {
                    let v = version::parse_user(&given).map_err(|_| {
                        anyhow::anyhow!(
                            "\"{}\" is not a Go version: give one such as 1.22.5 or go1.22.5",
                            crate::support::doc_error::cut(&given)
                        )
                    })?;
                    match p.find(&v.version) {
                        Some(m) => {
                            let c = Checked::of(m.pin, &v.version);
                            output::emit(g.format(), &c, |s| {
                                s.push_str(&format!(
                                    "{} -> pin {}: {}{}\n",
                                    v.raw,
                                    crate::support::output::shown(&m.pin.go),
                                    m.pin.strategy,
                                    c.untested
                                        .as_ref()
                                        .map(|w| format!(", coverage: untested: {w}"))
                                        .unwrap_or_default()
                                ))
                            })?
                        }
                        // JSON and YAML say `null`: no pin.
                        None => output::emit(g.format(), &None::<&pins::Pin>, |s| {
                            s.push_str(&format!("{}: no pin covers it\n", v.raw))
                        })?,
                    }
                }
            }
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}

/// An exclusive lock for updating `file`: `.NAME.lock` in its folder
/// (created if missing), released when dropped.
fn lock_beside(file: &std::path::Path) -> Result<crate::support::lock::LockFile> {
    use anyhow::Context;
    let dir = file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the folder of {}", file.display()))?;
    let name = file
        .file_name()
        .map_or_else(|| std::ffi::OsString::from("pins"), |n| n.to_os_string());
    let mut lock = std::ffi::OsString::from(".");
    lock.push(name);
    lock.push(".lock");
    crate::support::lock::LockFile::acquire(&dir.join(lock)).with_context(|| {
        format!(
            "cannot write {}: the lock beside it, which keeps two updates from losing one, cannot be made",
            file.display()
        )
    })
}

/// `pins check VERSION`: the pin that covers the version, and whether its
/// evidence speaks for that exact version.
#[derive(serde::Serialize)]
struct Checked<'a> {
    #[serde(flatten)]
    pin: &'a pins::Pin,
    /// `tested`: the pin's evidence names this version's release (or this
    /// very pre-release); `untested` otherwise, or for a rule no run tested.
    coverage: crate::policy::select::Coverage,
    #[serde(skip_serializing_if = "Option::is_none")]
    untested: Option<String>,
}

impl<'a> Checked<'a> {
    fn of(pin: &'a pins::Pin, v: &semver::Version) -> Checked<'a> {
        let untested = match &pin.evidence {
            Some(e) => e.untested_for(v),
            None => Some("the pin is a rule: no matrix run tested it".into()),
        };
        Checked {
            pin,
            coverage: if untested.is_none() {
                crate::policy::select::Coverage::Tested
            } else {
                crate::policy::select::Coverage::Untested
            },
            untested,
        }
    }
}
