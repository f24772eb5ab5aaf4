package link

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/lbguard/lbguard/plan"
)

// inst is one resource instance of the plan.
type inst struct {
	addr    string
	mod     string // module instance path, "" for the root module
	local   string // "aws_lb.this" or "data.aws_vpc.x"
	typ     string
	mode    tfjson.ResourceMode
	key     Key
	action  string // create, update, replace, no-op, read, delete
	*values        // shared and empty when values were not decoded
	decoded bool   // whether values were decoded (the type is modelled)
	node    any    // the graph node built for it, if any
}

// values are an instance's values. A plan has many more instances of
// types lbguard does not model than of those it does: theirs are one
// empty values, shared.
type values struct {
	after  obj // values after apply (before, for deletions)
	before obj // values before apply; empty for new resources
}

// modCfg is one module of the configuration.
type modCfg struct {
	path      string // "" for the root, "module.a.module.b"
	mod       *tfjson.ConfigModule
	resources map[string]*tfjson.ConfigResource // by local address
}

// resolver follows configuration references across module boundaries.
type resolver struct {
	cfgs    map[string]*modCfg
	insts   map[string]map[string][]*inst // module instance -> local address -> instances
	modKeys map[string]map[string][]Key
	// The indexes below keep linking linear in the number of instances:
	// keyIndex finds an instance of a resource with many by its key (see
	// instance), callSeen says whether a module
	// call instance is recorded in modKeys, keyLists holds the keys of
	// each resource once, and same remembers which key lists were compared.
	keyIndex map[instID]map[Key]*inst
	callSeen map[instID]bool
	// pathsSeen holds the module instances whose paths are recorded.
	pathsSeen map[string]bool
	keyLists  map[instID][]Key
	same      map[keyPair]bool
	parsed    map[refsID]parsedRefs
	steps     map[string]parsedSteps
	vars      map[string]*tfjson.PlanVariable
	locals    LocalSource
	// evaluated is Options.Evaluated, if any.
	evaluated Evaluated
	// memo keeps what each expression resolved to in each origin, so that
	// chains of references that fan out are followed once.
	memo map[memoKey][]referent
	// unknownCount holds the resources, by configuration address, whose
	// instances may exist though the plan shows none (Input.Unexpanded,
	// deferred changes).
	unknownCount map[string]bool
}

// instID names a resource instance (or, with local a module call's name,
// a module call instance) within a module instance.
type instID struct {
	mod, local string
	key        Key
}

// parsedRefs is what parseRefs made of an expression's references.
type parsedRefs struct {
	refs    []ref
	context []string
}

// parseRefs is the package's parseRefs, once per list of references: an
// expression is resolved once per instance, and parsing is its costliest
// part.
func (r *resolver) parseRefs(list []string) ([]ref, []string) {
	if len(list) == 0 {
		return parseRefs(list)
	}
	id := refsID{&list[0], len(list)}
	p, ok := r.parsed[id]
	if !ok {
		p.refs, p.context = parseRefs(list)
		r.parsed[id] = p
	}
	return p.refs, p.context
}

// refsID identifies a list of references by its first element.
type refsID struct {
	first *string
	n     int
}

// keyPair identifies two shared key lists by their first element.
type keyPair struct {
	a, b   *Key
	la, lb int
}

type memoKey struct {
	mod  string
	key  Key
	expr *tfjson.Expression
}

func newResolver(in *Input, locals LocalSource, evaluated Evaluated) *resolver {
	cfg, vars := in.Config, in.Variables
	r := &resolver{
		evaluated:    evaluated,
		cfgs:         map[string]*modCfg{},
		insts:        map[string]map[string][]*inst{},
		modKeys:      map[string]map[string][]Key{},
		callSeen:     map[instID]bool{},
		pathsSeen:    map[string]bool{},
		keyLists:     map[instID][]Key{},
		same:         map[keyPair]bool{},
		parsed:       map[refsID]parsedRefs{},
		steps:        map[string]parsedSteps{},
		vars:         vars,
		locals:       locals,
		memo:         map[memoKey][]referent{},
		unknownCount: map[string]bool{},
	}
	for _, a := range in.Unexpanded {
		r.unknownCount[plan.ConfigAddress(a)] = true
	}
	for _, d := range in.Deferred {
		r.unknownCount[plan.ConfigAddress(d.Address)] = true
	}
	if cfg != nil && cfg.RootModule != nil {
		r.addConfig("", cfg.RootModule)
	}
	return r
}

