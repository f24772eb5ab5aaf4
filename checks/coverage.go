// Protocol and port coverage: whether security-group rules let a transport
// through on a port, and whether a listener's port is open at all.

package checks

import (
	"net/netip"
	"strings"

	"github.com/lbguard/lbguard/plan"
	"go4.org/netipx"
)

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

// allows reports whether some rule lets proto traffic on port reach the
// endpoint; when it cannot tell, why says which rule leaves it open.
//
// Rules add up: CIDRs of several rules (one per subnet, as the
// aws_vpc_security_group_*_rule resources are written) together cover an
// endpoint whose every net lies in their union. When they cover only some of
// its nets, the answer is no and why names the nets refused.
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
	union := cidrUnion(rules, proto, port)
	switch {
	case union == nil:
		return answer, why
	case union.ContainsPrefix(allIPv4):
		return yes, "" // as 0.0.0.0/0 does, whoever the endpoint is
	case ep.clients:
		return answer, why
	}
	for _, w := range ep.within {
		if union.ContainsPrefix(w) {
			return yes, ""
		}
	}
	if !ep.netsKnown || len(ep.nets) == 0 {
		return answer, why
	}
	var refused, allowed []string
	for _, n := range ep.nets {
		if union.ContainsPrefix(n) {
			allowed = append(allowed, n.String())
		} else {
			refused = append(refused, n.String())
		}
	}
	switch {
	case len(refused) == 0:
		return yes, ""
	case answer == no && len(allowed) > 0:
		why = "together its rules cover " + joinAnd(allowed) + " but refuse " + joinAnd(refused)
	}
	return answer, why
}

var (
	allIPv4 = netip.MustParsePrefix("0.0.0.0/0")
	allIPv6 = netip.MustParsePrefix("::/0")
)

// addCIDRs adds a rule's known, well-formed CIDRs to an IP set and says how
// many it added.
func addCIDRs(b *netipx.IPSetBuilder, r *plan.SGRule) int {
	n := 0
	for _, c := range r.CIDRs {
		if p, err := netip.ParsePrefix(strings.TrimSpace(c.V)); c.Known && err == nil {
			b.AddPrefix(p.Masked())
			n++
		}
	}
	return n
}

// cidrUnion is the union of the known CIDRs of the rules that certainly
// cover the port; nil when there are none.
func cidrUnion(rules []*plan.SGRule, proto string, port int) *netipx.IPSet {
	var b netipx.IPSetBuilder
	added := 0
	for _, r := range rules {
		if coversPort(r, proto, port) == yes {
			added += addCIDRs(&b, r)
		}
	}
	if added == 0 {
		return nil
	}
	set, err := b.IPSet()
	if err != nil {
		return nil
	}
	return set
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

// listenerClosed returns the transports (tcp, udp) on which no ingress rule
// of the groups opens the listener's port; reason is set when that cannot
// be told.
func listenerClosed(l *plan.Listener, gs groupSet) (missing []string, reason string) {
	protos, ok := transports(l.Protocol)
	switch {
	case !ok:
		return nil, "the listener's protocol is known only after apply"
	case len(protos) == 0:
		return nil, ""
	case !l.Port.Known:
		return nil, "the listener's port is known only after apply"
	}
	ingress := gs.rules(plan.Ingress)
	for _, proto := range protos {
		switch portOpen(ingress, proto, l.Port.V) {
		case yes:
		case maybe:
			return nil, "a rule of " + gs.names() + " whose ports or protocol are known only after apply may open port " + l.Port.String()
		case no:
			if gs.problem != "" {
				return nil, gs.problem
			}
			missing = append(missing, proto)
		}
	}
	return missing, ""
}
