/*
 * bcryptprimitives.dll for Wine 8.0, which lacks it: Go 1.21 and newer call
 * ProcessPrng at start-up ("fatal error: bcryptprimitives.dll not found").
 * ProcessPrng fills a buffer with random bytes; RtlGenRandom
 * (SystemFunction036, in advapi32) does the same. qcompat builds this with
 * x86_64-w64-mingw32-gcc -shared -o bcryptprimitives.dll processprng.c -ladvapi32
 * and puts it in its private Wine prefix's system32.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
