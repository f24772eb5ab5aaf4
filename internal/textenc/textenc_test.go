package textenc

import (
	"io"
	"strings"
	"testing"
)

func TestReader(t *testing.T) {
	utf16le := []byte{0xFF, 0xFE}
	utf16be := []byte{0xFE, 0xFF}
	noBOM := []byte{}
	for _, c := range `{"a":1}` {
		utf16le = append(utf16le, byte(c), 0)
		utf16be = append(utf16be, 0, byte(c))
		noBOM = append(noBOM, byte(c), 0)
	}
	for name, in := range map[string][]byte{
		"utf-8": []byte(`{"a":1}`), "utf-8 bom": append([]byte{0xEF, 0xBB, 0xBF}, `{"a":1}`...),
		"utf-16le": utf16le, "utf-16be": utf16be, "utf-16le without bom": noBOM,
	} {
		r, _, err := Reader(strings.NewReader(string(in)))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r)
		if string(b) != `{"a":1}` {
			t.Errorf("%s: %q", name, b)
		}
	}
	// Binary data that starts with a NUL is not UTF-16: it is left alone.
	bin := []byte{0, 1, 2, 3, 4}
	r, head, _ := Reader(strings.NewReader(string(bin)))
	b, _ := io.ReadAll(r)
	if string(b) != string(bin) || string(head) != string(bin) {
		t.Errorf("binary data changed: %v %v", b, head)
	}
}
