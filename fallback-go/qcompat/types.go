package qcompat

// The JSON documents, field for field as matrix/schema/*.json names them.
// Optional fields a document leaves out are omitempty here, and fields the
// schema allows to be null are pointers, so a document decoded and encoded
// again keeps every field as qcompat wrote it.

// Report is qcompat doctor --json (matrix/schema/doctor.schema.json).
type Report struct {
	Schema int  `json:"schema"`
	OK     bool `json:"ok"`
	// Checks in the order doctor ran them.
	Checks []Check `json:"checks"`
	// Selection is nil when doctor could not get as far as selecting.
	Selection *Selection `json:"selection"`
	// Advice is one paragraph saying what to do.
	Advice string `json:"advice"`
}

// Check is one of doctor's findings.
type Check struct {
	ID      CheckID `json:"id"`
	Status  Level   `json:"status"`
	Message string  `json:"message"`
	// Fix is what to do, when there is something to do.
	Fix *string `json:"fix"`
	// Class is the failure class a failed or warned check shows.
	Class Class `json:"class,omitempty"`
}

// Selection is qcompat select --json (matrix/schema/selection.schema.json),
// also doctor's selection.
type Selection struct {
	Schema           int      `json:"schema"`
	GoVersion        string   `json:"go_version"`
	Strategy         Strategy `json:"strategy"`
	BuildTags        []string `json:"build_tags"`
	ToolexecRequired bool     `json:"toolexec_required"`
	Pinned           bool     `json:"pinned"`
	// Pin is the range of the pin matching this Go version, if any.
	Pin *string `json:"pin"`
	// Verified is nil when no live check ran.
	Verified *bool    `json:"verified"`
	Reasons  []string `json:"reasons"`
	// ReasonCodes holds one code per reason, at the same index: what that
	// reason says was decided. Match these rather than the sentences.
	ReasonCodes []ReasonCode `json:"reason_codes,omitempty"`
	// Toolexec is the injector's -toolexec value.
	Toolexec        string   `json:"toolexec"`
	Injector        Identity `json:"injector"`
	NeedsOwnGocache bool     `json:"needs_own_gocache"`
	// Gocache is the GOCACHE an injector that needs its own must use.
	Gocache  string   `json:"gocache,omitempty"`
	Coverage Coverage `json:"coverage"`
	Failure  Class    `json:"failure,omitempty"`
	Live     *Live    `json:"live,omitempty"`
	// DefaultBuild is nil when not known (no live probe ran).
	DefaultBuild *DefaultBuild `json:"default_build"`
	Program      *Program      `json:"program,omitempty"`
	// Unbuildable is set when nothing this selection offers builds the
	// user's program here (select then prints no flags and exits 1).
	Unbuildable *Unbuildable `json:"unbuildable,omitempty"`
	// Builds are the build kinds the live check built and ran.
	Builds []BuildKind `json:"builds,omitempty"`
}

// Unbuildable says why no strategy builds the user's program, and the fix.
type Unbuildable struct {
	Reason string `json:"reason"`
	Fix    string `json:"fix,omitempty"`
}

// Identity names an injector: builtin (qcompat's own), or a command and the
// sha256 of its binary (or "src-..." of its sources).
type Identity struct {
	Name    string `json:"name"`
	Sha256  string `json:"sha256"`
	Package string `json:"package,omitempty"`
	Module  string `json:"module,omitempty"`
	Commit  string `json:"commit,omitempty"`
	Version string `json:"version,omitempty"`
}

// IsBuiltin reports whether the injector is qcompat's own.
func (i Identity) IsBuiltin() bool { return i.Name == "builtin" }

// Program is the verdict on the user's program (--program).
type Program struct {
	Dir           string `json:"dir"`
	Package       string `json:"package"`
	UsesGoid      bool   `json:"uses_goid"`
	PullsAccessor bool   `json:"pulls_accessor"`
	Fallback      bool   `json:"fallback"`
	// Blocked says why the program cannot be built at all, if so.
	Blocked *Blocked `json:"blocked,omitempty"`
	Built   bool     `json:"built"`
	// Works is nil when nothing was shown.
	Works   *bool  `json:"works"`
	Failure Class  `json:"failure,omitempty"`
	Verdict string `json:"verdict"`
	Fix     string `json:"fix,omitempty"`
}

