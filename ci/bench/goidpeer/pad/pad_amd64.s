#include "textflag.h"

// 1 byte: the layout with no padding.
TEXT ·Pad(SB), NOSPLIT|NOFRAME, $0-0
	RET
