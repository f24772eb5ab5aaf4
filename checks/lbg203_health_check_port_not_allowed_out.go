package checks

var healthCheckPortNotAllowedOut = Check{
	Meta: Meta{
		ID:          "LBG203",
		Name:        "health-check-port-not-allowed-out",
		Severity:    High,
		ReportsOn:   "aws_lb_target_group",
		Summary:     "The load balancer's security groups allow no egress to its targets on their health-check port: the targets never turn healthy.",
		Remediation: "Add an egress rule to the load balancer's security group for the health-check port, towards the targets' security group, or check on traffic-port.",
	},
	Run: func(p *Pass) error {
		egressToTargets(p, healthPort)
		return nil
	},
}
