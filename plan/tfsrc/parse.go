// Package tfsrc reads a Terraform root module's .tf (and .tf.json) files
// with hcl/v2, evaluates what can be known statically with go-cty, and
// builds the same graph the plan loader builds. It also gives plan mode
// what plan JSON lacks: source locations, locals, suppression comments.
package tfsrc

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/lbguard/lbguard/internal/diag"
)

// module is one parsed module directory.
type module struct {
	dir       string // absolute
	rel       string // relative to the root directory, for locations
	cfgPath   string // "" for the root, "module.a.module.b"
	files     []*srcFile
	variables map[string]*variable
	locals    map[string]*local
	outputs   map[string]*output
	resources []*resource
	calls     map[string]*call
	// attrNames are every attribute name used after a reference anywhere
	// in the module: a resource's value gets them, unknown when they are
	// not configured, so that any reference to a computed attribute
	// evaluates to "known after apply" instead of failing.
	attrNames map[string]bool
	// blocks are the resource, data, module, output and variable blocks
	// read so far, by kind and labels ("resource.aws_lb.web"): override
	// files merge into them, and a second one of a kind is an error.
	blocks map[string]*hcl.Block
}

type srcFile struct {
	path   string // relative to the root directory
	src    []byte
	file   *hcl.File
	native bool
	// override marks override.tf and *_override.tf, which Terraform
	// merges into the blocks of the other files.
	override bool
}

type variable struct {
	name      string
	def       hcl.Expression
	typ       cty.Type
	defaults  *typeexpr.Defaults
	sensitive bool
	rng       hcl.Range
}

type local struct {
	name string
	expr hcl.Expression
	rng  hcl.Range
}

type output struct {
	expr      hcl.Expression
	sensitive bool
}

type resource struct {
	data      bool
	typ, name string
	body      hcl.Body
	count     hcl.Expression
	forEach   hcl.Expression
	rng       hcl.Range // the whole block
	defRange  hcl.Range
	file      *srcFile
}

func (r *resource) local() string {
	if r.data {
		return "data." + r.typ + "." + r.name
	}
	return r.typ + "." + r.name
}

type call struct {
	name     string
	source   string
	args     map[string]*hcl.Attribute
	count    hcl.Expression
	forEach  hcl.Expression
	child    *module // nil when the source is not readable here
	reason   string  // why child is nil
	rng      hcl.Range
	defRange hcl.Range
	file     *srcFile
}

// Diagnostics are problems found in the sources, each with its place.
type Diagnostics struct {
	Diags hcl.Diagnostics
	dir   string // the directory as given: file names are relative to it
}

func (d *Diagnostics) Error() string { return strings.Join(d.Lines(), "\n") }

// Lines returns one line per problem: "dir/file:line:col: summary: detail".
func (d *Diagnostics) Lines() []string { return diag.Lines(d.Diags, d.dir) }

// parser reads modules, following local module sources.
type parser struct {
	p       *hclparse.Parser
	root    string // absolute root directory
	diags   hcl.Diagnostics
	modDirs map[string]string // "a.b" module key -> directory, from .terraform/modules/modules.json
	seen    map[string]*module
	depth   int
	loading map[string]bool // directories of the modules being read, a call inside another
}

func newParser(root string) *parser {
	ps := &parser{p: hclparse.NewParser(), root: root, seen: map[string]*module{}, loading: map[string]bool{}}
	ps.modDirs = readModulesJSON(root)
	return ps
}

// readModulesJSON reads where terraform init unpacked registry and git
// modules: .terraform/modules/modules.json, {"Modules":[{"Key","Source","Dir"}]}.
func readModulesJSON(root string) map[string]string {
	b, err := os.ReadFile(filepath.Join(root, ".terraform", "modules", "modules.json"))
	if err != nil {
		return nil
	}
	var doc struct {
		Modules []struct{ Key, Source, Dir string }
	}
	if json.Unmarshal(b, &doc) != nil {
		return nil
	}
	out := map[string]string{}
	for _, m := range doc.Modules {
		if m.Key != "" && m.Dir != "" {
			out[m.Key] = filepath.Join(root, m.Dir)
		}
	}
	return out
}

