// Endpoints and CIDR containment: the groups and addresses of a load
// balancer or a target, and whether a rule's peers cover them.

package checks

import (
	"net/netip"
	"strings"

	"github.com/lbguard/lbguard/plan"
	"go4.org/netipx"
)

// groupSet is the security groups of something, with their rules.
type groupSet struct {
	groups []*plan.SecurityGroup
	ids    []string // groups known by ID only: outside the plan
	// problem says why the groups or their rules are not all known ("" when
	// they are): an absence cannot then be proved.
	problem string
	// membersKnown is whether the membership itself is known, so that a rule
	// naming another group provably does not name one of these.
	membersKnown bool
}

func groupsOf(s plan.LinkSet[plan.SecurityGroup]) groupSet {
	gs := groupSet{membersKnown: s.Known(), problem: s.Reason}
	for _, l := range s.Links {
		switch {
		case l.Node != nil:
			gs.groups = append(gs.groups, l.Node)
			if !l.Node.RulesKnown() && gs.problem == "" {
				gs.problem = l.Node.RulesReason
			}
		case l.ID != "":
			gs.ids = append(gs.ids, l.ID)
			if gs.problem == "" {
				gs.problem = "security group " + l.ID + " is not managed by this plan: its rules are not known"
			}
		default:
			gs.membersKnown = false
			if gs.problem == "" {
				gs.problem = l.Reason
			}
		}
	}
	return gs
}

// endpoint is the other side of a rule: who traffic comes from, or goes to.
type endpoint struct {
	// members are the groups the endpoint belongs to.
	members groupSet
	// nets are where its addresses lie (subnets, an IP): a CIDR covers the
	// endpoint when it contains all of them. netsKnown is false when they
	// are not all known.
	nets      []netip.Prefix
	netsKnown bool
	// within is a range the endpoint is known to lie in (its VPC): a CIDR
	// containing it covers the endpoint.
	within []netip.Prefix
	// clients marks traffic from any client (client IP preservation): only
	// a rule open to the world, or naming the members' groups, admits it.
	clients bool
	// desc names the endpoint in messages: "aws_lb.web", "the clients of aws_lb.nlb".
	desc string
}

// peers reports whether a rule names the endpoint among its peers.
func peers(r *plan.SGRule, ep endpoint) tri {
	best := no
	if r.PeersReason != "" || r.CIDRsReason != "" {
		best = maybe
	}
	if r.Self {
		if best = max(best, ep.members.has(plan.Link[plan.SecurityGroup]{Node: r.Group})); best == yes {
			return yes
		}
	}
	for _, l := range r.Groups {
		if best = max(best, ep.members.has(l)); best == yes {
			return yes
		}
	}
	for _, c := range r.CIDRs {
		if best = max(best, cidrCovers(c, ep)); best == yes {
			return yes
		}
	}
	if len(r.PrefixLists) > 0 {
		best = max(best, maybe) // their contents are not in the plan
	}
	return best
}

// cidrCovers reports whether a rule's CIDR contains the endpoint.
func cidrCovers(c plan.Value[string], ep endpoint) tri {
	if !c.Known {
		return maybe
	}
	p, err := netip.ParsePrefix(strings.TrimSpace(c.V))
	if err != nil {
		return maybe
	}
	p = p.Masked()
	if p.Bits() == 0 && p.Addr().Is4() {
		return yes // 0.0.0.0/0 covers everything IPv4
	}
	if ep.clients {
		return maybe // which clients, lbguard cannot tell
	}
	for _, w := range ep.within {
		if containsPrefix(p, w) {
			return yes
		}
	}
	if !ep.netsKnown || len(ep.nets) == 0 {
		return maybe
	}
	for _, n := range ep.nets {
		if !containsPrefix(p, n) {
			return no
		}
	}
	return yes
}

func containsPrefix(outer, inner netip.Prefix) bool {
	return outer.Addr().Is4() == inner.Addr().Is4() && outer.Bits() <= inner.Bits() && outer.Contains(inner.Addr())
}

