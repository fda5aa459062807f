package qcompat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// Options are what doctor and select are asked about.
type Options struct {
	// Qcompat is the binary to run (nil: SetupFromEnv().Find).
	Qcompat *Binary
	// Go is the go command (--go; "": qcompat's choice, QCOMPAT_GO or PATH).
	Go string
	// Toolexec is the injector, e.g. "q" (--toolexec; "": the -toolexec in
	// GOFLAGS, else qcompat's own).
	Toolexec string
	// ToolexecPackage is a Go package to build as the injector with the
	// toolchain under test, e.g. ./cmd/q (--toolexec-package), in the
	// module folder ToolexecDir (--toolexec-dir; "": the working folder).
	ToolexecPackage string
	ToolexecDir     string
	// Program is the user's program, DIR or DIR:PKG (--program).
	Program string
	// Pins is a pins file (--pins; "": QCOMPAT_PINS, else built in).
	Pins string
	// Builds are more build kinds for the live check (--builds).
	Builds []BuildKind
	// Timeout limits each go command qcompat runs (--timeout; 0: its
	// default).
	Timeout time.Duration
	// Dir is the working folder ("": this process's).
	Dir string
	// Env is the environment (nil: this process's).
	Env []string
}

// DoctorOptions are doctor's: Deep builds and runs the probe (and Program)
// through the injector.
type DoctorOptions struct {
	Options
	Deep bool
}

// SelectOptions are select's: Offline uses the pins and the static probe
// only; Verify always checks live.
type SelectOptions struct {
	Options
	Offline bool
	Verify  bool
}

// ExitError is qcompat ending with a usage or setup error (exit status 2,
// or any status its command does not document); Stderr is its message.
type ExitError struct {
	Args   []string
	Code   int
	Stderr string
}

func (e *ExitError) Error() string {
	msg := strings.TrimSpace(e.Stderr)
	if msg == "" {
		msg = "(no message)"
	}
	return fmt.Sprintf("qcompat %s failed (exit status %d): %s", strings.Join(e.Args, " "), e.Code, safe(msg))
}

// Doctor runs qcompat doctor --json. A report with failed checks (exit 1)
// is a document with OK false, not an error. ctx bounds the run, and the
// install when Options.Qcompat is nil.
func Doctor(ctx context.Context, o DoctorOptions) (*Report, error) {
	args := o.args("doctor")
	if o.Deep {
		args = append(args, "--deep")
	}
	if len(o.Builds) > 0 && !o.Deep {
		return nil, errors.New("qcompat doctor: Builds needs Deep (the extra builds are part of the deep check)")
	}
	var d Report
	if err := o.run(ctx, args, map[int]bool{0: true, 1: true}, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// Select runs qcompat select --json.
func Select(ctx context.Context, o SelectOptions) (*Selection, error) {
	args := o.args("select")
	switch {
	case o.Offline && o.Verify:
		return nil, errors.New("qcompat select: Offline and Verify exclude each other")
	case len(o.Builds) > 0 && !o.Verify:
		return nil, errors.New("qcompat select: Builds needs Verify (the extra builds are part of the live check)")
	case o.Offline:
		args = append(args, "--offline")
	case o.Verify:
		args = append(args, "--verify")
	}
	var s Selection
	if err := o.run(ctx, args, map[int]bool{0: true}, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

func (o *Options) args(command string) []string {
	args := []string{command, "--json"}
	add := func(flag, v string) {
		if v != "" {
			args = append(args, flag+"="+v)
		}
	}
	add("--go", o.Go)
	add("--toolexec", o.Toolexec)
	add("--toolexec-package", o.ToolexecPackage)
	add("--toolexec-dir", o.ToolexecDir)
	add("--program", o.Program)
	add("--pins", o.Pins)
	if o.Timeout > 0 {
		secs := int64((o.Timeout + time.Second - 1) / time.Second)
		add("--timeout", strconv.FormatInt(secs, 10))
	}
	if len(o.Builds) > 0 {
		kinds := make([]string, len(o.Builds))
		for i, b := range o.Builds {
			kinds[i] = string(b)
		}
		add("--builds", strings.Join(kinds, ","))
	}
	return args
}

// maxOutput caps what is read of qcompat's stdout and stderr.
const maxOutput = 64 << 20

// run runs qcompat with args and decodes its stdout into doc when the exit
// status is one of docCodes.
func (o *Options) run(ctx context.Context, args []string, docCodes map[int]bool, doc any) error {
	bin := o.Qcompat
	if bin == nil {
		var err error
		if bin, err = SetupFromEnv().Find(ctx); err != nil {
			return err
		}
	}
	cmd, err := bin.Command(ctx, args...)
	if err != nil {
		return err
	}
	cmd.Dir, cmd.Env = o.Dir, o.Env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &limited{w: &stdout, n: maxOutput}, &limited{w: &stderr, n: 64 << 10}
	err = cmd.Run()
	code := 0
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		code = exitErr.ExitCode()
	case err != nil:
		return fmt.Errorf("cannot run %s: %v", bin.Path, err)
	}
	if !docCodes[code] {
		if code < 0 {
			return fmt.Errorf("qcompat %s (%s) was killed: %v %s", strings.Join(args, " "), bin.Path, err, safe(strings.TrimSpace(stderr.String())))
		}
		return &ExitError{Args: args, Code: code, Stderr: stderr.String()}
	}
	if err := json.Unmarshal(stdout.Bytes(), doc); err != nil {
		return fmt.Errorf("qcompat %s (%s) printed no JSON document (%v): %q", strings.Join(args, " "), bin.Path, err, cut(stdout.String(), 200))
	}
	return nil
}
