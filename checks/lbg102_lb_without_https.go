package checks

var lbWithoutHTTPS = Check{
	Meta: Meta{
		ID:          "LBG102",
		Name:        "lb-without-https",
		Severity:    High,
		ReportsOn:   "aws_lb",
		Summary:     "An internet-facing ALB has listeners but none on HTTPS.",
		Remediation: "Add an aws_lb_listener with protocol = \"HTTPS\", a certificate_arn and a TLS 1.3 ssl_policy, and make the HTTP listener redirect to it.",
	},
	Run: runLBWithoutHTTPS,
}

func runLBWithoutHTTPS(p *Pass) error {
	for _, lb := range p.Graph.LoadBalancers {
		switch {
		case !lb.Type.Known:
			if len(lb.Listeners) > 0 {
				p.Unresolved(lb.Address, "load_balancer_type is known only after apply", lb.Address)
			}
			continue
		case !lb.IsALB():
			continue
		}
		if len(lb.Listeners) == 0 && len(lb.UnlinkedListeners) == 0 {
			continue // no listeners at all: nothing is served
		}
		var listeners []string
		var unknown []string
		hasHTTPS := false
		for _, l := range lb.Listeners {
			listeners = append(listeners, l.Address+" ("+l.Describe()+")")
			switch {
			case l.ProtocolIs("HTTPS"):
				hasHTTPS = true
			case !l.Protocol.Known:
				unknown = append(unknown, "the protocol of "+l.Address+" is known only after apply")
			}
		}
		if hasHTTPS {
			continue
		}
		if !lb.Internal.Known {
			p.Unresolved(lb.Address, "whether the load balancer is internal is known only after apply", lb.Address)
			continue
		}
		if lb.Internal.V {
			continue
		}
		for _, l := range lb.UnlinkedListeners {
			// An HTTPS one would clear the load balancer; with no listener
			// of its own, any one decides whether it has listeners at all.
			if !l.Protocol.Known || l.ProtocolIs("HTTPS") || len(lb.Listeners) == 0 {
				unknown = append(unknown, "listener "+l.Address+" may belong to this load balancer (its link cannot be resolved: "+l.LoadBalancer.Reason+")")
			}
		}
		if !managed(&lb.Resource) {
			unknown = append(unknown, "the load balancer is read by a data source: it may have HTTPS listeners this plan does not show")
		}
		if len(unknown) > 0 || len(listeners) == 0 {
			for _, u := range unknown {
				p.Unresolved(lb.Address, u, lb.Address)
			}
			continue
		}
		related := make([]string, 0, len(lb.Listeners))
		for _, l := range lb.Listeners {
			related = append(related, l.Address)
		}
		p.reportAbsence(Finding{
			Address:       lb.Address,
			Message:       "internet-facing ALB " + lb.Address + " has no HTTPS listener: clients reach it over plain HTTP only, through " + joinAnd(listeners),
			Related:       related,
			Location:      lb.Location,
			LoadBalancers: []string{lb.Address},
		}, listenerTypes)
	}
	return nil
}
