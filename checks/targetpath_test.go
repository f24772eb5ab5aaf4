package checks

import (
	"strings"
	"testing"

	"github.com/lbguard/lbguard/plan"
)

// pathGraph is an internal ALB in 10.0.1.0/24 with group lbSG, listening
// on HTTP:80 and forwarding to a target group on port 8080 (health checks
// on healthPort) with one instance target in 10.0.3.0/24 guarded by group
// appSG.
func pathGraph(lbSG, appSG *plan.SecurityGroup, healthPort string) (*plan.Graph, *plan.TargetGroup) {
	b := newGraph()
	lb := b.lb(withGroups(newLB("aws_lb.a", plan.Application, true), lbSG))
	subnet := &plan.Subnet{Resource: res("aws_subnet.a"), CIDR: plan.Known("10.0.1.0/24")}
	lb.Subnets = plan.LinkSet[plan.Subnet]{Declared: true, Links: []plan.Link[plan.Subnet]{{Node: subnet}}}
	tg := b.tg("aws_lb_target_group.app", "HTTP")
	tg.TargetType = plan.Known(plan.TargetInstance)
	tg.HealthCheckPort = plan.Known(healthPort)
	tg.Targets = []*plan.Target{{
		Address: "aws_lb_target_group_attachment.app", Subject: "aws_instance.app", Kind: plan.TargetInstance, TargetGroup: tg,
		SecurityGroups: plan.LinkSet[plan.SecurityGroup]{Declared: true, Links: []plan.Link[plan.SecurityGroup]{{Node: appSG}}},
		Subnets:        plan.LinkSet[plan.Subnet]{Declared: true, Links: []plan.Link[plan.Subnet]{{Node: &plan.Subnet{Resource: res("aws_subnet.app"), CIDR: plan.Known("10.0.3.0/24")}}}},
	}}
	b.listener(lb, "aws_lb_listener.http", 80, "HTTP", forward(tg))
	b.g.SecurityGroups = append(b.g.SecurityGroups, lbSG, appSG)
	return b.g, tg
}

// fromGroup is an ingress or egress rule whose peer is a group.
func fromGroup(dir plan.Direction, from, to int, peer *plan.SecurityGroup) *plan.SGRule {
	r := sgRule(dir, plan.ProtoTCP, from, to)
	r.Groups = []plan.Link[plan.SecurityGroup]{{Node: peer}}
	return r
}

func TestLBG202To205(t *testing.T) {
	app := func(rules ...*plan.SGRule) *plan.SecurityGroup { return group("aws_security_group.app", rules...) }
	lbg := func(rules ...*plan.SGRule) *plan.SecurityGroup { return group("aws_security_group.lb", rules...) }
	tests := []struct {
		name                   string
		build                  func() (lb, app *plan.SecurityGroup)
		health                 string
		w202, w203, w204, w205 string
	}{
		{"all open by group", func() (*plan.SecurityGroup, *plan.SecurityGroup) {
			a := app()
			l := lbg(fromGroup(plan.Egress, 8080, 8081, a))
			a.Rules = append(a.Rules, fromGroup(plan.Ingress, 8080, 8081, l))
			a.Rules[0].Group = a
			return l, a
		}, "8081", "", "", "", ""},
		{"no egress at all", func() (*plan.SecurityGroup, *plan.SecurityGroup) {
			return lbg(), app(sgRule(plan.Ingress, plan.ProtoTCP, 0, 65535, "10.0.0.0/16"))
		}, "traffic-port", "F:aws_lb_target_group.app", "", "", ""},
		{"health port closed both ways", func() (*plan.SecurityGroup, *plan.SecurityGroup) {
			return lbg(sgRule(plan.Egress, plan.ProtoTCP, 8080, 8080, "10.0.0.0/16")), app(sgRule(plan.Ingress, plan.ProtoTCP, 8080, 8080, "10.0.1.0/24"))
		}, "9000", "", "F:aws_lb_target_group.app", "", "F:aws_instance.app"},
		{"egress to 0.0.0.0/0 covers any port", func() (*plan.SecurityGroup, *plan.SecurityGroup) {
			return lbg(sgRule(plan.Egress, plan.ProtoAll, 0, 0, "0.0.0.0/0")), app(sgRule(plan.Ingress, plan.ProtoTCP, 0, 65535, "10.0.0.0/8"))
		}, "9000", "", "", "", ""},
		{"ingress from a CIDR that leaves out the LB's subnet", func() (*plan.SecurityGroup, *plan.SecurityGroup) {
			return lbg(sgRule(plan.Egress, plan.ProtoAll, 0, 0, "0.0.0.0/0")), app(sgRule(plan.Ingress, plan.ProtoTCP, 8080, 8080, "10.0.2.0/24"))
		}, "traffic-port", "", "", "F:aws_instance.app", ""},
		{"ingress rule with unknown ports is a note", func() (*plan.SecurityGroup, *plan.SecurityGroup) {
			r := sgRule(plan.Ingress, plan.ProtoTCP, 0, 0, "10.0.1.0/24")
			r.FromPort, r.ToPort = plan.Unknown[int](), plan.Unknown[int]()
			return lbg(sgRule(plan.Egress, plan.ProtoAll, 0, 0, "0.0.0.0/0")), app(r)
		}, "traffic-port", "", "", "N:aws_instance.app", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, a := tt.build()
			g, _ := pathGraph(l, a, tt.health)
			for _, c := range []struct {
				check Check
				want  string
			}{{targetPortNotAllowedOut, tt.w202}, {healthCheckPortNotAllowedOut, tt.w203}, {targetPortNotAllowedIn, tt.w204}, {healthCheckPortNotAllowedIn, tt.w205}} {
				fs, ns := runCheck(t, c.check, g)
				if got := outcome(fs, ns); got != c.want {
					t.Errorf("%s: got %q, want %q (findings %+v, notes %+v)", c.check.ID, got, c.want, fs, ns)
				}
			}
		})
	}
}

