// Command seedinjector is a third-party toolexec injector for qcompat's
// tests. It behaves like the one q's design starts from: when the compiler
// builds package runtime it appends a file defining runtime.GoroutineID, and
// it leaves `compile -V=full` unchanged (no salt), so its builds share cache
// entries with plain builds.
//
// Variants are chosen at build time with -ldflags=-X main.mode=MODE:
//
//	seed     return getg().goid, unconverted: does not compile where g.goid is int64 (Go <= 1.19)
//	convert  return uint64(getg().goid): compiles everywhere
//	wrongid  return uint64(getg().goid) + 1: links, but returns wrong IDs
//	zero     return 0: links, but returns no ID
//	none     injects nothing
//	norace   as convert, but not when runtime is compiled for -race (an
//	         injector that gets one build kind wrong: plain builds pass)
//
// A first argument -chain=CMD,ARG,... runs that command in front of the tool
// (chaining another injector), as `-toolexec="seedinjector -chain=qcompat,toolexec"`.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

var mode = "seed"

const header = "package runtime\n\nimport _ \"unsafe\"\n\n//go:linkname GoroutineID\n"

func source() string {
	switch mode {
	case "seed":
		return header + "func GoroutineID() uint64 { return getg().goid }\n"
	case "convert", "norace":
		return header + "func GoroutineID() uint64 { return uint64(getg().goid) }\n"
	case "wrongid":
		return header + "func GoroutineID() uint64 { return uint64(getg().goid) + 1 }\n"
	case "zero":
		return header + "func GoroutineID() uint64 { return 0 }\n"
	}
	return ""
}

func isRuntimeCompile(tool string, args []string) bool {
	if strings.TrimSuffix(filepath.Base(tool), ".exe") != "compile" {
		return false
	}
	for i, a := range args {
		if a == "-p" && i+1 < len(args) {
			return args[i+1] == "runtime"
		}
		if a == "-p=runtime" {
			return true
		}
	}
	return false
}

func hasFlag(args []string, flag string) bool {
	for _, a := range args {
		if a == flag {
			return true
		}
	}
	return false
}

func main() {
	args := os.Args[1:]
	var chain []string
	if len(args) > 0 && strings.HasPrefix(args[0], "-chain=") {
		chain = strings.Split(strings.TrimPrefix(args[0], "-chain="), ",")
		args = args[1:]
	}
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: go build -toolexec=seedinjector ...")
		os.Exit(2)
	}
	tool, targs := args[0], args[1:]
	var dir string
	if src := source(); src != "" && isRuntimeCompile(tool, targs) && !(mode == "norace" && hasFlag(targs, "-race")) {
		var err error
		dir, err = os.MkdirTemp("", "seedinjector-")
		if err != nil {
			fmt.Fprintln(os.Stderr, "seedinjector:", err)
			os.Exit(2)
		}
		file := filepath.Join(dir, "goroutineid.go")
		if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "seedinjector:", err)
			os.Exit(2)
		}
		targs = append(targs, file)
	}
	argv := append(append(chain, tool), targs...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	if dir != "" {
		os.RemoveAll(dir)
	}
	if exit, ok := err.(*exec.ExitError); ok {
		os.Exit(exit.ExitCode())
	} else if err != nil {
		fmt.Fprintln(os.Stderr, "seedinjector:", err)
		os.Exit(2)
	}
}
