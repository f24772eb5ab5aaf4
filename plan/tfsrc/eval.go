package tfsrc

import (
	"maps"
	"math/big"
	"slices"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/lbguard/lbguard/plan/link"
)

// sensitive marks values that come from sensitive variables and outputs.
const sensitive = "sensitive"

// iter is what count.*, each.* and dynamic-block iterators mean while an
// expression is evaluated.
type iter struct {
	count    *int
	eachKey  cty.Value
	eachVal  cty.Value
	hasEach  bool
	dynamics map[string]cty.Value
	// sources are, for each dynamic-block iterator, the references of the
	// for_each it iterates (outer iterators already replaced by theirs), so
	// that a nested block reading forward.value refers to what that holds.
	sources map[string][]hcl.Traversal
}

func (it iter) with(name string, v cty.Value) iter {
	d := make(map[string]cty.Value, len(it.dynamics)+1)
	for k, x := range it.dynamics {
		d[k] = x
	}
	d[name] = v
	it.dynamics = d
	return it
}

// evaluator holds what all module instances share.
type evaluator struct {
	root     *module
	rootVars map[string]cty.Value // values given for the root module's variables
	funcs    map[string]function.Function
	// instances counts the resource and module instances expanded, against
	// maxInstances: a count of a million in a module called a thousand
	// times must not hang a pre-commit hook.
	instances int
	// cycles counts the reference cycles met: a value computed while one
	// was met is not remembered, since it holds "unknown" for the cycle.
	cycles int
}

// maxInstances is how many resource and module instances source mode
// expands in all; beyond, a resource or module call is not analysed.
const maxInstances = 25000

// modInst is one instance of a module.
type modInst struct {
	ev      *evaluator
	m       *module
	addr    string // "module.a[0].module.b", "" for the root
	cfgPath string // "module.a.module.b"
	// inputs are the variables' values: given for the root, evaluated on
	// demand (input) for a child, so that an argument may read an output
	// of the module it is passed to, as Terraform allows where no value
	// depends on itself.
	inputs map[string]cty.Value
	// parent, parentIt and argExprs are where a child's arguments are
	// evaluated: the calling module instance, with the call's count or
	// each; nil for the root.
	parent    *modInst
	parentIt  iter
	argExprs  map[string]*hcl.Attribute
	inputBusy map[string]bool

	locals    map[string]cty.Value
	localBusy map[string]bool
	outputs   map[string]cty.Value
	outBusy   map[string]bool
	res       map[string]*resInsts
	calls     map[string]*callInsts
}

func (ev *evaluator) newInst(m *module, addr, cfgPath string, inputs map[string]cty.Value) *modInst {
	return &modInst{ev: ev, m: m, addr: addr, cfgPath: cfgPath, inputs: inputs, inputBusy: map[string]bool{},
		locals: map[string]cty.Value{}, localBusy: map[string]bool{},
		outputs: map[string]cty.Value{}, outBusy: map[string]bool{},
		res: map[string]*resInsts{}, calls: map[string]*callInsts{}}
}

// resInsts are the instances of one resource in a module instance.
type resInsts struct {
	r       *resource
	kind    link.KeyKind
	known   bool // whether count/for_each is known
	tooMany bool // known, but beyond maxInstances
	keys    []link.Key
	each    map[link.Key]cty.Value
	trees   map[link.Key]*tree
	busy    map[link.Key]bool
	// value is the resource as references see it, once computed: every
	// instance reads it, so computing it each time is quadratic.
	value *cty.Value
}

// callInsts are the instances of one module call in a module instance.
type callInsts struct {
	c       *call
	kind    link.KeyKind
	known   bool
	tooMany bool
	keys    []link.Key
	insts   map[link.Key]*modInst
}