// sourceFiles lists the configuration files of a directory, as Terraform
// does: *.tf and *.tf.json, overrides last.
func sourceFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var normal, overrides []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "#") || strings.HasSuffix(name, "~") {
			continue
		}
		if !strings.HasSuffix(name, ".tf") && !strings.HasSuffix(name, ".tf.json") {
			continue
		}
		if isOverride(name) {
			overrides = append(overrides, name)
		} else {
			normal = append(normal, name)
		}
	}
	sort.Strings(normal)
	sort.Strings(overrides)
	return append(normal, overrides...), nil
}

// HasSources reports whether a directory holds .tf or .tf.json files.
func HasSources(dir string) bool {
	files, err := sourceFiles(dir)
	return err == nil && len(files) > 0
}

var topSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
	{Type: "terraform"},
	{Type: "provider", LabelNames: []string{"name"}},
	{Type: "variable", LabelNames: []string{"name"}},
	{Type: "locals"},
	{Type: "output", LabelNames: []string{"name"}},
	{Type: "module", LabelNames: []string{"name"}},
	{Type: "resource", LabelNames: []string{"type", "name"}},
	{Type: "data", LabelNames: []string{"type", "name"}},
	{Type: "moved"},
	{Type: "import"},
	{Type: "removed"},
	{Type: "check", LabelNames: []string{"name"}},
	{Type: "ephemeral", LabelNames: []string{"type", "name"}},
}}

// MaxSourceBytes is the largest .tf, .tf.json or .tfvars file lbguard reads.
const MaxSourceBytes = 64 << 20

// readRegular reads a source file, refusing what is not a regular file (a
// FIFO, a device, a link to one: reading those may never end) and files
// beyond MaxSourceBytes.
func readRegular(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return nil, pe.Err
		}
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file (%s): lbguard reads only regular files", describeMode(st.Mode()))
	}
	if st.Size() > MaxSourceBytes {
		return nil, fmt.Errorf("%d MB: larger than the %d MB lbguard reads of one source file", st.Size()>>20, MaxSourceBytes>>20)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxSourceBytes+1))
	if err == nil && len(b) > MaxSourceBytes {
		return nil, fmt.Errorf("larger than the %d MB lbguard reads of one source file", MaxSourceBytes>>20)
	}
	return b, err
}

func describeMode(m os.FileMode) string {
	switch {
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeDevice != 0, m&os.ModeCharDevice != 0:
		return "a device"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m.IsDir():
		return "a directory"
	}
	return m.Type().String()
}

// realPath resolves symbolic links, so that a module reached through a
// link to one of its parents is recognised as a cycle.
func realPath(dir string) string {
	if r, err := filepath.EvalSymlinks(dir); err == nil {
		return r
	}
	return dir
}

// module parses the module in dir; modKey names it in modules.json
// ("a.b") and cfgPath in the configuration ("module.a.module.b").
func (ps *parser) module(dir, modKey, cfgPath string) *module {
	abs, _ := filepath.Abs(dir)
	if m, ok := ps.seen[cfgPath]; ok {
		return m
	}
	rel, err := filepath.Rel(ps.root, abs)
	if err != nil {
		rel = abs
	}
	m := &module{dir: abs, rel: filepath.ToSlash(rel), cfgPath: cfgPath, variables: map[string]*variable{}, locals: map[string]*local{},
		outputs: map[string]*output{}, calls: map[string]*call{}, attrNames: map[string]bool{}, blocks: map[string]*hcl.Block{}}
	ps.seen[cfgPath] = m
	real := realPath(abs)
	ps.loading[real] = true
	defer delete(ps.loading, real)
	names, err := sourceFiles(abs)
	if err != nil {
		ps.diags = append(ps.diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cannot read module directory", Detail: err.Error(),
			Subject: &hcl.Range{Filename: m.rel}})
		return m
	}
	for _, name := range names {
		path := filepath.Join(abs, name)
		src, err := readRegular(path)
		if err != nil {
			ps.diags = append(ps.diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cannot read file", Detail: err.Error(),
				Subject: &hcl.Range{Filename: filepath.ToSlash(filepath.Join(m.rel, name))}})
			continue
		}
		relPath := filepath.ToSlash(filepath.Join(m.rel, name))
		var f *hcl.File
		var diags hcl.Diagnostics
		native := !strings.HasSuffix(name, ".json")
		if native {
			f, diags = hclsyntax.ParseConfig(src, relPath, hcl.InitialPos)
		} else {
			f, diags = ps.p.ParseJSON(src, relPath)
		}
		ps.diags = append(ps.diags, diags...)
		if f == nil || diags.HasErrors() {
			continue
		}
		sf := &srcFile{path: relPath, src: src, file: f, native: native, override: isOverride(name)}
		m.files = append(m.files, sf)
		ps.readFile(m, sf, modKey)
	}
	return m
}

