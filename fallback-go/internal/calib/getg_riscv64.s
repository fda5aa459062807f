//go:build gc

#include "textflag.h"

// func getg() unsafe.Pointer: the current g, from the g register.
TEXT ·getg(SB), NOSPLIT, $0-8
	MOV g, ret+0(FP)
	RET
