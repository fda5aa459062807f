//go:build !qcompat_injected && !qcompat_stack && !qcompat_nocalibrate && gc && (ppc64 || ppc64le)

#include "textflag.h"

// func fastID() uint64: g.goid at goidOffset once calibration proved it, with g
// from the g register; while goidOffset is 0, a tail jump to slowID (which
// returns to fastID's caller). Reads stay inside g: see package calib.
TEXT ·fastID(SB), NOSPLIT|NOFRAME, $0-8
	MOVD ·goidOffset(SB), R3
	CMP R3, $0
	BEQ slow
	ADD g, R3, R3
	MOVD 0(R3), R3
	MOVD R3, ret+0(FP)
	RET
slow:
	JMP runtime·qcompatGoidSlowID(SB)
