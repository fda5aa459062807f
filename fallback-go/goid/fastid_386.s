//go:build !qcompat_injected && !qcompat_stack && !qcompat_nocalibrate && gc

#include "textflag.h"

// func ID() uint64: g.goid at goidOffset once calibration proved it, with g
// from thread-local storage; while goidOffset is 0, or when the word read is 0 (no
// goroutine has ID 0: the offset does not hold for this g), a tail jump to
// slowID, which returns to ID's caller. Reads stay inside g: see package
// calib.
TEXT ·ID(SB), NOSPLIT, $0-8
	MOVL ·goidOffset(SB), BX
	TESTL BX, BX
	JEQ slow
	MOVL (TLS), AX
	ADDL BX, AX
	MOVL 0(AX), DX
	MOVL 4(AX), CX
	MOVL DX, BX
	ORL CX, BX
	JEQ slow
	MOVL DX, ret_lo+0(FP)
	MOVL CX, ret_hi+4(FP)
	RET
slow:
	JMP ·slowID(SB)
