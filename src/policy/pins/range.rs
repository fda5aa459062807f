//! A pin's version interval (`>=1.21.0, <1.28.0`): parsed, matched against
//! a version and checked for overlap with another pin's.

use semver::{Op, Version, VersionReq};
use std::cmp::Ordering;

/// A version interval parsed from a pin's requirement.
#[derive(Debug, Clone, PartialEq)]
pub struct Range {
    pub req: VersionReq,
    lo: Option<Bound>,
    hi: Option<Bound>,
}

/// A pin's `go:` that is not a range qcompat reads (the message names the
/// text and how to write it).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct RangeError(String);

impl Range {
    pub fn parse(text: &str) -> Result<Range, RangeError> {
        Range::read(text).map_err(RangeError)
    }

    fn read(text: &str) -> Result<Range, String> {
        if text.trim().is_empty() || text.contains('*') {
            return Err(format!(
                "{} is not a version range: write bounds such as \">=1.23.0, <1.28.0\" (=, >, >=, <, <=; no * or empty ranges)", crate::support::output::shown(text)
            ));
        }
        let req = VersionReq::parse(text).map_err(|e| {
            format!(
                "{} is not a version range: {e}",
                crate::support::output::shown(text)
            )
        })?;
        if req.comparators.is_empty() {
            return Err(format!(
                "{} bounds no version: write >=X.Y.Z and/or <X.Y.Z",
                crate::support::output::shown(text)
            ));
        }
        let mut lo: Option<Bound> = None;
        let mut hi: Option<Bound> = None;
        for c in &req.comparators {
            let (Some(minor), Some(patch)) = (c.minor, c.patch) else {
                return Err(format!(
                    "{}: write full versions such as >=1.23.0 (partial versions are ambiguous)",
                    crate::support::output::shown(text)
                ));
            };
            let v = Version {
                major: c.major,
                minor,
                patch,
                pre: c.pre.clone(),
                build: Default::default(),
            };
            let (new_lo, new_hi) = match c.op {
                Op::Exact => (Some((v.clone(), true)), Some((v, true))),
                Op::Greater => (Some((v, false)), None),
                Op::GreaterEq => (Some((v, true)), None),
                Op::Less => (None, Some((v, false))),
                Op::LessEq => (None, Some((v, true))),
                _ => {
                    return Err(format!(
                        "{}: use only =, >, >=, < and <= (joined by commas), not ~, ^ or *",
                        crate::support::output::shown(text)
                    ))
                }
            };
            if let Some(n) = new_lo {
                if lo.as_ref().is_none_or(|l| tighter_lo(&n, l)) {
                    lo = Some(n);
                }
            }
            if let Some(n) = new_hi {
                if hi.as_ref().is_none_or(|h| tighter_hi(&n, h)) {
                    hi = Some(n);
                }
            }
        }
        let r = Range { req, lo, hi };
        if r.is_empty() {
            return Err(format!(
                "{} matches no version",
                crate::support::output::shown(text)
            ));
        }
        Ok(r)
    }

    pub fn contains(&self, v: &Version) -> bool {
        let v = Version {
            build: Default::default(),
            ..v.clone()
        };
        let above = match &self.lo {
            None => true,
            Some((l, incl)) => v > *l || (*incl && v == *l),
        };
        let below = match &self.hi {
            None => true,
            Some((h, incl)) => v < *h || (*incl && v == *h),
        };
        above && below
    }

    /// Whether any comparator names exactly this pre-release.
    pub(super) fn names(&self, v: &Version) -> bool {
        self.req.comparators.iter().any(|c| {
            c.major == v.major
                && c.minor == Some(v.minor)
                && c.patch == Some(v.patch)
                && c.pre == v.pre
        })
    }

    fn is_empty(&self) -> bool {
        match (&self.lo, &self.hi) {
            (Some((l, li)), Some((h, hi))) => match l.cmp(h) {
                Ordering::Greater => true,
                Ordering::Equal => !(*li && *hi),
                Ordering::Less => false,
            },
            _ => false,
        }
    }

    /// Whether some Go version would match both ranges. Pre-releases match
    /// the pin that names them before any other, so the comparison is made
    /// among releases, plus exact pre-release pins against each other.
    pub fn overlaps(&self, other: &Range) -> bool {
        let (a, b) = (self.releases_only(), other.releases_only());
        if !a.is_empty() && !b.is_empty() && a.overlaps_raw(&b) {
            return true;
        }
        // A pre-release that both ranges name and contain would match
        // whichever pin comes first.
        self.named_prereleases()
            .chain(other.named_prereleases())
            .any(|p| self.names(&p) && self.contains(&p) && other.names(&p) && other.contains(&p))
    }

    fn named_prereleases(&self) -> impl Iterator<Item = Version> + '_ {
        self.req
            .comparators
            .iter()
            .filter(|c| !c.pre.is_empty())
            .map(|c| Version {
                major: c.major,
                minor: c.minor.unwrap_or(0),
                patch: c.patch.unwrap_or(0),
                pre: c.pre.clone(),
                build: Default::default(),
            })
    }

    /// The range seen by release versions: a pre-release bound X-pre becomes
    /// X, included as a lower bound and excluded as an upper one.
    fn releases_only(&self) -> Range {
        // A pre-release bound X-pre admits X itself from below, not from above.
        let release = |b: &Option<Bound>, incl_if_pre: bool| {
            b.as_ref().map(|(v, incl)| {
                if v.pre.is_empty() {
                    (v.clone(), *incl)
                } else {
                    (Version::new(v.major, v.minor, v.patch), incl_if_pre)
                }
            })
        };
        Range {
            req: VersionReq::STAR,
            lo: release(&self.lo, true),
            hi: release(&self.hi, false),
        }
    }

    fn overlaps_raw(&self, other: &Range) -> bool {
        !Range {
            req: VersionReq::STAR,
            lo: tightest(&self.lo, &other.lo, tighter_lo),
            hi: tightest(&self.hi, &other.hi, tighter_hi),
        }
        .is_empty()
    }

    /// The highest version the range admits, when bounded above.
    pub fn upper(&self) -> Option<&Version> {
        self.hi.as_ref().map(|(v, _)| v)
    }
}

/// A range bound: the version and whether it is included.
type Bound = (Version, bool);

/// The tighter of two optional bounds; a missing bound is no constraint.
fn tightest(
    a: &Option<Bound>,
    b: &Option<Bound>,
    tighter: fn(&Bound, &Bound) -> bool,
) -> Option<Bound> {
    match (a, b) {
        (Some(x), Some(y)) => Some(if tighter(x, y) { x } else { y }.clone()),
        (x, y) => x.clone().or_else(|| y.clone()),
    }
}

fn tighter_lo(a: &Bound, b: &Bound) -> bool {
    a.0 > b.0 || (a.0 == b.0 && !a.1 && b.1)
}

fn tighter_hi(a: &Bound, b: &Bound) -> bool {
    a.0 < b.0 || (a.0 == b.0 && !a.1 && b.1)
}
