#include "textflag.h"
#include "go_asm.h"

TEXT ·Floor(SB), NOSPLIT, $0-8
	MOVQ (TLS), AX
	MOVQ const_goidOffset(AX), AX
	MOVQ AX, ret+0(FP)
	RET

TEXT ·ConstCheck(SB), NOSPLIT, $0-8
	MOVQ (TLS), AX
	MOVQ const_goidOffset(AX), AX
	TESTQ AX, AX
	JEQ zero
	MOVQ AX, ret+0(FP)
	RET
zero:
	JMP ·slow(SB)

TEXT ·LoadNoCheck(SB), NOSPLIT, $0-8
	MOVQ ·offset(SB), BX
	TESTQ BX, BX
	JNE proven
	JMP ·slow(SB)
proven:
	MOVQ (TLS), AX
	MOVQ (AX)(BX*1), AX
	MOVQ AX, ret+0(FP)
	RET

TEXT ·IDCopy(SB), NOSPLIT, $0-8
	MOVQ ·offset(SB), BX
	TESTQ BX, BX
	JNE proven
	JMP ·slow(SB)
proven:
	MOVQ (TLS), AX
	MOVQ (AX)(BX*1), AX
	TESTQ AX, AX
	JEQ zero
	MOVQ AX, ret+0(FP)
	RET
zero:
	JMP ·slow(SB)

TEXT ·OneBranch(SB), NOSPLIT, $0-8
	MOVQ ·offset(SB), BX
	MOVQ (TLS), AX
	MOVQ (AX)(BX*1), AX
	TESTQ BX, BX
	CMOVQEQ BX, AX
	TESTQ AX, AX
	JEQ slow
	MOVQ AX, ret+0(FP)
	RET
slow:
	JMP ·slow(SB)
