// Forwarding: which target groups a load balancer's listeners and rules
// forward to, and what source address their targets see.

package checks

import (
	"sort"
	"strconv"

	"github.com/lbguard/lbguard/plan"
)

// forwarded is a target group a load balancer forwards to, with the
// listeners (and rules) that do.
type forwarded struct {
	tg  *plan.TargetGroup
	via []string
	// maybe says why the load balancer may not forward there at all: only
	// rules whose listener could not be told (and may be another load
	// balancer's) forward there. A blocked path is then a note.
	maybe string
}

// forwardedGroups lists the target groups each listener of the load
// balancer forwards to, by address. A rule whose listener could not be
// told counts when every listener it may belong to is this load balancer's
// (where it forwards, this load balancer forwards); when it may belong to
// another's, its target groups are listed with maybe set.
func forwardedGroups(lb *plan.LoadBalancer) (list []*forwarded, unknown []string) {
	byTG := map[*plan.TargetGroup]*forwarded{}
	add := func(acts []ruleAction, via, maybe string) {
		for _, a := range acts {
			if !a.Type.Is(plan.ActionForward) {
				continue
			}
			if p := a.TargetGroups.Unknown(); p != "" {
				unknown = append(unknown, p)
			}
			for _, tg := range a.TargetGroups.Nodes() {
				f := byTG[tg]
				if f == nil {
					f = &forwarded{tg: tg, maybe: maybe}
					byTG[tg] = f
					list = append(list, f)
				}
				if maybe == "" {
					f.maybe = "" // forwarded for certain by another
				}
				v := via
				if a.Rule != nil {
					v = a.Rule.Address
				}
				f.via = append(f.via, v)
			}
		}
	}
	seen := map[*plan.ListenerRule]bool{}
	for _, l := range lb.Listeners {
		acts, u := actionsOf(l)
		unknown = append(unknown, u...)
		add(acts, l.Address, "")
		for _, r := range l.UnlinkedRules {
			if seen[r] {
				continue
			}
			seen[r] = true
			var racts []ruleAction
			for _, a := range r.Actions.List {
				racts = append(racts, ruleAction{Action: a, Rule: r})
			}
			forwards := r.Actions.Reason != ""
			for _, a := range racts {
				forwards = forwards || !a.Type.Known || a.Type.Is(plan.ActionForward)
			}
			if !forwards {
				continue
			}
			maybe := ""
			if !onlyOn(r, lb) {
				maybe = "listener rule " + r.Address + " forwards there and may belong to a listener of this load balancer or of another (its listener cannot be told: " + r.Listener.Reason + ")"
			}
			if r.Actions.Reason != "" {
				unknown = append(unknown, r.Actions.Reason)
			}
			add(racts, r.Address, maybe)
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].tg.Address < list[j].tg.Address })
	return list, unknown
}

// onlyOn reports whether every listener a rule of unknown listener may
// belong to is a listener of lb.
func onlyOn(r *plan.ListenerRule, lb *plan.LoadBalancer) bool {
	for _, l := range r.Candidates {
		if l.LoadBalancer.Node != lb {
			return false
		}
	}
	return true
}

// noteForwards records that a rule could not decide for a load balancer
// some of whose forward actions lead lbguard does not know where.
func noteForwards(p *Pass, lb *plan.LoadBalancer, unknown []string) {
	for _, u := range unknown {
		p.Unresolved(lb.Address, "where its listeners forward is not known: "+u, lb.Address)
	}
}

// clientIPPreserved reports whether targets of the group see the client's
// address behind an NLB: the preserve_client_ip attribute, else AWS's
// default (on for instance targets and UDP/TCP_UDP IP targets).
func clientIPPreserved(tg *plan.TargetGroup) tri {
	switch {
	case tg.PreserveClientIP.Is("true"):
		return yes
	case tg.PreserveClientIP.Is("false"):
		return no
	case !tg.PreserveClientIP.Is(""), !tg.TargetType.Known:
		return maybe
	case tg.TargetType.Is(plan.TargetInstance):
		return yes
	case tg.TargetType.Is(plan.TargetIP):
		if !tg.Protocol.Known {
			return maybe
		}
		if tg.Protocol.V == "UDP" || tg.Protocol.V == "TCP_UDP" {
			return yes
		}
	}
	return no
}

// healthCheckPort returns a target's health-check port when it differs from
// the port it receives traffic on. differs is false when they are the same
// ("traffic-port", or the same number); known is false when unknown.
func healthCheckPort(t *plan.Target) (port int, differs, known bool) {
	tg := t.TargetGroup
	if !tg.HealthCheckPort.Known {
		return 0, false, false
	}
	if tg.HealthCheckPort.V == "traffic-port" {
		return 0, false, true
	}
	n, err := strconv.Atoi(tg.HealthCheckPort.V)
	if err != nil {
		return 0, false, false
	}
	tp := t.TrafficPort()
	if !tp.Known {
		return n, false, false
	}
	return n, n != tp.V, true
}
