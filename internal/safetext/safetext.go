// Package safetext makes untrusted strings (from plans and sources, which
// come from pull requests) safe to print: control characters are escaped
// visibly, so that a "\n::error::" in an ARN cannot start a GitHub workflow
// command, an ESC sequence cannot recolour a terminal, and a right-to-left
// override cannot disguise text.
package safetext

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Escape returns s with every control character, every character that
// changes the direction or the lines of text, and every invalid UTF-8 byte
// written as a visible escape: \n, \r, \t, \x1b, \u202e.
func Escape(s string) string {
	if clean(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafe(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

// clean reports whether s needs no escaping: the common case, checked
// without allocating.
func clean(s string) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r < 0x20 || r == 0x7f || (r == utf8.RuneError && size == 1) || unsafe(r) {
			return false
		}
		i += size
	}
	return true
}

// unsafe reports the non-ASCII characters that are escaped: C1 controls,
// bidirectional formatting, line and paragraph separators, and the byte
// order mark / zero-width no-break space.
func unsafe(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x2028, r == 0x2029, r == 0xfeff:
		return true
	}
	return false
}

// JSON escapes, in encoded JSON, the characters Escape escapes that
// encoding/json leaves as they are (C1 controls, bidirectional formatting,
// the byte order mark) as \uXXXX: the same JSON value, but nothing that
// changes how the text around it looks.
func JSON(b []byte) []byte {
	s := string(b)
	if clean(strings.NewReplacer("\n", "", "\t", "").Replace(s)) {
		return b
	}
	var out strings.Builder
	for _, r := range s {
		if r >= 0x80 && unsafe(r) {
			fmt.Fprintf(&out, `\u%04x`, r)
			continue
		}
		out.WriteRune(r)
	}
	return []byte(out.String())
}
