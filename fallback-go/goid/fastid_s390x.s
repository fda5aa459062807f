//go:build !qcompat_injected && !qcompat_stack && !qcompat_nocalibrate && gc

#include "textflag.h"

// func ID() uint64: g.goid at goidOffset once calibration proved it, with g
// from the g register; while goidOffset is 0, or when the word read is 0 (no
// goroutine has ID 0: the offset does not hold for this g), a tail jump to
// slowID, which returns to ID's caller. Reads stay inside g: see package
// calib.
TEXT ·ID(SB), NOSPLIT|NOFRAME, $0-8
	MOVD ·goidOffset(SB), R1
	CMPBEQ R1, $0, slow
	ADD g, R1
	MOVD 0(R1), R1
	CMPBEQ R1, $0, slow
	MOVD R1, ret+0(FP)
	RET
slow:
	JMP ·slowID(SB)
