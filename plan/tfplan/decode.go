package tfplan

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/hashicorp/go-version"
	tfjson "github.com/hashicorp/terraform-json"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/lbguard/lbguard/plan/link"
)

// rawPlan is a decoded plan JSON: the linker's input, and
// which top-level keys were present (to recognise state files).
type rawPlan struct {
	link.Input
	Errored bool
	seen    map[string]bool
}

// supportedFormats are the plan format versions this reader understands:
// every 0.x and 1.x format (Terraform 0.12 onwards, OpenTofu).
var supportedFormats = version.MustConstraints(version.NewConstraint(">= 0.1, < 2.0"))

// decode reads a plan JSON from r, decoding the values only of the
// resources whose type modelled accepts.
func decode(r io.Reader, modelled func(typ string) bool) (*rawPlan, error) {
	br, err := decodeText(r)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(br)
	p := &rawPlan{seen: map[string]bool{}}

	tok, err := dec.Token()
	if err == io.EOF {
		return nil, &InputError{Msg: "the file is empty (expected the output of terraform show -json PLANFILE)"}
	}
	if err != nil {
		return nil, jsonError(err, dec)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, &InputError{Offset: dec.InputOffset(), Msg: fmt.Sprintf("not a Terraform plan: the JSON document is %s, not an object", describeToken(tok))}
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, jsonError(err, dec)
		}
		key, _ := tok.(string)
		p.seen[key] = true
		if err := p.decodeKey(dec, key, modelled); err != nil {
			return nil, err
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, jsonError(err, dec)
	}
	// Only white space may follow the plan.
	if _, err := dec.Token(); err != io.EOF {
		return nil, &InputError{Offset: dec.InputOffset(), Msg: "unexpected data after the end of the plan's JSON object"}
	}
	return p, p.validate()
}

func (p *rawPlan) decodeKey(dec *json.Decoder, key string, modelled func(string) bool) error {
	var err error
	switch key {
	case "format_version":
		err = decodeField(dec, key, &p.FormatVersion)
		if err == nil {
			err = checkFormat(p.FormatVersion)
		}
	case "terraform_version":
		err = decodeField(dec, key, &p.TerraformVersion)
	case "errored":
		err = decodeField(dec, key, &p.Errored)
	case "variables":
		err = decodeField(dec, key, &p.Variables)
	case "configuration":
		err = decodeField(dec, key, &p.Config)
	case "resource_changes":
		err = p.decodeChanges(dec, modelled)
	case "prior_state":
		var st struct {
			Values *struct {
				RootModule *stateModule `json:"root_module"`
			} `json:"values"`
		}
		err = decodeField(dec, key, &st)
		if err == nil && st.Values != nil && st.Values.RootModule != nil {
			err = p.collectState(st.Values.RootModule, modelled)
		}
	default:
		// planned_values repeats resource_changes; resource_drift,
		// output_changes, relevant_attributes, checks and anything newer
		// are not needed.
		err = decodeField(dec, key, &skipValue{})
	}
	return err
}

// decodeChanges reads resource_changes one element at a time, decoding the
// values only of the resource types lbguard models.
func (p *rawPlan) decodeChanges(dec *json.Decoder, modelled func(string) bool) error {
	tok, err := dec.Token()
	if err != nil {
		return jsonError(err, dec)
	}
	if tok == nil {
		return nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return &InputError{Offset: dec.InputOffset(), Msg: "resource_changes is " + describeToken(tok) + ", not an array"}
	}
	for dec.More() {
		start := dec.InputOffset()
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return jsonError(err, dec)
		}
		var head struct {
			Type string `json:"type"`
		}
		if err := json.Unmarshal(raw, &head); err != nil {
			return fieldError("resource_changes", err, start)
		}
		rc := new(tfjson.ResourceChange)
		if modelled(head.Type) {
			if err := json.Unmarshal(raw, rc); err != nil {
				return fieldError("resource_changes", err, start)
			}
			p.Changes = append(p.Changes, rc)
			continue
		}
		var slim slimChange
		if err := json.Unmarshal(raw, &slim); err != nil {
			return fieldError("resource_changes", err, start)
		}
		rc.Address, rc.ModuleAddress, rc.Mode, rc.Type, rc.Name, rc.Index = slim.Address, slim.ModuleAddress, slim.Mode, slim.Type, slim.Name, slim.Index
		rc.DeposedKey = slim.Deposed
		rc.Change = &tfjson.Change{Actions: slim.Change.Actions}
		p.Others = append(p.Others, rc)
	}
	if _, err := dec.Token(); err != nil {
		return jsonError(err, dec)
	}
	return nil
}

// slimChange is a resource change without its values.
type slimChange struct {
	Address       string              `json:"address"`
	ModuleAddress string              `json:"module_address"`
	Mode          tfjson.ResourceMode `json:"mode"`
	Type          string              `json:"type"`
	Name          string              `json:"name"`
	Index         any                 `json:"index"`
	Deposed       string              `json:"deposed"`
	Change        struct {
		Actions tfjson.Actions `json:"actions"`
	} `json:"change"`
}

// stateModule is a prior_state module whose resources are decoded only
// when their type is modelled.
type stateModule struct {
	Address      string            `json:"address"`
	Resources    []json.RawMessage `json:"resources"`
	ChildModules []*stateModule    `json:"child_modules"`
}

