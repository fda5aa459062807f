package qcompat

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode"
)

// WriteText writes the report as the lines qcompat doctor prints (without
// colour): one line per check with its fix below, the selection, and the
// advice. Control characters in the document's text are shown escaped
// (\x1b, \u{202e}), as qcompat shows them on a terminal; newlines and tabs
// are kept in the selection's lines, and shown as \n and \t in a check's
// message and fix and in the advice, which stay on their line.
func (d *Report) WriteText(w io.Writer) error {
	b := bufio.NewWriter(w)
	for _, c := range d.Checks {
		tag := map[Level]string{LevelOK: "ok  ", LevelWarn: "warn", LevelFail: "FAIL"}[c.Status]
		if tag == "" {
			tag = fmt.Sprintf("%-4s", c.Status)
		}
		fmt.Fprintf(b, "%s %-12s %s\n", tag, safe(string(c.ID)), inline(c.Message))
		if c.Fix != nil {
			fmt.Fprintf(b, "     %-12s fix: %s\n", "", inline(*c.Fix))
		}
	}
	if d.Selection != nil {
		b.WriteString("\n")
		d.Selection.writeText(b)
	}
	fmt.Fprintf(b, "\nadvice: %s\n", inline(d.Advice))
	return b.Flush()
}

// WriteText writes the selection as the lines qcompat select prints.
func (s *Selection) WriteText(w io.Writer) error {
	b := bufio.NewWriter(w)
	s.writeText(b)
	return b.Flush()
}

func (s *Selection) writeText(b *bufio.Writer) {
	tags := "none, goid's default build"
	if len(s.BuildTags) > 0 {
		tags = strings.Join(s.BuildTags, ",")
	}
	toolexec := "not needed"
	if s.ToolexecRequired {
		toolexec = "required"
	}
	fmt.Fprintf(b, "strategy    %s (build tags: %s; toolexec %s)\n", safe(string(s.Strategy)), safe(tags), toolexec)
	injector := "qcompat toolexec (built in)"
	if !s.Injector.IsBuiltin() {
		label, hash := "sha256", s.Injector.Sha256
		if strings.HasPrefix(hash, "src-") {
			label = "sources"
		}
		if len(hash) > 12 {
			hash = hash[:12]
		}
		injector = fmt.Sprintf("%s (%s %s)", s.Toolexec, label, hash)
	}
	fmt.Fprintf(b, "injector    %s\n", safe(injector))
	pinned, coverage, verified := "no", "untested", "not checked"
	if s.Pinned {
		pinned = "yes"
	}
	if s.Coverage == CoverageTested {
		coverage = "tested"
	}
	if s.Verified != nil {
		verified = map[bool]string{true: "yes", false: "failed"}[*s.Verified]
	}
	fmt.Fprintf(b, "pinned      %s (%s)   verified %s\n", pinned, coverage, verified)
	for _, r := range s.Reasons {
		fmt.Fprintf(b, "  - %s\n", safe(r))
	}
	if u := s.Unbuildable; u != nil {
		fmt.Fprintf(b, "unbuildable %s\n", safe(u.Reason))
		if u.Fix != "" {
			fmt.Fprintf(b, "  fix: %s\n", safe(u.Fix))
		}
	}
	if p := s.Program; p != nil {
		works := "not shown"
		if p.Works != nil {
			works = map[bool]string{true: "works", false: "does not work"}[*p.Works]
		}
		fmt.Fprintf(b, "program     %s %s: %s\n", safe(p.Dir), safe(p.Package), works)
		if p.Fix != "" {
			fmt.Fprintf(b, "  fix: %s\n", safe(p.Fix))
		}
	}
}

// safe escapes what a terminal would act on or hide: control characters
// but newline and tab, and the invisible and bidirectional formatting
// characters, in qcompat's own notation.
func safe(s string) string {
	if strings.IndexFunc(s, hidden) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case !hidden(r):
			b.WriteRune(r)
		case r < 0x100 && unicode.IsControl(r):
			fmt.Fprintf(&b, "\\x%02x", r)
		default:
			fmt.Fprintf(&b, "\\u{%x}", r)
		}
	}
	return b.String()
}

// inline is safe for a value that stays on its line: newlines, tabs and
// CRs are shown as \n, \t and \r too.
func inline(s string) string {
	s = strings.NewReplacer("\n", `\n`, "\t", `\t`, "\r", `\r`).Replace(s)
	return safe(s)
}

func hidden(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case r < 0x20 || (r >= 0x7f && r < 0xa0):
		return true
	case r == 0xad || r == 0x61c || r == 0x180e || r == 0xfeff:
		return true
	case (r >= 0x200b && r <= 0x200f) || (r >= 0x2028 && r <= 0x202e) || (r >= 0x2060 && r <= 0x2069):
		return true
	}
	return false
}
