package checks

import (
	"sort"
	"strconv"
	"strings"

	"github.com/lbguard/lbguard/plan"
)

// The path from a load balancer to its targets is checked twice, for the
// traffic port (LBG202, LBG204) and for the health-check port when it
// differs (LBG203, LBG205). portKind says which.
type portKind int

const (
	trafficPort portKind = iota
	healthPort
)

func (k portKind) noun() string {
	if k == healthPort {
		return "health-check port"
	}
	return "traffic port"
}

// targetPorts groups a target group's targets by the port checked: the
// port they receive traffic on, or their health-check port where it
// differs. A group without targets in the plan yields its own port with no
// targets. unknown lists what cannot be told.
func targetPorts(tg *plan.TargetGroup, kind portKind) (ports map[int][]*plan.Target, unknown []string) {
	ports = map[int][]*plan.Target{}
	if len(tg.Targets) == 0 {
		switch kind {
		case trafficPort:
			if !tg.Port.Known {
				return nil, []string{"the port of " + tg.Address + " is known only after apply"}
			}
			ports[tg.Port.V] = nil
		case healthPort:
			same, known := tg.HealthCheckIsTrafficPort()
			switch {
			case !known:
				return nil, []string{"the health-check port of " + tg.Address + " is known only after apply"}
			case !same:
				n, _ := strconv.Atoi(tg.HealthCheckPort.V)
				ports[n] = nil
			}
		}
		return ports, nil
	}
	for _, t := range tg.Targets {
		switch kind {
		case trafficPort:
			tp := t.TrafficPort()
			if !tp.Known {
				unknown = append(unknown, "the port "+targetName(t)+" receives on is known only after apply")
				continue
			}
			ports[tp.V] = append(ports[tp.V], t)
		case healthPort:
			n, differs, known := healthCheckPort(t)
			if !known {
				unknown = append(unknown, "the health-check port of "+targetName(t)+" is known only after apply")
				continue
			}
			if differs {
				ports[n] = append(ports[n], t)
			}
		}
	}
	return ports, unknown
}

func sortedPorts(m map[int][]*plan.Target) []int {
	out := make([]int, 0, len(m))
	for p := range m {
		out = append(out, p)
	}
	sort.Ints(out)
	return out
}

// targetName names a target by the resource whose groups guard it.
func targetName(t *plan.Target) string {
	if t.Subject != "" {
		return t.Subject
	}
	if t.IP.Known && !t.IP.Sensitive {
		return t.Address + " (" + t.IP.V + ")"
	}
	return t.Address
}

// checkedProtos returns the transports a check looks at: the group's
// protocol for traffic, TCP for health checks (HTTP, HTTPS and TCP checks
// all use TCP).
func checkedProtos(tg *plan.TargetGroup, kind portKind) ([]string, bool) {
	if kind == healthPort {
		return []string{plan.ProtoTCP}, true
	}
	return transports(tg.Protocol)
}

// skipTargets reports target groups whose targets lbguard does not reason
// about here: lambdas (no network path) and ALBs behind an NLB (LBG210).
func skipTargets(tg *plan.TargetGroup) bool {
	return tg.TargetType.Is(plan.TargetLambda) || tg.TargetType.Is(plan.TargetALB)
}

