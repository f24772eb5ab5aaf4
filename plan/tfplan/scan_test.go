package tfplan

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"
)

// TestScannerLimits: with a limit of 1 KB, what lbguard must hold (a
// modelled resource's change, the configuration) and any string it reads
// beyond it are refused with the JSON path; what it skips may be of any
// size, and is read in the window without growing it.
func TestScannerLimits(t *testing.T) {
	many := strings.Repeat(`"x",`, 500) + `"x"`
	tests := []struct {
		name, doc, want string
	}{
		{"held change", `{"format_version":"1.2","resource_changes":[{"address":"aws_lb.a","type":"aws_lb","change":{"actions":["create"],"after":{"tags":[` + many + `]}}}]}`,
			"resource_changes[0].change is larger than 1024 bytes, the most lbguard holds of one value"},
		{"held configuration", `{"format_version":"1.2","configuration":{"x":[` + many + `]}}`,
			"configuration is larger than 1024 bytes"},
		{"a long member name", `{"format_version":"1.2","` + strings.Repeat("k", 2000) + `":1}`,
			"a value in the top-level object is larger than 1024 bytes"},
		{"a string read", `{"format_version":"1.2","resource_changes":[{"address":"` + strings.Repeat("a", 2000) + `"}]}`,
			"a value at resource_changes[0].address is larger than 1024 bytes"},
	}
	for _, tt := range tests {
		_, err := decodeLimit(strings.NewReader(tt.doc), 64, 1024)
		var ie *InputError
		if !errors.As(err, &ie) || !strings.Contains(ie.Msg, tt.want) {
			t.Errorf("%s: %v, want an InputError saying %q", tt.name, err, tt.want)
		}
	}
	// Skipped values may be larger than the limit, be they made of small
	// tokens or one long string or number; the buffer stays the window.
	for name, v := range map[string]string{
		"many tokens": "[" + many + "]",
		"a string":    `"` + strings.Repeat("x", 100000) + `"`,
		"escapes":     `"` + strings.Repeat(`\"\u00e9\ud83d\ude00`, 5000) + `"`,
		"a number":    strings.Repeat("1", 100000) + ".5e+3",
		"white space": "[" + strings.Repeat(" \n", 100000) + "1]",
	} {
		doc := `{"format_version":"1.2","planned_values":{},"configuration":{},"output_changes":{"o":` + v + `}}`
		s := newScanner(strings.NewReader(doc), 64, 1024)
		if err := s.skipValue(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if len(s.buf) != 64 {
			t.Errorf("%s: the buffer grew to %d bytes", name, len(s.buf))
		}
		if _, err := decodeLimit(strings.NewReader(doc), 64, 1024); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestScannerOffsets: errors point at the offending byte of the input,
// however much white space or skipped text comes before it.
func TestScannerOffsets(t *testing.T) {
	ws := strings.Repeat(" \n", 100000)
	for _, tt := range []struct{ doc, bad string }{
		{`{"format_version":"1.2",` + ws + `"x": tru}`, "}"},
		{`{"format_version":"1.2","x":"` + strings.Repeat("é", 5000) + "\x01", "\x01"},
		{`{"format_version":"1.2","x":[1,2` + ws + `3]}`, "3"},
	} {
		_, err := decodeLimit(strings.NewReader(tt.doc), 64, 1024)
		var ie *InputError
		if !errors.As(err, &ie) {
			t.Fatalf("%v", err)
		}
		if want := int64(strings.LastIndex(tt.doc, tt.bad)) + 1; ie.Offset != want {
			t.Errorf("offset %d, want %d (%s)", ie.Offset, want, ie.Msg)
		}
	}
}

// scanAll validates data as one JSON document with the scanner.
func scanAll(data []byte, size int) error {
	s := newScanner(iotest.OneByteReader(bytes.NewReader(data)), size, 1<<20)
	if size > 8 {
		s.r = bytes.NewReader(data)
	}
	if err := s.skipValue(); err != nil {
		return err
	}
	if _, err := s.peek(); err != io.EOF {
		return errors.New("data after the value")
	}
	return nil
}

// FuzzScanner: the scanner accepts exactly the documents encoding/json
// accepts that are valid UTF-8, whatever the size of its window, reads
// the same strings and values (anyValue), and holds a value's exact
// text.
func FuzzScanner(f *testing.F) {
	for _, s := range []string{`{"a":[1,-2.5e+3,true,false,null,"x\u00e9\ud83d\ude00\n"]}`, `{"a":{"b":[{}],"c":"tcp"},"a":2}`, `"\ud800\u0041"`, `[01]`, `1.`, `{"a" 1}`, `"é"`, "\"\xff\"", `[` + strings.Repeat("[", 10001)} {
		f.Add([]byte(s), uint8(3))
	}
	f.Fuzz(func(t *testing.T, data []byte, size uint8) {
		n := int(size%32) + 1
		err := scanAll(data, n)
		want := json.Valid(data) && utf8.Valid(data)
		if (err == nil) != want {
			t.Fatalf("scanner says %v, encoding/json says valid %v: %q", err, want, data)
		}
		if !want {
			return
		}
		s := newScanner(bytes.NewReader(data), n, 1<<20)
		raw, start, err := s.raw()
		if err != nil || !bytes.Equal(raw, bytes.TrimSpace(data)) || start != int64(len(data)-len(bytes.TrimLeft(data, " \t\r\n"))) {
			t.Fatalf("raw %q at %d, %v", raw, start, err)
		}
		var value any
		if json.Unmarshal(data, &value) == nil {
			d := &decoder{s: newScanner(bytes.NewReader(data), n, 1<<20), names: map[string]string{}, heldFrom: -1}
			got, err := d.anyValue()
			if err != nil && strings.Contains(err.Error(), "twice") {
				return // lbguard refuses a name given twice; encoding/json takes the last
			}
			if err != nil || !reflect.DeepEqual(got, value) {
				t.Fatalf("anyValue %#v (%v), encoding/json %#v", got, err, value)
			}
		}
		var str string
		if bytes.HasPrefix(bytes.TrimSpace(data), []byte(`"`)) && json.Unmarshal(data, &str) == nil {
			s := newScanner(bytes.NewReader(data), n, 1<<20)
			got, err := s.readString()
			if err != nil || string(got) != str {
				t.Fatalf("read %q (%v), encoding/json %q", got, err, str)
			}
		}
	})
}

// TestPlainRun: the word-at-a-time scan stops exactly where the
// byte-at-a-time one does.
func TestPlainRun(t *testing.T) {
	for c := range 256 {
		for at := range 17 {
			b := bytes.Repeat([]byte("abcdefgh"), 3)
			b[at] = byte(c)
			want := 0
			for want < len(b) && strClass[b[want]] == strPlain {
				want++
			}
			if got := plainRun(b, 0); got != want {
				t.Fatalf("byte %#x at %d: run %d, want %d", c, at, got, want)
			}
		}
	}
}
