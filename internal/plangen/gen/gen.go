// Package gen makes realistic Terraform plans for benchmarks and scale
// tests, deterministically: load-balancer stacks as instances of a child
// module (listeners, rules, target groups, instance, autoscaling and ECS
// targets, security groups in all four rule forms), most of the plan made
// of other resource types with large values (IAM policies, user data,
// tags), and N copies of a real plan as module instances.
package gen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
)

// Stacks is a plan of n stacks, each an instance of module.stack (count)
// or module.svc (for_each), with
// fillers other resources per stack; seed varies the large values. It is
// shaped as Terraform writes plans: members in Terraform's order, the
// planned values beside the changes, and every fourth stack already
// applied (its resources in prior_state, known IDs linking them, no-op
// changes). Every tenth stack has a finding: its HTTP listener forwards
// instead of redirecting.
func Stacks(n, fillers int, seed uint64) ([]byte, error) {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	var changes, planned, prior []any
	var resources []any
	for i := 0; i < n; i++ {
		st := stack{i: i, applied: i%4 == 1, rng: rng}
		st.build(fillers)
		// Even stacks are instances of a module called with count, odd
		// ones of the same module called with for_each.
		mod := fmt.Sprintf("module.stack[%d]", i/2)
		if i%2 == 1 {
			mod = fmt.Sprintf(`module.svc["svc-%d"]`, i)
		}
		var pres, prres []any
		for _, r := range st.res {
			addr := mod + "." + r.typ + "." + r.name
			action, before, unknown := "create", any(nil), r.unknown
			if st.applied {
				action, before, unknown = "no-op", r.after, map[string]any{}
			}
			changes = append(changes, ordered{
				{"address", addr}, {"module_address", mod}, {"mode", "managed"}, {"type", r.typ}, {"name", r.name},
				{"provider_name", "registry.terraform.io/hashicorp/aws"},
				{"change", ordered{{"actions", []string{action}}, {"before", before}, {"after", r.after},
					{"after_unknown", unknown}, {"before_sensitive", sensitiveOf(before)}, {"after_sensitive", map[string]any{}}}},
			})
			state := ordered{{"address", addr}, {"mode", "managed"}, {"type", r.typ}, {"name", r.name},
				{"provider_name", "registry.terraform.io/hashicorp/aws"}, {"schema_version", 0}, {"values", r.after}, {"sensitive_values", map[string]any{}}}
			pres = append(pres, state)
			if st.applied {
				prres = append(prres, state)
			}
			if i == 0 {
				resources = append(resources, ordered{{"address", r.typ + "." + r.name}, {"mode", "managed"}, {"type", r.typ}, {"name", r.name},
					{"provider_config_key", "aws"}, {"expressions", r.exprs}, {"schema_version", 0}})
			}
		}
		planned = append(planned, ordered{{"resources", pres}, {"address", mod}})
		if st.applied {
			prior = append(prior, ordered{{"resources", prres}, {"address", mod}})
		}
	}
	doc := ordered{
		{"format_version", "1.2"}, {"terraform_version", "1.9.0"},
		{"planned_values", ordered{{"root_module", ordered{{"child_modules", planned}}}}},
		{"resource_changes", changes},
	}
	if len(prior) > 0 {
		doc = append(doc, kv{"prior_state", ordered{{"format_version", "1.0"}, {"terraform_version", "1.9.0"},
			{"values", ordered{{"root_module", ordered{{"child_modules", prior}}}}}}})
	}
	doc = append(doc, kv{"configuration", ordered{{"provider_config", map[string]any{"aws": map[string]any{"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws"}}},
		{"root_module", ordered{{"module_calls", ordered{
			{"stack", ordered{{"source", "./stack"}, {"count_expression", map[string]any{"constant_value": (n + 1) / 2}}, {"module", ordered{{"resources", resources}}}}},
			{"svc", ordered{{"source", "./stack"}, {"for_each_expression", map[string]any{"references": []string{"var.services"}}}, {"module", ordered{{"resources", resources}}}}},
		}}}}}})
	return json.Marshal(doc)
}

