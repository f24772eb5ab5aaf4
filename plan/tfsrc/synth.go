package tfsrc

import (
	"fmt"
	"maps"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/zclconf/go-cty/cty"

	"github.com/lbguard/lbguard/plan"
	"github.com/lbguard/lbguard/plan/link"
)

// attrBlocks are blocks that Terraform 1.1 and later show in a plan's
// configuration as one attribute ("attributes as blocks").
var attrBlocks = map[string]map[string]bool{
	"aws_security_group":         {"ingress": true, "egress": true},
	"aws_default_security_group": {"ingress": true, "egress": true},
}

// synth turns evaluated module instances into the parts a plan would give:
// resource changes with planned values (what the configuration sets is
// known, everything computed is known only after apply) and the
// configuration with each argument's references.
type synth struct {
	parts   *link.Input
	configs map[string]*tfjson.ConfigModule
	locs    map[string]*resLoc
	skipped []plan.Skipped
	inst    *perInstance
}

func (s *synth) moduleInst(mi *modInst) *tfjson.ConfigModule {
	cfg := s.configs[mi.cfgPath]
	first := cfg == nil
	if first {
		cfg = &tfjson.ConfigModule{ModuleCalls: map[string]*tfjson.ModuleCall{}, Outputs: map[string]*tfjson.ConfigOutput{}, Variables: map[string]*tfjson.ConfigVariable{}}
		s.configs[mi.cfgPath] = cfg
	}
	s.inst.module(mi)
	for _, r := range mi.m.resources {
		ri := mi.resource(r.local())
		var sample *tree
		var insts []instTree
		if ri.known {
			for _, k := range ri.keys {
				t := mi.instTree(ri, k)
				if t == nil {
					continue
				}
				if sample == nil {
					sample = t
				}
				s.change(mi, r, k, t)
				insts = append(insts, instTree{joinAddr(mi.addr, r.local()+k.String()), t})
			}
		} else if link.Modelled(r.typ) && !r.data {
			what := "count"
			if r.forEach != nil {
				what = "for_each"
			}
			reason := what + " is unknown here (it reads a value known only after apply, or a variable given no value): lbguard cannot tell which instances exist"
			fix := "check the plan instead (terraform show -json PLANFILE), where every instance is listed, or give the values " + what + " needs with --var"
			if ri.tooMany {
				reason = fmt.Sprintf("%s makes more instances than lbguard expands in source mode (%d in all)", what, maxInstances)
				fix = "check the plan instead (terraform show -json PLANFILE), which lists every instance"
			}
			s.skipped = append(s.skipped, plan.Skipped{Address: joinAddr(mi.addr, r.local()), Reason: reason, Fix: fix, Unread: true})
		}
		s.instanceConfigs(insts, attrBlocks[r.typ])
		if !first {
			continue
		}
		var exprs map[string]*tfjson.Expression
		if sample == nil {
			sample = mi.evalBody(r.body, r.typ, nil, iter{}, true)
			exprs = configExprs(sample, attrBlocks[r.typ])
		} else {
			exprs = s.inst.configs[insts[0].addr] // the first instance's, made above
		}
		cr := &tfjson.ConfigResource{Address: r.local(), Mode: tfjson.ManagedResourceMode, Type: r.typ, Name: r.name,
			Expressions: exprs}
		if r.data {
			cr.Mode = tfjson.DataResourceMode
		}
		if r.count != nil {
			cr.CountExpression = exprOf(&treeAttr{expr: r.count, val: mi.eval(r.count, iter{})})
		}
		if r.forEach != nil {
			cr.ForEachExpression = exprOf(&treeAttr{expr: r.forEach, val: mi.eval(r.forEach, iter{})})
		}
		cfg.Resources = append(cfg.Resources, cr)
		s.locations(mi.m, r, sample)
	}
	names := make([]string, 0, len(mi.m.calls))
	for name := range mi.m.calls {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		ci := mi.callInstances(name)
		s.unreadCall(mi, ci)
		var child *tfjson.ConfigModule
		for _, k := range ci.keys {
			if inst := ci.insts[k]; inst != nil {
				if c := s.moduleInst(inst); child == nil {
					child = c
				}
			}
		}
		if !first {
			continue
		}
		mc := &tfjson.ModuleCall{Source: ci.c.source, Expressions: map[string]*tfjson.Expression{}, Module: child}
		if child == nil && ci.c.child != nil {
			mc.Module = s.staticConfig(ci.c.child)
		}
		for argName, a := range ci.c.args {
			mc.Expressions[argName] = exprOf(&treeAttr{expr: a.Expr, val: cty.DynamicVal})
		}
		if ci.c.count != nil {
			mc.CountExpression = exprOf(&treeAttr{expr: ci.c.count, val: cty.DynamicVal})
		}
		if ci.c.forEach != nil {
			mc.ForEachExpression = exprOf(&treeAttr{expr: ci.c.forEach, val: cty.DynamicVal})
		}
		cfg.ModuleCalls[name] = mc
	}
	if first {
		for name, o := range mi.m.outputs {
			cfg.Outputs[name] = &tfjson.ConfigOutput{Sensitive: o.sensitive, Expression: exprOf(&treeAttr{expr: o.expr, val: cty.DynamicVal})}
		}
		for name, v := range mi.m.variables {
			def, _, _ := planValue(v.defaultValue())
			cfg.Variables[name] = &tfjson.ConfigVariable{Default: def, Sensitive: v.sensitive}
		}
	}
	return cfg
}

