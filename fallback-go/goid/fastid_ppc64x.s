//go:build !qcompat_injected && !qcompat_stack && !qcompat_nocalibrate && gc && (ppc64 || ppc64le)

#include "textflag.h"

// func ID() uint64: g.goid at goidOffset once calibration proved it, with g
// from the g register; while goidOffset is 0, or when the word read is 0 (no
// goroutine has ID 0: the offset does not hold for this g), a tail jump to
// slowID, which returns to ID's caller. Reads stay inside g: see package
// calib.
TEXT ·ID(SB), NOSPLIT|NOFRAME, $0-8
	MOVD ·goidOffset(SB), R3
	CMP R3, $0
	BEQ slow
	ADD g, R3, R3
	MOVD 0(R3), R3
	CMP R3, $0
	BEQ slow
	MOVD R3, ret+0(FP)
	RET
slow:
	JMP ·slowID(SB)