// openToWorld reports whether a rule admits 0.0.0.0/0 or ::/0, and which.
// CIDRs add up: a rule whose CIDRs, together with those of the siblings
// that open the same protocol and ports in the same direction, cover the
// whole IPv4 or IPv6 internet is open to it (0.0.0.0/1 and 128.0.0.0/1 are
// 0.0.0.0/0 by another name).
func openToWorld(r *plan.SGRule, siblings []*plan.SGRule) (tri, string) {
	best := no
	if r.CIDRsReason != "" {
		best = maybe
	}
	var has4, has6 bool
	for _, c := range r.CIDRs {
		if !c.Known {
			best = maybe
			continue
		}
		p, err := netip.ParsePrefix(strings.TrimSpace(c.V))
		if err != nil {
			continue
		}
		if p.Bits() == 0 {
			return yes, p.Masked().String()
		}
		has4, has6 = has4 || p.Addr().Is4(), has6 || p.Addr().Is6()
	}
	if !has4 && !has6 {
		return best, ""
	}
	var b netipx.IPSetBuilder
	n := addCIDRs(&b, r)
	for _, s := range siblings {
		if s != r && samePorts(s, r) {
			n += addCIDRs(&b, s)
		}
	}
	if n < 2 {
		return best, "" // one CIDR that is not /0 covers no whole internet
	}
	set, err := b.IPSet()
	if err != nil {
		return best, ""
	}
	if has4 && set.ContainsPrefix(allIPv4) {
		return yes, "0.0.0.0/0 (split across CIDRs that together cover it)"
	}
	if has6 && set.ContainsPrefix(allIPv6) {
		return yes, "::/0 (split across CIDRs that together cover it)"
	}
	return best, ""
}

// samePorts reports whether two rules certainly open the same protocol and
// ports in the same direction.
func samePorts(a, b *plan.SGRule) bool {
	return a.Direction == b.Direction && a.Protocol.Known && b.Protocol.Known && a.Protocol.V == b.Protocol.V &&
		a.FromPort.Known && b.FromPort.Known && a.FromPort.V == b.FromPort.V &&
		a.ToPort.Known && b.ToPort.Known && a.ToPort.V == b.ToPort.V
}

// lbGroups returns the groups of a load balancer that lbguard reasons about:
// every ALB that declares groups and every NLB that has some. ALBs without
// groups are LBG209's business; NLBs without groups and gateway load
// balancers are exempt.
func lbGroups(lb *plan.LoadBalancer) (groupSet, bool) {
	if !lb.Type.Known || lb.Type.Is(plan.Gateway) {
		return groupSet{}, false
	}
	s := lb.SecurityGroups
	if !s.Declared || (s.Known() && len(s.Links) == 0) {
		return groupSet{}, false
	}
	return groupsOf(s), true
}

// lbEndpoint is a load balancer as its own traffic's source or
// destination: its groups and its subnets (or, failing those, a VPC it is
// known to be in).
func lbEndpoint(lb *plan.LoadBalancer, vpcs ...*plan.VPC) endpoint {
	ep := endpoint{desc: lb.Address}
	if gs, ok := lbGroups(lb); ok {
		ep.members = gs
	} else {
		ep.members = groupSet{membersKnown: lb.Type.Known && !lb.SecurityGroups.Declared}
	}
	ep.nets, ep.netsKnown = subnetNets(lb.Subnets)
	ep.within = vpcNets(vpcs...)
	return ep
}

// targetEndpoint is a target as the destination or receiver of traffic.
func targetEndpoint(t *plan.Target) endpoint {
	ep := endpoint{members: groupsOf(t.SecurityGroups), desc: targetName(t)}
	if t.IP.Known {
		if a, err := netip.ParseAddr(t.IP.V); err == nil {
			ep.nets, ep.netsKnown = []netip.Prefix{netip.PrefixFrom(a, a.BitLen())}, true
		}
	} else {
		ep.nets, ep.netsKnown = subnetNets(t.Subnets)
	}
	if tg := t.TargetGroup; tg != nil && (tg.TargetType.Is(plan.TargetInstance) || tg.TargetType.Is(plan.TargetIP)) {
		ep.within = vpcNets(tg.VPC.Node)
	}
	return ep
}

func subnetNets(s plan.LinkSet[plan.Subnet]) ([]netip.Prefix, bool) {
	if !s.Complete() || len(s.Links) == 0 {
		return nil, false
	}
	var out []netip.Prefix
	for _, sn := range s.Nodes() {
		if !sn.CIDR.Known {
			return nil, false
		}
		p, err := netip.ParsePrefix(sn.CIDR.V)
		if err != nil {
			return nil, false
		}
		out = append(out, p.Masked())
	}
	return out, true
}

func vpcNets(vpcs ...*plan.VPC) []netip.Prefix {
	var out []netip.Prefix
	for _, v := range vpcs {
		if v == nil || !v.CIDR.Known {
			continue
		}
		if p, err := netip.ParsePrefix(v.CIDR.V); err == nil {
			out = append(out, p.Masked())
		}
	}
	return out
}
