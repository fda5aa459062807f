package stackid

import (
	"strconv"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		id   uint64
		want bool
	}{
		{"goroutine 1 [running]:\nmain.main()", 1, true},
		{"goroutine 17 [chan receive]:", 17, true},
		{"goroutine 18446744073709551615 [running]:", 1<<64 - 1, true},
		{"goroutine 18446744073709551616 [running]:", 0, false},
		{"goroutine 99999999999999999999999 [running]:", 0, false},
		{"goroutine  [running]:", 0, false},
		{"goroutine 12", 0, false},
		{"goroutine 12[running]", 0, false},
		{"goroutine -1 [running]:", 0, false},
		{"Goroutine 1 [running]:", 0, false},
		{"gorout", 0, false},
		{"", 0, false},
	} {
		id, ok := Parse([]byte(tc.in))
		if id != tc.id || ok != tc.want {
			t.Errorf("Parse(%q) = %d, %v; want %d, %v", tc.in, id, ok, tc.id, tc.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("goroutine 1 [running]:\n"))
	f.Add([]byte("goroutine 18446744073709551615 [running]:"))
	f.Add([]byte("goroutine 18446744073709551616 "))
	f.Add([]byte("goroutine "))
	f.Fuzz(func(t *testing.T, b []byte) {
		id, ok := Parse(b)
		if !ok {
			if id != 0 {
				t.Fatalf("Parse(%q) = %d with ok=false", b, id)
			}
			return
		}
		// A successful parse must agree with strconv on the digits it read.
		head := "goroutine " + strconv.FormatUint(id, 10) + " "
		if len(b) < len(head) {
			t.Fatalf("Parse(%q) = %d, longer than the input", b, id)
		}
		if got := string(b[:len(head)]); got != head && !leadingZeros(b) {
			t.Fatalf("Parse(%q) = %d, but the input starts %q", b, id, got)
		}
	})
}

// leadingZeros reports whether the digits start with 0 ("goroutine 007 ").
func leadingZeros(b []byte) bool {
	return len(b) > len("goroutine ")+1 && b[len("goroutine ")] == '0'
}
