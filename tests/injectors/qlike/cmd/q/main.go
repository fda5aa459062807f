// Command q is a stand-in for q's injector in qcompat's tests. Like q, it
//
//   - appends a file defining runtime.GoroutineID when the compiler builds
//     package runtime (converting g.goid, so it compiles on every Go);
//   - leaves `compile -V=full` unchanged (no salt), so its builds share cache
//     entries with plain builds;
//   - type-checks every package that imports its API (example.com/qlike/q),
//     reading its dependencies' export data with the go/importer of the Go
//     that built it: built by an older Go than the toolchain, it fails there;
//   - lives in a module whose go line needs a newer Go than some toolchains.
package main

import (
	"bufio"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

const api = "example.com/qlike/q"

const runtimeFile = `package runtime

import _ "unsafe"

//go:linkname GoroutineID
func GoroutineID() uint64 { return uint64(getg().goid) }
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: go build -toolexec=q ...")
		os.Exit(2)
	}
	tool, args := os.Args[1], os.Args[2:]
	if strings.TrimSuffix(filepath.Base(tool), ".exe") == "compile" {
		switch pkg := flagValue(args, "-p"); {
		case pkg == "runtime":
			args = append(args, writeTemp(runtimeFile))
		case pkg != "":
			typeCheck(args)
		}
	}
	cmd := exec.Command(tool, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		if exit, ok := err.(*exec.ExitError); ok {
			os.Exit(exit.ExitCode())
		}
		fmt.Fprintln(os.Stderr, "q:", err)
		os.Exit(2)
	}
}

// flagValue is the last value of a compiler flag, as the compiler reads it.
func flagValue(args []string, name string) string {
	v := ""
	for i, a := range args {
		if a == name && i+1 < len(args) {
			v = args[i+1]
		} else if strings.HasPrefix(a, name+"=") {
			v = strings.TrimPrefix(a, name+"=")
		}
	}
	return v
}

func writeTemp(src string) string {
	f, err := os.CreateTemp("", "q-runtime-*.go")
	if err == nil {
		_, err = f.WriteString(src)
		f.Close()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "q:", err)
		os.Exit(2)
	}
	return f.Name()
}

// typeCheck type-checks a package that imports q's API, as q does before it
// rewrites calls, with the export data the go command lists in -importcfg.
func typeCheck(args []string) {
	fset := token.NewFileSet()
	var files []*ast.File
	usesAPI := false
	for _, a := range args {
		if !strings.HasSuffix(a, ".go") {
			continue
		}
		f, err := parser.ParseFile(fset, a, nil, parser.ImportsOnly)
		if err != nil {
			return // the compiler reports it
		}
		for _, imp := range f.Imports {
			usesAPI = usesAPI || strings.Trim(imp.Path.Value, `"`) == api
		}
		if full, err := parser.ParseFile(fset, a, nil, 0); err == nil {
			files = append(files, full)
		}
	}
	if !usesAPI {
		return
	}
	exports := importcfg(flagValue(args, "-importcfg"))
	lookup := func(path string) (io.ReadCloser, error) {
		file, ok := exports[path]
		if !ok {
			return nil, fmt.Errorf("no export data for %q", path)
		}
		return os.Open(file)
	}
	conf := types.Config{Importer: importer.ForCompiler(fset, "gc", lookup)}
	if _, err := conf.Check(flagValue(args, "-p"), fset, files, nil); err != nil {
		fmt.Fprintln(os.Stderr, "q: type-checking:", err)
		os.Exit(1)
	}
}

// importcfg reads `packagefile path=file` lines.
func importcfg(name string) map[string]string {
	m := map[string]string{}
	f, err := os.Open(name)
	if err != nil {
		return m
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "packagefile "); ok {
			if path, file, ok := strings.Cut(rest, "="); ok {
				m[path] = file
			}
		}
	}
	return m
}
