package qcompat

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The real outputs of ci/client_testdata.sh, by the document they hold.
func realOutputs(t *testing.T) map[string][]string {
	t.Helper()
	files, err := filepath.Glob("testdata/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/*.json (ci/client_testdata.sh writes them): %v", err)
	}
	byKind := map[string][]string{}
	for _, f := range files {
		kind, _, _ := strings.Cut(filepath.Base(f), "-")
		byKind[kind] = append(byKind[kind], f)
	}
	return byKind
}

// Every real output decodes with unknown fields refused and encodes back to
// the same JSON value: no field is lost or added.
func TestRealOutputsRoundTrip(t *testing.T) {
	docs := map[string]func() any{
		"doctor": func() any { return new(Report) },
		"select": func() any { return new(Selection) },
		"probe":  func() any { return new(Probe) },
	}
	for kind, files := range realOutputs(t) {
		newDoc, ok := docs[kind]
		if !ok {
			t.Fatalf("testdata: no Go type for %s documents (%v)", kind, files)
		}
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			doc := newDoc()
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.DisallowUnknownFields()
			if err := dec.Decode(doc); err != nil {
				t.Errorf("%s: %v", f, err)
				continue
			}
			again, err := json.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			var want, got any
			if err := json.Unmarshal(raw, &want); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(again, &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(want, got) {
				t.Errorf("%s: re-encoded differs:\nwant %s\ngot  %s", f, raw, again)
			}
		}
	}
}

// The variants the testdata must hold, so a regeneration that loses one
// (a deep run, a failed check, a blocked program) is seen.
func TestRealOutputsCoverTheVariants(t *testing.T) {
	var seen struct{ failed, deep, blocked, program, gccgo, nullDefault bool }
	for _, f := range realOutputs(t)["doctor"] {
		d := readDoctor(t, f)
		s := d.Selection
		seen.failed = seen.failed || !d.OK
		seen.gccgo = seen.gccgo || strings.Contains(d.Advice, "gccgo")
		if s == nil {
			continue
		}
		if len(s.ReasonCodes) != len(s.Reasons) {
			t.Errorf("%s: %d reason codes for %d reasons", f, len(s.ReasonCodes), len(s.Reasons))
		}
		seen.deep = seen.deep || (s.Live != nil && len(s.Live.Builds) > 0)
		seen.program = seen.program || (s.Program != nil && s.Live != nil && s.Live.Program != nil)
		seen.blocked = seen.blocked || (s.Program != nil && s.Program.Blocked != nil)
		seen.nullDefault = seen.nullDefault || s.DefaultBuild == nil
	}
	if seen != (struct{ failed, deep, blocked, program, gccgo, nullDefault bool }{true, true, true, true, true, true}) {
		t.Fatalf("testdata lacks a variant (false below): %+v", seen)
	}
}

func readDoctor(t *testing.T, f string) *Report {
	t.Helper()
	raw, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	var d Report
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatalf("%s: %v", f, err)
	}
	return &d
}

// The Go types follow the schemas: every property is a field (and every
// field a property), required ones are never omitted, nullable ones are
// pointers, and every enum value is Known to the field's type. A schema
// change without the Go change fails here.
func TestTypesCoverTheSchemas(t *testing.T) {
	for file, v := range map[string]any{
		"doctor.schema.json":    Report{},
		"selection.schema.json": Selection{},
		"probe.schema.json":     Probe{},
	} {
		w := schemaWalker{t: t, docs: map[string]map[string]any{}}
		w.walk(file, w.doc(file), reflect.TypeOf(v), file)
	}
}

type schemaWalker struct {
	t    *testing.T
	docs map[string]map[string]any
}

func (w *schemaWalker) doc(file string) map[string]any {
	if d, ok := w.docs[file]; ok {
		return d
	}
	raw, err := os.ReadFile(filepath.Join("..", "..", "matrix", "schema", file))
	if err != nil {
		w.t.Fatal(err)
	}
	var d map[string]any
	if err := json.Unmarshal(raw, &d); err != nil {
		w.t.Fatalf("%s: %v", file, err)
	}
	w.docs[file] = d
	return d
}

// resolve follows $ref: "#/$defs/x" in the same file, "other.json" and
// "other.json#/$defs/x".
func (w *schemaWalker) resolve(file string, node map[string]any) (string, map[string]any) {
	for {
		ref, ok := node["$ref"].(string)
		if !ok {
			return file, node
		}
		target, pointer, _ := strings.Cut(ref, "#")
		if target != "" {
			file = target
		}
		node = w.doc(file)
		for _, part := range strings.Split(strings.TrimPrefix(pointer, "/"), "/") {
			if part != "" {
				node = node[part].(map[string]any)
			}
		}
	}
}

