package tfsrc

import (
	"fmt"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// builtinRoots are the names a reference may start with besides resource
// types: what Terraform itself defines.
var builtinRoots = map[string]bool{
	"var": true, "local": true, "module": true, "data": true, "count": true, "each": true,
	"self": true, "path": true, "terraform": true, "ephemeral": true,
}

// checkReferences reports, as Terraform does when it validates, the
// references of a module's native-syntax files to a variable, local,
// resource, data source, module call or module output that is not
// declared. Without the check such a reference would silently read as
// "known after apply".
func checkReferences(m *module) hcl.Diagnostics {
	var diags hcl.Diagnostics
	declared := map[string]bool{}
	for _, r := range m.resources {
		declared[r.local()] = true
	}
	for _, f := range m.files {
		body, ok := f.file.Body.(*hclsyntax.Body)
		if !ok {
			continue
		}
		for _, blk := range body.Blocks {
			switch blk.Type {
			case "moved", "import", "removed", "check":
				// They name addresses that need not exist (moved from an old
				// one), or scope their own data sources.
				continue
			}
			walkBody(blk.Body, map[string]bool{}, func(tr hcl.Traversal) {
				if d := checkTraversal(m, declared, tr); d != nil {
					diags = append(diags, d)
				}
			})
		}
	}
	sort.SliceStable(diags, func(i, j int) bool {
		a, b := diags[i].Subject, diags[j].Subject
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		return a.Start.Byte < b.Start.Byte
	})
	return diags
}

// walkBody calls visit for every traversal of every expression in a body,
// except those rooted at a dynamic block's iterator inside its content.
func walkBody(body *hclsyntax.Body, iterators map[string]bool, visit func(hcl.Traversal)) {
	for _, a := range body.Attributes {
		for _, tr := range a.Expr.Variables() {
			if !iterators[tr.RootName()] {
				visit(tr)
			}
		}
	}
	for _, b := range body.Blocks {
		inner := iterators
		if b.Type == "dynamic" && len(b.Labels) == 1 {
			name := b.Labels[0]
			if it, ok := b.Body.Attributes["iterator"]; ok {
				if t, diags := hcl.AbsTraversalForExpr(it.Expr); !diags.HasErrors() && len(t) == 1 {
					name = t.RootName()
				}
			}
			inner = map[string]bool{name: true}
			for k := range iterators {
				inner[k] = true
			}
		}
		// A resource's "connection" and "provisioner" blocks may use self.
		walkBody(b.Body, inner, visit)
	}
}

// checkTraversal returns the problem with one reference, or nil.
func checkTraversal(m *module, declared map[string]bool, tr hcl.Traversal) *hcl.Diagnostic {
	rng := tr.SourceRange()
	bad := func(summary, detail string) *hcl.Diagnostic {
		return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: &rng}
	}
	name := func(i int) (string, bool) {
		if i >= len(tr) {
			return "", false
		}
		if a, ok := tr[i].(hcl.TraverseAttr); ok {
			return a.Name, true
		}
		return "", false
	}
	root := tr.RootName()
	switch root {
	case "var":
		if n, ok := name(1); ok && m.variables[n] == nil {
			return bad("Reference to undeclared input variable", fmt.Sprintf("an input variable named %q is not declared in this module", n))
		}
	case "local":
		if n, ok := name(1); ok && m.locals[n] == nil {
			return bad("Reference to undeclared local value", fmt.Sprintf("a local value named %q is not declared in this module", n))
		}
	case "data":
		typ, ok1 := name(1)
		n, ok2 := name(2)
		if ok1 && ok2 && !declared["data."+typ+"."+n] {
			return bad("Reference to undeclared data source", fmt.Sprintf("a data source %q %q is not declared in this module", typ, n))
		}
	case "module":
		n, ok := name(1)
		if !ok {
			return nil
		}
		c := m.calls[n]
		if c == nil {
			return bad("Reference to undeclared module", fmt.Sprintf("no module call named %q is declared in this module", n))
		}
		if c.child == nil {
			return nil // not readable here: its outputs cannot be checked
		}
		i := 2
		if i < len(tr) {
			if _, ok := tr[i].(hcl.TraverseIndex); ok {
				i++
			}
		}
		if out, ok := name(i); ok && c.child.outputs[out] == nil {
			return bad("Unsupported attribute", fmt.Sprintf("module %q has no output named %q", n, out))
		}
	default:
		if builtinRoots[root] {
			return nil
		}
		n, ok := name(1)
		if ok && !declared[root+"."+n] {
			return bad("Reference to undeclared resource", fmt.Sprintf("a managed resource %q %q is not declared in this module", root, n))
		}
	}
	return nil
}
