package checks

import "github.com/lbguard/lbguard/plan"

var lbEgressUnrestricted = Check{
	Meta: Meta{
		ID:          "LBG208",
		Name:        "lb-egress-unrestricted",
		Severity:    Low,
		ReportsOn:   "aws_security_group",
		Summary:     "A load balancer's security group allows all egress to 0.0.0.0/0 or ::/0.",
		Remediation: "Replace the allow-all egress with rules towards the targets' security group on the target and health-check ports only.",
	},
	Run: runLBEgressUnrestricted,
}

func runLBEgressUnrestricted(p *Pass) error {
	keep := func(*plan.LoadBalancer) bool { return true }
	noteUnknownGroups(p, keep)
	for _, u := range groupsInUse(p.Graph, keep) {
		u.noteUnknownRules(p) // the rules that are known still count
		var what []string
		var rules []*plan.SGRule
		for _, r := range u.group.Rules {
			if r.Direction != plan.Egress || !allPorts(r) {
				continue
			}
			switch v, cidr := openToWorld(r, u.group.Rules); v {
			case yes:
				what = append(what, describeRule(r)+" to "+cidr+" ("+ruleName(r)+")")
				rules = append(rules, r)
			case maybe:
				p.Unresolved(u.group.Address, ruleName(r)+" allows "+describeRule(r)+" out to destinations known only after apply", u.lbAddrs()...)
			}
		}
		if len(what) == 0 {
			continue
		}
		p.Report(Finding{
			Address:       u.group.Address,
			Message:       "security group " + u.group.Address + " of " + joinAnd(u.lbAddrs()) + " allows all egress: " + joinSemi(what),
			Related:       append(ruleAddrs(rules), u.lbAddrs()...),
			Location:      locateRules(p.Graph, u.group, rules),
			Facts:         what,
			LoadBalancers: u.lbAddrs(),
		})
	}
	return nil
}

// allPorts reports whether a rule opens every port: all protocols, or
// TCP 0-65535 (or 1-65535).
func allPorts(r *plan.SGRule) bool {
	if r.Protocol.Is(plan.ProtoAll) {
		return true
	}
	return r.Protocol.Is(plan.ProtoTCP) && r.FromPort.Known && r.FromPort.V <= 1 && r.ToPort.Is(65535)
}