// sensitiveOf is the sensitivity mask Terraform writes for values: an
// empty object, or false when there are none.
func sensitiveOf(v any) any {
	if v == nil {
		return false
	}
	return map[string]any{}
}

// kv is one member of an ordered object.
type kv struct {
	k string
	v any
}

// ordered is a JSON object whose members keep their order, as
// Terraform's plan writer keeps its structs' field order.
type ordered []kv

// MarshalJSON writes the members in order.
func (o ordered) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(m.k)
		v, err := json.Marshal(m.v)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// stack is one instance of the load-balancer module.
type stack struct {
	i       int
	applied bool // in prior_state: IDs are known and link the resources
	rng     *rand.Rand
	res     []genRes
}

// genRes is one resource of a stack: its values after apply, what of
// them is unknown until apply, and its configuration's expressions.
type genRes struct {
	typ, name      string
	after, unknown map[string]any
	exprs          map[string]any
}

// id is the ID (or, with arn, the ARN) AWS gave a resource of an applied
// stack.
func (st *stack) id(typ, name string, arn bool) string {
	h := fmt.Sprintf("%08x", uint32(st.i*7919+len(typ)*131+len(name)*17))
	if arn {
		return fmt.Sprintf("arn:aws:elasticloadbalancing:us-east-1:123456789012:%s/%s-%d/%s", strings.TrimPrefix(typ, "aws_"), name, st.i, h)
	}
	return strings.TrimPrefix(typ, "aws_") + "-" + h + fmt.Sprint(st.i)
}

// add adds a resource. links are attributes that hold another resource's
// ID or ARN: known values in an applied stack, unknown ones otherwise.
func (st *stack) add(typ, name string, after map[string]any, exprs map[string]any, links ...link) {
	unknown := map[string]any{"id": true, "arn": true}
	if st.applied {
		after["id"], after["arn"] = st.id(typ, name, false), st.id(typ, name, true)
	}
	for _, l := range links {
		l.set(st, after, unknown)
	}
	st.res = append(st.res, genRes{typ: typ, name: name, after: after, unknown: unknown, exprs: exprs})
}

// link is an attribute (attr, or attr[0].inner for a nested block, as a
// list with list) that holds the ID or ARN of typ.name.
type link struct {
	attr, inner string
	typ, name   string
	arn, list   bool
}

func (l link) set(st *stack, after, unknown map[string]any) {
	var v, u any = st.id(l.typ, l.name, l.arn), true
	if l.list {
		v, u = []any{v}, true
	}
	if l.inner == "" {
		if st.applied {
			after[l.attr] = v
		} else {
			unknown[l.attr] = u
		}
		return
	}
	block := after[l.attr].([]any)[0].(map[string]any)
	if st.applied {
		block[l.inner] = v
	} else {
		unknown[l.attr] = []any{map[string]any{l.inner: u}}
	}
}

func ref(r ...string) map[string]any { return map[string]any{"references": r} }

