//go:build !qcompat_injected && !qcompat_stack && !qcompat_nocalibrate && gc

#include "textflag.h"

// func fastID() uint64: g.goid at goidOffset once calibration proved it, with g
// from thread-local storage; while goidOffset is 0, a tail jump to slowID (which
// returns to fastID's caller). Reads stay inside g: see package calib.
TEXT ·fastID(SB), NOSPLIT, $0-8
	MOVL ·goidOffset(SB), BX
	TESTL BX, BX
	JEQ slow
	MOVL (TLS), AX
	ADDL BX, AX
	MOVL 0(AX), DX
	MOVL DX, ret_lo+0(FP)
	MOVL 4(AX), DX
	MOVL DX, ret_hi+4(FP)
	RET
slow:
	JMP runtime·qcompatGoidSlowID(SB)
