//go:build !qcompat_injected && !qcompat_stack && !qcompat_nocalibrate && gc

#include "textflag.h"

// func fastID() uint64: g.goid at goidOffset once calibration proved it, with g
// from thread-local storage; while goidOffset is 0, a tail jump to slowID (which
// returns to fastID's caller). Reads stay inside g: see package calib.
//
// The proven case is the taken branch: with the usual not-taken forward JEQ
// before the read, the call cost 1.01x petermattis/goid's Get() in the same
// binary (AMD EPYC, go1.26.8); laid out this way it costs the same as Get().
TEXT ·fastID(SB), NOSPLIT, $0-8
	MOVQ ·goidOffset(SB), BX
	TESTQ BX, BX
	JNE proven
	JMP runtime·qcompatGoidSlowID(SB)
proven:
	MOVQ (TLS), AX
	MOVQ (AX)(BX*1), AX
	MOVQ AX, ret+0(FP)
	RET
