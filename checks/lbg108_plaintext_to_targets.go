package checks

import "github.com/lbguard/lbguard/plan"

var plaintextToTargets = Check{
	Meta: Meta{
		ID:          "LBG108",
		Name:        "plaintext-to-targets",
		Severity:    Info,
		ReportsOn:   "aws_lb_target_group",
		Summary:     "An HTTPS listener forwards to a target group that speaks plain HTTP to the targets.",
		Remediation: "Where traffic must stay encrypted up to the targets, use a target group with protocol = \"HTTPS\" and serve TLS on the targets.",
	},
	Run: runPlaintextToTargets,
}

func runPlaintextToTargets(p *Pass) error {
	// One finding per load balancer and target group.
	type pair struct {
		lb string
		tg *plan.TargetGroup
	}
	listenersOf := map[pair][]string{}
	var pairs []pair
	lbs := map[string]*plan.LoadBalancer{}
	for _, l := range p.Graph.Listeners {
		if !l.ProtocolIs("HTTPS") {
			continue
		}
		acts, unknown := actionsOf(l)
		for _, u := range unknown {
			p.Unresolved(l.Address, u, lbOf(l)...)
		}
		for _, a := range acts {
			if !a.Type.Is(plan.ActionForward) || (a.Rule == nil && !managed(&l.Resource)) {
				continue
			}
			if pr := a.TargetGroups.Unknown(); pr != "" {
				p.Unresolved(l.Address, pr, lbOf(l)...)
			}
			for _, tg := range a.TargetGroups.Nodes() {
				if !tg.Protocol.Known {
					p.Unresolved(tg.Address, "the target group's protocol is known only after apply", lbOf(l)...)
					continue
				}
				if tg.Protocol.V != "HTTP" {
					continue
				}
				k := pair{tg: tg}
				if lb := l.LoadBalancer.Node; lb != nil {
					k.lb = lb.Address
					lbs[lb.Address] = lb
				}
				if _, ok := listenersOf[k]; !ok {
					pairs = append(pairs, k)
				}
				listenersOf[k] = append(listenersOf[k], l.Address)
			}
		}
	}
	for _, k := range pairs {
		related := append([]string{k.lb}, listenersOf[k]...)
		if lb := lbs[k.lb]; lb != nil {
			for _, g := range lb.SecurityGroups.Nodes() {
				related = append(related, g.Address)
			}
		}
		listeners := uniqueSorted(listenersOf[k], "")
		via := "HTTPS listener " + listeners[0] + " forwards"
		if len(listeners) > 1 {
			via = "HTTPS listeners " + joinAnd(listeners) + " forward"
		}
		p.Report(Finding{
			Address:       k.tg.Address,
			Message:       via + " to target group " + k.tg.Address + " (" + k.tg.Protocol.V + " on port " + k.tg.Port.String() + "): traffic leaves the load balancer unencrypted",
			Related:       related,
			Location:      k.tg.AttrLocation("protocol"),
			Facts:         []string{"lb=" + k.lb},
			LoadBalancers: []string{k.lb},
		})
	}
	return nil
}
