package tfplan

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxValueBytes is the largest JSON value lbguard holds in memory at once:
// one resource change of a modelled type, the configuration, the variables,
// one string it reads. Values lbguard skips are never held, whatever their
// size. A plan beyond it is refused with the JSON path of the value, rather
// than exhausting memory.
const MaxValueBytes = 256 << 20

// maxDepth is the deepest nesting of objects and arrays accepted, as in
// encoding/json.
const maxDepth = 10000

// window is the size of the scanner's read buffer while it holds nothing.
const window = 128 << 10

// scanner is lbguard's streaming JSON tokenizer. It validates everything
// it reads (RFC 8259 syntax and UTF-8, as a JSON parser must) but keeps in
// memory only a window of the input: a value it skips is never held, so a
// plan of any size is read in bounded memory. While the decoder holds a
// value (raw), the window grows to keep the whole value, up to limit.
type scanner struct {
	r    io.Reader
	buf  []byte
	pos  int   // the next unread byte
	end  int   // the end of the bytes read into buf
	base int64 // the input offset of buf[0]
	eof  bool
	rerr error // a read error other than io.EOF

	hold  int   // where the held value starts in buf, or -1
	limit int64 // the most bytes held at once

	depth   int
	scratch []byte // the decoded text of the string read last
}

func newScanner(r io.Reader, size int, limit int64) *scanner {
	return &scanner{r: r, buf: make([]byte, size), hold: -1, limit: limit}
}

// syntaxError is invalid JSON at an input offset (just past the offending
// byte, or the end of the input).
type syntaxError struct {
	offset int64
	msg    string
}

func (e *syntaxError) Error() string { return e.msg }

// errTruncated is the input ending inside a value.
var errTruncated = errors.New("unexpected end of input")

// errTooLarge is a held value or a read string over the limit.
type errTooLarge struct {
	limit  int64
	offset int64
}

func (e *errTooLarge) Error() string {
	if e.limit >= 1<<20 {
		return fmt.Sprintf("larger than %d MB", e.limit>>20)
	}
	return fmt.Sprintf("larger than %d bytes", e.limit)
}

// offset is the input offset of the next unread byte.
func (s *scanner) offset() int64 { return s.base + int64(s.pos) }

// fail makes a syntax error at buf[at].
func (s *scanner) fail(at int, format string, args ...any) error {
	return &syntaxError{offset: s.base + int64(at) + 1, msg: fmt.Sprintf(format, args...)}
}

// fill reads more input into buf, keeping the unread bytes (and the held
// value). It reports whether any byte was added.
func (s *scanner) fill() bool {
	if s.eof || s.rerr != nil {
		return false
	}
	keep := s.pos
	if s.hold >= 0 {
		keep = s.hold
	}
	if keep > 0 {
		n := copy(s.buf, s.buf[keep:s.end])
		s.base += int64(keep)
		s.pos -= keep
		s.end = n
		if s.hold >= 0 {
			s.hold = 0
		}
	}
	if s.hold < 0 && len(s.buf) > 4*window && s.end < window {
		// A held value grew the buffer: give the memory back.
		s.buf = append(make([]byte, 0, window), s.buf[:s.end]...)[:window]
	}
	if s.end == len(s.buf) {
		if int64(len(s.buf)) >= s.limit {
			s.rerr = &errTooLarge{limit: s.limit, offset: s.base + int64(s.end)}
			return false
		}
		grown := make([]byte, min(int64(2*len(s.buf)), s.limit))
		copy(grown, s.buf[:s.end])
		s.buf = grown
	}
	for range 100 {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err == io.EOF {
			s.eof = true
		} else if err != nil {
			s.rerr = err
		}
		if n > 0 || err != nil {
			return n > 0
		}
	}
	s.rerr = io.ErrNoProgress
	return false
}

// endErr is the error for input that ended (or failed) where more was
// expected.
func (s *scanner) endErr() error {
	if s.rerr != nil {
		return s.rerr
	}
	return errTruncated
}

// ensure makes at least n unread bytes available, unless the input ends
// first; it reports whether they are.
func (s *scanner) ensure(n int) bool {
	for s.end-s.pos < n {
		if !s.fill() {
			return false
		}
	}
	return true
}