// expand evaluates count or for_each into instance keys, within the
// budget of maxInstances (tooMany when it is spent).
func (mi *modInst) expand(countExpr, forEachExpr hcl.Expression) (kind link.KeyKind, known, tooMany bool, keys []link.Key, each map[link.Key]cty.Value) {
	kind, known, keys, each = mi.expandKeys(countExpr, forEachExpr)
	if known && mi.ev.instances+len(keys) > maxInstances {
		return kind, false, true, nil, nil
	}
	mi.ev.instances += len(keys)
	return kind, known, false, keys, each
}

func (mi *modInst) expandKeys(countExpr, forEachExpr hcl.Expression) (kind link.KeyKind, known bool, keys []link.Key, each map[link.Key]cty.Value) {
	switch {
	case countExpr != nil:
		v := mi.eval(countExpr, iter{})
		v, _ = v.UnmarkDeep()
		if !v.IsKnown() || v.IsNull() {
			return link.CountKey, false, nil, nil
		}
		v, err := convert.Convert(v, cty.Number)
		if err != nil {
			return link.CountKey, false, nil, nil
		}
		n, acc := v.AsBigFloat().Int64()
		if acc != big.Exact || n < 0 {
			return link.CountKey, false, nil, nil
		}
		if n > maxInstances {
			return link.CountKey, true, make([]link.Key, maxInstances+1), nil // over the budget: expand says so
		}
		for i := 0; i < int(n); i++ {
			keys = append(keys, link.IntKey(i))
		}
		return link.CountKey, true, keys, nil
	case forEachExpr != nil:
		v := mi.eval(forEachExpr, iter{})
		v, _ = v.UnmarkDeep()
		if !keysKnown(v) {
			return link.EachKey, false, nil, nil
		}
		each = map[link.Key]cty.Value{}
		t := v.Type()
		switch {
		case t.IsMapType() || t.IsObjectType():
			for it := v.ElementIterator(); it.Next(); {
				k, val := it.Element()
				kk := link.StrKey(k.AsString())
				keys = append(keys, kk)
				each[kk] = val
			}
		case t.IsSetType():
			for it := v.ElementIterator(); it.Next(); {
				_, val := it.Element()
				s, err := convert.Convert(val, cty.String)
				if err != nil || s.IsNull() {
					return link.EachKey, false, nil, nil
				}
				kk := link.StrKey(s.AsString())
				keys = append(keys, kk)
				each[kk] = val
			}
		default:
			return link.EachKey, false, nil, nil
		}
		sort.Slice(keys, func(i, j int) bool { return keys[i].Str < keys[j].Str })
		return link.EachKey, true, keys, each
	}
	return link.NoKey, true, []link.Key{{}}, nil
}

// keysKnown reports whether a for_each collection's keys are known, which
// is all Terraform needs to expand it: a known map or object whose values
// are partly unknown (IDs known after apply, the common case) has known
// keys; a set's elements are its keys, so all of them must be known.
func keysKnown(v cty.Value) bool {
	if !v.IsKnown() || v.IsNull() {
		return false
	}
	if v.Type().IsSetType() {
		return v.IsWhollyKnown()
	}
	return true
}

func (mi *modInst) resource(local string) *resInsts {
	if ri, ok := mi.res[local]; ok {
		return ri
	}
	var r *resource
	for _, x := range mi.m.resources {
		if x.local() == local {
			r = x
		}
	}
	if r == nil {
		return nil
	}
	ri := &resInsts{r: r, trees: map[link.Key]*tree{}, busy: map[link.Key]bool{}}
	mi.res[local] = ri
	ri.kind, ri.known, ri.tooMany, ri.keys, ri.each = mi.expand(r.count, r.forEach)
	return ri
}

