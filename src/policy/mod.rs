//! Decisions over facts: the pins (file, ranges, update from a report), the
//! strategy `select` picks, and doctor's checks.

pub mod doctor;
pub mod pins;
pub mod select;
