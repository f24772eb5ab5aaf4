package tfsrc

import (
	"strconv"

	"github.com/hashicorp/hcl/v2"

	"github.com/lbguard/lbguard/plan"
)

// resLoc is where a resource is in the sources: its block, and its
// arguments by path ("ssl_policy", "default_action.0.redirect.0.protocol").
type resLoc struct {
	block plan.Location
	attrs map[string]plan.Location
}

func location(r hcl.Range) plan.Location {
	return plan.Location{File: r.Filename, Line: r.Start.Line, Column: r.Start.Column}
}

func (s *synth) locations(m *module, r *resource, t *tree) {
	addr := joinAddr(m.cfgPath, r.local())
	if _, done := s.locs[addr]; done {
		return
	}
	rl := &resLoc{block: location(r.defRange), attrs: map[string]plan.Location{}}
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
