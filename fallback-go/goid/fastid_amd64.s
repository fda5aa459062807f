//go:build !qcompat_injected && !qcompat_stack && !qcompat_nocalibrate && gc && go1.22

#include "textflag.h"

// func ID() uint64: g.goid at goidOffset once calibration proved it, with g
// from thread-local storage; while goidOffset is 0, or when the word read is 0 (no
// goroutine has ID 0: the offset does not hold for this g), a tail jump to
// slowID, which returns to ID's caller. Reads stay inside g: see package
// calib.
//
// On the proven path no branch is taken: the word at g+goidOffset is read
// whatever the offset (g+0 is inside g), a CMOV makes it 0 while the offset
// is 0, and one test of the result decides. With the loop around the call,
// that is three runs of straight code (to the CALL, ID to RET, back to the
// loop branch), as for petermattis/goid's Get(); the read behind a taken
// branch made four, and five where the path ran on from one 64-byte line
// into the next, which cost 1.25x Get() (issue 38, ci/bench/goid_layouts.sh;
// AMD EPYC, go1.26.8). PCALIGN $64 also starts ID on a line (the linker
// aligns functions to 32 bytes otherwise), so its 38 bytes to RET are in
// one. The assembler takes PCALIGN on amd64 from go1.22;
// fastid_amd64_go1.19.s is this file without it.
TEXT ·ID(SB), NOSPLIT, $0-8
	PCALIGN $64
	MOVQ ·goidOffset(SB), BX
	MOVQ (TLS), AX
	MOVQ (AX)(BX*1), AX
	TESTQ BX, BX
	CMOVQEQ BX, AX
	TESTQ AX, AX
	JEQ slow
	MOVQ AX, ret+0(FP)
	RET
slow:
	JMP ·slowID(SB)

// func idEntry() uintptr: the address of ID's first instruction, for
// TestIDStartsACacheLine.
TEXT ·idEntry(SB), NOSPLIT, $0-8
	LEAQ ·ID(SB), AX
	MOVQ AX, ret+0(FP)
	RET
