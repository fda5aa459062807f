//! How this machine can run a binary built for GOOS/GOARCH: natively, under
//! qemu-user-static, or with Node.js for the two wasm ports.

use crate::go::gocmd::{resolve, Go};
use crate::go::platforms::Target;
use crate::support::env::Env;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A command prefix that runs a binary, plus the environment it needs.
#[derive(Debug, Clone)]
pub struct Runner {
    pub argv: Vec<String>,
    pub env: Vec<(String, String)>,
    /// A file the runner needs written first (the WASI loader script).
    pub script: Option<(PathBuf, &'static str)>,
}

impl Runner {
    /// The command that runs `binary`: the binary itself (by absolute path)
    /// when it runs natively, else the emulator or Node with it as argument.
    pub fn command(&self, binary: &Path) -> Command {
        let binary = std::path::absolute(binary).unwrap_or_else(|_| binary.to_path_buf());
        let mut c = match self.argv.split_first() {
            None => Command::new(&binary),
            Some((prog, rest)) => {
                let mut c = Command::new(prog);
                c.args(rest).arg(&binary);
                c
            }
        };
        for (k, v) in &self.env {
            c.env(k, v);
        }
        c
    }
}

/// Loaded before old `wasm_exec_node.js` files (Go 1.19-1.20), which assign
/// `globalThis.crypto` and `performance`: Node 20 makes those getters.
const NODE_GLOBALS_SHIM: &str = r#"for (const name of ['crypto', 'performance']) {
  const value = globalThis[name];
  Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: true });
}
"#;

const WASI_LOADER: &str = r#"// Runs a wasip1/wasm binary with Node's built-in WASI.
const { WASI } = require('node:wasi');
const fs = require('node:fs');
const file = process.argv[2];
const wasi = new WASI({ version: 'preview1', args: [file], env: {}, returnOnExit: true });
const mod = new WebAssembly.Module(fs.readFileSync(file));
const inst = new WebAssembly.Instance(mod, wasi.getImportObject());
process.exitCode = wasi.start(inst);
"#;

/// qemu-user's name for a GOARCH.
fn qemu_arch(goarch: &str) -> Option<&'static str> {
    Some(match goarch {
        "arm64" => "aarch64",
        "arm" => "arm",
        "riscv64" => "riscv64",
        "s390x" => "s390x",
        "ppc64" => "ppc64",
        "ppc64le" => "ppc64le",
        "mips" => "mips",
        "mipsle" => "mipsel",
        "mips64" => "mips64",
        "mips64le" => "mips64el",
        "loong64" => "loongarch64",
        _ => return None,
    })
}

/// Why a GOOS/GOARCH binary cannot run here (a cell is then linked, not run).
#[derive(Debug, Clone, thiserror::Error)]
pub enum NoRunner {
    #[error("no qemu-user emulator is known for {0}")]
    NoEmulator(String),
    #[error("{tool} is not installed{hint}")]
    NotInstalled { tool: String, hint: &'static str },
    #[error("no wasm_exec_node.js under {}", .0.display())]
    NoWasmExec(PathBuf),
    #[error(transparent)]
    Wine(#[from] crate::go::wine::WineError),
    #[error("Go 1.21+ needs ProcessPrng (bcryptprimitives.dll), which Wine 8.0 lacks, and qcompat could not build its replacement into {} (install mingw-w64: x86_64-w64-mingw32-gcc)", .0.display())]
    NoProcessPrng(PathBuf),
    #[error("this machine cannot run {goos}/{goarch} binaries")]
    Unsupported { goos: String, goarch: String },
}

fn installed(tool: &str, hint: &'static str, env: &Env) -> Result<PathBuf, NoRunner> {
    resolve(Path::new(tool), env).ok_or_else(|| NoRunner::NotInstalled {
        tool: tool.to_string(),
        hint,
    })
}

/// How to run a `target` binary built by `go` (from `goroot`) here, or why
/// not. Tools are looked up on `go`'s PATH.
pub fn find(target: Target, go: &Go, goroot: &Path, scratch: &Path) -> Result<Runner, NoRunner> {
    let Target { goos, goarch } = target;
    let env = &go.env;
    let host_arch = std::env::consts::ARCH;
    let native = |argv: Vec<String>| Runner {
        argv,
        env: vec![],
        script: None,
    };
    match (goos, goarch) {
        ("linux", "amd64") | ("linux", "386")
            if host_arch == "x86_64" && cfg!(target_os = "linux") =>
        {
            Ok(native(vec![]))
        }
        ("linux", "arm64") if host_arch == "aarch64" => Ok(native(vec![])),
        ("linux", arch) => {
            let q = qemu_arch(arch).ok_or_else(|| NoRunner::NoEmulator(arch.to_string()))?;
            let path = installed(
                &format!("qemu-{q}-static"),
                " (Debian: qemu-user-static)",
                env,
            )?;
            let mut r = native(vec![path.display().to_string()]);
            if arch == "arm" {
                // The arm port fails under qemu-user with async preemption on.
                r.env.push(("GODEBUG".into(), "asyncpreemptoff=1".into()));
            }
            Ok(r)
        }
        ("js", "wasm") => {
            let node = installed("node", "", env)?;
            let exec = ["lib/wasm/wasm_exec_node.js", "misc/wasm/wasm_exec_node.js"]
                .iter()
                .map(|p| goroot.join(p))
                .find(|p| p.exists())
                .ok_or_else(|| NoRunner::NoWasmExec(goroot.to_path_buf()))?;
            let shim = scratch.join("node-globals-shim.js");
            Ok(Runner {
                argv: vec![
                    node.display().to_string(),
                    "--require".into(),
                    shim.display().to_string(),
                    exec.display().to_string(),
                ],
                env: vec![],
                script: Some((shim, NODE_GLOBALS_SHIM)),
            })
        }
        ("wasip1", "wasm") => {
            let node = installed("node", "", env)?;
            let loader = scratch.join("wasi-loader.js");
            Ok(Runner {
                argv: vec![
                    node.display().to_string(),
                    "--no-warnings".into(),
                    loader.display().to_string(),
                ],
                env: vec![],
                script: Some((loader, WASI_LOADER)),
            })
        }
        ("windows", "amd64") if host_arch == "x86_64" && cfg!(target_os = "linux") => {
            let w = crate::go::wine::get(go)?;
            if !w.shim && crate::go::wine::needs_shim(goroot) {
                return Err(NoRunner::NoProcessPrng(w.prefix));
            }
            Ok(Runner {
                argv: vec![w.wine.display().to_string()],
                env: w.env(),
                script: None,
            })
        }
        _ => Err(NoRunner::Unsupported {
            goos: goos.to_string(),
            goarch: goarch.to_string(),
        }),
    }
}
