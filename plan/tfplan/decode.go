package tfplan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
	"github.com/hashicorp/go-version"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/lbguard/lbguard/plan/link"
)

// supportedFormats are the plan format versions this reader understands:
// every 0.x and 1.x format (Terraform 0.12 onwards, OpenTofu).
var supportedFormats = version.MustConstraints(version.NewConstraint(">= 0.1, < 2.0"))

// decoder reads a plan JSON in one streaming pass. It holds in memory only
// what the graph needs: the variables, the configuration, and the changes
// and prior state of the resource types lbguard models (each one value at
// a time, at most MaxValueBytes); everything else is skipped token by token.
type decoder struct {
	g   *guard
	dec *jsontext.Decoder
	in  link.Input

	seen     map[string]bool // top-level keys
	errored  bool
	complete *bool
	// planned is the address of a modelled resource in planned_values,
	// which must then have a change.
	planned string
}

// decode reads a plan JSON from r.
func decode(r io.Reader) (*link.Input, error) { return decodeLimit(r, MaxValueBytes) }

// decodeLimit is decode with another limit on held values and tokens, for
// tests.
func decodeLimit(r io.Reader, limit int64) (*link.Input, error) {
	text, head, err := decodeText(r)
	if err != nil {
		return nil, err
	}
	if what := sniff(head); what != "" {
		return nil, &InputError{Msg: what}
	}
	g := newGuard(text)
	g.limit, g.tokenLimit = limit, limit
	d := &decoder{g: g, dec: jsontext.NewDecoder(g), seen: map[string]bool{}}
	if err := d.plan(); err != nil {
		return nil, d.inputError(err)
	}
	if err := d.validate(); err != nil {
		return nil, err
	}
	return &d.in, nil
}

// plan reads the top-level object.
func (d *decoder) plan() error {
	tok, err := d.dec.ReadToken()
	if err == io.EOF {
		if d.g.in > 0 {
			return &InputError{Msg: fmt.Sprintf("the file holds only white space (%d bytes), no JSON (expected the output of terraform show -json PLANFILE)", d.g.in)}
		}
		return &InputError{Msg: "the file is empty (expected the output of terraform show -json PLANFILE)"}
	}
	if err != nil {
		return err
	}
	if tok.Kind() != '{' {
		return &InputError{Offset: d.offset(), Msg: fmt.Sprintf("not a Terraform plan: the JSON document is %s, not an object", describeKind(tok.Kind()))}
	}
	for d.dec.PeekKind() != '}' {
		key, err := d.name()
		if err != nil {
			return err
		}
		d.seen[key] = true
		if err := d.topLevel(key); err != nil {
			return err
		}
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return err
	}
	// Only white space may follow the plan.
	if _, err := d.dec.ReadToken(); err != io.EOF {
		if d.seen["@level"] || d.seen["@message"] {
			return &InputError{Msg: "this is the streaming log of terraform plan -json (one JSON message per line), not a plan: run terraform plan -out=PLANFILE, then terraform show -json PLANFILE"}
		}
		return &InputError{Offset: d.offset(), Msg: "unexpected data after the end of the plan's JSON object"}
	}
	return nil
}

func (d *decoder) topLevel(key string) error {
	switch key {
	case "format_version":
		if err := d.str(key, &d.in.FormatVersion); err != nil {
			return err
		}
		return checkFormat(d.in.FormatVersion)
	case "terraform_version":
		return d.str(key, &d.in.TerraformVersion)
	case "errored":
		return d.boolean(key, &d.errored)
	case "complete":
		var b bool
		if err := d.boolean(key, &b); err != nil {
			return err
		}
		d.complete = &b
		return nil
	case "variables":
		return d.hold(key, &d.in.Variables)
	case "configuration":
		return d.hold(key, &d.in.Config)
	case "resource_changes":
		return d.array(key, d.change)
	case "prior_state":
		return d.object(key, func(k, path string) error {
			if k != "values" {
				return d.dec.SkipValue()
			}
			return d.stateValues(path, true)
		})
	case "planned_values":
		return d.stateValues(key, false)
	case "deferred_changes":
		return d.array(key, d.deferred)
	}
	// resource_drift, output_changes, relevant_attributes, checks and
	// anything newer are not needed.
	return d.dec.SkipValue()
}

