// The path from a load balancer to its targets (LBG202-LBG205): a pure
// verdict per load balancer and target group, then the report step.

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
// targets. unknown lists what cannot be told; unknownAt are the targets
// whose port is among it.
func targetPorts(tg *plan.TargetGroup, kind portKind) (ports map[int][]*plan.Target, unknownAt []*plan.Target, unknown []string) {
	ports = map[int][]*plan.Target{}
	if len(tg.Targets) == 0 {
		switch kind {
		case trafficPort:
			if !tg.Port.Known {
				return nil, nil, []string{"the port of " + tg.Address + " is known only after apply"}
			}
			ports[tg.Port.V] = nil
		case healthPort:
			same, known := tg.HealthCheckIsTrafficPort()
			switch {
			case !known:
				return nil, nil, []string{"the health-check port of " + tg.Address + " is known only after apply"}
			case !same:
				n, _ := strconv.Atoi(tg.HealthCheckPort.V)
				ports[n] = nil
			}
		}
		return ports, nil, nil
	}
	for _, t := range tg.Targets {
		switch kind {
		case trafficPort:
			tp := t.TrafficPort()
			if !tp.Known {
				unknown = append(unknown, "the port "+targetName(t)+" receives on is known only after apply")
				unknownAt = append(unknownAt, t)
				continue
			}
			ports[tp.V] = append(ports[tp.V], t)
		case healthPort:
			n, differs, known := healthCheckPort(t)
			if !known {
				unknown = append(unknown, "the health-check port of "+targetName(t)+" is known only after apply")
				unknownAt = append(unknownAt, t)
				continue
			}
			if differs {
				ports[n] = append(ports[n], t)
			}
		}
	}
	return ports, unknownAt, unknown
}

