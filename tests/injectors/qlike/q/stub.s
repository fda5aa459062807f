// This empty file lets the compiler accept runtimeGoroutineID's
// declaration without a body (see q.go).
