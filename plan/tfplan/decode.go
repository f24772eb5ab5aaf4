package tfplan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
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
// a time, at most MaxValueBytes); everything else is skipped as it is read.
type decoder struct {
	s  *scanner
	in link.Input

	// path is the JSON path of the value being read. A reader that fails
	// returns without popping it, so that the error can name the place.
	path []pathStep
	// names are the member names and other short strings read so far,
	// each held once.
	names  map[string]string
	recent [512]string // the names met last, by slot (see name)
	// actionLists are the lists of actions read so far, each held once.
	actionLists map[string]tfjson.Actions
	// changed holds the addresses of the modelled resources with a change
	// (not of a deposed object): the linker takes their values from the
	// change, so their prior state's are not kept.
	changed map[string]struct{}
	// members and elems are the stacks anyValue gathers objects' members
	// and arrays' elements on.
	members []member
	elems   []any
	// heldFrom is the input offset where the value anyValue is decoding
	// began, -1 when none is; heldDepth is the length of its path.
	heldFrom  int64
	heldDepth int

	seen     map[string]bool // top-level keys
	errored  bool
	complete *bool
	// planned is the address of a modelled resource in planned_values,
	// which must then have a change.
	planned string
}

// pathStep is an object member's name or, when key is empty, an array
// index.
type pathStep struct {
	key   string
	index int
}

// maxNames bounds the strings decoder.names holds.
const maxNames = 1 << 14

// decode reads a plan JSON from r.
func decode(r io.Reader) (*link.Input, error) { return decodeLimit(r, window, MaxValueBytes) }

// decodeLimit is decode with another window and another limit on held
// values, for tests.
func decodeLimit(r io.Reader, size int, limit int64) (*link.Input, error) {
	text, head, err := decodeText(r)
	if err != nil {
		return nil, err
	}
	if what := sniff(head); what != "" {
		return nil, &InputError{Msg: what}
	}
	d := &decoder{s: newScanner(text, size, limit), seen: map[string]bool{}, names: map[string]string{}, actionLists: map[string]tfjson.Actions{}, changed: map[string]struct{}{}, heldFrom: -1}
	if err := d.plan(); err != nil {
		return nil, d.inputError(err)
	}
	if err := d.validate(); err != nil {
		return nil, err
	}
	in := d.in // not &d.in, which would keep the decoder and its buffers
	return &in, nil
}

// plan reads the top-level object.
func (d *decoder) plan() error {
	c, err := d.s.peek()
	if err == io.EOF {
		if d.s.base+int64(d.s.pos) > 0 {
			return &InputError{Msg: fmt.Sprintf("the file holds only white space (%d bytes), no JSON (expected the output of terraform show -json PLANFILE)", d.s.offset())}
		}
		return &InputError{Msg: "the file is empty (expected the output of terraform show -json PLANFILE)"}
	}
	if err != nil {
		return err
	}
	if c != '{' {
		at := d.s.offset() + 1
		if err := d.s.skipValue(); err != nil {
			return err // not JSON at all
		}
		return &InputError{Offset: at, Msg: fmt.Sprintf("not a Terraform plan: the JSON document is %s, not an object", kindOf(c))}
	}
	if err := d.object(func(key string) error {
		d.seen[key] = true
		return d.topLevel(key)
	}); err != nil {
		return err
	}
	// Only white space may follow the plan.
	if _, err := d.s.peek(); err != io.EOF {
		if err != nil {
			return err
		}
		if d.seen["@level"] || d.seen["@message"] {
			return &InputError{Msg: "this is the streaming log of terraform plan -json (one JSON message per line), not a plan: run terraform plan -out=PLANFILE, then terraform show -json PLANFILE"}
		}
		return &InputError{Offset: d.s.offset() + 1, Msg: "unexpected data after the end of the plan's JSON object"}
	}
	return nil
}

