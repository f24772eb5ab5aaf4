package checks

import (
	"slices"
	"testing"

	"github.com/lbguard/lbguard/plan"
)

func TestResourceType(t *testing.T) {
	for _, c := range []struct {
		addr     string
		typ      string
		isModule bool
	}{
		{"aws_lb_listener.http", "aws_lb_listener", false},
		{`module.a["x.y"].module.b[0].aws_security_group_rule.r["k"]`, "aws_security_group_rule", false},
		{"module.alb", "", true},
		{`module.a["x"].module.b`, "", true},
		{"data.aws_lb_listener.l", "aws_lb_listener", false},
		{"module.a.data.aws_security_group.g", "aws_security_group", false},
	} {
		typ, isModule := resourceType(c.addr)
		if typ != c.typ || isModule != c.isModule {
			t.Errorf("resourceType(%q) = %q, %v; want %q, %v", c.addr, typ, isModule, c.typ, c.isModule)
		}
	}
}

func TestUnreadOf(t *testing.T) {
	p := &Pass{Graph: &plan.Graph{NotAnalysed: []plan.Skipped{
		{Address: "module.unpacked", Unread: true},
		{Address: "module.listeners", Unread: true, Types: []string{"aws_lb_listener"}},
		{Address: "aws_security_group_rule.r", Unread: true},
		{Address: "aws_s3_bucket.b", Unread: true},
		{Address: "aws_elb.classic"}, // out of scope, not unread
	}}}
	if got, want := p.unreadOf(ruleTypes), []string{"aws_security_group_rule.r", "module.unpacked"}; !slices.Equal(got, want) {
		t.Errorf("unreadOf(ruleTypes) = %v, want %v", got, want)
	}
	if got, want := p.unreadOf(listenerTypes), []string{"module.listeners", "module.unpacked"}; !slices.Equal(got, want) {
		t.Errorf("unreadOf(listenerTypes) = %v, want %v", got, want)
	}
}