// isOverride reports whether a file is an override file, which Terraform
// merges into the others: override.tf, *_override.tf (and .tf.json).
func isOverride(name string) bool {
	base := strings.TrimSuffix(strings.TrimSuffix(name, ".json"), ".tf")
	return base == "override" || strings.HasSuffix(base, "_override")
}

// blockKey names a block for merging and duplicate checks; "" for blocks
// that are neither.
func blockKey(blk *hcl.Block) string {
	switch blk.Type {
	case "resource", "data", "module", "output", "variable":
		return blk.Type + "." + strings.Join(blk.Labels, ".")
	}
	return ""
}

// describeBlock names a block as Terraform's messages do.
func describeBlock(blk *hcl.Block) string {
	switch blk.Type {
	case "resource", "data":
		return fmt.Sprintf("%s %q %q", blk.Type, blk.Labels[0], blk.Labels[1])
	}
	return fmt.Sprintf("%s %q", blk.Type, blk.Labels[0])
}

// place renders a range as file:line for messages.
func place(r hcl.Range) string {
	return fmt.Sprintf("%s:%d", r.Filename, r.Start.Line)
}

// admit checks a block against those read before: a second block of one
// kind and name is an error, as in Terraform (else the last would win and
// could hide a finding); a block of an override file is merged into the
// block it overrides. It returns the block to read, or nil.
func (ps *parser) admit(m *module, f *srcFile, blk *hcl.Block) *hcl.Block {
	key := blockKey(blk)
	if key == "" {
		return blk
	}
	base, seen := m.blocks[key]
	switch {
	case !f.override && seen:
		rng := blk.DefRange
		ps.diags = append(ps.diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Duplicate " + blk.Type + " block",
			Detail:  fmt.Sprintf("%s is declared twice, at %s and at %s: Terraform refuses the configuration", describeBlock(blk), place(base.DefRange), place(blk.DefRange)),
			Subject: &rng})
		return nil
	case !f.override:
		m.blocks[key] = blk
		return blk
	case !seen:
		rng := blk.DefRange
		ps.diags = append(ps.diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Missing base " + blk.Type + " for override",
			Detail:  fmt.Sprintf("%s in override file %s overrides nothing: there is no such block in the module's other files", describeBlock(blk), f.path),
			Subject: &rng})
		return nil
	}
	merged, ok := mergeBlock(base, blk)
	if !ok {
		rng := blk.DefRange
		ps.diags = append(ps.diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Override not supported",
			Detail:  fmt.Sprintf("%s: lbguard merges override files written in HCL syntax only, not .tf.json", describeBlock(blk)),
			Subject: &rng})
		return nil
	}
	m.blocks[key] = merged
	return merged
}

// mergeBlock merges an override block into its base as Terraform does: an
// argument of the override replaces the base's, and the nested blocks of a
// type the override writes (plainly or as dynamic blocks) replace all the
// base's blocks of that type. ok is false unless both are native syntax.
func mergeBlock(base, over *hcl.Block) (*hcl.Block, bool) {
	bb, ok1 := base.Body.(*hclsyntax.Body)
	ob, ok2 := over.Body.(*hclsyntax.Body)
	if !ok1 || !ok2 {
		return nil, false
	}
	attrs := hclsyntax.Attributes{}
	for name, a := range bb.Attributes {
		attrs[name] = a
	}
	for name, a := range ob.Attributes {
		attrs[name] = a
	}
	blockType := func(b *hclsyntax.Block) string {
		if b.Type == "dynamic" && len(b.Labels) == 1 {
			return b.Labels[0]
		}
		return b.Type
	}
	replaced := map[string]bool{}
	for _, b := range ob.Blocks {
		replaced[blockType(b)] = true
	}
	var blocks hclsyntax.Blocks
	for _, b := range bb.Blocks {
		if !replaced[blockType(b)] {
			blocks = append(blocks, b)
		}
	}
	blocks = append(blocks, ob.Blocks...)
	body := &hclsyntax.Body{Attributes: attrs, Blocks: blocks, SrcRange: bb.SrcRange, EndRange: bb.EndRange}
	return &hcl.Block{Type: base.Type, Labels: base.Labels, Body: body, DefRange: base.DefRange, TypeRange: base.TypeRange, LabelRanges: base.LabelRanges}, true
}

