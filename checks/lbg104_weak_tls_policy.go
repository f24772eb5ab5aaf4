package checks

var weakTLSPolicy = Check{
	Meta: Meta{
		ID:          "LBG104",
		Name:        "weak-tls-policy",
		Severity:    High,
		ReportsOn:   "aws_lb_listener",
		Summary:     "An HTTPS or TLS listener's security policy allows TLS 1.0 or TLS 1.1.",
		Remediation: "Set ssl_policy = \"ELBSecurityPolicy-TLS13-1-2-2021-06\" (TLS 1.3 and 1.2), or ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09, which AWS now recommends.",
	},
	Run: runWeakTLSPolicy,
}

func runWeakTLSPolicy(p *Pass) error {
	for _, l := range p.Graph.Listeners {
		pol, applies, reason := listenerPolicy(l)
		if reason != "" {
			p.Unresolved(l.Address, reason, lbOf(l)...)
		}
		if !applies || !pol.weak() {
			continue
		}
		msg := "listener " + l.Address + " (" + l.Describe() + ") uses ssl_policy " + l.SSLPolicy.String() + ", which allows " + pol.weakVersions()
		if l.SSLPolicyDefaulted {
			msg = "listener " + l.Address + " (" + l.Describe() + ") sets no ssl_policy, so AWS applies its API default " + l.SSLPolicy.String() + ", which allows " + pol.weakVersions()
		}
		p.Report(Finding{
			Address:       l.Address,
			Message:       msg,
			Related:       lbOf(l),
			Location:      l.AttrLocation("ssl_policy"),
			Facts:         []string{"ssl_policy=" + l.SSLPolicy.String()},
			LoadBalancers: lbOf(l),
		})
	}
	return nil
}