// build makes the stack's resources.
func (st *stack) build(fillers int) {
	i, rng := st.i, st.rng
	sg := func(name string) link { return link{typ: "aws_security_group", name: name} }
	withAttr := func(l link, attr string) link { l.attr = attr; return l }
	st.add("aws_security_group", "lb", map[string]any{"name": fmt.Sprintf("lb-%d", i), "ingress": []any{
		map[string]any{"protocol": "icmp", "from_port": 3, "to_port": 4, "cidr_blocks": []any{"0.0.0.0/0"}, "ipv6_cidr_blocks": []any{}, "prefix_list_ids": []any{}, "security_groups": []any{}, "self": false, "description": ""},
	}, "egress": []any{}, "tags": map[string]any{"Name": fmt.Sprintf("lb-%d", i), "team": "web"}}, map[string]any{})
	st.add("aws_security_group", "app", map[string]any{"name": fmt.Sprintf("app-%d", i), "ingress": []any{}, "egress": []any{}}, map[string]any{})
	st.add("aws_vpc_security_group_ingress_rule", "https", map[string]any{"ip_protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_ipv4": "0.0.0.0/0"},
		map[string]any{"security_group_id": ref("aws_security_group.lb.id", "aws_security_group.lb")}, withAttr(sg("lb"), "security_group_id"))
	st.add("aws_security_group_rule", "http", map[string]any{"type": "ingress", "protocol": "tcp", "from_port": 80, "to_port": 80, "cidr_blocks": []any{"0.0.0.0/0"}},
		map[string]any{"security_group_id": ref("aws_security_group.lb.id", "aws_security_group.lb")}, withAttr(sg("lb"), "security_group_id"))
	st.add("aws_vpc_security_group_egress_rule", "to_app", map[string]any{"ip_protocol": "tcp", "from_port": 8080, "to_port": 8081},
		map[string]any{"security_group_id": ref("aws_security_group.lb.id", "aws_security_group.lb"), "referenced_security_group_id": ref("aws_security_group.app.id", "aws_security_group.app")},
		withAttr(sg("lb"), "security_group_id"), withAttr(sg("app"), "referenced_security_group_id"))
	st.add("aws_vpc_security_group_ingress_rule", "from_lb", map[string]any{"ip_protocol": "tcp", "from_port": 8080, "to_port": 8081},
		map[string]any{"security_group_id": ref("aws_security_group.app.id", "aws_security_group.app"), "referenced_security_group_id": ref("aws_security_group.lb.id", "aws_security_group.lb")},
		withAttr(sg("app"), "security_group_id"), withAttr(sg("lb"), "referenced_security_group_id"))
	st.add("aws_lb", "this", map[string]any{"name": fmt.Sprintf("web-%d", i), "internal": false, "load_balancer_type": "application"},
		map[string]any{"security_groups": ref("aws_security_group.lb.id", "aws_security_group.lb")}, link{attr: "security_groups", typ: "aws_security_group", name: "lb", list: true})
	st.add("aws_lb_target_group", "app", map[string]any{"name": fmt.Sprintf("app-%d", i), "port": 8080, "protocol": "HTTPS", "target_type": "instance",
		"health_check": []any{map[string]any{"port": "8081", "protocol": "HTTPS"}}}, map[string]any{})
	st.add("aws_lb_target_group", "workers", map[string]any{"name": fmt.Sprintf("wk-%d", i), "port": 8080, "protocol": "HTTPS", "target_type": "instance"}, map[string]any{})
	st.add("aws_instance", "web", map[string]any{"ami": "ami-0123456789abcdef0", "instance_type": "t3.micro", "user_data": blob(rng, 2000)},
		map[string]any{"vpc_security_group_ids": ref("aws_security_group.app.id", "aws_security_group.app")}, link{attr: "vpc_security_group_ids", typ: "aws_security_group", name: "app", list: true})
	st.add("aws_lb_target_group_attachment", "web", map[string]any{},
		map[string]any{"target_group_arn": ref("aws_lb_target_group.app.arn", "aws_lb_target_group.app"), "target_id": ref("aws_instance.web.id", "aws_instance.web")},
		link{attr: "target_group_arn", typ: "aws_lb_target_group", name: "app", arn: true}, link{attr: "target_id", typ: "aws_instance", name: "web"})
	st.add("aws_launch_template", "workers", map[string]any{"name": fmt.Sprintf("wk-%d", i), "user_data": blob(rng, 3000)},
		map[string]any{"vpc_security_group_ids": ref("aws_security_group.app.id", "aws_security_group.app")}, link{attr: "vpc_security_group_ids", typ: "aws_security_group", name: "app", list: true})
	st.add("aws_autoscaling_group", "workers", map[string]any{"min_size": 1, "max_size": 3, "launch_template": []any{map[string]any{"version": "$Latest"}}},
		map[string]any{"target_group_arns": ref("aws_lb_target_group.workers.arn", "aws_lb_target_group.workers"),
			"launch_template": []any{map[string]any{"id": ref("aws_launch_template.workers.id", "aws_launch_template.workers")}}},
		link{attr: "target_group_arns", typ: "aws_lb_target_group", name: "workers", arn: true, list: true},
		link{attr: "launch_template", inner: "id", typ: "aws_launch_template", name: "workers"})
	httpAction := map[string]any{"type": "redirect", "redirect": []any{map[string]any{"protocol": "HTTPS", "port": "443", "status_code": "HTTP_301"}}}
	httpLinks := []link{{attr: "load_balancer_arn", typ: "aws_lb", name: "this", arn: true}}
	// One configuration for every instance: the action is a conditional
	// (var.redirect ? "redirect" : "forward") whose forward branch
	// references the target group.
	httpExprs := map[string]any{"load_balancer_arn": ref("aws_lb.this.arn", "aws_lb.this"),
		"default_action": []any{map[string]any{"type": ref("var.redirect"), "target_group_arn": ref("aws_lb_target_group.app.arn", "aws_lb_target_group.app")}}}
	if i%10 == 3 {
		// The finding: plain HTTP forwarded to the targets.
		httpAction = map[string]any{"type": "forward"}
		httpLinks = append(httpLinks, link{attr: "default_action", inner: "target_group_arn", typ: "aws_lb_target_group", name: "app", arn: true})
	}
	st.add("aws_lb_listener", "http", map[string]any{"port": 80, "protocol": "HTTP", "default_action": []any{httpAction}}, httpExprs, httpLinks...)
	st.add("aws_lb_listener", "https", map[string]any{"port": 443, "protocol": "HTTPS", "certificate_arn": "arn:aws:acm:us-east-1:123456789012:certificate/x",
		"ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06", "default_action": []any{map[string]any{"type": "forward"}}},
		map[string]any{"load_balancer_arn": ref("aws_lb.this.arn", "aws_lb.this"),
			"default_action": []any{map[string]any{"target_group_arn": ref("aws_lb_target_group.app.arn", "aws_lb_target_group.app")}}},
		link{attr: "load_balancer_arn", typ: "aws_lb", name: "this", arn: true}, link{attr: "default_action", inner: "target_group_arn", typ: "aws_lb_target_group", name: "app", arn: true})
	st.add("aws_lb_listener_rule", "workers", map[string]any{"priority": 10, "action": []any{map[string]any{"type": "forward"}}},
		map[string]any{"listener_arn": ref("aws_lb_listener.https.arn", "aws_lb_listener.https"),
			"action": []any{map[string]any{"target_group_arn": ref("aws_lb_target_group.workers.arn", "aws_lb_target_group.workers")}}},
		link{attr: "listener_arn", typ: "aws_lb_listener", name: "https", arn: true}, link{attr: "action", inner: "target_group_arn", typ: "aws_lb_target_group", name: "workers", arn: true})
	st.add("aws_lb_target_group", "api", map[string]any{"name": fmt.Sprintf("api-%d", i), "port": 8080, "protocol": "HTTPS", "target_type": "ip"}, map[string]any{})
	st.add("aws_ecs_service", "api", map[string]any{"name": fmt.Sprintf("api-%d", i), "desired_count": 2, "launch_type": "FARGATE",
		"network_configuration": []any{map[string]any{"assign_public_ip": false, "subnets": []any{"subnet-0a1b2c3d", "subnet-4e5f6a7b"}}},
		"load_balancer":         []any{map[string]any{"container_name": "api", "container_port": 8080, "elb_name": ""}}},
		map[string]any{"network_configuration": []any{map[string]any{"security_groups": ref("aws_security_group.app.id", "aws_security_group.app"),
			"subnets": map[string]any{"constant_value": []any{"subnet-0a1b2c3d", "subnet-4e5f6a7b"}}}},
			"load_balancer": []any{map[string]any{"target_group_arn": ref("aws_lb_target_group.api.arn", "aws_lb_target_group.api"),
				"container_name": map[string]any{"constant_value": "api"}, "container_port": map[string]any{"constant_value": 8080}}}},
		link{attr: "network_configuration", inner: "security_groups", typ: "aws_security_group", name: "app", list: true},
		link{attr: "load_balancer", inner: "target_group_arn", typ: "aws_lb_target_group", name: "api", arn: true})
	st.add("aws_lb_listener_rule", "api", map[string]any{"priority": 20, "action": []any{map[string]any{"type": "forward"}}},
		map[string]any{"listener_arn": ref("aws_lb_listener.https.arn", "aws_lb_listener.https"),
			"action": []any{map[string]any{"target_group_arn": ref("aws_lb_target_group.api.arn", "aws_lb_target_group.api")}}},
		link{attr: "listener_arn", typ: "aws_lb_listener", name: "https", arn: true}, link{attr: "action", inner: "target_group_arn", typ: "aws_lb_target_group", name: "api", arn: true})
	for f := 0; f < fillers; f++ {
		typ := []string{"aws_iam_policy", "aws_s3_bucket", "aws_ssm_parameter", "aws_cloudwatch_log_group"}[f%4]
		st.add(typ, fmt.Sprintf("f%d", f), filler(rng, typ, i, f), map[string]any{"name": map[string]any{"constant_value": "x"}})
	}
}

