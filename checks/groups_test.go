package checks

import (
	"strings"
	"testing"

	"github.com/lbguard/lbguard/plan"
)

func TestLBG201Transports(t *testing.T) {
	b := newGraph()
	g := group("aws_security_group.nlb", sgRule(plan.Ingress, plan.ProtoTCP, 53, 53, "0.0.0.0/0"))
	nlb := b.lb(withGroups(newLB("aws_lb.n", plan.Network, false), g))
	b.listener(nlb, "aws_lb_listener.dns", 53, "TCP_UDP", fixed())
	b.listener(nlb, "aws_lb_listener.tcp", 53, "TCP", fixed())
	exempt := b.lb(newLB("aws_lb.bare", plan.Network, false)) // an NLB without groups
	b.listener(exempt, "aws_lb_listener.bare", 99, "TCP", fixed())
	fs, ns := runCheck(t, listenerPortNotAllowedIn, b.g)
	if got := outcome(fs, ns); got != "F:aws_lb_listener.dns" {
		t.Fatalf("got %q", got)
	}
	if !strings.Contains(fs[0].Message, "allows udp 53 from any source") {
		t.Errorf("message: %s", fs[0].Message)
	}
}

func TestLBG201UnknownRulesAreANote(t *testing.T) {
	b := newGraph()
	g := group("aws_security_group.lb")
	g.RulesReason = "the ingress rules of aws_security_group.lb are known only after apply"
	lb := b.lb(withGroups(newLB("aws_lb.a", plan.Application, false), g))
	b.listener(lb, "aws_lb_listener.l", 443, "HTTPS", fixed())
	if got := outcome(runCheck(t, listenerPortNotAllowedIn, b.g)); got != "N:aws_lb_listener.l" {
		t.Errorf("got %q", got)
	}
}

func TestLBG206ListenersOfEveryLoadBalancerOfTheGroup(t *testing.T) {
	b := newGraph()
	shared := group("aws_security_group.edge",
		sgRule(plan.Ingress, plan.ProtoTCP, 80, 80, "0.0.0.0/0"),
		sgRule(plan.Ingress, plan.ProtoTCP, 443, 443, "0.0.0.0/0"),
		sgRule(plan.Ingress, plan.ProtoTCP, 22, 22, "10.0.0.0/8"), // not from the world: fine
		sgRule(plan.Ingress, plan.ProtoTCP, 3389, 3389, "::/0"))
	a := b.lb(withGroups(newLB("aws_lb.a", plan.Application, false), shared))
	c := b.lb(withGroups(newLB("aws_lb.c", plan.Application, false), shared))
	b.listener(a, "aws_lb_listener.a", 80, "HTTP", fixed())
	b.listener(c, "aws_lb_listener.c", 443, "HTTPS", fixed())
	fs, ns := runCheck(t, lbOpenBeyondListeners, b.g)
	if got := outcome(fs, ns); got != "F:aws_security_group.edge" {
		t.Fatalf("got %q", got)
	}
	if !strings.Contains(fs[0].Message, "tcp 3389 from ::/0") || strings.Contains(fs[0].Message, "tcp 80 ") || strings.Contains(fs[0].Message, "tcp 22") {
		t.Errorf("message: %s", fs[0].Message)
	}
	if strings.Join(fs[0].Related, ",") != "aws_lb.a,aws_lb.c" {
		t.Errorf("both load balancers in related: %v", fs[0].Related)
	}
}

func TestLBG206And207UnknownScheme(t *testing.T) {
	b := newGraph()
	g := group("aws_security_group.lb", sgRule(plan.Ingress, plan.ProtoTCP, 22, 22, "0.0.0.0/0"))
	lb := b.lb(withGroups(newLB("aws_lb.a", plan.Application, false), g))
	lb.Internal = plan.Unknown[bool]()
	b.listener(lb, "aws_lb_listener.l", 443, "HTTPS", fixed())
	for _, c := range []Check{lbOpenBeyondListeners, internalLBOpenToInternet} {
		if got := outcome(runCheck(t, c, b.g)); got != "N:aws_security_group.lb" {
			t.Errorf("%s: got %q, want a note only", c.ID, got)
		}
	}
}

