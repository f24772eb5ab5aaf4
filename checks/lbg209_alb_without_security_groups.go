package checks

import "github.com/lbguard/lbguard/plan"

var albWithoutSecurityGroups = Check{
	Meta: Meta{
		ID:          "LBG209",
		Name:        "alb-without-security-groups",
		Severity:    Medium,
		ReportsOn:   "aws_lb",
		Summary:     "An ALB declares no security groups, so AWS attaches the VPC's default group, whose rules the plan does not control.",
		Remediation: "Give the load balancer its own security group (security_groups = [aws_security_group.lb.id]) that allows only its listener ports in and its targets' ports out.",
	},
	Run: runALBWithoutSecurityGroups,
}

func runALBWithoutSecurityGroups(p *Pass) error {
	for _, lb := range p.Graph.LoadBalancers {
		if !managed(&lb.Resource) || !lb.Type.Is(plan.Application) {
			continue
		}
		s := lb.SecurityGroups
		if s.Declared && !(s.Known() && len(s.Links) == 0) {
			continue
		}
		what := "declares no security_groups"
		if s.Declared {
			what = "sets security_groups to an empty list"
		}
		p.Report(Finding{
			Address:       lb.Address,
			Message:       "ALB " + lb.Address + " " + what + ": AWS attaches its VPC's default security group, whose rules this plan does not show or control",
			Location:      lb.AttrLocation("security_groups"),
			LoadBalancers: []string{lb.Address},
		})
	}
	return nil
}