// peek skips white space and returns the next byte without consuming it;
// io.EOF (or the read error) at the end of the input.
func (s *scanner) peek() (byte, error) {
	for {
		for s.pos < s.end {
			c := s.buf[s.pos]
			if c > ' ' || (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
				return c, nil
			}
			s.pos++
		}
		if !s.fill() {
			if s.rerr != nil {
				return 0, s.rerr
			}
			return 0, io.EOF
		}
	}
}

// next is peek where the input may not end.
func (s *scanner) next() (byte, error) {
	c, err := s.peek()
	if err == io.EOF {
		return 0, errTruncated
	}
	return c, err
}

// consume reads the byte c, after white space.
func (s *scanner) consume(c byte, context string) error {
	got, err := s.next()
	if err != nil {
		return err
	}
	if got != c {
		return s.fail(s.pos, "invalid character %s %s: expected %q", quoteByte(got), context, c)
	}
	s.pos++
	return nil
}

// skipValue reads one value, whatever it is, without keeping it.
func (s *scanner) skipValue() error {
	c, err := s.next()
	if err != nil {
		return err
	}
	switch c {
	case '"':
		s.pos++
		return s.skipString()
	case '{':
		return s.skipObject()
	case '[':
		return s.skipArray()
	case 't':
		return s.literal("true")
	case 'f':
		return s.literal("false")
	case 'n':
		return s.literal("null")
	}
	if c == '-' || (c >= '0' && c <= '9') {
		_, err := s.number(false)
		return err
	}
	return s.fail(s.pos, "invalid character %s at the start of a value", quoteByte(c))
}

func (s *scanner) enter() error {
	s.depth++
	if s.depth > maxDepth {
		return s.fail(s.pos, "objects and arrays nested deeper than %d", maxDepth)
	}
	return nil
}

func (s *scanner) skipObject() error {
	return s.elements('}', "an object member", func() error {
		if c, err := s.next(); err != nil || c != '"' {
			if err != nil {
				return err
			}
			return s.fail(s.pos, "invalid character %s where an object member's name (a string) belongs", quoteByte(c))
		}
		s.pos++
		if err := s.skipString(); err != nil {
			return err
		}
		if err := s.consume(':', "after an object member's name"); err != nil {
			return err
		}
		return s.skipValue()
	})
}

func (s *scanner) skipArray() error { return s.elements(']', "an array element", s.skipValue) }

// elements reads an object or an array, whose opening byte is next,
// calling elem to read each member or element, up to the closing byte.
func (s *scanner) elements(closing byte, what string, elem func() error) error {
	if err := s.enter(); err != nil {
		return err
	}
	s.pos++
	for first := true; ; first = false {
		c, err := s.next()
		if err != nil {
			return err
		}
		if c == closing {
			s.pos++
			s.depth--
			return nil
		}
		if !first {
			if c != ',' {
				return s.fail(s.pos, "invalid character %s after %s: expected ',' or '%c'", quoteByte(c), what, closing)
			}
			s.pos++
		}
		if err := elem(); err != nil {
			return err
		}
	}
}

// literal reads true, false or null.
func (s *scanner) literal(word string) error {
	s.ensure(len(word))
	for i := 0; i < len(word); i++ {
		if s.pos+i >= s.end {
			return s.endErr()
		}
		if c := s.buf[s.pos+i]; c != word[i] {
			return s.fail(s.pos+i, "invalid character %s in the literal %s", quoteByte(c), word)
		}
	}
	s.pos += len(word)
	return nil
}