// Blocked says why a program cannot be built whatever the injector.
type Blocked struct {
	Kind BlockedKind `json:"kind"`
	// Requires is the Go version the program's go.mod asks for.
	Requires string `json:"requires,omitempty"`
	Message  string `json:"message"`
}

// Outcome is one build (and run) of the live check.
type Outcome struct {
	Status        CellStatus   `json:"status"`
	Verified      Verification `json:"verified"`
	DurationS     float64      `json:"duration_s"`
	Command       string       `json:"command"`
	StderrExcerpt string       `json:"stderr_excerpt"`
	Note          string       `json:"note,omitempty"`
	Diagnosis     *Diagnosis   `json:"diagnosis,omitempty"`
}

// Diagnosis explains a failed build.
type Diagnosis struct {
	Class       Class  `json:"class"`
	Evidence    string `json:"evidence"`
	Explanation string `json:"explanation"`
	Fix         string `json:"fix"`
}

// Live is the live check: the probe's outcome and the other builds'.
type Live struct {
	Outcome
	PrivateGocache bool `json:"private_gocache"`
	// WithA is the -a build (Go <= 1.19, unsalted injector).
	WithA *Outcome `json:"with_a,omitempty"`
	// Program is the user's program built through the injector.
	Program *Outcome `json:"program,omitempty"`
	// Plain is the probe built without the injector.
	Plain  *Outcome      `json:"plain,omitempty"`
	Builds []KindOutcome `json:"builds,omitempty"`
}

// KindOutcome is the outcome of one of the other build kinds.
type KindOutcome struct {
	Outcome
	Build BuildKind `json:"build"`
}

// Probe is qcompat probe --json (matrix/schema/probe.schema.json).
type Probe struct {
	Schema    int             `json:"schema"`
	Go        ProbeGo         `json:"go"`
	Runtime   ProbeRuntime    `json:"runtime"`
	Linkname  ProbeLinkname   `json:"linkname"`
	Platforms []ProbePlatform `json:"platforms"`
}

// ProbeGo is what the probe found about the go command.
type ProbeGo struct {
	Path        string   `json:"path"`
	RawVersion  string   `json:"raw_version"`
	Version     string   `json:"version"`
	Compiler    Compiler `json:"compiler"`
	Devel       bool     `json:"devel"`
	GOROOT      string   `json:"goroot"`
	GOTOOLDIR   string   `json:"gotooldir"`
	GOOS        string   `json:"goos"`
	GOARCH      string   `json:"goarch"`
	GOCACHE     string   `json:"gocache"`
	GOFLAGS     string   `json:"goflags"`
	GOTOOLCHAIN string   `json:"gotoolchain"`
	// ToolchainSwitch names the toolchain GOTOOLCHAIN switches to, if any.
	ToolchainSwitch *string `json:"toolchain_switch"`
}

// ProbeRuntime is what the probe read from the runtime's sources.
type ProbeRuntime struct {
	GoidField bool      `json:"goid_field"`
	GoidType  *GoidType `json:"goid_type"`
	Problem   string    `json:"problem,omitempty"`
}

// ProbeLinkname is the linker's linkname policy, expected and checked.
type ProbeLinkname struct {
	Expected LinknamePolicy `json:"expected"`
	// Verified is nil when no check ran.
	Verified     *LinknameCheck `json:"verified"`
	Disagreement string         `json:"disagreement,omitempty"`
}

// LinknameCheck is what a real link showed.
type LinknameCheck struct {
	PullUnmarkedAllowed bool           `json:"pull_unmarked_allowed"`
	ChecklinknameFlag   bool           `json:"checklinkname_flag"`
	Message             *string        `json:"message"`
	Policy              LinknamePolicy `json:"policy"`
}

// ProbePlatform is one GOOS/GOARCH pair the toolchain lists.
type ProbePlatform struct {
	GOOS         string `json:"goos"`
	GOARCH       string `json:"goarch"`
	CgoSupported bool   `json:"cgo_supported"`
	FirstClass   bool   `json:"first_class"`
	Broken       bool   `json:"broken,omitempty"`
}

// Reason returns the text of the first reason with code c, and whether the
// selection gives one: programs decide on codes, and show the text.
func (s *Selection) Reason(c ReasonCode) (string, bool) {
	for i, code := range s.ReasonCodes {
		if code == c && i < len(s.Reasons) {
			return s.Reasons[i], true
		}
	}
	return "", false
}
