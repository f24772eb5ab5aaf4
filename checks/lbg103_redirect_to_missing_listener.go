package checks

import (
	"fmt"
	"strconv"

	"github.com/lbguard/lbguard/plan"
)

var redirectToMissingListener = Check{
	Meta: Meta{
		ID:          "LBG103",
		Name:        "redirect-to-missing-listener",
		Severity:    Medium,
		ReportsOn:   "aws_lb_listener",
		Summary:     "A redirect to HTTPS on the same host goes to a port where the load balancer has no HTTPS listener.",
		Remediation: "Set the redirect's port to the port of the load balancer's HTTPS listener (port = \"443\"), or add an HTTPS listener on the port the redirect uses.",
	},
	Run: runRedirectToMissingListener,
}

func runRedirectToMissingListener(p *Pass) error {
	for _, l := range p.Graph.Listeners {
		acts, unknown := actionsOf(l)
		if l.ProtocolIs("HTTP", "HTTPS") {
			for _, u := range unknown {
				p.Unresolved(l.Address, u, lbOf(l)...)
			}
		}
		// One finding per listener and target port; rules at fault go in related.
		type miss struct {
			port    int
			related []string
			where   []string
		}
		var misses []*miss
		for _, a := range acts {
			if a.Redirect == nil || (a.Rule == nil && !managed(&l.Resource)) {
				continue
			}
			proto, ok := a.Redirect.TargetProtocol(l.Protocol)
			if !ok {
				p.Unresolved(l.Address, "the protocol of the redirect in "+a.where()+" is known only after apply", lbOf(l)...)
				continue
			}
			if proto != "HTTPS" {
				continue
			}
			if !a.Redirect.Host.Known {
				p.Unresolved(l.Address, "the host of the redirect in "+a.where()+" is known only after apply", lbOf(l)...)
				continue
			}
			if a.Redirect.Host.V != plan.KeepHost {
				continue // another host: another load balancer's business
			}
			port, ok := redirectPort(a.Redirect, l)
			if !ok {
				p.Unresolved(l.Address, "the port the redirect in "+a.where()+" goes to is known only after apply", lbOf(l)...)
				continue
			}
			found, reason := httpsListenerOn(l.LoadBalancer, port)
			if found {
				continue
			}
			if reason != "" {
				p.Unresolved(l.Address, reason, lbOf(l)...)
				continue
			}
			var m *miss
			for _, x := range misses {
				if x.port == port {
					m = x
				}
			}
			if m == nil {
				m = &miss{port: port}
				misses = append(misses, m)
			}
			m.where = append(m.where, a.where())
			if a.Rule != nil {
				m.related = append(m.related, a.Rule.Address)
			}
			if a.Redirect.Port.V == plan.KeepPort {
				m.where[len(m.where)-1] += " (#{port} keeps the request's port)"
			}
		}
		for _, m := range misses {
			lb := l.LoadBalancer.Node
			p.reportAbsence(Finding{
				Address: l.Address,
				Message: fmt.Sprintf("listener %s (%s) redirects to https://#{host}:%d in %s, but %s has no HTTPS listener on port %d: the redirect leads nowhere",
					l.Address, l.Describe(), m.port, joinAnd(m.where), lb.Address, m.port),
				Related:       append(m.related, lb.Address),
				Location:      l.AttrLocation("default_action"),
				Facts:         []string{"redirect-port=" + strconv.Itoa(m.port)},
				LoadBalancers: lbOf(l),
			}, listenerTypes)
		}
	}
	return nil
}

// httpsListenerOn reports whether the load balancer has an HTTPS listener
// on the port. reason is set when that cannot be told.
func httpsListenerOn(link plan.Link[plan.LoadBalancer], port int) (found bool, reason string) {
	lb := link.Node
	switch {
	case link.External():
		return false, "the load balancer " + link.ID + " is not managed by this plan: its other listeners are not known"
	case lb == nil:
		return false, "the listener's load balancer cannot be told: " + link.Reason
	}
	var unknown string
	for _, other := range lb.Listeners {
		if other.Port.Is(port) && other.ProtocolIs("HTTPS") {
			return true, ""
		}
		if (!other.Port.Known || !other.Protocol.Known) && unknown == "" {
			unknown = "the port or protocol of " + other.Address + " is known only after apply"
		}
	}
	switch {
	case unknown != "":
		return false, unknown
	case len(lb.UnlinkedListeners) > 0:
		return false, "listener " + lb.UnlinkedListeners[0].Address + " may belong to " + lb.Address + " (its link cannot be resolved)"
	case !managed(&lb.Resource):
		return false, lb.Address + " is read by a data source: it may have listeners this plan does not show"
	}
	return false, ""
}
