package main

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
)

// TestBadInputs runs lbguard check on every input of fixtures/bad/ (and a
// few command lines in badCommands) and compares the exit code and the
// one line on standard error with fixtures/bad/want.txt. Each input is one
// way a plan can be unusable or not a plan at all; none may pass.
func TestBadInputs(t *testing.T) {
	const dir = "../../fixtures/bad"
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	type run struct{ name, got string }
	var runs []run
	for _, e := range entries {
		if e.Name() == "want.txt" || e.Name() == "README.md" || e.IsDir() {
			continue
		}
		r := lbguard(t, nil, nil, "check", filepath.Join(dir, e.Name()))
		runs = append(runs, run{e.Name(), describeRun(t, r)})
	}
	tmp := t.TempDir()
	for _, c := range badCommands(t, tmp) {
		r := lbguard(t, nil, nil, c.args...)
		runs = append(runs, run{c.name, strings.ReplaceAll(describeRun(t, r), tmp, "$TMP")})
	}
	sort.Slice(runs, func(i, j int) bool { return runs[i].name < runs[j].name })
	var b strings.Builder
	for _, r := range runs {
		b.WriteString(r.name + ": " + r.got + "\n")
	}
	wantPath := filepath.Join(dir, "want.txt")
	if *update {
		if err := os.WriteFile(wantPath, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(wantPath)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/lbguard -run TestBadInputs -update, then review it)", err)
	}
	gotLines, wantLines := strings.Split(b.String(), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(gotLines) || i < len(wantLines); i++ {
		var g, w string
		if i < len(gotLines) {
			g = gotLines[i]
		}
		if i < len(wantLines) {
			w = wantLines[i]
		}
		if g != w {
			t.Errorf("fixtures/bad/want.txt line %d:\n got: %s\nwant: %s", i+1, g, w)
		}
	}
}

// describeRun renders a failing run as "exit N: the error line", checking
// on the way that it is one line, without a stack trace, and that nothing
// went to standard output.
func describeRun(t *testing.T, r result) string {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	switch {
	case r.code == 0 || r.code == 1:
		return "exit " + string(rune('0'+r.code)) + " (a verdict on input that is not usable): " + strings.Join(lines, " | ")
	case r.stdout != "":
		return "exit 2 with standard output: " + r.stdout
	case strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, "panic"):
		return "a panic: " + r.stderr
	}
	return "exit " + string(rune('0'+r.code)) + ": " + strings.Join(lines, "\n    ")
}

type badCommand struct {
	name string
	args []string
}

// badCommands are unusable inputs that need more than a plan file.
func badCommands(t *testing.T, tmp string) []badCommand {
	t.Helper()
	write := func(name string, b []byte) string {
		p := filepath.Join(tmp, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := "../../fixtures/alb-http-only/plan.json"
	mkdir := func(name string, files map[string]string) string {
		d := filepath.Join(tmp, name)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		for f, src := range files {
			if err := os.WriteFile(filepath.Join(d, f), []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return d
	}
	lb := "resource \"aws_lb\" \"web\" {\n  subnets = [\"subnet-1\"]\n}\n"
	dup := mkdir("duplicate", map[string]string{"a.tf": lb, "b.tf": lb})
	over := mkdir("override-without-base", map[string]string{"main.tf": lb, "x_override.tf": "resource \"aws_lb\" \"other\" {\n  internal = true\n}\n"})
	cycle := mkdir("symlink-cycle", map[string]string{"main.tf": lb + "module \"self\" {\n  source = \"./sub\"\n}\n"})
	if err := os.Symlink(".", filepath.Join(cycle, "sub")); err != nil {
		t.Fatal(err)
	}
	fifo := mkdir("fifo", map[string]string{"main.tf": lb})
	if err := syscall.Mkfifo(filepath.Join(fifo, "pipe.tf"), 0o644); err != nil {
		t.Fatal(err)
	}
	zero := mkdir("dev-zero", map[string]string{"main.tf": lb})
	if err := os.Symlink("/dev/zero", filepath.Join(zero, "zero.tf")); err != nil {
		t.Fatal(err)
	}
	tfvars := mkdir("tfvars-error", map[string]string{"main.tf": "variable \"x\" {}\n" + lb, "terraform.tfvars": "x = \n"})
	absVars := write("abs.tfvars", []byte("x = \n"))
	plain := mkdir("var-file", map[string]string{"main.tf": "variable \"x\" {}\n" + lb})
	return []badCommand{
		{"source: duplicate resource blocks", []string{"check", dup}},
		{"source: override of nothing", []string{"check", over}},
		{"source: module cycle through a symlink", []string{"check", cycle}},
		{"source: a .tf file that is a FIFO", []string{"check", fifo}},
		{"source: a .tf file linked to /dev/zero", []string{"check", zero}},
		{"source: an error in terraform.tfvars", []string{"check", tfvars}},
		{"source: an error in an absolute --var-file", []string{"check", "--var-file", absVars, plain}},
		{"baseline that is an array", []string{"check", "--baseline", write("array.json", []byte(`[1, 2]`)), good}},
	}
}

// TestBaselineInUTF16 reads a baseline that PowerShell's > wrote (UTF-16
// with a byte-order mark) as plans are read: it suppresses the findings it
// lists.
func TestBaselineInUTF16(t *testing.T) {
	good := "../../fixtures/alb-http-only/plan.json"
	base := lbguard(t, nil, nil, "check", "--format", "json", "--fail-on", "never", good)
	utf16 := []byte{0xFF, 0xFE}
	for _, c := range base.stdout {
		if c > 0xFFFF {
			t.Fatal("the report holds a character outside the BMP")
		}
		utf16 = append(utf16, byte(c), byte(c>>8))
	}
	path := filepath.Join(t.TempDir(), "baseline.json")
	if err := os.WriteFile(path, utf16, 0o644); err != nil {
		t.Fatal(err)
	}
	r := lbguard(t, nil, nil, "check", "--baseline", path, good)
	if r.code != 0 || !strings.Contains(r.stdout, "suppressed") {
		t.Errorf("exit %d, want 0 with every finding suppressed by the baseline:\n%s%s", r.code, r.stdout, r.stderr)
	}
}
