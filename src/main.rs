//! qcompat: will a toolexec-injected `runtime.GoroutineID` work with this Go
//! toolchain and platform? Probes, proves with real builds, and picks a fallback.

mod cli;
mod commands;
mod go;
mod inject;
#[cfg(test)]
mod layering;
mod matrix;
mod policy;
mod render;
mod support;
mod toolchains;
mod verify;

use std::process::ExitCode;

fn main() -> ExitCode {
    // The injector runs for every compile and link: skip clap and keep the
    // tool's arguments exactly as the go command passed them.
    // Started as `qcompat-toolexec` (a link), every argument is the tool's.
    let mut args = std::env::args_os();
    let as_link = args
        .next()
        .as_deref()
        .and_then(|a| std::path::Path::new(a).file_name())
        .is_some_and(|n| n == inject::command::TOOLEXEC_NAME);
    if as_link || args.next().is_some_and(|a| a == "toolexec") {
        return inject::toolexec::main(args.collect());
    }
    support::process::install_interrupt_handler();
    let result = cli::run();
    // Ctrl-C or SIGTERM: children were stopped and temporary files removed
    // on the way out; say so and exit as an interrupted command does.
    if support::process::Cancel::on_interrupt().is_cancelled() {
        if let Err(e) = &result {
            crate::errln!("qcompat: {e:#}");
        }
        crate::errln!("qcompat: interrupted");
        return ExitCode::from(130);
    }
    match result {
        Ok(code) => code,
        Err(e) => {
            crate::errln!("qcompat: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
