package tfplan

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"
)

// MaxValueBytes is the largest JSON value lbguard holds in memory at once:
// one resource change of a modelled type, the configuration, the variables,
// one string or number anywhere. Values lbguard skips are not held, so
// their size does not matter. A plan beyond it is refused with the JSON
// path of the value, rather than exhausting memory.
const MaxValueBytes = 256 << 20

// maxTokenBytes caps a single string or number token: the tokenizer holds a
// whole token, even one it skips.
const maxTokenBytes = MaxValueBytes

// keepWhiteSpace is how much of a run of white space is passed on: the
// tokenizer holds a run of white space as if it were part of the next token.
const keepWhiteSpace = 1 << 10

// guard sits between the input and the tokenizer and keeps memory bounded
// whatever the input: it shortens long runs of white space (remembering
// where, so that offsets still point into the original input), refuses a
// string or number token longer than maxTokenBytes, and, while the decoder
// holds a value (hold), refuses a value longer than MaxValueBytes.
type guard struct {
	r   io.Reader
	buf []byte

	inString, escaped bool
	token             int64 // length of the current string or number
	space             int64 // length of the current run of white space

	in, out int64   // bytes read from r, bytes passed on
	shifts  []shift // where white space was dropped
	nonWS   bool    // whether anything but white space was seen

	holding    bool
	holdStart  int64 // out offset where the held value began
	limit      int64 // MaxValueBytes, lower in tests
	tokenLimit int64 // maxTokenBytes, lower in tests
	err        error
}

// shift records that, from out offset at on, removed bytes of the input
// were dropped before it.
type shift struct{ at, removed int64 }

// errTooLarge is returned when a token or a held value is too large.
type errTooLarge struct {
	what   string
	limit  int64
	offset int64 // in the original input
}

func (e *errTooLarge) Error() string {
	if e.limit >= 1<<20 {
		return fmt.Sprintf("%s larger than %d MB", e.what, e.limit>>20)
	}
	return fmt.Sprintf("%s larger than %d bytes", e.what, e.limit)
}

func newGuard(r io.Reader) *guard {
	return &guard{r: r, buf: make([]byte, 64<<10), limit: MaxValueBytes, tokenLimit: maxTokenBytes}
}

// Read passes the input on, as described on guard.
func (g *guard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	for {
		n := len(p)
		if n > len(g.buf) {
			n = len(g.buf)
		}
		m, err := g.r.Read(g.buf[:n])
		w := g.filter(g.buf[:m], p)
		if g.err != nil {
			return w, g.err
		}
		if err != nil {
			if err == io.EOF && g.inString {
				err = io.ErrUnexpectedEOF
			}
			g.err = err
			return w, err
		}
		if w > 0 || m == 0 {
			return w, nil
		}
		// Everything read was white space that was dropped: read on.
	}
}

// filter copies src to dst, dropping white space beyond keepWhiteSpace in
// a run, and checks the limits. It returns the bytes written.
func (g *guard) filter(src, dst []byte) int {
	w := 0
	for i := 0; i < len(src); i++ {
		// Fast path: the bytes of a string up to its next quote or
		// backslash pass as they are.
		if g.inString && !g.escaped {
			rest := src[i:]
			n := bytes.IndexByte(rest, '"')
			if n < 0 {
				n = len(rest)
			}
			if b := bytes.IndexByte(rest[:n], '\\'); b >= 0 {
				n = b
			}
			if n > 0 && g.token+int64(n) <= g.tokenLimit && (!g.holding || g.out+int64(n)-g.holdStart < g.limit) {
				copy(dst[w:], rest[:n])
				w += n
				g.token += int64(n)
				g.in += int64(n)
				g.out += int64(n)
				i += n
				if i == len(src) {
					break
				}
			}
		}
		c := src[i]
		g.in++
		switch {
		case g.inString:
			g.token++
			switch {
			case g.escaped:
				g.escaped = false
			case c == '\\':
				g.escaped = true
			case c == '"':
				g.inString = false
			}
			if g.token > g.tokenLimit {
				g.err = &errTooLarge{what: "a JSON string", limit: g.tokenLimit, offset: g.in}
				return w
			}
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			g.token = 0
			g.space++
			if g.space > keepWhiteSpace {
				g.drop()
				continue
			}
		default:
			g.nonWS = true
			g.space = 0
			switch c {
			case '"':
				g.inString, g.token = true, 1
			case '{', '}', '[', ']', ',', ':':
				g.token = 0
			default:
				g.token++
				if g.token > g.tokenLimit {
					g.err = &errTooLarge{what: "a JSON number or literal", limit: g.tokenLimit, offset: g.in}
					return w
				}
			}
		}
		if g.holding && g.out-g.holdStart >= g.limit {
			g.err = &errTooLarge{what: "a JSON value", limit: g.limit, offset: g.in}
			return w
		}
		dst[w] = c
		w++
		g.out++
	}
	return w
}

// drop records one byte of white space removed at the current out offset.
func (g *guard) drop() {
	if n := len(g.shifts); n > 0 && g.shifts[n-1].at == g.out {
		g.shifts[n-1].removed++
		return
	}
	prev := int64(0)
	if n := len(g.shifts); n > 0 {
		prev = g.shifts[n-1].removed
	}
	g.shifts = append(g.shifts, shift{at: g.out, removed: prev + 1})
}

// original maps an offset of what the guard passed on to the offset in the
// original input.
func (g *guard) original(out int64) int64 {
	i := sort.Search(len(g.shifts), func(i int) bool { return g.shifts[i].at > out })
	if i == 0 {
		return out
	}
	return out + g.shifts[i-1].removed
}

// hold starts limiting the value that begins at out offset start.
func (g *guard) hold(start int64) { g.holding, g.holdStart = true, start }

// release stops limiting.
func (g *guard) release() { g.holding = false }

// tooLarge returns the guard's size error within err, if any.
func tooLarge(err error) (*errTooLarge, bool) {
	var e *errTooLarge
	ok := errors.As(err, &e)
	return e, ok
}
