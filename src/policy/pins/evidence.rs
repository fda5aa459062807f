//! A pin's evidence: the matrix run behind it, what it says of goid's
//! calibrated path, which injector produced it and what it does not name.

use semver::Version;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    /// Toolchains the strategy was verified with, e.g. go1.27.3.
    pub toolchains: Vec<String>,
    /// GOOS/GOARCH pairs that linked through the injector.
    pub platforms_linked: u32,
    /// Of those, the pairs whose probe also ran and returned the right IDs.
    pub platforms_executed: u32,
    /// Pairs that could not be built without cgo (skipped).
    #[serde(default)]
    pub platforms_skipped: u32,
    /// YYYY-MM-DD.
    pub date: String,
    pub qcompat_version: String,
    /// The injector the evidence was produced with. Missing in files written
    /// before it was recorded, which only qcompat's own injector produced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub injector: Option<crate::inject::injector::Identity>,
    /// The qcompat commit that ran the matrix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// What each toolchain showed; the totals above add these up.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub per_toolchain: Vec<ToolchainEvidence>,
}

/// One toolchain's part of a pin's evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolchainEvidence {
    /// The exact toolchain, e.g. go1.23.9.
    pub go: String,
    pub linked: u32,
    pub executed: u32,
    pub skipped: u32,
    /// YYYY-MM-DD of the run.
    pub date: String,
    /// The qcompat commit of the run that tested this toolchain (missing in
    /// evidence from before it was recorded per toolchain).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// For an injector built per toolchain: the sha256 of this toolchain's
    /// build, so that the very binary the run tested is recognised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub injector_sha256: Option<String>,
    /// What the probe's check of goid's calibrated path found on each
    /// executed cell of this toolchain (missing in evidence from before it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub calibrated: Vec<PlatformCalibrated>,
    /// The run's build kinds other than `build` (whose counts are the
    /// fields above): per kind, its cells that linked, executed and were
    /// skipped (missing in evidence from before build kinds).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub builds: Vec<BuildEvidence>,
}

/// One build kind's cells of a toolchain, counted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuildEvidence {
    pub build: crate::verify::kind::BuildKind,
    pub linked: u32,
    pub executed: u32,
    pub skipped: u32,
}

/// One executed cell's calibrated result, as its matrix report gave it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlatformCalibrated {
    pub goos: String,
    pub goarch: String,
    pub result: crate::verify::probeprog::CalibratedResult,
    /// The offset of goid in g (0 when none was found).
    pub offset: u64,
}

/// What a pin's evidence says of goid's calibrated path on one GOARCH.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalibratedEvidence {
    /// Every cell of that GOARCH passed; the toolchains and offsets seen.
    Pass {
        toolchains: Vec<String>,
        offsets: Vec<u64>,
    },
    /// A cell of that GOARCH failed (or could not reach g).
    NotProven {
        toolchain: String,
        result: crate::verify::probeprog::CalibratedResult,
    },
    /// No cell of that GOARCH recorded a calibrated result.
    None,
}

impl Evidence {
    /// What the cells of `target` recorded of the calibrated path,
    /// over every toolchain of this evidence (the pin is one Go minor). Any
    /// fail or unsupported result means not proven.
    pub fn calibrated_for(&self, target: crate::go::platforms::Target) -> CalibratedEvidence {
        use crate::verify::probeprog::CalibratedResult;
        let mut toolchains = Vec::new();
        let mut offsets = Vec::new();
        for t in &self.per_toolchain {
            for c in t
                .calibrated
                .iter()
                .filter(|c| c.goos == target.goos && c.goarch == target.goarch)
            {
                if c.result != CalibratedResult::Pass {
                    return CalibratedEvidence::NotProven {
                        toolchain: t.go.clone(),
                        result: c.result,
                    };
                }
                if !toolchains.contains(&t.go) {
                    toolchains.push(t.go.clone());
                }
                if !offsets.contains(&c.offset) {
                    offsets.push(c.offset);
                }
            }
        }
        if toolchains.is_empty() {
            CalibratedEvidence::None
        } else {
            CalibratedEvidence::Pass {
                toolchains,
                offsets,
            }
        }
    }
}

impl Evidence {
    /// `go1.26rc1 on 2026-12-01, go1.26.8 on 2026-12-07`: each toolchain
    /// with the day of its own run (the totals' one day for evidence from
    /// before per-toolchain entries).
    pub fn tested_on(&self) -> String {
        if self.per_toolchain.is_empty() {
            return format!("{} on {}", self.toolchains.join(", "), self.date);
        }
        let mut groups: Vec<(Vec<&str>, &str)> = Vec::new();
        for t in &self.per_toolchain {
            match groups.last_mut() {
                Some((gos, date)) if *date == t.date => gos.push(&t.go),
                _ => groups.push((vec![&t.go], &t.date)),
            }
        }
        groups
            .iter()
            .map(|(gos, date)| format!("{} on {date}", gos.join(", ")))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The injector behind this evidence (qcompat's own when unrecorded).
    pub fn injector_name(&self) -> &str {
        self.injector
            .as_ref()
            .map_or(crate::inject::injector::BUILTIN_NAME, |i| i.name.as_str())
    }

    /// Whether this evidence speaks for the injector `id`: the same injector
    /// (see [`Identity::same_injector`](crate::inject::injector::Identity)),
    /// or one of the binaries the run built and tested.
    pub fn is_for(&self, id: &crate::inject::injector::Identity) -> bool {
        match &self.injector {
            Some(mine) => {
                mine.same_injector(id)
                    || (!id.is_builtin()
                        && self
                            .per_toolchain
                            .iter()
                            .any(|t| t.injector_sha256.as_deref() == Some(id.sha256.as_str())))
            }
            None => id.is_builtin(),
        }
    }
}

impl Evidence {
    /// Why this evidence does not speak for the exact version `v`, or None
    /// when it does. A release is vouched for by any release its pin's
    /// evidence names (the pin is one minor); a pre-release or devel build
    /// only by evidence naming that very version, since go1.27.3's run says
    /// nothing about go1.27rc1 or a build from tip. A release whose pin holds
    /// only pre-release evidence is untested until the release itself runs.
    pub fn untested_for(&self, v: &Version) -> Option<String> {
        let named: Vec<(String, Option<Version>)> = self
            .toolchains
            .iter()
            .map(|t| {
                (
                    t.clone(),
                    crate::go::version::parse(t).ok().map(|g| g.version),
                )
            })
            .collect();
        let name = crate::go::version::format_go_name(v);
        if !v.pre.is_empty() {
            if named.iter().any(|(_, n)| n.as_ref() == Some(v)) {
                return None;
            }
            let what = if v.pre.as_str().starts_with("devel") {
                "a devel build"
            } else {
                "a pre-release"
            };
            return Some(format!(
                "{name} is {what} and the pin's evidence names {}, not {name} (untested)",
                self.toolchains.join(", ")
            ));
        }
        if named
            .iter()
            .any(|(_, n)| n.as_ref().is_some_and(|n| n.pre.is_empty()))
        {
            return None;
        }
        Some(format!(
            "tested with {} only: {name} itself has not been run (untested)",
            self.toolchains.join(", ")
        ))
    }
}