func (r *resolver) addConfig(path string, m *tfjson.ConfigModule) {
	mc := &modCfg{path: path, mod: m, resources: map[string]*tfjson.ConfigResource{}}
	for _, res := range m.Resources {
		local := res.Type + "." + res.Name
		if res.Mode == tfjson.DataResourceMode {
			local = "data." + local
		}
		mc.resources[local] = res
	}
	r.cfgs[path] = mc
	for name, call := range m.ModuleCalls {
		if call != nil && call.Module != nil {
			r.addConfig(joinPath(path, "module."+name), call.Module)
		}
	}
}

// addInstance indexes an instance by module instance and local address,
// and records the module instances on its path.
func (r *resolver) addInstance(in *inst) error {
	if err := r.addModulePath(in.mod); err != nil {
		return err
	}
	byLocal := r.insts[in.mod]
	if byLocal == nil {
		byLocal = map[string][]*inst{}
		r.insts[in.mod] = byLocal
	}
	byLocal[in.local] = append(byLocal[in.local], in)
	if r.keyIndex != nil {
		delete(r.keyIndex, instID{mod: in.mod, local: in.local})
	}
	return nil
}

// manyInstances is how many instances of a resource are searched one by
// one for a key; beyond, they are indexed.
const manyInstances = 16

// instance is the instance of a resource with a key, or nil. Most
// resources have a few instances in each module instance: those are
// searched; those with many are indexed on first use, so that finding
// each of n instances stays linear in n.
func (r *resolver) instance(mod, local string, key Key) *inst {
	list := r.insts[mod][local]
	if len(list) <= manyInstances {
		for i := len(list) - 1; i >= 0; i-- {
			if list[i].key == key {
				return list[i]
			}
		}
		return nil
	}
	id := instID{mod: mod, local: local}
	index := r.keyIndex[id]
	if index == nil {
		index = make(map[Key]*inst, len(list))
		for _, in := range list {
			index[in.key] = in
		}
		if r.keyIndex == nil {
			r.keyIndex = map[instID]map[Key]*inst{}
		}
		r.keyIndex[id] = index
	}
	return index[key]
}

// addModulePath records the module instances on the path to mod, once per
// module instance.
func (r *resolver) addModulePath(mod string) error {
	if r.pathsSeen[mod] {
		return nil
	}
	steps, err := r.moduleSteps(mod)
	if err != nil {
		return err
	}
	r.pathsSeen[mod] = true
	for i := range steps {
		parent := renderModuleInstance(steps[:i])
		calls := r.modKeys[parent]
		if calls == nil {
			calls = map[string][]Key{}
			r.modKeys[parent] = calls
		}
		id := instID{mod: parent, local: steps[i].name, key: steps[i].key}
		if !r.callSeen[id] {
			r.callSeen[id] = true
			calls[steps[i].name] = append(calls[steps[i].name], steps[i].key)
		}
	}
	return nil
}

// configFor returns the configuration of an instance's resource, if any.
func (r *resolver) configFor(in *inst) (*modCfg, *tfjson.ConfigResource) {
	steps, err := r.moduleSteps(in.mod)
	if err != nil {
		return nil, nil
	}
	mc := r.cfgs[configPath(steps)]
	if mc == nil {
		return nil, nil
	}
	return mc, mc.resources[in.local]
}

// keysOf returns the instance keys of a resource in a module instance.
// The list is made once and shared: callers must not change it. Every
// instance is added before the first call.
func (r *resolver) keysOf(mod, local string) []Key {
	id := instID{mod: mod, local: local}
	if keys, ok := r.keyLists[id]; ok {
		return keys
	}
	var keys []Key
	for _, in := range r.insts[mod][local] {
		keys = append(keys, in.key)
	}
	r.keyLists[id] = keys
	return keys
}

// sameKeys is the package's sameKeys, remembered for the shared key lists
// that keysOf and modKeys hold, which are compared once per instance.
func (r *resolver) sameKeys(a, b []Key) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	id := keyPair{&a[0], &b[0], len(a), len(b)}
	if v, ok := r.same[id]; ok {
		return v
	}
	v := sameKeys(a, b)
	r.same[id] = v
	return v
}

// origin is where an expression is evaluated: a module instance, and the
// instance keys of the object holding the expression (count.index and
// each.key are this instance's key among keys).
type origin struct {
	mod  string
	cfg  *modCfg
	keys []Key
	key  Key
	who  string // the referring address, for messages
}

// originOf returns the origin of a resource instance's own arguments.
func (r *resolver) originOf(in *inst) (origin, *tfjson.ConfigResource) {
	mc, res := r.configFor(in)
	return origin{mod: in.mod, cfg: mc, keys: r.keysOf(in.mod, in.local), key: in.key, who: in.addr}, res
}

