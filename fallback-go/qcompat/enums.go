package qcompat

// The enumerations of the JSON documents, as typed strings. Each type's
// Known method says whether a value is one this package was written for; a
// newer qcompat may add values (its schemas only ever add).

// CheckID names one of doctor's checks.
type CheckID string

// Doctor's check IDs.
const (
	CheckGo          CheckID = "go"
	CheckVersion     CheckID = "version"
	CheckCompiler    CheckID = "compiler"
	CheckRuntime     CheckID = "runtime"
	CheckLinkname    CheckID = "linkname"
	CheckGoflags     CheckID = "goflags"
	CheckGotoolchain CheckID = "gotoolchain"
	CheckGocache     CheckID = "gocache"
	CheckToolexec    CheckID = "toolexec"
	CheckToolexecID  CheckID = "toolexec-id"
	CheckToolexecGo  CheckID = "toolexec-go"
	CheckDeep        CheckID = "deep"
	CheckProgram     CheckID = "program"
	CheckSelection   CheckID = "selection"
)

// Known reports whether c is one of the IDs above.
func (c CheckID) Known() bool {
	return known(c, CheckGo, CheckVersion, CheckCompiler, CheckRuntime, CheckLinkname, CheckGoflags,
		CheckGotoolchain, CheckGocache, CheckToolexec, CheckToolexecID, CheckToolexecGo, CheckDeep,
		CheckProgram, CheckSelection)
}

// Level is a check's outcome.
type Level string

// Check levels.
const (
	LevelOK   Level = "ok"
	LevelWarn Level = "warn"
	LevelFail Level = "fail"
)

// Known reports whether l is one of the levels above.
func (l Level) Known() bool { return known(l, LevelOK, LevelWarn, LevelFail) }

// Class is the kind of failure behind a failed injected build (README:
// "When the injected build fails").
type Class string

// Failure classes.
const (
	ClassSharedCache      Class = "shared-cache"
	ClassPrecompiledStd   Class = "precompiled-std"
	ClassRuntimeFile      Class = "runtime-file"
	ClassExportData       Class = "export-data"
	ClassChainedInjectors Class = "chained-injectors"
	ClassNotInjected      Class = "not-injected"
	ClassLinkname         Class = "linkname"
	ClassEnvironment      Class = "environment"
	ClassBadToolID        Class = "bad-tool-id"
	ClassWrongID          Class = "wrong-id"
	ClassToolchainBroken  Class = "toolchain-broken"
	ClassUnknown          Class = "unknown"
)

// Known reports whether c is one of the classes above.
func (c Class) Known() bool {
	return known(c, ClassSharedCache, ClassPrecompiledStd, ClassRuntimeFile, ClassExportData,
		ClassChainedInjectors, ClassNotInjected, ClassLinkname, ClassEnvironment, ClassBadToolID,
		ClassWrongID, ClassToolchainBroken, ClassUnknown)
}

// Strategy is how a build gets goroutine IDs.
type Strategy string

// Strategies.
const (
	// StrategyInjected: build through the injector, tag qcompat_injected.
	StrategyInjected Strategy = "injected"
	// StrategyStack: parse runtime.Stack, tag qcompat_stack.
	StrategyStack Strategy = "stack"
	// StrategyCalibrated: no injector; goid's default build reads g.goid
	// at an offset it checks at first use.
	StrategyCalibrated Strategy = "calibrated"
)

// Known reports whether s is one of the strategies above.
func (s Strategy) Known() bool {
	return known(s, StrategyInjected, StrategyStack, StrategyCalibrated)
}

// DefaultBuild is the path fallback-go's default build takes through an
// injector.
type DefaultBuild string

// Default build paths.
const (
	DefaultBuildInjected   DefaultBuild = "injected"
	DefaultBuildUndetected DefaultBuild = "undetected"
)

// Known reports whether d is one of the paths above.
func (d DefaultBuild) Known() bool {
	return known(d, DefaultBuildInjected, DefaultBuildUndetected)
}

