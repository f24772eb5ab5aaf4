package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// findingsOf runs lbguard and returns the JSON report's findings.
func findingsOf(t *testing.T, environ map[string]string, args ...string) []map[string]any {
	t.Helper()
	r := lbguard(t, nil, environ, append([]string{"check", "--format", "json", "--fail-on", "never"}, args...)...)
	if r.code != 0 {
		t.Fatalf("lbguard %v: exit %d: %s", args, r.code, r.stderr)
	}
	var rep struct{ Findings []map[string]any }
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		delete(f, "input") // the plan or the directory: compared apart from it
	}
	return rep.Findings
}

// TestSourceModeMatchesPlanMode: for every fixture with sources and a
// plan, source mode (lbguard check DIR) and plan mode with the sources
// (lbguard check PLAN --source DIR) give the same findings, locations
// included. Source mode may know more: it evaluates an index computed
// from count.index or each.value, which a plan's configuration records
// without its key; and it knows which single value is sensitive where a
// plan marks a whole set (Terraform marks an inline ingress set sensitive
// when one port in it is), so it redacts less. Where it does, the fixture
// has a want-source.json and source mode must still report every rule and
// address plan mode reports.
func TestSourceModeMatchesPlanMode(t *testing.T) {
	plans, _ := filepath.Glob("../../fixtures/*/plan.json")
	for _, planPath := range plans {
		dir := filepath.Dir(planPath)
		if tf, _ := filepath.Glob(filepath.Join(dir, "*.tf")); len(tf) == 0 {
			continue
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			fromSources := findingsOf(t, nil, dir)
			fromPlan := findingsOf(t, nil, "--source", dir, planPath)
			wantSource := filepath.Join(dir, "want-source.json")
			if _, err := os.Stat(wantSource); err != nil {
				if diff := cmp.Diff(fromPlan, fromSources); diff != "" {
					t.Errorf("source mode differs from plan mode (-plan +sources):\n%s", diff)
				}
				return
			}
			golden(t, dir, wantSource)
			seen := map[string]bool{}
			for _, f := range fromSources {
				seen[f["rule"].(string)+" "+f["address"].(string)] = true
			}
			for _, f := range fromPlan {
				if !seen[f["rule"].(string)+" "+f["address"].(string)] {
					t.Errorf("plan mode reports %s on %s, source mode does not", f["rule"], f["address"])
				}
			}
			if cmp.Diff(fromPlan, fromSources) == "" {
				t.Errorf("%s exists but source mode reports what plan mode does: remove it", wantSource)
			}
		})
	}
}

// Plan mode with sources gives findings the file and line of the
// resource, or of the argument at fault, through modules.
func TestPlanModeLocations(t *testing.T) {
	dir := "../../fixtures/module-lb-parent-listeners"
	got := map[string]string{}
	for _, f := range findingsOf(t, nil, "--source", dir, dir+"/plan.json") {
		loc, _ := f["location"].(map[string]any)
		if loc == nil {
			t.Errorf("%s %s has no location", f["rule"], f["address"])
			continue
		}
		got[f["rule"].(string)] = loc["file"].(string) + ":" + jsonInt(loc["line"]) + ":" + jsonInt(loc["column"])
	}
	want := map[string]string{
		"LBG101": "main.tf:78:3",            // the listener's default_action block
		"LBG108": "modules/tg/main.tf:12:3", // the target group's protocol, in the child module
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("locations (-want +got):\n%s", diff)
	}
	// Found beside the plan, the sources give the same locations.
	for _, f := range findingsOf(t, nil, dir+"/plan.json") {
		if _, ok := f["location"]; !ok {
			t.Errorf("%s has no location with the sources beside the plan", f["address"])
		}
	}
	// Without the sources, a plan has no line numbers: none are invented.
	for _, f := range findingsOf(t, nil, planAlone(t, dir+"/plan.json")) {
		if _, ok := f["location"]; ok {
			t.Errorf("%s has a location without sources", f["address"])
		}
	}
}

