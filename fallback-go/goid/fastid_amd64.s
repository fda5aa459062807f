//go:build !qcompat_injected && !qcompat_stack && !qcompat_nocalibrate && gc

#include "textflag.h"

// func fastID() uint64: g.goid at goidOffset once calibration proved it, with g
// from thread-local storage; while goidOffset is 0, a tail jump to slowID (which
// returns to fastID's caller). Reads stay inside g: see package calib.
TEXT ·fastID(SB), NOSPLIT, $0-8
	MOVQ ·goidOffset(SB), BX
	TESTQ BX, BX
	JEQ slow
	MOVQ (TLS), AX
	MOVQ (AX)(BX*1), AX
	MOVQ AX, ret+0(FP)
	RET
slow:
	JMP runtime·qcompatGoidSlowID(SB)
