package link

import (
	"fmt"
	"strings"

	"github.com/lbguard/lbguard/plan"
)

// defaultSSLPolicy is the policy AWS gives an HTTPS or TLS listener created
// through the API (which the Terraform provider uses) without one. The ELB
// guides ("Security policies for your Application/Network Load Balancer")
// say the console default is a TLS 1.3 policy but "other methods (AWS CLI,
// CloudFormation, CDK)" get ELBSecurityPolicy-2016-08.
const defaultSSLPolicy = "ELBSecurityPolicy-2016-08"

func (b *builder) buildLB(c *resCtx) func() {
	o := c.in.after
	lb := &plan.LoadBalancer{Resource: resourceOf(c.in)}
	lb.ARN = c.str(o, c.body, "arn", nil)
	lb.Name = c.str(o, c.body, "name", nil)
	lb.Type = lower(c.str(o, c.body, "load_balancer_type", ptr(plan.Application)))
	lb.Internal = c.bool(o, c.body, "internal", ptr(false))
	b.index(lb, lb.ARN, c.str(o, c.body, "id", nil))
	c.in.node = lb
	b.g.LoadBalancers = append(b.g.LoadBalancers, lb)
	return func() {
		ts, declared := c.links(o, c.body, "security_groups")
		lb.SecurityGroups = linkSet[plan.SecurityGroup](ts, declared, "security group")
		ts, declared = c.links(o, c.body, "subnets")
		if !declared {
			ts, declared = c.blockLinks(o, c.body, "subnet_mapping", "subnet_id")
		}
		lb.Subnets = linkSet[plan.Subnet](ts, declared, "subnet")
	}
}

// blockLinks collects one link argument from every block of a nested block
// list or set (subnet_mapping[*].subnet_id, forward.target_group[*].arn).
// Blocks of a set may be ordered differently in the plan and in the
// configuration, so when the planned values are not all known the
// configuration's blocks are read as a whole.
func (c *resCtx) blockLinks(o obj, body cfgBody, block, arg string) ([]linkEnd, bool) {
	blocks, st := o.blocks(block)
	if st == absent {
		return nil, false
	}
	var ids []string
	known := st == present
	for _, blk := range blocks {
		val, vst, unk, _ := blk.field(arg)
		if vst == absent {
			continue
		}
		s, ok := val.(string)
		if vst != present || unk == true || !ok {
			known = false
			break
		}
		ids = append(ids, s)
	}
	if known {
		return c.b.lookupAllNear(c.in.mod, ids), len(blocks) > 0
	}
	n := -1
	if st == present {
		n = len(blocks)
	}
	bodies := body.blocks(block, n)
	if len(bodies) == 0 || (n >= 0 && bodies[0].exprs == nil) {
		if st == unknown && body.complete && body.attr(block) == nil {
			return nil, false
		}
		return []linkEnd{{reason: fmt.Sprintf("%s of %s is known only after apply", block, c.in.addr)}}, true
	}
	var ts []linkEnd
	for _, bb := range bodies {
		if e := bb.attr(arg); e != nil {
			ts = append(ts, c.b.endsOf(c.in.mod, c.b.r.resolveExpr(c.o, e, 0), 0)...)
		}
	}
	return ts, true
}

func (b *builder) buildListener(c *resCtx) func() {
	o := c.in.after
	l := &plan.Listener{Resource: resourceOf(c.in)}
	l.ARN = c.str(o, c.body, "arn", nil)
	l.Port = c.int(o, c.body, "port", nil)
	l.Protocol = upper(c.str(o, c.body, "protocol", nil))
	if _, st, _ := c.value(o, c.body, "protocol"); st == absent {
		// The provider's default depends on the load balancer: HTTP for an
		// ALB. Settled once the listener is linked.
		b.listenerProtocolUnset[l] = true
	}
	l.CertificateARN = c.str(o, c.body, "certificate_arn", ptr(""))
	l.SSLPolicy = c.str(o, c.body, "ssl_policy", nil)
	if _, st, _ := c.value(o, c.body, "ssl_policy"); st == absent || l.SSLPolicy.Is("") {
		l.SSLPolicy = plan.Known("")
		l.SSLPolicyDefaulted = true
	}
	b.index(l, l.ARN, c.str(o, c.body, "id", nil))
	c.in.node = l
	b.g.Listeners = append(b.g.Listeners, l)
	return func() {
		ts, _ := c.links(o, c.body, "load_balancer_arn")
		l.LoadBalancer = link[plan.LoadBalancer](ts, "load balancer")
		l.DefaultActions = c.actions(o, c.body, "default_action")
	}
}

