package link

import (
	"fmt"
	"strings"

	"github.com/lbguard/lbguard/plan"
)

// pendingTarget is a registration of targets with a target group, kept
// until every link is resolved.
type pendingTarget struct {
	addr     string
	mod      string // the module instance of the registering resource
	group    plan.Link[plan.TargetGroup]
	port     plan.Value[int]
	hasPort  bool
	targetID []linkEnd // attachments: what target_id leads to
	asg      *plan.AutoScalingGroup
	asgLink  *plan.Link[plan.AutoScalingGroup]
	ecs      *plan.ECSService
	classic  bool // an aws_autoscaling_attachment to a classic ELB
	lattice  bool // a traffic source that is no load balancer's
}

// ltNamePrefix keys launch templates and launch configurations by name in
// the ID index, apart from real IDs.
const ltNamePrefix = "launch-template-name:"

func (b *builder) buildAttachment(c *resCtx) func() {
	o := c.in.after
	p := &pendingTarget{addr: c.in.addr, mod: c.in.mod}
	if set, known := c.isSet(o, c.body, "port"); set || !known {
		p.port, p.hasPort = c.int(o, c.body, "port", nil), true
	}
	b.targets = append(b.targets, p)
	return func() {
		ts, _ := c.links(o, c.body, "target_group_arn")
		p.group = link[plan.TargetGroup](ts, "target group")
		p.targetID = c.targetIDs(o)
	}
}

// targetIDs resolves an attachment's target_id. A reference to an
// instance's private_ip still means that instance: its groups guard it.
func (c *resCtx) targetIDs(o obj) []linkEnd {
	if v, st := o.str("target_id"); st == present {
		t := c.b.lookupNear(c.in.mod, v.V)
		if t.node == nil && t.reason == "" {
			// Not an ID of the plan: maybe a private IP of a planned instance.
			for _, in := range c.b.g.Instances {
				if in.PrivateIP.Is(v.V) {
					return []linkEnd{{node: in}}
				}
			}
		}
		return []linkEnd{t}
	}
	e := c.body.attr("target_id")
	if e == nil {
		return []linkEnd{{reason: "target_id of " + c.in.addr + " is known only after apply"}}
	}
	ss := c.b.r.resolveExpr(c.o, e, 0)
	var out []linkEnd
	for _, s := range ss {
		if s.inst != nil {
			if in, ok := s.inst.node.(*plan.Instance); ok {
				out = append(out, linkEnd{node: in})
				continue
			}
		}
		out = append(out, c.b.endsOf(c.in.mod, []referent{s}, 0)...)
	}
	return out
}

func (b *builder) buildInstance(c *resCtx) func() {
	o := c.in.after
	in := &plan.Instance{Resource: resourceOf(c.in)}
	in.ID = c.str(o, c.body, "id", nil)
	in.PrivateIP = c.str(o, c.body, "private_ip", nil)
	b.index(in, in.ID, c.str(o, c.body, "arn", nil))
	c.in.node = in
	b.g.Instances = append(b.g.Instances, in)
	return func() {
		in.SecurityGroups = c.groupArgs(o, c.body, "vpc_security_group_ids", "security_groups")
		ts, _ := c.links(o, c.body, "subnet_id")
		in.Subnet = link[plan.Subnet](ts, "subnet")
	}
}

// groupArgs reads security groups given by any of several arguments. When
// none is set, the resource gets its VPC's default group.
func (c *resCtx) groupArgs(o obj, body cfgBody, args ...string) plan.LinkSet[plan.SecurityGroup] {
	var all []linkEnd
	declared := false
	for _, arg := range args {
		ts, d := c.links(o, body, arg)
		if d && len(ts) > 0 {
			all, declared = append(all, ts...), true
		}
	}
	s := linkSet[plan.SecurityGroup](all, declared, "security group")
	if !declared && s.Reason == "" {
		s.Reason = c.in.addr + " declares no security groups: it gets its VPC's default group, whose rules the plan does not show"
	}
	return s
}

