package checks

var redirectDowngradesToHTTP = Check{
	Meta: Meta{
		ID:          "LBG106",
		Name:        "redirect-downgrades-to-http",
		Severity:    High,
		ReportsOn:   "aws_lb_listener",
		Summary:     "A redirect on an HTTPS listener sends clients to plain HTTP.",
		Remediation: "Set the redirect's protocol to \"HTTPS\" (or leave it unset: #{protocol} keeps HTTPS on an HTTPS listener).",
	},
	Run: runRedirectDowngradesToHTTP,
}

func runRedirectDowngradesToHTTP(p *Pass) error {
	for _, l := range p.Graph.Listeners {
		if !l.ProtocolIs("HTTPS") {
			continue
		}
		acts, unknown := actionsOf(l)
		for _, u := range unknown {
			p.Unresolved(l.Address, u, lbOf(l)...)
		}
		var where, related []string
		for _, a := range acts {
			if a.Redirect == nil || (a.Rule == nil && !managed(&l.Resource)) {
				continue
			}
			if !a.Redirect.Protocol.Known {
				p.Unresolved(l.Address, "the protocol of the redirect in "+a.where()+" is known only after apply", lbOf(l)...)
				continue
			}
			if proto, _ := a.Redirect.TargetProtocol(l.Protocol); proto != "HTTP" {
				continue
			}
			where = append(where, a.where())
			if a.Rule != nil {
				related = append(related, a.Rule.Address)
			}
		}
		if len(where) == 0 {
			continue
		}
		p.Report(Finding{
			Address:       l.Address,
			Message:       "listener " + l.Address + " (" + l.Describe() + ") redirects clients to plain HTTP in " + joinAnd(where) + ": the connection is downgraded after TLS",
			Related:       append(related, lbOf(l)...),
			Location:      l.AttrLocation("default_action"),
			Facts:         []string{"port=" + l.Port.String()},
			LoadBalancers: lbOf(l),
		})
	}
	return nil
}
