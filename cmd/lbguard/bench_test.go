package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/lbguard/lbguard/internal/plangen/gen"
)

// largePlan is a plan of n load-balancer stacks (a load balancer, its
// group and rules, two listeners, a listener rule, a target group, an
// instance and its attachment), every one new, so that links are made
// through the configuration's references rather than known IDs: the
// costlier way.
func largePlan(n int) []byte {
	var changes, resources []any
	add := func(typ, name string, after, unknown map[string]any, exprs map[string]any) {
		changes = append(changes, map[string]any{
			"address": typ + "." + name, "mode": "managed", "type": typ, "name": name,
			"provider_name": "registry.terraform.io/hashicorp/aws",
			"change": map[string]any{"actions": []string{"create"}, "before": nil,
				"after": after, "after_unknown": unknown, "after_sensitive": map[string]any{}},
		})
		resources = append(resources, map[string]any{
			"address": typ + "." + name, "mode": "managed", "type": typ, "name": name, "expressions": exprs,
		})
	}
	ref := func(r ...string) map[string]any { return map[string]any{"references": r} }
	computed := map[string]any{"id": true, "arn": true}
	for i := 0; i < n; i++ {
		s := fmt.Sprint(i)
		add("aws_security_group", "lb"+s, map[string]any{"name": "lb" + s, "ingress": []any{}, "egress": []any{}}, computed, map[string]any{})
		add("aws_security_group", "web"+s, map[string]any{"name": "web" + s, "ingress": []any{}, "egress": []any{}}, computed, map[string]any{})
		add("aws_vpc_security_group_ingress_rule", "https"+s,
			map[string]any{"ip_protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_ipv4": "0.0.0.0/0"},
			map[string]any{"id": true, "security_group_id": true},
			map[string]any{"security_group_id": ref("aws_security_group.lb"+s+".id", "aws_security_group.lb"+s)})
		add("aws_vpc_security_group_ingress_rule", "http"+s,
			map[string]any{"ip_protocol": "tcp", "from_port": 80, "to_port": 80, "cidr_ipv4": "0.0.0.0/0"},
			map[string]any{"id": true, "security_group_id": true},
			map[string]any{"security_group_id": ref("aws_security_group.lb"+s+".id", "aws_security_group.lb"+s)})
		add("aws_vpc_security_group_egress_rule", "to_web"+s,
			map[string]any{"ip_protocol": "tcp", "from_port": 8080, "to_port": 8080},
			map[string]any{"id": true, "security_group_id": true, "referenced_security_group_id": true},
			map[string]any{"security_group_id": ref("aws_security_group.lb"+s+".id", "aws_security_group.lb"+s),
				"referenced_security_group_id": ref("aws_security_group.web"+s+".id", "aws_security_group.web"+s)})
		add("aws_vpc_security_group_ingress_rule", "from_lb"+s,
			map[string]any{"ip_protocol": "tcp", "from_port": 8080, "to_port": 8080},
			map[string]any{"id": true, "security_group_id": true, "referenced_security_group_id": true},
			map[string]any{"security_group_id": ref("aws_security_group.web"+s+".id", "aws_security_group.web"+s),
				"referenced_security_group_id": ref("aws_security_group.lb"+s+".id", "aws_security_group.lb"+s)})
		add("aws_lb", "lb"+s, map[string]any{"name": "lb" + s, "internal": false, "load_balancer_type": "application"},
			map[string]any{"id": true, "arn": true, "security_groups": true, "subnets": true},
			map[string]any{"security_groups": ref("aws_security_group.lb"+s+".id", "aws_security_group.lb"+s)})
		add("aws_lb_target_group", "app"+s, map[string]any{"name": "app" + s, "port": 8080, "protocol": "HTTP", "target_type": "instance"},
			computed, map[string]any{})
		add("aws_instance", "web"+s, map[string]any{"ami": "ami-123", "instance_type": "t3.micro"},
			map[string]any{"id": true, "arn": true, "vpc_security_group_ids": true},
			map[string]any{"vpc_security_group_ids": ref("aws_security_group.web"+s+".id", "aws_security_group.web"+s)})
		add("aws_lb_target_group_attachment", "web"+s, map[string]any{},
			map[string]any{"id": true, "target_group_arn": true, "target_id": true},
			map[string]any{"target_group_arn": ref("aws_lb_target_group.app"+s+".arn", "aws_lb_target_group.app"+s),
				"target_id": ref("aws_instance.web"+s+".id", "aws_instance.web"+s)})
		add("aws_lb_listener", "http"+s, map[string]any{"port": 80, "protocol": "HTTP", "default_action": []any{
			map[string]any{"type": "redirect", "redirect": []any{map[string]any{"protocol": "HTTPS", "port": "443", "status_code": "HTTP_301"}}},
		}}, map[string]any{"id": true, "arn": true, "load_balancer_arn": true},
			map[string]any{"load_balancer_arn": ref("aws_lb.lb"+s+".arn", "aws_lb.lb"+s)})
		add("aws_lb_listener", "https"+s, map[string]any{"port": 443, "protocol": "HTTPS", "certificate_arn": "arn:aws:acm:us-east-1:123456789012:certificate/x",
			"ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06", "default_action": []any{map[string]any{"type": "forward"}}},
			map[string]any{"id": true, "arn": true, "load_balancer_arn": true, "default_action": []any{map[string]any{"target_group_arn": true}}},
			map[string]any{"load_balancer_arn": ref("aws_lb.lb"+s+".arn", "aws_lb.lb"+s),
				"default_action": []any{map[string]any{"target_group_arn": ref("aws_lb_target_group.app"+s+".arn", "aws_lb_target_group.app"+s)}}})
		add("aws_lb_listener_rule", "api"+s, map[string]any{"priority": 10, "action": []any{map[string]any{"type": "forward"}}},
			map[string]any{"id": true, "arn": true, "listener_arn": true, "action": []any{map[string]any{"target_group_arn": true}}},
			map[string]any{"listener_arn": ref("aws_lb_listener.https"+s+".arn", "aws_lb_listener.https"+s),
				"action": []any{map[string]any{"target_group_arn": ref("aws_lb_target_group.app"+s+".arn", "aws_lb_target_group.app"+s)}}})
	}
	doc := map[string]any{
		"format_version": "1.2", "terraform_version": "1.9.0",
		"resource_changes": changes,
		"configuration":    map[string]any{"root_module": map[string]any{"resources": resources}},
		"planned_values":   map[string]any{},
	}
	b, err := json.Marshal(doc)
	if err != nil {
		panic(err)
	}
	return b
}