func TestLBG207AndLBG208(t *testing.T) {
	b := newGraph()
	open := group("aws_security_group.int",
		sgRule(plan.Ingress, plan.ProtoTCP, 443, 443, "0.0.0.0/0"),
		sgRule(plan.Egress, plan.ProtoTCP, 0, 65535, "::/0"))
	vpcOnly := group("aws_security_group.ok",
		sgRule(plan.Ingress, plan.ProtoTCP, 443, 443, "10.0.0.0/16"),
		sgRule(plan.Egress, plan.ProtoTCP, 1024, 65535, "0.0.0.0/0")) // not all ports
	b.lb(withGroups(newLB("aws_lb.int", plan.Application, true), open))
	b.lb(withGroups(newLB("aws_lb.ok", plan.Application, true), vpcOnly))
	if got := outcome(runCheck(t, internalLBOpenToInternet, b.g)); got != "F:aws_security_group.int" {
		t.Errorf("LBG207: %q", got)
	}
	if got := outcome(runCheck(t, lbEgressUnrestricted, b.g)); got != "F:aws_security_group.int" {
		t.Errorf("LBG208: %q", got)
	}
}

func TestLBG209(t *testing.T) {
	b := newGraph()
	b.lb(newLB("aws_lb.none", plan.Application, false))
	empty := b.lb(newLB("aws_lb.empty", plan.Application, false))
	empty.SecurityGroups = plan.LinkSet[plan.SecurityGroup]{Declared: true}
	unknown := b.lb(newLB("aws_lb.later", plan.Application, false))
	unknown.SecurityGroups = plan.LinkSet[plan.SecurityGroup]{Declared: true, Reason: "known after apply"}
	b.lb(newLB("aws_lb.nlb", plan.Network, false))
	data := b.lb(newLB("data.aws_lb.old", plan.Application, false))
	data.Mode = plan.Data
	if got := outcome(runCheck(t, albWithoutSecurityGroups, b.g)); got != "F:aws_lb.empty F:aws_lb.none" {
		t.Errorf("got %q", got)
	}
}

// LBG210 is not raised where LBG201 already says nothing gets in.
func TestLBG210DefersToLBG201(t *testing.T) {
	b := newGraph()
	albGroup := group("aws_security_group.alb") // no ingress at all
	alb := b.lb(withGroups(newLB("aws_lb.alb", plan.Application, true), albGroup))
	b.listener(alb, "aws_lb_listener.alb", 443, "HTTPS", fixed())
	nlb := b.lb(newLB("aws_lb.nlb", plan.Network, false))
	tg := b.tg("aws_lb_target_group.alb", "TCP")
	tg.TargetType, tg.Port = plan.Known(plan.TargetALB), plan.Known(443)
	tg.Targets = []*plan.Target{{Address: "aws_lb_target_group_attachment.alb", Kind: plan.TargetALB, TargetGroup: tg,
		LoadBalancer: plan.Link[plan.LoadBalancer]{Node: alb}}}
	b.listener(nlb, "aws_lb_listener.nlb", 443, "TCP", forward(tg))
	if got := outcome(runCheck(t, albBehindNLBNotAllowed, b.g)); got != "" {
		t.Errorf("LBG210: %q", got)
	}
	if got := outcome(runCheck(t, listenerPortNotAllowedIn, b.g)); got != "F:aws_lb_listener.alb" {
		t.Errorf("LBG201: %q", got)
	}
	// Clients only: now LBG210.
	albGroup.Rules = []*plan.SGRule{sgRule(plan.Ingress, plan.ProtoTCP, 443, 443, "203.0.113.0/24")}
	alb.Subnets = plan.LinkSet[plan.Subnet]{}
	nlb.Subnets = plan.LinkSet[plan.Subnet]{Declared: true, Links: []plan.Link[plan.Subnet]{{Node: &plan.Subnet{Resource: res("aws_subnet.a"), CIDR: plan.Known("10.0.1.0/24")}}}}
	if got := outcome(runCheck(t, albBehindNLBNotAllowed, b.g)); got != "F:aws_lb.alb" {
		t.Errorf("LBG210 with client CIDR only: %q", got)
	}
}

