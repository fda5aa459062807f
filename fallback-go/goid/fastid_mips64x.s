//go:build !qcompat_injected && !qcompat_stack && !qcompat_nocalibrate && gc && (mips64 || mips64le)

#include "textflag.h"

// func fastID() uint64: g.goid at goidOffset once calibration proved it, with g
// from the g register; while goidOffset is 0, a tail jump to slowID (which
// returns to fastID's caller). Reads stay inside g: see package calib.
TEXT ·fastID(SB), NOSPLIT|NOFRAME, $0-8
	MOVV ·goidOffset(SB), R1
	BEQ R1, R0, slow
	ADDVU g, R1
	MOVV 0(R1), R1
	MOVV R1, ret+0(FP)
	RET
slow:
	JMP runtime·qcompatGoidSlowID(SB)
