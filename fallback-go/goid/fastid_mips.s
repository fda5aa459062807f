//go:build !qcompat_injected && !qcompat_stack && !qcompat_nocalibrate && gc

#include "textflag.h"

// func fastID() uint64: g.goid at goidOffset once calibration proved it, with g
// from the g register; while goidOffset is 0, a tail jump to slowID (which
// returns to fastID's caller). Reads stay inside g: see package calib.
// Big-endian: the word at the lower address is the high half.
TEXT ·fastID(SB), NOSPLIT|NOFRAME, $0-8
	MOVW ·goidOffset(SB), R1
	BEQ R1, R0, slow
	ADDU g, R1
	MOVW 0(R1), R2
	MOVW R2, ret_hi+0(FP)
	MOVW 4(R1), R2
	MOVW R2, ret_lo+4(FP)
	RET
slow:
	JMP runtime·qcompatGoidSlowID(SB)
