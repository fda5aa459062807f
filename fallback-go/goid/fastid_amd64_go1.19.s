//go:build !qcompat_injected && !qcompat_stack && !qcompat_nocalibrate && gc && amd64 && !go1.22

#include "textflag.h"

// func ID() uint64: g.goid at goidOffset once calibration proved it, with g
// from thread-local storage; while goidOffset is 0, or when the word read is 0 (no
// goroutine has ID 0: the offset does not hold for this g), a tail jump to
// slowID, which returns to ID's caller. Reads stay inside g: see package
// calib.
//
// fastid_amd64.s for go1.19 to go1.21, whose assembler has no PCALIGN on
// amd64. The linker starts functions 0 or 32 bytes into a 64-byte line, and
// running on from one line into the next cost 1.25x Get() (issue 38; a
// taken branch into the next line costs nothing measurable). So the path
// to RET never runs on across byte 32 of the function: the JNE at bytes
// 28-29 is taken over the cold JMP at 30-34, to the store and RET at 35-40.
TEXT ·ID(SB), NOSPLIT, $0-8
	MOVQ ·goidOffset(SB), BX
	TESTQ BX, BX
	JEQ slow
	MOVQ (TLS), AX
	MOVQ (AX)(BX*1), AX
	TESTQ AX, AX
	JNE proven
slow:
	JMP ·slowID(SB)
proven:
	MOVQ AX, ret+0(FP)
	RET
