package report

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// wrapper writes lines wrapped to a width with a hanging indent: the
// continuation lines start under the text, after indent and label.
type wrapper struct {
	w     io.Writer
	width int // 0: no wrapping
}

// line writes indent, label and text; text is wrapped at spaces so that no
// line is wider than the width, where its words allow.
func (t *wrapper) line(indent, label, text string) {
	prefix := indent + label
	if t.width <= 0 {
		fmt.Fprintln(t.w, prefix+text)
		return
	}
	hang := strings.Repeat(" ", visibleLen(prefix))
	room := t.width - visibleLen(prefix)
	if room < 20 {
		room = 20
	}
	var b strings.Builder
	b.WriteString(prefix)
	n := 0
	for i, word := range strings.Split(text, " ") {
		l := visibleLen(word)
		if i > 0 {
			if n+1+l > room {
				b.WriteString("\n" + hang)
				n = 0
			} else {
				b.WriteByte(' ')
				n++
			}
		}
		b.WriteString(word)
		n += l
	}
	fmt.Fprintln(t.w, b.String())
}

// visibleLen counts the characters of s a terminal shows: ANSI colour
// sequences take no room.
func visibleLen(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] == 0x1b {
			j := strings.IndexByte(s[i:], 'm')
			if j < 0 {
				break
			}
			i += j + 1
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n++
	}
	return n
}
