// Command moderninjector is a toolexec injector that, like q, needs a recent
// Go to build: it uses the slices package (Go 1.21), so go1.19 cannot build
// it. It appends a converting runtime.GoroutineID to package runtime and
// salts `compile -V=full`, so its builds keep cache entries of their own.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

const source = `package runtime

import _ "unsafe"

//go:linkname GoroutineID
func GoroutineID() uint64 { return uint64(getg().goid) }
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: go build -toolexec=moderninjector ...")
		os.Exit(2)
	}
	tool, args := os.Args[1], os.Args[2:]
	compile := strings.TrimSuffix(filepath.Base(tool), ".exe") == "compile"
	if compile && slices.Equal(args, []string{"-V=full"}) {
		out, err := exec.Command(tool, args...).Output()
		if err != nil {
			fmt.Fprintln(os.Stderr, "moderninjector:", err)
			os.Exit(2)
		}
		fmt.Printf("%s moderninjector:1\n", strings.TrimSpace(string(out)))
		return
	}
	var dir string
	if i := slices.Index(args, "-p"); compile && i >= 0 && i+1 < len(args) && args[i+1] == "runtime" {
		var err error
		if dir, err = os.MkdirTemp("", "moderninjector-"); err == nil {
			file := filepath.Join(dir, "goroutineid.go")
			err = os.WriteFile(file, []byte(source), 0o644)
			args = append(args, file)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "moderninjector:", err)
			os.Exit(2)
		}
	}
	cmd := exec.Command(tool, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	if dir != "" {
		os.RemoveAll(dir)
	}
	if exit, ok := err.(*exec.ExitError); ok {
		os.Exit(exit.ExitCode())
	} else if err != nil {
		fmt.Fprintln(os.Stderr, "moderninjector:", err)
		os.Exit(2)
	}
}
