package checks

import (
	"testing"

	"github.com/lbguard/lbguard/plan"
)

func TestCoversPort(t *testing.T) {
	unknownPorts := sgRule(plan.Ingress, plan.ProtoTCP, 0, 0)
	unknownPorts.ToPort = plan.Unknown[int]()
	tests := []struct {
		r     *plan.SGRule
		proto string
		port  int
		want  tri
	}{
		{sgRule(plan.Ingress, plan.ProtoAll, 0, 65535), plan.ProtoUDP, 53, yes},
		{sgRule(plan.Ingress, plan.ProtoTCP, 80, 443), plan.ProtoTCP, 443, yes},
		{sgRule(plan.Ingress, plan.ProtoTCP, 80, 443), plan.ProtoTCP, 444, no},
		{sgRule(plan.Ingress, plan.ProtoTCP, 443, 443), plan.ProtoUDP, 443, no},
		{sgRule(plan.Ingress, plan.ProtoICMP, 3, 4), plan.ProtoTCP, 3, no},
		{unknownPorts, plan.ProtoTCP, 80, maybe},
		{&plan.SGRule{}, plan.ProtoTCP, 80, maybe}, // protocol unknown
	}
	for i, tt := range tests {
		if got := coversPort(tt.r, tt.proto, tt.port); got != tt.want {
			t.Errorf("%d: coversPort = %v, want %v", i, got, tt.want)
		}
	}
}

func TestCoversICMP(t *testing.T) {
	tests := []struct {
		from, to int
		want     tri
	}{{3, 4, yes}, {3, -1, yes}, {-1, -1, yes}, {3, 3, no}, {8, 0, no}}
	for _, tt := range tests {
		if got := coversICMP(sgRule(plan.Ingress, plan.ProtoICMP, tt.from, tt.to), plan.ProtoICMP, 3, 4); got != tt.want {
			t.Errorf("icmp %d/%d: %v, want %v", tt.from, tt.to, got, tt.want)
		}
	}
}