// instTree evaluates one instance of a resource (memoised).
func (mi *modInst) instTree(ri *resInsts, k link.Key) *tree {
	if t, ok := ri.trees[k]; ok {
		return t
	}
	if ri.busy[k] {
		mi.ev.cycles++
		return nil // a reference cycle: Terraform would refuse it
	}
	ri.busy[k] = true
	defer delete(ri.busy, k)
	it := iter{}
	switch ri.kind {
	case link.CountKey:
		i := k.Int
		it.count = &i
	case link.EachKey:
		it.hasEach, it.eachKey, it.eachVal = true, cty.StringVal(k.Str), ri.each[k]
	}
	t := mi.evalBody(ri.r.body, ri.r.typ, nil, it, true)
	ri.trees[k] = t
	return t
}

// resourceValue is a resource as references see it: its instances'
// configured values, with every other attribute unknown. Data sources are
// read only by Terraform: their values are unknown here.
func (mi *modInst) resourceValue(local string) cty.Value {
	ri := mi.resource(local)
	if ri == nil || !ri.known || ri.r.data {
		return cty.DynamicVal
	}
	if ri.value != nil {
		return *ri.value
	}
	cycles := mi.ev.cycles
	v := mi.computeResourceValue(ri)
	if mi.ev.cycles == cycles {
		ri.value = &v
	}
	return v
}

func (mi *modInst) computeResourceValue(ri *resInsts) cty.Value {
	inst := func(k link.Key) cty.Value {
		t := mi.instTree(ri, k)
		if t == nil {
			return cty.DynamicVal
		}
		return t.objectWith(mi.m.attrNames)
	}
	switch ri.kind {
	case link.CountKey:
		vals := make([]cty.Value, 0, len(ri.keys))
		for _, k := range ri.keys {
			vals = append(vals, inst(k))
		}
		return cty.TupleVal(vals)
	case link.EachKey:
		vals := map[string]cty.Value{}
		for _, k := range ri.keys {
			vals[k.Str] = inst(k)
		}
		return cty.ObjectVal(vals)
	}
	return inst(link.Key{})
}

func (mi *modInst) callInstances(name string) *callInsts {
	if ci, ok := mi.calls[name]; ok {
		return ci
	}
	c := mi.m.calls[name]
	if c == nil {
		return nil
	}
	ci := &callInsts{c: c, insts: map[link.Key]*modInst{}}
	mi.calls[name] = ci
	var each map[link.Key]cty.Value
	ci.kind, ci.known, ci.tooMany, ci.keys, each = mi.expand(c.count, c.forEach)
	if c.child == nil || !ci.known {
		return ci
	}
	for _, k := range ci.keys {
		it := iter{}
		switch ci.kind {
		case link.CountKey:
			i := k.Int
			it.count = &i
		case link.EachKey:
			it.hasEach, it.eachKey, it.eachVal = true, cty.StringVal(k.Str), each[k]
		}
		addr := "module." + name + k.String()
		if mi.addr != "" {
			addr = mi.addr + "." + addr
		}
		cfg := "module." + name
		if mi.cfgPath != "" {
			cfg = mi.cfgPath + "." + cfg
		}
		child := mi.ev.newInst(c.child, addr, cfg, map[string]cty.Value{})
		child.parent, child.parentIt, child.argExprs = mi, it, c.args
		ci.insts[k] = child
	}
	return ci
}

// input is a variable's value in a module instance, evaluated in the
// calling instance the first time it is read. A variable whose argument
// reads it back (a true cycle, which Terraform refuses) is unknown.
func (mi *modInst) input(name string) cty.Value {
	if v, ok := mi.inputs[name]; ok {
		return v
	}
	v := mi.m.variables[name]
	if v == nil || mi.parent == nil || mi.inputBusy[name] {
		return cty.DynamicVal
	}
	mi.inputBusy[name] = true
	var val cty.Value
	if a, ok := mi.argExprs[name]; ok {
		val = mi.parent.eval(a.Expr, mi.parentIt)
	} else {
		val = v.defaultValue()
	}
	delete(mi.inputBusy, name)
	val = v.finish(val)
	mi.inputs[name] = val
	return val
}

