//! One module per subcommand: load its inputs, call the core, render.

pub mod doctor;
pub mod matrix;
pub mod pins;
pub mod probe;
pub mod schema;
pub mod select;
pub mod toolchains;

use crate::cli::InjectorArgs;
use anyhow::Result;
use std::path::PathBuf;

/// The injector the user named on the command line (or none: GOFLAGS, else
/// qcompat's own).
pub fn injector_request(a: &InjectorArgs) -> Result<crate::inject::build::Request> {
    let package = match &a.toolexec_package {
        None => None,
        Some(p) => {
            let dir = a.toolexec_dir.clone().unwrap_or_else(|| PathBuf::from("."));
            let dir = dir
                .canonicalize()
                .map_err(|e| anyhow::anyhow!("--toolexec-dir {}: {e}", dir.display()))?;
            if !dir.join("go.mod").is_file() {
                anyhow::bail!(
                    "--toolexec-dir {} has no go.mod: name the injector's module directory",
                    dir.display()
                );
            }
            Some(crate::inject::build::PackageSpec {
                dir,
                package: p.clone(),
            })
        }
    };
    Ok(crate::inject::build::Request {
        command: a.toolexec.clone(),
        package,
    })
}

/// The program named with `--program`, checked.
pub fn program(a: &InjectorArgs) -> Result<Option<crate::verify::program::Program>> {
    a.program
        .as_deref()
        .map(crate::verify::program::Program::parse)
        .transpose()
}
