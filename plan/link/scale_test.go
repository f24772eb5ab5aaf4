package link_test

import (
	"fmt"
	"runtime"
	"testing"

	"encoding/json"
	"strings"

	"github.com/lbguard/lbguard/plan/link"
	"github.com/lbguard/lbguard/plan/tfplan"
)

// TestLinkingIsLinearInInstances links 25,000 listener instances, each to
// its own instance of a load balancer (count to count), and 50,000
// instances of one listener resource to one load balancer: linking that
// copied every key list once per instance needed gigabytes.
func TestLinkingIsLinearInInstances(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a plan of 100,000 instances")
	}
	const n = 25000
	var changes []change
	for i := 0; i < n; i++ {
		changes = append(changes,
			change{addr: fmt.Sprintf("aws_lb.this[%d]", i), typ: "aws_lb", name: "this", index: float64(i),
				after: map[string]any{"internal": true, "load_balancer_type": "application"}, unknown: unknownARN},
			change{addr: fmt.Sprintf("aws_lb_listener.http[%d]", i), typ: "aws_lb_listener", name: "http", index: float64(i),
				after: listenerAfter(80, "HTTP"), unknown: map[string]any{"load_balancer_arn": true}})
	}
	var rcs []any
	for _, c := range changes {
		rcs = append(rcs, c.json())
	}
	doc := map[string]any{
		"format_version": "1.2", "terraform_version": "1.9.0", "resource_changes": rcs, "planned_values": map[string]any{},
		"configuration": map[string]any{"root_module": map[string]any{"resources": []any{
			cfgResource("aws_lb.this", map[string]any{}, "count_expression", constant(n)),
			cfgResource("aws_lb_listener.http", map[string]any{"load_balancer_arn": refs("aws_lb.this[count.index].arn", "aws_lb.this[count.index]", "aws_lb.this", "count.index")}, "count_expression", constant(n)),
		}}},
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	rcs, changes, doc = nil, nil, nil
	in, err := tfplan.Read(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	b = nil
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	g, err := link.Build(in, link.Options{Kind: "plan"})
	if err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if len(g.Listeners) != n {
		t.Fatalf("%d listeners, want %d", len(g.Listeners), n)
	}
	for _, i := range []int{0, n / 2, n - 1} {
		l := listenerOf(g, fmt.Sprintf("aws_lb_listener.http[%d]", i))
		if l == nil || l.LoadBalancer.Node == nil || l.LoadBalancer.Node.Address != fmt.Sprintf("aws_lb.this[%d]", i) {
			t.Fatalf("listener [%d] is not linked key to key: %+v", i, l)
		}
	}
	// Everything Build allocated, garbage included, bounds its peak.
	if mb := (after.TotalAlloc - before.TotalAlloc) >> 20; mb > 200 {
		t.Errorf("linking %d instances allocated %d MB, want at most 200 MB", 2*n, mb)
	}
	oneResource(t)
}

// oneResource: 50,000 instances of one resource (listeners of a single
// load balancer) link within 200 MB.
func oneResource(t *testing.T) {
	const n = 50000
	changes := []change{{addr: "aws_lb.this", typ: "aws_lb", name: "this",
		after: map[string]any{"internal": true, "load_balancer_type": "application"}, unknown: unknownARN}}
	for i := 0; i < n; i++ {
		changes = append(changes, change{addr: fmt.Sprintf("aws_lb_listener.http[%d]", i), typ: "aws_lb_listener", name: "http", index: float64(i),
			after: listenerAfter(80+i%1000, "HTTP"), unknown: map[string]any{"load_balancer_arn": true}})
	}
	var rcs []any
	for _, c := range changes {
		rcs = append(rcs, c.json())
	}
	doc := map[string]any{
		"format_version": "1.2", "terraform_version": "1.9.0", "resource_changes": rcs, "planned_values": map[string]any{},
		"configuration": map[string]any{"root_module": map[string]any{"resources": []any{
			cfgResource("aws_lb.this", map[string]any{}),
			cfgResource("aws_lb_listener.http", map[string]any{"load_balancer_arn": refs("aws_lb.this.arn", "aws_lb.this")}, "count_expression", constant(n)),
		}}},
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	in, err := tfplan.Read(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	b, rcs, changes = nil, nil, nil
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	g, err := link.Build(in, link.Options{Kind: "plan"})
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.LoadBalancers) != 1 || len(g.LoadBalancers[0].Listeners) != n {
		t.Fatalf("the load balancer has %d listeners, want %d", len(g.LoadBalancers[0].Listeners), n)
	}
	if mb := (after.TotalAlloc - before.TotalAlloc) >> 20; mb > 200 {
		t.Errorf("linking %d instances of one resource allocated %d MB, want at most 200 MB", n, mb)
	}
}
