package checks

import (
	"strconv"
	"strings"

	"github.com/lbguard/lbguard/plan"
)

// ruleAction is an action of a listener with the listener rule it belongs
// to (nil for the listener's default actions).
type ruleAction struct {
	plan.Action
	Rule *plan.ListenerRule
}

// where names the place of an action in messages.
func (a ruleAction) where() string {
	if a.Rule == nil {
		return "its default action"
	}
	return "its rule " + a.Rule.Address
}

// actionsOf returns a listener's default actions and its rules' actions.
// unknown lists the action lists the plan does not know.
func actionsOf(l *plan.Listener) (acts []ruleAction, unknown []string) {
	if l.DefaultActions.Reason != "" {
		unknown = append(unknown, l.DefaultActions.Reason)
	}
	for _, a := range l.DefaultActions.List {
		acts = append(acts, ruleAction{Action: a})
	}
	for _, r := range l.Rules {
		if r.Actions.Reason != "" {
			unknown = append(unknown, r.Actions.Reason)
		}
		for _, a := range r.Actions.List {
			acts = append(acts, ruleAction{Action: a, Rule: r})
		}
	}
	return acts, unknown
}

// lbOf returns the address of the listener's load balancer, if known.
func lbOf(l *plan.Listener) []string {
	if l.LoadBalancer.Node != nil {
		return []string{l.LoadBalancer.Node.Address}
	}
	return nil
}

// managed reports whether the plan manages the resource (not a data source).
func managed(r *plan.Resource) bool { return r.Mode == plan.Managed }

// targetGroupNames renders the target groups of a forward action.
func targetGroupNames(a plan.Action) string {
	var names []string
	for _, l := range a.TargetGroups.Links {
		switch {
		case l.Node != nil:
			names = append(names, l.Node.Address)
		case l.ID != "":
			names = append(names, "target group "+l.ID)
		}
	}
	if len(names) == 0 {
		return "its target group"
	}
	return strings.Join(names, ", ")
}

func targetGroupAddrs(a plan.Action) []string {
	var out []string
	for _, tg := range a.TargetGroups.Nodes() {
		out = append(out, tg.Address)
	}
	return out
}

// redirectPort returns the port a redirect sends clients to: its own, or
// for #{port} the listener's.
func redirectPort(r *plan.Redirect, l *plan.Listener) (int, bool) {
	if !r.Port.Known {
		return 0, false
	}
	if r.Port.V == plan.KeepPort {
		return l.Port.V, l.Port.Known
	}
	n, err := strconv.Atoi(strings.TrimSpace(r.Port.V))
	return n, err == nil
}

// unlinkedRuleNames lists rules that could belong to the listener.
func unlinkedRuleNames(l *plan.Listener) string {
	var names []string
	for _, r := range l.UnlinkedRules {
		names = append(names, r.Address)
	}
	return strings.Join(names, ", ")
}

// listenerPorts collects the ports each transport's listeners use. known
// is false when a listener's port or protocol is not known.
func listenerPorts(lbs []*plan.LoadBalancer) (map[string]map[int]bool, bool) {
	used := map[string]map[int]bool{plan.ProtoTCP: {}, plan.ProtoUDP: {}}
	known := true
	for _, lb := range lbs {
		for _, l := range lb.Listeners {
			protos, ok := transports(l.Protocol)
			if !ok || !l.Port.Known {
				known = false
				continue
			}
			for _, proto := range protos {
				used[proto][l.Port.V] = true
			}
		}
		if len(lb.UnlinkedListeners) > 0 {
			known = false
		}
	}
	return used, known
}

func describePorts(used map[string]map[int]bool) string {
	var parts []string
	for _, proto := range []string{plan.ProtoTCP, plan.ProtoUDP} {
		var ports []int
		for p := range used[proto] {
			ports = append(ports, p)
		}
		if len(ports) > 0 {
			parts = append(parts, proto+" "+sortedInts(ports))
		}
	}
	if len(parts) == 0 {
		return "no port"
	}
	return joinAnd(parts)
}