// blob is a deterministic run of text, such as user data.
func blob(rng *rand.Rand, n int) string {
	const words = "#!/bin/bash\necho hello world; yum install -y nginx; systemctl enable nginx; "
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(words[rng.IntN(len(words)/2):])
	}
	return b.String()[:n]
}

// filler is a resource of a type lbguard does not model, with the large
// values real plans carry.
func filler(rng *rand.Rand, typ string, i, f int) map[string]any {
	tags := map[string]any{}
	for t := 0; t < 12; t++ {
		tags[fmt.Sprintf("tag%d", t)] = fmt.Sprintf("value-%d-%d-%d", i, f, rng.IntN(1e6))
	}
	switch typ {
	case "aws_iam_policy":
		var stmts []any
		for s := 0; s < 15; s++ {
			stmts = append(stmts, map[string]any{"Effect": "Allow", "Action": []string{"s3:GetObject", "s3:PutObject", "kms:Decrypt"},
				"Resource": fmt.Sprintf("arn:aws:s3:::bucket-%d-%d/%d/*", i, f, rng.IntN(1e9))})
		}
		pol, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": stmts})
		return map[string]any{"name": fmt.Sprintf("p-%d-%d", i, f), "policy": string(pol), "tags": tags}
	case "aws_ssm_parameter":
		return map[string]any{"name": fmt.Sprintf("/app/%d/%d", i, f), "type": "String", "value": blob(rng, 1500), "tags": tags}
	}
	return map[string]any{"name": fmt.Sprintf("r-%d-%d", i, f), "tags": tags, "description": blob(rng, 400)}
}