// argTree is a module call's argument as the calling instance evaluated it,
// for the sources' per-instance configuration.
func (mi *modInst) argTree(name string) *treeAttr {
	a := mi.argExprs[name]
	return &treeAttr{expr: a.Expr, val: mi.parent.eval(a.Expr, mi.parentIt), live: mi.parent.liveRefs(a.Expr, mi.parentIt)}
}

// varsValue is var as an expression of the instance sees it: every
// declared variable, those in want evaluated (all when want is nil), the
// others unknown.
func (mi *modInst) varsValue(want map[string]bool) cty.Value {
	vals := map[string]cty.Value{}
	for name := range mi.m.variables {
		if want == nil || want[name] {
			vals[name] = mi.input(name)
		} else {
			vals[name] = cty.DynamicVal
		}
	}
	for name, v := range mi.inputs { // the root's given values
		if _, ok := vals[name]; !ok {
			vals[name] = v
		}
	}
	return cty.ObjectVal(vals)
}

// callValue is a module call as references see it: its outputs.
func (mi *modInst) callValue(name string, want map[string]bool) cty.Value {
	ci := mi.callInstances(name)
	if ci == nil || ci.c.child == nil || !ci.known {
		return cty.DynamicVal
	}
	switch ci.kind {
	case link.CountKey:
		vals := make([]cty.Value, 0, len(ci.keys))
		for _, k := range ci.keys {
			vals = append(vals, ci.insts[k].outputsValue(want))
		}
		return cty.TupleVal(vals)
	case link.EachKey:
		vals := map[string]cty.Value{}
		for _, k := range ci.keys {
			vals[k.Str] = ci.insts[k].outputsValue(want)
		}
		return cty.ObjectVal(vals)
	}
	return ci.insts[link.Key{}].outputsValue(want)
}

// outputsValue is the instance's outputs, those in want evaluated (all
// when want is nil), the others unknown: an output is evaluated only when
// read, so that two module calls may read each other's outputs.
func (mi *modInst) outputsValue(want map[string]bool) cty.Value {
	vals := map[string]cty.Value{}
	for name := range mi.m.outputs {
		if want == nil || want[name] {
			vals[name] = mi.output(name)
		} else {
			vals[name] = cty.DynamicVal
		}
	}
	return cty.ObjectVal(vals)
}

func (mi *modInst) output(name string) cty.Value {
	if v, ok := mi.outputs[name]; ok {
		return v
	}
	o := mi.m.outputs[name]
	if o == nil || o.expr == nil || mi.outBusy[name] {
		return cty.DynamicVal
	}
	mi.outBusy[name] = true
	v := mi.eval(o.expr, iter{})
	delete(mi.outBusy, name)
	if o.sensitive {
		v = v.Mark(sensitive)
	}
	mi.outputs[name] = v
	return v
}

func (mi *modInst) local(name string) cty.Value {
	if v, ok := mi.locals[name]; ok {
		return v
	}
	l := mi.m.locals[name]
	if l == nil || mi.localBusy[name] {
		return cty.DynamicVal
	}
	mi.localBusy[name] = true
	v := mi.eval(l.expr, iter{})
	delete(mi.localBusy, name)
	mi.locals[name] = v
	return v
}

// defaultValue is a variable's default, or null.
func (v *variable) defaultValue() cty.Value {
	if v.def == nil {
		return cty.NullVal(cty.DynamicPseudoType)
	}
	val, diags := v.def.Value(nil)
	if diags.HasErrors() {
		return cty.DynamicVal
	}
	return val
}

// finish converts a value to the variable's type, applies its optional
// attributes' defaults and marks it sensitive when declared so.
func (v *variable) finish(val cty.Value) cty.Value {
	if v.defaults != nil && val.IsWhollyKnown() && !val.IsNull() {
		val = v.defaults.Apply(val)
	}
	if v.typ != cty.DynamicPseudoType {
		if c, err := convert.Convert(val, v.typ); err == nil {
			val = c
		} else {
			val = cty.UnknownVal(v.typ)
		}
	}
	if v.sensitive {
		val = val.Mark(sensitive)
	}
	return val
}

