package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// buildLbguard builds the binary the Action and the GitLab template run.
func buildLbguard(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "bin")
	cmd := exec.Command("go", "build", "-o", filepath.Join(bin, "lbguard"), ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// runScript runs a shell step with the environment given (and PATH with
// lbguard first) in the repository root.
func runScript(t *testing.T, script string, env map[string]string, bin string) (string, int) {
	t.Helper()
	cmd := exec.Command("bash", "-c", script)
	cmd.Dir = "../.."
	cmd.Env = []string{"PATH=" + bin + ":" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), code
}

// TestActionStepsByHand runs the composite Action's own steps (Check, then
// Gate), as the runner would, against a fake GitHub on loopback: the first
// run creates one comment and fails the job, the second updates it, and
// once the plan is fixed the comment is resolved and the job passes.
func TestActionStepsByHand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds lbguard")
	}
	b, err := os.ReadFile("../../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var action struct {
		Runs struct {
			Steps []struct {
				ID, Name, Run string
				Env           map[string]string
			}
		}
	}
	if err := yaml.Unmarshal(b, &action); err != nil {
		t.Fatal(err)
	}
	steps := map[string]string{}
	for _, s := range action.Runs.Steps {
		steps[s.Name] = s.Run
	}
	check, gate := steps["Check"], steps["Gate"]
	if check == "" || gate == "" {
		t.Fatalf("action.yml lacks the Check or Gate step: %v", steps)
	}
	bin := buildLbguard(t)
	f, srv := newFakeForge(t, false)
	run := func(plan string) (string, int) {
		tmp := t.TempDir()
		outputs := filepath.Join(tmp, "outputs")
		env := githubEnv(t, srv, false)
		for k, v := range map[string]string{
			"INPUT_PLAN": plan, "INPUT_SOURCE": "", "INPUT_FAIL_ON": "medium", "INPUT_COMMENT": "on",
			"INPUT_COMMENT_KEY": "default", "INPUT_SARIF": "on", "RUNNER_TEMP": tmp, "GITHUB_OUTPUT": outputs,
			"GITHUB_EVENT_NAME": "pull_request",
		} {
			env[k] = v
		}
		log, code := runScript(t, check, env, bin)
		if code != 0 {
			t.Fatalf("the Check step itself failed (%d):\n%s", code, log)
		}
		o, _ := os.ReadFile(outputs)
		exit := ""
		for _, l := range strings.Split(string(o), "\n") {
			if v, ok := strings.CutPrefix(l, "exit-code="); ok {
				exit = v
			}
		}
		if !strings.Contains(string(o), "sarif=") {
			t.Errorf("no SARIF output: %s", o)
		}
		gateLog, gateCode := runScript(t, gate, map[string]string{"EXIT_CODE": exit}, bin)
		if strings.Contains(log+gateLog, secretToken) {
			t.Errorf("the token got out")
		}
		return log, gateCode
	}
	log, code := run("fixtures/alb-http-only/plan.json")
	if code != 1 || len(f.ours()) != 1 || !strings.Contains(log, "::error file=fixtures/alb-http-only/main.tf") {
		t.Fatalf("first run: job exit %d, %d comments, log:\n%s", code, len(f.ours()), log)
	}
	id := f.ours()[0].ID
	_, code = run("fixtures/sg-health-check-closed/plan.json")
	if now := f.ours(); code != 1 || len(now) != 1 || now[0].ID != id {
		t.Fatalf("second run: job exit %d, comments %+v", code, now)
	}
	_, code = run("fixtures/alb-https-clean/plan.json")
	if now := f.ours(); code != 0 || len(now) != 1 || now[0].ID != id || !strings.Contains(now[0].Body, "resolved") {
		t.Fatalf("fixed: job exit %d, comments %+v", code, now)
	}
}

