package checks

import (
	"strings"

	"github.com/lbguard/lbguard/plan"
)

var listenerPortNotAllowedIn = Check{
	Meta: Meta{
		ID:          "LBG201",
		Name:        "listener-port-not-allowed-in",
		Severity:    High,
		Summary:     "No ingress rule of the load balancer's security groups allows a listener's port: the listener is unreachable.",
		Remediation: "Add an ingress rule to the load balancer's security group for the listener's port: from 0.0.0.0/0 for an internet-facing load balancer, from the VPC CIDR for an internal one.",
	},
	Run: runListenerPortNotAllowedIn,
}

func runListenerPortNotAllowedIn(p *Pass) error {
	for _, l := range p.Graph.Listeners {
		if l.LoadBalancer.Unresolved() {
			p.Unresolved(l.Address, "the listener's load balancer, whose security groups must open its port, cannot be told: "+l.LoadBalancer.Reason)
		}
	}
	for _, lb := range p.Graph.LoadBalancers {
		gs, ok := lbGroups(lb)
		if !ok {
			continue
		}
		for _, l := range lb.Listeners {
			missing, reason := listenerClosed(l, gs)
			switch {
			case reason != "":
				p.Unresolved(l.Address, reason, lb.Address)
			case len(missing) > 0:
				p.Report(Finding{
					Address: l.Address,
					Message: "listener " + l.Address + " (" + l.Describe() + ") of " + lb.Address + " is unreachable: no ingress rule of its security groups (" +
						gs.names() + ") allows " + strings.Join(missing, " or ") + " " + l.Port.String() + " from any source",
					Related:       append(gs.addrs(), lb.Address),
					Location:      l.AttrLocation("port"),
					Facts:         []string{"port=" + l.Port.String(), "protocol=" + l.Protocol.String()},
					LoadBalancers: []string{lb.Address},
				})
			}
		}
	}
	return nil
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