// benchSizes are the generated plan sizes in MB the benchmarks run on:
// LBGUARD_BENCH_MB (e.g. "1,10,100"), else 1 (the smoke .ci/run runs).
func benchSizes(b *testing.B) []int {
	spec := os.Getenv("LBGUARD_BENCH_MB")
	if spec == "" {
		spec = "1"
	}
	var out []int
	for _, f := range strings.Split(spec, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			b.Fatalf("LBGUARD_BENCH_MB %q", spec)
		}
		out = append(out, n)
	}
	return out
}

// benchPlan writes a generated plan of about mb megabytes: load-balancer
// stacks (gen.Stacks) or, with wrapped, copies of a real plan of the
// corpus (gen.Wrap).
func benchPlan(b *testing.B, mb int, wrapped bool) (string, []byte) {
	var data []byte
	var err error
	if wrapped {
		src, rerr := os.ReadFile("../../fixtures/corpus/01_tc-issue249-alb-module-prior-state.json")
		if rerr != nil {
			b.Fatal(rerr)
		}
		// A copy adds about 127 kB (its changes and prior state).
		data, err = gen.Wrap(src, max(1, mb*1000000/127000))
	} else {
		data, err = gen.Stacks(gen.StacksForMB(mb), gen.Fillers, 1)
	}
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "plan.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	return path, data
}

