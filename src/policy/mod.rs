//! Decisions over facts: the pins (file, ranges, update from a report), the
//! regressions a matrix report shows against them, the strategy `select`
//! picks, and doctor's checks.

pub mod doctor;
pub mod pins;
pub mod regressions;
pub mod select;
