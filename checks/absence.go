package checks

import (
	"slices"
	"strings"

	"github.com/lbguard/lbguard/plan"
)

// What a rule must have read in full before it may conclude that something
// is absent (CHECKS: "nothing read, nothing claimed").
var (
	// listenerTypes can add a listener port or an HTTPS listener.
	listenerTypes = []string{"aws_lb_listener", "aws_alb_listener", "aws_lb_listener_rule", "aws_alb_listener_rule"}
	// ruleTypes can add a security group or one of its rules.
	ruleTypes = []string{"aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"}
)

// unreadOf lists what was not analysed that may hold a resource of one of
// the types: a resource of such a type, or a module lbguard could not read
// (which may hold anything).
func (p *Pass) unreadOf(types []string) []string {
	key := strings.Join(types, ",")
	if out, ok := p.unread[key]; ok {
		return out // once per pass: a rule may report thousands of findings
	}
	if p.unread == nil {
		p.unread = map[string][]string{}
	}
	var out []string
	for _, s := range p.Graph.NotAnalysed {
		if !s.Unread {
			continue
		}
		if s.Types != nil {
			if slices.ContainsFunc(s.Types, func(t string) bool { return slices.Contains(types, t) }) {
				out = append(out, s.Address)
			}
			continue
		}
		typ, isModule := resourceType(s.Address)
		if isModule || slices.Contains(types, typ) {
			out = append(out, s.Address)
		}
	}
	out = uniqueSorted(out, "")
	p.unread[key] = out
	return out
}

// reportAbsence reports a finding that rests on something being absent,
// unless what was not analysed may supply it: then the rule cannot prove
// the absence and records an LBG000 note that says what it would report.
func (p *Pass) reportAbsence(f Finding, types []string) {
	unread := p.unreadOf(types)
	if len(unread) == 0 {
		p.Report(f)
		return
	}
	verb := "is"
	if len(unread) > 1 {
		verb = "are"
	}
	p.Unresolved(f.Address, joinAnd(unread)+" "+verb+" not analysed and may change this verdict: "+f.Message, f.LoadBalancers...)
}

// resourceType is the type of the resource an address names (data
// sources included), or isModule when it names a module call.
func resourceType(addr string) (typ string, isModule bool) {
	parts := strings.Split(plan.ConfigAddress(addr), ".")
	i := 0
	for i+1 < len(parts) && parts[i] == "module" {
		i += 2
	}
	switch {
	case i >= len(parts):
		return "", true
	case parts[i] == "data" && i+1 < len(parts):
		return parts[i+1], false
	}
	return parts[i], false
}

// reportUnlessMaybe reports a finding through reportAbsence, unless maybe
// says the load balancer may not be involved at all (a listener rule whose
// listener could not be told): then it is a note that says both.
func (p *Pass) reportUnlessMaybe(f Finding, maybe string, types []string) {
	if maybe != "" {
		p.Unresolved(f.Address, maybe+"; if it belongs to "+joinAnd(f.LoadBalancers)+": "+f.Message, f.LoadBalancers...)
		return
	}
	p.reportAbsence(f, types)
}
