package tfsrc

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/lbguard/lbguard/plan"
	"github.com/lbguard/lbguard/plan/link"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// Options are the inputs of a root module that are not in its files.
type Options struct {
	VarFiles []string // -var-file, in order
	Vars     []string // -var NAME=VALUE, in order
	// Getenv reads TF_VAR_name variables; nil reads none.
	Getenv func(string) string
	// StrictReferences makes a reference to something the module does not
	// declare an error, as terraform validate makes it, for a directory the
	// user named; sources picked up beside a plan are read leniently.
	StrictReferences bool
	// PlanVariables are the root variables of the plan the sources are
	// read beside: they win over defaults and tfvars, so that the sources
	// are evaluated as Terraform evaluated them for that plan.
	PlanVariables map[string]*tfjson.PlanVariable
}

// Sources is a read and evaluated root module.
type Sources struct {
	// Dir is the directory read, as given.
	Dir          string
	Suppressions []plan.Suppression
	parts        *link.Input
	skipped      []plan.Skipped
	locs         map[string]*resLoc
	locals       map[string]map[string]*tfjson.Expression
	inst         *perInstance
}

// Load reads the root module in dir and the local modules it calls, and
// evaluates them. Syntax errors are *Diagnostics.
func Load(dir string, opts Options) (*Sources, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(abs); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("%s: not a directory", dir)
	}
	if !HasSources(abs) {
		return nil, fmt.Errorf("%s: is a directory without .tf or .tf.json files: give a plan JSON file, or a directory of Terraform sources", dir)
	}
	ps := newParser(abs)
	root := ps.module(abs, "", "")
	if opts.StrictReferences && !ps.diags.HasErrors() {
		for _, m := range ps.seen {
			ps.diags = append(ps.diags, checkReferences(m)...)
		}
	}
	if ps.diags.HasErrors() {
		return nil, &Diagnostics{Diags: errorsOnly(ps.diags), dir: dir}
	}
	vars, diags := rootVariables(root, abs, opts)
	for name, pv := range opts.PlanVariables {
		if v := root.variables[name]; v != nil && pv != nil {
			if val, ok := planVariableValue(pv.Value, v.typ); ok {
				vars[name] = val
			}
		}
	}
	// A value given for a root variable must fit its declared type, as
	// Terraform requires: else it would quietly become "known after apply".
	for name, val := range vars {
		v := root.variables[name]
		if v == nil || v.typ == cty.DynamicPseudoType || !val.IsWhollyKnown() {
			continue
		}
		if _, err := convert.Convert(val, v.typ); err != nil {
			rng := v.rng
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid value for input variable",
				Detail: fmt.Sprintf("the value given for variable %q does not fit its type %s: %v", name, v.typ.FriendlyName(), err), Subject: &rng})
		}
	}
	if diags.HasErrors() {
		return nil, &Diagnostics{Diags: errorsOnly(diags), dir: dir}
	}
	ev := &evaluator{root: root, rootVars: vars, funcs: functions()}
	inputs := map[string]cty.Value{}
	for name, v := range root.variables {
		val, ok := vars[name]
		if !ok {
			val = v.defaultValue()
			if v.def == nil {
				val = cty.DynamicVal // a required variable nobody set
			}
		}
		inputs[name] = v.finish(val)
	}
	rootInst := ev.newInst(root, "", "", inputs)

	s := &Sources{Dir: dir, locs: map[string]*resLoc{}, locals: map[string]map[string]*tfjson.Expression{}}
	sy := &synth{parts: &link.Input{Variables: map[string]*tfjson.PlanVariable{}}, configs: map[string]*tfjson.ConfigModule{}, locs: s.locs,
		inst: newPerInstance()}
	rootCfg := sy.moduleInst(rootInst)
	sy.parts.Config = &tfjson.Config{RootModule: rootCfg}
	for name, val := range inputs {
		pv, unk, _ := planValue(val)
		if unk != nil {
			pv = tfjson.UnknownConstantValue
		}
		sy.parts.Variables[name] = &tfjson.PlanVariable{Value: pv}
	}
	for _, sk := range sy.skipped {
		// Resources and module calls whose instances could not be told: a
		// reference finding none of them is unknown, not empty.
		sy.parts.Unexpanded = append(sy.parts.Unexpanded, sk.Address)
	}
	s.parts, s.skipped = sy.parts, sy.skipped
	s.inst = sy.inst
	for _, m := range ps.seen {
		s.Suppressions = append(s.Suppressions, suppressions(m)...)
		s.locals[m.cfgPath] = localExprs(m)
	}
	sort.SliceStable(s.Suppressions, func(i, j int) bool {
		a, b := s.Suppressions[i].Location, s.Suppressions[j].Location
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	return s, nil
}

func errorsOnly(diags hcl.Diagnostics) hcl.Diagnostics {
	var out hcl.Diagnostics
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			out = append(out, d)
		}
	}
	return out
}