// Coverage says whether a pin's evidence covers the version with this
// injector.
type Coverage string

// Coverages.
const (
	CoverageTested   Coverage = "tested"
	CoverageUntested Coverage = "untested"
)

// Known reports whether c is one of the coverages above.
func (c Coverage) Known() bool { return known(c, CoverageTested, CoverageUntested) }

// BlockedKind is why a program cannot be built at all.
type BlockedKind string

// Reasons a program is blocked.
const (
	BlockedGoTooOld BlockedKind = "go-too-old"
	BlockedLoad     BlockedKind = "load"
)

// Known reports whether b is one of the kinds above.
func (b BlockedKind) Known() bool { return known(b, BlockedGoTooOld, BlockedLoad) }

// BuildKind is a way of building the probe (select --builds).
type BuildKind string

// Build kinds.
const (
	BuildPlain    BuildKind = "build"
	BuildTest     BuildKind = "test"
	BuildRace     BuildKind = "race"
	BuildCover    BuildKind = "cover"
	BuildDebug    BuildKind = "debug"
	BuildPIE      BuildKind = "pie"
	BuildTrimpath BuildKind = "trimpath"
	BuildPGO      BuildKind = "pgo"
	BuildCShared  BuildKind = "c-shared"
	BuildCArchive BuildKind = "c-archive"
	BuildPlugin   BuildKind = "plugin"
)

// Known reports whether b is one of the kinds above.
func (b BuildKind) Known() bool {
	return known(b, BuildPlain, BuildTest, BuildRace, BuildCover, BuildDebug, BuildPIE, BuildTrimpath,
		BuildPGO, BuildCShared, BuildCArchive, BuildPlugin)
}

// CellStatus is the outcome of one build and run.
type CellStatus string

// Cell statuses.
const (
	StatusPass            CellStatus = "pass"
	StatusFailRelocation  CellStatus = "fail-relocation"
	StatusFailLinkname    CellStatus = "fail-linkname"
	StatusFailBuild       CellStatus = "fail-build"
	StatusFailRun         CellStatus = "fail-run"
	StatusSkipCgo         CellStatus = "skip-cgo"
	StatusSkipBroken      CellStatus = "skip-broken"
	StatusSkipInjector    CellStatus = "skip-injector"
	StatusSkipGccgo       CellStatus = "skip-gccgo"
	StatusTimeout         CellStatus = "timeout"
	StatusSkipProgram     CellStatus = "skip-program"
	StatusSkipUnsupported CellStatus = "skip-unsupported"
	StatusSkipToolchain   CellStatus = "skip-toolchain"
)

// Known reports whether s is one of the statuses above.
func (s CellStatus) Known() bool {
	return known(s, StatusPass, StatusFailRelocation, StatusFailLinkname, StatusFailBuild,
		StatusFailRun, StatusSkipCgo, StatusSkipBroken, StatusSkipInjector, StatusSkipGccgo,
		StatusTimeout, StatusSkipProgram, StatusSkipUnsupported, StatusSkipToolchain)
}

// Verification is how far a passing build was checked.
type Verification string

// Verification depths.
const (
	// VerifiedLink: it linked (the binary could not run here).
	VerifiedLink Verification = "link"
	// VerifiedExec: it ran and printed the right IDs.
	VerifiedExec Verification = "exec"
)

// Known reports whether v is one of the depths above.
func (v Verification) Known() bool { return known(v, VerifiedLink, VerifiedExec) }

// Compiler is the Go compiler of a toolchain.
type Compiler string

// Compilers.
const (
	CompilerGc    Compiler = "gc"
	CompilerGccgo Compiler = "gccgo"
)

// Known reports whether c is one of the compilers above.
func (c Compiler) Known() bool { return known(c, CompilerGc, CompilerGccgo) }

// GoidType is the Go type of runtime.g's goid field.
type GoidType string

