package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Several inputs, one report: a header per input in argument order, the
// worst exit status, and in JSON the input of every finding and an inputs
// list. A .tf file stands for its directory, once.
func TestSeveralInputs(t *testing.T) {
	clean := "../../fixtures/alb-https-clean/plan.json"
	dirty := "../../fixtures/alb-http-only"
	r := lbguard(t, nil, nil, "check", clean, dirty, dirty+"/main.tf")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 (the worst): %s", r.code, r.stderr)
	}
	a := strings.Index(r.stdout, "== ../../fixtures/alb-https-clean/plan.json (plan, sources in ../../fixtures/alb-https-clean)")
	b := strings.Index(r.stdout, "== ../../fixtures/alb-http-only (sources)")
	if a < 0 || b < a || strings.Count(r.stdout, "== ") != 2 || !strings.Contains(r.stdout, "FAILED: 1 of 2 inputs.") {
		t.Errorf("headers in argument order, the directory once:\n%s", r.stdout)
	}
	j := lbguard(t, nil, nil, "check", "--format", "json", clean, dirty)
	var rep struct {
		Findings []struct{ Input, Rule string }
		Inputs   []struct {
			Input     string
			SourceDir string `json:"source_dir"`
			Failed    bool
		}
		Summary struct {
			Findings int
			Failed   bool
		}
	}
	if err := json.Unmarshal([]byte(j.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Inputs) != 2 || rep.Inputs[0].Input != clean || rep.Inputs[0].Failed || rep.Inputs[1].Input != dirty || !rep.Inputs[1].Failed || !rep.Summary.Failed {
		t.Errorf("inputs: %+v", rep.Inputs)
	}
	for _, f := range rep.Findings {
		if f.Input != dirty {
			t.Errorf("finding %s names input %q", f.Rule, f.Input)
		}
	}
	// An unusable input makes the run exit 2, after reporting the others.
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = lbguard(t, nil, nil, "check", clean, bad)
	if r.code != 2 || !strings.Contains(r.stdout, "ERROR: ") || !strings.Contains(r.stderr, "bad.json") {
		t.Errorf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	// Each input alone gives what it gives among others.
	alone := lbguard(t, nil, nil, "check", "--format", "json", dirty)
	var one struct{ Findings []map[string]any }
	if err := json.Unmarshal([]byte(alone.stdout), &one); err != nil {
		t.Fatal(err)
	}
	if len(one.Findings) != len(rep.Findings) || alone.code != 1 {
		t.Errorf("alone: %d findings, exit %d; among others: %d", len(one.Findings), alone.code, len(rep.Findings))
	}
}

// The same directory checked from the repository root and from inside it:
// the same configuration, findings, fingerprints, suppressions and exit.
func TestSameAnswerFromAnywhere(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	run := func(dir, arg string) (int, []string) {
		t.Helper()
		if err := os.Chdir(filepath.Join(wd, dir)); err != nil {
			t.Fatal(err)
		}
		r := lbguard(t, nil, map[string]string{"TEST_DIR": "."}, "check", "--format", "json", arg)
		var rep struct {
			Findings []struct {
				Rule, Address, Fingerprint string
				Suppressed                 *struct{ By string }
			}
		}
		if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
			t.Fatalf("%s: %v: %s", dir, err, r.stderr)
		}
		var out []string
		for _, f := range rep.Findings {
			s := f.Rule + " " + f.Address + " " + f.Fingerprint
			if f.Suppressed != nil {
				s += " suppressed by " + f.Suppressed.By
			}
			out = append(out, s)
		}
		return r.code, out
	}
	codeRoot, fromRoot := run("../..", "fixtures/suppressions")
	codeIn, fromInside := run("../../fixtures/suppressions", ".")
	codeFile, fromFile := run("../..", "fixtures/suppressions/main.tf")
	if codeRoot != codeIn || codeRoot != codeFile || strings.Join(fromRoot, "\n") != strings.Join(fromInside, "\n") || strings.Join(fromRoot, "\n") != strings.Join(fromFile, "\n") {
		t.Errorf("from the root (exit %d):\n%s\nfrom inside (exit %d):\n%s\nas a file (exit %d)", codeRoot, strings.Join(fromRoot, "\n"), codeIn, strings.Join(fromInside, "\n"), codeFile)
	}
	if !strings.Contains(strings.Join(fromRoot, "\n"), "suppressed by config") {
		t.Errorf("the configuration next to the directory applies:\n%s", strings.Join(fromRoot, "\n"))
	}
}

