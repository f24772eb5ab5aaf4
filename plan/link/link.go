package link

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/lbguard/lbguard/plan"
)

// LiveAddresses lists the configuration addresses of the plan's
// resources that exist after apply.
func (p *Input) LiveAddresses() []string {
	var out []string
	live := func(o Other) {
		if o.Deposed == "" && actionOf(o.Actions) != "delete" {
			out = append(out, plan.ConfigAddress(o.Address))
		}
	}
	for _, rc := range p.Changes {
		if rc.Change != nil {
			live(OtherOf(rc))
		}
	}
	for _, o := range p.Others {
		live(o)
	}
	return out
}

// Build links the resources of in into a graph. Its errors name the input
// (opts.Path) and the resource at fault.
func Build(in *Input, opts Options) (*plan.Graph, error) {
	own := *in // the builder drops parts it is done with; in stays whole
	in = &own
	b := &builder{
		in:        in,
		r:         newResolver(in, opts.Locals, opts.Evaluated),
		evaluated: opts.Evaluated,
		byID:      map[string][]any{},
		indexed:   map[idNode]bool{},
		nearByID:  map[string]*sharedID{},
		nodeMod:   map[any]string{},
		following: map[string]bool{},
		g: &plan.Graph{Input: plan.Input{
			Kind:             opts.Kind,
			Path:             opts.Path,
			FormatVersion:    in.FormatVersion,
			TerraformVersion: in.TerraformVersion,
		}},
	}
	b.g.Secrets = &plan.Secrets{}
	if err := b.collect(); err != nil {
		if le, ok := err.(*Error); ok && le.Path == "" {
			le.Path = opts.Path
		}
		return nil, err
	}
	b.build()
	b.g.Partial = in.Incomplete || len(in.Deferred) > 0
	for _, d := range in.Deferred {
		reason := "Terraform deferred this change to a later plan"
		if d.Reason != "" {
			reason += " (" + d.Reason + ")"
		}
		b.g.NotAnalysed = append(b.g.NotAnalysed, plan.Skipped{Address: d.Address, Reason: reason, Unread: true,
			Fix: "apply this partial plan, then check the next plan, which has the deferred change"})
	}
	if len(b.bad.list) > 0 {
		sort.Strings(b.bad.list)
		if opts.Kind == "source" {
			msg := strings.Replace(b.bad.list[0], ": change.after.", ": ", 1)
			return nil, &Error{Path: opts.Path, Msg: "a value Terraform would refuse: " + msg}
		}
		return nil, &Error{Path: opts.Path, Msg: "not a valid Terraform plan: " + b.bad.list[0]}
	}
	return b.g, nil
}

// builder turns the decoded plan into a graph.
type builder struct {
	in      *Input
	r       *resolver
	g       *plan.Graph
	live    []*inst // instances that exist after apply, in address order
	deleted []*inst // instances the plan deletes (their before values)
	byID    map[string][]any
	indexed map[idNode]bool // what byID holds
	// nearByID is what lookupNear keeps of the IDs many nodes share.
	nearByID  map[string]*sharedID
	modsKnown bool // whether nodeMod holds every node
	// following holds the resource attributes being followed, to stop at
	// reference cycles.
	following map[string]bool
	// evaluated is Options.Evaluated, if any.
	evaluated Evaluated
	// bad collects the values of a type Terraform never writes.
	bad badValues
	// nodeMod is each node's module instance, for lookupNear.
	nodeMod map[any]string

	// per-node state needed between passes
	listenerProtocolUnset map[*plan.Listener]bool
	groups                map[*plan.SecurityGroup]*sgState
	sgRules               []*ruleRes
	targets               []*pendingTarget
}

// collect gathers every resource instance of the plan.
func (b *builder) collect() error {
	noValues := &values{}
	add := func(o Other, rc *tfjson.ResourceChange) error {
		decoded := rc != nil
		if o.Deposed != "" || (decoded && rc.Change == nil) {
			return nil // a deposed object is being destroyed
		}
		in := &inst{
			addr:    o.Address,
			mod:     o.ModuleAddress,
			typ:     o.Type,
			mode:    o.Mode,
			key:     KeyFromIndex(o.Index),
			action:  actionOf(o.Actions),
			decoded: decoded,
			values:  noValues,
		}
		in.local = localAddr(o.Mode, o.Type, o.Name)
		if decoded {
			in.values = &values{after: afterOf(rc.Change, in.action)}
			in.after.path, in.after.bad = in.addr+": change."+map[bool]string{true: "before", false: "after"}[in.action == "delete" || in.action == "forget"], &b.bad
			if m, ok := rc.Change.Before.(map[string]any); ok {
				in.before = obj{v: m, sens: rc.Change.BeforeSensitive, path: in.addr + ": change.before", bad: &b.bad}
			}
		}
		if in.action == "delete" {
			if decoded {
				b.deleted = append(b.deleted, in)
			}
			return nil
		}
		b.live = append(b.live, in)
		return b.addInstance(in)
	}
	for _, rc := range b.in.Changes {
		if err := add(OtherOf(rc), rc); err != nil {
			return err
		}
	}
	for _, o := range b.in.Others {
		if err := add(o, nil); err != nil {
			return err
		}
	}
	// The instances hold what the builder needs of the others: let the
	// garbage collector have them (Build works on a copy of the Input).
	b.in.Others = nil
	var seen map[string]bool
	if len(b.in.Prior) > 0 {
		seen = make(map[string]bool, len(b.live)+len(b.deleted))
		for _, in := range b.live {
			seen[in.addr] = true
		}
		for _, in := range b.deleted {
			seen[in.addr] = true
		}
	}
	// Data sources read while planning, and (in unusual plans) managed
	// resources without a change entry, are only in prior_state.
	for _, sr := range b.in.Prior {
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
			key:     KeyFromIndex(sr.Index),
			local:   localAddr(sr.Mode, sr.Type, sr.Name),
			action:  "no-op",
			decoded: true,
			values:  &values{after: obj{v: sr.AttributeValues, sens: sensitiveMask(sr.SensitiveValues), path: addr + ": prior_state values", bad: &b.bad}},
		}
		if sr.Mode == tfjson.DataResourceMode {
			in.action = "read"
		}
		seen[in.addr] = true
		b.live = append(b.live, in)
		if err := b.addInstance(in); err != nil {
			return err
		}
	}
	for _, in := range append(append([]*inst(nil), b.live...), b.deleted...) {
		addSecrets(b.g.Secrets, in.after.v, in.after.sens)
		addSecrets(b.g.Secrets, in.before.v, in.before.sens)
	}
	if b.in.Config != nil && b.in.Config.RootModule != nil {
		for name, v := range b.in.Config.RootModule.Variables {
			if pv := b.in.Variables[name]; v != nil && v.Sensitive && pv != nil {
				addSecrets(b.g.Secrets, pv.Value, true)
			}
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

// addSecrets records the values a sensitivity mask marks (mask true marks
// the whole value), as they would be printed.
func addSecrets(s *plan.Secrets, v any, mask any) {
	if mask == nil || mask == false {
		return
	}
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			addSecrets(s, e, sub(mask, k))
		}
	case []any:
		for i, e := range x {
			addSecrets(s, e, elem(mask, i))
		}
	default:
		if mask == true {
			if str, ok := asString(x); ok {
				s.Add(str)
			}
		}
	}
}