// Goid field types.
const (
	GoidInt64  GoidType = "int64"
	GoidUint64 GoidType = "uint64"
)

// Known reports whether g is one of the types above.
func (g GoidType) Known() bool { return known(g, GoidInt64, GoidUint64) }

// LinknamePolicy is what a toolchain's linker lets code pull from std.
type LinknamePolicy string

// Linkname policies.
const (
	LinknamePermissive  LinknamePolicy = "permissive"
	LinknameRestricted  LinknamePolicy = "restricted"
	LinknameUnsupported LinknamePolicy = "unsupported"
)

// Known reports whether p is one of the policies above.
func (p LinknamePolicy) Known() bool {
	return known(p, LinknamePermissive, LinknameRestricted, LinknameUnsupported)
}

func known[T comparable](v T, all ...T) bool {
	for _, a := range all {
		if v == a {
			return true
		}
	}
	return false
}

// ReasonCode names what one of a selection's reasons says was decided
// (matrix/schema/selection.schema.json, reason_codes).
type ReasonCode string

// Reason codes.
const (
	ReasonNotGC                   ReasonCode = "not-gc"
	ReasonNoGoidField             ReasonCode = "no-goid-field"
	ReasonLinknameUnsupported     ReasonCode = "linkname-unsupported"
	ReasonPinVouches              ReasonCode = "pin-vouches"
	ReasonPinNote                 ReasonCode = "pin-note"
	ReasonPinOtherInjector        ReasonCode = "pin-other-injector"
	ReasonPinUntestedVersion      ReasonCode = "pin-untested-version"
	ReasonUnsaltedOwnGocache      ReasonCode = "unsalted-own-gocache"
	ReasonUnsaltedPrecompiledStd  ReasonCode = "unsalted-precompiled-std"
	ReasonUnverified              ReasonCode = "unverified"
	ReasonLivePassed              ReasonCode = "live-passed"
	ReasonLiveConfirmedPin        ReasonCode = "live-confirmed-pin"
	ReasonLiveContradictsStackPin ReasonCode = "live-contradicts-stack-pin"
	ReasonLiveFailed              ReasonCode = "live-failed"
	ReasonLiveContradictsPin      ReasonCode = "live-contradicts-pin"
	ReasonProgramFailed           ReasonCode = "program-failed"
	ReasonProgramFailedToStack    ReasonCode = "program-failed-to-stack"
	ReasonProgramWorks            ReasonCode = "program-works"
	ReasonProgramNotBuilt         ReasonCode = "program-not-built"
	ReasonProgramUnproven         ReasonCode = "program-unproven"
	ReasonProgramNoFallback       ReasonCode = "program-no-fallback"
	ReasonProgramUnbuildable      ReasonCode = "program-unbuildable"
	ReasonCalibratedProven        ReasonCode = "calibrated-proven"
	ReasonCalibratedNotChosen     ReasonCode = "calibrated-not-chosen"
	ReasonDefaultBuildUndetected  ReasonCode = "default-build-undetected"
)

// Known reports whether r is one of the codes above.
func (r ReasonCode) Known() bool {
	return known(r,
		ReasonNotGC, ReasonNoGoidField, ReasonLinknameUnsupported, ReasonPinVouches,
		ReasonPinNote, ReasonPinOtherInjector, ReasonPinUntestedVersion,
		ReasonUnsaltedOwnGocache, ReasonUnsaltedPrecompiledStd, ReasonUnverified,
		ReasonLivePassed, ReasonLiveConfirmedPin, ReasonLiveContradictsStackPin,
		ReasonLiveFailed, ReasonLiveContradictsPin, ReasonProgramFailed,
		ReasonProgramFailedToStack, ReasonProgramWorks, ReasonProgramNotBuilt,
		ReasonProgramUnproven, ReasonProgramNoFallback, ReasonProgramUnbuildable,
		ReasonCalibratedProven, ReasonCalibratedNotChosen, ReasonDefaultBuildUndetected)
}
