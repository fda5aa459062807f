//go:build !qcompat_injected && !qcompat_stack && !qcompat_nocalibrate && gc && !go1.22

#include "textflag.h"

// func ID() uint64: g.goid at goidOffset once calibration proved it, with g
// from thread-local storage; while goidOffset is 0, or when the word read is 0 (no
// goroutine has ID 0: the offset does not hold for this g), a tail jump to
// slowID, which returns to ID's caller. Reads stay inside g: see package
// calib.
//
// fastid_amd64.s for go1.19 to go1.21, whose assembler has no PCALIGN on
// amd64. The linker starts functions 0 or 32 bytes into a 64-byte line, and
// an instruction across a line cost 1.25x Get() (issue 38): the 2-byte NOP
// puts the TESTQ after the read at byte 32, so no instruction on the path
// to RET crosses byte 32 (or 64) of the function.
TEXT ·ID(SB), NOSPLIT, $0-8
	MOVQ ·goidOffset(SB), BX
	TESTQ BX, BX
	JNE proven
	JMP ·slowID(SB)
proven:
	MOVQ (TLS), AX
	MOVQ (AX)(BX*1), AX
	BYTE $0x66; BYTE $0x90 // NOP, 2 bytes
	TESTQ AX, AX
	JEQ zero
	MOVQ AX, ret+0(FP)
	RET
zero:
	JMP ·slowID(SB)
