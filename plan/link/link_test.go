package link_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/lbguard/lbguard/plan"
	"github.com/lbguard/lbguard/plan/link"
	"github.com/lbguard/lbguard/plan/tfplan"
)

// The tests below build small plans by hand for shapes that a generated
// fixture cannot show (old Terraform quirks, deposed objects) or to pin one
// linking decision. Whole realistic plans are in fixtures/.

type change struct {
	addr, mod, typ, name string
	index                any
	data                 bool
	actions              []string
	before, after        map[string]any
	unknown, sensitive   map[string]any
}

func (c change) json() map[string]any {
	mode := "managed"
	if c.data {
		mode = "data"
	}
	if c.actions == nil {
		c.actions = []string{"create"}
	}
	m := map[string]any{
		"address": c.addr, "type": c.typ, "name": c.name, "mode": mode,
		"change": map[string]any{
			"actions": c.actions, "before": c.before, "after": c.after,
			"after_unknown": orEmpty(c.unknown), "after_sensitive": orEmpty(c.sensitive),
		},
	}
	if c.mod != "" {
		m["module_address"] = c.mod
	}
	if c.index != nil {
		m["index"] = c.index
	}
	return m
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

func load(t *testing.T, changes []change, config map[string]any, extra map[string]any) *plan.Graph {
	t.Helper()
	var rcs []any
	for _, c := range changes {
		rcs = append(rcs, c.json())
	}
	doc := map[string]any{
		"format_version":    "1.2",
		"terraform_version": "1.9.0",
		"resource_changes":  rcs,
		"configuration":     map[string]any{"root_module": config},
		"planned_values":    map[string]any{},
	}
	for k, v := range extra {
		doc[k] = v
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	in, err := tfplan.Read(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	g, err := link.Build(in, link.Options{Kind: "plan"})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func refs(r ...string) map[string]any { return map[string]any{"references": r} }
func constant(v any) map[string]any   { return map[string]any{"constant_value": v} }

func cfgResource(addr string, exprs map[string]any, extra ...any) map[string]any {
	typ, name, _ := strings.Cut(addr, ".")
	m := map[string]any{"address": addr, "mode": "managed", "type": typ, "name": name, "expressions": exprs}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i].(string)] = extra[i+1]
	}
	return m
}

var unknownARN = map[string]any{"arn": true, "id": true}

func listenerAfter(port int, proto string) map[string]any {
	return map[string]any{"port": port, "protocol": proto, "default_action": []any{
		map[string]any{"type": "fixed-response", "redirect": []any{}, "forward": []any{}},
	}}
}

func listenerOf(g *plan.Graph, addr string) *plan.Listener {
	for _, l := range g.Listeners {
		if l.Address == addr {
			return l
		}
	}
	return nil
}

// Listeners with count link to load balancers with the same count key by
// key; a reference that cannot say which instance stays unresolved.
func TestCountKeysLinkKeyToKey(t *testing.T) {
	lbCfg := cfgResource("aws_lb.web", map[string]any{}, "count_expression", constant(2))
	lCfg := cfgResource("aws_lb_listener.http", map[string]any{"load_balancer_arn": refs("aws_lb.web", "count.index")}, "count_expression", constant(2))
	oneCfg := cfgResource("aws_lb_listener.one", map[string]any{"load_balancer_arn": refs("aws_lb.web[1].arn", "aws_lb.web[1]", "aws_lb.web")})
	lostCfg := cfgResource("aws_lb_listener.lost", map[string]any{"load_balancer_arn": refs("aws_lb.web", "var.i")})
	g := load(t, []change{
		{addr: "aws_lb.web[0]", typ: "aws_lb", name: "web", index: 0, after: map[string]any{}, unknown: unknownARN},
		{addr: "aws_lb.web[1]", typ: "aws_lb", name: "web", index: 1, after: map[string]any{}, unknown: unknownARN},
		{addr: "aws_lb_listener.http[0]", typ: "aws_lb_listener", name: "http", index: 0, after: listenerAfter(80, "HTTP"), unknown: map[string]any{"load_balancer_arn": true}},
		{addr: "aws_lb_listener.http[1]", typ: "aws_lb_listener", name: "http", index: 1, after: listenerAfter(81, "HTTP"), unknown: map[string]any{"load_balancer_arn": true}},
		{addr: "aws_lb_listener.one", typ: "aws_lb_listener", name: "one", after: listenerAfter(82, "HTTP"), unknown: map[string]any{"load_balancer_arn": true}},
		{addr: "aws_lb_listener.lost", typ: "aws_lb_listener", name: "lost", after: listenerAfter(83, "HTTP"), unknown: map[string]any{"load_balancer_arn": true}},
	}, map[string]any{"resources": []any{lbCfg, lCfg, oneCfg, lostCfg}}, nil)

	for addr, want := range map[string]string{
		"aws_lb_listener.http[0]": "aws_lb.web[0]",
		"aws_lb_listener.http[1]": "aws_lb.web[1]",
		"aws_lb_listener.one":     "aws_lb.web[1]",
	} {
		l := listenerOf(g, addr)
		if l.LoadBalancer.Node == nil || l.LoadBalancer.Node.Address != want {
			t.Errorf("%s links to %+v, want %s", addr, l.LoadBalancer, want)
		}
	}
	lost := listenerOf(g, "aws_lb_listener.lost")
	if !lost.LoadBalancer.Unresolved() || !strings.Contains(lost.LoadBalancer.Reason, "aws_lb.web has 2 instances") {
		t.Errorf("lost listener: %+v", lost.LoadBalancer)
	}
	for _, lb := range g.LoadBalancers {
		if len(lb.UnlinkedListeners) != 1 || len(lb.Listeners) == 0 {
			t.Errorf("%s: listeners %d, unlinked %d", lb.Address, len(lb.Listeners), len(lb.UnlinkedListeners))
		}
	}
}

// A reference through var.* is followed to the module call's argument in the
// parent, and through module.X.Y to the child's output, with module
// instance keys matched.
func TestModuleReferences(t *testing.T) {
	child := map[string]any{
		"resources": []any{cfgResource("aws_lb.this", map[string]any{"internal": refs("var.internal")})},
		"outputs":   map[string]any{"arn": map[string]any{"expression": refs("aws_lb.this.arn", "aws_lb.this")}},
		"variables": map[string]any{"internal": map[string]any{}},
	}
	root := map[string]any{
		"module_calls": map[string]any{
			"alb": map[string]any{
				"source": "./alb", "module": child,
				"for_each_expression": refs("var.sites"),
				"expressions":         map[string]any{"internal": refs("each.value")},
			},
		},
		"resources": []any{
			cfgResource("aws_lb_listener.http", map[string]any{"load_balancer_arn": refs(`module.alb["b"].arn`, "module.alb")}),
			cfgResource("aws_lb_listener.each", map[string]any{"load_balancer_arn": refs("module.alb", "each.key")}, "for_each_expression", refs("var.sites")),
		},
	}
	lb := func(key string) change {
		return change{addr: `module.alb["` + key + `"].aws_lb.this`, mod: `module.alb["` + key + `"]`, typ: "aws_lb", name: "this",
			after: map[string]any{"internal": false}, unknown: unknownARN}
	}
	g := load(t, []change{
		lb("a"), lb("b"),
		{addr: "aws_lb_listener.http", typ: "aws_lb_listener", name: "http", after: listenerAfter(80, "HTTP"), unknown: map[string]any{"load_balancer_arn": true}},
		{addr: `aws_lb_listener.each["a"]`, typ: "aws_lb_listener", name: "each", index: "a", after: listenerAfter(80, "HTTP"), unknown: map[string]any{"load_balancer_arn": true}},
		{addr: `aws_lb_listener.each["b"]`, typ: "aws_lb_listener", name: "each", index: "b", after: listenerAfter(80, "HTTP"), unknown: map[string]any{"load_balancer_arn": true}},
	}, root, nil)
	for addr, want := range map[string]string{
		"aws_lb_listener.http":      `module.alb["b"].aws_lb.this`,
		`aws_lb_listener.each["a"]`: `module.alb["a"].aws_lb.this`,
		`aws_lb_listener.each["b"]`: `module.alb["b"].aws_lb.this`,
	} {
		l := listenerOf(g, addr)
		if l.LoadBalancer.Node == nil || l.LoadBalancer.Node.Address != want {
			t.Errorf("%s links to %+v, want %s", addr, l.LoadBalancer, want)
		}
	}
}

// An argument set to null (here through a variable whose value is null)
// takes the provider's default even where the plan says "known after apply";
// a reference through local.* cannot be followed from plan JSON.
func TestNullThroughVariableAndLocals(t *testing.T) {
	root := map[string]any{
		"variables": map[string]any{"internal": map[string]any{}},
		"resources": []any{
			cfgResource("aws_lb.a", map[string]any{"internal": refs("var.internal")}),
			cfgResource("aws_lb.b", map[string]any{"internal": refs("aws_vpc.x.id")}),
			cfgResource("aws_lb_listener.l", map[string]any{"load_balancer_arn": refs("local.lb_arn")}),
		},
	}
	g := load(t, []change{
		{addr: "aws_lb.a", typ: "aws_lb", name: "a", after: map[string]any{}, unknown: map[string]any{"internal": true, "arn": true}},
		{addr: "aws_lb.b", typ: "aws_lb", name: "b", after: map[string]any{}, unknown: map[string]any{"internal": true, "arn": true}},
		{addr: "aws_lb_listener.l", typ: "aws_lb_listener", name: "l", after: listenerAfter(80, "HTTP"), unknown: map[string]any{"load_balancer_arn": true}},
	}, root, map[string]any{"variables": map[string]any{"internal": map[string]any{"value": nil}}})
	a, b := g.LoadBalancers[0], g.LoadBalancers[1]
	if !a.Internal.Is(false) || !a.Type.Is(plan.Application) {
		t.Errorf("aws_lb.a: internal %v type %v, want the defaults false/application", a.Internal, a.Type)
	}
	if b.Internal.Known {
		t.Errorf("aws_lb.b: internal from a computed id must stay unknown, got %v", b.Internal)
	}
	l := g.Listeners[0]
	if !l.LoadBalancer.Unresolved() || !strings.Contains(l.LoadBalancer.Reason, "local.lb_arn") || !strings.Contains(l.LoadBalancer.Reason, "--source") {
		t.Errorf("local reference: %+v", l.LoadBalancer)
	}
}

// Blocks generated by dynamic do not appear in the plan's configuration:
// an argument missing from them is not "unset".
func TestDynamicBlocksAreNotComplete(t *testing.T) {
	root := map[string]any{"resources": []any{
		// default_action came from a dynamic block: the configuration shows none.
		cfgResource("aws_lb_listener.dyn", map[string]any{"port": constant(80)}),
		cfgResource("aws_lb_listener.static", map[string]any{"port": constant(80), "default_action": []any{
			map[string]any{"type": constant("redirect"), "redirect": []any{map[string]any{"protocol": constant("HTTPS")}}},
		}}),
	}}
	redirect := func() map[string]any {
		return map[string]any{"port": 80, "protocol": "HTTP", "default_action": []any{map[string]any{
			"type": "redirect", "redirect": []any{map[string]any{"protocol": "HTTPS"}},
		}}}
	}
	unk := map[string]any{"load_balancer_arn": true, "default_action": []any{map[string]any{"redirect": []any{map[string]any{"port": true}}}}}
	g := load(t, []change{
		{addr: "aws_lb_listener.dyn", typ: "aws_lb_listener", name: "dyn", after: redirect(), unknown: unk},
		{addr: "aws_lb_listener.static", typ: "aws_lb_listener", name: "static", after: redirect(), unknown: unk},
	}, root, nil)
	dyn, static := listenerOf(g, "aws_lb_listener.dyn"), listenerOf(g, "aws_lb_listener.static")
	if p := dyn.DefaultActions.List[0].Redirect.Port; p.Known {
		t.Errorf("dynamic block: port %v must stay unknown", p)
	}
	if p := static.DefaultActions.List[0].Redirect.Port; !p.Is(plan.KeepPort) {
		t.Errorf("static block without port: %v, want #{port}", p)
	}
}

// Terraform 0.12 wrote child-module resources in prior_state without their
// module; deposed objects are being destroyed; forgotten ones stay.
func TestOldQuirksDeposedAndForget(t *testing.T) {
	prior := map[string]any{"values": map[string]any{"root_module": map[string]any{
		"child_modules": []any{map[string]any{"address": "module.m", "resources": []any{
			map[string]any{"address": "aws_lb.x", "mode": "managed", "type": "aws_lb", "name": "x", "values": map[string]any{"arn": "arn:x"}},
			map[string]any{"address": "data.aws_lb.d", "mode": "data", "type": "aws_lb", "name": "d", "values": map[string]any{"arn": "arn:d", "load_balancer_type": "network"}},
		}}},
	}}}
	g := load(t, []change{
		{addr: "module.m.aws_lb.x", mod: "module.m", typ: "aws_lb", name: "x", actions: []string{"no-op"}, before: map[string]any{"arn": "arn:x"}, after: map[string]any{"arn": "arn:x"}},
		{addr: "aws_lb.gone", typ: "aws_lb", name: "gone", actions: []string{"delete"}, before: map[string]any{"arn": "arn:gone"}},
		{addr: "aws_lb.kept", typ: "aws_lb", name: "kept", actions: []string{"forget"}, before: map[string]any{"arn": "arn:kept"}},
	}, map[string]any{}, map[string]any{"prior_state": prior})
	var addrs []string
	for _, lb := range g.LoadBalancers {
		addrs = append(addrs, lb.Address+"="+string(lb.Mode))
	}
	want := "aws_lb.kept=managed module.m.aws_lb.x=managed module.m.data.aws_lb.d=data"
	if got := strings.Join(addrs, " "); got != want {
		t.Errorf("load balancers: %s, want %s", got, want)
	}
}

func TestSensitiveMask(t *testing.T) {
	g := load(t, []change{{addr: "aws_lb_listener.s", typ: "aws_lb_listener", name: "s",
		after:     map[string]any{"port": 1234, "protocol": "HTTPS", "ssl_policy": "secret-policy"},
		sensitive: map[string]any{"ssl_policy": true}, unknown: map[string]any{"load_balancer_arn": true}}}, map[string]any{}, nil)
	l := g.Listeners[0]
	if !l.SSLPolicy.Sensitive || l.SSLPolicy.String() != "(sensitive)" || l.Port.Sensitive {
		t.Errorf("policy %+v port %+v", l.SSLPolicy, l.Port)
	}
}

// Terraform rejects reference cycles, but a crafted plan may hold one: the
// loader must stop, not recurse forever.
func TestReferenceCycle(t *testing.T) {
	root := map[string]any{"resources": []any{
		cfgResource("aws_security_group_rule.a", map[string]any{"security_group_id": refs("aws_security_group_rule.b.security_group_id")}),
		cfgResource("aws_security_group_rule.b", map[string]any{"security_group_id": refs("aws_security_group_rule.a.security_group_id")}),
	}}
	rule := func(name string) change {
		return change{addr: "aws_security_group_rule." + name, typ: "aws_security_group_rule", name: name,
			after: map[string]any{"type": "ingress"}, unknown: map[string]any{"security_group_id": true}}
	}
	g := load(t, []change{rule("a"), rule("b")}, root, nil)
	if len(g.SecurityGroups) != 0 {
		t.Errorf("no groups expected: %+v", g.SecurityGroups)
	}
}

// An existing group's planned ingress lists every rule AWS reports, also
// those of separate rule resources. After apply: the entries of deleted
// and replaced rule resources are gone, unchanged ones count once, and the
// replacement's new values are added.
func TestSecurityGroupRuleMerge(t *testing.T) {
	entry := func(from int, cidrs ...any) map[string]any {
		return map[string]any{"protocol": "tcp", "from_port": from, "to_port": from, "cidr_blocks": cidrs,
			"ipv6_cidr_blocks": []any{}, "prefix_list_ids": []any{}, "security_groups": []any{}, "self": false}
	}
	group := map[string]any{"id": "sg-1", "ingress": []any{
		entry(443, "0.0.0.0/0"),                 // inline, stays
		entry(22, "10.0.0.0/8", "192.0.2.0/24"), // one CIDR from a deleted rule resource
		entry(80, "0.0.0.0/0"),                  // from an unchanged rule resource
		entry(8080, "10.0.0.0/8"),               // from a replaced rule resource
	}, "egress": []any{}}
	rule := func(from int, cidr string) map[string]any {
		return map[string]any{"type": "ingress", "security_group_id": "sg-1", "protocol": "tcp", "from_port": from, "to_port": from,
			"cidr_blocks": []any{cidr}, "ipv6_cidr_blocks": []any{}, "prefix_list_ids": []any{}, "self": false}
	}
	g := load(t, []change{
		{addr: "aws_security_group.g", typ: "aws_security_group", name: "g", actions: []string{"no-op"}, before: group, after: group},
		{addr: "aws_security_group_rule.ssh", typ: "aws_security_group_rule", name: "ssh", actions: []string{"delete"}, before: rule(22, "192.0.2.0/24")},
		{addr: "aws_security_group_rule.http", typ: "aws_security_group_rule", name: "http", actions: []string{"no-op"}, before: rule(80, "0.0.0.0/0"), after: rule(80, "0.0.0.0/0")},
		{addr: "aws_security_group_rule.app", typ: "aws_security_group_rule", name: "app", actions: []string{"delete", "create"}, before: rule(8080, "10.0.0.0/8"), after: rule(8081, "10.0.0.0/8")},
	}, map[string]any{}, nil)
	sg := g.SecurityGroups[0]
	if !sg.RulesKnown() {
		t.Fatalf("rules unknown: %s", sg.RulesReason)
	}
	var got []string
	for _, r := range sg.Rules {
		var cidrs []string
		for _, c := range r.CIDRs {
			cidrs = append(cidrs, c.V)
		}
		got = append(got, r.Address+" "+r.FromPort.String()+" "+strings.Join(cidrs, ","))
	}
	want := []string{
		"aws_security_group.g 443 0.0.0.0/0",
		"aws_security_group.g 22 10.0.0.0/8",
		"aws_security_group_rule.app 8081 10.0.0.0/8",
		"aws_security_group_rule.http 80 0.0.0.0/0",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rules after apply:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// var.create ? [aws_security_group.a.id] : [] records both references: a
// plan does not say which branch is taken, so the groups stay unknown and
// the reason names the condition (never its value when it is sensitive).
func TestConditionalIsNotAGuess(t *testing.T) {
	root := map[string]any{
		"variables": map[string]any{"create": map[string]any{}, "secret": map[string]any{"sensitive": true}},
		"resources": []any{
			cfgResource("aws_security_group.a", map[string]any{}),
			cfgResource("aws_lb.open", map[string]any{"security_groups": refs("var.create", "aws_security_group.a.id", "aws_security_group.a")}),
			cfgResource("aws_lb.hidden", map[string]any{"security_groups": refs("var.secret", "aws_security_group.a.id", "aws_security_group.a")}),
		},
	}
	g := load(t, []change{
		{addr: "aws_security_group.a", typ: "aws_security_group", name: "a", after: map[string]any{"ingress": []any{}, "egress": []any{}}, unknown: map[string]any{"id": true, "arn": true}},
		{addr: "aws_lb.hidden", typ: "aws_lb", name: "hidden", after: map[string]any{}, unknown: map[string]any{"security_groups": true, "arn": true}},
		{addr: "aws_lb.open", typ: "aws_lb", name: "open", after: map[string]any{}, unknown: map[string]any{"security_groups": true, "arn": true}},
	}, root, map[string]any{"variables": map[string]any{
		"create": map[string]any{"value": true},
		"secret": map[string]any{"value": false},
	}})
	want := map[string]string{
		"aws_lb.open":   "the value depends on var.create (true) through an expression lbguard cannot evaluate from a plan's configuration",
		"aws_lb.hidden": "the value depends on var.secret through an expression lbguard cannot evaluate from a plan's configuration",
	}
	for _, lb := range g.LoadBalancers {
		if lb.SecurityGroups.Known() {
			t.Errorf("%s: groups known: %+v", lb.Address, lb.SecurityGroups)
			continue
		}
		if lb.SecurityGroups.Reason != want[lb.Address] {
			t.Errorf("%s: reason %q, want %q", lb.Address, lb.SecurityGroups.Reason, want[lb.Address])
		}
	}
}
