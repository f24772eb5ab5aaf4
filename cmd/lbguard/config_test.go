package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// HCL syntax errors: every diagnostic on its own line with
// file:line:column, exit 2.
func TestSourceSyntaxErrors(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "main.tf", "resource \"aws_lb\" \"x\" {\n  name = \n}\n")
	writeFile(t, dir, "b.tf", "resource \"aws_lb\" {}\n")
	r := lbguard(t, nil, nil, "check", dir)
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	if r.code != 2 || len(lines) != 2 || r.stdout != "" {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	for i, prefix := range []string{"lbguard: " + filepath.Join(dir, "b.tf") + ":1:19: Missing name for resource", "lbguard: " + filepath.Join(dir, "main.tf") + ":2:10: Invalid expression"} {
		if !strings.HasPrefix(lines[i], prefix) {
			t.Errorf("line %d = %q, want prefix %q", i, lines[i], prefix)
		}
	}
	// The same sources as --source for a plan: also exit 2.
	r = lbguard(t, nil, nil, "check", "--source", dir, httpOnlyPlan)
	if r.code != 2 || !strings.Contains(r.stderr, ":2:10: Invalid expression") {
		t.Errorf("--source with errors: exit %d, %q", r.code, r.stderr)
	}
	// Picked up by default (the plan's directory has none), they are only
	// a warning.
	planCopy := filepath.Join(t.TempDir(), "plan.json")
	b, err := os.ReadFile(httpOnlyPlan)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Dir(planCopy), "plan.json", string(b))
	r = lbguard(t, nil, map[string]string{"TEST_DIR": dir}, "check", "--fail-on", "never", planCopy)
	if r.code != 0 || !strings.Contains(r.stderr, "lbguard: warning: the .tf files in "+dir+" were not used") {
		t.Errorf("default sources with errors: exit %d, %q", r.code, r.stderr)
	}
}

func TestSourceModeVariables(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "main.tf", `
variable "protocol" {
  type = string
}

resource "aws_lb" "web" {
  name = "web"
}

resource "aws_lb_listener" "l" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = var.protocol
  default_action {
    type = "fixed-response"
  }
}
`)
	// Unset: the protocol is unknown, so LBG101 cannot decide.
	r := lbguard(t, nil, nil, "check", "--format", "json", "--fail-on", "never", dir)
	if !strings.Contains(r.stdout, `"reason": "the listener's protocol is known only after apply"`) {
		t.Errorf("unset variable:\n%s", r.stdout)
	}
	// Set on the command line: an HTTP listener with no HTTPS one.
	r = lbguard(t, nil, nil, "check", "--var", "protocol=HTTP", dir)
	if r.code != 1 || !strings.Contains(r.stdout, "LBG102 lb-without-https  aws_lb.web") {
		t.Errorf("--var: exit %d\n%s", r.code, r.stdout)
	}
	r = lbguard(t, nil, nil, "check", "--var", "protocol", dir)
	if r.code != 2 || !strings.Contains(r.stderr, `"protocol" is not NAME=VALUE`) {
		t.Errorf("bad --var: exit %d, %q", r.code, r.stderr)
	}
	writeFile(t, dir, "https.tfvars", "protocol = \"HTTPS\"\n")
	r = lbguard(t, nil, nil, "check", "--format", "json", "--fail-on", "never", "--var-file", filepath.Join(dir, "https.tfvars"), dir)
	if strings.Contains(r.stdout, "LBG102") || !strings.Contains(r.stdout, `"rule": "LBG105"`) {
		t.Errorf("--var-file: HTTPS without certificate expected:\n%s", r.stdout)
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name, content string
		want          []string
	}{
		{"unknown argument", "fail_on = \"high\"\nfailon = 1\n", []string{":2:1: Unsupported argument"}},
		{"unknown block", "rules \"LBG101\" {}\n", []string{":1:1: Unsupported block type"}},
		{"unknown rule", "rule \"LBG999\" {\n  enabled = false\n}\n", []string{`:1:1: Unknown rule: "LBG999" is not an lbguard rule`}},
		{"bad severity", "rule \"LBG101\" {\n  severity = \"urgent\"\n}\n", []string{`:1:1: Invalid severity: unknown severity "urgent"`}},
		{"bad date", "ignore {\n  rule = \"LBG101\"\n  reason = \"x\"\n  expires = \"next week\"\n}\n", []string{`:1:1: Invalid expires: "next week" is not a date like 2027-03-31`}},
		{"bad fail_on", "fail_on = \"critical\"\n", []string{`:1:1: Invalid fail_on`}},
		{"empty ignore", "ignore {\n  reason = \"x\"\n}\n", []string{":1:1: Ignore without rule or address"}},
		{"bad CIDR", "settings {\n  internal_client_cidrs = [\"10.0.0.0/33\"]\n}\n", []string{":1:1: Invalid CIDR in internal_client_cidrs"}},
		{"syntax", "rule \"LBG101\" {\n", []string{":1:15: Unclosed configuration block"}},
		{"two problems", "rule \"LBG998\" {}\nrule \"LBG999\" {}\n", []string{":1:1: Unknown rule", ":2:1: Unknown rule"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := writeFile(t, dir, ".lbguard.hcl", tt.content)
			for _, args := range [][]string{{"check", "--config", cfg, cleanPlan}, {"check", cleanPlan}} {
				env := map[string]string{"TEST_DIR": dir} // found in the current directory too
				r := lbguard(t, nil, env, args...)
				lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
				if r.code != 2 || len(lines) != len(tt.want) {
					t.Fatalf("%v: exit %d, stderr:\n%s", args, r.code, r.stderr)
				}
				for i, w := range tt.want {
					if !strings.HasPrefix(lines[i], "lbguard: "+cfg) || !strings.Contains(lines[i], w) {
						t.Errorf("line %q lacks %q", lines[i], w)
					}
				}
			}
		})
	}
	r := lbguard(t, nil, nil, "check", "--config", filepath.Join(t.TempDir(), "nope.hcl"), cleanPlan)
	if r.code != 2 || !strings.Contains(r.stderr, "nope.hcl") {
		t.Errorf("missing --config: exit %d, %q", r.code, r.stderr)
	}
}

func TestConfigFailOnAndRules(t *testing.T) {
	dir := t.TempDir()
	plan := "../../fixtures/redirect-missing-port/plan.json" // LBG103 (medium), LBG108 (info)
	cfg := writeFile(t, dir, "c.hcl", "fail_on = \"high\"\n")
	if r := lbguard(t, nil, nil, "check", "--config", cfg, plan); r.code != 0 {
		t.Errorf("fail_on = high: exit %d", r.code)
	}
	if r := lbguard(t, nil, nil, "check", "--config", cfg, "--fail-on", "medium", plan); r.code != 1 {
		t.Errorf("--fail-on overrides the file: exit %d", r.code)
	}
	cfg = writeFile(t, dir, "d.hcl", "rule \"LBG103\" {\n  enabled = false\n}\nrule \"LBG108\" {\n  severity = \"high\"\n}\n")
	r := lbguard(t, nil, nil, "check", "--config", cfg, plan)
	if r.code != 1 || strings.Contains(r.stdout, "LBG103") || !strings.Contains(r.stdout, "HIGH   LBG108") {
		t.Errorf("rule blocks: exit %d\n%s", r.code, r.stdout)
	}
}
