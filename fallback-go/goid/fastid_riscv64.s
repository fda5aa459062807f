//go:build !qcompat_injected && !qcompat_stack && !qcompat_nocalibrate && gc

#include "textflag.h"

// func fastID() uint64: g.goid at goidOffset once calibration proved it, with g
// from the g register; while goidOffset is 0, a tail jump to slowID (which
// returns to fastID's caller). Reads stay inside g: see package calib.
TEXT ·fastID(SB), NOSPLIT|NOFRAME, $0-8
	MOV ·goidOffset(SB), X5
	BEQ X5, ZERO, slow
	ADD g, X5, X5
	MOV (X5), X5
	MOV X5, ret+0(FP)
	RET
slow:
	JMP runtime·qcompatGoidSlowID(SB)