func (ps *parser) readFile(m *module, f *srcFile, modKey string) {
	content, diags := f.file.Body.Content(topSchema)
	ps.diags = append(ps.diags, diags...)
	for _, blk := range content.Blocks {
		if blk = ps.admit(m, f, blk); blk == nil {
			continue
		}
		switch blk.Type {
		case "variable":
			ps.readVariable(m, blk)
		case "locals":
			attrs, diags := blk.Body.JustAttributes()
			ps.diags = append(ps.diags, diags...)
			for name, a := range attrs {
				m.locals[name] = &local{name: name, expr: a.Expr, rng: a.Range}
				collectAttrNames(a.Expr, m.attrNames)
			}
		case "output":
			ps.readOutput(m, blk)
		case "module":
			ps.readCall(m, f, blk, modKey)
		case "resource", "data":
			ps.readResource(m, f, blk)
		}
	}
}

func (ps *parser) readVariable(m *module, blk *hcl.Block) {
	content, _, diags := blk.Body.PartialContent(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{
		{Name: "default"}, {Name: "type"}, {Name: "sensitive"}, {Name: "nullable"}, {Name: "description"}, {Name: "ephemeral"},
	}})
	ps.diags = append(ps.diags, diags...)
	v := &variable{name: blk.Labels[0], typ: cty.DynamicPseudoType, rng: blk.DefRange}
	if a, ok := content.Attributes["default"]; ok {
		v.def = a.Expr
	}
	if a, ok := content.Attributes["type"]; ok {
		if t, defs, diags := typeexpr.TypeConstraintWithDefaults(a.Expr); !diags.HasErrors() {
			v.typ, v.defaults = t, defs
		}
	}
	if a, ok := content.Attributes["sensitive"]; ok {
		if val, diags := a.Expr.Value(nil); !diags.HasErrors() && val.Type() == cty.Bool && val.IsKnown() && !val.IsNull() {
			v.sensitive = val.True()
		}
	}
	m.variables[v.name] = v
}

func (ps *parser) readOutput(m *module, blk *hcl.Block) {
	content, _, diags := blk.Body.PartialContent(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{
		{Name: "value"}, {Name: "sensitive"}, {Name: "description"}, {Name: "depends_on"}, {Name: "ephemeral"},
	}})
	ps.diags = append(ps.diags, diags...)
	o := &output{}
	if a, ok := content.Attributes["value"]; ok {
		o.expr = a.Expr
		collectAttrNames(a.Expr, m.attrNames)
	}
	if a, ok := content.Attributes["sensitive"]; ok {
		if val, diags := a.Expr.Value(nil); !diags.HasErrors() && val.Type() == cty.Bool && val.IsKnown() && !val.IsNull() {
			o.sensitive = val.True()
		}
	}
	m.outputs[blk.Labels[0]] = o
}

// metaArgs are module and resource arguments that are not the block's own.
var metaArgs = map[string]bool{"source": true, "version": true, "count": true, "for_each": true, "providers": true, "depends_on": true, "provider": true}