func nullable(node map[string]any) bool {
	switch ty := node["type"].(type) {
	case string:
		if ty == "null" {
			return true
		}
	case []any:
		for _, x := range ty {
			if x == "null" {
				return true
			}
		}
	}
	for _, key := range []string{"enum", "oneOf"} {
		list, _ := node[key].([]any)
		for _, x := range list {
			if x == nil {
				return true
			}
			if m, ok := x.(map[string]any); ok && m["type"] == "null" {
				return true
			}
		}
	}
	return false
}

type knower interface{ Known() bool }

func (w *schemaWalker) walk(file string, node map[string]any, ty reflect.Type, at string) {
	file, node = w.resolve(file, node)
	if nullable(node) && ty.Kind() != reflect.Ptr && ty.Kind() != reflect.Slice {
		w.t.Errorf("%s: the schema allows null but the Go type %s is not a pointer", at, ty)
	}
	for ty.Kind() == reflect.Ptr {
		ty = ty.Elem()
	}
	if alts, ok := node["oneOf"].([]any); ok {
		for _, a := range alts {
			if m := a.(map[string]any); m["type"] != "null" {
				w.walk(file, m, ty, at)
			}
		}
	}
	if enum, ok := node["enum"].([]any); ok {
		if !ty.Implements(reflect.TypeOf((*knower)(nil)).Elem()) {
			w.t.Errorf("%s: an enum in the schema, but %s has no Known method", at, ty)
			return
		}
		for _, v := range enum {
			if v == nil {
				continue
			}
			if !reflect.ValueOf(v).Convert(ty).Interface().(knower).Known() {
				w.t.Errorf("%s: %s has no constant for %q", at, ty, v)
			}
		}
	}
	if items, ok := node["items"].(map[string]any); ok {
		if ty.Kind() != reflect.Slice {
			w.t.Errorf("%s: an array in the schema, %s in Go", at, ty)
			return
		}
		w.walk(file, items, ty.Elem(), at+"[]")
	}
	props := map[string]prop{}
	required := map[string]bool{}
	w.collect(file, node, props, required)
	if len(props) == 0 {
		return
	}
	if ty.Kind() != reflect.Struct {
		w.t.Errorf("%s: an object in the schema, %s in Go", at, ty)
		return
	}
	fields := jsonFields(ty)
	for name, p := range props {
		f, ok := fields[name]
		if !ok {
			w.t.Errorf("%s: property %q has no field in %s", at, name, ty)
			continue
		}
		if required[name] && f.omitempty {
			w.t.Errorf("%s: required property %q is omitempty in %s", at, name, ty)
		}
		w.walk(p.file, p.node, f.ty, at+"."+name)
	}
	for name := range fields {
		if _, ok := props[name]; !ok {
			w.t.Errorf("%s: %s has field %q the schema does not name", at, ty, name)
		}
	}
}

// A property's schema and the file its references are relative to.
type prop struct {
	file string
	node map[string]any
}

// collect gathers an object's properties, its own and those of its allOf
// parts.
func (w *schemaWalker) collect(file string, node map[string]any, props map[string]prop, required map[string]bool) {
	file, node = w.resolve(file, node)
	own, _ := node["properties"].(map[string]any)
	for k, v := range own {
		props[k] = prop{file, v.(map[string]any)}
	}
	req, _ := node["required"].([]any)
	for _, r := range req {
		required[r.(string)] = true
	}
	parts, _ := node["allOf"].([]any)
	for _, part := range parts {
		w.collect(file, part.(map[string]any), props, required)
	}
}

type jsonField struct {
	ty        reflect.Type
	omitempty bool
}

// jsonFields maps the JSON names of a struct's fields, embedded structs'
// fields promoted as encoding/json does.
func jsonFields(ty reflect.Type) map[string]jsonField {
	out := map[string]jsonField{}
	for i := 0; i < ty.NumField(); i++ {
		f := ty.Field(i)
		tag := f.Tag.Get("json")
		if f.Anonymous && tag == "" {
			for k, v := range jsonFields(f.Type) {
				out[k] = v
			}
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = jsonField{f.Type, strings.Contains(opts, "omitempty")}
	}
	return out
}