// name reads an object member's name.
func (d *decoder) name() (string, error) {
	tok, err := d.dec.ReadToken()
	if err != nil {
		return "", err
	}
	return tok.String(), nil
}

// object reads an object at path, calling member for each member; member
// must consume the value. null is an empty object.
func (d *decoder) object(path string, member func(key, path string) error) error {
	if d.dec.PeekKind() == 'n' {
		_, err := d.dec.ReadToken()
		return err
	}
	if err := d.expect(path, '{'); err != nil {
		return err
	}
	for d.dec.PeekKind() != '}' {
		key, err := d.name()
		if err != nil {
			return err
		}
		if err := member(key, path+"."+key); err != nil {
			return err
		}
	}
	_, err := d.dec.ReadToken()
	return err
}

// array reads an array at path, calling elem for each element. null is an
// empty array.
func (d *decoder) array(path string, elem func(path string) error) error {
	if d.dec.PeekKind() == 'n' {
		_, err := d.dec.ReadToken()
		return err
	}
	if err := d.expect(path, '['); err != nil {
		return err
	}
	for i := 0; d.dec.PeekKind() != ']'; i++ {
		if err := elem(path + "[" + strconv.Itoa(i) + "]"); err != nil {
			return err
		}
	}
	_, err := d.dec.ReadToken()
	return err
}

// expect reads a '{' or '[' at path.
func (d *decoder) expect(path string, kind jsontext.Kind) error {
	if k := d.dec.PeekKind(); k != kind {
		if k == 0 {
			_, err := d.dec.ReadToken()
			return err
		}
		want := "an object"
		if kind == '[' {
			want = "an array"
		}
		return &InputError{Offset: d.offset(), Msg: fmt.Sprintf("not a valid Terraform plan: %s is %s, not %s", path, describeKind(k), want)}
	}
	_, err := d.dec.ReadToken()
	return err
}

// str reads a string (or null) at path.
func (d *decoder) str(path string, into *string) error {
	tok, err := d.dec.ReadToken()
	if err != nil {
		return err
	}
	switch tok.Kind() {
	case '"':
		*into = tok.String()
		return nil
	case 'n':
		return nil
	case '{', '[':
		return &InputError{Offset: d.offset(), Msg: fmt.Sprintf("not a valid Terraform plan: %s is %s, expected a string", path, describeKind(tok.Kind()))}
	}
	return &InputError{Offset: d.offset(), Msg: fmt.Sprintf("not a valid Terraform plan: %s is %s, expected a string", path, describeKind(tok.Kind()))}
}

// boolean reads true, false or null at path.
func (d *decoder) boolean(path string, into *bool) error {
	if k := d.dec.PeekKind(); k != 't' && k != 'f' && k != 'n' {
		return &InputError{Offset: d.offset(), Msg: fmt.Sprintf("not a valid Terraform plan: %s is %s, expected true or false", path, describeKind(k))}
	}
	tok, err := d.dec.ReadToken()
	if err != nil {
		return err
	}
	*into = tok.Kind() == 't'
	return nil
}

// hold reads the value at path whole (at most MaxValueBytes) and decodes
// it into v.
func (d *decoder) hold(path string, v any) error {
	raw, start, err := d.value(path)
	if err != nil {
		return err
	}
	return unmarshal(path, raw, start, v)
}

// value reads the value at path whole, at most MaxValueBytes, and returns
// it with its offset. The bytes are valid until the next read.
func (d *decoder) value(path string) (jsontext.Value, int64, error) {
	d.g.hold(d.dec.InputOffset())
	raw, err := d.dec.ReadValue()
	d.g.release()
	if err != nil {
		if tl, ok := tooLarge(err); ok {
			return nil, 0, &InputError{Offset: tl.offset, original: true, Msg: fmt.Sprintf("%s is %s, the most lbguard holds of one value", path, tl.Error()[len(tl.what)+1:])}
		}
		return nil, 0, err
	}
	return raw, d.dec.InputOffset() - int64(len(raw)), nil
}