// number reads a number, returning its text when keep is set (valid until
// the next read). A number that is kept stays whole in the buffer (fill
// never drops the unread bytes); one that is skipped is consumed as it
// goes, so that a long run of digits is not held.
func (s *scanner) number(keep bool) ([]byte, error) {
	// at returns the byte i bytes past pos, 0 at the end of the input.
	at := func(i int) byte {
		for s.pos+i >= s.end {
			if !s.fill() {
				return 0
			}
		}
		return s.buf[s.pos+i]
	}
	digits := func(i int) int {
		for c := at(i); c >= '0' && c <= '9'; c = at(i) {
			i++
			if !keep && i > 16 {
				s.pos += i
				i = 0
			}
		}
		return i
	}
	// expectDigit fails unless the byte i bytes past pos is a digit.
	expectDigit := func(i int, where string) error {
		if c := at(i); c < '0' || c > '9' {
			if s.pos+i >= s.end {
				return s.endErr()
			}
			return s.fail(s.pos+i, "invalid character %s %s: expected a digit", quoteByte(c), where)
		}
		return nil
	}
	i := 0
	if at(0) == '-' {
		i++
	}
	if err := expectDigit(i, "in a number"); err != nil {
		return nil, err
	}
	if at(i) == '0' {
		i++
	} else {
		i = digits(i + 1)
	}
	if at(i) == '.' {
		i++
		if err := expectDigit(i, "after a number's decimal point"); err != nil {
			return nil, err
		}
		i = digits(i)
	}
	if c := at(i); c == 'e' || c == 'E' {
		i++
		if c := at(i); c == '+' || c == '-' {
			i++
		}
		if err := expectDigit(i, "in a number's exponent"); err != nil {
			return nil, err
		}
		i = digits(i)
	}
	if s.rerr != nil {
		return nil, s.rerr
	}
	start := s.pos
	s.pos += i
	if keep {
		return s.buf[start:s.pos], nil
	}
	return nil, nil
}

// String scanning classes: 0 passes as it is; others need a look.
const (
	strPlain = iota
	strQuote
	strEscape
	strControl
	strMulti
)

var strClass = func() (t [256]byte) {
	for c := range 0x20 {
		t[c] = strControl
	}
	t['"'] = strQuote
	t['\\'] = strEscape
	for c := 0x80; c < 0x100; c++ {
		t[c] = strMulti
	}
	return t
}()

// shortEscape marks the characters of the two-character escapes.
var shortEscape = func() (t [256]bool) {
	for _, c := range `"\\/bfnrt` {
		t[c] = true
	}
	return t
}()

// plainRun is how many bytes from i on need no look: a word at a time
// while no byte of it is a quote, a backslash, a control character or
// part of a multi-byte character.
func plainRun(b []byte, i int) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	start := i
	for i+8 <= len(b) {
		x := binary.LittleEndian.Uint64(b[i:])
		q := x ^ (ones * '"')
		e := x ^ (ones * '\\')
		// Each term has a byte's high bit set where that byte is below
		// 0x20, a quote or a backslash (exactly so while no byte has its
		// own high bit set, which ends the run anyway).
		below := (x - ones*0x20) &^ x
		quote := (q - ones) &^ q
		backslash := (e - ones) &^ e
		if (below|quote|backslash|x)&highs != 0 {
			break
		}
		i += 8
	}
	for i < len(b) && strClass[b[i]] == strPlain {
		i++
	}
	return i - start
}

// skipString reads the rest of a string whose opening quote is consumed.
func (s *scanner) skipString() error {
	_, err := s.stringBody(false)
	return err
}

// readString reads a string (after white space) and returns its decoded
// text, valid until the next read.
func (s *scanner) readString() ([]byte, error) {
	c, err := s.next()
	if err != nil {
		return nil, err
	}
	if c != '"' {
		return nil, s.fail(s.pos, "invalid character %s: expected a string", quoteByte(c))
	}
	s.pos++
	return s.stringBody(true)
}

