package tfsrc

import (
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/lbguard/lbguard/plan"
)

// ignoreComment matches "# lbguard:ignore LBG101,LBG206 reason text" (also
// with //): the rule IDs, then the reason.
var ignoreComment = regexp.MustCompile(`^(?:#|//)\s*lbguard:ignore(?:\s+(\S+))?(?:\s+(.*?))?\s*$`)

// suppressions finds the lbguard:ignore comments of a module's files and
// the resource or module block each belongs to: the block on the line
// directly below, or the block it is inside.
func suppressions(m *module) []plan.Suppression {
	type block struct {
		addr     string
		module   bool
		rng, def hcl.Range
	}
	var out []plan.Suppression
	for _, f := range m.files {
		if !f.native {
			continue // JSON has no comments
		}
		var blocks []block
		for _, r := range m.resources {
			if r.file == f {
				blocks = append(blocks, block{addr: joinAddr(m.cfgPath, r.local()), rng: r.rng, def: r.defRange})
			}
		}
		for _, c := range m.calls {
			if c.file == f {
				blocks = append(blocks, block{addr: joinAddr(m.cfgPath, "module."+c.name), module: true, rng: c.rng, def: c.defRange})
			}
		}
		tokens, _ := hclsyntax.LexConfig(f.src, f.path, hcl.InitialPos)
		for _, tok := range tokens {
			if tok.Type != hclsyntax.TokenComment {
				continue
			}
			text := strings.TrimSpace(string(tok.Bytes))
			match := ignoreComment.FindStringSubmatch(text)
			if match == nil {
				continue
			}
			s := plan.Suppression{Reason: match[2], Location: location(tok.Range)}
			for _, id := range strings.Split(match[1], ",") {
				if id = strings.TrimSpace(id); id != "" {
					s.Rules = append(s.Rules, strings.ToUpper(id))
				}
			}
			line := tok.Range.Start.Line
			for _, b := range blocks {
				above := b.def.Start.Line == line+1
				inside := b.rng.Start.Line <= line && line <= b.rng.End.Line
				if above || inside {
					// The innermost wins; blocks do not nest at top level.
					s.Block, s.Module = b.addr, b.module
				}
			}
			out = append(out, s)
		}
	}
	return out
}
