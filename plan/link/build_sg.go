package link

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/lbguard/lbguard/plan"
)

// sgState is what the builder knows of a group while merging its rules.
type sgState struct {
	group *plan.SecurityGroup
	// inline entries as planned; nil with inlineReason set when unknown
	inline       []*plan.SGRule
	inlineReason string
}

// ruleRes is a separate rule resource (aws_security_group_rule,
// aws_vpc_security_group_{ingress,egress}_rule) with its values after apply
// and, for one that existed before, the rule it was.
type ruleRes struct {
	addr    string
	mod     string // its module instance
	group   plan.Link[plan.SecurityGroup]
	after   *plan.SGRule // nil when the plan deletes it
	before  *plan.SGRule // nil when it is new
	reason  string       // why after could not be read
	deleted bool
}

func (b *builder) buildSG(c *resCtx) func() {
	o := c.in.after
	g := &plan.SecurityGroup{Resource: resourceOf(c.in)}
	g.ID = c.str(o, c.body, "id", nil)
	g.Name = c.str(o, c.body, "name", nil)
	g.VPCID = c.str(o, c.body, "vpc_id", nil)
	b.index(g, g.ID, c.str(o, c.body, "arn", nil))
	c.in.node = g
	b.g.SecurityGroups = append(b.g.SecurityGroups, g)
	st := &sgState{group: g}
	if b.groups == nil {
		b.groups = map[*plan.SecurityGroup]*sgState{}
	}
	b.groups[g] = st
	return func() {
		if c.in.mode == tfjson.DataResourceMode {
			st.inlineReason = g.Address + " is read by a data source: its rules are not in the plan"
			return
		}
		for _, dir := range []plan.Direction{plan.Ingress, plan.Egress} {
			rules, reason := c.inlineRules(g, dir)
			st.inline = append(st.inline, rules...)
			if reason != "" && st.inlineReason == "" {
				st.inlineReason = reason
			}
		}
	}
}

// inlineRules reads a group's ingress or egress entries. An entry that
// names groups known only after apply takes them from the configuration's
// references, when those name exactly one group.
func (c *resCtx) inlineRules(g *plan.SecurityGroup, dir plan.Direction) ([]*plan.SGRule, string) {
	o := c.in.after
	name := string(dir)
	entries, st := o.blocks(name)
	switch st {
	case absent:
		return nil, ""
	case unknown:
		if e := c.body.attr(name); e != nil || c.b.hasDynamic(c.in, name) {
			return nil, fmt.Sprintf("the %s rules of %s are known only after apply", name, g.Address)
		}
		if !c.body.complete || c.b.in.OldConfig {
			return nil, fmt.Sprintf("the %s rules of %s are known only after apply, and the plan's configuration cannot show whether it has inline rules", name, g.Address)
		}
		// No inline rules: the separate rule resources are the whole set.
		return nil, ""
	}
	var cfgGroups []linkEnd
	cfgGroupsRead := false
	var out []*plan.SGRule
	for _, e := range entries {
		r := &plan.SGRule{Address: g.Address, Inline: true, Group: g, Direction: dir}
		r.Protocol = normProtocol(c.str(e, cfgBody{}, "protocol", nil))
		r.FromPort = c.int(e, cfgBody{}, "from_port", nil)
		r.ToPort = c.int(e, cfgBody{}, "to_port", nil)
		r.Self, _ = boolOr(e, "self")
		r.CIDRs = append(stringsOf(e, "cidr_blocks", &r.CIDRsReason), stringsOf(e, "ipv6_cidr_blocks", &r.CIDRsReason)...)
		r.PrefixLists = stringsOf(e, "prefix_list_ids", &r.PeersReason)
		configGroup := func() plan.Link[plan.SecurityGroup] {
			if !cfgGroupsRead {
				cfgGroupsRead = true
				if e := c.body.attr(name); e != nil {
					cfgGroups = c.b.endsOf(c.in.mod, c.b.r.resolveExpr(c.o, e, 0), 0)
				}
			}
			return onlyGroup(cfgGroups)
		}
		ids, idsSt := e.strings("security_groups")
		if idsSt == unknown {
			// The whole set is known only after apply: it holds the group the
			// configuration references, if only one, and maybe others.
			r.PeersReason = "the groups this rule names are known only after apply"
			if l := configGroup(); l.Node != nil {
				r.Groups = append(r.Groups, l)
			}
		}
		for _, id := range ids {
			if id.Known {
				r.Groups = append(r.Groups, linkOne[plan.SecurityGroup](c.b.lookupNear(c.in.mod, id.V), "security group"))
				continue
			}
			r.Groups = append(r.Groups, configGroup())
		}
		normalizePorts(r)
		out = append(out, r)
	}
	return out, ""
}

