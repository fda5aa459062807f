//go:build !qcompat_injected && !qcompat_stack && !qcompat_nocalibrate && gc && !go1.22

#include "textflag.h"

// func ID() uint64: g.goid at goidOffset once calibration proved it, with g
// from thread-local storage; while goidOffset is 0, or when the word read is 0 (no
// goroutine has ID 0: the offset does not hold for this g), a tail jump to
// slowID, which returns to ID's caller. Reads stay inside g: see package
// calib.
//
// fastid_amd64.s for go1.19 to go1.21, whose assembler has no PCALIGN on
// amd64: the same code, which needs no alignment (no branch is taken on the
// proven path, so running on into the next 64-byte line costs nothing
// measurable; issue 38), at the linker's 32-byte alignment.
TEXT ·ID(SB), NOSPLIT, $0-8
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