// TestLBG202And204UnknownForward: a forward whose target group is unknown
// is a note for each of the four rules, never a pass in silence.
func TestLBG202To205UnknownForward(t *testing.T) {
	b := newGraph()
	lb := b.lb(withGroups(newLB("aws_lb.a", plan.Application, false), group("aws_security_group.lb")))
	b.listener(lb, "aws_lb_listener.http", 80, "HTTP", plan.Action{Type: plan.Known(plan.ActionForward),
		TargetGroups: plan.LinkSet[plan.TargetGroup]{Declared: true, Reason: "target_group_arn is known only after apply"}})
	for _, c := range []Check{targetPortNotAllowedOut, healthCheckPortNotAllowedOut, targetPortNotAllowedIn, healthCheckPortNotAllowedIn} {
		fs, ns := runCheck(t, c, b.g)
		if len(fs) != 0 || len(ns) != 1 || !strings.Contains(ns[0].Reason, "where its listeners forward is not known") {
			t.Errorf("%s: findings %+v, notes %+v; want one note about the unknown forward", c.ID, fs, ns)
		}
	}
}

// TestTargetPathDecidesWhenEveryValueAgrees: where an unknown cannot change
// the verdict, the rules decide; where it can, they note it.
func TestTargetPathDecidesWhenEveryValueAgrees(t *testing.T) {
	t.Run("egress of all traffic to 0.0.0.0/0 covers an unknown forward", func(t *testing.T) {
		for _, c := range []struct {
			egress *plan.SGRule
			want   string
		}{
			{sgRule(plan.Egress, plan.ProtoAll, 0, 0, "0.0.0.0/0"), ""},
			{sgRule(plan.Egress, plan.ProtoTCP, 8080, 8080, "0.0.0.0/0"), "N:aws_lb.a"}, // the near miss
		} {
			b := newGraph()
			lb := b.lb(withGroups(newLB("aws_lb.a", plan.Application, false), group("aws_security_group.lb", c.egress)))
			b.listener(lb, "aws_lb_listener.http", 80, "HTTP", plan.Action{Type: plan.Known(plan.ActionForward),
				TargetGroups: plan.LinkSet[plan.TargetGroup]{Declared: true, Reason: "target_group_arn is known only after apply"}})
			for _, chk := range []Check{targetPortNotAllowedOut, healthCheckPortNotAllowedOut} {
				if got := outcome(runCheck(t, chk, b.g)); got != c.want {
					t.Errorf("%s with %s: got %q, want %q", chk.ID, describeRule(c.egress), got, c.want)
				}
			}
		}
	})
	t.Run("ingress on every port from the LB's group covers an unknown port", func(t *testing.T) {
		for _, c := range []struct {
			from, to int
			want     string
		}{{0, 65535, ""}, {1, 65535, ""}, {8080, 8080, "N:aws_instance.app"}} {
			l := group("aws_security_group.lb", sgRule(plan.Egress, plan.ProtoAll, 0, 0, "0.0.0.0/0"))
			a := group("aws_security_group.app")
			a.Rules = append(a.Rules, fromGroup(plan.Ingress, c.from, c.to, l))
			a.Rules[0].Group = a
			g, tg := pathGraph(l, a, "traffic-port")
			tg.Port = plan.Unknown[int]()
			if got := outcome(runCheck(t, targetPortNotAllowedIn, g)); got != c.want {
				t.Errorf("ingress tcp %d-%d: got %q, want %q", c.from, c.to, got, c.want)
			}
		}
	})
	t.Run("ingress of all traffic covers an unknown protocol", func(t *testing.T) {
		for _, c := range []struct {
			rule *plan.SGRule
			want string
		}{
			{sgRule(plan.Ingress, plan.ProtoAll, 0, 0, "10.0.1.0/24"), ""},
			{sgRule(plan.Ingress, plan.ProtoTCP, 8080, 8080, "10.0.1.0/24"), "N:aws_instance.app"}, // UDP would be refused
		} {
			l := group("aws_security_group.lb", sgRule(plan.Egress, plan.ProtoAll, 0, 0, "0.0.0.0/0"))
			g, tg := pathGraph(l, group("aws_security_group.app", c.rule), "traffic-port")
			tg.Protocol = plan.Unknown[string]()
			if got := outcome(runCheck(t, targetPortNotAllowedIn, g)); got != c.want {
				t.Errorf("%s: got %q, want %q", describeRule(c.rule), got, c.want)
			}
		}
	})
}