func (b *builder) buildRule(c *resCtx) func() {
	o := c.in.after
	r := &plan.ListenerRule{Resource: resourceOf(c.in)}
	r.Priority = c.int(o, c.body, "priority", nil)
	c.in.node = r
	b.g.ListenerRules = append(b.g.ListenerRules, r)
	return func() {
		ts, _ := c.links(o, c.body, "listener_arn")
		r.Listener = link[plan.Listener](ts, "listener")
		r.Actions = c.actions(o, c.body, "action")
	}
}

// actions reads default_action / action blocks.
func (c *resCtx) actions(o obj, body cfgBody, name string) plan.Actions {
	blocks, st := o.blocks(name)
	if st == unknown {
		return plan.Actions{Reason: fmt.Sprintf("%s of %s is known only after apply", name, c.in.addr)}
	}
	bodies := body.blocks(name, len(blocks))
	var out plan.Actions
	for i, blk := range blocks {
		bb := bodies[i]
		a := plan.Action{Type: lower(c.str(blk, bb, "type", nil))}
		redirects, rst := blk.blocks("redirect")
		switch {
		case len(redirects) > 0:
			rb := bb.blocks("redirect", len(redirects))[0]
			a.Redirect = &plan.Redirect{
				Protocol: upperKeep(c.str(redirects[0], rb, "protocol", ptr(plan.KeepProtocol))),
				Port:     c.str(redirects[0], rb, "port", ptr(plan.KeepPort)),
				Host:     c.str(redirects[0], rb, "host", ptr(plan.KeepHost)),
			}
		case rst == unknown || a.Type.Is(plan.ActionRedirect):
			a.Redirect = &plan.Redirect{}
		}
		var ts []linkEnd
		declared := false
		if t, d := c.links(blk, bb, "target_group_arn"); d {
			ts, declared = append(ts, t...), true
		}
		forwards, _ := blk.blocks("forward")
		fbodies := bb.blocks("forward", len(forwards))
		for j, f := range forwards {
			if t, d := c.blockLinks(f, fbodies[j], "target_group", "arn"); d {
				ts, declared = append(ts, t...), true
			}
		}
		a.TargetGroups = linkSet[plan.TargetGroup](ts, declared, "target group")
		if a.Type.Is(plan.ActionForward) && !declared {
			a.TargetGroups.Reason = "the forward action names no target group lbguard can see"
		}
		out.List = append(out.List, a)
	}
	return out
}

func (b *builder) buildTargetGroup(c *resCtx) func() {
	o := c.in.after
	tg := &plan.TargetGroup{Resource: resourceOf(c.in)}
	tg.ARN = c.str(o, c.body, "arn", nil)
	tg.Port = c.int(o, c.body, "port", nil)
	tg.Protocol = upper(c.str(o, c.body, "protocol", nil))
	tg.TargetType = lower(c.str(o, c.body, "target_type", ptr(plan.TargetInstance)))
	tg.PreserveClientIP = c.str(o, c.body, "preserve_client_ip", ptr(""))
	checks, st := o.blocks("health_check")
	switch {
	case len(checks) > 0:
		hb := c.body.blocks("health_check", len(checks))[0]
		tg.HealthCheckPort = c.str(checks[0], hb, "port", ptr("traffic-port"))
		tg.HealthCheckProtocol = upper(c.str(checks[0], hb, "protocol", nil))
	case st == absent || (st == unknown && c.body.complete && c.body.attr("health_check") == nil):
		// No health_check block: AWS checks on the traffic port.
		tg.HealthCheckPort = plan.Known("traffic-port")
	}
	b.index(tg, tg.ARN, c.str(o, c.body, "id", nil))
	c.in.node = tg
	b.g.TargetGroups = append(b.g.TargetGroups, tg)
	return func() {
		ts, _ := c.links(o, c.body, "vpc_id")
		tg.VPC = link[plan.VPC](ts, "VPC")
	}
}