// instanceConfigs records each instance's own configuration: the
// resource's is made from its first instance, while an index computed
// from count.index or each.key, a conditional or a dynamic block can make
// another instance's arguments refer elsewhere.
func (s *synth) instanceConfigs(insts []instTree, asAttr map[string]bool) {
	for _, in := range insts {
		s.inst.configs[in.addr] = configExprs(in.t, asAttr)
	}
}

// perInstance is what the sources evaluated per instance, for
// link.Evaluated: each resource instance's own configuration, and each
// module instance's locals, outputs and the arguments its call passed.
type perInstance struct {
	configs               map[string]map[string]*tfjson.Expression // resource instance -> argument
	locals, args, outputs map[string]map[string]*tfjson.Expression // module instance -> name
}

func newPerInstance() *perInstance {
	return &perInstance{configs: map[string]map[string]*tfjson.Expression{}, locals: map[string]map[string]*tfjson.Expression{},
		args: map[string]map[string]*tfjson.Expression{}, outputs: map[string]map[string]*tfjson.Expression{}}
}

// module records a module instance's locals, outputs and arguments, with
// the references their evaluation narrowed.
func (p *perInstance) module(mi *modInst) {
	locals := map[string]*tfjson.Expression{}
	for name, l := range mi.m.locals {
		locals[name] = exprOf(&treeAttr{expr: l.expr, val: mi.local(name), live: mi.liveRefs(l.expr, iter{})})
	}
	p.locals[mi.addr] = locals
	outputs := map[string]*tfjson.Expression{}
	for name, o := range mi.m.outputs {
		outputs[name] = exprOf(&treeAttr{expr: o.expr, val: mi.output(name), live: mi.liveRefs(o.expr, iter{})})
	}
	p.outputs[mi.addr] = outputs
	if mi.parent != nil {
		args := map[string]*tfjson.Expression{}
		for name := range mi.argExprs {
			if mi.m.variables[name] != nil {
				args[name] = exprOf(mi.argTree(name))
			}
		}
		p.args[mi.addr] = args
	}
}

// instTree is one evaluated resource instance.
type instTree struct {
	addr string
	t    *tree
}

