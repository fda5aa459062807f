//go:build gc && (ppc64 || ppc64le)

#include "textflag.h"

// func getg() unsafe.Pointer: the current g, from the g register.
TEXT ·getg(SB), NOSPLIT, $0-8
	MOVD g, ret+0(FP)
	RET
