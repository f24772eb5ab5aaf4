// Package tfplan builds lbguard's graph from a Terraform (or OpenTofu) plan
// in JSON form, the output of `terraform show -json PLANFILE`.
package tfplan

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/lbguard/lbguard/plan"
)

// Load reads the plan at path ("-" reads stdin) and builds its graph.
// Errors about the input are *InputError with the path set.
func Load(path string, stdin io.Reader, opts Options) (*plan.Graph, error) {
	parts, err := Decode(path, stdin)
	if err != nil {
		return nil, err
	}
	opts.Kind, opts.Path = "plan", displayPath(path)
	return Build(parts, opts)
}

// Decode reads the plan at path ("-" reads stdin) into Parts.
func Decode(path string, stdin io.Reader) (*Parts, error) {
	var r io.Reader
	if path == "-" {
		r = stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, &InputError{Path: path, Msg: describeOpenError(err)}
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.IsDir() {
			return nil, &InputError{Path: path, Msg: "is a directory, not a plan file"}
		}
		r = f
	}
	parts, err := decodeParts(r)
	if err != nil {
		var ie *InputError
		if errors.As(err, &ie) {
			ie.Path = displayPath(path)
			if path != "-" && ie.Offset > 0 {
				ie.Line, ie.Column = lineColumn(path, ie.Offset)
			}
			return nil, ie
		}
		return nil, fmt.Errorf("%s: %w", displayPath(path), err)
	}
	return parts, nil
}

// LiveAddresses lists the configuration addresses of the plan's
// resources that exist after apply.
func (p *Parts) LiveAddresses() []string {
	var out []string
	for _, list := range [][]*tfjson.ResourceChange{p.Changes, p.Others} {
		for _, rc := range list {
			if rc.DeposedKey != "" || rc.Change == nil || actionOf(rc.Change.Actions) == "delete" {
				continue
			}
			out = append(out, plan.ConfigAddress(rc.Address))
		}
	}
	return out
}

func displayPath(path string) string {
	if path == "-" {
		return "<stdin>"
	}
	return path
}

