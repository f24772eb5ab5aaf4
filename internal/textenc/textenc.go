// Package textenc turns what a user hands lbguard (a plan, a baseline) into
// UTF-8 text, as editors and shells write it: a UTF-8 byte-order mark is
// dropped, UTF-16 (what PowerShell's > writes) is converted.
package textenc

import (
	"bufio"
	"bytes"
	"errors"
	"io"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// HeadBytes is how much of the input Reader returns as its head.
const HeadBytes = 512

// Reader returns a reader of the UTF-8 text of r, and the start of that
// text as read (nil for converted UTF-16), for recognising what the input
// is before decoding it.
func Reader(r io.Reader) (text io.Reader, head []byte, err error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, err = br.Peek(HeadBytes)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, nil, err
	}
	head = bytes.Clone(head)
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		_, _ = br.Discard(3)
		return br, head[3:], nil
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return transform.NewReader(br, unicode.BOMOverride(unicode.UTF8.NewDecoder())), nil, nil
	case len(head) >= 4 && head[0] != 0 && head[1] == 0 && head[2] != 0 && head[3] == 0:
		return transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder()), nil, nil
	case len(head) >= 4 && head[0] == 0 && head[1] != 0 && head[2] == 0 && head[3] != 0:
		return transform.NewReader(br, unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewDecoder()), nil, nil
	}
	return br, head, nil
}