// normalizePorts gives "all protocols" rules the whole port range: their
// from_port and to_port (0, or -1, or null) mean nothing.
func normalizePorts(r *plan.SGRule) {
	if r.Protocol.Is(plan.ProtoAll) {
		r.FromPort, r.ToPort = plan.Known(0), plan.Known(65535)
	}
}

// onlyGroup is the group an inline entry's unknown reference must be: the
// one group the block's configuration references, if there is exactly one.
func onlyGroup(ts []linkEnd) plan.Link[plan.SecurityGroup] {
	var groups []*plan.SecurityGroup
	for _, t := range ts {
		if g, ok := t.node.(*plan.SecurityGroup); ok && !slices.Contains(groups, g) {
			groups = append(groups, g)
		}
	}
	if len(groups) == 1 {
		return plan.Link[plan.SecurityGroup]{Node: groups[0]}
	}
	return plan.Link[plan.SecurityGroup]{Reason: "an inline rule names a group known only after apply, and the configuration references more than one"}
}

func linkOne[T any](t linkEnd, what string) plan.Link[T] {
	return link[T]([]linkEnd{t}, what)
}

func boolOr(o obj, name string) (bool, bool) {
	v, st := o.bool(name)
	return v.Known && v.V, st == present
}

// stringsOf reads a list of strings, noting in reason when it is unknown.
func stringsOf(o obj, name string, reason *string) []plan.Value[string] {
	vs, st := o.strings(name)
	if st == unknown || !allKnown(vs) {
		if *reason == "" {
			*reason = name + " is known only after apply"
		}
	}
	var out []plan.Value[string]
	for _, v := range vs {
		if v.Known && v.V != "" {
			out = append(out, v)
		}
	}
	return out
}

// normProtocol normalises a rule protocol: all, tcp, udp, icmp, icmpv6, or
// the protocol number.
func normProtocol(v plan.Value[string]) plan.Value[string] {
	if !v.Known {
		return v
	}
	switch strings.ToLower(strings.TrimSpace(v.V)) {
	case "-1", "all":
		v.V = plan.ProtoAll
	case "tcp", "6":
		v.V = plan.ProtoTCP
	case "udp", "17":
		v.V = plan.ProtoUDP
	case "icmp", "1":
		v.V = plan.ProtoICMP
	case "icmpv6", "58":
		v.V = plan.ProtoICMPv6
	default:
		v.V = strings.ToLower(v.V)
	}
	return v
}

// buildRuleResource reads a separate rule resource. For a rule the plan
// deletes, only its old values matter.
func (b *builder) buildRuleResource(c *resCtx, deleted bool) func() {
	rr := &ruleRes{addr: c.in.addr, mod: c.in.mod, deleted: deleted}
	b.sgRules = append(b.sgRules, rr)
	return func() {
		if len(c.in.before.v) > 0 {
			rr.before, _ = c.ruleFrom(c.in.before, cfgBody{}, rr)
		}
		if deleted {
			if rr.before == nil {
				rr.before, _ = c.ruleFrom(c.in.after, cfgBody{}, rr)
			}
			rr.group = linkOne[plan.SecurityGroup](c.b.groupOfRule(c, c.in.after, cfgBody{}), "security group")
			return
		}
		rr.after, rr.reason = c.ruleFrom(c.in.after, c.body, rr)
		ts, _ := c.links(c.in.after, c.body, "security_group_id")
		rr.group = link[plan.SecurityGroup](ts, "security group")
		if rr.group.Node == nil && rr.before != nil {
			// A replaced rule keeps its group when the group's ID is known.
			if g := c.b.groupOfRule(c, c.in.before, cfgBody{}); g.node != nil {
				rr.group = linkOne[plan.SecurityGroup](g, "security group")
			}
		}
	}
}

