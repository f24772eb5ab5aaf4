// Package gen makes realistic Terraform plans for benchmarks and scale
// tests, deterministically: load-balancer stacks as instances of a child
// module (listeners, a rule, target groups, instance and autoscaling
// targets, security groups in all four rule forms), most of the plan made
// of other resource types with large values (IAM policies, user data,
// tags), and N copies of a real plan as module instances.
package gen

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
)

// Stacks is a plan of n stacks, each an instance of module.stack, with
// fillers other resources per stack; seed varies the large values.
func Stacks(n, fillers int, seed uint64) ([]byte, error) {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	var changes []any
	var resources []any
	first := true
	add := func(i int, typ, name string, after, unknown map[string]any, exprs map[string]any) {
		mod := fmt.Sprintf("module.stack[%d]", i)
		changes = append(changes, map[string]any{
			"address": mod + "." + typ + "." + name, "module_address": mod, "mode": "managed", "type": typ, "name": name, "index": nil,
			"provider_name": "registry.terraform.io/hashicorp/aws",
			"change":        map[string]any{"actions": []string{"create"}, "before": nil, "after": after, "after_unknown": unknown, "after_sensitive": map[string]any{}},
		})
		if first {
			resources = append(resources, map[string]any{"address": typ + "." + name, "mode": "managed", "type": typ, "name": name, "expressions": exprs})
		}
	}
	ref := func(r ...string) map[string]any { return map[string]any{"references": r} }
	computed := map[string]any{"id": true, "arn": true}
	for i := 0; i < n; i++ {
		add(i, "aws_security_group", "lb", map[string]any{"name": fmt.Sprintf("lb-%d", i), "ingress": []any{
			map[string]any{"protocol": "icmp", "from_port": 3, "to_port": 4, "cidr_blocks": []any{"0.0.0.0/0"}, "ipv6_cidr_blocks": []any{}, "prefix_list_ids": []any{}, "security_groups": []any{}, "self": false, "description": ""},
		}, "egress": []any{}}, computed, map[string]any{})
		add(i, "aws_security_group", "app", map[string]any{"name": fmt.Sprintf("app-%d", i), "ingress": []any{}, "egress": []any{}}, computed, map[string]any{})
		add(i, "aws_vpc_security_group_ingress_rule", "https", map[string]any{"ip_protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_ipv4": "0.0.0.0/0"},
			map[string]any{"id": true, "security_group_id": true}, map[string]any{"security_group_id": ref("aws_security_group.lb.id", "aws_security_group.lb")})
		add(i, "aws_security_group_rule", "http", map[string]any{"type": "ingress", "protocol": "tcp", "from_port": 80, "to_port": 80, "cidr_blocks": []any{"0.0.0.0/0"}},
			map[string]any{"id": true, "security_group_id": true}, map[string]any{"security_group_id": ref("aws_security_group.lb.id", "aws_security_group.lb")})
		add(i, "aws_vpc_security_group_egress_rule", "to_app", map[string]any{"ip_protocol": "tcp", "from_port": 8080, "to_port": 8081},
			map[string]any{"id": true, "security_group_id": true, "referenced_security_group_id": true},
			map[string]any{"security_group_id": ref("aws_security_group.lb.id", "aws_security_group.lb"), "referenced_security_group_id": ref("aws_security_group.app.id", "aws_security_group.app")})
		add(i, "aws_vpc_security_group_ingress_rule", "from_lb", map[string]any{"ip_protocol": "tcp", "from_port": 8080, "to_port": 8081},
			map[string]any{"id": true, "security_group_id": true, "referenced_security_group_id": true},
			map[string]any{"security_group_id": ref("aws_security_group.app.id", "aws_security_group.app"), "referenced_security_group_id": ref("aws_security_group.lb.id", "aws_security_group.lb")})
		add(i, "aws_lb", "this", map[string]any{"name": fmt.Sprintf("web-%d", i), "internal": false, "load_balancer_type": "application"},
			map[string]any{"id": true, "arn": true, "security_groups": true, "subnets": true}, map[string]any{"security_groups": ref("aws_security_group.lb.id", "aws_security_group.lb")})
		add(i, "aws_lb_target_group", "app", map[string]any{"name": fmt.Sprintf("app-%d", i), "port": 8080, "protocol": "HTTPS", "target_type": "instance",
			"health_check": []any{map[string]any{"port": "8081", "protocol": "HTTPS"}}}, computed, map[string]any{})
		add(i, "aws_lb_target_group", "workers", map[string]any{"name": fmt.Sprintf("wk-%d", i), "port": 8080, "protocol": "HTTPS", "target_type": "instance"}, computed, map[string]any{})
		add(i, "aws_instance", "web", map[string]any{"ami": "ami-0123456789abcdef0", "instance_type": "t3.micro", "user_data": blob(rng, 2000)},
			map[string]any{"id": true, "arn": true, "vpc_security_group_ids": true}, map[string]any{"vpc_security_group_ids": ref("aws_security_group.app.id", "aws_security_group.app")})
		add(i, "aws_lb_target_group_attachment", "web", map[string]any{}, map[string]any{"id": true, "target_group_arn": true, "target_id": true},
			map[string]any{"target_group_arn": ref("aws_lb_target_group.app.arn", "aws_lb_target_group.app"), "target_id": ref("aws_instance.web.id", "aws_instance.web")})
		add(i, "aws_launch_template", "workers", map[string]any{"name": fmt.Sprintf("wk-%d", i), "user_data": blob(rng, 3000)},
			map[string]any{"id": true, "arn": true, "vpc_security_group_ids": true}, map[string]any{"vpc_security_group_ids": ref("aws_security_group.app.id", "aws_security_group.app")})
		add(i, "aws_autoscaling_group", "workers", map[string]any{"min_size": 1, "max_size": 3, "launch_template": []any{map[string]any{"version": "$Latest"}}},
			map[string]any{"id": true, "arn": true, "target_group_arns": true, "launch_template": []any{map[string]any{"id": true}}},
			map[string]any{"target_group_arns": ref("aws_lb_target_group.workers.arn", "aws_lb_target_group.workers"),
				"launch_template": []any{map[string]any{"id": ref("aws_launch_template.workers.id", "aws_launch_template.workers")}}})
		add(i, "aws_lb_listener", "http", map[string]any{"port": 80, "protocol": "HTTP", "default_action": []any{
			map[string]any{"type": "redirect", "redirect": []any{map[string]any{"protocol": "HTTPS", "port": "443", "status_code": "HTTP_301"}}},
		}}, map[string]any{"id": true, "arn": true, "load_balancer_arn": true}, map[string]any{"load_balancer_arn": ref("aws_lb.this.arn", "aws_lb.this")})
		add(i, "aws_lb_listener", "https", map[string]any{"port": 443, "protocol": "HTTPS", "certificate_arn": "arn:aws:acm:us-east-1:123456789012:certificate/x",
			"ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06", "default_action": []any{map[string]any{"type": "forward"}}},
			map[string]any{"id": true, "arn": true, "load_balancer_arn": true, "default_action": []any{map[string]any{"target_group_arn": true}}},
			map[string]any{"load_balancer_arn": ref("aws_lb.this.arn", "aws_lb.this"),
				"default_action": []any{map[string]any{"target_group_arn": ref("aws_lb_target_group.app.arn", "aws_lb_target_group.app")}}})
		add(i, "aws_lb_listener_rule", "workers", map[string]any{"priority": 10, "action": []any{map[string]any{"type": "forward"}}},
			map[string]any{"id": true, "arn": true, "listener_arn": true, "action": []any{map[string]any{"target_group_arn": true}}},
			map[string]any{"listener_arn": ref("aws_lb_listener.https.arn", "aws_lb_listener.https"),
				"action": []any{map[string]any{"target_group_arn": ref("aws_lb_target_group.workers.arn", "aws_lb_target_group.workers")}}})
		for f := 0; f < fillers; f++ {
			typ := []string{"aws_iam_policy", "aws_s3_bucket", "aws_ssm_parameter", "aws_cloudwatch_log_group"}[f%4]
			add(i, typ, fmt.Sprintf("f%d", f), filler(rng, typ, i, f), map[string]any{"id": true, "arn": true}, map[string]any{"name": map[string]any{"constant_value": "x"}})
		}
		first = false
	}
	doc := map[string]any{
		"format_version": "1.2", "terraform_version": "1.9.0",
		"planned_values":   map[string]any{"root_module": map[string]any{}},
		"resource_changes": changes,
		"configuration": map[string]any{"root_module": map[string]any{"module_calls": map[string]any{
			"stack": map[string]any{"source": "./stack", "count_expression": map[string]any{"constant_value": n}, "module": map[string]any{"resources": resources}},
		}}},
	}
	return json.Marshal(doc)
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
			c := deepCopy(rc).(map[string]any)
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
					kids = append(kids, rebase(deepCopy(rm).(map[string]any), fmt.Sprintf("module.copy[%d]", i)))
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
	return json.Marshal(doc)
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

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = deepCopy(e)
		}
		return out
	}
	return v
}

// Fillers is how many other resources each stack has: with the stack's 17,
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
const bytesPerStack = 136000