// eval evaluates an expression in the module instance. What cannot be
// evaluated (an unknown function, a value known only after apply, a
// data source) is unknown, never an error.
func (mi *modInst) eval(e hcl.Expression, it iter) cty.Value {
	if e == nil {
		return cty.NullVal(cty.DynamicPseudoType)
	}
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{}, Functions: mi.ev.funcs}
	locals := map[string]cty.Value{}
	modules := map[string]cty.Value{}
	data := map[string]map[string]cty.Value{}
	resources := map[string]map[string]cty.Value{}
	// The variables and module outputs the expression reads: only those
	// are evaluated (nil: all, for a reference to the whole of them).
	wantVars := map[string]bool{}
	wantOuts := map[string]map[string]bool{}
	allVars := false
	for _, tr := range e.Variables() {
		switch tr.RootName() {
		case "var":
			if n := attrName(tr, 1); n != "" {
				wantVars[n] = true
			} else {
				allVars = true
			}
		case "module":
			n := attrName(tr, 1)
			if n == "" {
				continue
			}
			out := attrName(tr, 2)
			if out == "" && len(tr) > 3 {
				if _, ok := tr[2].(hcl.TraverseIndex); ok {
					out = attrName(tr, 3)
				}
			}
			if w, seen := wantOuts[n]; out == "" || (seen && w == nil) {
				wantOuts[n] = nil
			} else {
				if w == nil {
					w = map[string]bool{}
					wantOuts[n] = w
				}
				w[out] = true
			}
		}
	}
	if allVars {
		wantVars = nil
	}
	for _, tr := range e.Variables() {
		root := tr.RootName()
		if v, ok := it.dynamics[root]; ok {
			ctx.Variables[root] = v
			continue
		}
		second := attrName(tr, 1)
		switch root {
		case "var":
			if _, done := ctx.Variables["var"]; !done {
				ctx.Variables["var"] = mi.varsValue(wantVars)
			}
		case "local":
			if second != "" {
				locals[second] = mi.local(second)
			}
		case "module":
			if _, done := modules[second]; second != "" && !done {
				modules[second] = mi.callValue(second, wantOuts[second])
			}
		case "data":
			third := attrName(tr, 2)
			if second != "" && third != "" {
				if data[second] == nil {
					data[second] = map[string]cty.Value{}
				}
				data[second][third] = cty.DynamicVal
			}
		case "count":
			if it.count != nil {
				ctx.Variables["count"] = cty.ObjectVal(map[string]cty.Value{"index": cty.NumberIntVal(int64(*it.count))})
			}
		case "each":
			if it.hasEach {
				ctx.Variables["each"] = cty.ObjectVal(map[string]cty.Value{"key": it.eachKey, "value": it.eachVal})
			}
		case "path":
			ctx.Variables["path"] = cty.ObjectVal(map[string]cty.Value{
				"module": cty.StringVal(mi.m.dir), "root": cty.StringVal(mi.ev.root.dir), "cwd": cty.StringVal(mi.ev.root.dir)})
		case "terraform":
			ctx.Variables["terraform"] = cty.ObjectVal(map[string]cty.Value{"workspace": cty.StringVal("default")})
		case "self":
		default:
			if second != "" {
				if resources[root] == nil {
					resources[root] = map[string]cty.Value{}
				}
				resources[root][second] = mi.resourceValue(root + "." + second)
			}
		}
	}
	if len(locals) > 0 {
		ctx.Variables["local"] = cty.ObjectVal(locals)
	}
	if len(modules) > 0 {
		ctx.Variables["module"] = cty.ObjectVal(modules)
	}
	if len(data) > 0 {
		d := map[string]cty.Value{}
		for typ, names := range data {
			d[typ] = cty.ObjectVal(names)
		}
		ctx.Variables["data"] = cty.ObjectVal(d)
	}
	for typ, names := range resources {
		if _, taken := ctx.Variables[typ]; !taken {
			ctx.Variables[typ] = cty.ObjectVal(names)
		}
	}
	v, diags := e.Value(ctx)
	if diags.HasErrors() {
		return cty.DynamicVal
	}
	return v
}

