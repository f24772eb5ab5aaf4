package checks

import (
	"strings"
)

var listenerPortNotAllowedIn = Check{
	Meta: Meta{
		ID:          "LBG201",
		Name:        "listener-port-not-allowed-in",
		Severity:    High,
		ReportsOn:   "aws_lb_listener",
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
				p.reportAbsence(Finding{
					Address: l.Address,
					Message: "listener " + l.Address + " (" + l.Describe() + ") of " + lb.Address + " is unreachable: no ingress rule of its security groups (" +
						gs.names() + ") allows " + strings.Join(missing, " or ") + " " + l.Port.String() + " from any source",
					Related:       append(gs.addrs(), lb.Address),
					Location:      l.AttrLocation("port"),
					Facts:         []string{"port=" + l.Port.String(), "protocol=" + l.Protocol.String()},
					LoadBalancers: []string{lb.Address},
				}, ruleTypes)
			}
		}
	}
	return nil
}
