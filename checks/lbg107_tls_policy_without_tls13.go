package checks

var tlsPolicyWithoutTLS13 = Check{
	Meta: Meta{
		ID:          "LBG107",
		Name:        "tls-policy-without-tls13",
		Severity:    Low,
		ReportsOn:   "aws_lb_listener",
		Summary:     "An HTTPS or TLS listener's security policy is TLS 1.2-only, not one of the TLS 1.3 policies AWS recommends.",
		Remediation: "Set ssl_policy = \"ELBSecurityPolicy-TLS13-1-2-2021-06\": it adds TLS 1.3 and keeps TLS 1.2 for older clients.",
	},
	Run: runTLSPolicyWithoutTLS13,
}

func runTLSPolicyWithoutTLS13(p *Pass) error {
	for _, l := range p.Graph.Listeners {
		pol, applies, reason := listenerPolicy(l)
		if reason != "" {
			p.Unresolved(l.Address, reason, lbOf(l)...)
		}
		if !applies || pol.weak() || pol.tls13 {
			continue
		}
		p.Report(Finding{
			Address:       l.Address,
			Message:       "listener " + l.Address + " (" + l.Describe() + ") uses ssl_policy " + l.SSLPolicy.String() + ", which offers TLS 1.2 only, without TLS 1.3",
			Related:       lbOf(l),
			Location:      l.AttrLocation("ssl_policy"),
			Facts:         []string{"ssl_policy=" + l.SSLPolicy.String()},
			LoadBalancers: lbOf(l),
		})
	}
	return nil
}
