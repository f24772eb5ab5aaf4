package checks

var targetPortNotAllowedIn = Check{
	Meta: Meta{
		ID:          "LBG204",
		Name:        "target-port-not-allowed-in",
		Severity:    High,
		ReportsOn:   "aws_instance, aws_autoscaling_group, aws_ecs_service, aws_lb_target_group_attachment",
		Summary:     "The targets' security groups do not let the load balancer in on the port they receive traffic on.",
		Remediation: "Add an ingress rule to the targets' security group for their port, from the load balancer's security group (referenced_security_group_id), or from a CIDR covering its subnets.",
	},
	Run: func(p *Pass) error {
		ingressFromLB(p, trafficPort)
		return nil
	},
}
