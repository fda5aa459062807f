//! The injector: the companion file it adds to runtime, qcompat's own
//! toolexec wrapper with its tool-ID salt, the checks that tell whether an
//! injector salts, and the injector under test (given, found or built).

pub mod build;
pub mod buildinfo;
pub mod command;
pub mod companion;
pub mod facts;
pub mod injector;
#[cfg(test)]
pub mod source_hash;
pub mod sources;
pub mod toolexec;
pub mod toolid;
