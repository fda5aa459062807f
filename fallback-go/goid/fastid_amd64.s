//go:build !qcompat_injected && !qcompat_stack && !qcompat_nocalibrate && gc && go1.22

#include "textflag.h"

// func ID() uint64: g.goid at goidOffset once calibration proved it, with g
// from thread-local storage; while goidOffset is 0, or when the word read is 0 (no
// goroutine has ID 0: the offset does not hold for this g), a tail jump to
// slowID, which returns to ID's caller. Reads stay inside g: see package
// calib.
//
// PCALIGN $64 makes the linker start ID on a 64-byte line (it aligns
// functions to 32 bytes otherwise), so the path from entry to RET (41
// bytes) is in one line. Started 32 bytes into a line, the path after the
// taken JNE ran on into the next line, and the same code cost 1.25x
// petermattis/goid's Get() in one process, 1.00x on a line start (AMD
// EPYC, go1.26.8; ci/bench/goid_layouts.sh, issue 38). A shape with no
// taken branch (a CMOV zeroing the word while the offset is 0, one test)
// needed no alignment but cost 1.048x in goid_calibrated.sh's TestPair
// binary, against 1.009x for this one. The assembler takes PCALIGN on amd64
// from go1.22; fastid_amd64_go1.19.s is this code for go1.19 to go1.21.
TEXT ·ID(SB), NOSPLIT, $0-8
	PCALIGN $64
	MOVQ ·goidOffset(SB), BX
	TESTQ BX, BX
	JNE proven
	JMP ·slowID(SB)
proven:
	MOVQ (TLS), AX
	MOVQ (AX)(BX*1), AX
	TESTQ AX, AX
	JEQ zero
	MOVQ AX, ret+0(FP)
	RET
zero:
	JMP ·slowID(SB)

// func idEntry() uintptr: the address of ID's first instruction, for
// TestIDStartsACacheLine.
TEXT ·idEntry(SB), NOSPLIT, $0-8
	LEAQ ·ID(SB), AX
	MOVQ AX, ret+0(FP)
	RET