// referent is one thing a reference leads to: a resource instance (and the
// attribute path read from it), a constant value, or a reason it could not
// be followed.
type referent struct {
	inst      *inst
	attr      []string
	value     any
	isValue   bool
	sensitive bool
	reason    string
	// scope is, for a reference to a resource whose instance could not be
	// told, that resource in its module instance ("module.a|aws_lb.x"):
	// the only candidates the link may lead to.
	scope string
	via   string // the reference as written, for messages
	// loose marks a candidate: one of several outputs a reference to a
	// whole module instance may mean.
	loose bool
	// none marks a reference to a resource whose count or for_each made no
	// instances (concat(a[*].id, b[*].id)[0], try(a[0].id, b[0].id)): it
	// contributes nothing.
	none bool
	// whole is set when the reference named a resource with count or
	// for_each without a key: in Terraform that is the whole collection of
	// its instances (an output returning aws_lb_target_group.this), which
	// the path after it may index (module.alb.target_groups["app"].arn).
	whole *instID
}

const maxDepth = 32

// resolveExpr follows an expression to what it refers to. An expression
// without references is a constant (null when it has no constant value:
// Terraform writes none for null and for expressions it cannot fold, which
// for the arguments lbguard reads means null).
func (r *resolver) resolveExpr(o origin, e *tfjson.Expression, depth int) []referent {
	if e == nil || e.ExpressionData == nil {
		return nil
	}
	if len(e.References) == 0 {
		if e.ConstantValue == tfjson.UnknownConstantValue {
			return []referent{{reason: "the value is computed by an expression lbguard cannot evaluate"}}
		}
		return []referent{{isValue: true, value: e.ConstantValue}}
	}
	if depth > maxDepth {
		return []referent{{reason: "the chain of references is too deep"}}
	}
	mk := memoKey{mod: o.mod, key: o.key, expr: e}
	if ss, ok := r.memo[mk]; ok {
		return append([]referent(nil), ss...)
	}
	ss := r.resolveRefs(o, e.References, depth)
	r.memo[mk] = ss
	return append([]referent(nil), ss...)
}

func (r *resolver) resolveRefs(o origin, references []string, depth int) []referent {
	refs, context := r.parseRefs(references)
	if len(refs) == 0 {
		return []referent{{reason: "the value comes from " + strings.Join(context, ", ")}}
	}
	var out []referent
	for _, rf := range refs {
		out = append(out, r.resolveRef(o, rf, depth)...)
	}
	return out
}

func (r *resolver) resolveRef(o origin, rf ref, depth int) []referent {
	fail := func(format string, args ...any) []referent {
		return []referent{{reason: fmt.Sprintf(format, args...), via: rf.text}}
	}
	switch rf.kind {
	case refResource:
		cands := r.insts[o.mod][rf.local]
		label := qualify(o.mod, rf.local)
		if len(cands) == 0 {
			if r.noInstances(o, rf.local) {
				return []referent{{none: true, via: rf.text, reason: label + " has no instances"}}
			}
			return fail("%s is not in the plan", label)
		}
		var pick *inst
		scoped := func(ss []referent) []referent {
			ss[0].scope = scopeKey(o.mod, rf.local)
			return ss
		}
		switch {
		case rf.hasKey:
			pick = r.instance(o.mod, rf.local, rf.key)
			if pick == nil {
				return scoped(fail("%s%s is not in the plan", label, rf.key))
			}
		case len(cands) == 1:
			pick = cands[0]
		case r.sameKeys(o.keys, r.keysOf(o.mod, rf.local)):
			pick = r.instance(o.mod, rf.local, o.key)
		}
		var whole *instID
		if !rf.hasKey && cands[0].key.Kind != NoKey {
			whole = &instID{mod: o.mod, local: rf.local}
		}
		if pick == nil {
			ss := scoped(fail("%s has %d instances and the reference from %s does not say which one", label, len(cands), o.who))
			ss[0].whole = whole
			return ss
		}
		return []referent{{inst: pick, attr: rf.rest, via: rf.text, whole: whole}}

	case refVar:
		return r.withRest(r.resolveVar(o, rf, depth), rf)

	case refLocal:
		if r.evaluated != nil {
			if e, ok := r.evaluated.Local(o.mod, rf.name); ok {
				return r.withRest(r.resolveExpr(o, e, depth+1), rf)
			}
		}
		if r.locals != nil && o.cfg != nil {
			if e, ok := r.locals.Local(o.cfg.path, rf.name); ok {
				// A local is evaluated where it is declared, for the
				// instance that refers to it.
				return r.withRest(r.resolveExpr(o, e, depth+1), rf)
			}
			return fail("%s is not declared in the sources", qualify(o.mod, "local."+rf.name))
		}
		return fail("%s: the plan JSON does not record locals (give the sources with --source to follow them)", qualify(o.mod, "local."+rf.name))

	case refModule:
		return r.withRest(r.resolveOutput(o, rf, depth), rf)
	}
	return fail("%s cannot be followed", rf.text)
}

