package checks

import (
	"strings"

	"github.com/lbguard/lbguard/plan"
)

var httpListenerNotRedirected = Check{
	Meta: Meta{
		ID:          "LBG101",
		Name:        "http-listener-not-redirected",
		Severity:    High,
		ReportsOn:   "aws_lb_listener",
		Summary:     "An ALB listener on plain HTTP serves content instead of redirecting to HTTPS.",
		Remediation: "Make the HTTP listener's default action a redirect with protocol = \"HTTPS\" and port = \"443\", and move forward and authenticate rules to the HTTPS listener.",
	},
	Run: runHTTPListenerNotRedirected,
}

func runHTTPListenerNotRedirected(p *Pass) error {
	for _, l := range p.Graph.Listeners {
		if !l.Protocol.Known {
			if lb := l.LoadBalancer.Node; lb == nil || lb.IsALB() {
				p.Unresolved(l.Address, "the listener's protocol is known only after apply", lbOf(l)...)
			}
			continue
		}
		if l.Protocol.V != "HTTP" {
			continue
		}
		acts, unknown := actionsOf(l)
		var byDefault, byRules, related []string
		for _, a := range acts {
			// A data-source listener is not changed by this plan: only the
			// rules the plan adds to it are its business.
			if a.Rule == nil && !managed(&l.Resource) {
				continue
			}
			var problem string
			switch {
			case a.Type.Is(plan.ActionForward):
				problem = "forwards to " + targetGroupNames(a.Action)
				related = append(related, targetGroupAddrs(a.Action)...)
			case a.IsAuthenticate():
				problem = "authenticates users (" + a.Type.V + ")"
			case a.Type.Is(plan.ActionRedirect) && a.Rule == nil:
				proto, ok := a.Redirect.TargetProtocol(l.Protocol)
				switch {
				case !ok:
					unknown = append(unknown, "the protocol of its redirect is known only after apply")
				case a.Redirect.Protocol.V == plan.KeepProtocol:
					problem = "redirects with protocol #{protocol}, which keeps HTTP"
				case proto != "HTTPS":
					problem = "redirects to " + proto
				}
			case !a.Type.Known:
				unknown = append(unknown, "the type of an action of "+strings.TrimPrefix(a.where(), "its ")+" is known only after apply")
			}
			switch {
			case problem == "":
			case a.Rule == nil:
				byDefault = append(byDefault, problem)
			default:
				byRules = append(byRules, "its rule "+a.Rule.Address+" "+problem)
				related = append(related, a.Rule.Address)
			}
		}
		if len(byDefault)+len(byRules) == 0 {
			for _, u := range unknown {
				p.Unresolved(l.Address, u, lbOf(l)...)
			}
			if len(l.UnlinkedRules) > 0 {
				p.Unresolved(l.Address, "listener rules whose listener cannot be told ("+unlinkedRuleNames(l)+") may forward on this HTTP listener", lbOf(l)...)
			}
			continue
		}
		details := byRules
		switch {
		case len(byDefault) > 0:
			details = append([]string{"it " + strings.Join(byDefault, " and ")}, byRules...)
		default:
			details[0] = "by default it does not serve content, but " + details[0]
		}
		msg := "listener " + l.Address + " (" + l.Describe() + ") serves plain HTTP instead of redirecting to HTTPS: " + strings.Join(details, "; ")
		p.Report(Finding{
			Address:       l.Address,
			Message:       msg,
			Related:       append(related, lbOf(l)...),
			Location:      l.AttrLocation("default_action"),
			Facts:         []string{"port=" + l.Port.String(), "protocol=HTTP"},
			LoadBalancers: lbOf(l),
		})
	}
	return nil
}
