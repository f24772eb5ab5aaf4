package tfsrc

import (
	"strconv"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/lbguard/lbguard/plan"
)

// resLoc is where a resource is in the sources: its block, and its
// arguments by path ("ssl_policy", "default_action.0.redirect.0.protocol").
type resLoc struct {
	block plan.Location
	attrs map[string]plan.Location
	// dynamic are the block types written as dynamic blocks.
	dynamic map[string]bool
}

func location(r hcl.Range) plan.Location {
	return plan.Location{File: r.Filename, Line: r.Start.Line, Column: r.Start.Column}
}

func (s *synth) locations(m *module, r *resource, t *tree) {
	addr := joinAddr(m.cfgPath, r.local())
	if _, done := s.locs[addr]; done {
		return
	}
	rl := &resLoc{block: location(r.defRange), attrs: map[string]plan.Location{}, dynamic: dynamicTypes(r.body)}
	var walk func(prefix string, t *tree)
	walk = func(prefix string, t *tree) {
		for name, a := range t.attrs {
			rl.attrs[prefix+name] = location(a.rng)
		}
		for typ, tb := range t.blocks {
			rl.attrs[prefix+typ] = location(tb.rng)
			for i, item := range tb.items {
				p := prefix + typ + "." + strconv.Itoa(i)
				rl.attrs[p] = location(item.rng)
				walk(p+".", item)
			}
		}
	}
	walk("", t)
	s.locs[addr] = rl
}

// dynamicTypes lists the block types a body writes as dynamic blocks.
func dynamicTypes(body hcl.Body) map[string]bool {
	out := map[string]bool{}
	if sb, ok := body.(*hclsyntax.Body); ok {
		for _, b := range sb.Blocks {
			if b.Type == "dynamic" && len(b.Labels) == 1 {
				out[b.Labels[0]] = true
			}
		}
	}
	return out
}