// slimChange is what lbguard reads of a resource change of any type.
type slimChange struct {
	Address, ModuleAddress, Type, Name, Deposed string
	Mode                                        tfjson.ResourceMode
	Index                                       any
	Actions                                     tfjson.Actions
}

// change reads one element of resource_changes: the values only of the
// resource types lbguard models.
func (d *decoder) change(path string) error {
	var s slimChange
	var ch *tfjson.Change
	var pending []byte // a change read before the type was known
	var pendingAt int64
	seenChange := false
	err := d.object(path, func(key, kpath string) error {
		switch key {
		case "address":
			return d.str(kpath, &s.Address)
		case "module_address":
			return d.str(kpath, &s.ModuleAddress)
		case "type":
			return d.str(kpath, &s.Type)
		case "name":
			return d.str(kpath, &s.Name)
		case "deposed":
			return d.str(kpath, &s.Deposed)
		case "mode":
			var m string
			err := d.str(kpath, &m)
			s.Mode = tfjson.ResourceMode(m)
			return err
		case "index":
			return d.hold(kpath, &s.Index)
		case "change":
			seenChange = true
			if d.dec.PeekKind() == 'n' {
				_, err := d.dec.ReadToken()
				return err
			}
			if s.Type != "" && !link.Modelled(s.Type) {
				return d.object(kpath, func(k, p string) error {
					if k == "actions" {
						return d.hold(p, &s.Actions)
					}
					return d.dec.SkipValue()
				})
			}
			raw, start, err := d.value(kpath)
			if err != nil {
				return err
			}
			if s.Type == "" {
				pending, pendingAt = bytes.Clone(raw), start
				return nil
			}
			ch = new(tfjson.Change)
			return unmarshal(kpath, raw, start, ch)
		}
		return d.dec.SkipValue()
	})
	if err != nil {
		return err
	}
	who := path
	if s.Address != "" {
		who = s.Address
	}
	modelled := link.Modelled(s.Type)
	if pending != nil && modelled {
		ch = new(tfjson.Change)
		if err := unmarshal(path+".change", pending, pendingAt, ch); err != nil {
			return err
		}
	} else if pending != nil {
		var slim struct {
			Actions tfjson.Actions `json:"actions"`
		}
		if err := unmarshal(path+".change", pending, pendingAt, &slim); err != nil {
			return err
		}
		s.Actions = slim.Actions
	}
	switch {
	case s.Address == "" || s.Type == "":
		return &InputError{Msg: fmt.Sprintf("not a valid Terraform plan: %s has no address or no type", path)}
	case !seenChange || (ch == nil && modelled) || (!modelled && s.Actions == nil && pending == nil && !seenChange):
		return &InputError{Msg: fmt.Sprintf("not a valid Terraform plan: %s has no change (Terraform writes one for every resource change)", who)}
	}
	rc := &tfjson.ResourceChange{Address: s.Address, ModuleAddress: s.ModuleAddress, Mode: s.Mode, Type: s.Type, Name: s.Name, Index: s.Index, DeposedKey: s.Deposed}
	if !modelled {
		if s.Actions == nil && !seenChange {
			return &InputError{Msg: fmt.Sprintf("not a valid Terraform plan: %s has no change", who)}
		}
		rc.Change = &tfjson.Change{Actions: s.Actions}
		d.in.Others = append(d.in.Others, rc)
		return nil
	}
	if err := checkChange(who, ch); err != nil {
		return err
	}
	rc.Change = ch
	d.in.Changes = append(d.in.Changes, rc)
	return nil
}

// checkChange refuses value shapes Terraform never writes, which would
// otherwise read as "unknown" and pass with notes.
func checkChange(who string, ch *tfjson.Change) error {
	bad := func(what string) error {
		return &InputError{Msg: fmt.Sprintf("not a valid Terraform plan: %s: %s", who, what)}
	}
	if len(ch.Actions) == 0 {
		return bad("change.actions is missing or empty")
	}
	for _, f := range []struct {
		name string
		v    any
	}{{"before", ch.Before}, {"after", ch.After}} {
		if _, ok := f.v.(map[string]any); f.v != nil && !ok {
			return bad("change." + f.name + " is " + link.JSONKind(f.v) + ", expected an object or null")
		}
	}
	for _, f := range []struct {
		name string
		v    any
	}{{"after_unknown", ch.AfterUnknown}, {"after_sensitive", ch.AfterSensitive}, {"before_sensitive", ch.BeforeSensitive}} {
		switch f.v.(type) {
		case nil, bool, map[string]any:
		default:
			return bad("change." + f.name + " is " + link.JSONKind(f.v) + ", expected an object or true/false")
		}
	}
	if after, ok := ch.After.(map[string]any); ok && len(after) > 0 && ch.AfterUnknown == true {
		return bad("change.after_unknown is true while change.after has known values: Terraform marks unknown values one by one")
	}
	return nil
}