// stringBody reads a string's body and closing quote; with decode, it
// returns the string's text.
func (s *scanner) stringBody(decode bool) ([]byte, error) {
	s.scratch = s.scratch[:0]
	for {
		i := s.pos
		for i < s.end {
			i += plainRun(s.buf[i:s.end], 0)
			if i == s.end {
				break
			}
			c := s.buf[i]
			switch strClass[c] {
			case strQuote:
				if decode && len(s.scratch) == 0 {
					// The whole string is in the buffer as it is.
					text := s.buf[s.pos:i]
					s.pos = i + 1
					return text, nil
				}
				if decode {
					if err := s.keep(s.buf[s.pos:i]); err != nil {
						return nil, err
					}
				}
				s.pos = i + 1
				return s.scratch, nil
			case strControl:
				return nil, s.fail(i, "control character %U in a string: JSON strings escape them", rune(c))
			case strEscape:
				if !decode && i+1 < s.end && shortEscape[s.buf[i+1]] {
					i += 2 // a valid escape, not to be decoded
					continue
				}
				if s.end-i < 12 && !s.eof {
					goto refill // an escape (or a surrogate pair) may be cut by the end of the buffer
				}
				n, r, err := s.escape(i)
				if err != nil {
					return nil, err
				}
				if decode {
					if err := s.keep(s.buf[s.pos:i]); err != nil {
						return nil, err
					}
					s.scratch = utf8.AppendRune(s.scratch, r)
				}
				i += n
				s.pos = i
				continue
			case strMulti:
				if s.end-i < utf8.UTFMax && !s.eof && !utf8.FullRune(s.buf[i:s.end]) {
					goto refill
				}
				r, n := utf8.DecodeRune(s.buf[i:s.end])
				if r == utf8.RuneError && n <= 1 {
					return nil, s.fail(i, "invalid UTF-8 in a string")
				}
				i += n
				continue
			}
		}
	refill:
		if decode {
			if err := s.keep(s.buf[s.pos:i]); err != nil {
				return nil, err
			}
		}
		s.pos = i
		// The input may end just where more was wanted (to see a whole
		// escape or character): then look again at what is left.
		wasEOF := s.eof
		if !s.fill() && (wasEOF || s.rerr != nil) {
			return nil, s.endErr()
		}
	}
}

// keep appends text to the string being read, within the limit.
func (s *scanner) keep(text []byte) error {
	if int64(len(s.scratch)+len(text)) > s.limit {
		return &errTooLarge{limit: s.limit, offset: s.offset()}
	}
	s.scratch = append(s.scratch, text...)
	return nil
}

// escape reads the escape sequence at buf[i] and returns its length and
// the character it stands for. A \u escape of half a surrogate pair
// joins the other half when it follows; alone, it stands for U+FFFD, as
// encoding/json decodes it.
func (s *scanner) escape(i int) (int, rune, error) {
	if i+1 >= s.end {
		return 0, 0, s.endErr()
	}
	switch c := s.buf[i+1]; c {
	case '"', '\\', '/':
		return 2, rune(c), nil
	case 'b':
		return 2, '\b', nil
	case 'f':
		return 2, '\f', nil
	case 'n':
		return 2, '\n', nil
	case 'r':
		return 2, '\r', nil
	case 't':
		return 2, '\t', nil
	case 'u':
		r, err := s.hex4(i + 2)
		if err != nil {
			return 0, 0, err
		}
		if !utf16.IsSurrogate(r) {
			return 6, r, nil
		}
		if i+12 <= s.end && s.buf[i+6] == '\\' && s.buf[i+7] == 'u' {
			if r2, err := s.hex4(i + 8); err == nil {
				if joined := utf16.DecodeRune(r, r2); joined != utf8.RuneError {
					return 12, joined, nil
				}
			}
		}
		return 6, utf8.RuneError, nil
	default:
		return 0, 0, s.fail(i+1, "invalid escape %s in a string", strconv.Quote(`\`+string(rune(c))))
	}
}

// hex4 reads the four hexadecimal digits of a \u escape at buf[i].
func (s *scanner) hex4(i int) (rune, error) {
	if i+4 > s.end {
		return 0, s.endErr()
	}
	var r rune
	for j := i; j < i+4; j++ {
		c := s.buf[j]
		var v byte
		switch {
		case c >= '0' && c <= '9':
			v = c - '0'
		case c >= 'a' && c <= 'f':
			v = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			v = c - 'A' + 10
		default:
			return 0, s.fail(j, "invalid character %s in a \\u escape: expected a hexadecimal digit", quoteByte(c))
		}
		r = r<<4 | rune(v)
	}
	return r, nil
}

// raw reads one value whole and returns its text and input offset; the
// text is valid until the next read. A value over the limit is refused
// with errTooLarge.
func (s *scanner) raw() ([]byte, int64, error) {
	if _, err := s.next(); err != nil {
		return nil, 0, err
	}
	s.hold = s.pos
	err := s.skipValue()
	start := s.hold
	s.hold = -1
	if err != nil {
		return nil, 0, err
	}
	return s.buf[start:s.pos], s.base + int64(start), nil
}

// quoteByte renders an input byte for a message.
func quoteByte(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return strconv.QuoteRune(rune(c))
	}
	return fmt.Sprintf("0x%02x", c)
}
