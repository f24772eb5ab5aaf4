package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// copyTree copies the repository files a scaffold touches and compiles
// against into dir.
func copyTree(t *testing.T, dst string) {
	t.Helper()
	for _, pattern := range []string{"go.mod", "go.sum", "checks/*.go", "checks/docs/*.md", "plan/*.go", "internal/rulegen/rules/*.go"} {
		paths, err := filepath.Glob(filepath.Join("../..", pattern))
		if err != nil || len(paths) == 0 {
			t.Fatalf("%s: %v", pattern, err)
		}
		for _, p := range paths {
			rel, _ := filepath.Rel("../..", p)
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dst, rel)
			if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(out, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestScaffold writes a rule into a copy of the repository: every file a
// rule needs appears, checks/all.go lists it, the copy compiles and its
// scaffolded test runs (and fails, since the rule is not written yet),
// and a second run refuses to overwrite anything.
func TestScaffold(t *testing.T) {
	root := t.TempDir()
	copyTree(t, root)
	args := []string{"-severity", "low", "-summary", "A listener does something worth a finding.", "LBG299", "listener-does-something"}
	if err := run(args, root, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{
		"checks/lbg299_listener_does_something.go", "checks/lbg299_listener_does_something_test.go", "checks/docs/LBG299.md",
		"fixtures/lbg299-listener-does-something/main.tf", "fixtures/lbg299-listener-does-something/README.md",
		"fixtures/lbg299-listener-does-something-near-miss/main.tf", "fixtures/lbg299-listener-does-something-near-miss/README.md",
	} {
		if _, err := os.Stat(filepath.Join(root, f)); err != nil {
			t.Errorf("not written: %s", f)
		}
	}
	all, _ := os.ReadFile(filepath.Join(root, "checks/all.go"))
	if !regexp.MustCompile(`\n\tlistenerDoesSomething, +// LBG299 listener-does-something\n`).Match(all) {
		t.Errorf("all.go does not list the new rule:\n%s", all)
	}
	if err := run(args, root, io.Discard); err == nil || !strings.Contains(err.Error(), "already declares") {
		t.Errorf("second run: %v, want a refusal", err)
	}
	if testing.Short() {
		return
	}
	cmd := exec.Command("go", "test", "-run", "TestLBG299|TestAll", "./checks")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), `TestLBG299/fires`) || strings.Contains(string(out), "TestAll") {
		t.Errorf("the scaffold must compile, pass TestAll and fail only its own unwritten case:\n%s", out)
	}
}

func TestScaffoldRejectsBadArguments(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-summary", "X.", "LBG012", "some-name"}, "LBG1nn (listeners and TLS) or LBG2nn"},
		{[]string{"-summary", "X.", "LBG212", "SomeName"}, "kebab-case"},
		{[]string{"-summary", "no period", "LBG212", "some-name"}, "ending with a period"},
		{[]string{"-severity", "critical", "-summary", "X.", "LBG212", "some-name"}, "want info, low, medium or high"},
		{[]string{"-summary", "X.", "LBG101", "some-name"}, "already declares LBG101"},
	} {
		root := t.TempDir()
		copyTree(t, root)
		err := run(tt.args, root, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v, want %q", tt.args, err, tt.want)
		}
	}
}