// egressToTargets checks that a load balancer's groups let it reach a
// target group's targets on the traffic or health-check port (LBG202,
// LBG203): one finding per load balancer and target group.
func egressToTargets(p *Pass, kind portKind) {
	for _, lb := range p.Graph.LoadBalancers {
		gs, ok := lbGroups(lb)
		if !ok {
			continue
		}
		fwd, unknown := forwardedGroups(lb)
		noteForwards(p, lb, unknown)
		egress := gs.rules(plan.Egress)
		for _, f := range fwd {
			tg := f.tg
			if skipTargets(tg) {
				continue
			}
			note := func(reason string) { p.Unresolved(tg.Address, reason, lb.Address) }
			protos, ok := checkedProtos(tg, kind)
			if !ok {
				note("the protocol of " + tg.Address + " is known only after apply")
				continue
			}
			ports, unknown := targetPorts(tg, kind)
			for _, u := range unknown {
				note(u)
			}
			var blocked []string
			var facts, related []string
			for _, port := range sortedPorts(ports) {
				targets := ports[port]
				for _, proto := range protos {
					what := proto + " " + strconv.Itoa(port)
					switch portOpen(egress, proto, port) {
					case no:
						if gs.problem != "" {
							note(gs.problem)
							continue
						}
						blocked = append(blocked, what+" to any destination")
						facts = append(facts, what)
						for _, t := range targets {
							related = append(append(related, t.Subject), groupsOf(t.SecurityGroups).addrs()...)
						}
						continue
					case maybe:
						note("a rule of " + gs.names() + " whose ports or protocol are known only after apply may allow " + what)
						continue
					}
					if len(targets) == 0 || tg.TargetsReason != "" {
						// Targets registered elsewhere: only a rule that reaches
						// any target of the group's VPC proves the way out.
						anyTarget := endpoint{within: vpcNets(tg.VPC.Node), desc: "the targets of " + tg.Address}
						if v, _ := allows(egress, proto, port, anyTarget); v != yes {
							reason := "the targets of " + tg.Address + " are not in the plan (registered elsewhere, or by a controller): lbguard cannot tell whether the egress rules for " + what + " reach them"
							if tg.TargetsReason != "" {
								reason = tg.TargetsReason
							}
							note(reason)
						}
					}
					var to []string
					for _, t := range targets {
						v, why := allows(egress, proto, port, targetEndpoint(t))
						switch v {
						case no:
							tgs := groupsOf(t.SecurityGroups)
							to = append(to, targetName(t)+" (in "+tgs.names()+")")
							related = append(related, t.Subject)
							related = append(related, tgs.addrs()...)
						case maybe:
							if why == "" {
								why = "the security groups or addresses of " + targetName(t) + " are not known"
							}
							note(why)
						}
					}
					if len(to) > 0 {
						blocked = append(blocked, what+" to "+joinAnd(to))
						facts = append(facts, what)
					}
				}
			}
			if len(blocked) == 0 {
				continue
			}
			msg := lb.Address + " cannot reach the targets of " + tg.Address + " on their " + kind.noun() + ": no egress rule of its security groups (" + gs.names() + ") allows " + strings.Join(blocked, ", nor ")
			if kind == healthPort {
				msg += "; the targets would never turn healthy"
			}
			p.Report(Finding{
				Address:       tg.Address,
				Message:       msg,
				Related:       append(append(append(related, lb.Address), gs.addrs()...), f.via...),
				Location:      tg.AttrLocation(map[portKind]string{trafficPort: "port", healthPort: "health_check.0.port"}[kind]),
				Facts:         append(facts, "lb="+lb.Address),
				LoadBalancers: []string{lb.Address},
			})
		}
	}
}

