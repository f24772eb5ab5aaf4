package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/lbguard/lbguard/checks"
	"github.com/lbguard/lbguard/plan"
)

func sampleRun() *Run {
	return &Run{
		FailOn:  checks.Medium,
		Version: "1.0",
		Result: &checks.Result{
			Findings: []checks.Finding{
				{Rule: "LBG101", Name: "a", Severity: checks.High, Address: "aws_lb_listener.x", Message: "m1", Remediation: "r1",
					Related: []string{"aws_lb.a", "aws_lb_listener.x"}, LoadBalancers: []string{"aws_lb.a"},
					Location: &plan.Location{File: "main.tf", Line: 3, Column: 1}},
				{Rule: "LBG107", Name: "b", Severity: checks.Low, Address: "aws_lb_listener.y", Message: "m2", Remediation: "r2",
					LoadBalancers: []string{"aws_lb.b"}},
				{Rule: "LBG104", Name: "c", Severity: checks.High, Address: "aws_lb_listener.z", Message: "m3", Remediation: "r3",
					LoadBalancers: []string{"aws_lb.a"}, Suppressed: &checks.Suppression{By: "comment", Reason: "accepted"}},
			},
			Unresolved:    []checks.Note{{Rule: "LBG102", Address: "aws_lb.c", Reason: "why"}},
			NotAnalysed:   []plan.Skipped{{Address: "aws_elb.old", Reason: "classic"}},
			LoadBalancers: map[string]string{"aws_lb.a": "application, internet-facing"},
		},
	}
}

// one is the report of a single run.
func one(r *Run) *Report { return &Report{Runs: []*Run{r}, Version: r.Version} }

func TestTextGroupsAndSummarises(t *testing.T) {
	var out bytes.Buffer
	if err := Text(&out, one(sampleRun()), Options{}); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{
		"aws_lb.a (application, internet-facing)\n  HIGH   LBG101 a  aws_lb_listener.x\n         at main.tf:3:1\n         m1\n         involves: aws_lb.a\n         fix: r1 (lbguard explain LBG101)\n",
		"aws_lb.b\n  LOW    LBG107 b  aws_lb_listener.y\n",
		"Not analysed\n  aws_elb.old: classic\n",
		"2 findings (1 high, 1 low), 1 suppressed, 1 unresolved note (--verbose lists them), 1 not analysed.\n",
		"FAILED: 1 finding at or above medium.\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("text lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "aws_lb_listener.z") || strings.Contains(s, "why") {
		t.Errorf("suppressed findings and notes are listed only with --verbose:\n%s", s)
	}
	out.Reset()
	if err := Text(&out, one(sampleRun()), Options{Verbose: true}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"aws_lb_listener.z  (suppressed by comment: accepted)", "LBG102  aws_lb.c: why"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("verbose text lacks %q:\n%s", want, out.String())
		}
	}
}

func TestJSONEmptyListsAndCounts(t *testing.T) {
	var out bytes.Buffer
	empty := &Run{FailOn: Never, Result: &checks.Result{}}
	if err := JSON(&out, one(empty), Options{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"findings": []`, `"unresolved": []`, `"not_analysed": []`, `"fail_on": "never"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("JSON lacks %s:\n%s", want, out.String())
		}
	}
	out.Reset()
	if err := JSON(&out, one(sampleRun()), Options{}); err != nil {
		t.Fatal(err)
	}
	var rep JSONReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	s := rep.Summary
	if s.Findings != 2 || s.Suppressed != 1 || s.BySeverity["high"] != 1 || s.BySeverity["low"] != 1 || !s.Failed {
		t.Errorf("summary %+v", s)
	}
}

func TestThresholds(t *testing.T) {
	r := sampleRun()
	for _, tt := range []struct {
		failOn checks.Severity
		strict bool
		failed bool
	}{
		{checks.High, false, true}, // the suppressed high does not count, the other does
		{Never, false, false},
		{Never, true, true}, // an unresolved note under --strict
	} {
		r.FailOn, r.Strict = tt.failOn, tt.strict
		if r.Failed() != tt.failed {
			t.Errorf("fail-on %v strict %v: failed = %v", tt.failOn, tt.strict, r.Failed())
		}
	}
	r.Result.Findings = r.Result.Findings[1:] // only low and a suppressed high
	r.FailOn, r.Strict = checks.Medium, false
	if r.Failed() {
		t.Error("a low finding and a suppressed high pass at medium")
	}
}

// Several inputs: a header each, in order, an unusable one says why, and a
// last line adds them up.
func TestTextSeveralInputs(t *testing.T) {
	a := sampleRun()
	a.Input, a.SourceDir = "infra/prod", "infra/prod"
	b := &Run{Input: "plan.json", FailOn: checks.Medium, Result: &checks.Result{}}
	c := &Run{Input: "broken.json", Err: "broken.json: not JSON"}
	var out bytes.Buffer
	if err := Text(&out, &Report{Runs: []*Run{a, b, c}}, Options{}); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	ia, ib, ic := strings.Index(s, "== infra/prod (sources)\n"), strings.Index(s, "== plan.json (plan)\n"), strings.Index(s, "== broken.json\nERROR: broken.json: not JSON\n")
	if ia < 0 || ib < ia || ic < ib || !strings.HasSuffix(s, "FAILED: 2 of 3 inputs.\n") {
		t.Errorf("headers in order and a total:\n%s", s)
	}
	if !strings.Contains(s, "at infra/prod/main.tf:3:1") {
		t.Errorf("locations are relative to the current directory:\n%s", s)
	}
}

// A rule's own fix is said once per load balancer, after its last finding
// there; lines wrap to the width with a hanging indent.
func TestTextFixOncePerLoadBalancerAndWrapping(t *testing.T) {
	m, _ := checks.Lookup("LBG101")
	f := func(addr string) checks.Finding {
		return checks.Finding{Rule: "LBG101", Name: m.Name, Severity: checks.High, Address: addr, Message: "listener " + addr + " serves plain HTTP instead of redirecting to HTTPS",
			Remediation: m.Remediation, LoadBalancers: []string{"aws_lb.a"}}
	}
	r := &Run{FailOn: checks.Medium, Result: &checks.Result{Findings: []checks.Finding{f("aws_lb_listener.a"), f("aws_lb_listener.b")}}}
	var out bytes.Buffer
	if err := Text(&out, one(r), Options{}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "fix: "); n != 1 || !strings.Contains(out.String(), "(lbguard explain LBG101)") {
		t.Errorf("the fix %d times, want once, pointing to explain:\n%s", n, out.String())
	}
	out.Reset()
	if err := Text(&out, one(r), Options{Width: 50}); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(out.String(), "\n") {
		if len(line) > 50 && !strings.HasPrefix(strings.TrimSpace(line), "HIGH") {
			t.Errorf("line wider than 50: %q", line)
		}
	}
	if !strings.Contains(out.String(), "\n         HTTP instead of redirecting to HTTPS\n") || !strings.Contains(out.String(), "\n              action a redirect") {
		t.Errorf("continuation lines hang under the text:\n%s", out.String())
	}
}