// Settings: a flag wins over its LBGUARD_ variable, which wins over
// .lbguard.hcl; --verbose says where each came from.
func TestEnvironmentSettings(t *testing.T) {
	plan := "../../fixtures/alb-http-only/plan.json"
	t.Setenv("LBGUARD_FAIL_ON", "never")
	env := map[string]string{"LBGUARD_FAIL_ON": "never"}
	if r := lbguard(t, nil, env, "check", plan); r.code != 0 {
		t.Errorf("LBGUARD_FAIL_ON=never: exit %d", r.code)
	}
	if r := lbguard(t, nil, env, "check", "--fail-on", "high", plan); r.code != 1 {
		t.Errorf("--fail-on high over LBGUARD_FAIL_ON=never: exit %d", r.code)
	}
	r := lbguard(t, nil, env, "check", "--verbose", "--strict", plan)
	if !strings.Contains(r.stdout, "fail-on = never (environment LBGUARD_FAIL_ON)") || !strings.Contains(r.stdout, "strict = true (flag --strict)") {
		t.Errorf("--verbose lists the settings and their origins:\n%s", r.stdout)
	}
	// The variable wins over the configuration file's fail_on.
	dir := t.TempDir()
	copyFile(t, plan, filepath.Join(dir, "plan.json"))
	if err := os.WriteFile(filepath.Join(dir, ".lbguard.hcl"), []byte("fail_on = \"low\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := lbguard(t, nil, env, "check", filepath.Join(dir, "plan.json")); r.code != 0 {
		t.Errorf("LBGUARD_FAIL_ON over .lbguard.hcl: exit %d", r.code)
	}
}

func TestRuleSelection(t *testing.T) {
	plan := "../../fixtures/alb-http-only/plan.json"
	rules := func(args ...string) string {
		var out []string
		for _, f := range findingsOf(t, nil, append(args, plan)...) {
			out = append(out, f["rule"].(string))
		}
		return strings.Join(out, " ")
	}
	all := rules()
	if got := rules("--only", "LBG101,lb-without-https"); got != "LBG101 LBG102" {
		t.Errorf("--only: %q (all: %q)", got, all)
	}
	if got := rules("--disable-rule", "lbg101"); strings.Contains(got, "LBG101") || got == "" {
		t.Errorf("--disable-rule: %q", got)
	}
	r := lbguard(t, nil, nil, "check", "--only", "LBG999", plan)
	if r.code != 2 || !strings.Contains(r.stderr, `--only "LBG999": not a rule ID or name`) {
		t.Errorf("an unknown rule: exit %d, %q", r.code, r.stderr)
	}
}

// Errors that teach: undeclared references in a named directory are
// errors with file:line; suggestions for mistyped commands and flags; a
// terminal on standard input is told what lbguard waits for.
func TestErrorsThatTeach(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "main.tf", "resource \"aws_lb\" \"web\" {\n  name = var.nope\n  subnets = [local.none]\n  security_groups = [aws_security_group.missing.id]\n}\n")
	r := lbguard(t, nil, nil, "check", dir)
	for _, want := range []string{
		"main.tf:2:10: Reference to undeclared input variable",
		"main.tf:3:14: Reference to undeclared local value",
		"main.tf:4:22: Reference to undeclared resource",
	} {
		if r.code != 2 || !strings.Contains(r.stderr, want) {
			t.Errorf("exit %d, stderr lacks %q:\n%s", r.code, want, r.stderr)
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"chekc", "x"}, `unknown command "chekc"; did you mean check?`},
		{[]string{"check", "--fial-on", "high", "x"}, "did you mean --fail-on?"},
		{[]string{"check", "--format", "JSON", "--fail-on", "HIGH", "../../fixtures/alb-https-clean/plan.json"}, ""},
	} {
		r := lbguard(t, nil, nil, c.args...)
		if c.want == "" {
			if r.code != 0 {
				t.Errorf("%v: enumerations are case-insensitive: exit %d %s", c.args, r.code, r.stderr)
			}
			continue
		}
		if r.code != 2 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d, %q, want %q", c.args, r.code, r.stderr, c.want)
		}
	}
	r = lbguard(t, strings.NewReader(""), map[string]string{"TEST_TTYIN": "1"}, "check", "-")
	if !strings.Contains(r.stderr, "waiting for a plan on standard input") {
		t.Errorf("check - on a terminal: %q", r.stderr)
	}
	r = lbguard(t, nil, nil, "check", "--var", "port=abc", "../../fixtures/sensitive-sources")
	if r.code != 2 || !strings.Contains(r.stderr, `the value given for variable "port" does not fit its type number`) {
		t.Errorf("--var of the wrong type: exit %d, %q", r.code, r.stderr)
	}
}

func TestRulesJSONExplainCompletion(t *testing.T) {
	r := lbguard(t, nil, nil, "rules", "--format", "json")
	var rules []struct{ ID, Name, Severity, ReportsOn, DocURL string }
	if err := json.Unmarshal([]byte(r.stdout), &rules); err != nil {
		t.Fatal(err)
	}
	byID := map[string]bool{}
	for _, x := range rules {
		byID[x.ID] = true
		if x.Name == "" || x.Severity == "" {
			t.Errorf("rule %+v", x)
		}
	}
	if !byID["LBG101"] || !byID["LBG211"] || !byID["LBG001"] {
		t.Errorf("rules --format json lacks rules: %v", byID)
	}
	byName := lbguard(t, nil, nil, "explain", "weak-tls-policy")
	byIDOut := lbguard(t, nil, nil, "explain", "lbg104")
	if byName.code != 0 || byName.stdout != byIDOut.stdout || strings.Count(byName.stdout, "# LBG104 weak-tls-policy") != 1 || strings.Contains(byName.stdout, "Fix: ") {
		t.Errorf("explain by name, title once, no repeated fix:\n%s", byName.stdout)
	}
	for _, sh := range []string{"bash", "zsh", "fish"} {
		if r := lbguard(t, nil, nil, "completion", sh); r.code != 0 || !strings.Contains(r.stdout, "lbguard") {
			t.Errorf("completion %s: exit %d", sh, r.code)
		}
	}
}