// staticConfig is the configuration of a module that has no instance
// (count = 0, or count known only after apply): its outputs and
// variables, for references that name it.
func (s *synth) staticConfig(m *module) *tfjson.ConfigModule {
	cfg := &tfjson.ConfigModule{ModuleCalls: map[string]*tfjson.ModuleCall{}, Outputs: map[string]*tfjson.ConfigOutput{}, Variables: map[string]*tfjson.ConfigVariable{}}
	for name, o := range m.outputs {
		cfg.Outputs[name] = &tfjson.ConfigOutput{Sensitive: o.sensitive, Expression: exprOf(&treeAttr{expr: o.expr, val: cty.DynamicVal})}
	}
	for name, v := range m.variables {
		cfg.Variables[name] = &tfjson.ConfigVariable{Sensitive: v.sensitive}
	}
	return cfg
}

// change records one resource instance as a plan would show it.
func (s *synth) change(mi *modInst, r *resource, k link.Key, t *tree) {
	rc := &tfjson.ResourceChange{
		Address:       joinAddr(mi.addr, r.local()+k.String()),
		ModuleAddress: mi.addr,
		Mode:          tfjson.ManagedResourceMode,
		Type:          r.typ,
		Name:          r.name,
		Index:         k.Index(),
		ProviderName:  "registry.terraform.io/hashicorp/aws",
		Change:        &tfjson.Change{Actions: tfjson.Actions{tfjson.ActionCreate}},
	}
	if r.data {
		// Data sources are read by Terraform, from AWS: unknown here.
		rc.Mode = tfjson.DataResourceMode
		rc.Change.Actions = tfjson.Actions{tfjson.ActionRead}
		rc.Change.After, rc.Change.AfterUnknown = map[string]any{}, true
	} else {
		rc.Change.After, rc.Change.AfterUnknown, rc.Change.AfterSensitive = planValue(t.object())
	}
	if link.Modelled(r.typ) {
		s.parts.Changes = append(s.parts.Changes, rc)
	} else {
		s.parts.Others = append(s.parts.Others, link.OtherOf(rc))
	}
}

func joinAddr(mod, local string) string {
	if mod == "" {
		return local
	}
	return mod + "." + local
}

// configExprs renders a tree's arguments as a plan's configuration does.
func configExprs(t *tree, asAttr map[string]bool) map[string]*tfjson.Expression {
	out := map[string]*tfjson.Expression{}
	for name, a := range t.attrs {
		out[name] = exprOf(a)
	}
	for _, typ := range t.blockOrder {
		tb := t.blocks[typ]
		if tb.unknown && !asAttr[typ] {
			continue // like a dynamic block in a plan: not shown
		}
		if asAttr[typ] {
			var refs []string
			for _, item := range tb.items {
				refs = append(refs, treeRefs(item)...)
			}
			ed := &tfjson.ExpressionData{References: uniqueStrings(refs)}
			if len(ed.References) > 0 || tb.unknown {
				// A dynamic block over unknown values: rules are configured,
				// which ones is known only after apply.
				ed.ConstantValue = tfjson.UnknownConstantValue
			}
			out[typ] = &tfjson.Expression{ExpressionData: ed}
			continue
		}
		ed := &tfjson.ExpressionData{}
		for _, item := range tb.items {
			ed.NestedBlocks = append(ed.NestedBlocks, configExprs(item, nil))
		}
		out[typ] = &tfjson.Expression{ExpressionData: ed}
	}
	return out
}

func treeRefs(t *tree) []string {
	var out []string
	for _, a := range t.attrs {
		out = append(out, attrRefs(a)...)
	}
	for _, tb := range t.blocks {
		for _, item := range tb.items {
			out = append(out, treeRefs(item)...)
		}
	}
	return out
}

// exprOf renders one argument: its references, or its constant value.
func exprOf(a *treeAttr) *tfjson.Expression {
	ed := &tfjson.ExpressionData{}
	if a.expr != nil && !a.live.undecided {
		ed.References = attrRefs(a)
	}
	if len(ed.References) > 0 || a.live.undecided {
		ed.ConstantValue = tfjson.UnknownConstantValue
	} else if a.val.IsWhollyKnown() {
		ed.ConstantValue, _, _ = planValue(a.val)
	}
	return &tfjson.Expression{ExpressionData: ed}
}

