package checks

var targetPortNotAllowedOut = Check{
	Meta: Meta{
		ID:          "LBG202",
		Name:        "target-port-not-allowed-out",
		Severity:    High,
		ReportsOn:   "aws_lb_target_group",
		Summary:     "The load balancer's security groups allow no egress to its targets on the port they receive traffic on.",
		Remediation: "Add an egress rule to the load balancer's security group for the targets' port, towards the targets' security group (referenced_security_group_id) or their subnets.",
	},
	Run: func(p *Pass) error {
		egressToTargets(p, trafficPort)
		return nil
	},
}
