//go:build gc

#include "textflag.h"

// func getg() unsafe.Pointer: the current g, from TLS.
TEXT ·getg(SB), NOSPLIT, $0-8
	MOVQ (TLS), AX
	MOVQ AX, ret+0(FP)
	RET
