package sha256sums

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	a, b := strings.Repeat("ab", 32), strings.Repeat("0C", 32)
	got, err := Parse([]byte(a+"  x.tar.gz\n"+b+" *y.zip\r\n\n"), "S")
	if err != nil || len(got) != 2 || got["x.tar.gz"] != a || got["y.zip"] != strings.ToLower(b) {
		t.Fatalf("%v %v", got, err)
	}
	for _, bad := range []string{
		"abc  x.tar.gz",         // short sum
		a + "  ",                // no name
		a + "  ../x.tar.gz",     // a path, not a name
		a + "  x\n" + a + "  x", // twice
		"\x1b[31m",
	} {
		if _, err := Parse([]byte(bad), "S"); err == nil || !strings.HasPrefix(err.Error(), "S ") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}
