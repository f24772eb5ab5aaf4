package tfplan

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// TestGuardLimits: with a limit of 1 KB, what lbguard must hold (a modelled
// resource's change, the configuration) and any single string beyond it
// are refused with the JSON path; what it skips may be larger, as long as
// no single token is.
func TestGuardLimits(t *testing.T) {
	big := strings.Repeat("x", 2000)
	many := strings.Repeat(`"x",`, 500) + `"x"`
	tests := []struct {
		name, doc, want string
	}{
		{"held change", `{"format_version":"1.2","resource_changes":[{"address":"aws_lb.a","type":"aws_lb","change":{"actions":["create"],"after":{"tags":[` + many + `]}}}]}`,
			"resource_changes[0].change is larger than 1024 bytes, the most lbguard holds of one value"},
		{"held configuration", `{"format_version":"1.2","configuration":{"x":[` + many + `]}}`,
			"configuration is larger than 1024 bytes"},
		{"skipped string", `{"format_version":"1.2","output_changes":{"o":"` + big + `"}}`,
			"a JSON string at output_changes.o is larger than 1024 bytes"},
		{"skipped number", `{"format_version":"1.2","output_changes":{"o":` + strings.Repeat("1", 2000) + `}}`,
			"a JSON number or literal at output_changes.o is larger than 1024 bytes"},
	}
	for _, tt := range tests {
		_, err := decodeLimit(strings.NewReader(tt.doc), 1024)
		var ie *InputError
		if !errors.As(err, &ie) || !strings.Contains(ie.Msg, tt.want) {
			t.Errorf("%s: %v, want an InputError saying %q", tt.name, err, tt.want)
		}
	}
	// Skipped values made of small tokens may be larger than the limit.
	skipped := `{"format_version":"1.2","planned_values":{},"configuration":{},"output_changes":{"o":[` + many + `]}}`
	if _, err := decodeLimit(strings.NewReader(skipped), 1024); err != nil {
		t.Errorf("a large skipped value: %v", err)
	}
}

// TestGuardWhiteSpace: long runs of white space are dropped before the
// tokenizer (which would hold them), and offsets still point into the
// original input.
func TestGuardWhiteSpace(t *testing.T) {
	ws := strings.Repeat(" \n", 100000)
	doc := `{"format_version":"1.2",` + ws + `"x": tru}`
	_, err := decodeLimit(strings.NewReader(doc), 1024)
	var ie *InputError
	if !errors.As(err, &ie) {
		t.Fatalf("%v", err)
	}
	want := int64(len(`{"format_version":"1.2",`+ws+`"x": tru`)) + 1
	if ie.Offset < want-2 || ie.Offset > want+1 {
		t.Errorf("offset %d, want about %d (the original input's)", ie.Offset, want)
	}
	g := newGuard(strings.NewReader(ws + "{}"))
	out, _ := io.ReadAll(g)
	if len(out) != keepWhiteSpace+2 || g.original(int64(keepWhiteSpace)) != int64(len(ws)) {
		t.Errorf("passed on %d bytes; offset %d maps to %d", len(out), keepWhiteSpace, g.original(int64(keepWhiteSpace)))
	}
}
