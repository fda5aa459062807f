package qcompat

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// WriteText gives, byte for byte, the text qcompat doctor printed in the
// same run as each JSON document of testdata.
func TestWriteTextIsDoctorsText(t *testing.T) {
	for _, f := range realOutputs(t)["doctor"] {
		want, err := os.ReadFile(strings.TrimSuffix(f, ".json") + ".txt")
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := readDoctor(t, f).WriteText(&got); err != nil {
			t.Fatal(err)
		}
		if got.String() != string(want) {
			t.Errorf("%s: text differs from qcompat doctor's\nwant:\n%s\ngot:\n%s", f, want, got.String())
		}
	}
}

func TestWriteTextEscapesControlCharacters(t *testing.T) {
	fix := "run \x1b[31mthis\u202e"
	d := &Report{
		Checks: []Check{{ID: CheckGo, Status: LevelFail, Message: "a\x07b\nc\td", Fix: &fix}},
		Advice: "\u200bx",
	}
	var got bytes.Buffer
	if err := d.WriteText(&got); err != nil {
		t.Fatal(err)
	}
	// A check's message stays on its line, as qcompat doctor prints it.
	want := "FAIL go           a\\x07b\\nc\\td\n                  fix: run \\x1b[31mthis\\u{202e}\n\nadvice: \\u{200b}x\n"
	if got.String() != want {
		t.Fatalf("got %q, want %q", got.String(), want)
	}
}