// Wrap makes a plan of n copies of a plan, each an instance of
// module.copy: the structure Terraform gives a module called with count,
// so that linking and the report can be measured on real plans at scale.
func Wrap(plan []byte, n int) ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(plan, &doc); err != nil {
		return nil, err
	}
	rcs, _ := doc["resource_changes"].([]any)
	var out []any
	for i := 0; i < n; i++ {
		mod := fmt.Sprintf("module.copy[%d]", i)
		for _, rc := range rcs {
			c := copyOf(rc, i).(map[string]any)
			c["address"] = mod + "." + c["address"].(string)
			if m, ok := c["module_address"].(string); ok && m != "" {
				c["module_address"] = mod + "." + m
			} else {
				c["module_address"] = mod
			}
			out = append(out, c)
		}
	}
	doc["resource_changes"] = out
	if ps, ok := doc["prior_state"].(map[string]any); ok {
		if vs, ok := ps["values"].(map[string]any); ok {
			if rm, ok := vs["root_module"].(map[string]any); ok {
				var kids []any
				for i := 0; i < n; i++ {
					kids = append(kids, rebase(copyOf(rm, i).(map[string]any), fmt.Sprintf("module.copy[%d]", i)))
				}
				vs["root_module"] = map[string]any{"child_modules": kids}
			}
		}
	}
	// Root variables become the module call's arguments.
	args := map[string]any{}
	if vars, ok := doc["variables"].(map[string]any); ok {
		for name, v := range vars {
			if m, ok := v.(map[string]any); ok {
				args[name] = map[string]any{"constant_value": m["value"]}
			}
		}
	}
	cfg, _ := doc["configuration"].(map[string]any)
	root, _ := cfg["root_module"].(map[string]any)
	call := map[string]any{"source": "./copy", "count_expression": map[string]any{"constant_value": n}, "module": root, "expressions": args}
	cfg["root_module"] = map[string]any{"module_calls": map[string]any{"copy": call}}
	doc["planned_values"] = map[string]any{"root_module": map[string]any{}}
	return json.Marshal(terraformOrder(doc))
}

