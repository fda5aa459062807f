#!/usr/bin/env bash
# Writes the real qcompat outputs the Go client's tests decode and render
# (fallback-go/qcompat/testdata): doctor, select and probe documents from
# target/debug/qcompat on this machine's toolchains, and doctor's text
# beside each doctor document. Run after `cargo build` when a schema or the
# doctor's text changes; the tests then show what the Go side must follow.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
q="$root/target/debug/qcompat"
out="$root/fallback-go/qcompat/testdata"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export QCOMPAT_CACHE_DIR="$work/cache" NO_COLOR=1
go119=/usr/lib/go-1.19/bin/go
gccgo=/usr/bin/go-12

# A program that uses goid (the deep check builds it through the injector),
# and one whose go.mod asks for a Go newer than any here (blocked).
mkdir -p "$work/app" "$work/future"
cat >"$work/app/go.mod" <<MOD
module example.com/app

go 1.19

require github.com/qcompat/qcompat/fallback-go v0.0.0

replace github.com/qcompat/qcompat/fallback-go => $root/fallback-go
MOD
cat >"$work/app/main.go" <<'GO'
package main

import (
	"fmt"

	"github.com/qcompat/qcompat/fallback-go/goid"
)

func main() { fmt.Println(goid.ID()) }
GO
printf 'module example.com/future\n\ngo 1.99\n' >"$work/future/go.mod"
printf 'package main\n\nfunc main() {}\n' >"$work/future/main.go"

# doctor NAME ARGS...: the JSON document and the text of one doctor run
# (exit 0 or 1 both are documents).
doctor() {
  local name=$1
  shift
  "$q" doctor --json "$@" >"$out/doctor-$name.json" || [ $? = 1 ]
  "$q" doctor "$@" >"$out/doctor-$name.txt" || [ $? = 1 ]
}
doctor ok
doctor go119 --go "$go119"
doctor failed-check --toolexec /bin/true
doctor deep-program --deep --builds test --program "$work/app"
doctor blocked --deep --program "$work/future"
doctor gccgo --go "$gccgo"
"$q" select --json >"$out/select-default.json"
"$q" select --json --offline >"$out/select-offline.json"
"$q" select --json --verify --builds test --program "$work/app" >"$out/select-verify.json"
"$q" probe --json >"$out/probe-gc.json"
"$q" probe --json --go "$gccgo" >"$out/probe-gccgo.json"
ls -l "$out"
