package checks

var healthCheckPortNotAllowedIn = Check{
	Meta: Meta{
		ID:          "LBG205",
		Name:        "health-check-port-not-allowed-in",
		Severity:    High,
		ReportsOn:   "aws_instance, aws_autoscaling_group, aws_ecs_service, aws_lb_target_group_attachment",
		Summary:     "The targets' security groups do not let the load balancer's health checks in on the health-check port.",
		Remediation: "Add an ingress rule to the targets' security group for the health-check port, from the load balancer's security group, or check on traffic-port.",
	},
	Run: func(p *Pass) error {
		ingressFromLB(p, healthPort)
		return nil
	},
}