func (ps *parser) readCall(m *module, f *srcFile, blk *hcl.Block, modKey string) {
	attrs, diags := blk.Body.JustAttributes()
	ps.diags = append(ps.diags, diags...)
	c := &call{name: blk.Labels[0], args: map[string]*hcl.Attribute{}, rng: blockRange(blk), defRange: blk.DefRange, file: f}
	for name, a := range attrs {
		switch name {
		case "source":
			if v, diags := a.Expr.Value(nil); !diags.HasErrors() && v.Type() == cty.String && v.IsKnown() && !v.IsNull() {
				c.source = v.AsString()
			}
		case "count":
			c.count = a.Expr
		case "for_each":
			c.forEach = a.Expr
		}
		if !metaArgs[name] {
			c.args[name] = a
		}
		collectAttrNames(a.Expr, m.attrNames)
	}
	m.calls[c.name] = c
	key := c.name
	if modKey != "" {
		key = modKey + "." + c.name
	}
	childPath := "module." + c.name
	if m.cfgPath != "" {
		childPath = m.cfgPath + "." + childPath
	}
	switch {
	case strings.HasPrefix(c.source, "./") || strings.HasPrefix(c.source, "../"):
		if dir := filepath.Join(m.dir, filepath.FromSlash(c.source)); ps.loading[realPath(dir)] {
			// Terraform cannot init such a configuration: say so, as it
			// would, rather than unfold it.
			rng := c.defRange
			if a := attrs["source"]; a != nil {
				rng = a.Expr.Range()
			}
			ps.diags = append(ps.diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Module cycle",
				Detail:  fmt.Sprintf("module %q calls %q, a module that contains this call: Terraform cannot load a module that includes itself", c.name, c.source),
				Subject: &rng})
			return
		}
		if ps.depth > 32 {
			rng := c.defRange
			ps.diags = append(ps.diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Modules nested too deeply",
				Detail: fmt.Sprintf("module %q is nested more than 32 modules deep: lbguard reads no deeper", c.name), Subject: &rng})
			return
		}
		dir := filepath.Join(m.dir, filepath.FromSlash(c.source))
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			rng := c.defRange
			if a := attrs["source"]; a != nil {
				rng = a.Expr.Range()
			}
			ps.diags = append(ps.diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unreadable module directory",
				Detail: fmt.Sprintf("module %q calls %q, which is not a directory here", c.name, c.source), Subject: &rng})
			return
		}
		ps.depth++
		c.child = ps.module(dir, key, childPath)
		ps.depth--
	case ps.modDirs[key] != "":
		ps.depth++
		c.child = ps.module(ps.modDirs[key], key, childPath)
		ps.depth--
	default:
		c.reason = fmt.Sprintf("its source %q is not unpacked here (terraform init puts registry and git modules in .terraform/modules), so lbguard cannot read what it declares", c.source)
	}
}

func (ps *parser) readResource(m *module, f *srcFile, blk *hcl.Block) {
	r := &resource{data: blk.Type == "data", typ: blk.Labels[0], name: blk.Labels[1], body: blk.Body,
		rng: blockRange(blk), defRange: blk.DefRange, file: f}
	content, _, diags := blk.Body.PartialContent(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "count"}, {Name: "for_each"}}})
	ps.diags = append(ps.diags, diags...)
	if a, ok := content.Attributes["count"]; ok {
		r.count = a.Expr
	}
	if a, ok := content.Attributes["for_each"]; ok {
		r.forEach = a.Expr
	}
	if sb, ok := blk.Body.(*hclsyntax.Body); ok {
		_ = hclsyntax.VisitAll(sb, func(n hclsyntax.Node) hcl.Diagnostics {
			if e, ok := n.(hclsyntax.Expression); ok {
				collectAttrNames(e, m.attrNames)
			}
			return nil
		})
	} else if attrs, diags := blk.Body.JustAttributes(); !diags.HasErrors() {
		for _, a := range attrs {
			collectAttrNames(a.Expr, m.attrNames)
		}
	}
	for i, old := range m.resources {
		if old.local() == r.local() { // an override merged into it
			r.file, r.rng = old.file, old.rng
			m.resources[i] = r
			return
		}
	}
	m.resources = append(m.resources, r)
}

// blockRange is the whole range of a block, braces included.
func blockRange(blk *hcl.Block) hcl.Range {
	if sb, ok := blk.Body.(*hclsyntax.Body); ok {
		return hcl.RangeBetween(blk.DefRange, sb.SrcRange)
	}
	return blk.DefRange
}

// collectAttrNames notes the attribute names an expression reads after a
// reference (aws_lb.web.arn, aws_subnet.a[*].id, s.id in a for).
func collectAttrNames(e hcl.Expression, into map[string]bool) {
	for _, tr := range e.Variables() {
		for _, step := range tr[1:] {
			if a, ok := step.(hcl.TraverseAttr); ok {
				into[a.Name] = true
			}
		}
	}
	se, ok := e.(hclsyntax.Expression)
	if !ok {
		return
	}
	_ = hclsyntax.VisitAll(se, func(n hclsyntax.Node) hcl.Diagnostics {
		switch x := n.(type) {
		case *hclsyntax.RelativeTraversalExpr:
			for _, step := range x.Traversal {
				if a, ok := step.(hcl.TraverseAttr); ok {
					into[a.Name] = true
				}
			}
		case *hclsyntax.ScopeTraversalExpr:
			for _, step := range x.Traversal[1:] {
				if a, ok := step.(hcl.TraverseAttr); ok {
					into[a.Name] = true
				}
			}
		}
		return nil
	})
}