// attrRefs renders an argument's references as Terraform does, leaving
// out dynamic-block iterators (their for_each's references stand in).
func attrRefs(a *treeAttr) []string {
	var out []string
	drop := maps.Clone(a.live.drop)
	for _, tr := range a.expr.Variables() {
		if a.iterators[tr.RootName()] {
			continue
		}
		r := renderTraversal(tr)
		if drop[r] > 0 {
			drop[r]--
			continue
		}
		out = append(out, r)
	}
	for _, tr := range a.extra {
		out = append(out, renderTraversal(tr))
	}
	out = append(out, a.live.keyed...)
	return uniqueStrings(out)
}

func renderTraversal(tr hcl.Traversal) string {
	var b strings.Builder
	b.WriteString(tr.RootName())
	for _, step := range tr[1:] {
		switch x := step.(type) {
		case hcl.TraverseAttr:
			b.WriteString("." + x.Name)
		case hcl.TraverseIndex:
			switch {
			case !x.Key.IsKnown() || x.Key.IsNull():
				return b.String()
			case x.Key.Type() == cty.String:
				b.WriteString("[" + strconv.Quote(x.Key.AsString()) + "]")
			case x.Key.Type() == cty.Number:
				b.WriteString("[" + x.Key.AsBigFloat().Text('f', -1) + "]")
			default:
				return b.String()
			}
		default:
			return b.String()
		}
	}
	return b.String()
}

func uniqueStrings(list []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// unreadCall records a module call whose instances lbguard cannot read,
// so that nothing inside it passes unsaid: a module that terraform init has
// not unpacked (it may hold anything), or one whose count or for_each is
// unknown or beyond the budget when it holds a resource lbguard models.
func (s *synth) unreadCall(mi *modInst, ci *callInsts) {
	c := ci.c
	addr := joinAddr(mi.addr, "module."+c.name)
	if c.child == nil {
		s.skipped = append(s.skipped, plan.Skipped{Address: addr, Reason: c.reason,
			Fix: "run terraform init (or terraform get) in the configuration's directory to let lbguard read " + addr, Unread: true})
		return
	}
	types, anything := modelledTypes(c.child, map[*module]bool{}, map[string]bool{})
	if len(types) == 0 && !anything {
		return
	}
	if anything {
		types = nil
	}
	switch {
	case !ci.known:
		what := "count"
		if c.forEach != nil {
			what = "for_each"
		}
		s.skipped = append(s.skipped, plan.Skipped{Address: addr,
			Reason: what + " is unknown here (it reads a value known only after apply, or a variable given no value): lbguard cannot tell which instances of the module exist",
			Fix:    "check the plan instead (terraform show -json PLANFILE), where every instance is listed, or give the values " + what + " needs with --var",
			Unread: true, Types: types})
	case ci.tooMany:
		s.skipped = append(s.skipped, plan.Skipped{Address: addr,
			Reason: fmt.Sprintf("the module's instances are more than lbguard expands in source mode (%d in all)", maxInstances),
			Fix:    "check the plan instead (terraform show -json PLANFILE), which lists every instance", Unread: true, Types: types})
	}
}

// modelledTypes lists the types lbguard models of the managed resources m
// and the modules it calls declare, sorted; anything is true when one of
// those modules cannot be read.
func modelledTypes(m *module, seen map[*module]bool, types map[string]bool) (list []string, anything bool) {
	if !seen[m] {
		seen[m] = true
		for _, r := range m.resources {
			if !r.data && link.Modelled(r.typ) {
				types[r.typ] = true
			}
		}
		for _, c := range m.calls {
			if c.child == nil {
				anything = true
			} else if _, unreadable := modelledTypes(c.child, seen, types); unreadable {
				anything = true
			}
		}
	}
	for t := range types {
		list = append(list, t)
	}
	sort.Strings(list)
	return list, anything
}
