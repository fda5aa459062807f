//go:build !qcompat_injected && !qcompat_stack && !qcompat_nocalibrate && gc

#include "textflag.h"

// func ID() uint64: g.goid at goidOffset once calibration proved it, with g
// from the g register; while goidOffset is 0, or when the word read is 0 (no
// goroutine has ID 0: the offset does not hold for this g), a tail jump to
// slowID, which returns to ID's caller. Reads stay inside g: see package
// calib.
TEXT ·ID(SB), NOSPLIT|NOFRAME, $0-8
	MOVW ·goidOffset(SB), R0
	CMP $0, R0
	B.EQ slow
	ADD g, R0
	MOVW 0(R0), R1
	MOVW 4(R0), R2
	ORR R1, R2, R3
	CMP $0, R3
	B.EQ slow
	MOVW R1, ret_lo+0(FP)
	MOVW R2, ret_hi+4(FP)
	RET
slow:
	JMP ·slowID(SB)