func sortedPorts(m map[int][]*plan.Target) []int {
	out := make([]int, 0, len(m))
	for p := range m {
		out = append(out, p)
	}
	sort.Ints(out)
	return out
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

// egressVerdict is what a load balancer's egress rules prove about one
// target group it forwards to, for one kind of port.
type egressVerdict struct {
	blocked []string // "tcp 8080 to any destination", "tcp 8080 to X (in Y)"
	facts   []string // the ports at fault, for the fingerprint
	related []string // the targets at fault and their groups
	notes   []string // what could not be decided, and why
}

// egressToGroup decides whether the egress rules of an LB's groups let it
// reach the targets of tg on the traffic or health-check port. It only
// reads the graph.
func egressToGroup(gs groupSet, tg *plan.TargetGroup, kind portKind) egressVerdict {
	var v egressVerdict
	protos, ok := checkedProtos(tg, kind)
	if !ok {
		v.notes = append(v.notes, "the protocol of "+tg.Address+" is known only after apply")
		return v
	}
	ports, _, unknown := targetPorts(tg, kind)
	v.notes = append(v.notes, unknown...)
	egress := gs.rules(plan.Egress)
	for _, port := range sortedPorts(ports) {
		for _, proto := range protos {
			v.egressOnPort(gs, egress, tg, ports[port], proto, port)
		}
	}
	return v
}

// egressOnPort adds to the verdict what the rules prove for one transport
// and port, towards the targets receiving on it.
func (v *egressVerdict) egressOnPort(gs groupSet, egress []*plan.SGRule, tg *plan.TargetGroup, targets []*plan.Target, proto string, port int) {
	what := proto + " " + strconv.Itoa(port)
	switch portOpen(egress, proto, port) {
	case no:
		if gs.problem != "" {
			v.notes = append(v.notes, gs.problem)
			return
		}
		v.blocked = append(v.blocked, what+" to any destination")
		v.facts = append(v.facts, what)
		for _, t := range targets {
			v.related = append(append(v.related, t.Subject), groupsOf(t.SecurityGroups).addrs()...)
		}
		return
	case maybe:
		v.notes = append(v.notes, "a rule of "+gs.names()+" whose ports or protocol are known only after apply may allow "+what)
		return
	}
	if len(targets) == 0 || tg.TargetsReason != "" {
		// Targets registered elsewhere: only a rule that reaches any
		// target of the group's VPC proves the way out.
		anyTarget := endpoint{within: vpcNets(tg.VPC.Node), desc: "the targets of " + tg.Address}
		if a, _ := allows(egress, proto, port, anyTarget); a != yes {
			reason := "the targets of " + tg.Address + " are not in the plan (registered elsewhere, or by a controller): lbguard cannot tell whether the egress rules for " + what + " reach them"
			if tg.TargetsReason != "" {
				reason = tg.TargetsReason
			}
			v.notes = append(v.notes, reason)
		}
	}
	var to []string
	for _, t := range targets {
		a, why := allows(egress, proto, port, targetEndpoint(t))
		switch a {
		case no:
			tgs := groupsOf(t.SecurityGroups)
			partial := ""
			if why != "" {
				partial = "; " + why
			}
			to = append(to, targetName(t)+" (in "+tgs.names()+partial+")")
			v.related = append(append(v.related, t.Subject), tgs.addrs()...)
		case maybe:
			if why == "" {
				why = "the security groups or addresses of " + targetName(t) + " are not known"
			}
			v.notes = append(v.notes, why)
		}
	}
	if len(to) > 0 {
		v.blocked = append(v.blocked, what+" to "+joinAnd(to))
		v.facts = append(v.facts, what)
	}
}

// egressToTargets reports, for LBG202 and LBG203, each load balancer and
// target group pair whose egress verdict blocks a port.
func egressToTargets(p *Pass, kind portKind) {
	for _, lb := range p.Graph.LoadBalancers {
		gs, ok := lbGroups(lb)
		if !ok {
			continue
		}
		if egressOpenToAll(gs) {
			// Every port of every protocol to all of IPv4: whatever the
			// target groups, ports and protocols turn out to be, the way
			// out is open (a note would ask about what cannot matter).
			continue
		}
		fwd, unknown := forwardedGroups(lb)
		noteForwards(p, lb, unknown)
		for _, f := range fwd {
			if skipTargets(f.tg) {
				continue
			}
			v := egressToGroup(gs, f.tg, kind)
			for _, n := range v.notes {
				p.Unresolved(f.tg.Address, n, lb.Address)
			}
			if len(v.blocked) == 0 {
				continue
			}
			msg := lb.Address + " cannot reach the targets of " + f.tg.Address + " on their " + kind.noun() + ": no egress rule of its security groups (" + gs.names() + ") allows " + strings.Join(v.blocked, ", nor ")
			if kind == healthPort {
				msg += "; the targets would never turn healthy"
			}
			p.reportUnlessMaybe(Finding{
				Address:       f.tg.Address,
				Message:       msg,
				Related:       append(append(append(v.related, lb.Address), gs.addrs()...), f.via...),
				Location:      f.tg.AttrLocation(map[portKind]string{trafficPort: "port", healthPort: "health_check.0.port"}[kind]),
				Facts:         append(v.facts, "lb="+lb.Address),
				LoadBalancers: []string{lb.Address},
			}, f.maybe, ruleTypes)
		}
	}
}

// ingressProblem is a target whose groups do not admit a load balancer.
type ingressProblem struct {
	subject string   // the resource whose groups guard the target
	what    []string // "tcp 8080"
	related []string
	groups  groupSet
	source  string // whom the ingress must admit, for the message
	maybe   string // why the load balancer may not send there at all
}

// ingressNote is what could not be decided about one target.
type ingressNote struct{ subject, reason string }

// ingressFromGroup decides whether the targets of tg admit the load
// balancer on the traffic or health-check port. It only reads the graph.
func ingressFromGroup(lb *plan.LoadBalancer, tg *plan.TargetGroup, kind portKind, settings Settings) (problems []ingressProblem, notes []ingressNote) {
	// Where the protocol or a port is unknown, the verdict is still yes
	// when every value it may take gives yes: the rules admit the load
	// balancer on TCP and UDP, or on every port.
	protos, protoKnown := checkedProtos(tg, kind)
	if !protoKnown {
		protos = []string{plan.ProtoTCP, plan.ProtoUDP}
	}
	unknownProto := "the protocol of " + tg.Address + " is known only after apply"
	if same, known := tg.HealthCheckIsTrafficPort(); tg.TargetsReason != "" && (kind == trafficPort || !known || !same) {
		// Targets lbguard cannot link may be registered with it: their
		// groups are not checked, so the rule cannot pass them.
		notes = append(notes, ingressNote{tg.Address, tg.TargetsReason})
	}
	ports, unknownAt, _ := targetPorts(tg, kind)
	for _, t := range unknownAt {
		if t.Reason != "" {
			notes = append(notes, ingressNote{targetName(t), t.Reason})
			continue
		}
		if !admitsOnEveryPort(t, lb, tg, kind, protos, settings) {
			notes = append(notes, ingressNote{targetName(t), "the " + kind.noun() + " of " + targetName(t) + " is known only after apply, and no rule admits " + lb.Address + " on every port"})
		}
	}
	for _, port := range sortedPorts(ports) {
		for _, t := range ports[port] {
			subject := targetName(t)
			if t.Reason != "" {
				notes = append(notes, ingressNote{subject, t.Reason})
				continue
			}
			gs := groupsOf(t.SecurityGroups)
			ingress := gs.rules(plan.Ingress)
			for _, proto := range protos {
				what := proto + " " + strconv.Itoa(port)
				v, why, source := admitsLB(ingress, proto, port, lb, tg, kind, settings)
				if v == no && gs.problem != "" {
					v, why = maybe, gs.problem
				}
				if v != yes && !protoKnown {
					notes = append(notes, ingressNote{subject, unknownProto})
					break
				}
				switch v {
				case maybe:
					if why == "" {
						why = "lbguard cannot tell whether " + subject + " admits " + lb.Address + " on " + what
					}
					notes = append(notes, ingressNote{subject, why})
				case no:
					if why != "" {
						source += " (" + why + ")"
					}
					problems = append(problems, ingressProblem{subject: subject, what: []string{what},
						related: []string{tg.Address, t.Address}, groups: gs, source: source})
				}
			}
		}
	}
	return problems, notes
}

// ingressFromLB reports, for LBG204 and LBG205, each target and load
// balancer pair whose ingress verdict refuses a port: one finding per pair,
// whatever the number of target groups and ports involved.
func ingressFromLB(p *Pass, kind portKind) {
	for _, lb := range p.Graph.LoadBalancers {
		if !lb.Type.Is(plan.Application) && !lb.Type.Is(plan.Network) {
			continue
		}
		fwd, unknown := forwardedGroups(lb)
		noteForwards(p, lb, unknown)
		found := map[string]*ingressProblem{}
		var order []string
		for _, f := range fwd {
			if skipTargets(f.tg) {
				continue
			}
			problems, notes := ingressFromGroup(lb, f.tg, kind, p.Settings)
			for _, n := range notes {
				p.Unresolved(n.subject, n.reason, lb.Address)
			}
			for _, pr := range problems {
				merged := found[pr.subject]
				if merged == nil {
					merged = &ingressProblem{subject: pr.subject, groups: pr.groups, source: pr.source, maybe: f.maybe}
					found[pr.subject] = merged
					order = append(order, pr.subject)
				}
				if f.maybe == "" {
					merged.maybe = "" // refused on a path that is certain
				}
				merged.what = append(merged.what, pr.what...)
				merged.related = append(merged.related, pr.related...)
			}
		}
		for _, subject := range order {
			pr := found[subject]
			what := uniqueSorted(pr.what, "")
			msg := subject + " (security groups: " + pr.groups.names() + ") does not let " + lb.Address + " in on its " + kind.noun() + ": no ingress rule allows " +
				strings.Join(what, " or ") + " " + pr.source
			if kind == healthPort {
				msg += "; health checks fail and the target never turns healthy"
			}
			p.reportUnlessMaybe(Finding{
				Address:       subject,
				Message:       msg,
				Location:      p.Graph.Locate(subject),
				Related:       append(append(pr.related, lb.Address), pr.groups.addrs()...),
				Facts:         append(what, "lb="+lb.Address),
				LoadBalancers: []string{lb.Address},
			}, pr.maybe, ruleTypes)
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

// egressOpenToAll reports whether a rule of the groups lets all traffic
// out to all of IPv4, so that no target can be out of reach.
func egressOpenToAll(gs groupSet) bool {
	egress := gs.rules(plan.Egress)
	for _, r := range egress {
		if v, cidr := openToWorld(r, egress); v == yes && r.Protocol.Is(plan.ProtoAll) && strings.HasPrefix(cidr, "0.0.0.0/0") {
			return true
		}
	}
	return false
}

// admitsOnEveryPort reports whether a target's rules admit the load
// balancer on every port of each protocol: then its unknown port does not
// matter. Only rules that open every port count, so any one port decides.
func admitsOnEveryPort(t *plan.Target, lb *plan.LoadBalancer, tg *plan.TargetGroup, kind portKind, protos []string, settings Settings) bool {
	var everyPort []*plan.SGRule
	for _, r := range groupsOf(t.SecurityGroups).rules(plan.Ingress) {
		if coversRange(r, plan.ProtoTCP, allPortsRange) == yes || coversRange(r, plan.ProtoUDP, allPortsRange) == yes {
			everyPort = append(everyPort, r)
		}
	}
	for _, proto := range protos {
		if v, _, _ := admitsLB(everyPort, proto, 1, lb, tg, kind, settings); v != yes {
			return false
		}
	}
	return true
}

// allPortsRange is the test of a rule that opens every port (0 or 1 to 65535).
func allPortsRange(from, to int) bool { return from <= 1 && to >= 65535 }
