//go:build !qcompat_injected && !qcompat_stack && !qcompat_nocalibrate && gc && amd64 && go1.22

package goid

import "testing"

// idEntry returns the address of ID's first instruction (fastid_amd64.s).
func idEntry() uintptr

// TestIDStartsACacheLine: the calibrated ID's assembly starts a 64-byte
// line, so its path from entry to RET (41 bytes) never crosses one. Started
// 32 bytes into a line (the linker aligns functions to 32 bytes only), it
// cost 1.25x petermattis/goid's Get() in one process where the same code at
// a 64-byte boundary cost 1.00x (ci/bench/goid_layouts.sh).
func TestIDStartsACacheLine(t *testing.T) {
	if pc := idEntry(); pc%64 != 0 {
		t.Fatalf("ID starts at %#x: %d bytes into a 64-byte line", pc, pc%64)
	}
}
