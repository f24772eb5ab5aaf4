package checks

import (
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"github.com/lbguard/lbguard/plan"
)

// tri is what the plan proves: no, yes, or maybe (it cannot tell).
type tri int

const (
	no tri = iota
	maybe
	yes
)

func both(a, b tri) tri {
	if a < b {
		return a
	}
	return b
}

// transports returns the IP protocols ("tcp", "udp") that carry a listener
// or target group protocol. ok is false when the protocol is unknown.
func transports(proto plan.Value[string]) (out []string, ok bool) {
	if !proto.Known {
		return nil, false
	}
	switch proto.V {
	case "HTTP", "HTTPS", "TCP", "TLS":
		return []string{plan.ProtoTCP}, true
	case "UDP", "GENEVE":
		return []string{plan.ProtoUDP}, true
	case "TCP_UDP":
		return []string{plan.ProtoTCP, plan.ProtoUDP}, true
	}
	return nil, true // lambda target groups and the like: no port
}

// coversPort reports whether a rule lets proto traffic through on port.
func coversPort(r *plan.SGRule, proto string, port int) tri {
	return coversRange(r, proto, func(from, to int) bool { return from <= port && port <= to })
}

// coversICMP reports whether a rule lets ICMP type/code through. For ICMP
// rules from_port is the type and to_port the code (-1: all).
func coversICMP(r *plan.SGRule, proto string, typ, code int) tri {
	return coversRange(r, proto, func(from, to int) bool {
		return (from == typ || from == -1) && (to == code || to == -1)
	})
}

// coversRange reports whether a rule is for proto (or all protocols) and
// its from_port/to_port pass the test.
func coversRange(r *plan.SGRule, proto string, test func(from, to int) bool) tri {
	if !r.Protocol.Known {
		return maybe
	}
	switch r.Protocol.V {
	case plan.ProtoAll:
		return yes
	case proto:
	default:
		return no
	}
	if !r.FromPort.Known || !r.ToPort.Known {
		return maybe
	}
	return boolTri(test(r.FromPort.V, r.ToPort.V))
}

// describeRule renders what a rule allows: "tcp 22", "tcp 0-65535",
// "all traffic", "icmp type 8".
func describeRule(r *plan.SGRule) string {
	p := r.Protocol.String()
	switch {
	case r.Protocol.Is(plan.ProtoAll):
		return "all traffic"
	case r.Protocol.Is(plan.ProtoICMP) || r.Protocol.Is(plan.ProtoICMPv6):
		if r.FromPort.Is(-1) {
			return p + " (all types)"
		}
		return p + " type " + r.FromPort.String()
	case r.FromPort == r.ToPort:
		return p + " " + r.FromPort.String()
	}
	return p + " " + r.FromPort.String() + "-" + r.ToPort.String()
}

// ruleName names a rule for messages: its resource, or the group for an
// inline entry.
func ruleName(r *plan.SGRule) string {
	if r.Inline {
		return "an inline " + string(r.Direction) + " rule of " + r.Address
	}
	return r.Address
}

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

func (gs groupSet) rules(dir plan.Direction) []*plan.SGRule {
	var out []*plan.SGRule
	for _, g := range gs.groups {
		for _, r := range g.Rules {
			if r.Direction == dir {
				out = append(out, r)
			}
		}
	}
	return out
}

func (gs groupSet) addrs() []string {
	out := make([]string, 0, len(gs.groups)+len(gs.ids))
	for _, g := range gs.groups {
		out = append(out, g.Address)
	}
	return append(out, gs.ids...)
}

// names renders the groups for messages.
func (gs groupSet) names() string {
	a := gs.addrs()
	if len(a) == 0 {
		return "no security groups"
	}
	return strings.Join(a, ", ")
}

