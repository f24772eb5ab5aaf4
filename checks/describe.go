// Rendering for messages: rules, peers, ports, targets and lists.

package checks

import (
	"sort"
	"strconv"
	"strings"

	"github.com/lbguard/lbguard/plan"
)

// describeRule renders what a rule allows: "tcp 22", "tcp 0-65535",
// "all traffic", "icmp type 8".
func describeRule(r *plan.SGRule) string {
	p := r.Protocol.String()
	switch {
	case r.Protocol.Is(plan.ProtoAll):
		return "all traffic"
	case r.Protocol.Is(plan.ProtoICMP) || r.Protocol.Is(plan.ProtoICMPv6):
		if r.FromPort.Is(-1) {
			return p + " (all types)"
		}
		return p + " type " + r.FromPort.String()
	case r.FromPort == r.ToPort:
		return p + " " + r.FromPort.String()
	}
	return p + " " + r.FromPort.String() + "-" + r.ToPort.String()
}

// ruleName names a rule for messages: its resource, or the group for an
// inline entry.
func ruleName(r *plan.SGRule) string {
	if r.Inline {
		return "an inline " + string(r.Direction) + " rule of " + r.Address
	}
	return r.Address
}

// describePeers renders a rule's peers: "with 10.0.0.0/8, aws_security_group.x".
func describePeers(r *plan.SGRule) string {
	var ps []string
	for _, c := range r.CIDRs {
		ps = append(ps, c.String())
	}
	ps = append(ps, describeValues(r.PrefixLists)...)
	for _, l := range r.Groups {
		switch {
		case l.Node != nil:
			ps = append(ps, l.Node.Address)
		case l.ID != "":
			ps = append(ps, l.ID)
		default:
			ps = append(ps, "a group known only after apply")
		}
	}
	if r.Self {
		ps = append(ps, "its own group")
	}
	if r.PeersReason != "" || r.CIDRsReason != "" {
		ps = append(ps, "peers known only after apply")
	}
	dir := "from"
	if r.Direction == plan.Egress {
		dir = "to"
	}
	return dir + " " + joinAnd(ps)
}

func describeValues(vs []plan.Value[string]) []string {
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		out = append(out, "prefix list "+v.String())
	}
	return out
}

// sortedInts renders ints sorted and without duplicates: "80, 443".
func sortedInts(ns []int) string {
	sort.Ints(ns)
	var parts []string
	for i, n := range ns {
		if i > 0 && n == ns[i-1] {
			continue
		}
		parts = append(parts, strconv.Itoa(n))
	}
	return strings.Join(parts, ", ")
}

func joinAnd(list []string) string {
	switch len(list) {
	case 0:
		return ""
	case 1:
		return list[0]
	}
	out := ""
	for i, s := range list {
		switch {
		case i == 0:
		case i == len(list)-1:
			out += " and "
		default:
			out += ", "
		}
		out += s
	}
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
