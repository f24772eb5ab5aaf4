package checks

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/lbguard/lbguard/plan"
)

func res(addr string) plan.Resource {
	typ, _, _ := strings.Cut(addr, ".")
	return plan.Resource{Address: addr, Type: typ, Mode: plan.Managed, Change: plan.Create}
}

func newLB(addr, typ string, internal bool) *plan.LoadBalancer {
	return &plan.LoadBalancer{Resource: res(addr), Type: plan.Known(typ), Internal: plan.Known(internal)}
}

type graphBuilder struct{ g *plan.Graph }

func newGraph() *graphBuilder { return &graphBuilder{g: &plan.Graph{}} }

func forward(tgs ...*plan.TargetGroup) plan.Action {
	a := plan.Action{Type: plan.Known(plan.ActionForward), TargetGroups: plan.LinkSet[plan.TargetGroup]{Declared: true}}
	for _, tg := range tgs {
		a.TargetGroups.Links = append(a.TargetGroups.Links, plan.Link[plan.TargetGroup]{Node: tg})
	}
	return a
}

func redirect(proto, port, host string) plan.Action {
	return plan.Action{Type: plan.Known(plan.ActionRedirect), Redirect: &plan.Redirect{
		Protocol: plan.Known(proto), Port: plan.Known(port), Host: plan.Known(host)}}
}

func fixed() plan.Action { return plan.Action{Type: plan.Known(plan.ActionFixedResponse)} }

func runCheck(t *testing.T, c Check, g *plan.Graph) ([]Finding, []Note) {
	t.Helper()
	res, err := Run(g, []Check{c}, Settings{})
	if err != nil {
		t.Fatal(err)
	}
	return res.Findings, res.Unresolved
}

// outcome summarises findings and notes as "F:address" and "N:address".
func outcome(fs []Finding, ns []Note) string {
	var out []string
	for _, f := range fs {
		out = append(out, "F:"+f.Address)
	}
	for _, n := range ns {
		out = append(out, "N:"+n.Address)
	}
	return strings.Join(out, " ")
}

func group(addr string, rules ...*plan.SGRule) *plan.SecurityGroup {
	g := &plan.SecurityGroup{Resource: res(addr), ID: plan.Known("id-" + addr)}
	for _, r := range rules {
		r.Group = g
		if r.Address == "aws_security_group_rule.r" {
			r.Address, r.Inline = addr, true
		}
		g.Rules = append(g.Rules, r)
	}
	return g
}

func withGroups(lb *plan.LoadBalancer, gs ...*plan.SecurityGroup) *plan.LoadBalancer {
	lb.SecurityGroups = plan.LinkSet[plan.SecurityGroup]{Declared: true}
	for _, g := range gs {
		lb.SecurityGroups.Links = append(lb.SecurityGroups.Links, plan.Link[plan.SecurityGroup]{Node: g})
	}
	return lb
}

func sgRule(dir plan.Direction, proto string, from, to int, cidrs ...string) *plan.SGRule {
	r := &plan.SGRule{Address: "aws_security_group_rule.r", Direction: dir, Protocol: plan.Known(proto),
		FromPort: plan.Known(from), ToPort: plan.Known(to)}
	for _, c := range cidrs {
		r.CIDRs = append(r.CIDRs, plan.Known(c))
	}
	return r
}

func prefixes(ss ...string) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range ss {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}

func (b *graphBuilder) lb(lb *plan.LoadBalancer) *plan.LoadBalancer {
	b.g.LoadBalancers = append(b.g.LoadBalancers, lb)
	return lb
}

func (b *graphBuilder) listener(lb *plan.LoadBalancer, addr string, port int, proto string, actions ...plan.Action) *plan.Listener {
	l := &plan.Listener{Resource: res(addr), Port: plan.Known(port), Protocol: plan.Known(proto),
		CertificateARN: plan.Known("arn:cert"), SSLPolicy: plan.Known("ELBSecurityPolicy-TLS13-1-2-2021-06"),
		DefaultActions: plan.Actions{List: actions}}
	if lb != nil {
		l.LoadBalancer = plan.Link[plan.LoadBalancer]{Node: lb}
		lb.Listeners = append(lb.Listeners, l)
	} else {
		l.LoadBalancer = plan.Link[plan.LoadBalancer]{Reason: "cannot tell"}
		for _, x := range b.g.LoadBalancers {
			x.UnlinkedListeners = append(x.UnlinkedListeners, l)
		}
	}
	b.g.Listeners = append(b.g.Listeners, l)
	return l
}

func (b *graphBuilder) rule(l *plan.Listener, addr string, actions ...plan.Action) *plan.ListenerRule {
	r := &plan.ListenerRule{Resource: res(addr), Listener: plan.Link[plan.Listener]{Node: l}, Actions: plan.Actions{List: actions}}
	l.Rules = append(l.Rules, r)
	b.g.ListenerRules = append(b.g.ListenerRules, r)
	return r
}

func (b *graphBuilder) tg(addr, proto string) *plan.TargetGroup {
	tg := &plan.TargetGroup{Resource: res(addr), Protocol: plan.Known(proto), Port: plan.Known(8080)}
	b.g.TargetGroups = append(b.g.TargetGroups, tg)
	return tg
}