func (p *rawPlan) collectState(m *stateModule, modelled func(string) bool) error {
	for _, raw := range m.Resources {
		var head struct {
			Type string `json:"type"`
		}
		if err := json.Unmarshal(raw, &head); err != nil {
			return fieldError("prior_state", err, 0)
		}
		if !modelled(head.Type) {
			continue
		}
		sr := new(tfjson.StateResource)
		if err := json.Unmarshal(raw, sr); err != nil {
			return fieldError("prior_state", err, 0)
		}
		p.Prior = append(p.Prior, &link.PriorResource{StateResource: sr, Module: m.Address})
	}
	for _, c := range m.ChildModules {
		if err := p.collectState(c, modelled); err != nil {
			return err
		}
	}
	return nil
}

// validate checks that what was read is a plan lbguard can use.
func (p *rawPlan) validate() error {
	switch {
	case p.seen["lineage"] || p.seen["serial"]:
		return &InputError{Msg: "this is a Terraform state file, not a plan: run terraform plan -out=PLANFILE, then terraform show -json PLANFILE"}
	case p.seen["values"] && !p.seen["resource_changes"] && !p.seen["planned_values"] && !p.seen["configuration"]:
		return &InputError{Msg: "this is the JSON of a Terraform state (terraform show -json without a plan file), not a plan: run terraform show -json PLANFILE"}
	case p.FormatVersion == "":
		return &InputError{Msg: "not a Terraform plan: there is no format_version (expected the output of terraform show -json PLANFILE)"}
	case p.Errored:
		return &InputError{Msg: `the plan has "errored": true: Terraform failed while planning, so this plan is not what apply would do; fix the errors terraform plan reported first`}
	}
	return nil
}

func checkFormat(v string) error {
	ver, err := version.NewVersion(v)
	if err != nil {
		return &InputError{Msg: fmt.Sprintf("format_version %q is not a version number", v)}
	}
	if !supportedFormats.Check(ver) {
		return &InputError{Msg: fmt.Sprintf("plan format_version %s is not supported: this lbguard reads formats 0.1 to 1.x; a newer lbguard may read it", v)}
	}
	return nil
}

// InputError is a problem with the input file: its message is meant to be
// shown to the user on one line, after the file's name.
type InputError struct {
	Path   string // set by the caller that knows the file name
	Offset int64  // byte offset in the (decoded) input, 0 when unknown
	Line   int    // line and column, when they could be computed
	Column int
	Msg    string
}

func (e *InputError) Error() string {
	var b strings.Builder
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	switch {
	case e.Line > 0:
		fmt.Fprintf(&b, "line %d, column %d: ", e.Line, e.Column)
	case e.Offset > 0:
		fmt.Fprintf(&b, "at byte %d: ", e.Offset)
	}
	b.WriteString(e.Msg)
	return b.String()
}

func decodeField(dec *json.Decoder, key string, v any) error {
	start := dec.InputOffset()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return fieldError(key, err, start)
		}
		return jsonError(err, dec)
	}
	return nil
}

// fieldError turns a decoding error inside a known top-level field into an
// InputError. base is the offset where the decoded value started.
func fieldError(key string, err error, base int64) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		where := key
		if te.Field != "" {
			where += "." + te.Field
		}
		return &InputError{Offset: base + te.Offset, Msg: fmt.Sprintf("not a valid Terraform plan: %s is a JSON %s, expected %s", where, te.Value, goTypeName(te.Type))}
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &InputError{Offset: base + se.Offset, Msg: "invalid JSON: " + se.Error()}
	}
	var ie *InputError
	if errors.As(err, &ie) {
		return ie
	}
	return &InputError{Offset: base, Msg: fmt.Sprintf("not a valid Terraform plan: %s: %v", key, err)}
}

func goTypeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64, reflect.Uint64, reflect.Float64:
		return "a number"
	case reflect.Pointer:
		return goTypeName(t.Elem())
	}
	return "another type"
}

func jsonError(err error, dec *json.Decoder) error {
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		return &InputError{Msg: "unexpected end of file: the plan is truncated (the file ends in the middle of its JSON)"}
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &InputError{Offset: se.Offset, Msg: "invalid JSON: " + se.Error()}
	}
	var ie *InputError
	if errors.As(err, &ie) {
		return ie
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fieldError(te.Field, err, 0)
	}
	return &InputError{Offset: dec.InputOffset(), Msg: err.Error()}
}

func describeToken(tok any) string {
	switch t := tok.(type) {
	case json.Delim:
		if t == '[' {
			return "an array"
		}
		return "an object"
	case string:
		return "a string"
	case float64, json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", tok)
}

// skipValue consumes any JSON value without keeping it.
type skipValue struct{}

func (*skipValue) UnmarshalJSON([]byte) error { return nil }

// decodeText returns a reader of UTF-8 text: a UTF-8 byte-order mark is
// dropped and UTF-16 (what PowerShell's > writes) is converted.
func decodeText(r io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(4)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, &InputError{Msg: err.Error()}
	}
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		_, _ = br.Discard(3)
		return br, nil
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return transform.NewReader(br, unicode.BOMOverride(unicode.UTF8.NewDecoder())), nil
	case len(head) >= 2 && head[0] != 0 && head[1] == 0:
		return transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder()), nil
	case len(head) >= 2 && head[0] == 0 && head[1] != 0:
		return transform.NewReader(br, unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewDecoder()), nil
	}
	return br, nil
}
