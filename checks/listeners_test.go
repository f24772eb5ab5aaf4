package checks

import (
	"strings"
	"testing"

	"github.com/lbguard/lbguard/plan"
)

// Small graphs built by hand, one decision each; whole plans are tested in
// fixtures/.

func TestLBG101(t *testing.T) {
	tests := []struct {
		name  string
		build func(b *graphBuilder)
		want  string
	}{
		{"redirect to HTTPS is fine", func(b *graphBuilder) {
			b.listener(b.lb(newLB("aws_lb.a", plan.Application, false)), "aws_lb_listener.l", 80, "HTTP", redirect("HTTPS", "443", plan.KeepHost))
		}, ""},
		{"forward on HTTP fires", func(b *graphBuilder) {
			b.listener(b.lb(newLB("aws_lb.a", plan.Application, false)), "aws_lb_listener.l", 80, "HTTP", forward(b.tg("aws_lb_target_group.t", "HTTP")))
		}, "F:aws_lb_listener.l"},
		{"HTTP on 8080 is HTTP", func(b *graphBuilder) {
			b.listener(b.lb(newLB("aws_lb.a", plan.Application, true)), "aws_lb_listener.l", 8080, "HTTP", forward(b.tg("aws_lb_target_group.t", "HTTP")))
		}, "F:aws_lb_listener.l"},
		{"TCP on 80 is not HTTP", func(b *graphBuilder) {
			b.listener(b.lb(newLB("aws_lb.n", plan.Network, false)), "aws_lb_listener.l", 80, "TCP", forward(b.tg("aws_lb_target_group.t", "TCP")))
		}, ""},
		{"authenticate on HTTP fires", func(b *graphBuilder) {
			b.listener(b.lb(newLB("aws_lb.a", plan.Application, false)), "aws_lb_listener.l", 80, "HTTP",
				plan.Action{Type: plan.Known(plan.ActionAuthOIDC)}, forward(b.tg("aws_lb_target_group.t", "HTTP")))
		}, "F:aws_lb_listener.l"},
		{"#{protocol} keeps HTTP", func(b *graphBuilder) {
			b.listener(b.lb(newLB("aws_lb.a", plan.Application, false)), "aws_lb_listener.l", 80, "HTTP", redirect(plan.KeepProtocol, "443", plan.KeepHost))
		}, "F:aws_lb_listener.l"},
		{"fixed response with redirect rules is fine", func(b *graphBuilder) {
			l := b.listener(b.lb(newLB("aws_lb.a", plan.Application, false)), "aws_lb_listener.l", 80, "HTTP", fixed())
			b.rule(l, "aws_lb_listener_rule.r", redirect("HTTPS", "443", plan.KeepHost))
			b.rule(l, "aws_lb_listener_rule.f", fixed())
		}, ""},
		{"redirect default with a forwarding rule fires", func(b *graphBuilder) {
			l := b.listener(b.lb(newLB("aws_lb.a", plan.Application, false)), "aws_lb_listener.l", 80, "HTTP", redirect("HTTPS", "443", plan.KeepHost))
			b.rule(l, "aws_lb_listener_rule.api", forward(b.tg("aws_lb_target_group.t", "HTTP")))
		}, "F:aws_lb_listener.l"},
		{"unknown redirect protocol is a note", func(b *graphBuilder) {
			a := redirect("HTTPS", "443", plan.KeepHost)
			a.Redirect.Protocol = plan.Unknown[string]()
			b.listener(b.lb(newLB("aws_lb.a", plan.Application, false)), "aws_lb_listener.l", 80, "HTTP", a)
		}, "N:aws_lb_listener.l"},
		{"unknown protocol on an ALB is a note", func(b *graphBuilder) {
			l := b.listener(b.lb(newLB("aws_lb.a", plan.Application, false)), "aws_lb_listener.l", 80, "HTTP", forward())
			l.Protocol = plan.Unknown[string]()
		}, "N:aws_lb_listener.l"},
		{"unknown protocol on an NLB is not this rule's business", func(b *graphBuilder) {
			l := b.listener(b.lb(newLB("aws_lb.n", plan.Network, false)), "aws_lb_listener.l", 80, "TCP", forward())
			l.Protocol = plan.Unknown[string]()
		}, ""},
		{"HTTP listener of an unresolved load balancer is still checked", func(b *graphBuilder) {
			b.listener(nil, "aws_lb_listener.l", 80, "HTTP", forward(b.tg("aws_lb_target_group.t", "HTTP")))
		}, "F:aws_lb_listener.l"},
		{"data-source listener: only the plan's rules count", func(b *graphBuilder) {
			l := b.listener(b.lb(newLB("aws_lb.a", plan.Application, false)), "data.aws_lb_listener.l", 80, "HTTP", forward(b.tg("aws_lb_target_group.t", "HTTP")))
			l.Mode = plan.Data
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newGraph()
			tt.build(b)
			if got := outcome(runCheck(t, httpListenerNotRedirected, b.g)); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestLBG101RuleInRelated(t *testing.T) {
	b := newGraph()
	l := b.listener(b.lb(newLB("aws_lb.a", plan.Application, false)), "aws_lb_listener.l", 80, "HTTP", fixed())
	b.rule(l, "aws_lb_listener_rule.api", forward(b.tg("aws_lb_target_group.t", "HTTP")))
	fs, _ := runCheck(t, httpListenerNotRedirected, b.g)
	if len(fs) != 1 {
		t.Fatalf("findings: %+v", fs)
	}
	want := []string{"aws_lb.a", "aws_lb_listener_rule.api", "aws_lb_target_group.t"}
	if strings.Join(fs[0].Related, ",") != strings.Join(want, ",") {
		t.Errorf("related %v, want %v", fs[0].Related, want)
	}
	if !strings.Contains(fs[0].Message, "its rule aws_lb_listener_rule.api forwards to aws_lb_target_group.t") {
		t.Errorf("message: %s", fs[0].Message)
	}
}

func TestLBG102(t *testing.T) {
	tests := []struct {
		name  string
		build func(b *graphBuilder)
		want  string
	}{
		{"HTTP only, internet-facing", func(b *graphBuilder) {
			b.listener(b.lb(newLB("aws_lb.a", plan.Application, false)), "aws_lb_listener.l", 80, "HTTP", fixed())
		}, "F:aws_lb.a"},
		{"internal is fine", func(b *graphBuilder) {
			b.listener(b.lb(newLB("aws_lb.a", plan.Application, true)), "aws_lb_listener.l", 80, "HTTP", fixed())
		}, ""},
		{"no listeners at all", func(b *graphBuilder) { b.lb(newLB("aws_lb.a", plan.Application, false)) }, ""},
		{"an HTTPS listener", func(b *graphBuilder) {
			lb := b.lb(newLB("aws_lb.a", plan.Application, false))
			b.listener(lb, "aws_lb_listener.l", 80, "HTTP", fixed())
			b.listener(lb, "aws_lb_listener.s", 443, "HTTPS", fixed())
		}, ""},
		{"NLB is not an ALB", func(b *graphBuilder) {
			b.listener(b.lb(newLB("aws_lb.n", plan.Network, false)), "aws_lb_listener.l", 80, "TCP", fixed())
		}, ""},
		{"unknown scheme is a note", func(b *graphBuilder) {
			lb := b.lb(newLB("aws_lb.a", plan.Application, false))
			lb.Internal = plan.Unknown[bool]()
			b.listener(lb, "aws_lb_listener.l", 80, "HTTP", fixed())
		}, "N:aws_lb.a"},
		{"an HTTPS listener that may belong to it", func(b *graphBuilder) {
			lb := b.lb(newLB("aws_lb.a", plan.Application, false))
			b.listener(lb, "aws_lb_listener.l", 80, "HTTP", fixed())
			b.listener(nil, "aws_lb_listener.s", 443, "HTTPS", fixed())
		}, "N:aws_lb.a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newGraph()
			tt.build(b)
			if got := outcome(runCheck(t, lbWithoutHTTPS, b.g)); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestLBG103(t *testing.T) {
	tests := []struct {
		name  string
		build func(b *graphBuilder)
		want  string
	}{
		{"redirect to the HTTPS listener's port", func(b *graphBuilder) {
			lb := b.lb(newLB("aws_lb.a", plan.Application, false))
			b.listener(lb, "aws_lb_listener.l", 80, "HTTP", redirect("HTTPS", "443", plan.KeepHost))
			b.listener(lb, "aws_lb_listener.s", 443, "HTTPS", fixed())
		}, ""},
		{"#{port} keeps port 80", func(b *graphBuilder) {
			lb := b.lb(newLB("aws_lb.a", plan.Application, false))
			b.listener(lb, "aws_lb_listener.l", 80, "HTTP", redirect("HTTPS", plan.KeepPort, plan.KeepHost))
			b.listener(lb, "aws_lb_listener.s", 443, "HTTPS", fixed())
		}, "F:aws_lb_listener.l"},
		{"an HTTP listener on the target port does not count", func(b *graphBuilder) {
			lb := b.lb(newLB("aws_lb.a", plan.Application, false))
			b.listener(lb, "aws_lb_listener.l", 80, "HTTP", redirect("HTTPS", "8443", plan.KeepHost))
			b.listener(lb, "aws_lb_listener.x", 8443, "HTTP", fixed())
		}, "F:aws_lb_listener.l"},
		{"another host is another load balancer", func(b *graphBuilder) {
			lb := b.lb(newLB("aws_lb.a", plan.Application, false))
			b.listener(lb, "aws_lb_listener.l", 80, "HTTP", redirect("HTTPS", plan.KeepPort, "www.example.com"))
		}, ""},
		{"a rule's redirect counts, on its listener", func(b *graphBuilder) {
			lb := b.lb(newLB("aws_lb.a", plan.Application, false))
			l := b.listener(lb, "aws_lb_listener.l", 80, "HTTP", fixed())
			b.rule(l, "aws_lb_listener_rule.r", redirect("HTTPS", "444", plan.KeepHost))
			b.listener(lb, "aws_lb_listener.s", 443, "HTTPS", fixed())
		}, "F:aws_lb_listener.l"},
		{"an unlinked listener may be the target: note", func(b *graphBuilder) {
			lb := b.lb(newLB("aws_lb.a", plan.Application, false))
			b.listener(lb, "aws_lb_listener.l", 80, "HTTP", redirect("HTTPS", "443", plan.KeepHost))
			b.listener(nil, "aws_lb_listener.s", 443, "HTTPS", fixed())
		}, "N:aws_lb_listener.l"},
		{"HTTPS #{port} on an HTTPS listener is itself", func(b *graphBuilder) {
			lb := b.lb(newLB("aws_lb.a", plan.Application, false))
			b.listener(lb, "aws_lb_listener.s", 443, "HTTPS", redirect(plan.KeepProtocol, plan.KeepPort, plan.KeepHost))
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newGraph()
			tt.build(b)
			if got := outcome(runCheck(t, redirectToMissingListener, b.g)); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestLBG104AndLBG107(t *testing.T) {
	tests := []struct {
		policy     string
		defaulted  bool
		proto      string
		want104    string
		want107    string
		wantSubstr string
	}{
		{"ELBSecurityPolicy-2016-08", true, "HTTPS", "F:aws_lb_listener.l", "", "sets no ssl_policy, so AWS applies its API default ELBSecurityPolicy-2016-08, which allows TLS 1.0 and TLS 1.1"},
		{"ELBSecurityPolicy-2016-08", false, "TLS", "F:aws_lb_listener.l", "", "uses ssl_policy ELBSecurityPolicy-2016-08"},
		{"ELBSecurityPolicy-TLS13-1-1-2021-06", false, "HTTPS", "F:aws_lb_listener.l", "", "which allows TLS 1.1"},
		{"ELBSecurityPolicy-FS-1-2-Res-2020-10", false, "HTTPS", "", "F:aws_lb_listener.l", ""},
		{"ELBSecurityPolicy-TLS13-1-2-2021-06", false, "HTTPS", "", "", ""},
		{"ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09", false, "TLS", "", "", ""},
		{"ELBSecurityPolicy-Something-New", false, "HTTPS", "N:aws_lb_listener.l", "N:aws_lb_listener.l", ""},
		{"ELBSecurityPolicy-2016-08", false, "HTTP", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.policy+"/"+tt.proto, func(t *testing.T) {
			b := newGraph()
			l := b.listener(b.lb(newLB("aws_lb.a", plan.Application, false)), "aws_lb_listener.l", 443, tt.proto, fixed())
			l.SSLPolicy, l.SSLPolicyDefaulted = plan.Known(tt.policy), tt.defaulted
			fs, ns := runCheck(t, weakTLSPolicy, b.g)
			if got := outcome(fs, ns); got != tt.want104 {
				t.Errorf("LBG104: got %q, want %q", got, tt.want104)
			}
			if tt.wantSubstr != "" && (len(fs) == 0 || !strings.Contains(fs[0].Message, tt.wantSubstr)) {
				t.Errorf("LBG104 message lacks %q: %+v", tt.wantSubstr, fs)
			}
			fs, ns = runCheck(t, tlsPolicyWithoutTLS13, b.g)
			if got := outcome(fs, ns); got != tt.want107 {
				t.Errorf("LBG107: got %q, want %q", got, tt.want107)
			}
		})
	}
}

func TestLBG105(t *testing.T) {
	b := newGraph()
	lb := b.lb(newLB("aws_lb.a", plan.Application, false))
	noCert := b.listener(lb, "aws_lb_listener.none", 443, "HTTPS", fixed())
	noCert.CertificateARN = plan.Known("")
	unknownCert := b.listener(lb, "aws_lb_listener.later", 8443, "HTTPS", fixed())
	unknownCert.CertificateARN = plan.Unknown[string]()
	plain := b.listener(lb, "aws_lb_listener.http", 80, "HTTP", fixed())
	plain.CertificateARN = plan.Known("")
	if got := outcome(runCheck(t, httpsListenerWithoutCertificate, b.g)); got != "F:aws_lb_listener.none" {
		t.Errorf("got %q", got)
	}
}

func TestLBG106(t *testing.T) {
	b := newGraph()
	lb := b.lb(newLB("aws_lb.a", plan.Application, false))
	s := b.listener(lb, "aws_lb_listener.s", 443, "HTTPS", fixed())
	b.rule(s, "aws_lb_listener_rule.keep", redirect(plan.KeepProtocol, plan.KeepPort, plan.KeepHost))
	b.rule(s, "aws_lb_listener_rule.down", redirect("HTTP", "80", plan.KeepHost))
	h := b.listener(lb, "aws_lb_listener.h", 80, "HTTP", redirect("HTTP", "8080", plan.KeepHost))
	_ = h
	fs, ns := runCheck(t, redirectDowngradesToHTTP, b.g)
	if got := outcome(fs, ns); got != "F:aws_lb_listener.s" {
		t.Fatalf("got %q", got)
	}
	if strings.Join(fs[0].Related, ",") != "aws_lb.a,aws_lb_listener_rule.down" {
		t.Errorf("related: %v", fs[0].Related)
	}
}

func TestLBG108OnePerLoadBalancerAndTargetGroup(t *testing.T) {
	b := newGraph()
	tg := b.tg("aws_lb_target_group.t", "HTTP")
	secure := b.tg("aws_lb_target_group.s", "HTTPS")
	a := b.lb(newLB("aws_lb.a", plan.Application, false))
	c := b.lb(newLB("aws_lb.c", plan.Application, false))
	b.listener(a, "aws_lb_listener.a1", 443, "HTTPS", forward(tg))
	b.listener(a, "aws_lb_listener.a2", 8443, "HTTPS", forward(tg, secure))
	b.listener(c, "aws_lb_listener.c1", 443, "HTTPS", forward(tg))
	b.listener(c, "aws_lb_listener.c2", 80, "HTTP", forward(tg))
	fs, _ := runCheck(t, plaintextToTargets, b.g)
	if len(fs) != 2 {
		t.Fatalf("want one finding per load balancer: %+v", fs)
	}
	for _, f := range fs {
		if f.Address != "aws_lb_target_group.t" {
			t.Errorf("address %s", f.Address)
		}
	}
	if fs[0].Fingerprint == fs[1].Fingerprint {
		t.Error("the two findings need distinct fingerprints")
	}
}

// A panicking rule ends the run with an error naming the rule, not a crash.
func TestRunRecoversFromPanics(t *testing.T) {
	bad := Check{Meta: Meta{ID: "LBG999", Name: "boom"}, Run: func(*Pass) error { panic("nil map") }}
	_, err := Run(&plan.Graph{}, []Check{bad}, Settings{})
	if err == nil || !strings.Contains(err.Error(), "rule LBG999 (boom) failed: nil map") {
		t.Errorf("err = %v", err)
	}
}
