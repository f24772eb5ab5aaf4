package link

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/lbguard/lbguard/plan"
)

// obj is one object of a planned value with its two masks: unknown marks
// values known only after apply (after_unknown), sens marks values the plan
// says are sensitive (after_sensitive). A mask is true (the whole value), a
// map (per attribute), a list (per element) or nil (nothing marked).
type obj struct {
	v    map[string]any
	unk  any
	sens any
	// path names the object for messages ("aws_lb_listener.http: after"),
	// and bad collects the values of a type Terraform never writes.
	path string
	bad  *badValues
}

// badValues are values whose JSON type is not the attribute's: Terraform
// never writes them, so the plan is malformed (not merely unknown).
type badValues struct{ list []string }

// wrongType records an attribute whose value has the wrong JSON type.
func (o obj) wrongType(name string, val any, want string) {
	if o.bad != nil {
		o.bad.list = append(o.bad.list, fmt.Sprintf("%s.%s is %s, expected %s", o.path, name, JSONKind(val), want))
	}
}

// child is a nested object of o, at name[i] (i < 0: no index).
func (o obj) child(v map[string]any, unk, sens any, name string, i int) obj {
	path := o.path + "." + name
	if i >= 0 {
		path += "[" + strconv.Itoa(i) + "]"
	}
	return obj{v: v, unk: unk, sens: sens, path: path, bad: o.bad}
}

// JSONKind names the JSON type of a decoded value, for messages: "an
// array", "a string", "null".
func JSONKind(v any) string {
	switch v.(type) {
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	case string:
		return "a string"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "null"
}

// composite reports whether a decoded value is an array or an object.
func composite(v any) bool {
	switch v.(type) {
	case []any, map[string]any:
		return true
	}
	return false
}

// state says what the plan knows about one value.
type state int

const (
	absent  state = iota // null, or not in the object
	unknown              // known only after apply
	present              // known and not null
)

// field returns an attribute with its masks.
func (o obj) field(name string) (val any, st state, unk, sens any) {
	unk = sub(o.unk, name)
	sens = sub(o.sens, name)
	if unk == true {
		return nil, unknown, unk, sens
	}
	val, ok := o.v[name]
	if !ok || val == nil {
		return nil, absent, unk, sens
	}
	return val, present, unk, sens
}

// sub steps into a mask by attribute name.
func sub(mask any, name string) any {
	switch m := mask.(type) {
	case bool:
		return m
	case map[string]any:
		return m[name]
	}
	return nil
}

// elem steps into a mask by list index.
func elem(mask any, i int) any {
	switch m := mask.(type) {
	case bool:
		return m
	case []any:
		if i < len(m) {
			return m[i]
		}
	}
	return nil
}

func isSensitive(mask any) bool { return mask == true }

// str reads a string attribute. Numbers are rendered as strings, since
// Terraform converts freely between them (health_check.port = 8080).
func (o obj) str(name string) (plan.Value[string], state) {
	val, st, _, sens := o.field(name)
	v := plan.Value[string]{Sensitive: isSensitive(sens)}
	if st != present {
		return v, st
	}
	s, ok := asString(val)
	if !ok {
		o.wrongType(name, val, "a string")
		return v, unknown
	}
	v.V, v.Known = s, true
	return v, st
}

// int reads a number attribute. Strings holding a number are accepted.
func (o obj) int(name string) (plan.Value[int], state) {
	val, st, _, sens := o.field(name)
	v := plan.Value[int]{Sensitive: isSensitive(sens)}
	if st != present {
		return v, st
	}
	n, ok := asInt(val)
	if !ok {
		if composite(val) || JSONKind(val) == "a boolean" {
			o.wrongType(name, val, "a number")
		}
		return v, unknown
	}
	v.V, v.Known = n, true
	return v, st
}

// bool reads a boolean attribute.
func (o obj) bool(name string) (plan.Value[bool], state) {
	val, st, _, sens := o.field(name)
	v := plan.Value[bool]{Sensitive: isSensitive(sens)}
	if st != present {
		return v, st
	}
	switch b := val.(type) {
	case bool:
		v.V, v.Known = b, true
	case string:
		if x, err := strconv.ParseBool(b); err == nil {
			v.V, v.Known = x, true
		}
	}
	if !v.Known {
		if composite(val) {
			o.wrongType(name, val, "true or false")
		}
		return v, unknown
	}
	return v, st
}

// blocks reads a nested block list (or a list of objects). known is false
// when the list itself is known only after apply.
func (o obj) blocks(name string) (out []obj, st state) {
	val, st, unk, sens := o.field(name)
	if st != present {
		return nil, st
	}
	list, ok := val.([]any)
	if !ok {
		if m, ok := val.(map[string]any); ok { // a single nested object
			return []obj{o.child(m, unk, sens, name, -1)}, present
		}
		o.wrongType(name, val, "a list of blocks")
		return nil, unknown
	}
	for i, e := range list {
		m, ok := e.(map[string]any)
		if !ok && e != nil {
			o.wrongType(name+"["+strconv.Itoa(i)+"]", e, "a block (an object)")
		}
		out = append(out, o.child(m, elem(unk, i), elem(sens, i), name, i))
	}
	return out, present
}

// strings reads a list or set of strings. st is unknown when the list as a
// whole is unknown; single elements known only after apply come back as
// unknown Values.
func (o obj) strings(name string) ([]plan.Value[string], state) {
	val, st, unk, sens := o.field(name)
	if st != present {
		return nil, st
	}
	list, ok := val.([]any)
	if !ok {
		o.wrongType(name, val, "a list")
		return nil, unknown
	}
	out := make([]plan.Value[string], 0, len(list))
	for i, e := range list {
		v := plan.Value[string]{Sensitive: isSensitive(elem(sens, i)) || isSensitive(sens)}
		if elem(unk, i) != true {
			if s, ok := asString(e); ok {
				v.V, v.Known = s, true
			} else if composite(e) {
				o.wrongType(name+"["+strconv.Itoa(i)+"]", e, "a string")
			}
		}
		out = append(out, v)
	}
	return out, present
}

// allKnown reports whether every value is known.
func allKnown(vs []plan.Value[string]) bool {
	for _, v := range vs {
		if !v.Known {
			return false
		}
	}
	return true
}

func asString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e15 {
			return strconv.FormatInt(int64(x), 10), true
		}
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

func asInt(v any) (int, bool) {
	switch x := v.(type) {
	case float64:
		if x != math.Trunc(x) || math.Abs(x) > math.MaxInt32 {
			return 0, false
		}
		return int(x), true
	case string:
		n, err := strconv.Atoi(strings.TrimSpace(x))
		return n, err == nil
	}
	return 0, false
}

// navigate follows an attribute path (names and list indexes) into a
// decoded JSON value.
func navigate(v any, path []string) (any, bool) {
	for _, step := range path {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[step]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(step)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// maskAt follows a path into an unknown/sensitive mask.
func maskAt(mask any, path []string) any {
	for _, step := range path {
		if i, err := strconv.Atoi(step); err == nil {
			if _, isList := mask.([]any); isList {
				mask = elem(mask, i)
				continue
			}
		}
		mask = sub(mask, step)
	}
	return mask
}
