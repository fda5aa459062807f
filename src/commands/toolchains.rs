//! `qcompat toolchains`: list, find, install and prune Go toolchains.

use super::Global;
use crate::support::output::{self, Format};
use crate::toolchains::index;
use crate::toolchains::{self, list_local, Options};
use anyhow::{bail, Result};
use clap::Subcommand;
use serde::Serialize;
use std::path::PathBuf;

/// Where `toolchains install` gets a version from.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Via {
    Download,
    Gotoolchain,
}

// No doc comment: the subcommand's help is cli's.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    cmd: Cmd,
    /// Use local toolchains and the cache only
    #[arg(long, global = true)]
    offline: bool,
    /// Release index URL (default: $QCOMPAT_GO_INDEX, else go.dev's)
    #[arg(long, global = true, value_name = "URL")]
    index_url: Option<String>,
}

#[derive(Subcommand)]
pub enum Cmd {
    /// List toolchains on this machine (or, with --remote, in the release index)
    List {
        /// List the release index's versions instead of this machine's
        #[arg(long)]
        remote: bool,
    },
    /// Print the GOROOT of a version or selector (1.27.3, 1.27.x, supported,
    /// local), finding or installing it; one line per toolchain
    Path { version: String },
    /// Install a version: into qcompat's cache (download), or the go
    /// command's module cache (gotoolchain)
    Install {
        version: String,
        /// download: the release index's archive, checked and unpacked into
        /// qcompat's cache; gotoolchain: `GOTOOLCHAIN=goX.Y.Z go env GOROOT`,
        /// which puts it in GOMODCACHE through your GOPROXY
        #[arg(long, value_enum, default_value_t = Via::Download)]
        via: Via,
    },
    /// Remove cached toolchains, leftovers of interrupted installs, and the
    /// matrix's kept binaries and private GOCACHEs
    Prune {
        /// Versions to keep, e.g. go1.27.3
        #[arg(long)]
        keep: Vec<String>,
        /// Only print what would be removed
        #[arg(long)]
        dry_run: bool,
    },
}

/// `toolchains list`.
pub fn list(remote: bool, opts: &Options, format: Format) -> Result<()> {
    if remote {
        if opts.offline {
            bail!("--remote needs the release index; --offline uses the cache only");
        }
        let releases = opts.http()?.index(&opts.index_url)?;
        #[derive(Serialize)]
        struct Remote {
            version: String,
            stable: bool,
            /// An rc or beta.
            prerelease: bool,
            /// The one the `next` selector names.
            next: bool,
            archive: Option<String>,
        }
        let next = toolchains::selector::next(&releases);
        let rows: Vec<Remote> = releases
            .iter()
            .map(|r| {
                let v = crate::go::version::parse(&r.version)
                    .ok()
                    .map(|v| v.version);
                Remote {
                    version: r.version.clone(),
                    stable: r.stable,
                    prerelease: v.as_ref().is_some_and(toolchains::selector::is_prerelease),
                    next: v.is_some() && v == next,
                    archive: index::host_archive(r).map(|f| f.filename.clone()),
                }
            })
            .collect();
        return output::emit(format, &rows, |s| {
            for r in &rows {
                let kind = match (r.stable, r.prerelease, r.next) {
                    (true, _, _) => "stable",
                    (_, true, true) => "pre-release (next)",
                    (_, true, false) => "pre-release",
                    _ => "unstable",
                };
                s.push_str(&format!(
                    "{:<14} {:<18} {}\n",
                    output::inline(&r.version),
                    kind,
                    output::inline(r.archive.as_deref().unwrap_or("(no archive for this host)"))
                ));
            }
        });
    }
    let rows = list_local(&opts.env);
    output::emit(format, &rows, |s| {
        if opts.offline {
            s.push_str("(offline: local toolchains and qcompat's cache only)\n");
        }
        for r in &rows {
            s.push_str(&format!(
                "{:<12} {:<12} {}\n",
                r.version,
                r.source,
                r.goroot.display()
            ));
        }
    })
}

