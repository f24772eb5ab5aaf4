package checks

import (
	"sort"
	"strings"

	"github.com/lbguard/lbguard/plan"
)

// groupUse is a security group with the load balancers that use it.
type groupUse struct {
	group *plan.SecurityGroup
	lbs   []*plan.LoadBalancer
}

// noteUnknownRules records a note when the plan does not show all of the
// group's rules: a rule looking for what a group allows cannot clear it.
func (u *groupUse) noteUnknownRules(p *Pass) {
	if !u.group.RulesKnown() {
		p.Unresolved(u.group.Address, u.group.RulesReason, u.lbAddrs()...)
	}
}

// noteUnknownGroups records a note for each load balancer (those kept)
// whose groups are not all known, or that uses a group known only by its
// ID: one of them may be the group at fault.
func noteUnknownGroups(p *Pass, keep func(*plan.LoadBalancer) bool) {
	for _, lb := range p.Graph.LoadBalancers {
		gs, ok := lbGroups(lb)
		if !ok || !keep(lb) {
			continue
		}
		if !gs.membersKnown {
			p.Unresolved(lb.Address, "which security groups it has is not known: "+gs.problem, lb.Address)
		}
		for _, id := range gs.ids {
			p.Unresolved(lb.Address, "security group "+id+" is not managed by this plan: its rules are not known", lb.Address)
		}
	}
}

// groupsInUse lists every security group of a load balancer that has
// groups, once, with the load balancers that use it (those for which keep
// is true), in address order.
func groupsInUse(g *plan.Graph, keep func(*plan.LoadBalancer) bool) []*groupUse {
	byGroup := map[*plan.SecurityGroup]*groupUse{}
	var out []*groupUse
	for _, lb := range g.LoadBalancers {
		gs, ok := lbGroups(lb)
		if !ok || !keep(lb) {
			continue
		}
		for _, sg := range gs.groups {
			u := byGroup[sg]
			if u == nil {
				u = &groupUse{group: sg}
				byGroup[sg] = u
				out = append(out, u)
			}
			u.lbs = append(u.lbs, lb)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].group.Address < out[j].group.Address })
	return out
}

func (u *groupUse) lbAddrs() []string {
	out := make([]string, 0, len(u.lbs))
	for _, lb := range u.lbs {
		out = append(out, lb.Address)
	}
	return out
}

// ruleAddrs lists the rule resources among rules (inline entries have none
// of their own).
func ruleAddrs(rules []*plan.SGRule) []string {
	var out []string
	for _, r := range rules {
		if !r.Inline {
			out = append(out, r.Address)
		}
	}
	return out
}

// worldOpenIngress returns the group's ingress rules open to 0.0.0.0/0 or
// ::/0, described, and the notes for rules whose peers are not known.
func worldOpenIngress(sg *plan.SecurityGroup) (open []*plan.SGRule, sources []string, unknown []string) {
	for _, r := range sg.Rules {
		if r.Direction != plan.Ingress {
			continue
		}
		switch v, cidr := openToWorld(r, sg.Rules); v {
		case yes:
			open = append(open, r)
			sources = append(sources, cidr)
		case maybe:
			unknown = append(unknown, ruleName(r)+" allows "+describeRule(r)+" from peers known only after apply")
		}
	}
	return open, sources, unknown
}

func schemeKnown(lb *plan.LoadBalancer) bool { return lb.Internal.Known }

// describeOpen renders "tcp 22 from 0.0.0.0/0 (aws_vpc_security_group_ingress_rule.ssh)".
func describeOpen(r *plan.SGRule, source string) string {
	return describeRule(r) + " from " + source + " (" + ruleName(r) + ")"
}

func joinSemi(list []string) string { return strings.Join(list, "; ") }

// locateRules returns where the first rule resource among rules is, else
// where the group is.
func locateRules(g *plan.Graph, sg *plan.SecurityGroup, rules []*plan.SGRule) *plan.Location {
	for _, r := range rules {
		if !r.Inline {
			if l := g.Locate(r.Address); l != nil {
				return l
			}
		}
	}
	return sg.Location
}

// openGroup is a group open to the internet (0.0.0.0/0 or ::/0), with the
// load balancers of known scheme that use it and its open rules.
type openGroup struct {
	*groupUse
	lbs     []*plan.LoadBalancer
	open    []*plan.SGRule
	sources []string // the open CIDR of each open rule
}

// worldOpenGroups lists the groups of the kept load balancers that have
// rules open to the internet, recording notes for groups whose rules or
// scheme are not known (then the rule cannot decide about them).
func worldOpenGroups(p *Pass, keep func(*plan.LoadBalancer) bool) []openGroup {
	noteUnknownGroups(p, keep)
	var out []openGroup
	for _, u := range groupsInUse(p.Graph, keep) {
		u.noteUnknownRules(p) // the rules that are known still count
		open, sources, unknown := worldOpenIngress(u.group)
		if len(open) == 0 && len(unknown) == 0 {
			continue
		}
		og := openGroup{groupUse: u, open: open, sources: sources}
		for _, lb := range u.lbs {
			if !schemeKnown(lb) {
				p.Unresolved(u.group.Address, "whether "+lb.Address+" is internal is known only after apply, so lbguard cannot judge the rules of its group that are open to the internet", u.lbAddrs()...)
				continue
			}
			og.lbs = append(og.lbs, lb)
		}
		if len(og.lbs) == 0 {
			continue
		}
		for _, n := range unknown {
			p.Unresolved(u.group.Address, n, u.lbAddrs()...)
		}
		if len(open) > 0 {
			out = append(out, og)
		}
	}
	return out
}