func attrName(tr hcl.Traversal, i int) string {
	if i >= len(tr) {
		return ""
	}
	if a, ok := tr[i].(hcl.TraverseAttr); ok {
		return a.Name
	}
	return ""
}

// tree is an evaluated block body: each argument's expression, value and
// range, and its nested blocks (dynamic ones expanded).
type tree struct {
	attrs      map[string]*treeAttr
	blocks     map[string]*treeBlocks
	blockOrder []string
	rng        hcl.Range // the block's definition
}

type treeAttr struct {
	expr hcl.Expression
	val  cty.Value
	rng  hcl.Range
	live live
	// inside a dynamic block: iterator names whose references are not
	// resources, and the for_each references that stand for them
	iterators map[string]bool
	extra     []hcl.Traversal
}

type treeBlocks struct {
	items   []*tree
	unknown bool // a dynamic block over values known only after apply
	rng     hcl.Range
}

// skipBlocks are meta blocks of resources.
var skipBlocks = map[string]bool{"lifecycle": true, "provisioner": true, "connection": true}

// evalBody evaluates a block body into a tree. path is the nested block
// path from the resource, for .tf.json schemas.
func (mi *modInst) evalBody(body hcl.Body, resType string, path []string, it iter, top bool) *tree {
	t := &tree{attrs: map[string]*treeAttr{}, blocks: map[string]*treeBlocks{}}
	addBlock := func(typ string, item *tree, rng hcl.Range) {
		tb := t.blocks[typ]
		if tb == nil {
			tb = &treeBlocks{rng: rng}
			t.blocks[typ] = tb
			t.blockOrder = append(t.blockOrder, typ)
		}
		tb.items = append(tb.items, item)
	}
	inDynamic := func(a *treeAttr) *treeAttr {
		for name := range it.dynamics {
			if a.iterators == nil {
				a.iterators = map[string]bool{}
			}
			a.iterators[name] = true
		}
		return a
	}
	sb, native := body.(*hclsyntax.Body)
	if !native {
		attrs, blocks := jsonContent(body, resType, path)
		for name, a := range attrs {
			if top && metaArgs[name] {
				continue
			}
			t.attrs[name] = inDynamic(&treeAttr{expr: a.Expr, val: mi.eval(a.Expr, it), rng: a.NameRange})
		}
		for _, blk := range blocks {
			if top && skipBlocks[blk.Type] {
				continue
			}
			child := mi.evalBody(blk.Body, resType, append(path, blk.Type), it, false)
			child.rng = blk.DefRange
			addBlock(blk.Type, child, blk.DefRange)
		}
		return t
	}
	for name, a := range sb.Attributes {
		if top && metaArgs[name] {
			continue
		}
		ta := &treeAttr{expr: a.Expr, val: mi.eval(a.Expr, it), rng: a.NameRange}
		ta.live = mi.liveRefs(a.Expr, it)
		t.attrs[name] = inDynamic(ta)
	}
	for _, blk := range sb.Blocks {
		switch {
		case top && skipBlocks[blk.Type]:
		case blk.Type == "dynamic" && len(blk.Labels) == 1:
			mi.expandDynamic(t, blk, resType, path, it, addBlock)
		default:
			child := mi.evalBody(blk.Body, resType, append(path, blk.Type), it, false)
			child.rng = blk.DefRange()
			addBlock(blk.Type, child, blk.DefRange())
		}
	}
	return t
}

