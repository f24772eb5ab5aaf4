package checks

import (
	"strconv"

	"github.com/lbguard/lbguard/plan"
)

var albBehindNLBNotAllowed = Check{
	Meta: Meta{
		ID:          "LBG210",
		Name:        "alb-behind-nlb-not-allowed",
		Severity:    High,
		ReportsOn:   "aws_lb",
		Summary:     "An ALB registered as the target of an NLB does not let the NLB itself in on its listener port: health checks and PrivateLink traffic come from the NLB's private addresses.",
		Remediation: "Allow the ALB's listener port in from the NLB's security group, or, for an NLB without groups, from the VPC CIDR (as AWS recommends for an ALB behind an NLB).",
	},
	Run: runALBBehindNLBNotAllowed,
}

func runALBBehindNLBNotAllowed(p *Pass) error {
	for _, nlb := range p.Graph.LoadBalancers {
		if !nlb.Type.Is(plan.Network) {
			continue
		}
		fwd, unknown := forwardedGroups(nlb)
		noteForwards(p, nlb, unknown)
		for _, f := range fwd {
			tg := f.tg
			if !tg.TargetType.Is(plan.TargetALB) {
				continue
			}
			for _, t := range tg.Targets {
				alb := t.LoadBalancer.Node
				if alb == nil {
					if t.LoadBalancer.Unresolved() {
						p.Unresolved(t.Address, "the ALB registered with "+tg.Address+" cannot be told: "+t.LoadBalancer.Reason, nlb.Address)
					}
					continue
				}
				checkALBBehindNLB(p, nlb, alb, tg, f.maybe)
			}
		}
	}
	return nil
}

func checkALBBehindNLB(p *Pass, nlb, alb *plan.LoadBalancer, tg *plan.TargetGroup, unsure string) {
	gs, ok := lbGroups(alb)
	if !ok {
		return // an ALB without groups is LBG209's
	}
	port := tg.Port
	if !port.Known {
		p.Unresolved(alb.Address, "the port "+tg.Address+" sends to is known only after apply", nlb.Address, alb.Address)
		return
	}
	var listener *plan.Listener
	for _, l := range alb.Listeners {
		if l.Port.Is(port.V) {
			listener = l
		}
	}
	if listener != nil {
		if missing, _ := listenerClosed(listener, gs); len(missing) > 0 {
			return // a closed port is LBG201's finding (one finding per weakness); listenerClosed decides it here
		}
	}
	ingress := gs.rules(plan.Ingress)
	src := lbEndpoint(nlb, tg.VPC.Node)
	v, why := allows(ingress, plan.ProtoTCP, port.V, src)
	if v == no && gs.problem != "" {
		v, why = maybe, gs.problem
	}
	switch v {
	case maybe:
		if why == "" {
			why = "lbguard cannot tell whether the groups of " + alb.Address + " admit " + nlb.Address
		}
		p.Unresolved(alb.Address, why, nlb.Address, alb.Address)
		return
	case yes:
		return
	}
	from := "the NLB's own addresses (a CIDR covering its subnets, such as the VPC CIDR)"
	if nsg, ok := lbGroups(nlb); ok {
		from = "the NLB's security groups (" + nsg.names() + ") or its own addresses (a CIDR covering its subnets)"
	}
	if why != "" {
		from += " (" + why + ")"
	}
	related := append(append([]string{nlb.Address, tg.Address}, gs.addrs()...), nlbGroupAddrs(nlb)...)
	if listener != nil {
		related = append(related, listener.Address)
	}
	p.reportUnlessMaybe(Finding{
		Address: alb.Address,
		Message: "ALB " + alb.Address + " is a target of NLB " + nlb.Address + " (through " + tg.Address + ") but its security groups (" + gs.names() +
			") do not let the NLB in on tcp " + strconv.Itoa(port.V) + ": no ingress rule allows it from " + from + "; client CIDRs are not enough, since health checks and PrivateLink traffic come from the NLB's own addresses",
		Related:       related,
		Location:      alb.AttrLocation("security_groups"),
		Facts:         []string{"nlb=" + nlb.Address, "port=" + strconv.Itoa(port.V)},
		LoadBalancers: []string{nlb.Address, alb.Address},
	}, unsure, ruleTypes)
}

func nlbGroupAddrs(nlb *plan.LoadBalancer) []string {
	if gs, ok := lbGroups(nlb); ok {
		return gs.addrs()
	}
	return nil
}
