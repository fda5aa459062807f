//! Proof by building: one cell (build a program for a platform through an
//! injector, run it where possible), the probe program, the live check for
//! the host, and what a failed build means.

pub mod cell;
pub mod kind;
pub mod diagnosis;
pub mod live;
pub mod probeprog;
pub mod program;
