package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// --output: several formats from one analysis, each file written whole;
// the exit status whatever is written; usage errors before anything is
// read; no file on an unusable input.
func TestOutputs(t *testing.T) {
	dir := t.TempDir()
	plan := "../../fixtures/alb-http-only/plan.json"
	sarif, junit := filepath.Join(dir, "r.sarif"), filepath.Join(dir, "r.xml")
	r := lbguard(t, nil, nil, "check", "--output", "sarif="+sarif, "--output", "JUnit="+junit, plan)
	plain := lbguard(t, nil, nil, "check", plan)
	if r.code != 1 || r.stdout != plain.stdout {
		t.Errorf("exit %d; standard output keeps --format: %v", r.code, r.stdout == plain.stdout)
	}
	for path, want := range map[string]string{sarif: `"version": "2.1.0"`, junit: "<testsuites"} {
		b, err := os.ReadFile(path)
		if err != nil || !strings.Contains(string(b), want) {
			t.Errorf("%s: %v, want it to hold %q", path, err, want)
		}
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*.tmp"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
	// An unusable input: exit 2, and the outputs are neither created nor
	// changed.
	before, _ := os.ReadFile(sarif)
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte("{"), 0o644)
	fresh := filepath.Join(dir, "fresh.json")
	r = lbguard(t, nil, nil, "check", "--output", "sarif="+sarif, "--output", "json="+fresh, bad)
	after, _ := os.ReadFile(sarif)
	if _, err := os.Stat(fresh); r.code != 2 || err == nil || string(before) != string(after) {
		t.Errorf("unusable input: exit %d, fresh output exists: %v, old output changed: %v", r.code, err == nil, string(before) != string(after))
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--output", "sarif=" + filepath.Join(dir, "nope", "r.sarif")}, "does not exist"},
		{[]string{"--output", "sarif=" + sarif, "--output", "json=" + sarif}, "write the same file"},
		{[]string{"--output", "sarif=-"}, "standard output takes --format"},
		{[]string{"--output", "pdf=x.pdf"}, `unknown format "pdf"`},
		{[]string{"--output", "sarif"}, "want FORMAT=PATH"},
	} {
		// The plan does not exist: the usage error comes before reading.
		r := lbguard(t, nil, nil, append(append([]string{"check"}, c.args...), filepath.Join(dir, "missing.json"))...)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) || strings.Contains(r.stderr, "missing.json") {
			t.Errorf("%v: exit %d, %q, want a usage error with %q", c.args, r.code, r.stderr, c.want)
		}
	}
}

// The markdown report of a large plan stays under GitHub's comment limit,
// dropping pictures first and saying what it left out.
func TestMarkdownFitsAComment(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(path, largePlan(400), 0o644); err != nil {
		t.Fatal(err)
	}
	r := lbguard(t, nil, nil, "check", "--format", "markdown", "--fail-on", "never", path)
	if n := utf8.RuneCountInString(r.stdout); n >= 65536 || n < 30000 {
		t.Errorf("%d characters, want under 65,536 (and a real report)", n)
	}
	if !strings.Contains(r.stdout, "this report leaves out") || !strings.Contains(r.stdout, "pictures") {
		t.Errorf("the report must say what it dropped:\n%s", r.stdout[len(r.stdout)-400:])
	}
	small := lbguard(t, nil, nil, "check", "--format", "markdown", "--fail-on", "never", "../../fixtures/alb-http-only/plan.json")
	if strings.Contains(small.stdout, "leaves out") || !strings.Contains(small.stdout, "```mermaid") {
		t.Errorf("a small report keeps everything")
	}
}