func (b *builder) groupOfRule(c *resCtx, o obj, body cfgBody) linkEnd {
	id, _ := o.str("security_group_id")
	if !id.Known {
		return linkEnd{reason: "the rule's group is known only after apply"}
	}
	return b.lookupNear(c.in.mod, id.V)
}

// ruleFrom reads one rule resource's values (after or before apply).
func (c *resCtx) ruleFrom(o obj, body cfgBody, rr *ruleRes) (*plan.SGRule, string) {
	r := &plan.SGRule{Address: rr.addr}
	switch c.in.typ {
	case "aws_security_group_rule":
		dir := c.str(o, body, "type", nil)
		switch {
		case dir.Is("ingress"):
			r.Direction = plan.Ingress
		case dir.Is("egress"):
			r.Direction = plan.Egress
		default:
			return nil, "the rule's type is known only after apply"
		}
		r.Protocol = normProtocol(c.str(o, body, "protocol", nil))
		r.FromPort = c.int(o, body, "from_port", nil)
		r.ToPort = c.int(o, body, "to_port", nil)
		r.Self, _ = boolOr(o, "self")
		r.CIDRs = append(stringsOf(o, "cidr_blocks", &r.CIDRsReason), stringsOf(o, "ipv6_cidr_blocks", &r.CIDRsReason)...)
		r.PrefixLists = stringsOf(o, "prefix_list_ids", &r.PeersReason)
		if set, known := c.isSet(o, body, "source_security_group_id"); set || !known {
			ts, _ := c.links(o, body, "source_security_group_id")
			r.Groups = append(r.Groups, link[plan.SecurityGroup](ts, "security group"))
		}
	default: // aws_vpc_security_group_{ingress,egress}_rule
		r.Direction = plan.Ingress
		if strings.HasSuffix(c.in.typ, "_egress_rule") {
			r.Direction = plan.Egress
		}
		r.Protocol = normProtocol(c.str(o, body, "ip_protocol", nil))
		r.FromPort = c.int(o, body, "from_port", nil)
		r.ToPort = c.int(o, body, "to_port", nil)
		for _, arg := range []string{"cidr_ipv4", "cidr_ipv6", "prefix_list_id", "referenced_security_group_id"} {
			set, known := c.isSet(o, body, arg)
			if !set && known {
				continue
			}
			switch arg {
			case "referenced_security_group_id":
				ts, _ := c.links(o, body, arg)
				r.Groups = append(r.Groups, link[plan.SecurityGroup](ts, "security group"))
			default:
				v := c.str(o, body, arg, nil)
				if arg == "prefix_list_id" {
					r.PrefixLists = append(r.PrefixLists, v)
				} else {
					r.CIDRs = append(r.CIDRs, v)
					if !v.Known && r.CIDRsReason == "" {
						r.CIDRsReason = arg + " is known only after apply"
					}
				}
			}
		}
	}
	normalizePorts(r)
	return r, ""
}

// mergeSecurityGroupRules computes each group's rules after apply: its
// planned inline entries, less the rules that separate rule resources had
// before (deleted, replaced or updated ones go away; unchanged ones are
// added back below), plus every separate rule resource that exists after
// apply.
func (b *builder) mergeSecurityGroupRules() {
	byGroup := map[*plan.SecurityGroup][]*ruleRes{}
	for _, rr := range b.sgRules {
		if rr.group.Node != nil {
			byGroup[rr.group.Node] = append(byGroup[rr.group.Node], rr)
		}
	}
	for _, g := range b.g.SecurityGroups {
		st := b.groups[g]
		if st == nil {
			continue
		}
		rules := st.inline
		for _, rr := range byGroup[g] {
			if rr.before != nil {
				rules = subtractRule(rules, rr.before)
			}
		}
		for _, rr := range byGroup[g] {
			switch {
			case rr.deleted:
			case rr.after == nil:
				if g.RulesReason == "" {
					g.RulesReason = fmt.Sprintf("%s: %s", rr.addr, rr.reason)
				}
			default:
				rr.after.Group = g
				rules = append(rules, rr.after)
			}
		}
		if st.inlineReason != "" && g.RulesReason == "" {
			g.RulesReason = st.inlineReason
		}
		sort.SliceStable(rules, func(i, j int) bool { return rules[i].Address < rules[j].Address })
		g.Rules = rules
	}
	b.unknownGroupRules()
}