func (d *decoder) topLevel(key string) error {
	switch key {
	case "format_version":
		if err := d.str(&d.in.FormatVersion); err != nil {
			return err
		}
		return checkFormat(d.in.FormatVersion)
	case "terraform_version":
		return d.str(&d.in.TerraformVersion)
	case "errored":
		return d.boolean(&d.errored)
	case "complete":
		var b bool
		if err := d.boolean(&b); err != nil {
			return err
		}
		d.complete = &b
		return nil
	case "variables":
		return d.hold(&d.in.Variables)
	case "configuration":
		return d.hold(&d.in.Config)
	case "resource_changes":
		return d.array(d.change)
	case "prior_state":
		return d.object(func(k string) error {
			if k != "values" {
				return d.s.skipValue()
			}
			return d.stateValues(true)
		})
	case "planned_values":
		return d.stateValues(false)
	case "deferred_changes":
		return d.array(d.deferred)
	}
	// resource_drift, output_changes, relevant_attributes, checks and
	// anything newer are not needed.
	return d.s.skipValue()
}

// name returns a string held once for the text b. The names of a plan
// are few and recur in every resource: a small table keyed by length and
// ends finds most of them without hashing.
func (d *decoder) name(b []byte) string {
	slot := -1
	if n := len(b); n > 0 {
		slot = (n*31 + int(b[0])*7 + int(b[n-1])) & (len(d.recent) - 1)
		if s := d.recent[slot]; s == string(b) {
			return s
		}
	}
	s, ok := d.names[string(b)]
	if !ok {
		s = string(b)
		if len(d.names) < maxNames && len(s) <= 256 {
			d.names[s] = s
		}
	}
	if slot >= 0 {
		d.recent[slot] = s
	}
	return s
}

// object reads an object, calling member with each member's name; member
// must read the value. null is an empty object. A name given twice is an
// error: which value counts would be a guess.
func (d *decoder) object(member func(key string) error) error {
	c, err := d.s.next()
	if err != nil {
		return err
	}
	if c == 'n' {
		return d.s.literal("null")
	}
	if c != '{' {
		return d.wrongKind(c, "an object")
	}
	var names [16]string
	seen := names[:0]
	var seenSet map[string]struct{}
	return d.s.elements('}', "an object member", func() error {
		start := d.s.pos
		text, err := d.s.readString()
		if err != nil {
			return err
		}
		key := d.name(text)
		dup := false
		if seenSet != nil {
			_, dup = seenSet[key]
			seenSet[key] = struct{}{}
		} else if dup = slices.Contains(seen, key); len(seen) < cap(names) {
			seen = append(seen, key)
		} else {
			// A large object: names are checked in a set, not one by one.
			seenSet = make(map[string]struct{}, 2*len(seen))
			for _, k := range seen {
				seenSet[k] = struct{}{}
			}
			seenSet[key] = struct{}{}
		}
		if dup {
			return d.s.fail(start, "the object has the member %s twice", strconv.Quote(key))
		}
		if err := d.s.consume(':', "after an object member's name"); err != nil {
			return err
		}
		n := len(d.path)
		d.path = append(d.path, pathStep{key: key})
		if err := member(key); err != nil {
			return err
		}
		d.path = d.path[:n]
		return nil
	})
}

// array reads an array, calling elem for each element. null is an empty
// array.
func (d *decoder) array(elem func() error) error {
	c, err := d.s.next()
	if err != nil {
		return err
	}
	if c == 'n' {
		return d.s.literal("null")
	}
	if c != '[' {
		return d.wrongKind(c, "an array")
	}
	i := 0
	return d.s.elements(']', "an array element", func() error {
		n := len(d.path)
		d.path = append(d.path, pathStep{index: i})
		if err := elem(); err != nil {
			return err
		}
		d.path = d.path[:n]
		i++
		return nil
	})
}

// wrongKind is the error for a value of the wrong kind where the decoder
// is; a byte that starts no value is a syntax error.
func (d *decoder) wrongKind(c byte, want string) error {
	at := d.s.offset() + 1
	if err := d.s.skipValue(); err != nil {
		return err // not JSON at all
	}
	return &InputError{Offset: at, Msg: fmt.Sprintf("not a valid Terraform plan: %s is %s, not %s", d.where(), kindOf(c), want)}
}

// where renders the path of the value being read.
func (d *decoder) where() string { return renderPath(d.path) }

// maxPathSteps is how many steps of a JSON path a message shows: a path
// 10 000 arrays deep is shown by its ends.
const maxPathSteps = 24