// peakHeap samples the heap in use while f runs and returns its peak.
func peakHeap(f func()) uint64 {
	var peak uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		var m runtime.MemStats
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak {
				peak = m.HeapInuse
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	f()
	close(done)
	<-stopped
	return peak
}

// BenchmarkCheck runs lbguard check --format json end to end (read, link,
// check, report) on generated plans, from the file and from standard
// input, beside the floor on the same bytes: encoding/json validating
// them (BenchmarkJSONValid) and decoding them into terraform-json's Plan
// (BenchmarkTfjsonUnmarshal). It reports MB/s, allocations, the peak of
// the heap in use above what the benchmark holds, and the size of the
// JSON report (which grows as the plan does: one stack in ten has a
// finding):
//
//	LBGUARD_BENCH_MB=1,10,100 go test ./cmd/lbguard -run '^$' -bench . -count 5
func BenchmarkCheck(b *testing.B) { benchCheck(b, false) }

// BenchmarkCheckWrapped is BenchmarkCheck on copies of a real plan, each a
// module instance: a plan made almost only of the resources lbguard
// models, its worst case per byte.
func BenchmarkCheckWrapped(b *testing.B) { benchCheck(b, true) }

func benchCheck(b *testing.B, wrapped bool) {
	for _, mb := range benchSizes(b) {
		path, data := benchPlan(b, mb, wrapped)
		for _, from := range []string{"file", "stdin"} {
			b.Run(fmt.Sprintf("mb=%d/%s", mb, from), func(b *testing.B) {
				b.SetBytes(int64(len(data)))
				b.ReportAllocs()
				var peak uint64
				var report int
				for b.Loop() {
					runtime.GC()
					var base runtime.MemStats
					runtime.ReadMemStats(&base)
					var stdout countWriter
					p := peakHeap(func() {
						var stderr bytes.Buffer
						args, stdin := []string{"lbguard", "check", "--format", "json", "--fail-on", "never", path}, io.Reader(nil)
						if from == "stdin" {
							args[len(args)-1], stdin = "-", bytes.NewReader(data)
						}
						if code := run(args, stdin, &stdout, &stderr); code != 0 {
							b.Fatalf("exit %d: %s", code, stderr.String())
						}
					})
					peak = max(peak, p-min(p, base.HeapInuse))
					report = stdout.n
				}
				b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
				b.ReportMetric(float64(report), "report-bytes")
			})
		}
	}
}

// countWriter counts what is written to it.
type countWriter struct{ n int }

func (w *countWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	return len(p), nil
}

func BenchmarkJSONValid(b *testing.B) {
	for _, mb := range benchSizes(b) {
		_, data := benchPlan(b, mb, false)
		b.Run(fmt.Sprintf("mb=%d", mb), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if !json.Valid(data) {
					b.Fatal("invalid")
				}
			}
		})
	}
}

func BenchmarkTfjsonUnmarshal(b *testing.B) {
	for _, mb := range benchSizes(b) {
		_, data := benchPlan(b, mb, false)
		b.Run(fmt.Sprintf("mb=%d", mb), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				var p tfjson.Plan
				if err := json.Unmarshal(data, &p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// The benchmark's plan must be one lbguard links completely, or it would
// measure the cheap path of giving up.
func TestLargePlanLinks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(path, largePlan(3), 0o644); err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Findings   []map[string]any
		Unresolved []map[string]any
		Summary    map[string]any
	}
	r := lbguard(t, nil, nil, "check", "--format", "json", "--fail-on", "never", path)
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("%v: %s", err, r.stderr)
	}
	if len(rep.Unresolved) != 0 {
		t.Errorf("unresolved notes: %v", rep.Unresolved)
	}
	// Each stack is clean but for two info findings: HTTP to the targets
	// (LBG108) and no ICMP for path MTU discovery (LBG211).
	rules := map[string]int{}
	for _, f := range rep.Findings {
		rules[f["rule"].(string)]++
	}
	if want := map[string]int{"LBG108": 3, "LBG211": 3}; !maps.Equal(rules, want) {
		t.Errorf("findings by rule %v, want %v", rules, want)
	}
}