// expandDynamic expands a dynamic block over its known for_each; over an
// unknown one the block list is unknown.
func (mi *modInst) expandDynamic(t *tree, blk *hclsyntax.Block, resType string, path []string, it iter, add func(string, *tree, hcl.Range)) {
	typ := blk.Labels[0]
	var forEach hcl.Expression
	iterator := typ
	if a, ok := blk.Body.Attributes["for_each"]; ok {
		forEach = a.Expr
	}
	if a, ok := blk.Body.Attributes["iterator"]; ok {
		if tr, diags := hcl.AbsTraversalForExpr(a.Expr); !diags.HasErrors() && len(tr) == 1 {
			iterator = tr.RootName()
		}
	}
	var content *hclsyntax.Block
	for _, b := range blk.Body.Blocks {
		if b.Type == "content" {
			content = b
		}
	}
	if forEach == nil || content == nil {
		return
	}
	v := mi.eval(forEach, it)
	unmarked, marks := v.UnmarkDeep()
	if !keysKnown(unmarked) || !unmarked.CanIterateElements() {
		tb := t.blocks[typ]
		if tb == nil {
			tb = &treeBlocks{rng: blk.DefRange()}
			t.blocks[typ] = tb
			t.blockOrder = append(t.blockOrder, typ)
		}
		tb.unknown = true
		return
	}
	// The for_each's references, with an outer iterator's (forward.value
	// inside dynamic "forward") replaced by what that iterator iterates.
	var refs []hcl.Traversal
	for _, tr := range forEach.Variables() {
		if outer, ok := it.sources[tr.RootName()]; ok {
			refs = append(refs, outer...)
			continue
		}
		refs = append(refs, tr)
	}
	for el := unmarked.ElementIterator(); el.Next(); {
		k, val := el.Element()
		if len(marks) > 0 {
			val = val.WithMarks(marks)
		}
		inner := it.with(iterator, cty.ObjectVal(map[string]cty.Value{"key": k, "value": val}))
		inner.sources = maps.Clone(it.sources)
		if inner.sources == nil {
			inner.sources = map[string][]hcl.Traversal{}
		}
		inner.sources[iterator] = refs
		child := mi.evalBody(content.Body, resType, append(path, typ), inner, false)
		for _, a := range child.attrs {
			a.extra = append(a.extra, refs...)
		}
		child.rng = blk.DefRange()
		add(typ, child, blk.DefRange())
	}
}

// object is the tree's value: its arguments and nested blocks.
func (t *tree) object() cty.Value {
	return t.objectWith(nil)
}

// objectWith is the tree's value with every name of extra it does not set
// unknown: how a resource looks to a reference before apply.
func (t *tree) objectWith(extra map[string]bool) cty.Value {
	vals := map[string]cty.Value{}
	for name := range extra {
		vals[name] = cty.DynamicVal
	}
	for name, a := range t.attrs {
		vals[name] = a.val
	}
	for typ, tb := range t.blocks {
		if tb.unknown {
			vals[typ] = cty.DynamicVal
			continue
		}
		items := make([]cty.Value, 0, len(tb.items))
		for _, item := range tb.items {
			items = append(items, item.object())
		}
		vals[typ] = cty.TupleVal(items)
	}
	return cty.ObjectVal(vals)
}

// live is what the evaluation knows of an expression's references that a
// plan's configuration cannot say.
type live struct {
	// keyed are references whose index the evaluation could compute
	// (aws_lb_target_group.main[lookup(var.x, "tg", count.index)] is
	// aws_lb_target_group.main[1]), rendered with that key
	keyed []string
	// drop counts the uses of references that do not count: those keyed
	// stands for, and those in the condition and the branch not taken of
	// a conditional whose condition is known
	drop map[string]int
	// undecided: a conditional whose condition is known only after apply
	// chooses between references; which one is not known
	undecided bool
}