func (b *builder) buildLaunchTemplate(c *resCtx) func() {
	o := c.in.after
	lt := &plan.LaunchTemplate{Resource: resourceOf(c.in)}
	lt.ID = c.str(o, c.body, "id", nil)
	lt.Name = c.str(o, c.body, "name", nil)
	b.index(lt, lt.ID, c.str(o, c.body, "arn", nil))
	if lt.Name.Known {
		b.index(lt, plan.Known(ltNamePrefix+lt.Name.V))
	}
	c.in.node = lt
	b.g.LaunchTemplates = append(b.g.LaunchTemplates, lt)
	return func() {
		if c.in.typ == "aws_launch_configuration" {
			lt.SecurityGroups = c.groupArgs(o, c.body, "security_groups")
			return
		}
		var all []linkEnd
		declared := false
		for _, arg := range []string{"vpc_security_group_ids", "security_group_names"} {
			if ts, d := c.links(o, c.body, arg); d && len(ts) > 0 {
				all, declared = append(all, ts...), true
			}
		}
		nis, st := o.blocks("network_interfaces")
		bodies := c.body.blocks("network_interfaces", len(nis))
		for i, ni := range nis {
			if ts, d := c.links(ni, bodies[i], "security_groups"); d && len(ts) > 0 {
				all, declared = append(all, ts...), true
			}
		}
		s := linkSet[plan.SecurityGroup](all, declared, "security group")
		switch {
		case st == unknown && s.Reason == "":
			s.Reason = "the network interfaces of " + lt.Address + " are known only after apply"
		case !declared && s.Reason == "":
			s.Reason = lt.Address + " declares no security groups: its instances get their VPC's default group, whose rules the plan does not show"
		}
		lt.SecurityGroups = s
	}
}

func (b *builder) buildASG(c *resCtx) func() {
	o := c.in.after
	a := &plan.AutoScalingGroup{Resource: resourceOf(c.in)}
	a.Name = c.str(o, c.body, "name", nil)
	b.index(a, a.Name, c.str(o, c.body, "id", nil), c.str(o, c.body, "arn", nil))
	c.in.node = a
	b.g.AutoScaling = append(b.g.AutoScaling, a)
	b.targets = append(b.targets, &pendingTarget{addr: c.in.addr, mod: c.in.mod, asg: a})
	return func() {
		a.LaunchTemplate = c.launchTemplate(o)
		ts, declared := c.links(o, c.body, "target_group_arns")
		a.TargetGroups = linkSet[plan.TargetGroup](ts, declared, "target group")
		ts, declared = c.links(o, c.body, "vpc_zone_identifier")
		a.Subnets = linkSet[plan.Subnet](ts, declared, "subnet")
	}
}

// launchTemplate finds an autoscaling group's launch template (by ID or
// name, also inside a mixed instances policy) or launch configuration.
func (c *resCtx) launchTemplate(o obj) plan.Link[plan.LaunchTemplate] {
	type spec struct {
		o          obj
		body       cfgBody
		idArg, arg string
	}
	var specs []spec
	if lts, _ := o.blocks("launch_template"); len(lts) > 0 {
		specs = append(specs, spec{lts[0], c.body.blocks("launch_template", len(lts))[0], "id", "name"})
	}
	if mips, _ := o.blocks("mixed_instances_policy"); len(mips) > 0 {
		mb := c.body.blocks("mixed_instances_policy", len(mips))[0]
		if lts, _ := mips[0].blocks("launch_template"); len(lts) > 0 {
			lb := mb.blocks("launch_template", len(lts))[0]
			if ss, _ := lts[0].blocks("launch_template_specification"); len(ss) > 0 {
				sb := lb.blocks("launch_template_specification", len(ss))[0]
				specs = append(specs, spec{ss[0], sb, "launch_template_id", "launch_template_name"})
			}
		}
	}
	specs = append(specs, spec{o, c.body, "", "launch_configuration"})
	for _, sp := range specs {
		for _, arg := range []string{sp.idArg, sp.arg} {
			if arg == "" {
				continue
			}
			set, known := c.isSet(sp.o, sp.body, arg)
			if !set && known {
				continue
			}
			ts, _ := c.links(sp.o, sp.body, arg)
			for i, t := range ts {
				if t.id != "" {
					if named := c.b.lookupNear(c.in.mod, ltNamePrefix+t.id); named.node != nil {
						ts[i] = named
					}
				}
			}
			return link[plan.LaunchTemplate](ts, "launch template")
		}
	}
	return plan.Link[plan.LaunchTemplate]{Reason: c.in.addr + " names no launch template lbguard can see"}
}