// has reports whether a rule's group reference names one of these groups.
func (gs groupSet) has(l plan.Link[plan.SecurityGroup]) tri {
	for _, g := range gs.groups {
		if l.Node == g || (l.Node == nil && l.ID != "" && g.ID.Is(l.ID)) {
			return yes
		}
	}
	for _, id := range gs.ids {
		if l.ID == id || (l.Node != nil && l.Node.ID.Is(id)) {
			return yes
		}
	}
	if l.Unresolved() || !gs.membersKnown {
		return maybe
	}
	return no
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

// describePeers renders a rule's peers: "with 10.0.0.0/8, aws_security_group.x".
func describePeers(r *plan.SGRule) string {
	var ps []string
	for _, c := range r.CIDRs {
		ps = append(ps, c.String())
	}
	ps = append(ps, describeValues(r.PrefixLists)...)
	for _, l := range r.Groups {
		switch {
		case l.Node != nil:
			ps = append(ps, l.Node.Address)
		case l.ID != "":
			ps = append(ps, l.ID)
		default:
			ps = append(ps, "a group known only after apply")
		}
	}
	if r.Self {
		ps = append(ps, "its own group")
	}
	if r.PeersReason != "" || r.CIDRsReason != "" {
		ps = append(ps, "peers known only after apply")
	}
	dir := "from"
	if r.Direction == plan.Egress {
		dir = "to"
	}
	return dir + " " + joinAnd(ps)
}

func describeValues(vs []plan.Value[string]) []string {
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		out = append(out, "prefix list "+v.String())
	}
	return out
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
func openToWorld(r *plan.SGRule) (tri, string) {
	best := no
	if r.CIDRsReason != "" {
		best = maybe
	}
	for _, c := range r.CIDRs {
		if !c.Known {
			best = maybe
			continue
		}
		p, err := netip.ParsePrefix(strings.TrimSpace(c.V))
		if err == nil && p.Bits() == 0 {
			return yes, p.Masked().String()
		}
	}
	return best, ""
}

// allows reports whether some rule lets proto traffic on port reach the
// endpoint; when it cannot tell, why says which rule leaves it open.
func allows(rules []*plan.SGRule, proto string, port int, ep endpoint) (answer tri, why string) {
	answer = no
	for _, r := range rules {
		v := both(coversPort(r, proto, port), peers(r, ep))
		if v == yes {
			return yes, ""
		}
		if v == maybe && answer == no {
			answer, why = maybe, ruleName(r)+" allows "+describeRule(r)+" "+describePeers(r)+": lbguard cannot tell whether that covers "+ep.desc
		}
	}
	return answer, why
}

// portOpen reports whether some rule lets proto traffic on port through at
// all, from or to any peer.
func portOpen(rules []*plan.SGRule, proto string, port int) tri {
	best := no
	for _, r := range rules {
		best = max(best, coversPort(r, proto, port))
	}
	return best
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

// forwarded is a target group a load balancer forwards to, with the
// listeners (and rules) that do.
type forwarded struct {
	tg  *plan.TargetGroup
	via []string
}

// forwardedGroups lists the target groups each listener of the load
// balancer forwards to, by address.
func forwardedGroups(lb *plan.LoadBalancer) (list []*forwarded, unknown []string) {
	byTG := map[*plan.TargetGroup]*forwarded{}
	for _, l := range lb.Listeners {
		acts, u := actionsOf(l)
		unknown = append(unknown, u...)
		for _, a := range acts {
			if !a.Type.Is(plan.ActionForward) {
				continue
			}
			if p := a.TargetGroups.Unknown(); p != "" {
				unknown = append(unknown, p)
			}
			for _, tg := range a.TargetGroups.Nodes() {
				f := byTG[tg]
				if f == nil {
					f = &forwarded{tg: tg}
					byTG[tg] = f
					list = append(list, f)
				}
				via := l.Address
				if a.Rule != nil {
					via = a.Rule.Address
				}
				f.via = append(f.via, via)
			}
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].tg.Address < list[j].tg.Address })
	return list, unknown
}

// noteForwards records that a rule could not decide for a load balancer
// some of whose forward actions lead lbguard does not know where.
func noteForwards(p *Pass, lb *plan.LoadBalancer, unknown []string) {
	for _, u := range unknown {
		p.Unresolved(lb.Address, "where its listeners forward is not known: "+u, lb.Address)
	}
}

// clientIPPreserved reports whether targets of the group see the client's
// address behind an NLB: the preserve_client_ip attribute, else AWS's
// default (on for instance targets and UDP/TCP_UDP IP targets).
func clientIPPreserved(tg *plan.TargetGroup) tri {
	switch {
	case tg.PreserveClientIP.Is("true"):
		return yes
	case tg.PreserveClientIP.Is("false"):
		return no
	case !tg.PreserveClientIP.Is(""), !tg.TargetType.Known:
		return maybe
	case tg.TargetType.Is(plan.TargetInstance):
		return yes
	case tg.TargetType.Is(plan.TargetIP):
		if !tg.Protocol.Known {
			return maybe
		}
		if tg.Protocol.V == "UDP" || tg.Protocol.V == "TCP_UDP" {
			return yes
		}
	}
	return no
}

// healthCheckPort returns a target's health-check port when it differs from
// the port it receives traffic on. differs is false when they are the same
// ("traffic-port", or the same number); known is false when unknown.
func healthCheckPort(t *plan.Target) (port int, differs, known bool) {
	tg := t.TargetGroup
	if !tg.HealthCheckPort.Known {
		return 0, false, false
	}
	if tg.HealthCheckPort.V == "traffic-port" {
		return 0, false, true
	}
	n, err := strconv.Atoi(tg.HealthCheckPort.V)
	if err != nil {
		return 0, false, false
	}
	tp := t.TrafficPort()
	if !tp.Known {
		return n, false, false
	}
	return n, n != tp.V, true
}

// sortedInts renders ints sorted and without duplicates: "80, 443".
func sortedInts(ns []int) string {
	sort.Ints(ns)
	var parts []string
	for i, n := range ns {
		if i > 0 && n == ns[i-1] {
			continue
		}
		parts = append(parts, strconv.Itoa(n))
	}
	return strings.Join(parts, ", ")
}
