package link

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// sameKeys reports whether two key sets are equal and not empty.
func sameKeys(a, b []Key) bool {
	if len(a) == 0 || len(a) != len(b) {
		return false
	}
	set := make(map[Key]bool, len(a))
	for _, k := range a {
		set[k] = true
	}
	for _, k := range b {
		if !set[k] {
			return false
		}
	}
	return true
}

// modStep is one module call instance in a module instance path.
type modStep struct {
	name string
	key  Key
}

// parseModuleInstance parses "module.a[0].module.b" into its steps.
func parseModuleInstance(s string) ([]modStep, error) {
	if s == "" {
		return nil, nil
	}
	if steps, ok := parsePlainModuleInstance(s); ok {
		return steps, nil
	}
	return parseModuleTraversal(s)
}

// parseModuleTraversal is parseModuleInstance by the HCL parser.
func parseModuleTraversal(s string) ([]modStep, error) {
	tr, err := parseTraversal(s)
	if err != nil {
		return nil, fmt.Errorf("module address %q is not one Terraform writes", s)
	}
	var steps []modStep
	for i := 0; i < len(tr); {
		if name, ok := traverserName(tr[i]); !ok || name != "module" || i+1 >= len(tr) {
			return nil, fmt.Errorf("%q is not a module address", s)
		}
		name, ok := traverserName(tr[i+1])
		if !ok {
			return nil, fmt.Errorf("%q is not a module address", s)
		}
		st := modStep{name: name}
		i += 2
		if i < len(tr) {
			if k, ok := traverserKey(tr[i]); ok {
				st.key = k
				i++
			}
		}
		steps = append(steps, st)
	}
	return steps, nil
}

// parsePlainModuleInstance parses the common module instance addresses,
// whose names are identifiers and keys numbers ("module.a[0].module.b"),
// without the HCL parser; false for anything else, which that parser
// reads.
func parsePlainModuleInstance(s string) ([]modStep, bool) {
	var steps []modStep
	for s != "" {
		rest, ok := strings.CutPrefix(s, "module.")
		if !ok {
			return nil, false
		}
		n := 0
		for n < len(rest) && (rest[n] == '_' || rest[n] == '-' || (rest[n] >= '0' && rest[n] <= '9') || (rest[n]|0x20 >= 'a' && rest[n]|0x20 <= 'z')) {
			n++
		}
		if n == 0 || rest[0] == '-' || (rest[0] >= '0' && rest[0] <= '9') {
			return nil, false
		}
		st := modStep{name: rest[:n]}
		rest = rest[n:]
		if strings.HasPrefix(rest, `["`) {
			// A string key with nothing to unescape or interpolate.
			end := strings.IndexByte(rest[2:], '"') + 2
			if end < 2 || !strings.HasPrefix(rest[end:], `"]`) || !plainKey(rest[2:end]) {
				return nil, false
			}
			st.key, rest = StrKey(rest[2:end]), rest[end+2:]
		} else if strings.HasPrefix(rest, "[") {
			end := strings.IndexByte(rest, ']')
			if end < 2 {
				return nil, false
			}
			i, err := strconv.Atoi(rest[1:end])
			if err != nil || i < 0 || strconv.Itoa(i) != rest[1:end] {
				return nil, false
			}
			st.key, rest = IntKey(i), rest[end+1:]
		}
		steps = append(steps, st)
		if rest == "" {
			break
		}
		if s, ok = strings.CutPrefix(rest, "."); !ok || s == "" {
			return nil, false
		}
	}
	return steps, true
}

// plainKey reports whether the text of a quoted key means itself: no
// escape, no template sequence, no control character, valid UTF-8.
func plainKey(k string) bool {
	if strings.Contains(k, "${") || strings.Contains(k, "%{") || !utf8.ValidString(k) {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x20 || k[i] == '\\' || k[i] == 0x7f {
			return false
		}
	}
	return true
}

// renderModuleInstance is the inverse of parseModuleInstance.
func renderModuleInstance(steps []modStep) string {
	var b strings.Builder
	for i, st := range steps {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString("module.")
		b.WriteString(st.name)
		b.WriteString(st.key.String())
	}
	return b.String()
}

// configPath drops the instance keys: "module.a[0].module.b" -> "module.a.module.b".
func configPath(steps []modStep) string {
	names := make([]string, len(steps))
	for i, st := range steps {
		names[i] = "module." + st.name
	}
	return strings.Join(names, ".")
}

func joinPath(parent, child string) string {
	if parent == "" {
		return child
	}
	return parent + "." + child
}

func parseTraversal(s string) (hcl.Traversal, error) {
	tr, diags := hclsyntax.ParseTraversalAbs([]byte(s), "", hcl.InitialPos)
	if diags.HasErrors() {
		return nil, fmt.Errorf("%q is not a valid reference", s)
	}
	return tr, nil
}

func traverserName(t hcl.Traverser) (string, bool) {
	switch x := t.(type) {
	case hcl.TraverseRoot:
		return x.Name, true
	case hcl.TraverseAttr:
		return x.Name, true
	}
	return "", false
}

func traverserKey(t hcl.Traverser) (Key, bool) {
	if x, ok := t.(hcl.TraverseIndex); ok {
		return keyFromCty(x.Key)
	}
	return Key{}, false
}