// stateValues reads planned_values or prior_state.values: a tree of
// modules. With keep, the resources of modelled types are kept as prior
// state; otherwise only the address of one is noted.
func (d *decoder) stateValues(path string, keep bool) error {
	return d.object(path, func(key, kpath string) error {
		if key != "root_module" {
			return d.dec.SkipValue()
		}
		return d.stateModule(kpath, keep)
	})
}

func (d *decoder) stateModule(path string, keep bool) error {
	var address string
	var found []*link.PriorResource
	err := d.object(path, func(key, kpath string) error {
		switch key {
		case "address":
			return d.str(kpath, &address)
		case "resources":
			return d.array(kpath, func(p string) error {
				r, err := d.stateResource(p, keep)
				if r != nil {
					found = append(found, r)
				}
				return err
			})
		case "child_modules":
			return d.array(kpath, func(p string) error { return d.stateModule(p, keep) })
		}
		return d.dec.SkipValue()
	})
	for _, r := range found {
		r.Module = address
	}
	d.in.Prior = append(d.in.Prior, found...)
	return err
}

// stateResource reads one resource of a state tree; it returns it when it
// is kept.
func (d *decoder) stateResource(path string, keep bool) (*link.PriorResource, error) {
	sr := new(tfjson.StateResource)
	var pending []struct {
		key   string
		raw   []byte
		start int64
	}
	err := d.object(path, func(key, kpath string) error {
		switch key {
		case "address":
			return d.str(kpath, &sr.Address)
		case "type":
			return d.str(kpath, &sr.Type)
		case "name":
			return d.str(kpath, &sr.Name)
		case "mode":
			var m string
			err := d.str(kpath, &m)
			sr.Mode = tfjson.ResourceMode(m)
			return err
		case "index":
			return d.hold(kpath, &sr.Index)
		case "values", "sensitive_values":
			if !keep || (sr.Type != "" && !link.Modelled(sr.Type)) {
				return d.dec.SkipValue()
			}
			raw, start, err := d.value(kpath)
			if err != nil {
				return err
			}
			pending = append(pending, struct {
				key   string
				raw   []byte
				start int64
			}{key, bytes.Clone(raw), start})
			return nil
		}
		return d.dec.SkipValue()
	})
	if err != nil || !link.Modelled(sr.Type) {
		return nil, err
	}
	if !keep {
		if d.planned == "" {
			d.planned = sr.Address
		}
		return nil, nil
	}
	for _, p := range pending {
		switch p.key {
		case "values":
			err = unmarshal(path+".values", p.raw, p.start, &sr.AttributeValues)
		case "sensitive_values":
			sr.SensitiveValues = json.RawMessage(p.raw)
		}
		if err != nil {
			return nil, err
		}
	}
	return &link.PriorResource{StateResource: sr}, nil
}

// deferred reads one element of deferred_changes.
func (d *decoder) deferred(path string) error {
	var reason, address, typ string
	err := d.object(path, func(key, kpath string) error {
		switch key {
		case "reason":
			return d.str(kpath, &reason)
		case "resource_change":
			return d.object(kpath, func(k, p string) error {
				switch k {
				case "address":
					return d.str(p, &address)
				case "type":
					return d.str(p, &typ)
				}
				return d.dec.SkipValue()
			})
		}
		return d.dec.SkipValue()
	})
	if err == nil && link.Modelled(typ) {
		d.in.Deferred = append(d.in.Deferred, link.Deferred{Address: address, Reason: reason})
	}
	return err
}