func TestLBG211OnePerGroupSet(t *testing.T) {
	b := newGraph()
	g := group("aws_security_group.edge", sgRule(plan.Ingress, plan.ProtoTCP, 443, 443, "0.0.0.0/0"))
	pmtud := group("aws_security_group.ok", sgRule(plan.Ingress, plan.ProtoICMP, 3, 4, "0.0.0.0/0"))
	b.lb(withGroups(newLB("aws_lb.a", plan.Application, false), g))
	b.lb(withGroups(newLB("aws_lb.b", plan.Application, false), g))
	b.lb(withGroups(newLB("aws_lb.c", plan.Application, false), g, pmtud))
	b.lb(withGroups(newLB("aws_lb.int", plan.Application, true), g))
	fs, ns := runCheck(t, pmtudICMPNotAllowed, b.g)
	if got := outcome(fs, ns); got != "F:aws_security_group.edge" {
		t.Fatalf("got %q", got)
	}
	if strings.Join(fs[0].LoadBalancers, ",") != "aws_lb.a,aws_lb.b" {
		t.Errorf("load balancers: %v", fs[0].LoadBalancers)
	}
}

// TestLBG206AgreesWithOtherFixes: the ports that LBG102's and LBG103's fixes
// ask for are not "open beyond the listeners"; other ports still are, and an
// NLB (which LBG102 is not about) gets no such allowance.
func TestLBG206AgreesWithOtherFixes(t *testing.T) {
	open := func(ports ...int) *plan.SecurityGroup {
		var rules []*plan.SGRule
		for _, p := range ports {
			rules = append(rules, sgRule(plan.Ingress, plan.ProtoTCP, p, p, "0.0.0.0/0"))
		}
		return group("aws_security_group.lb", rules...)
	}
	for _, c := range []struct {
		name   string
		build  func(b *graphBuilder)
		beyond []string // the ports LBG206 must report; none: no finding
	}{
		{"ALB without HTTPS: 443 is LBG102's fix", func(b *graphBuilder) {
			lb := b.lb(withGroups(newLB("aws_lb.a", plan.Application, false), open(80, 443, 22)))
			b.listener(lb, "aws_lb_listener.http", 80, "HTTP", fixed())
		}, []string{"tcp 22 "}},
		{"redirect to HTTPS on 8443 with no listener there: LBG103's fix", func(b *graphBuilder) {
			lb := b.lb(withGroups(newLB("aws_lb.a", plan.Application, false), open(80, 443, 8443)))
			b.listener(lb, "aws_lb_listener.http", 80, "HTTP", redirect("HTTPS", "8443", plan.KeepHost))
			b.listener(lb, "aws_lb_listener.https", 443, "HTTPS", fixed())
		}, nil},
		{"ALB with HTTPS: nothing asked, 8443 is beyond", func(b *graphBuilder) {
			lb := b.lb(withGroups(newLB("aws_lb.a", plan.Application, false), open(80, 443, 8443)))
			b.listener(lb, "aws_lb_listener.http", 80, "HTTP", redirect("HTTPS", "443", plan.KeepHost))
			b.listener(lb, "aws_lb_listener.https", 443, "HTTPS", fixed())
		}, []string{"tcp 8443 "}},
		{"redirect to another host: not this load balancer's port", func(b *graphBuilder) {
			lb := b.lb(withGroups(newLB("aws_lb.a", plan.Application, false), open(80, 443, 8443)))
			b.listener(lb, "aws_lb_listener.http", 80, "HTTP", redirect("HTTPS", "8443", "example.com"))
			b.listener(lb, "aws_lb_listener.https", 443, "HTTPS", fixed())
		}, []string{"tcp 8443 "}},
		{"NLB: no allowance", func(b *graphBuilder) {
			lb := b.lb(withGroups(newLB("aws_lb.n", plan.Network, false), open(80, 443)))
			b.listener(lb, "aws_lb_listener.tcp", 80, "TCP", forward())
		}, []string{"tcp 443 "}},
	} {
		b := newGraph()
		c.build(b)
		fs, _ := runCheck(t, lbOpenBeyondListeners, b.g)
		if len(c.beyond) == 0 {
			if len(fs) != 0 {
				t.Errorf("%s: unexpected %s", c.name, fs[0].Message)
			}
			continue
		}
		if len(fs) != 1 {
			t.Errorf("%s: %d findings, want 1", c.name, len(fs))
			continue
		}
		for _, want := range c.beyond {
			if !strings.Contains(fs[0].Message, want) {
				t.Errorf("%s: message lacks %q: %s", c.name, want, fs[0].Message)
			}
		}
		if strings.Contains(fs[0].Message, "tcp 443 ") && c.beyond[0] != "tcp 443 " {
			t.Errorf("%s: 443 reported: %s", c.name, fs[0].Message)
		}
	}
}

