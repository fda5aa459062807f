// Lets the compiler accept goroutineID without a body.
