//go:build !qcompat_injected && !qcompat_stack && !qcompat_nocalibrate && gc

#include "textflag.h"

// func ID() uint64: g.goid at goidOffset once calibration proved it, with g
// from the g register; while goidOffset is 0, or when the word read is 0 (no
// goroutine has ID 0: the offset does not hold for this g), a tail jump to
// slowID, which returns to ID's caller. Reads stay inside g: see package
// calib.
TEXT ·ID(SB), NOSPLIT|NOFRAME, $0-8
	MOVW ·goidOffset(SB), R1
	BEQ R1, R0, slow
	ADDU g, R1
	MOVW 0(R1), R2
	MOVW 4(R1), R3
	OR R2, R3, R4
	BEQ R4, R0, slow
	MOVW R2, ret_hi+0(FP)
	MOVW R3, ret_lo+4(FP)
	RET
slow:
	JMP ·slowID(SB)
