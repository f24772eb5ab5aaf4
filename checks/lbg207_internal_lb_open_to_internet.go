package checks

import "github.com/lbguard/lbguard/plan"

var internalLBOpenToInternet = Check{
	Meta: Meta{
		ID:          "LBG207",
		Name:        "internal-lb-open-to-internet",
		Severity:    Low,
		Summary:     "An internal load balancer's security group allows inbound traffic from 0.0.0.0/0 or ::/0.",
		Remediation: "Allow the listener ports from the VPC CIDR (or the client networks and security groups that use the load balancer) instead of from anywhere.",
	},
	Run: runInternalLBOpenToInternet,
}

func runInternalLBOpenToInternet(p *Pass) error {
	keep := func(lb *plan.LoadBalancer) bool { return !lb.Internal.Is(false) }
	noteExternalGroups(p, keep)
	for _, u := range groupsInUse(p.Graph, keep) {
		u.noteUnknownRules(p) // the rules that are known still count
		open, sources, unknown := worldOpenIngress(u.group)
		if len(open) == 0 && len(unknown) == 0 {
			continue
		}
		var internal []string
		for _, lb := range u.lbs {
			if !schemeKnown(lb) {
				p.Unresolved(u.group.Address, "whether "+lb.Address+" is internal is known only after apply", u.lbAddrs()...)
				continue
			}
			internal = append(internal, lb.Address)
		}
		if len(internal) == 0 {
			continue
		}
		for _, n := range unknown {
			p.Unresolved(u.group.Address, n, u.lbAddrs()...)
		}
		if len(open) == 0 {
			continue
		}
		var what []string
		for i, r := range open {
			what = append(what, describeOpen(r, sources[i]))
		}
		p.Report(Finding{
			Address:       u.group.Address,
			Message:       "security group " + u.group.Address + " of internal " + joinAnd(internal) + " allows inbound traffic from anywhere: " + joinSemi(what),
			Related:       append(ruleAddrs(open), u.lbAddrs()...),
			Location:      locateRules(p.Graph, u.group, open),
			Facts:         what,
			LoadBalancers: u.lbAddrs(),
		})
	}
	return nil
}
