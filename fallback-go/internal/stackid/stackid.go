// Package stackid reads the goroutine ID from the header line that
// runtime.Stack writes ("goroutine 17 [running]:").
//
// It imports nothing, so that the qcompat probe program stays a runtime-only
// build that is quick to compile for every platform.
package stackid

const prefix = "goroutine "

// Parse returns the ID in a runtime.Stack header. It reports false, and never
// panics, when b does not start with "goroutine ", a decimal number and a
// space, or when the number does not fit in a uint64.
func Parse(b []byte) (id uint64, ok bool) {
	if len(b) < len(prefix) || string(b[:len(prefix)]) != prefix {
		return 0, false
	}
	b = b[len(prefix):]
	n := 0
	for ; n < len(b) && '0' <= b[n] && b[n] <= '9'; n++ {
		d := uint64(b[n] - '0')
		if id > (1<<64-1-d)/10 {
			return 0, false // overflow
		}
		id = id*10 + d
	}
	if n == 0 || n == len(b) || b[n] != ' ' {
		return 0, false
	}
	return id, true
}