func (r *resolver) resolveVar(o origin, rf ref, depth int) []referent {
	if o.cfg == nil {
		return []referent{{reason: "no configuration for " + qualify(o.mod, "var."+rf.name), via: rf.text}}
	}
	decl := o.cfg.mod.Variables[rf.name]
	sensitive := decl != nil && decl.Sensitive
	mark := func(ss []referent) []referent {
		for i := range ss {
			ss[i].sensitive = ss[i].sensitive || sensitive
		}
		return ss
	}
	if o.mod == "" {
		if pv, ok := r.vars[rf.name]; ok && pv != nil {
			if pv.Value == tfjson.UnknownConstantValue {
				// Source mode: a variable nobody gave a value.
				return []referent{{reason: "var." + rf.name + " has no value here (give it with --var or a tfvars file)", via: rf.text}}
			}
			return mark([]referent{{isValue: true, value: pv.Value, via: rf.text}})
		}
		if decl != nil {
			return mark([]referent{{isValue: true, value: decl.Default, via: rf.text}})
		}
		return []referent{{reason: "var." + rf.name + " has no value in the plan", via: rf.text}}
	}
	steps, err := r.moduleSteps(o.mod)
	if err != nil || len(steps) == 0 {
		return []referent{{reason: "cannot find the module of " + o.who, via: rf.text}}
	}
	parent := renderModuleInstance(steps[:len(steps)-1])
	last := steps[len(steps)-1]
	pcfg := r.cfgs[configPath(steps[:len(steps)-1])]
	if pcfg == nil || pcfg.mod.ModuleCalls[last.name] == nil {
		return []referent{{reason: "no configuration for module call " + last.name, via: rf.text}}
	}
	arg := pcfg.mod.ModuleCalls[last.name].Expressions[rf.name]
	if r.evaluated != nil {
		if own, ok := r.evaluated.Arg(o.mod, rf.name); ok {
			arg = own
		}
	}
	if arg == nil {
		if decl != nil {
			return mark([]referent{{isValue: true, value: decl.Default, via: rf.text}})
		}
		return []referent{{isValue: true, value: nil, via: rf.text}}
	}
	po := origin{mod: parent, cfg: pcfg, keys: r.modKeys[parent][last.name], key: last.key, who: renderModuleInstance(steps)}
	return mark(r.resolveExpr(po, arg, depth+1))
}

func (r *resolver) resolveOutput(o origin, rf ref, depth int) []referent {
	fail := func(format string, args ...any) []referent {
		return []referent{{reason: fmt.Sprintf(format, args...), via: rf.text}}
	}
	if o.cfg == nil {
		return fail("no configuration for %s", qualify(o.mod, "module."+rf.name))
	}
	call := o.cfg.mod.ModuleCalls[rf.name]
	child := r.cfgs[joinPath(o.cfg.path, "module."+rf.name)]
	switch {
	case call == nil:
		return fail("the configuration of %s is not in the plan", qualify(o.mod, "module."+rf.name))
	case child == nil:
		return fail("module.%s comes from %q, which is not readable here (terraform init unpacks it into .terraform/modules): its outputs are unknown", rf.name, call.Source)
	}
	if rf.output == "" && len(child.mod.Outputs) == 0 {
		return fail("%s has no outputs", rf.text)
	}
	if rf.output != "" && child.mod.Outputs[rf.output] == nil {
		return fail("module.%s has no output %q", rf.name, rf.output)
	}
	keys := r.modKeys[o.mod][rf.name]
	var key Key
	switch {
	case rf.hasKey:
		key = rf.key
	case call.CountExpression == nil && call.ForEachExpression == nil:
	case len(keys) == 1:
		key = keys[0]
	case r.sameKeys(o.keys, keys):
		key = o.key
	default:
		return fail("module.%s has %d instances and the reference from %s does not say which one", rf.name, len(keys), o.who)
	}
	steps, _ := r.moduleSteps(o.mod)
	childMod := renderModuleInstance(append(steps, modStep{name: rf.name, key: key}))
	if rf.output != "" {
		return r.outputSources(childMod, child, rf.output, depth)
	}
	// module.m[each.key].arn: Terraform records only "module.m", so the
	// output is not known; every output is a candidate, and the caller keeps
	// those that lead to what it is looking for.
	names := make([]string, 0, len(child.mod.Outputs))
	for name := range child.mod.Outputs {
		names = append(names, name)
	}
	sort.Strings(names)
	var out []referent
	for _, name := range names {
		for _, s := range r.outputSources(childMod, child, name, depth) {
			s.loose = true
			out = append(out, s)
		}
	}
	return out
}

