//go:build !qcompat_injected && !qcompat_stack && !qcompat_nocalibrate && gc

#include "textflag.h"

// func ID() uint64: g.goid at goidOffset once calibration proved it, with g
// from thread-local storage; while goidOffset is 0, or when the word read is 0 (no
// goroutine has ID 0: the offset does not hold for this g), a tail jump to
// slowID, which returns to ID's caller. Reads stay inside g: see package
// calib.
//
// The proven case is the taken branch: with the usual not-taken forward JEQ
// before the read, the call cost 1.01x petermattis/goid's Get() in the same
// binary (AMD EPYC, go1.26.8); laid out this way it costs the same as Get().
TEXT ·ID(SB), NOSPLIT, $0-8
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