// TestOpenToWorldAddsUp: 0.0.0.0/0 split into halves, in one rule or across
// rules of the same ports, is the internet; halves on different ports, or
// one half alone, are not.
func TestOpenToWorldAddsUp(t *testing.T) {
	for _, c := range []struct {
		name  string
		rules []*plan.SGRule
		want  string
	}{
		{"two rules, same port", []*plan.SGRule{
			sgRule(plan.Ingress, plan.ProtoTCP, 22, 22, "0.0.0.0/1"), sgRule(plan.Ingress, plan.ProtoTCP, 22, 22, "128.0.0.0/1")}, "F:aws_security_group.lb"},
		{"one rule, both halves", []*plan.SGRule{
			sgRule(plan.Ingress, plan.ProtoTCP, 22, 22, "0.0.0.0/1", "128.0.0.0/1")}, "F:aws_security_group.lb"},
		{"IPv6 in quarters", []*plan.SGRule{
			sgRule(plan.Ingress, plan.ProtoTCP, 22, 22, "::/2", "4000::/2"), sgRule(plan.Ingress, plan.ProtoTCP, 22, 22, "8000::/1")}, "F:aws_security_group.lb"},
		{"one half only", []*plan.SGRule{
			sgRule(plan.Ingress, plan.ProtoTCP, 22, 22, "0.0.0.0/1")}, ""},
		{"halves on different ports", []*plan.SGRule{
			sgRule(plan.Ingress, plan.ProtoTCP, 22, 22, "0.0.0.0/1"), sgRule(plan.Ingress, plan.ProtoTCP, 3389, 3389, "128.0.0.0/1")}, ""},
		{"halves in and out", []*plan.SGRule{
			sgRule(plan.Ingress, plan.ProtoTCP, 22, 22, "0.0.0.0/1"), sgRule(plan.Egress, plan.ProtoTCP, 22, 22, "128.0.0.0/1")}, ""},
	} {
		b := newGraph()
		lb := b.lb(withGroups(newLB("aws_lb.a", plan.Application, false), group("aws_security_group.lb", c.rules...)))
		b.listener(lb, "aws_lb_listener.l", 443, "HTTPS", fixed())
		fs, ns := runCheck(t, lbOpenBeyondListeners, b.g)
		if got := outcome(fs, ns); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}