// renderPath renders a JSON path: a.b[0].c.
func renderPath(path []pathStep) string {
	if len(path) > maxPathSteps {
		head, tail := path[:maxPathSteps-8], path[len(path)-8:]
		return renderPath(head) + fmt.Sprintf(" … %d more … ", len(path)-len(head)-len(tail)) + renderPath(tail)
	}
	var b strings.Builder
	for _, p := range path {
		if p.key == "" {
			b.WriteString("[" + strconv.Itoa(p.index) + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(p.key)
	}
	return b.String()
}

// str reads a string (or null).
func (d *decoder) str(into *string) error { return d.text(into, false) }

// token reads a short string that recurs (a type, a mode, an action, a
// module address) and holds each once.
func (d *decoder) token(into *string) error { return d.text(into, true) }

// text reads a string (or null); held, it is held once (see name).
func (d *decoder) text(into *string, held bool) error {
	c, err := d.s.next()
	if err != nil {
		return err
	}
	switch c {
	case '"':
		text, err := d.s.readString()
		if err != nil {
			return err
		}
		if held {
			*into = d.name(text)
		} else {
			*into = string(text)
		}
		return nil
	case 'n':
		return d.s.literal("null")
	}
	return d.notA(c, "a string")
}

// notA is the error for a value that is not of the kind expected.
func (d *decoder) notA(c byte, want string) error {
	at := d.s.offset() + 1
	if err := d.s.skipValue(); err != nil {
		return err // not JSON at all
	}
	return &InputError{Offset: at, Msg: fmt.Sprintf("not a valid Terraform plan: %s is %s, expected %s", d.where(), kindOf(c), want)}
}

// boolean reads true, false or null.
func (d *decoder) boolean(into *bool) error {
	c, err := d.s.next()
	if err != nil {
		return err
	}
	switch c {
	case 't':
		*into = true
		return d.s.literal("true")
	case 'f':
		*into = false
		return d.s.literal("false")
	case 'n':
		return d.s.literal("null")
	}
	return d.notA(c, "true or false")
}

// index reads a resource instance's index: a number, a string or null.
func (d *decoder) index(into *any) error {
	c, err := d.s.next()
	if err != nil {
		return err
	}
	switch {
	case c == '"':
		var s string
		err := d.str(&s)
		*into = s
		return err
	case c == '-' || (c >= '0' && c <= '9'):
		f, err := d.numberValue()
		*into = f
		return err
	case c == 'n':
		*into = nil
		return d.s.literal("null")
	}
	return d.hold(into)
}

// actions reads a change's actions. The few lists that occur are held
// once each: a plan has one per resource.
func (d *decoder) actions(into *tfjson.Actions) error {
	var buf [4]tfjson.Action
	list := buf[:0]
	var key []byte
	err := d.array(func() error {
		var a string
		if err := d.token(&a); err != nil {
			return err
		}
		list = append(list, tfjson.Action(a))
		key = append(append(key, a...), ',')
		return nil
	})
	if err != nil {
		return err
	}
	if held, ok := d.actionLists[string(key)]; ok {
		*into = held
		return nil
	}
	*into = append(tfjson.Actions{}, list...)
	if len(d.actionLists) < maxNames {
		d.actionLists[string(key)] = *into
	}
	return nil
}

// hold reads a value whole (at most MaxValueBytes) and decodes it into v.
func (d *decoder) hold(v any) error {
	raw, start, err := d.raw()
	if err != nil {
		return err
	}
	return unmarshal(d.where(), raw, start, v)
}

// raw reads a value whole, at most MaxValueBytes, and returns it with its
// offset. The bytes are valid until the next read.
func (d *decoder) raw() ([]byte, int64, error) {
	raw, start, err := d.s.raw()
	if err != nil {
		if tl, ok := tooLarge(err); ok {
			return nil, 0, &InputError{Offset: tl.offset, Msg: fmt.Sprintf("%s is %s, the most lbguard holds of one value", d.where(), tl.Error())}
		}
		return nil, 0, err
	}
	return raw, start, nil
}

// change reads one element of resource_changes: the values only of the
// resource types lbguard models. Terraform writes the type before the
// change; when a plan has its keys in another order (sorted, say), the
// type is read from the address, which comes before the change in both.
func (d *decoder) change() error {
	var s link.Other // what lbguard reads of a change of any type
	var ch *tfjson.Change
	seenChange := false
	guessed := "" // the type read from the address
	n := len(d.path)
	err := d.object(func(key string) error {
		switch key {
		case "address":
			return d.str(&s.Address)
		case "module_address":
			return d.token(&s.ModuleAddress)
		case "type":
			return d.token(&s.Type)
		case "name":
			return d.token(&s.Name) // names recur in every module instance
		case "deposed":
			return d.str(&s.Deposed)
		case "mode":
			var m string
			err := d.token(&m)
			s.Mode = tfjson.ResourceMode(m)
			return err
		case "index":
			return d.index(&s.Index)
		case "change":
			seenChange = true
			c, err := d.s.next()
			if err != nil {
				return err
			}
			if c == 'n' {
				return d.s.literal("null")
			}
			typ := s.Type
			if typ == "" {
				guessed = link.TypeOfAddress(s.Address)
				typ = guessed
			}
			if typ != "" && !link.Modelled(typ) {
				return d.object(func(k string) error {
					if k == "actions" {
						return d.actions(&s.Actions)
					}
					return d.s.skipValue()
				})
			}
			// A modelled type, or one not known yet: read the values.
			ch = new(tfjson.Change)
			return d.changeValues(ch)
		}
		return d.s.skipValue()
	})
	if err != nil {
		return err
	}
	who := s.Address
	if who == "" {
		who = renderPath(d.path[:n])
	}
	modelled := link.Modelled(s.Type)
	if guessed != "" && !link.Modelled(guessed) && modelled {
		return &InputError{Msg: fmt.Sprintf("not a valid Terraform plan: %s has the type %s, but its address names a %s", who, s.Type, guessed)}
	}
	if ch != nil && !modelled {
		// Read before the type was known: only the actions count.
		s.Actions, ch = ch.Actions, nil
	}
	switch {
	case s.Address == "" || s.Type == "":
		return &InputError{Msg: fmt.Sprintf("not a valid Terraform plan: %s has no address or no type", renderPath(d.path[:n]))}
	case !seenChange || (ch == nil && modelled):
		return &InputError{Msg: fmt.Sprintf("not a valid Terraform plan: %s has no change (Terraform writes one for every resource change)", who)}
	}
	if !modelled {
		d.in.Others = append(d.in.Others, s)
		return nil
	}
	rc := &tfjson.ResourceChange{Address: s.Address, ModuleAddress: s.ModuleAddress, Mode: s.Mode, Type: s.Type, Name: s.Name, Index: s.Index, DeposedKey: s.Deposed}
	if err := checkChange(who, ch); err != nil {
		return err
	}
	if s.Deposed == "" {
		d.changed[s.Address] = struct{}{}
	}
	rc.Change = ch
	d.in.Changes = append(d.in.Changes, rc)
	return nil
}

// changeValues reads the change of a modelled resource: its actions and
// the values lbguard reads (before, after and what is unknown or
// sensitive in them), at most MaxValueBytes of them.
func (d *decoder) changeValues(ch *tfjson.Change) error {
	d.holdFrom(d.s.offset())
	defer d.holdFrom(-1)
	defer func() {
		dropUnread(ch.After, ch.AfterSensitive)
		dropUnread(ch.Before, ch.BeforeSensitive)
	}()
	return d.object(func(k string) error {
		var err error
		switch k {
		case "actions":
			return d.actions(&ch.Actions)
		case "before":
			ch.Before, err = d.anyValue()
		case "after":
			ch.After, err = d.anyValue()
		case "after_unknown":
			ch.AfterUnknown, err = d.anyValue()
		case "before_sensitive":
			ch.BeforeSensitive, err = d.anyValue()
		case "after_sensitive":
			ch.AfterSensitive, err = d.anyValue()
		default:
			// replace_paths, importing, generated_config and the rest
			// are not needed.
			err = d.s.skipValue()
		}
		return err
	})
}

// dropUnread deletes from a resource's values the attributes lbguard
// never reads (link.UnreadAttributes), unless the mask marks something in them
// sensitive: those stay, so that lbguard knows never to show them.
func dropUnread(values, sensitive any) {
	m, ok := values.(map[string]any)
	if !ok {
		return
	}
	mask, _ := sensitive.(map[string]any)
	if sensitive == true {
		return
	}
	for _, k := range link.UnreadAttributes() {
		if _, ok := m[k]; ok && !anyTrue(mask[k]) {
			delete(m, k)
		}
	}
}

// anyTrue reports whether a sensitivity mask marks anything.
func anyTrue(mask any) bool {
	switch x := mask.(type) {
	case bool:
		return x
	case map[string]any:
		for _, e := range x {
			if anyTrue(e) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if anyTrue(e) {
				return true
			}
		}
	}
	return false
}

// holdFrom starts (at an input offset) or, with -1, ends the holding of a
// value decoded by anyValue, which must stay within MaxValueBytes.
func (d *decoder) holdFrom(offset int64) {
	d.heldFrom, d.heldDepth = offset, len(d.path)
}

// anyValue reads a value as encoding/json decodes it into an interface:
// objects as map[string]any, arrays as []any, numbers as float64.
func (d *decoder) anyValue() (any, error) {
	c, err := d.s.next()
	if err != nil {
		return nil, err
	}
	if d.heldFrom >= 0 && d.s.offset()-d.heldFrom > d.s.limit {
		return nil, &InputError{Offset: d.s.offset(), Msg: fmt.Sprintf("%s is %s, the most lbguard holds of one value",
			renderPath(d.path[:d.heldDepth]), (&errTooLarge{limit: d.s.limit}).Error())}
	}
	switch c {
	case '{':
		// Members are gathered on a stack shared by all depths, so that
		// the map is made at its size once.
		base := len(d.members)
		err := d.object(func(key string) error {
			v, err := d.anyValue()
			d.members = append(d.members, member{key, v})
			return err
		})
		m := make(map[string]any, len(d.members)-base)
		for _, kv := range d.members[base:] {
			m[kv.key] = kv.value
		}
		clear(d.members[base:])
		d.members = d.members[:base]
		return m, err
	case '[':
		base := len(d.elems)
		err := d.array(func() error {
			v, err := d.anyValue()
			d.elems = append(d.elems, v)
			return err
		})
		list := append(make([]any, 0, len(d.elems)-base), d.elems[base:]...)
		clear(d.elems[base:])
		d.elems = d.elems[:base]
		return list, err
	case '"':
		text, err := d.s.readString()
		if len(text) <= 16 {
			// Short values recur (protocols, ports, CIDRs, booleans as
			// strings): held once.
			return d.name(text), err
		}
		return string(text), err
	case 't':
		return true, d.s.literal("true")
	case 'f':
		return false, d.s.literal("false")
	case 'n':
		return nil, d.s.literal("null")
	}
	return d.numberValue()
}

// member is an object member anyValue has read.
type member struct {
	key   string
	value any
}

// numberValue reads a number as a float64.
func (d *decoder) numberValue() (any, error) {
	start := d.s.offset()
	text, err := d.s.number(true)
	if err != nil {
		return nil, err
	}
	f, err := strconv.ParseFloat(string(text), 64)
	if err != nil {
		return nil, &InputError{Offset: start + 1, Msg: fmt.Sprintf("not a valid Terraform plan: %s holds a number that is out of range (%s)", d.where(), text)}
	}
	return f, nil
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
func (d *decoder) stateValues(keep bool) error {
	return d.object(func(key string) error {
		if key != "root_module" {
			return d.s.skipValue()
		}
		return d.stateModule(keep)
	})
}

func (d *decoder) stateModule(keep bool) error {
	var address string
	var found []*link.PriorResource
	err := d.object(func(key string) error {
		switch key {
		case "address":
			return d.token(&address)
		case "resources":
			return d.array(func() error {
				r, err := d.stateResource(keep)
				if r != nil {
					found = append(found, r)
				}
				return err
			})
		case "child_modules":
			return d.array(func() error { return d.stateModule(keep) })
		}
		return d.s.skipValue()
	})
	for _, r := range found {
		r.Module = address
	}
	d.in.Prior = append(d.in.Prior, found...)
	return err
}

// stateResource reads one resource of a state tree; it returns it when it
// is kept.
func (d *decoder) stateResource(keep bool) (*link.PriorResource, error) {
	sr := new(tfjson.StateResource)
	// hasChange: its change has the values that count; skipped: its
	// values were skipped for the type its address names.
	hasChange, skipped := false, false
	err := d.object(func(key string) error {
		switch key {
		case "address":
			return d.str(&sr.Address)
		case "type":
			return d.token(&sr.Type)
		case "name":
			return d.str(&sr.Name)
		case "mode":
			var m string
			err := d.token(&m)
			sr.Mode = tfjson.ResourceMode(m)
			return err
		case "index":
			return d.index(&sr.Index)
		case "values", "sensitive_values":
			typ := sr.Type
			if typ == "" {
				typ = link.TypeOfAddress(sr.Address)
			}
			_, hasChange = d.changed[sr.Address]
			if !keep || hasChange {
				return d.s.skipValue()
			}
			if typ != "" && !link.Modelled(typ) {
				skipped = true
				return d.s.skipValue()
			}
			if key == "sensitive_values" {
				raw, _, err := d.raw()
				sr.SensitiveValues = bytes.Clone(raw)
				return err
			}
			c, err := d.s.next()
			if err != nil {
				return err
			}
			if c != '{' && c != 'n' {
				return d.notA(c, "an object")
			}
			d.holdFrom(d.s.offset())
			defer d.holdFrom(-1)
			v, err := d.anyValue()
			sr.AttributeValues, _ = v.(map[string]any)
			return err
		}
		return d.s.skipValue()
	})
	switch {
	case err != nil || !link.Modelled(sr.Type):
		return nil, err
	case !keep:
		if d.planned == "" {
			d.planned = sr.Address
		}
		return nil, nil
	case hasChange:
		return nil, nil
	case skipped:
		return nil, &InputError{Msg: fmt.Sprintf("not a valid Terraform plan: %s has the type %s, but its address names a %s", sr.Address, sr.Type, link.TypeOfAddress(sr.Address))}
	}
	var mask any
	if len(sr.SensitiveValues) > 0 && json.Unmarshal(sr.SensitiveValues, &mask) != nil {
		mask = true // unreadable: drop nothing
	}
	dropUnread(sr.AttributeValues, mask)
	return &link.PriorResource{StateResource: sr}, nil
}

// deferred reads one element of deferred_changes.
func (d *decoder) deferred() error {
	var reason, address, typ string
	err := d.object(func(key string) error {
		switch key {
		case "reason":
			return d.str(&reason)
		case "resource_change":
			return d.object(func(k string) error {
				switch k {
				case "address":
					return d.str(&address)
				case "type":
					return d.token(&typ)
				}
				return d.s.skipValue()
			})
		}
		return d.s.skipValue()
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
	if err := jsonv2.Unmarshal(raw, v, jsonv1.DefaultOptionsV1(), jsonv2.RejectUnknownMembers(false), jsontext.AllowDuplicateNames(false)); err != nil {
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
	got := kindOf(byte(se.JSONKind))
	if got == "" {
		got = "not a JSON value"
	}
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

// inputError turns an error of the scanner into an InputError.
func (d *decoder) inputError(err error) error {
	var ie *InputError
	if errors.As(err, &ie) {
		return ie
	}
	if tl, ok := tooLarge(err); ok {
		where := "in the top-level object"
		if p := d.where(); p != "" {
			where = "at " + p
		}
		return &InputError{Offset: tl.offset, Msg: fmt.Sprintf("a value %s is %s, the most lbguard holds of one value", where, tl.Error())}
	}
	if errors.Is(err, errTruncated) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &InputError{Msg: "unexpected end of file: the plan is truncated (the file ends in the middle of its JSON)"}
	}
	var se *syntaxError
	if errors.As(err, &se) {
		msg := "invalid JSON: " + se.msg
		if p := d.where(); p != "" {
			msg += " (in " + p + ")"
		}
		return &InputError{Offset: se.offset, Msg: msg}
	}
	return &InputError{Offset: d.s.offset(), Msg: err.Error()}
}

// tooLarge returns the scanner's size error within err, if any.
func tooLarge(err error) (*errTooLarge, bool) {
	var e *errTooLarge
	ok := errors.As(err, &e)
	return e, ok
}

// kindOf names the kind of JSON value that starts with c, "" when none
// does.
func kindOf(c byte) string {
	switch {
	case c == '{':
		return "an object"
	case c == '[':
		return "an array"
	case c == '"':
		return "a string"
	case c == '-' || (c >= '0' && c <= '9'):
		return "a number"
	case c == 't' || c == 'f':
		return "a boolean"
	case c == 'n':
		return "null"
	}
	return ""
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