pub fn run(a: Args, g: &Global) -> Result<std::process::ExitCode> {
    let reporter = crate::render::toolchains::ToolchainReporter::new(
        g.format() == crate::support::output::Format::Json,
    );
    let opts = g.toolchains(a.offline, a.index_url.as_deref(), &reporter);
    run_cmd(a.cmd, &opts, g)?;
    Ok(std::process::ExitCode::SUCCESS)
}

fn run_cmd(cmd: Cmd, opts: &Options, g: &Global) -> Result<()> {
    // Before any lookup or network use: `list` would otherwise pass over a
    // bad QCOMPAT_PROVIDERS in silence.
    if !matches!(cmd, Cmd::Prune { .. }) {
        opts.check_providers()?;
    }
    match cmd {
        Cmd::List { remote } => list(remote, opts, g.format()),
        Cmd::Path { version } => path(&version, opts, g),
        Cmd::Install { version, via } => install(&version, via, opts, g),
        Cmd::Prune { keep, dry_run } => prune(&keep, dry_run, opts, g),
    }
}

/// `toolchains path`: the GOROOTs a selector resolves to (the same
/// selectors as matrix specs: 1.27.3, 1.27.x, supported, local).
fn path(version: &str, opts: &Options, g: &Global) -> Result<()> {
    let sel = toolchains::parse_selector(version)?;
    let roots: Vec<PathBuf> = match &sel {
        toolchains::Selector::Local => vec![PathBuf::from(&g.go()?.path)],
        sel => toolchains::resolve_with(sel, opts)?,
    }
    .into_iter()
    .map(|bin| {
        // bin/go -> GOROOT
        bin.parent()
            .and_then(|b| b.parent())
            .map(PathBuf::from)
            .unwrap_or(bin)
    })
    .collect();
    if roots.is_empty() {
        crate::errln!("qcompat: {}", toolchains::nothing_fits(&sel, opts));
    }
    output::emit(g.format(), &roots, |s| {
        for r in &roots {
            s.push_str(&format!("{}\n", r.display()));
        }
    })
}

/// `toolchains install`: one exact version, downloaded or through GOTOOLCHAIN.
fn install(version: &str, via: Via, opts: &Options, g: &Global) -> Result<()> {
    let toolchains::Selector::Exact(v) = toolchains::parse_selector(version)? else {
        anyhow::bail!(
            "toolchains install takes one exact version such as 1.27.3, not {}",
            crate::support::output::shown(version)
        );
    };
    let i = match via {
        Via::Gotoolchain => {
            toolchains::via_gotoolchain(&crate::go::version::format_go_name(&v), opts)?
        }
        Via::Download => toolchains::install_download(&v, opts)?,
    };
    output::emit(g.format(), &i, |s| {
        s.push_str(&format!("{} {}\n", i.version, i.goroot.display()))
    })
}

/// `toolchains prune`: the cache's toolchains not kept, its derived areas,
/// and the work folders of matrix runs that died.
fn prune(keep: &[String], dry_run: bool, opts: &Options, g: &Global) -> Result<()> {
    let mut gone = toolchains::prune(keep, dry_run, opts.reporter, &opts.env)?;
    // Work folders of matrix runs that died are the matrix's to know.
    if !dry_run {
        gone.extend(crate::matrix::reclaim_stale_work_dirs());
    }
    #[derive(Serialize)]
    struct Pruned {
        dry_run: bool,
        removed: Vec<PathBuf>,
    }
    let doc = Pruned {
        dry_run,
        removed: gone,
    };
    output::emit(g.format(), &doc, |s| {
        for p in &doc.removed {
            s.push_str(&format!(
                "{} {}\n",
                if dry_run { "would remove" } else { "removed" },
                p.display()
            ));
        }
    })
}
