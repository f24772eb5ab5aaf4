package checks

import (
	"strings"

	"github.com/lbguard/lbguard/plan"
)

var pmtudICMPNotAllowed = Check{
	Meta: Meta{
		ID:          "LBG211",
		Name:        "pmtud-icmp-not-allowed",
		Severity:    Info,
		ReportsOn:   "aws_security_group",
		Summary:     "An internet-facing load balancer's security groups do not allow inbound ICMP type 3 code 4 (path MTU discovery), as AWS recommends.",
		Remediation: "Add an ingress rule for ICMP type 3 code 4 from 0.0.0.0/0 (from_port = 3, to_port = 4, ip_protocol = \"icmp\").",
	},
	Run: runPMTUDICMPNotAllowed,
}

func runPMTUDICMPNotAllowed(p *Pass) error {
	// One finding per set of groups: load balancers that share all their
	// groups share the finding.
	type finding struct {
		gs  groupSet
		lbs []string
	}
	byGroups := map[string]*finding{}
	var order []string
	for _, lb := range p.Graph.LoadBalancers {
		gs, ok := lbGroups(lb)
		if !ok || !lb.Internal.Is(false) {
			continue
		}
		answer := no
		ingress := gs.rules(plan.Ingress)
		for _, r := range ingress {
			v, _ := openToWorld(r, ingress)
			answer = max(answer, both(coversICMP(r, plan.ProtoICMP, 3, 4), v))
		}
		switch {
		case answer == yes:
			continue
		case answer == maybe:
			p.Unresolved(lb.Address, "a rule of "+gs.names()+" whose protocol, type or sources are known only after apply may allow ICMP type 3 code 4", lb.Address)
			continue
		case gs.problem != "":
			p.Unresolved(lb.Address, gs.problem, lb.Address)
			continue
		}
		key := strings.Join(gs.addrs(), ",")
		f := byGroups[key]
		if f == nil {
			f = &finding{gs: gs}
			byGroups[key] = f
			order = append(order, key)
		}
		f.lbs = append(f.lbs, lb.Address)
	}
	for _, key := range order {
		f := byGroups[key]
		addrs := f.gs.addrs()
		p.reportAbsence(Finding{
			Address:       addrs[0],
			Message:       "the security groups of internet-facing " + joinAnd(f.lbs) + " (" + f.gs.names() + ") do not allow inbound ICMP type 3 code 4 from the internet: path MTU discovery fails for clients behind links with a smaller MTU",
			Related:       append(addrs[1:], f.lbs...),
			Location:      f.gs.groups[0].Location,
			LoadBalancers: f.lbs,
		}, ruleTypes)
	}
	return nil
}