// deriveListeners settles what depends on a listener's load balancer and
// fills the back links: LB.Listeners, Listener.Rules.
func (b *builder) deriveListeners() {
	var unlinked []*plan.Listener
	for _, l := range b.g.Listeners {
		lb := l.LoadBalancer.Node
		if b.listenerProtocolUnset[l] && lb != nil && lb.IsALB() {
			l.Protocol = plan.Known("HTTP")
		}
		if l.SSLPolicyDefaulted {
			switch {
			case l.ProtocolIs("HTTPS", "TLS"):
				l.SSLPolicy = plan.Known(defaultSSLPolicy)
			case !l.Protocol.Known:
				l.SSLPolicy = plan.Value[string]{}
			}
		}
		switch {
		case lb != nil:
			lb.Listeners = append(lb.Listeners, l)
		case l.LoadBalancer.Unresolved():
			unlinked = append(unlinked, l)
		}
	}
	// An unresolved link is a candidate only where its reference can
	// reach: the instances of the resource it names, in its module
	// instance; a link whose reference names nothing known, the resources
	// of the module instance it is written in. Never the whole plan.
	scope, mod := map[any]string{}, map[any]string{}
	for _, in := range b.live {
		if in.node != nil {
			scope[in.node], mod[in.node] = scopeKey(in.mod, in.local), in.mod
		}
	}
	lbCands := map[string][]*plan.Listener{} // by the scope, or the module instance, they may reach
	for _, l := range unlinked {
		key := "scope:" + l.LoadBalancer.Scope
		if l.LoadBalancer.Scope == "" {
			key = "mod:" + mod[l]
		}
		lbCands[key] = append(lbCands[key], l)
	}
	for _, lb := range b.g.LoadBalancers {
		lb.UnlinkedListeners = append(append([]*plan.Listener(nil), lbCands["scope:"+scope[lb]]...), lbCands["mod:"+mod[lb]]...)
		plan.SortNodes(lb.UnlinkedListeners)
		plan.SortNodes(lb.Listeners)
	}
	ruleCands := map[string][]*plan.ListenerRule{}
	for _, r := range b.g.ListenerRules {
		switch {
		case r.Listener.Node != nil:
			r.Listener.Node.Rules = append(r.Listener.Node.Rules, r)
		case r.Listener.Unresolved():
			key := "scope:" + r.Listener.Scope
			if r.Listener.Scope == "" {
				key = "mod:" + mod[r]
			}
			ruleCands[key] = append(ruleCands[key], r)
		}
	}
	for _, l := range b.g.Listeners {
		l.UnlinkedRules = append(append([]*plan.ListenerRule(nil), ruleCands["scope:"+scope[l]]...), ruleCands["mod:"+mod[l]]...)
		plan.SortNodes(l.UnlinkedRules)
		for _, r := range l.UnlinkedRules {
			r.Candidates = append(r.Candidates, l)
		}
		plan.SortNodes(l.Rules)
	}
}

func upper(v plan.Value[string]) plan.Value[string] {
	v.V = strings.ToUpper(v.V)
	return v
}

// upperKeep upper-cases a protocol but keeps the #{protocol} placeholder.
func upperKeep(v plan.Value[string]) plan.Value[string] {
	if v.V == plan.KeepProtocol {
		return v
	}
	return upper(v)
}

func lower(v plan.Value[string]) plan.Value[string] {
	v.V = strings.ToLower(v.V)
	return v
}