func jsonInt(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// From the fixture's own directory, the sources are picked up by default.
func TestDefaultSourcesAndConfig(t *testing.T) {
	dir := "../../fixtures/suppressions"
	env := map[string]string{"TEST_DIR": dir}
	r := lbguard(t, nil, env, "check", "--format", "json", dir+"/plan.json")
	if r.code != 1 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var rep struct {
		Findings []struct {
			Rule, Address, Severity string
			Suppressed              *struct{ By, Reason string }
		}
		Summary struct{ Findings, Suppressed int }
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	cfg := "fixtures/suppressions/.lbguard.hcl" // the configuration, from the repository root
	var got []string
	for _, f := range rep.Findings {
		s := f.Rule + " " + f.Address + " " + f.Severity
		if f.Suppressed != nil {
			s += " suppressed by " + f.Suppressed.By
		}
		got = append(got, s)
	}
	want := []string{
		"LBG101 aws_lb_listener.http high suppressed by comment",
		"LBG204 aws_instance.old high",                              // its ignore expired
		"LBG204 aws_instance.older high suppressed by config",       // a working ignore
		"LBG001 aws_lb_listener.https medium",                       // LBG999 does not exist
		"LBG001 aws_lb_listener.tls12 medium",                       // a comment without a reason
		"LBG001 " + cfg + " medium",                                 // an ignore without a reason
		"LBG001 main.tf medium",                                     // a comment attached to nothing
		"LBG107 aws_lb_listener.tls12 medium",                       // severity from the config; its comment has no reason
		"LBG206 aws_security_group.lb medium suppressed by comment", // a comment inside the block
		"LBG002 " + cfg + " low",
		"LBG208 aws_security_group.lb low suppressed by comment",
		"LBG108 module.app.aws_lb_target_group.this info suppressed by comment", // a module-level comment
		// LBG211 is disabled by the config.
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if rep.Summary.Findings != 7 || rep.Summary.Suppressed != 5 {
		t.Errorf("summary %+v", rep.Summary)
	}
	// The text report hides suppressed findings unless --verbose.
	text := lbguard(t, nil, env, "check", dir+"/plan.json").stdout
	if strings.Contains(text, "suppressed by") || !strings.Contains(text, "7 findings (1 high, 5 medium, 1 low), 5 suppressed") {
		t.Errorf("text report:\n%s", text)
	}
	verbose := lbguard(t, nil, env, "check", "--verbose", dir+"/plan.json").stdout
	if !strings.Contains(verbose, "(suppressed by comment: the legacy monitor polls /status over plain HTTP)") {
		t.Errorf("--verbose shows suppressed findings:\n%s", verbose)
	}
}

// Sources that do not declare the plan's resources are not used.
func TestUnrelatedSourcesAreIgnored(t *testing.T) {
	env := map[string]string{"TEST_DIR": "../../fixtures/tls-policies"}
	r := lbguard(t, nil, env, "check", "--format", "json", "--fail-on", "never", planAlone(t, "../../fixtures/nlb-tcp-tls/plan.json"))
	if r.code != 0 || r.stderr != "" || strings.Contains(r.stdout, `"location"`) {
		t.Errorf("exit %d, stderr %q, locations from unrelated sources:\n%s", r.code, r.stderr, r.stdout)
	}
	r = lbguard(t, nil, nil, "check", "--source", "../../fixtures/tls-policies", "../../fixtures/nlb-tcp-tls/plan.json")
	if !strings.Contains(r.stderr, "warning: the .tf files in ../../fixtures/tls-policies do not declare the plan's resources") {
		t.Errorf("an explicit --source that does not match is a warning: %q", r.stderr)
	}
}

// Locals: plan JSON cannot follow them, the sources can.
func TestLocalsNeedTheSources(t *testing.T) {
	dir := "../../fixtures/locals-links"
	rules := func(fs []map[string]any) string {
		var out []string
		for _, f := range fs {
			out = append(out, f["rule"].(string))
		}
		return strings.Join(out, " ")
	}
	if got := rules(findingsOf(t, nil, planAlone(t, dir+"/plan.json"))); got != "" {
		t.Errorf("plan alone: %q, want only notes", got)
	}
	if got := rules(findingsOf(t, nil, dir+"/plan.json")); got != "LBG102 LBG201" {
		t.Errorf("with the sources beside the plan: %q", got)
	}
	if got := rules(findingsOf(t, nil, "--source", dir, dir+"/plan.json")); got != "LBG102 LBG201" {
		t.Errorf("with sources: %q", got)
	}
}

func TestBaseline(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "baseline.json")
	plan := filepath.Join(dir, "plan.json") // one input, whose plan changes
	copyFile(t, "../../fixtures/alb-http-only/plan.json", plan)
	first := lbguard(t, nil, nil, "check", "--write-baseline", base, plan)
	if first.code != 1 {
		t.Fatalf("first run: exit %d", first.code)
	}
	// Same findings: all in the baseline, nothing new.
	again := lbguard(t, nil, nil, "check", "--baseline", base, plan)
	if again.code != 0 || !strings.Contains(again.stdout, "0 findings, 2 suppressed.") {
		t.Errorf("with its own baseline: exit %d\n%s", again.code, again.stdout)
	}
	// Another plan: LBG102 on aws_lb.web is the same finding (same rule,
	// address and facts), so it stays suppressed; LBG103 is new.
	copyFile(t, "../../fixtures/delete-only-https/plan.json", plan)
	more := findingsOf(t, nil, "--baseline", base, plan)
	var active []string
	for _, f := range more {
		if f["suppressed"] == nil {
			active = append(active, f["rule"].(string)+" "+f["address"].(string))
		}
	}
	if strings.Join(active, ", ") != "LBG103 aws_lb_listener.http" {
		t.Errorf("new findings: %v", active)
	}
	// The same findings in another input are new there: two stacks that
	// both have aws_lb.web never suppress each other.
	other := filepath.Join(t.TempDir(), "plan.json")
	copyFile(t, "../../fixtures/alb-http-only/plan.json", other)
	if r := lbguard(t, nil, nil, "check", "--baseline", base, other); r.code != 1 || strings.Contains(r.stdout, "suppressed") {
		t.Errorf("another input with the same findings: exit %d\n%s", r.code, r.stdout)
	}
	for _, bad := range []struct{ content, want string }{
		{"not json", "not an lbguard JSON report"},
		{`{"findings": []}`, "no schema_version"},
	} {
		p := filepath.Join(dir, "bad.json")
		if err := os.WriteFile(p, []byte(bad.content), 0o644); err != nil {
			t.Fatal(err)
		}
		r := lbguard(t, nil, nil, "check", "--baseline", p, plan)
		if r.code != 2 || !strings.Contains(r.stderr, bad.want) {
			t.Errorf("baseline %q: exit %d, %q", bad.content, r.code, r.stderr)
		}
	}
}

// copyFile copies a file, for tests that need a plan somewhere else.
func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// planAlone copies a plan into a directory without sources, so that none
// are found beside it.
func planAlone(t *testing.T, plan string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), filepath.Base(plan))
	copyFile(t, plan, p)
	return p
}