// terraformOrder orders a plan's top-level members as Terraform writes
// them (its plan struct's field order); the rest follow, sorted.
func terraformOrder(doc map[string]any) ordered {
	var out ordered
	for _, k := range []string{"format_version", "terraform_version", "variables", "planned_values", "resource_drift", "resource_changes",
		"deferred_changes", "output_changes", "prior_state", "configuration", "relevant_attributes", "checks", "timestamp", "applyable", "complete", "errored"} {
		if v, ok := doc[k]; ok {
			out = append(out, kv{k, v})
			delete(doc, k)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(doc)) {
		out = append(out, kv{k, doc[k]})
	}
	return out
}

// rebase prefixes a state module's addresses with a module instance.
func rebase(m map[string]any, mod string) map[string]any {
	addr, _ := m["address"].(string)
	if addr == "" {
		m["address"] = mod
	} else {
		m["address"] = mod + "." + addr
	}
	if rs, ok := m["resources"].([]any); ok {
		for _, r := range rs {
			r := r.(map[string]any)
			if a, ok := r["address"].(string); ok && !strings.HasPrefix(a, "module.") {
				r["address"] = m["address"].(string) + "." + a
			} else if ok {
				r["address"] = mod + "." + a
			}
		}
	}
	if cs, ok := m["child_modules"].([]any); ok {
		for i, c := range cs {
			cs[i] = rebase(c.(map[string]any), mod)
		}
	}
	return m
}

// copyOf copies a value for copy number i. The objects AWS made for the
// copies are distinct, so known IDs and ARNs get a suffix past the first
// copy: two resources of a real plan never share an ID.
func copyOf(v any, i int) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = copyOf(e, i)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for j, e := range x {
			out[j] = copyOf(e, i)
		}
		return out
	case string:
		if i > 0 && awsID.MatchString(x) {
			return fmt.Sprintf("%sc%d", x, i)
		}
	}
	return v
}

// awsID matches the IDs and ARNs AWS gives (sg-0123abcd, arn:aws:...).
var awsID = regexp.MustCompile(`^(arn:aws[a-z-]*:.+|[a-z]{1,12}-[0-9a-f]{8,17})$`)

// Fillers is how many other resources each stack has: with the stack's 19,
// about 80% of the resources are of types lbguard does not model.
const Fillers = 68

// StacksForMB is how many stacks make a plan of about mb megabytes.
func StacksForMB(mb int) int {
	n := mb * 1000000 / bytesPerStack
	if n < 1 {
		n = 1
	}
	return n
}

// bytesPerStack is the size one stack adds (measured).
const bytesPerStack = 342000
