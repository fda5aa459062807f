//! The stable codes of a selection's reasons: what was decided, named so
//! that programs (q, the Go client) and tests match a code, not a sentence.
//! The sentence beside it is for a person and may change.

use super::Selection;
use serde::Serialize;

/// What one reason says was decided. Serialized kebab-case; the names are
/// stable (matrix/schema/selection.schema.json lists them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReasonCode {
    /// The toolchain is not gc (gccgo): the injector cannot work.
    NotGc,
    /// The runtime has no g.goid field: nothing to inject.
    NoGoidField,
    /// Go older than 1.13 has no single-argument //go:linkname.
    LinknameUnsupported,
    /// A pin covers the version and its evidence vouches for this injector.
    PinVouches,
    /// The pin's own note, carried along.
    PinNote,
    /// A pin covers the version, but its evidence comes from another injector.
    PinOtherInjector,
    /// A pin covers the version, but its evidence does not name this exact
    /// version (a pre-release, a devel build).
    PinUntestedVersion,
    /// The injector leaves `compile -V=full` unchanged: it needs a GOCACHE
    /// of its own.
    UnsaltedOwnGocache,
    /// The injector leaves `compile -V=full` unchanged and the toolchain
    /// links a precompiled runtime: the injector never runs for runtime.
    UnsaltedPrecompiledStd,
    /// Nothing vouches for the injector and no live check ran: stack.
    Unverified,
    /// A live build through the injector linked and gave the right IDs.
    LivePassed,
    /// A live build confirmed the pin.
    LiveConfirmedPin,
    /// A live build passed where the pin says stack: the pin is kept.
    LiveContradictsStackPin,
    /// The live build failed: stack.
    LiveFailed,
    /// The live build failed where the pin says injected: stack.
    LiveContradictsPin,
    /// The user's program failed through the injector.
    ProgramFailed,
    /// The probe passed, but the user's program failed through the
    /// injector: an injected selection falls back.
    ProgramFailedToStack,
    /// The user's program built and ran through the injector.
    ProgramWorks,
    /// The user's program was not built: what is known without a build.
    ProgramNotBuilt,
    /// The program pulls runtime.GoroutineID itself, and nothing shows the
    /// injector works here.
    ProgramUnproven,
    /// The program pulls runtime.GoroutineID itself and failed: stack does
    /// not help it.
    ProgramNoFallback,
    /// This Go cannot build (or load) the program, whatever the injector.
    ProgramUnbuildable,
    /// goid's calibrated path was proven here or by the pins' evidence.
    CalibratedProven,
    /// goid's calibrated path was not chosen (the reason says why).
    CalibratedNotChosen,
    /// fallback-go's default build does not detect this injector.
    DefaultBuildUndetected,
}

impl Selection {
    /// Adds a reason: its code to `reason_codes`, its text to `reasons`,
    /// at the same index.
    pub(super) fn reason(&mut self, code: ReasonCode, text: String) {
        self.reason_codes.push(code);
        self.reasons.push(text);
    }
}

/// What tests ask of a selection's reasons.
#[cfg(test)]
impl Selection {
    /// Whether a reason with this code was given.
    pub fn has_reason(&self, code: ReasonCode) -> bool {
        self.reason_codes.contains(&code)
    }

    /// The text of the first reason with this code.
    pub fn reason_text(&self, code: ReasonCode) -> Option<&str> {
        let i = self.reason_codes.iter().position(|c| *c == code)?;
        self.reasons.get(i).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::ReasonCode::{self, *};

    /// Every code, in declaration order; the match makes a new variant fail
    /// to compile until it is listed here (and so checked in the schema).
    fn all() -> Vec<ReasonCode> {
        let all = vec![
            NotGc,
            NoGoidField,
            LinknameUnsupported,
            PinVouches,
            PinNote,
            PinOtherInjector,
            PinUntestedVersion,
            UnsaltedOwnGocache,
            UnsaltedPrecompiledStd,
            Unverified,
            LivePassed,
            LiveConfirmedPin,
            LiveContradictsStackPin,
            LiveFailed,
            LiveContradictsPin,
            ProgramFailed,
            ProgramFailedToStack,
            ProgramWorks,
            ProgramNotBuilt,
            ProgramUnproven,
            ProgramNoFallback,
            ProgramUnbuildable,
            CalibratedProven,
            CalibratedNotChosen,
            DefaultBuildUndetected,
        ];
        for c in &all {
            match c {
                NotGc
                | NoGoidField
                | LinknameUnsupported
                | PinVouches
                | PinNote
                | PinOtherInjector
                | PinUntestedVersion
                | UnsaltedOwnGocache
                | UnsaltedPrecompiledStd
                | Unverified
                | LivePassed
                | LiveConfirmedPin
                | LiveContradictsStackPin
                | LiveFailed
                | LiveContradictsPin
                | ProgramFailed
                | ProgramFailedToStack
                | ProgramWorks
                | ProgramNotBuilt
                | ProgramUnproven
                | ProgramNoFallback
                | ProgramUnbuildable
                | CalibratedProven
                | CalibratedNotChosen
                | DefaultBuildUndetected => {}
            }
        }
        all
    }

    #[test]
    fn the_schema_lists_every_code_and_no_other() {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../../matrix/schema/selection.schema.json"))
                .unwrap();
        let listed: Vec<String> = schema["properties"]["reason_codes"]["items"]["enum"]
            .as_array()
            .expect("reason_codes.items.enum in selection.schema.json")
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        let ours: Vec<String> = all()
            .iter()
            .map(|c| {
                serde_json::to_value(c)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        assert_eq!(listed, ours);
    }
}