func (b *builder) buildASGAttachment(c *resCtx) func() {
	o := c.in.after
	p := &pendingTarget{addr: c.in.addr, mod: c.in.mod}
	b.targets = append(b.targets, p)
	return func() {
		arg := "lb_target_group_arn"
		if set, known := c.isSet(o, c.body, arg); !set && known {
			arg = "alb_target_group_arn"
		}
		if set, known := c.isSet(o, c.body, arg); !set && known {
			p.classic = true // attaches a classic load balancer
			return
		}
		ts, _ := c.links(o, c.body, arg)
		p.group = link[plan.TargetGroup](ts, "target group")
		ts, _ = c.links(o, c.body, "autoscaling_group_name")
		l := link[plan.AutoScalingGroup](ts, "autoscaling group")
		p.asgLink = &l
	}
}

// buildTrafficSource reads an aws_autoscaling_traffic_source_attachment,
// how current autoscaling modules attach to load balancers: its
// traffic_source block names a target group (type "elbv2"), a classic load
// balancer ("elb") or a VPC Lattice target group ("vpc-lattice", no load
// balancer of lbguard's).
func (b *builder) buildTrafficSource(c *resCtx) func() {
	o := c.in.after
	p := &pendingTarget{addr: c.in.addr, mod: c.in.mod}
	b.targets = append(b.targets, p)
	return func() {
		ts, _ := c.links(o, c.body, "autoscaling_group_name")
		l := link[plan.AutoScalingGroup](ts, "autoscaling group")
		p.asgLink = &l
		blks, st := o.blocks("traffic_source")
		switch {
		case st == unknown:
			p.group = plan.Link[plan.TargetGroup]{Reason: "the traffic_source of " + c.in.addr + " is known only after apply"}
			return
		case len(blks) == 0:
			p.group = plan.Link[plan.TargetGroup]{Reason: c.in.addr + " names no traffic_source"}
			return
		}
		bb := c.body.blocks("traffic_source", len(blks))[0]
		typ := lower(c.str(blks[0], bb, "type", nil))
		switch {
		case typ.Is("elb"):
			p.classic = true
			return
		case typ.Known && typ.V != "elbv2":
			p.group = plan.Link[plan.TargetGroup]{Reason: c.in.addr + " attaches a " + typ.V + " traffic source, not a load balancer target group"}
			p.lattice = true
			return
		}
		ts, _ = c.links(blks[0], bb, "identifier")
		p.group = link[plan.TargetGroup](ts, "target group")
	}
}

func (b *builder) buildECS(c *resCtx) func() {
	o := c.in.after
	s := &plan.ECSService{Resource: resourceOf(c.in)}
	c.in.node = s
	b.g.ECSServices = append(b.g.ECSServices, s)
	return func() {
		ncs, st := o.blocks("network_configuration")
		switch {
		case len(ncs) > 0:
			nb := c.body.blocks("network_configuration", len(ncs))[0]
			s.AWSVPC = true
			s.SecurityGroups = c.groupArgs(ncs[0], nb, "security_groups")
			ts, declared := c.links(ncs[0], nb, "subnets")
			s.Subnets = linkSet[plan.Subnet](ts, declared, "subnet")
		case st == unknown:
			s.SecurityGroups.Reason = "the network configuration of " + s.Address + " is known only after apply"
		}
		lbs, _ := o.blocks("load_balancer")
		cfg := c.body.blocks("load_balancer", -1)
		for _, blk := range lbs {
			elb, _ := blk.str("elb_name")
			if elb.Known && elb.V != "" {
				continue // a classic load balancer
			}
			var ts []linkEnd
			if v, st := blk.str("target_group_arn"); st == present {
				ts = c.b.lookupAllNear(c.in.mod, []string{v.V})
			} else if bb, ok := c.pairBlock(blk, cfg, "container_name", "container_port"); ok {
				ts, _ = c.links(blk, bb, "target_group_arn")
			} else {
				ts = []linkEnd{{reason: "the target group of a load_balancer block of " + s.Address + " is known only after apply"}}
			}
			port, _ := blk.int("container_port")
			lb := plan.ECSLoadBalancer{TargetGroup: link[plan.TargetGroup](ts, "target group"), ContainerPort: port}
			s.LoadBalancers = append(s.LoadBalancers, lb)
			b.targets = append(b.targets, &pendingTarget{addr: s.Address, mod: c.in.mod, group: lb.TargetGroup, port: port, hasPort: true, ecs: s})
		}
	}
}

