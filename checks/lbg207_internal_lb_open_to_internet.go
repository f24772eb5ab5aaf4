package checks

import "github.com/lbguard/lbguard/plan"

var internalLBOpenToInternet = Check{
	Meta: Meta{
		ID:          "LBG207",
		Name:        "internal-lb-open-to-internet",
		Severity:    Low,
		ReportsOn:   "aws_security_group",
		Summary:     "An internal load balancer's security group allows inbound traffic from 0.0.0.0/0 or ::/0.",
		Remediation: "Allow the listener ports from the VPC CIDR (or the client networks and security groups that use the load balancer) instead of from anywhere.",
	},
	Run: runInternalLBOpenToInternet,
}

func runInternalLBOpenToInternet(p *Pass) error {
	for _, og := range worldOpenGroups(p, func(lb *plan.LoadBalancer) bool { return !lb.Internal.Is(false) }) {
		var internal, what []string
		for _, lb := range og.lbs {
			internal = append(internal, lb.Address)
		}
		for i, r := range og.open {
			what = append(what, describeOpen(r, og.sources[i]))
		}
		p.Report(Finding{
			Address:       og.group.Address,
			Message:       "security group " + og.group.Address + " of internal " + joinAnd(internal) + " allows inbound traffic from anywhere: " + joinSemi(what),
			Related:       append(ruleAddrs(og.open), og.lbAddrs()...),
			Location:      locateRules(p.Graph, og.group, og.open),
			Facts:         what,
			LoadBalancers: og.lbAddrs(),
		})
	}
	return nil
}