// validate checks that what was read is a plan lbguard can use, and says
// what it is instead.
func (d *decoder) validate() error {
	s := d.seen
	switch {
	case s["lineage"] || s["serial"]:
		return &InputError{Msg: "this is a Terraform state file, not a plan: run terraform plan -out=PLANFILE, then terraform show -json PLANFILE"}
	case s["values"] && !s["resource_changes"] && !s["planned_values"] && !s["configuration"]:
		return &InputError{Msg: "this is the JSON of a Terraform state (terraform show -json without a plan file), not a plan: run terraform show -json PLANFILE"}
	case s["provider_schemas"]:
		return &InputError{Msg: "this is the output of terraform providers schema -json, not a plan: run terraform show -json PLANFILE"}
	case s["function_signatures"]:
		return &InputError{Msg: "this is the output of terraform metadata functions -json, not a plan: run terraform show -json PLANFILE"}
	case (s["valid"] || s["error_count"] || s["diagnostics"]) && !s["planned_values"]:
		return &InputError{Msg: "this is the output of terraform validate -json, not a plan: run terraform plan -out=PLANFILE, then terraform show -json PLANFILE"}
	case d.in.FormatVersion == "":
		return &InputError{Msg: "not a Terraform plan: there is no format_version (expected the output of terraform show -json PLANFILE)"}
	case d.errored:
		return &InputError{Msg: `the plan has "errored": true: Terraform failed while planning, so this plan is not what apply would do; fix the errors terraform plan reported first`}
	case !s["planned_values"] || !s["configuration"]:
		var missing []string
		for _, k := range []string{"planned_values", "configuration"} {
			if !s[k] {
				missing = append(missing, k)
			}
		}
		return &InputError{Msg: "not a Terraform plan: it has no " + strings.Join(missing, " and ") + ", which every plan has (expected the output of terraform show -json PLANFILE)"}
	case d.planned != "" && !s["resource_changes"]:
		return &InputError{Msg: "not a valid Terraform plan: planned_values lists " + d.planned + " but there are no resource_changes"}
	}
	d.in.Incomplete = d.complete != nil && !*d.complete
	return nil
}

func checkFormat(v string) error {
	ver, err := version.NewVersion(v)
	if err != nil {
		return &InputError{Msg: fmt.Sprintf("format_version %q is not a version number", v)}
	}
	if ver.Prerelease() != "" || ver.Metadata() != "" {
		return &InputError{Msg: fmt.Sprintf("format_version %q is not a released plan format (Terraform writes numbers such as 1.2)", v)}
	}
	if !supportedFormats.Check(ver) {
		return &InputError{Msg: fmt.Sprintf("plan format_version %s is not supported: this lbguard reads formats 0.1 to 1.x; a newer lbguard may read it", v)}
	}
	return nil
}

// unmarshal decodes one held value; start is its offset, for messages.
// The value was checked by the tokenizer already: go-json-experiment's
// decoder reads it in one pass (encoding/json would scan it twice).
func unmarshal(path string, raw []byte, start int64, v any) error {
	if err := jsonv2.Unmarshal(raw, v, jsonv1.DefaultOptionsV1(), jsonv2.RejectUnknownMembers(false)); err != nil {
		var se *jsonv2.SemanticError
		if errors.As(err, &se) {
			return semanticError(path, se, start)
		}
		return valueError(path, err, start)
	}
	return nil
}

// semanticError turns a type mismatch inside a held value into an
// InputError naming the JSON path.
func semanticError(path string, se *jsonv2.SemanticError, base int64) error {
	where := path
	if p := readablePath(se.JSONPointer); p != "" {
		where += "." + p
	}
	got := describeKind(jsontext.Kind(se.JSONKind))
	if se.JSONKind == '0' && se.GoType != nil && (se.GoType.Kind() == reflect.Float64 || se.GoType.Kind() == reflect.Interface) {
		return &InputError{Offset: base + se.ByteOffset, Msg: fmt.Sprintf("not a valid Terraform plan: %s holds a number that is out of range (%s)", where, string(se.JSONValue))}
	}
	want := "another type"
	if se.GoType != nil {
		want = goTypeName(se.GoType)
	}
	return &InputError{Offset: base + se.ByteOffset, Msg: fmt.Sprintf("not a valid Terraform plan: %s is a JSON %s, expected %s", where, strings.TrimPrefix(strings.TrimPrefix(got, "an "), "a "), want)}
}

