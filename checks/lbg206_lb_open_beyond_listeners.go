package checks

import (
	"maps"

	"github.com/lbguard/lbguard/plan"
)

var lbOpenBeyondListeners = Check{
	Meta: Meta{
		ID:          "LBG206",
		Name:        "lb-open-beyond-listeners",
		Severity:    Medium,
		ReportsOn:   "aws_security_group",
		Summary:     "An internet-facing load balancer's security group is open to the internet on ports or protocols no listener uses.",
		Remediation: "Narrow the group's ingress from 0.0.0.0/0 and ::/0 to the listener ports (and ICMP type 3 code 4 for path MTU discovery); open other ports only from the networks that need them.",
	},
	Run: runLBOpenBeyondListeners,
}

func runLBOpenBeyondListeners(p *Pass) error {
	for _, og := range worldOpenGroups(p, func(lb *plan.LoadBalancer) bool { return !lb.Internal.Is(true) }) {
		used, listenersKnown := listenerPorts(og.lbs)
		expected := withPortsAsked(og.lbs, used)
		var beyond, related []string
		var offending []*plan.SGRule
		for i, r := range og.open {
			switch withinListeners(r, expected) {
			case yes:
				continue
			case maybe:
				p.Unresolved(og.group.Address, ruleName(r)+" opens "+describeRule(r)+" to the internet, and its ports are known only after apply", og.lbAddrs()...)
				continue
			}
			if !listenersKnown {
				p.Unresolved(og.group.Address, "the port or protocol of a listener is known only after apply, so lbguard cannot tell whether "+ruleName(r)+" is needed", og.lbAddrs()...)
				continue
			}
			beyond = append(beyond, describeOpen(r, og.sources[i]))
			related = append(related, ruleAddrs([]*plan.SGRule{r})...)
			offending = append(offending, r)
		}
		if len(beyond) == 0 {
			continue
		}
		var lbs []string
		for _, lb := range og.lbs {
			lbs = append(lbs, lb.Address)
		}
		p.reportAbsence(Finding{
			Address: og.group.Address,
			Message: "security group " + og.group.Address + " of internet-facing " + joinAnd(lbs) + " (listening on " + describePorts(used) +
				") is open to the internet beyond its listeners: " + joinSemi(beyond),
			Related:       append(related, og.lbAddrs()...),
			Location:      locateRules(p.Graph, og.group, offending),
			Facts:         beyond,
			LoadBalancers: og.lbAddrs(),
		}, listenerTypes)
	}
	return nil
}

// withinListeners reports whether everything a rule opens is a listener
// port, or ICMP for path MTU discovery (type 3; ICMPv6 type 2).
func withinListeners(r *plan.SGRule, used map[string]map[int]bool) tri {
	if !r.Protocol.Known {
		return maybe
	}
	switch r.Protocol.V {
	case plan.ProtoICMP:
		return boolTri(r.FromPort.Is(3))
	case plan.ProtoICMPv6:
		return boolTri(r.FromPort.Is(2))
	case plan.ProtoTCP, plan.ProtoUDP:
	default:
		return no
	}
	if !r.FromPort.Known || !r.ToPort.Known {
		return maybe
	}
	if r.ToPort.V-r.FromPort.V >= len(used[r.Protocol.V]) {
		return no // more ports than there are listeners
	}
	for port := r.FromPort.V; port <= r.ToPort.V; port++ {
		if !used[r.Protocol.V][port] {
			return no
		}
	}
	return yes
}

// withPortsAsked adds to the listener ports those that another rule's fix
// asks for, so that fixes never pull against each other: 443 on an ALB
// with no HTTPS listener (LBG102: add one on 443), and the port a redirect
// to HTTPS on the same host goes to (LBG103: add an HTTPS listener there).
// Opening them to the internet is the first step of that fix, not a door
// left open.
func withPortsAsked(lbs []*plan.LoadBalancer, used map[string]map[int]bool) map[string]map[int]bool {
	out := map[string]map[int]bool{}
	for proto, ports := range used {
		out[proto] = maps.Clone(ports)
	}
	for _, lb := range lbs {
		if !lb.IsALB() {
			continue
		}
		hasHTTPS := false
		for _, l := range lb.Listeners {
			hasHTTPS = hasHTTPS || l.ProtocolIs("HTTPS")
			acts, _ := actionsOf(l)
			for _, a := range acts {
				if a.Redirect == nil || !a.Redirect.Host.Is(plan.KeepHost) {
					continue
				}
				if proto, ok := a.Redirect.TargetProtocol(l.Protocol); !ok || proto != "HTTPS" {
					continue
				}
				if port, ok := redirectPort(a.Redirect, l); ok {
					out[plan.ProtoTCP][port] = true
				}
			}
		}
		if !hasHTTPS && len(lb.Listeners) > 0 {
			out[plan.ProtoTCP][443] = true
		}
	}
	return out
}