func TestCIDRCovers(t *testing.T) {
	inSubnets := endpoint{nets: prefixes("10.0.1.0/24", "10.0.2.0/24"), netsKnown: true}
	inVPC := endpoint{within: prefixes("10.0.0.0/16")}
	tests := []struct {
		name string
		cidr plan.Value[string]
		ep   endpoint
		want tri
	}{
		{"the world covers everything", plan.Known("0.0.0.0/0"), endpoint{}, yes},
		{"the VPC CIDR contains both subnets", plan.Known("10.0.0.0/16"), inSubnets, yes},
		{"one subnet is not enough", plan.Known("10.0.1.0/24"), inSubnets, no},
		{"an unrelated range", plan.Known("192.168.0.0/16"), inSubnets, no},
		{"IPv6 does not cover IPv4 subnets", plan.Known("::/0"), inSubnets, no},
		{"a CIDR containing the VPC", plan.Known("10.0.0.0/8"), inVPC, yes},
		{"subnets unknown, narrower than the VPC", plan.Known("10.0.1.0/24"), inVPC, maybe},
		{"clients: only the world proves it", plan.Known("10.0.0.0/8"), endpoint{clients: true}, maybe},
		{"unknown CIDR", plan.Unknown[string](), inSubnets, maybe},
		{"not a CIDR", plan.Known("nonsense"), inSubnets, maybe},
	}
	for _, tt := range tests {
		if got := cidrCovers(tt.cidr, tt.ep); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestPeersByGroup(t *testing.T) {
	lbGroup := &plan.SecurityGroup{Resource: res("aws_security_group.lb"), ID: plan.Known("sg-1")}
	other := &plan.SecurityGroup{Resource: res("aws_security_group.other"), ID: plan.Known("sg-2")}
	member := endpoint{members: groupSet{groups: []*plan.SecurityGroup{lbGroup}, membersKnown: true}}
	unknownMembers := endpoint{members: groupSet{groups: []*plan.SecurityGroup{lbGroup}}}

	ref := func(l plan.Link[plan.SecurityGroup]) *plan.SGRule {
		r := sgRule(plan.Ingress, plan.ProtoTCP, 80, 80)
		r.Groups = []plan.Link[plan.SecurityGroup]{l}
		return r
	}
	self := sgRule(plan.Ingress, plan.ProtoTCP, 80, 80)
	self.Self, self.Group = true, lbGroup
	tests := []struct {
		name string
		r    *plan.SGRule
		ep   endpoint
		want tri
	}{
		{"names the member's group", ref(plan.Link[plan.SecurityGroup]{Node: lbGroup}), member, yes},
		{"names it by ID", ref(plan.Link[plan.SecurityGroup]{ID: "sg-1"}), member, yes},
		{"names another group", ref(plan.Link[plan.SecurityGroup]{Node: other}), member, no},
		{"another group, membership unknown", ref(plan.Link[plan.SecurityGroup]{Node: other}), unknownMembers, maybe},
		{"an unresolved reference", ref(plan.Link[plan.SecurityGroup]{Reason: "?"}), member, maybe},
		{"self, on the member's group", self, member, yes},
	}
	for _, tt := range tests {
		if got := peers(tt.r, tt.ep); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestClientIPPreserved(t *testing.T) {
	tests := []struct {
		typ, proto, attr string
		want             tri
	}{
		{plan.TargetInstance, "TCP", "", yes},
		{plan.TargetIP, "TCP", "", no},
		{plan.TargetIP, "TLS", "", no},
		{plan.TargetIP, "UDP", "", yes},
		{plan.TargetIP, "TCP_UDP", "", yes},
		{plan.TargetIP, "TCP", "true", yes},
		{plan.TargetInstance, "TCP", "false", no},
	}
	for _, tt := range tests {
		tg := &plan.TargetGroup{TargetType: plan.Known(tt.typ), Protocol: plan.Known(tt.proto), PreserveClientIP: plan.Known(tt.attr)}
		if got := clientIPPreserved(tg); got != tt.want {
			t.Errorf("%s %s preserve=%q: %v, want %v", tt.typ, tt.proto, tt.attr, got, tt.want)
		}
	}
	if got := clientIPPreserved(&plan.TargetGroup{TargetType: plan.Known(plan.TargetIP), PreserveClientIP: plan.Unknown[string]()}); got != maybe {
		t.Errorf("unknown attribute: %v", got)
	}
}

func TestWithinListeners(t *testing.T) {
	used := map[string]map[int]bool{plan.ProtoTCP: {80: true, 443: true}, plan.ProtoUDP: {}}
	tests := []struct {
		r    *plan.SGRule
		want tri
	}{
		{sgRule(plan.Ingress, plan.ProtoTCP, 443, 443), yes},
		{sgRule(plan.Ingress, plan.ProtoTCP, 80, 443), no},  // a range beyond the listeners
		{sgRule(plan.Ingress, plan.ProtoUDP, 443, 443), no}, // UDP 443, TCP listener
		{sgRule(plan.Ingress, plan.ProtoAll, 0, 65535), no},
		{sgRule(plan.Ingress, plan.ProtoICMP, 3, 4), yes}, // path MTU discovery
		{sgRule(plan.Ingress, plan.ProtoICMP, 8, 0), no},  // echo
		{sgRule(plan.Ingress, plan.ProtoICMPv6, 2, 0), yes},
		{sgRule(plan.Ingress, "47", 0, 0), no},
	}
	for i, tt := range tests {
		if got := withinListeners(tt.r, used); got != tt.want {
			t.Errorf("%d %s: %v, want %v", i, describeRule(tt.r), got, tt.want)
		}
	}
}

// TestAllowsAddsRulesUp: CIDRs of several rules together cover an
// endpoint; a partial union is still a refusal that names what is refused.
func TestAllowsAddsRulesUp(t *testing.T) {
	lb := endpoint{nets: prefixes("10.0.1.0/24", "10.0.2.0/24"), netsKnown: true, desc: "aws_lb.a"}
	rule := func(cidr string) *plan.SGRule { return sgRule(plan.Ingress, plan.ProtoTCP, 8080, 8080, cidr) }
	for _, c := range []struct {
		name  string
		rules []*plan.SGRule
		ep    endpoint
		want  tri
		why   string
	}{
		{"two rules, one subnet each", []*plan.SGRule{rule("10.0.1.0/24"), rule("10.0.2.0/24")}, lb, yes, ""},
		{"two halves of a /23", []*plan.SGRule{rule("10.0.0.0/24"), rule("10.0.1.0/24"), rule("10.0.2.0/25"), rule("10.0.2.128/25")}, lb, yes, ""},
		{"one subnet only", []*plan.SGRule{rule("10.0.1.0/24")}, lb, no, "together its rules cover 10.0.1.0/24 but refuse 10.0.2.0/24"},
		{"the other port does not add up", []*plan.SGRule{rule("10.0.1.0/24"), sgRule(plan.Ingress, plan.ProtoTCP, 9090, 9090, "10.0.2.0/24")}, lb, no, "together its rules cover 10.0.1.0/24 but refuse 10.0.2.0/24"},
		{"nothing covered: no partial story", []*plan.SGRule{rule("192.168.0.0/16")}, lb, no, ""},
		{"union covers the VPC", []*plan.SGRule{rule("10.0.0.0/17"), rule("10.0.128.0/17")},
			endpoint{within: prefixes("10.0.0.0/16"), desc: "the targets"}, yes, ""},
		{"halves of the internet cover the clients", []*plan.SGRule{rule("0.0.0.0/1"), rule("128.0.0.0/1")},
			endpoint{clients: true, desc: "the clients"}, yes, ""},
		{"a private range does not cover unknown clients", []*plan.SGRule{rule("10.0.0.0/9"), rule("10.128.0.0/9")},
			endpoint{clients: true, desc: "the clients"}, maybe, ""},
	} {
		got, why := allows(c.rules, plan.ProtoTCP, 8080, c.ep)
		if got != c.want || (c.why != "" && why != c.why) || (c.want == no && c.why == "" && why != "") {
			t.Errorf("%s: allows = %v, %q; want %v, %q", c.name, got, why, c.want, c.why)
		}
	}
}