// localExprs renders a module's locals for plan/tfplan's LocalSource.
func localExprs(m *module) map[string]*tfjson.Expression {
	out := map[string]*tfjson.Expression{}
	for name, l := range m.locals {
		a := &treeAttr{expr: l.expr, val: cty.DynamicVal}
		if len(l.expr.Variables()) == 0 {
			if v, diags := l.expr.Value(&hcl.EvalContext{Functions: functions()}); !diags.HasErrors() {
				a.val = v
			}
		}
		out[name] = exprOf(a)
	}
	return out
}

// HasDynamic implements link.LocalSource: whether the resource at a
// configuration address writes a block type as a dynamic block.
func (s *Sources) HasDynamic(configAddress, block string) bool {
	rl := s.locs[configAddress]
	return rl != nil && rl.dynamic[block]
}

// Local implements link.LocalSource: a local's expression as written,
// whose references a plan's values resolve.
func (s *Sources) Local(modulePath, name string) (*tfjson.Expression, bool) {
	e, ok := s.locals[modulePath][name]
	return e, ok
}

// evaluated implements link.Evaluated for the sources' own parts.
type evaluated struct{ *Sources }

func (s evaluated) Config(addr string) (map[string]*tfjson.Expression, bool) {
	e, ok := s.inst.configs[addr]
	return e, ok
}

func (s evaluated) Local(moduleInstance, name string) (*tfjson.Expression, bool) {
	e, ok := s.inst.locals[moduleInstance][name]
	return e, ok
}

func (s evaluated) Arg(moduleInstance, name string) (*tfjson.Expression, bool) {
	e, ok := s.inst.args[moduleInstance][name]
	return e, ok
}

func (s evaluated) Output(moduleInstance, name string) (*tfjson.Expression, bool) {
	e, ok := s.inst.outputs[moduleInstance][name]
	return e, ok
}

// Graph builds the graph of the sources themselves (source mode), with
// locations and suppression comments.
func (s *Sources) Graph() (*plan.Graph, error) {
	g, err := link.Build(s.parts, link.Options{Locals: s, Evaluated: evaluated{s}, Kind: "source", Path: s.Dir})
	if err != nil {
		return nil, err
	}
	g.NotAnalysed = append(g.NotAnalysed, s.skipped...)
	s.Attach(g)
	return g, nil
}

// Attach gives a graph's nodes their locations in the sources and the
// graph the sources' suppression comments. It returns how many nodes were
// found in the sources: none means the sources are not the plan's.
func (s *Sources) Attach(g *plan.Graph) int {
	found := 0
	for _, n := range g.Nodes() {
		rl := s.locs[plan.ConfigAddress(n.Addr())]
		if rl == nil {
			continue
		}
		found++
		r := n.Res()
		loc := rl.block
		r.Location = &loc
		r.AttrLocations = rl.attrs
	}
	g.Suppressions = append(g.Suppressions, s.Suppressions...)
	if g.Blocks == nil {
		g.Blocks = map[string]plan.Location{}
	}
	for addr, rl := range s.locs {
		g.Blocks[addr] = rl.block
	}
	return found
}

// Declares reports whether these are the sources of a plan: they declare
// every resource of the plan's root module (those of child modules may
// come from modules that are not readable here), and the plan has some.
func (s *Sources) Declares(in *link.Input) bool {
	any := false
	for _, a := range in.LiveAddresses() {
		_, declared := s.locs[a]
		if strings.HasPrefix(a, "module.") {
			any = any || declared
			continue
		}
		if !declared {
			return false
		}
		any = true
	}
	return any
}