// TestUnreadAbsenceNearMiss: fixtures/unread-absence with every module
// read. What were notes while a module was not analysed become findings,
// and under --strict the unread run fails while the read one passes on
// notes alone.
func TestUnreadAbsenceNearMiss(t *testing.T) {
	dir := "../../fixtures/unread-absence"
	type rep struct {
		Findings   []struct{ Rule, Address string } `json:"findings"`
		Unresolved []struct{ Rule, Address string } `json:"unresolved"`
	}
	run := func(args ...string) (rep, int) {
		r := lbguard(t, nil, nil, append(append([]string{"check", "--format", "json", "--fail-on", "never", "--strict"}, args...), dir)...)
		var out rep
		if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
			t.Fatalf("%v: %v: %s", args, err, r.stderr)
		}
		return out, r.code
	}
	has := func(list []struct{ Rule, Address string }, rule, addr string) bool {
		for _, x := range list {
			if x.Rule == rule && x.Address == addr {
				return true
			}
		}
		return false
	}
	unread, code := run()
	if code != 1 {
		t.Errorf("unread modules under --strict: exit %d, want 1", code)
	}
	for _, n := range [][2]string{{"LBG201", "aws_lb_listener.b_https"}, {"LBG206", "aws_security_group.a"}} {
		if has(unread.Findings, n[0], n[1]) || !has(unread.Unresolved, n[0], n[1]) {
			t.Errorf("unread: %s on %s must be a note, not a finding", n[0], n[1])
		}
	}
	read, _ := run("--var", "with_listeners=true", "--var", "with_rules=true")
	if has(read.Findings, "LBG201", "aws_lb_listener.b_https") || has(read.Findings, "LBG206", "aws_security_group.a") {
		t.Errorf("read: the modules supply the listener and the rule, yet %v", read.Findings)
	}
	if !has(read.Findings, "LBG211", "aws_security_group.b") {
		t.Errorf("read: LBG211 on aws_security_group.b must be a finding once every module is read: %v", read.Findings)
	}
	if len(read.Unresolved) != 0 {
		t.Errorf("read: no notes expected, got %v", read.Unresolved)
	}
	// Without the rules module's ingress rule the listener is closed: the
	// near miss that proves the note stood for a real verdict.
	closed, _ := run("--var", "with_listeners=true", "--var", "with_rules=false")
	if !has(closed.Findings, "LBG201", "aws_lb_listener.b_https") {
		t.Errorf("with_rules=false: LBG201 on aws_lb_listener.b_https expected: %v", closed.Findings)
	}
}

