package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The fuzz targets run the whole CLI, as CI and a pre-commit hook would, on
// arbitrary plans, source trees and configuration files. Each run must end
// with exit 0 or 1 (a verdict) or 2 with one line per problem, each naming
// the input, never a panic; two runs give the same bytes; and no value the
// input marks sensitive appears in any output.

// checkRun runs lbguard check twice and checks the properties above.
func checkRun(t *testing.T, input string, secrets []string, args ...string) {
	t.Helper()
	first := lbguard(t, nil, nil, args...)
	again := lbguard(t, nil, nil, args...)
	if first != again {
		t.Fatalf("two runs differ:\n%q\n%q", first.stdout+first.stderr, again.stdout+again.stderr)
	}
	switch first.code {
	case 0, 1:
	case 2:
		lines := strings.Split(strings.TrimSuffix(first.stderr, "\n"), "\n")
		for _, l := range lines {
			if !strings.HasPrefix(l, "lbguard: ") || !strings.Contains(l, input) {
				t.Fatalf("an error line that does not name %s: %q", input, first.stderr)
			}
		}
		if first.stdout != "" {
			t.Fatalf("exit 2 with output: %q", first.stdout)
		}
	default:
		t.Fatalf("exit %d: %s", first.code, first.stderr)
	}
	if strings.Contains(first.stderr, "goroutine ") || strings.Contains(first.stderr, "panic") {
		t.Fatalf("a panic: %s", first.stderr)
	}
	for _, s := range secrets {
		if strings.Contains(first.stdout+first.stderr, s) {
			t.Fatalf("sensitive value %q in the output", s)
		}
	}
}

// sensitiveOnly returns the values a plan marks sensitive that appear
// nowhere else in it (elsewhere they may be printed), long enough and
// distinct enough to be searched for in the output.
func sensitiveOnly(data []byte) []string {
	var doc map[string]any
	if json.Unmarshal(data, &doc) != nil {
		return nil
	}
	marked := map[string]bool{}
	var collect func(v, mask any)
	collect = func(v, mask any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				var m any
				if mm, ok := mask.(map[string]any); ok {
					m = mm[k]
				} else if mask == true {
					m = true
				}
				collect(e, m)
			}
		case []any:
			for i, e := range x {
				var m any
				if mm, ok := mask.([]any); ok && i < len(mm) {
					m = mm[i]
				} else if mask == true {
					m = true
				}
				collect(e, m)
			}
		case string:
			if mask == true {
				marked[x] = true
			}
		}
	}
	rcs, _ := doc["resource_changes"].([]any)
	for _, rc := range rcs {
		m, _ := rc.(map[string]any)
		ch, _ := m["change"].(map[string]any)
		collect(ch["after"], ch["after_sensitive"])
		collect(ch["before"], ch["before_sensitive"])
	}
	text := string(data)
	var out []string
	for s := range marked {
		q, _ := json.Marshal(s)
		if len(s) >= 8 && strings.Count(text, string(q)) == 1 && !strings.ContainsAny(s, "\\\"") {
			out = append(out, s)
		}
	}
	return out
}

func FuzzCheckPlan(f *testing.F) {
	for _, pattern := range []string{"../../fixtures/*/plan.json", "../../fixtures/bad/*.json"} {
		paths, _ := filepath.Glob(pattern)
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "plan.json")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		secrets := sensitiveOnly(data)
		checkRun(t, path, secrets, "check", "--format", "json", path)
		checkRun(t, path, secrets, "check", "--verbose", path)
	})
}

func FuzzCheckSources(f *testing.F) {
	paths, _ := filepath.Glob("../../fixtures/*/main.tf")
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, []byte(""))
	}
	f.Add([]byte(`resource "aws_lb" "a" {}`), []byte(`resource "aws_lb" "a" { internal = true }`))
	f.Fuzz(func(t *testing.T, mainTF, overrideTF []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), mainTF, 0o644); err != nil {
			t.Fatal(err)
		}
		if len(overrideTF) > 0 {
			if err := os.WriteFile(filepath.Join(dir, "override.tf"), overrideTF, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		checkRun(t, dir, nil, "check", "--verbose", dir)
	})
}

func FuzzConfig(f *testing.F) {
	paths, _ := filepath.Glob("../../fixtures/*/.lbguard.hcl")
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("fail_on = \"low\"\nrule \"LBG101\" {\n  enabled = false\n}\nignore {\n  rule = \"LBG102\"\n  address = \"aws_lb.*\"\n  reason = \"r\"\n  expires = \"2027-01-01\"\n}\n"))
	plan := "../../fixtures/alb-http-only/plan.json"
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), ".lbguard.hcl")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		r := lbguard(t, nil, nil, "check", "--config", path, plan)
		if r.code == 2 {
			checkRun(t, path, nil, "check", "--config", path, plan)
			return
		}
		checkRun(t, plan, nil, "check", "--config", path, plan)
	})
}