// addInstance indexes an instance for the resolver; an instance whose
// address it cannot read stops the build.
func (b *builder) addInstance(in *inst) error {
	if err := b.r.addInstance(in); err != nil {
		return &Error{Address: in.addr, Msg: err.Error()}
	}
	return nil
}

// Error is a problem with one resource of the input that stops linking:
// Terraform never writes such a resource, so the input is malformed.
type Error struct {
	Path    string // the input, as the user named it
	Address string // the resource at fault
	Msg     string
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	if e.Address != "" {
		b.WriteString(e.Address)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
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
		if !id.Known || id.V == "" || b.indexed[idNode{id.V, node}] {
			continue
		}
		b.indexed[idNode{id.V, node}] = true
		b.byID[id.V] = append(b.byID[id.V], node)
		delete(b.nearByID, id.V)
	}
}

// idNode is a node indexed under an ID.
type idNode struct {
	id   string
	node any
}

// lookup finds the node with a known ID or ARN. Managed resources win over
// data sources naming the same object.
func (b *builder) lookup(id string) linkEnd { return b.lookupNear("", id) }

// lookupNear is lookup from a module instance: where several nodes have
// the ID (a module called several times reads one data source, or names
// one existing object, in each instance), those of the same module
// instance are the ones its references mean.
func (b *builder) lookupNear(mod, id string) linkEnd {
	nodes := b.byID[id]
	if len(nodes) <= manyInstances || !b.modsKnown {
		return b.pick(mod, id, nodes)
	}
	// A module called n times that reads one data source gives n nodes
	// of one ID: they are grouped by module instance once, and the answer
	// for the other module instances kept, so that finding each of them
	// stays linear in n.
	sh := b.nearByID[id]
	if sh == nil {
		sh = &sharedID{byMod: map[string][]any{}}
		for _, n := range nodes {
			if m, ok := b.nodeMod[n]; ok {
				sh.byMod[m] = append(sh.byMod[m], n)
			}
		}
		b.nearByID[id] = sh
	}
	if near := sh.byMod[mod]; len(near) > 0 {
		return b.pick(mod, id, near)
	}
	if sh.elsewhere == nil {
		end := b.pick(mod, id, nodes)
		sh.elsewhere = &end
	}
	return *sh.elsewhere
}

// sharedID is what lookupNear keeps of an ID many nodes share: its nodes
// by module instance, and the answer where none of them is.
type sharedID struct {
	byMod     map[string][]any
	elsewhere *linkEnd
}

// pick chooses among the nodes of an ID for lookupNear.
func (b *builder) pick(mod, id string, nodes []any) linkEnd {
	if len(nodes) > 1 {
		var near []any
		for _, n := range nodes {
			if m, ok := b.nodeMod[n]; ok && m == mod {
				near = append(near, n)
			}
		}
		if len(near) > 0 {
			nodes = near
		}
	}
	var managed []any
	for _, n := range nodes {
		if x, ok := n.(plan.Node); ok && x.Res().Mode == plan.Managed {
			managed = append(managed, n)
		}
	}
	switch {
	case len(managed) == 1:
		return linkEnd{node: managed[0]}
	case len(managed) > 1:
		return linkEnd{reason: fmt.Sprintf("several resources of the plan have the ID %s", id)}
	case len(nodes) >= 1:
		return linkEnd{node: nodes[0]}
	}
	return linkEnd{id: id}
}

func (b *builder) lookupAll(ids []string) []linkEnd { return b.lookupAllNear("", ids) }

// lookupAllNear is lookupNear for several IDs.
func (b *builder) lookupAllNear(mod string, ids []string) []linkEnd {
	out := make([]linkEnd, 0, len(ids))
	for _, id := range ids {
		if id == "" {
			continue
		}
		out = append(out, b.lookupNear(mod, id))
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