// liveRefs narrows an expression's references with what the evaluation
// knows. A reference to a resource, data source or module call whose
// index is computed gets that index (the plain reference, and those the
// index was computed from, are dropped). A conditional whose condition is
// known keeps only the references of the branch taken: var.create ?
// [aws_security_group.this[0].id] : [] refers to the group only when
// var.create is true; one whose condition is not known leaves the
// expression undecided, rather than meaning both branches.
func (mi *modInst) liveRefs(e hcl.Expression, it iter) live {
	se, ok := e.(hclsyntax.Expression)
	if !ok {
		return live{}
	}
	var l live
	dropAll := func(x hclsyntax.Expression) {
		if l.drop == nil {
			l.drop = map[string]int{}
		}
		for _, v := range x.Variables() {
			l.drop[renderTraversal(v)]++
		}
	}
	w := &liveWalker{}
	w.enter = func(n hclsyntax.Node) {
		switch x := n.(type) {
		case *hclsyntax.ConditionalExpr:
			c, _ := mi.eval(x.Condition, it).UnmarkDeep()
			if !c.IsKnown() || c.IsNull() || c.Type() != cty.Bool {
				l.undecided = l.undecided || refersToResources(x.TrueResult, it) || refersToResources(x.FalseResult, it)
				return
			}
			untaken := x.FalseResult
			if c.False() {
				untaken = x.TrueResult
			}
			dropAll(x.Condition)
			dropAll(untaken)
			w.skip = append(w.skip, x.Condition, untaken)
		case *hclsyntax.IndexExpr:
			if r, ok := mi.keyedRef(x, it); ok {
				l.keyed = append(l.keyed, r)
				dropAll(x.Collection)
				dropAll(x.Key)
			}
		}
	}
	_ = hclsyntax.Walk(se, w)
	return l
}

// refersToResources reports whether an expression refers to a resource,
// a data source or a module call.
func refersToResources(e hclsyntax.Expression, it iter) bool {
	for _, v := range e.Variables() {
		if len(v) > 1 && referenceable(v.RootName(), it) {
			return true
		}
	}
	return false
}

// liveWalker walks an expression, passing over the subtrees in skip.
// (A list, not a map: some nodes, like hclsyntax.ChildScope, cannot be
// map keys; the expressions in skip are pointers, safe to compare.)
type liveWalker struct {
	enter func(hclsyntax.Node)
	skip  []hclsyntax.Node
	depth int // > 0 inside a skipped subtree
}

func (w *liveWalker) Enter(n hclsyntax.Node) hcl.Diagnostics {
	if w.depth > 0 || slices.Contains(w.skip, n) {
		w.depth++
		return nil
	}
	w.enter(n)
	return nil
}

func (w *liveWalker) Exit(n hclsyntax.Node) hcl.Diagnostics {
	if w.depth > 0 {
		w.depth--
	}
	return nil
}

// keyedRef renders collection[key] with its key evaluated, when the
// collection is a resource, data source or module call and the key a
// known string or whole number.
func (mi *modInst) keyedRef(x *hclsyntax.IndexExpr, it iter) (string, bool) {
	st, ok := x.Collection.(*hclsyntax.ScopeTraversalExpr)
	if !ok || len(st.Traversal) < 2 || !referenceable(st.Traversal.RootName(), it) {
		return "", false
	}
	k, _ := mi.eval(x.Key, it).UnmarkDeep()
	if !k.IsKnown() || k.IsNull() {
		return "", false
	}
	switch k.Type() {
	case cty.String:
	case cty.Number:
		bf := k.AsBigFloat()
		if !bf.IsInt() {
			return "", false
		}
		i, _ := bf.Int64()
		k = cty.NumberIntVal(i)
	default:
		return "", false
	}
	tr := append(append(hcl.Traversal{}, st.Traversal...), hcl.TraverseIndex{Key: k})
	return renderTraversal(tr), true
}

// referenceable reports whether a reference's root names a resource, a
// data source or a module call: what has instances to pick from.
func referenceable(root string, it iter) bool {
	switch root {
	case "var", "local", "count", "each", "path", "terraform", "self":
		return false
	}
	_, iterator := it.dynamics[root]
	return !iterator
}