// traverserStep renders an attribute or index step as a path element.
func traverserStep(t hcl.Traverser) (string, bool) {
	if n, ok := traverserName(t); ok {
		return n, true
	}
	if x, ok := t.(hcl.TraverseIndex); ok {
		if k, ok := keyFromCty(x.Key); ok {
			if k.Kind == CountKey {
				return strconv.Itoa(k.Int), true
			}
			return k.Str, true
		}
	}
	return "", false
}

// refKind is what a reference's subject is.
type refKind int

const (
	refResource refKind = iota
	refVar
	refLocal
	refModule
	refContext // count.*, each.*, path.*, terraform.*, self.*: not a link
)

// ref is one parsed reference of a configuration expression.
type ref struct {
	kind    refKind
	text    string   // as written in the plan
	local   string   // resources: "aws_lb.this" or "data.aws_vpc.x"
	name    string   // var, local and module call names
	key     Key      // static resource or module instance key
	hasKey  bool     // whether key was given
	output  string   // module output name
	rest    []string // attribute path after the subject
	restLen int      // traversal length, to prefer the most specific form
}

// subject identifies what a reference points at, ignoring the remaining path.
func (r ref) subject() string {
	switch r.kind {
	case refResource:
		return r.local + keyIf(r)
	case refVar:
		return "var." + r.name
	case refLocal:
		return "local." + r.name
	case refModule:
		return "module." + r.name + keyIf(r) + "." + r.output
	}
	return r.text
}

func keyIf(r ref) string {
	if r.hasKey {
		return r.key.String()
	}
	return ""
}

// parseRef parses one entry of an expression's "references".
func parseRef(s string) (ref, bool) {
	tr, err := parseTraversal(s)
	if err != nil || len(tr) == 0 {
		return ref{}, false
	}
	root, _ := traverserName(tr[0])
	r := ref{text: s, restLen: len(tr)}
	rest := func(from int) []string {
		var out []string
		for _, t := range tr[from:] {
			if step, ok := traverserStep(t); ok {
				out = append(out, step)
			}
		}
		return out
	}
	switch root {
	case "count", "each", "path", "terraform", "self":
		r.kind = refContext
		return r, true
	case "var", "local":
		if len(tr) < 2 {
			return ref{}, false
		}
		r.kind = refVar
		if root == "local" {
			r.kind = refLocal
		}
		r.name, _ = traverserName(tr[1])
		r.rest = rest(2)
		return r, true
	case "module":
		if len(tr) < 2 {
			return ref{}, false
		}
		r.kind = refModule
		r.name, _ = traverserName(tr[1])
		i := r.keyAt(tr, 2)
		if i < len(tr) {
			r.output, _ = traverserName(tr[i])
			i++
		}
		r.rest = rest(i)
		return r, true
	case "data":
		if len(tr) < 3 {
			return ref{}, false
		}
		typ, _ := traverserName(tr[1])
		name, _ := traverserName(tr[2])
		r.kind, r.local = refResource, "data."+typ+"."+name
		r.rest = rest(r.keyAt(tr, 3))
		return r, true
	}
	if len(tr) < 2 {
		return ref{}, false
	}
	name, ok := traverserName(tr[1])
	if !ok {
		return ref{}, false
	}
	r.kind, r.local = refResource, root+"."+name
	r.rest = rest(r.keyAt(tr, 2))
	return r, true
}

// keyAt reads an instance key at step i of a traversal, if there is one,
// and returns the step after the subject.
func (r *ref) keyAt(tr hcl.Traversal, i int) int {
	if i < len(tr) {
		if k, ok := traverserKey(tr[i]); ok {
			r.key, r.hasKey = k, true
			i++
		}
	}
	return i
}

// parseRefs parses an expression's references and keeps, per subject, the
// most specific form: Terraform lists "aws_lb.this[0].arn", "aws_lb.this[0]"
// and "aws_lb.this" for one reference. A keyed form wins over the unkeyed
// one of the same resource only when no other reference uses that resource
// unkeyed on its own.
func parseRefs(list []string) (refs []ref, context []string) {
	bySubject := map[string]int{}
	keyed := map[string]bool{}      // resources or module calls referenced with a static key
	withOutput := map[string]bool{} // module calls referenced through an output
	parsed := make([]ref, 0, len(list))
	for _, s := range list {
		r, ok := parseRef(s)
		if !ok {
			continue
		}
		if r.kind == refContext {
			context = append(context, s)
			continue
		}
		parsed = append(parsed, r)
		if r.hasKey {
			keyed[unkeyed(r)] = true
		}
		if r.kind == refModule && r.output != "" {
			withOutput[r.name] = true
		}
	}
	for _, r := range parsed {
		if !r.hasKey && keyed[unkeyed(r)] && (r.kind == refResource || r.kind == refModule) {
			// "aws_lb.this" listed after "aws_lb.this[0]": the same reference.
			continue
		}
		if r.kind == refModule && r.output == "" && withOutput[r.name] {
			// "module.m" listed after "module.m[0].out": the same reference.
			continue
		}
		subj := r.subject()
		if i, ok := bySubject[subj]; ok {
			if r.restLen > refs[i].restLen {
				refs[i] = r
			}
			continue
		}
		bySubject[subj] = len(refs)
		refs = append(refs, r)
	}
	return refs, context
}

func unkeyed(r ref) string {
	if r.kind == refModule {
		return "module." + r.name
	}
	return r.local
}