// ingressFromLB checks that each target's groups let the load balancer in
// on the traffic or health-check port (LBG204, LBG205): one finding per
// target and load balancer.
func ingressFromLB(p *Pass, kind portKind) {
	type key struct{ subject, lb string }
	type problem struct {
		what    []string
		related []string
		groups  groupSet
		source  string
	}
	for _, lb := range p.Graph.LoadBalancers {
		if !lb.Type.Is(plan.Application) && !lb.Type.Is(plan.Network) {
			continue
		}
		fwd, unknown := forwardedGroups(lb)
		noteForwards(p, lb, unknown)
		found := map[key]*problem{}
		var order []key
		for _, f := range fwd {
			tg := f.tg
			if skipTargets(tg) {
				continue
			}
			protos, ok := checkedProtos(tg, kind)
			if !ok {
				p.Unresolved(tg.Address, "the protocol of "+tg.Address+" is known only after apply", lb.Address)
				continue
			}
			ports, _ := targetPorts(tg, kind)
			for _, port := range sortedPorts(ports) {
				for _, t := range ports[port] {
					subject := targetName(t)
					note := func(reason string) { p.Unresolved(subject, reason, lb.Address) }
					if t.Reason != "" {
						note(t.Reason)
						continue
					}
					gs := groupsOf(t.SecurityGroups)
					ingress := gs.rules(plan.Ingress)
					for _, proto := range protos {
						what := proto + " " + strconv.Itoa(port)
						v, why, source := admitsLB(ingress, proto, port, lb, tg, kind, p.Settings)
						if v == no && gs.problem != "" {
							v, why = maybe, gs.problem
						}
						switch v {
						case maybe:
							if why == "" {
								why = "lbguard cannot tell whether " + subject + " admits " + lb.Address + " on " + what
							}
							note(why)
						case no:
							k := key{subject, lb.Address}
							pr := found[k]
							if pr == nil {
								pr = &problem{groups: gs, source: source}
								found[k] = pr
								order = append(order, k)
							}
							pr.what = append(pr.what, what)
							pr.related = append(pr.related, tg.Address, t.Address)
						}
					}
				}
			}
		}
		for _, k := range order {
			pr := found[k]
			what := uniqueSorted(pr.what, "")
			msg := k.subject + " (security groups: " + pr.groups.names() + ") does not let " + lb.Address + " in on its " + kind.noun() + ": no ingress rule allows " +
				strings.Join(what, " or ") + " " + pr.source
			if kind == healthPort {
				msg += "; health checks fail and the target never turns healthy"
			}
			p.Report(Finding{
				Address:       k.subject,
				Message:       msg,
				Location:      p.Graph.Locate(k.subject),
				Related:       append(append(pr.related, lb.Address), pr.groups.addrs()...),
				Facts:         append(what, "lb="+lb.Address),
				LoadBalancers: []string{lb.Address},
			})
		}
	}
}

// admitsLB reports whether ingress rules admit a load balancer's traffic
// to a target: behind an ALB, and for health checks, the traffic comes from
// the load balancer's own addresses; behind an NLB it comes from the
// clients when the target group preserves client IPs, though a rule naming
// the NLB's security group admits it either way.
func admitsLB(ingress []*plan.SGRule, proto string, port int, lb *plan.LoadBalancer, tg *plan.TargetGroup, kind portKind, settings Settings) (tri, string, string) {
	lbEP := lbEndpoint(lb, tg.VPC.Node)
	fromLB := "from the load balancer (its security groups " + lbEP.members.names() + ", or a CIDR covering its subnets)"
	if !lbEP.members.membersKnown || len(lbEP.members.addrs()) == 0 {
		fromLB = "from the load balancer (a CIDR covering its subnets)"
	}
	if kind == healthPort || !lb.Type.Is(plan.Network) {
		v, why := allows(ingress, proto, port, lbEP)
		return v, why, fromLB
	}
	clientEP := endpoint{members: lbEP.members, clients: true, desc: "the clients of " + lb.Address}
	if lb.Internal.Is(true) && len(settings.InternalClientCIDRs) > 0 {
		// The configuration says where internal clients are.
		clientEP.clients, clientEP.nets, clientEP.netsKnown = false, settings.InternalClientCIDRs, true
		clientEP.desc = "the clients of " + lb.Address + " (internal_client_cidrs)"
	}
	fromClients := "from the clients (client IP preservation is on, so the targets see the clients' addresses)"
	if len(lbEP.members.addrs()) > 0 {
		fromClients += " or from the load balancer's security groups (" + lbEP.members.names() + ")"
	}
	switch clientIPPreserved(tg) {
	case yes:
		v, why := allows(ingress, proto, port, clientEP)
		return v, why, fromClients
	case no:
		v, why := allows(ingress, proto, port, lbEP)
		return v, why, fromLB
	}
	a, whyA := allows(ingress, proto, port, clientEP)
	b, whyB := allows(ingress, proto, port, lbEP)
	switch {
	case a == yes && b == yes:
		return yes, "", ""
	case a == no && b == no:
		return no, "", fromClients + ", nor " + fromLB
	}
	why := whyA
	if why == "" {
		why = whyB
	}
	if why == "" {
		why = "whether " + tg.Address + " preserves client IPs is known only after apply"
	}
	return maybe, why, ""
}