// pairBlock finds the configuration block of a planned block of a set by
// the arguments that identify it (set elements are not in configuration
// order): exactly one block must match on every one of them that both know.
func (c *resCtx) pairBlock(o obj, cfg []cfgBody, args ...string) (cfgBody, bool) {
	if len(cfg) == 1 {
		return cfg[0], true
	}
	var found []cfgBody
	for _, bb := range cfg {
		match := true
		for _, arg := range args {
			want, st, _, _ := o.field(arg)
			e := bb.attr(arg)
			if st != present || e == nil || len(e.References) > 0 {
				continue
			}
			got, _ := asString(e.ConstantValue)
			w, _ := asString(want)
			if got != w {
				match = false
			}
		}
		if match {
			found = append(found, bb)
		}
	}
	if len(found) == 1 {
		return found[0], true
	}
	return cfgBody{}, false
}

// deriveTargets turns registrations into targets of their groups.
func (b *builder) deriveTargets() {
	// unlinked are registrations whose target group could not be told, with
	// the target groups they may reach: those of the reference's scope, else
	// those of the registering resource's module instance and its ancestors
	// (whose values its variables may carry). Never another copy's.
	type reg struct{ reason, scope, mod string }
	var unlinked []reg
	add := func(p *pendingTarget, tg plan.Link[plan.TargetGroup], fill func(t *plan.Target)) {
		switch {
		case tg.Node != nil:
			t := &plan.Target{Address: p.addr, TargetGroup: tg.Node, Port: p.port, HasPort: p.hasPort}
			fill(t)
			tg.Node.Targets = append(tg.Node.Targets, t)
		case tg.Unresolved():
			unlinked = append(unlinked, reg{fmt.Sprintf("%s registers targets with a target group lbguard cannot tell (%s)", p.addr, tg.Reason), tg.Scope, p.mod})
		}
	}
	for _, p := range b.targets {
		switch {
		case p.classic, p.lattice:
		case p.asg != nil:
			for _, l := range p.asg.TargetGroups.Links {
				add(p, l, func(t *plan.Target) { fillASG(t, p.asg) })
			}
			if r := p.asg.TargetGroups.Reason; r != "" {
				unlinked = append(unlinked, reg{fmt.Sprintf("%s registers targets with target groups lbguard cannot tell (%s)", p.addr, r), "", p.mod})
			}
		case p.asgLink != nil:
			add(p, p.group, func(t *plan.Target) {
				if p.asgLink.Node == nil {
					t.Kind = plan.TargetAutoScaling
					t.SecurityGroups.Reason = "the autoscaling group of " + p.addr + " cannot be told: " + describeLink(*p.asgLink)
					return
				}
				fillASG(t, p.asgLink.Node)
			})
		case p.ecs != nil:
			add(p, p.group, func(t *plan.Target) {
				t.Kind, t.Subject = plan.TargetECS, p.ecs.Address
				t.SecurityGroups, t.Subnets = p.ecs.SecurityGroups, p.ecs.Subnets
				if !p.ecs.AWSVPC && t.SecurityGroups.Reason == "" {
					t.Reason = p.ecs.Address + " has no network_configuration (bridge or host network mode): its tasks receive on ports of their container instances, whose groups lbguard does not model yet"
				}
			})
		default:
			add(p, p.group, func(t *plan.Target) { fillAttachment(t, p) })
		}
	}
	if len(unlinked) == 0 {
		return
	}
	// A target group is in reach of a registration lbguard cannot link
	// when the registration's scope names it, or, without a scope, when it
	// is in the registration's module instance or one that contains it. A
	// group names the first registration in reach; each is found through
	// indexes, so that a plan of n copies costs n, not n squared.
	firstScoped := map[string]int{} // by scope
	firstWithin := map[string]int{} // by module instance, of those without a scope in it or below
	firstAny := -1                  // of those without a scope
	for i, u := range unlinked {
		if u.scope != "" {
			if _, ok := firstScoped[u.scope]; !ok {
				firstScoped[u.scope] = i
			}
			continue
		}
		if firstAny < 0 {
			firstAny = i
		}
		for _, m := range moduleAndAncestors(u.mod) {
			if _, ok := firstWithin[m]; !ok {
				firstWithin[m] = i
			}
		}
	}
	for _, tg := range b.g.TargetGroups {
		mod := b.nodeMod[tg]
		best := firstAny
		if mod != "" {
			best = -1
			if i, ok := firstWithin[mod]; ok {
				best = i
			}
		}
		local := strings.TrimPrefix(tg.Address, mod+".")
		if i, ok := firstScoped[scopeKey(mod, plan.ConfigAddress(local))]; ok && (best < 0 || i < best) {
			best = i
		}
		if best >= 0 {
			tg.TargetsReason = unlinked[best].reason
		}
	}
}

