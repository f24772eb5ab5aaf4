package checks

var httpsListenerWithoutCertificate = Check{
	Meta: Meta{
		ID:          "LBG105",
		Name:        "https-listener-without-certificate",
		Severity:    High,
		ReportsOn:   "aws_lb_listener",
		Summary:     "An HTTPS or TLS listener has no certificate: AWS rejects it and apply fails.",
		Remediation: "Set certificate_arn to an ACM certificate for the listener's domain (aws_acm_certificate.x.arn); add more with aws_lb_listener_certificate.",
	},
	Run: runHTTPSListenerWithoutCertificate,
}

func runHTTPSListenerWithoutCertificate(p *Pass) error {
	for _, l := range p.Graph.Listeners {
		if !managed(&l.Resource) || !l.ProtocolIs("HTTPS", "TLS") || !l.CertificateARN.Is("") {
			continue
		}
		p.Report(Finding{
			Address:       l.Address,
			Message:       "listener " + l.Address + " (" + l.Describe() + ") has no certificate_arn: AWS requires a default certificate on " + l.Protocol.V + " listeners, so apply will fail",
			Related:       lbOf(l),
			Location:      l.Location,
			Facts:         []string{"protocol=" + l.Protocol.V},
			LoadBalancers: lbOf(l),
		})
	}
	return nil
}
