package calib

import (
	"debug/dwarf"
	"debug/elf"
	"os"
	"testing"
)

func TestFindMatchesRuntimeStack(t *testing.T) {
	off, ok := Find()
	if !Supported {
		if ok {
			t.Fatal("Find reports an offset on a build that cannot reach g")
		}
		t.Skip("this build cannot reach g")
	}
	if !ok {
		t.Fatal("Find found no offset")
	}
	for i := 0; i < 100; i++ {
		if !Check(off, 8) {
			t.Fatalf("offset %d failed its check on round %d", off, i)
		}
	}
	t.Logf("goid at offset %d", off)
}

func TestReadRefusesOutsideWindow(t *testing.T) {
	for _, off := range []uintptr{0, Window - 7, Window, step + 1, ^uintptr(0) - 3} {
		if _, ok := Read(off); ok {
			t.Errorf("Read(%d) accepted", off)
		}
	}
	if Check(Window, 1) {
		t.Error("Check accepted an offset outside the window")
	}
}

// TestWindowInsideG reads runtime.g from this test binary's DWARF: the window
// must end inside g, and the field named goid must sit where Find found it.
func TestWindowInsideG(t *testing.T) {
	if !Supported {
		t.Skip("this build cannot reach g")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	f, err := elf.Open(exe)
	if err != nil {
		t.Skipf("not ELF: %v", err)
	}
	defer f.Close()
	d, err := f.DWARF()
	if err != nil {
		t.Skipf("no DWARF: %v", err)
	}
	r := d.Reader()
	for {
		e, err := r.Next()
		if err != nil || e == nil {
			t.Skip("runtime.g not in DWARF")
		}
		if e.Tag != dwarf.TagStructType || e.Val(dwarf.AttrName) != "runtime.g" {
			continue
		}
		typ, err := d.Type(e.Offset)
		if err != nil {
			t.Fatal(err)
		}
		st := typ.(*dwarf.StructType)
		if uintptr(st.ByteSize) < Window {
			t.Fatalf("runtime.g is %d bytes, smaller than the window (%d)", st.ByteSize, Window)
		}
		off, ok := Find()
		for _, fl := range st.Field {
			if fl.Name == "goid" {
				if !ok || uintptr(fl.ByteOffset) != off {
					t.Fatalf("DWARF puts goid at %d; Find says %d, %v", fl.ByteOffset, off, ok)
				}
				return
			}
		}
		t.Fatal("runtime.g has no goid field")
	}
}

// BenchmarkFind is the proof's one-off cost (goid's calibration).
func BenchmarkFind(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, ok := Find(); !ok && Supported {
			b.Fatal("no offset")
		}
	}
}