// moduleAndAncestors lists a module instance and the module instances
// that contain it, but not the root ("module.a[0].module.b" gives it and
// "module.a[0]"): its prefixes that end before a ".module." outside a
// quoted key.
func moduleAndAncestors(mod string) []string {
	if mod == "" {
		return nil
	}
	out := []string{mod}
	quoted := false
	for i := 0; i < len(mod); i++ {
		switch {
		case quoted && mod[i] == '\\':
			i++
		case mod[i] == '"':
			quoted = !quoted
		case !quoted && strings.HasPrefix(mod[i:], ".module."):
			out = append(out, mod[:i])
		}
	}
	return out
}

func fillASG(t *plan.Target, a *plan.AutoScalingGroup) {
	t.Kind, t.Subject = plan.TargetAutoScaling, a.Address
	t.Subnets = a.Subnets
	if lt := a.LaunchTemplate.Node; lt != nil {
		t.SecurityGroups = lt.SecurityGroups
		return
	}
	t.SecurityGroups.Reason = "the launch template of " + a.Address + " cannot be told: " + describeLink(a.LaunchTemplate)
}

func fillAttachment(t *plan.Target, p *pendingTarget) {
	t.Kind = t.TargetGroup.TargetType.V
	for _, x := range p.targetID {
		switch n := x.node.(type) {
		case *plan.Instance:
			t.Subject = n.Address
			t.SecurityGroups = n.SecurityGroups
			t.Subnets = plan.LinkSet[plan.Subnet]{Links: []plan.Link[plan.Subnet]{n.Subnet}, Declared: true}
			t.IP = n.PrivateIP
			if t.Kind == "" {
				t.Kind = plan.TargetInstance
			}
			return
		case *plan.LoadBalancer:
			t.Kind = plan.TargetALB
			t.Subject = n.Address
			t.LoadBalancer = plan.Link[plan.LoadBalancer]{Node: n}
			t.SecurityGroups, t.Subnets = n.SecurityGroups, n.Subnets
			return
		case nil:
			if x.id != "" {
				if t.Kind == plan.TargetIP {
					t.IP = plan.Known(x.id)
				}
				if t.Kind == plan.TargetALB {
					t.LoadBalancer = plan.Link[plan.LoadBalancer]{ID: x.id}
				}
				t.SecurityGroups.Reason = fmt.Sprintf("target %s is not managed by this plan: its security groups are not known", x.id)
				return
			}
			t.SecurityGroups.Reason = x.reason
			return
		default:
			t.SecurityGroups.Reason = fmt.Sprintf("target %s is not an instance or load balancer", nodeAddr(n))
			return
		}
	}
	t.SecurityGroups.Reason = "the target of " + p.addr + " is not known"
}

func describeLink[T any](l plan.Link[T]) string {
	switch {
	case l.Node != nil:
		return nodeAddr(l.Node)
	case l.ID != "":
		return l.ID + " is not managed by this plan"
	}
	return l.Reason
}