// valueError turns a decoding error inside a held value into an
// InputError. base is the offset where the value started.
func valueError(path string, err error, base int64) error {
	var te2 *jsonv1.UnmarshalTypeError
	if errors.As(err, &te2) {
		where := path
		if te2.Field != "" {
			where += "." + te2.Field
		}
		if strings.HasPrefix(te2.Value, "number") {
			return &InputError{Offset: base + te2.Offset, Msg: fmt.Sprintf("not a valid Terraform plan: %s holds a number that is out of range (%s)", where, strings.TrimPrefix(te2.Value, "number "))}
		}
		return &InputError{Offset: base + te2.Offset, Msg: fmt.Sprintf("not a valid Terraform plan: %s is a JSON %s, expected %s", where, te2.Value, goTypeName(te2.Type))}
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		where := path
		if te.Field != "" {
			where += "." + te.Field
		}
		if strings.HasPrefix(te.Value, "number") {
			return &InputError{Offset: base + te.Offset, Msg: fmt.Sprintf("not a valid Terraform plan: %s holds a number that is out of range (%s)", where, strings.TrimPrefix(te.Value, "number "))}
		}
		return &InputError{Offset: base + te.Offset, Msg: fmt.Sprintf("not a valid Terraform plan: %s is a JSON %s, expected %s", where, te.Value, goTypeName(te.Type))}
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &InputError{Offset: base + se.Offset, Msg: "invalid JSON: " + se.Error()}
	}
	return &InputError{Offset: base, Msg: fmt.Sprintf("not a valid Terraform plan: %s: %v", path, err)}
}

// inputError turns an error of the tokenizer or the guard into an
// InputError with an offset in the original input.
func (d *decoder) inputError(err error) error {
	var ie *InputError
	if errors.As(err, &ie) {
		if ie.Offset > 0 && !ie.original {
			ie.Offset = d.g.original(ie.Offset)
		}
		return ie
	}
	if tl, ok := tooLarge(err); ok {
		return &InputError{Offset: tl.offset, original: true, Msg: fmt.Sprintf("%s at %s is %s", tl.what, readablePath(d.dec.StackPointer()), tl.Error()[len(tl.what)+1:])}
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || err == io.EOF {
		return &InputError{Msg: "unexpected end of file: the plan is truncated (the file ends in the middle of its JSON)"}
	}
	var se *jsontext.SyntacticError
	if errors.As(err, &se) {
		if errors.Is(se.Err, io.ErrUnexpectedEOF) {
			return &InputError{Msg: "unexpected end of file: the plan is truncated (the file ends in the middle of its JSON)"}
		}
		msg := "invalid JSON: " + strings.TrimPrefix(se.Err.Error(), "jsontext: ")
		if p := readablePath(se.JSONPointer); p != "" {
			msg += " (in " + p + ")"
		}
		return &InputError{Offset: d.g.original(se.ByteOffset) + 1, Msg: msg}
	}
	return &InputError{Offset: d.g.original(d.dec.InputOffset()), Msg: err.Error()}
}

// offset is the decoder's position in the text it was given.
func (d *decoder) offset() int64 { return d.dec.InputOffset() }

// readablePath renders a JSON pointer as a path: /a/0/b -> a[0].b.
func readablePath(p jsontext.Pointer) string {
	var b strings.Builder
	for tok := range p.Tokens() {
		if _, err := strconv.Atoi(tok); err == nil && b.Len() > 0 {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}

// InputError is a problem with the input file: its message is meant to be
// shown to the user on one line, after the file's name.
type InputError struct {
	Path   string // set by the caller that knows the file name
	Offset int64  // byte offset in the (decoded) input, 0 when unknown
	Line   int    // line and column, when they could be computed
	Column int
	Msg    string
	// original marks an offset already in the original input.
	original bool
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

func describeKind(k jsontext.Kind) string {
	switch k {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case '0':
		return "a number"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "not a JSON value"
}