// unknownGroupRules gives every group a reason when a rule resource's
// group cannot be told: the rule may belong to any group (a data source
// searching by tag may find any). A group names the nearest such rule: one
// of its own module instance, else of the nearest one containing it, else
// the first; so that a module called n times has each instance's groups
// name that instance's rule.
func (b *builder) unknownGroupRules() {
	first := map[string]*ruleRes{} // by module instance
	var firstAny *ruleRes
	for _, rr := range b.sgRules {
		if rr.deleted || rr.group.Node != nil || rr.group.External() {
			continue
		}
		if _, ok := first[rr.mod]; !ok {
			first[rr.mod] = rr
		}
		if firstAny == nil {
			firstAny = rr
		}
	}
	if firstAny == nil {
		return
	}
	for _, g := range b.g.SecurityGroups {
		if g.RulesReason != "" {
			continue
		}
		rr := firstAny
		for _, m := range append(moduleAndAncestors(b.nodeMod[g]), "") {
			if near, ok := first[m]; ok {
				rr = near
				break
			}
		}
		g.RulesReason = fmt.Sprintf("%s may add rules to it: %s", rr.addr, rr.group.Reason)
	}
}

// subtractRule removes from inline entries the peers that a separate rule
// resource describes (same direction, protocol and ports).
func subtractRule(rules []*plan.SGRule, gone *plan.SGRule) []*plan.SGRule {
	var out []*plan.SGRule
	for _, r := range rules {
		if !r.Inline || !sameShape(r, gone) {
			out = append(out, r)
			continue
		}
		cp := *r
		cp.CIDRs = minusValues(r.CIDRs, gone.CIDRs)
		cp.PrefixLists = minusValues(r.PrefixLists, gone.PrefixLists)
		cp.Groups = nil
		for _, l := range r.Groups {
			if !hasGroup(gone.Groups, l) {
				cp.Groups = append(cp.Groups, l)
			}
		}
		if gone.Self {
			cp.Self = false
		}
		if len(cp.CIDRs)+len(cp.PrefixLists)+len(cp.Groups) > 0 || cp.Self {
			out = append(out, &cp)
		}
	}
	return out
}

func sameShape(a, b *plan.SGRule) bool {
	return a.Direction == b.Direction && a.Protocol.Known && b.Protocol.Known && a.Protocol.V == b.Protocol.V &&
		a.FromPort == b.FromPort && a.ToPort == b.ToPort
}

func minusValues(a, b []plan.Value[string]) []plan.Value[string] {
	var out []plan.Value[string]
	for _, v := range a {
		found := false
		for _, w := range b {
			if v.Known && w.Known && v.V == w.V {
				found = true
			}
		}
		if !found {
			out = append(out, v)
		}
	}
	return out
}

func hasGroup(list []plan.Link[plan.SecurityGroup], l plan.Link[plan.SecurityGroup]) bool {
	for _, x := range list {
		if (x.Node != nil && x.Node == l.Node) || (x.Node == nil && x.ID != "" && x.ID == l.ID) {
			return true
		}
		if x.Node != nil && l.Node == nil && l.ID != "" && x.Node.ID.Is(l.ID) {
			return true
		}
	}
	return false
}

func (b *builder) buildSubnet(c *resCtx) func() {
	o := c.in.after
	s := &plan.Subnet{Resource: resourceOf(c.in)}
	s.ID = c.str(o, c.body, "id", nil)
	s.CIDR = c.str(o, c.body, "cidr_block", nil)
	s.IPv6CIDR = c.str(o, c.body, "ipv6_cidr_block", nil)
	b.index(s, s.ID, c.str(o, c.body, "arn", nil))
	c.in.node = s
	b.g.Subnets = append(b.g.Subnets, s)
	return func() {
		ts, _ := c.links(o, c.body, "vpc_id")
		s.VPC = link[plan.VPC](ts, "VPC")
	}
}

func (b *builder) buildVPC(c *resCtx) {
	o := c.in.after
	v := &plan.VPC{Resource: resourceOf(c.in)}
	v.ID = c.str(o, c.body, "id", nil)
	v.CIDR = c.str(o, c.body, "cidr_block", nil)
	b.index(v, v.ID, c.str(o, c.body, "arn", nil))
	c.in.node = v
	b.g.VPCs = append(b.g.VPCs, v)
}
