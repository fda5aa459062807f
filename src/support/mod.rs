//! Plumbing every stage uses: the cache layout, files, processes, shell
//! words, output, scratch modules and document errors.

pub mod cache;
pub mod doc_error;
pub mod env;
pub mod fs;
pub mod lock;
pub mod output;
pub mod process;
pub mod scratch;
pub mod serde_name;
pub mod shell;
pub mod yaml;
