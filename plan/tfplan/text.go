package tfplan

import (
	"bytes"
	"io"
	"unicode/utf8"

	"github.com/lbguard/lbguard/internal/textenc"
)

// decodeText returns a reader of the UTF-8 text of a plan and the start
// of that text, for sniff.
func decodeText(r io.Reader) (io.Reader, []byte, error) {
	text, head, err := textenc.Reader(r)
	if err != nil {
		return nil, nil, &InputError{Msg: err.Error()}
	}
	return text, head, nil
}

// sniff says what the start of an input is when it is plainly not plan
// JSON, so that the error names the mistake instead of a JSON syntax error:
// "" when it may be a plan.
func sniff(head []byte) string {
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	switch {
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return "this file is gzip-compressed: decompress it first (gunzip), lbguard reads the JSON of terraform show -json PLANFILE"
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return "this is a binary plan file (terraform plan -out), not its JSON: run terraform show -json PLANFILE > plan.json and check that"
	case bytes.HasPrefix(trimmed, []byte("[command]")):
		return "this starts with a [command] line: it is the output of the setup-terraform wrapper, not plain JSON; set terraform_wrapper: false in hashicorp/setup-terraform (or run terraform-bin show -json PLANFILE)"
	case bytes.HasPrefix(trimmed, []byte(`{"@level"`)) || bytes.HasPrefix(trimmed, []byte(`{"@message"`)):
		return "this is the streaming log of terraform plan -json (one JSON message per line), not a plan: run terraform plan -out=PLANFILE, then terraform show -json PLANFILE"
	case bytes.IndexByte(head, 0) >= 0 || !utf8.Valid(trimUTF8Tail(head)):
		return "this is a binary file, not JSON: lbguard reads the output of terraform show -json PLANFILE"
	}
	return ""
}

// trimUTF8Tail drops a rune cut in two at the end of the sniffed bytes.
func trimUTF8Tail(b []byte) []byte {
	for i := 0; i < utf8.UTFMax && len(b) > 0; i++ {
		if utf8.Valid(b) {
			return b
		}
		b = b[:len(b)-1]
	}
	return b
}