func describeOpenError(err error) string {
	switch {
	case errors.Is(err, os.ErrNotExist):
		return "no such file"
	case errors.Is(err, os.ErrPermission):
		return "permission denied"
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// lineColumn finds the line and column of a byte offset of the decoded
// text of a file; zeros when the file cannot be read again.
func lineColumn(path string, offset int64) (int, int) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	r, err := decodeText(f)
	if err != nil {
		return 0, 0
	}
	buf := make([]byte, 64<<10)
	line, col := 1, 1
	var pos int64
	for pos < offset {
		n, err := r.Read(buf)
		for _, c := range buf[:n] {
			if pos >= offset {
				break
			}
			pos++
			if c == '\n' {
				line, col = line+1, 1
			} else {
				col++
			}
		}
		if err != nil {
			break
		}
	}
	// The decoder reports the offset just past the offending byte.
	if col > 1 {
		col--
	}
	return line, col
}

// Read builds the graph of the plan JSON read from r.
func Read(r io.Reader, opts Options) (*plan.Graph, error) {
	parts, err := decodeParts(r)
	if err != nil {
		return nil, err
	}
	if opts.Kind == "" {
		opts.Kind = "plan"
	}
	return Build(parts, opts)
}

func decodeParts(r io.Reader) (*Parts, error) {
	raw, err := decode(r, modelled)
	if err != nil {
		return nil, err
	}
	raw.OldConfig = oldConfigFormat(raw.TerraformVersion)
	return &raw.Parts, nil
}

// Build builds the graph of plan parts.
func Build(parts *Parts, opts Options) (*plan.Graph, error) {
	b := &builder{
		parts:     parts,
		r:         newResolver(parts.Config, parts.Variables, opts.Locals, opts.Evaluated),
		evaluated: opts.Evaluated,
		byID:      map[string][]any{},
		following: map[string]bool{},
		g: &plan.Graph{Source: plan.Source{
			Kind:             opts.Kind,
			Path:             opts.Path,
			FormatVersion:    parts.FormatVersion,
			TerraformVersion: parts.TerraformVersion,
		}},
	}
	if err := b.collect(); err != nil {
		return nil, err
	}
	b.build()
	return b.g, nil
}

// builder turns the decoded plan into a graph.
type builder struct {
	parts   *Parts
	r       *resolver
	g       *plan.Graph
	live    []*inst // instances that exist after apply, in address order
	deleted []*inst // instances the plan deletes (their before values)
	byID    map[string][]any
	// following holds the resource attributes being followed, to stop at
	// reference cycles.
	following map[string]bool
	// evaluated is Options.Evaluated, if any.
	evaluated Evaluated

	// per-node state needed between passes
	listenerProtocolUnset map[*plan.Listener]bool
	groups                map[*plan.SecurityGroup]*sgState
	sgRules               []*ruleRes
	targets               []*pendingTarget
}

// collect gathers every resource instance of the plan.
func (b *builder) collect() error {
	seen := map[string]bool{}
	add := func(rc *tfjson.ResourceChange, decoded bool) error {
		if rc.DeposedKey != "" || rc.Change == nil {
			return nil // a deposed object is being destroyed
		}
		in := &inst{
			addr:    rc.Address,
			mod:     rc.ModuleAddress,
			typ:     rc.Type,
			mode:    rc.Mode,
			key:     keyFromIndex(rc.Index),
			action:  actionOf(rc.Change.Actions),
			decoded: decoded,
		}
		in.local = localAddr(rc.Mode, rc.Type, rc.Name)
		if decoded {
			in.after = afterOf(rc.Change, in.action)
			if m, ok := rc.Change.Before.(map[string]any); ok {
				in.before = obj{v: m, sens: rc.Change.BeforeSensitive}
			}
		}
		seen[in.addr] = true
		if in.action == "delete" {
			if decoded {
				b.deleted = append(b.deleted, in)
			}
			return nil
		}
		b.live = append(b.live, in)
		return b.r.addInstance(in)
	}
	for _, rc := range b.parts.Changes {
		if err := add(rc, true); err != nil {
			return err
		}
	}
	for _, rc := range b.parts.Others {
		if err := add(rc, false); err != nil {
			return err
		}
	}
	// Data sources read while planning, and (in unusual plans) managed
	// resources without a change entry, are only in prior_state.
	for _, sr := range b.parts.Prior {
		addr := sr.Address
		if sr.Module != "" && !strings.HasPrefix(addr, sr.Module+".") {
			// Terraform 0.12 wrote child-module addresses in prior_state
			// without their module.
			addr = sr.Module + "." + addr
		}
		if seen[addr] {
			continue
		}
		in := &inst{
			addr:    addr,
			mod:     sr.Module,
			typ:     sr.Type,
			mode:    sr.Mode,
			key:     keyFromIndex(sr.Index),
			local:   localAddr(sr.Mode, sr.Type, sr.Name),
			action:  "no-op",
			decoded: true,
			after:   obj{v: sr.AttributeValues, sens: sensitiveMask(sr.SensitiveValues)},
		}
		if sr.Mode == tfjson.DataResourceMode {
			in.action = "read"
		}
		seen[in.addr] = true
		b.live = append(b.live, in)
		if err := b.r.addInstance(in); err != nil {
			return err
		}
	}
	sort.SliceStable(b.live, func(i, j int) bool { return b.live[i].addr < b.live[j].addr })
	for _, byLocal := range b.r.insts {
		for _, list := range byLocal {
			sortInstances(list)
		}
	}
	return nil
}

func localAddr(mode tfjson.ResourceMode, typ, name string) string {
	if mode == tfjson.DataResourceMode {
		return "data." + typ + "." + name
	}
	return typ + "." + name
}

func actionOf(a tfjson.Actions) string {
	switch {
	case a.Replace():
		return "replace"
	case a.Delete():
		return "delete"
	case a.Create():
		return "create"
	case a.Update():
		return "update"
	case a.Read():
		return "read"
	case a.NoOp():
		return "no-op"
	}
	if len(a) == 1 && a[0] == "forget" {
		// Removed from the state but not destroyed: the object stays.
		return "forget"
	}
	return strings.Join(actionStrings(a), ",")
}

func actionStrings(a tfjson.Actions) []string {
	out := make([]string, len(a))
	for i, x := range a {
		out[i] = string(x)
	}
	return out
}

// afterOf returns the values of the world after apply: the planned values,
// or for a deletion (or a forgotten object) the values before.
func afterOf(ch *tfjson.Change, action string) obj {
	if action == "delete" || action == "forget" {
		m, _ := ch.Before.(map[string]any)
		return obj{v: m, sens: ch.BeforeSensitive}
	}
	m, _ := ch.After.(map[string]any)
	return obj{v: m, unk: ch.AfterUnknown, sens: ch.AfterSensitive}
}

// sensitiveMask decodes a prior_state sensitive_values mask.
func sensitiveMask(raw []byte) any {
	if len(raw) == 0 {
		return nil
	}
	var m any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil
	}
	return m
}

// hasDynamic asks the sources, when given, whether a resource writes a
// block type as a dynamic block.
func (b *builder) hasDynamic(in *inst, block string) bool {
	return b.r.locals != nil && b.r.locals.HasDynamic(plan.ConfigAddress(in.addr), block)
}

// index records the known IDs and ARNs of a node for lookups.
func (b *builder) index(node any, ids ...plan.Value[string]) {
	for _, id := range ids {
		if id.Known && id.V != "" && !containsNode(b.byID[id.V], node) {
			b.byID[id.V] = append(b.byID[id.V], node)
		}
	}
}

// lookup finds the node with a known ID or ARN. Managed resources win over
// data sources naming the same object.
func (b *builder) lookup(id string) target {
	nodes := b.byID[id]
	var managed []any
	for _, n := range nodes {
		if x, ok := n.(plan.Node); ok && x.Res().Mode == plan.Managed {
			managed = append(managed, n)
		}
	}
	switch {
	case len(managed) == 1:
		return target{node: managed[0]}
	case len(managed) > 1:
		return target{reason: fmt.Sprintf("several resources of the plan have the ID %s", id)}
	case len(nodes) >= 1:
		return target{node: nodes[0]}
	}
	return target{id: id}
}

func (b *builder) lookupAll(ids []string) []target {
	out := make([]target, 0, len(ids))
	for _, id := range ids {
		if id == "" {
			continue
		}
		out = append(out, b.lookup(id))
	}
	return out
}

// resource returns the plan.Resource of an instance.
func resourceOf(in *inst) plan.Resource {
	r := plan.Resource{Address: in.addr, Type: in.typ, Mode: plan.Managed, Change: plan.Change(in.action)}
	if in.mode == tfjson.DataResourceMode {
		r.Mode = plan.Data
		r.Change = plan.Read
	}
	if in.action == "forget" {
		r.Change = plan.NoOp
	}
	return r
}

func containsNode(list []any, n any) bool {
	for _, x := range list {
		if x == n {
			return true
		}
	}
	return false
}