// TestDataSourceHeading: a data-source load balancer that reads nothing is
// headed in words, not with a "(known after apply)" placeholder.
func TestDataSourceHeading(t *testing.T) {
	r := lbguard(t, nil, nil, "check", "--fail-on", "never", "../../fixtures/data-source-lb-unknown")
	if want := "data.aws_lb.shared (type and scheme known after apply, read by a data source)\n"; !strings.Contains(r.stdout, want) {
		t.Errorf("heading %q not in:\n%s", want, r.stdout)
	}
	if strings.Contains(r.stdout, "((") {
		t.Errorf("placeholder in a heading:\n%s", r.stdout)
	}
}

// TestForEachUnknownSetKeys is the near miss of fixtures/for-each-known-keys:
// a set's elements are its keys, so a set holding a value known only after
// apply cannot be expanded, and the resource is not analysed (never dropped).
func TestForEachUnknownSetKeys(t *testing.T) {
	dir := t.TempDir()
	src := `resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_lb" "web" {
  for_each = toset([aws_vpc.main.id])
  name     = "web"
  subnets  = ["subnet-1", "subnet-2"]
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	r := lbguard(t, nil, nil, "check", "--format", "json", "--fail-on", "never", dir)
	var rep struct {
		NotAnalysed []struct{ Address, Reason string } `json:"not_analysed"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("%v: %s", err, r.stderr)
	}
	if len(rep.NotAnalysed) != 1 || rep.NotAnalysed[0].Address != "aws_lb.web" || !strings.Contains(rep.NotAnalysed[0].Reason, "for_each") {
		t.Errorf("not analysed: %+v, want aws_lb.web for its for_each", rep.NotAnalysed)
	}
}

// TestSourceIdiomsNeedTheSources is the near miss of fixtures/source-idioms:
// from the plan alone, a key built from a variable and a nested dynamic
// forward cannot be told, so the rules that need them give notes, not
// findings; with the sources beside the plan they are findings.
func TestSourceIdiomsNeedTheSources(t *testing.T) {
	plan := "../../fixtures/source-idioms/plan.json"
	alone := findingsOf(t, nil, planAlone(t, plan))
	with := findingsOf(t, nil, plan)
	count := func(fs []map[string]any, rule string) int {
		n := 0
		for _, f := range fs {
			if f["rule"] == rule {
				n++
			}
		}
		return n
	}
	if count(with, "LBG201") != 5 || count(with, "LBG202") != 2 {
		t.Errorf("with the sources: %d LBG201 and %d LBG202, want 5 and 2", count(with, "LBG201"), count(with, "LBG202"))
	}
	if count(alone, "LBG201") != 0 || count(alone, "LBG202") != 0 {
		t.Errorf("the plan alone cannot tell the group: %d LBG201, %d LBG202, want notes only", count(alone, "LBG201"), count(alone, "LBG202"))
	}
	r := lbguard(t, nil, nil, "check", "--verbose", "--fail-on", "never", planAlone(t, plan))
	if !strings.Contains(r.stdout, `aws_security_group.alb has 2 instances`) {
		t.Errorf("the plan alone must say why it cannot tell the group:\n%s", r.stdout)
	}
}

// TestECSDynamicLoadBalancerFromThePlanAlone is the near miss of
// fixtures/asg-traffic-source-ecs-dynamic: the plan alone does not record
// a dynamic load_balancer block's target group, so the ECS service cannot be
// linked; LBG204 says so on the target groups instead of passing.
func TestECSDynamicLoadBalancerFromThePlanAlone(t *testing.T) {
	r := lbguard(t, nil, nil, "check", "--verbose", "--fail-on", "never", planAlone(t, "../../fixtures/asg-traffic-source-ecs-dynamic/plan.json"))
	for _, want := range []string{
		"LBG204 target-port-not-allowed-in  aws_autoscaling_group.app",
		"LBG204  aws_lb_target_group.svc: aws_ecs_service.svc registers targets with a target group lbguard cannot tell",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("lacks %q:\n%s", want, r.stdout)
		}
	}
}
