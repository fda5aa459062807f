//go:build gc && (mips64 || mips64le)

#include "textflag.h"

// func getg() unsafe.Pointer: the current g, from the g register.
TEXT ·getg(SB), NOSPLIT, $0-8
	MOVV g, ret+0(FP)
	RET
