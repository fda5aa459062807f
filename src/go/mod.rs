//! What is known about a Go toolchain: its version, the go command and its
//! environment, its platforms (and which of them this machine can run), the
//! runtime's layout and the linker's linkname policy.

pub mod discover;
pub mod gocmd;
pub mod linkname;
pub mod platforms;
pub mod probe;
pub mod runners;
pub mod runtime_layout;
pub mod version;
pub mod wine;