// TestUnlinkedRuleForwards: a listener rule whose listener could not be
// told still forwards. When every candidate listener is one load
// balancer's, that load balancer forwards for certain (a finding); when the
// candidates span two, a blocked path is a note for each.
func TestUnlinkedRuleForwards(t *testing.T) {
	for _, c := range []struct {
		name string
		two  bool
		want string
	}{
		{"candidates on one load balancer", false, "F:aws_lb_target_group.app"},
		{"candidates on two load balancers", true, "N:aws_lb_target_group.app N:aws_lb_target_group.app"},
	} {
		b := newGraph()
		closed := func(addr string) *plan.SecurityGroup { return group(addr) } // no egress at all
		tg := b.tg("aws_lb_target_group.app", "HTTP")
		tg.TargetType = plan.Known(plan.TargetInstance)
		rule := &plan.ListenerRule{Resource: res("aws_lb_listener_rule.r"), Listener: plan.Link[plan.Listener]{Reason: "cannot tell"},
			Actions: plan.Actions{List: []plan.Action{forward(tg)}}}
		b.g.ListenerRules = append(b.g.ListenerRules, rule)
		a := b.lb(withGroups(newLB("aws_lb.a", plan.Application, false), closed("aws_security_group.a")))
		candidate := func(l *plan.Listener) { // as the linker records it
			l.UnlinkedRules = []*plan.ListenerRule{rule}
			rule.Candidates = append(rule.Candidates, l)
		}
		candidate(b.listener(a, "aws_lb_listener.a1", 443, "HTTPS", fixed()))
		candidate(b.listener(a, "aws_lb_listener.a2", 8443, "HTTPS", fixed()))
		if c.two {
			o := b.lb(withGroups(newLB("aws_lb.b", plan.Application, false), closed("aws_security_group.b")))
			candidate(b.listener(o, "aws_lb_listener.b1", 443, "HTTPS", fixed()))
		}
		fs, ns := runCheck(t, targetPortNotAllowedOut, b.g)
		if got := outcome(fs, ns); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
		for _, n := range ns {
			if !strings.Contains(n.Reason, "aws_lb_listener_rule.r forwards there") {
				t.Errorf("%s: the note must say which rule: %s", c.name, n.Reason)
			}
		}
	}
}