// rootVariables gathers the values given for the root module's
// variables, in Terraform's order of precedence: TF_VAR_ environment
// variables, terraform.tfvars(.json), *.auto.tfvars(.json) in lexical
// order, then -var-file and -var in the order given.
func rootVariables(root *module, dir string, opts Options) (map[string]cty.Value, hcl.Diagnostics) {
	vals := map[string]cty.Value{}
	var diags hcl.Diagnostics
	if opts.Getenv != nil {
		for name := range root.variables {
			if raw := opts.Getenv("TF_VAR_" + name); raw != "" {
				vals[name] = rawValue(raw)
			}
		}
	}
	var files []string
	for _, name := range []string{"terraform.tfvars", "terraform.tfvars.json"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			files = append(files, name)
		}
	}
	auto, _ := filepath.Glob(filepath.Join(dir, "*.auto.tfvars"))
	autoJSON, _ := filepath.Glob(filepath.Join(dir, "*.auto.tfvars.json"))
	auto = append(auto, autoJSON...)
	sort.Strings(auto)
	for _, a := range auto {
		files = append(files, filepath.Base(a))
	}
	// Files of the directory are named relative to it, as the sources are;
	// --var-file paths are made absolute, so that messages never join them
	// to the directory.
	for _, vf := range opts.VarFiles {
		if abs, err := filepath.Abs(vf); err == nil {
			vf = abs
		}
		files = append(files, vf)
	}
	p := hclparse.NewParser()
	for _, name := range files {
		path := name
		if !filepath.IsAbs(path) {
			path = filepath.Join(dir, name)
		}
		src, err := readRegular(path)
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cannot read variables file", Detail: err.Error(),
				Subject: &hcl.Range{Filename: name}})
			continue
		}
		var f *hcl.File
		var d hcl.Diagnostics
		if strings.HasSuffix(name, ".json") {
			f, d = p.ParseJSON(src, name)
		} else {
			f, d = p.ParseHCL(src, name)
		}
		diags = append(diags, d...)
		if f == nil || d.HasErrors() {
			continue
		}
		attrs, d := f.Body.JustAttributes()
		diags = append(diags, d...)
		for name, a := range attrs {
			v, d := a.Expr.Value(nil)
			diags = append(diags, d...)
			vals[name] = v
		}
	}
	for _, kv := range opts.Vars {
		name, raw, ok := strings.Cut(kv, "=")
		if !ok || name == "" {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid --var", Detail: fmt.Sprintf("%q is not NAME=VALUE", kv)})
			continue
		}
		vals[name] = rawValue(raw)
	}
	return vals, diags
}

// rawValue reads a -var or TF_VAR_ value: an HCL expression (a number, a
// list, an object) if it parses as a constant one, else the string itself.
func rawValue(raw string) cty.Value {
	expr, diags := hclsyntax.ParseExpression([]byte(raw), "", hcl.InitialPos)
	if !diags.HasErrors() && len(expr.Variables()) == 0 {
		if v, diags := expr.Value(nil); !diags.HasErrors() {
			return v
		}
	}
	return cty.StringVal(raw)
}

// planVariableValue is a plan's variable value as a value of the declared
// type (or the type its JSON implies).
func planVariableValue(value any, typ cty.Type) (cty.Value, bool) {
	b, err := json.Marshal(value)
	if err != nil {
		return cty.NilVal, false
	}
	if typ == cty.DynamicPseudoType {
		if typ, err = ctyjson.ImpliedType(b); err != nil {
			return cty.NilVal, false
		}
	}
	v, err := ctyjson.Unmarshal(b, typ)
	if err != nil {
		return cty.NilVal, false
	}
	return v, true
}

// Evaluated is what the sources evaluated for each resource and module
// instance, for linking a plan the sources declare (link.Options.Evaluated):
// references with their keys and conditionals resolved.
func (s *Sources) Evaluated() link.Evaluated { return evaluated{s} }