func (r *resolver) outputSources(childMod string, child *modCfg, name string, depth int) []referent {
	out := child.mod.Outputs[name]
	co := origin{mod: childMod, cfg: child, who: "output " + name + " of " + childMod}
	e := out.Expression
	if r.evaluated != nil {
		if own, ok := r.evaluated.Output(childMod, name); ok {
			e = own
		}
	}
	ss := r.resolveExpr(co, e, depth+1)
	if out.Sensitive {
		for i := range ss {
			ss[i].sensitive = true
		}
	}
	return ss
}

// withRest appends the reference's remaining attribute path to what its
// subject resolved to (var.lb.arn, module.m.out.id).
//
// A whole collection of instances indexed by one of their keys is that
// instance: the path's first step picks it.
func (r *resolver) withRest(ss []referent, rf ref) []referent {
	if len(rf.rest) == 0 {
		return ss
	}
	for i := range ss {
		if w := ss[i].whole; w != nil && len(ss[i].attr) == 0 {
			pick := r.instanceNamed(*w, rf.rest[0])
			if cands := r.insts[w.mod][w.local]; pick == nil && len(cands) == 1 {
				// A collection built from one instance (a for expression,
				// values(...)) holds only what that instance gives.
				pick = cands[0]
			}
			if pick != nil {
				ss[i] = referent{inst: pick, attr: append([]string(nil), rf.rest[1:]...), via: ss[i].via, sensitive: ss[i].sensitive}
			} else {
				ss[i] = referent{reason: fmt.Sprintf("%s is indexed by %q, which is not the key of one of its instances (a collection built from them by an expression lbguard does not evaluate)",
					qualify(w.mod, w.local), rf.rest[0]), scope: scopeKey(w.mod, w.local), via: ss[i].via}
			}
			continue
		}
		switch {
		case ss[i].inst != nil:
			ss[i].attr = append(append([]string(nil), ss[i].attr...), rf.rest...)
		case ss[i].isValue:
			v, ok := navigate(ss[i].value, rf.rest)
			if !ok {
				v = nil
			}
			ss[i].value = v
		}
	}
	return ss
}

// moduleSteps is parseModuleInstance, once per module instance: every
// instance of a module shares its path.
func (r *resolver) moduleSteps(mod string) ([]modStep, error) {
	if p, ok := r.steps[mod]; ok {
		return p.steps, p.err
	}
	steps, err := parseModuleInstance(mod)
	r.steps[mod] = parsedSteps{steps, err}
	return steps, err
}

type parsedSteps struct {
	steps []modStep
	err   error
}

// scopeKey names a resource in a module instance, for candidates.
func scopeKey(mod, local string) string { return mod + "|" + local }

func qualify(mod, local string) string {
	return joinPath(mod, local)
}

// sortInstances orders instances by key, so that iteration is stable.
func sortInstances(list []*inst) {
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i].key, list[j].key
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if a.Kind == CountKey {
			return a.Int < b.Int
		}
		return a.Str < b.Str
	})
}

// instanceNamed is the instance of a resource whose key is step (a
// for_each key, or a count index written as a number), or nil.
func (r *resolver) instanceNamed(id instID, step string) *inst {
	if pick := r.instance(id.mod, id.local, StrKey(step)); pick != nil {
		return pick
	}
	if n, err := strconv.Atoi(step); err == nil {
		return r.instance(id.mod, id.local, IntKey(n))
	}
	return nil
}

// noInstances reports whether a resource the configuration declares with
// count or for_each has, for certain, no instances in this module instance.
func (r *resolver) noInstances(o origin, local string) bool {
	if o.cfg == nil {
		return false
	}
	res := o.cfg.resources[local]
	if res == nil || (res.CountExpression == nil && res.ForEachExpression == nil) {
		return false
	}
	return !r.unknownCount[plan.ConfigAddress(qualify(o.mod, local))]
}