// TestGitLabTemplateByHand runs the GitLab template's script (after its
// install lines) against a fake GitLab: one note, updated, then resolved;
// the JUnit and Code Quality artifacts written.
func TestGitLabTemplateByHand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds lbguard")
	}
	b, err := os.ReadFile("../../integrations/gitlab/lbguard.gitlab-ci.yml")
	if err != nil {
		t.Fatal(err)
	}
	var tmpl map[string]struct {
		Script    []string
		Variables map[string]string
		Artifacts struct {
			Reports map[string]string
		}
	}
	if err := yaml.Unmarshal(b, &tmpl); err != nil {
		t.Fatal(err)
	}
	job := tmpl[".lbguard"]
	if len(job.Script) != 3 || !strings.Contains(job.Script[0], "go install") || job.Artifacts.Reports["junit"] != "lbguard-junit.xml" || job.Artifacts.Reports["codequality"] != "gl-code-quality-report.json" {
		t.Fatalf("template: %+v", job)
	}
	bin := buildLbguard(t)
	f, srv := newFakeForge(t, true)
	run := func(plan string) int {
		env := gitlabEnv(srv)
		for k, v := range job.Variables {
			env[k] = v
		}
		env["LBGUARD_PLAN"] = plan
		log, code := runScript(t, job.Script[2], env, bin)
		if strings.Contains(log, secretToken) {
			t.Errorf("the token got out")
		}
		for _, a := range []string{"lbguard-junit.xml", "gl-code-quality-report.json"} {
			p := filepath.Join("../..", a)
			if _, err := os.Stat(p); err != nil {
				t.Errorf("no %s", a)
			}
			os.Remove(p)
		}
		return code
	}
	if code := run("fixtures/alb-http-only/plan.json"); code != 1 || len(f.ours()) != 1 {
		t.Fatalf("first run: exit %d, %d notes", code, len(f.ours()))
	}
	id := f.ours()[0].ID
	if code := run("fixtures/sg-health-check-closed/plan.json"); code != 1 || len(f.ours()) != 1 || f.ours()[0].ID != id {
		t.Fatalf("second run: exit %d, notes %+v", code, f.ours())
	}
	if code := run("fixtures/alb-https-clean/plan.json"); code != 0 || !strings.Contains(f.ours()[0].Body, "resolved") {
		t.Fatalf("fixed: exit %d, notes %+v", code, f.ours())
	}
}

// TestShellOfActionAndTemplate checks that the shell of action.yml and of
// the GitLab template holds no ${{ }} expression (inputs come through env:
// a pull request cannot inject shell), and, when SHELLCHECK_DIR is set,
// writes each script there for .ci/run to run shellcheck on (actionlint
// does not read action metadata files).
func TestShellOfActionAndTemplate(t *testing.T) {
	b, err := os.ReadFile("../../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var action struct {
		Runs struct{ Steps []struct{ Name, Run string } }
	}
	if err := yaml.Unmarshal(b, &action); err != nil {
		t.Fatal(err)
	}
	scripts := map[string]string{}
	for i, s := range action.Runs.Steps {
		if s.Run != "" {
			scripts[fmt.Sprintf("action-step-%d.sh", i)] = s.Run
		}
	}
	g, err := os.ReadFile("../../integrations/gitlab/lbguard.gitlab-ci.yml")
	if err != nil {
		t.Fatal(err)
	}
	var tmpl map[string]struct{ Script []string }
	if err := yaml.Unmarshal(g, &tmpl); err != nil {
		t.Fatal(err)
	}
	scripts["gitlab-template.sh"] = strings.Join(tmpl[".lbguard"].Script, "\n")
	dir := os.Getenv("SHELLCHECK_DIR")
	for name, s := range scripts {
		if strings.Contains(s, "${{") {
			t.Errorf("%s: a ${{ }} expression in shell: pass it through env", name)
		}
		if dir != "" {
			if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/usr/bin/env bash\n"+s), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(scripts) < 4 {
		t.Errorf("only %d scripts", len(scripts))
	}
}
