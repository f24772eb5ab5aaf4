// Command newrule scaffolds a rule: the rule file and its test in checks/,
// its doc in checks/docs/, and two fixture cases (one where it fires, one
// near miss), then regenerates checks/all.go. Run from the repository root:
//
//	go run ./internal/newrule -severity medium -summary "One sentence." LBG212 listener-something-wrong
//
// It never overwrites a file. checks/doc.go says what to do next.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"text/template"

	"github.com/lbguard/lbguard/internal/rulegen/rules"
)

func main() {
	if err := run(os.Args[1:], ".", os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "newrule:", err)
		os.Exit(2)
	}
}

// rule is what the templates are filled with.
type rule struct {
	ID, Name, Severity, Summary string
	Var, Run, File, Fixture     string
	Area                        string // what the rule is about, from its ID range
}

var (
	idPattern   = regexp.MustCompile(`^LBG([12])\d\d$`)
	namePattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)+$`)
)

func run(args []string, root string, out io.Writer) error {
	fs := flag.NewFlagSet("newrule", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	severity := fs.String("severity", "medium", "info, low, medium or high")
	summary := fs.String("summary", "", "one sentence: when the rule fires (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return errors.New("usage: newrule [-severity S] -summary TEXT LBGnnn rule-name")
	}
	r := rule{ID: strings.ToUpper(fs.Arg(0)), Name: fs.Arg(1), Severity: strings.ToLower(*severity), Summary: strings.TrimSpace(*summary)}
	m := idPattern.FindStringSubmatch(r.ID)
	switch {
	case m == nil:
		return fmt.Errorf("%q: a new rule's ID is LBG1nn (listeners and TLS) or LBG2nn (security groups); LBG0nn are notes and suppressions", r.ID)
	case !namePattern.MatchString(r.Name):
		return fmt.Errorf("%q: a rule's name is kebab-case words, e.g. listener-port-not-allowed-in", r.Name)
	case !map[string]bool{"info": true, "low": true, "medium": true, "high": true}[r.Severity]:
		return fmt.Errorf("-severity %q: want info, low, medium or high", r.Severity)
	case r.Summary == "" || !strings.HasSuffix(r.Summary, ".") || strings.Contains(r.Summary, "\n"):
		return errors.New("-summary: one sentence on one line, ending with a period")
	}
	r.Area = map[string]string{"1": "listeners", "2": "groups"}[m[1]]
	checksDir := filepath.Join(root, "checks")
	existing, err := rules.Find(checksDir)
	if err != nil {
		return fmt.Errorf("the rule files are not consistent, fix them first:\n%v", err)
	}
	for _, e := range existing {
		if e.ID == r.ID || e.Name == r.Name {
			return fmt.Errorf("%s %s: %s already declares %s %s", r.ID, r.Name, e.File, e.ID, e.Name)
		}
	}
	words := strings.Split(r.Name, "-")
	r.Var = words[0]
	for _, w := range words[1:] {
		r.Var += strings.ToUpper(w[:1]) + w[1:]
	}
	r.Run = "run" + strings.ToUpper(r.Var[:1]) + r.Var[1:]
	r.File = strings.ToLower(r.ID) + "_" + strings.Join(words, "_")
	r.Fixture = strings.ToLower(r.ID) + "-" + r.Name
	files := []struct{ path, tmpl string }{
		{filepath.Join(checksDir, r.File+".go"), ruleTmpl},
		{filepath.Join(checksDir, r.File+"_test.go"), testTmpl},
		{filepath.Join(checksDir, "docs", r.ID+".md"), docTmpl},
		{filepath.Join(root, "fixtures", r.Fixture, "main.tf"), firesTF},
		{filepath.Join(root, "fixtures", r.Fixture, "README.md"), "{{.ID}} fires: (say what this case shows)\n"},
		{filepath.Join(root, "fixtures", r.Fixture+"-near-miss", "main.tf"), nearMissTF},
		{filepath.Join(root, "fixtures", r.Fixture+"-near-miss", "README.md"), "{{.ID}} near miss: (say why the rule must stay quiet here)\n"},
	}
	for _, f := range files {
		if _, err := os.Stat(f.path); err == nil {
			return fmt.Errorf("%s exists: newrule never overwrites a file", f.path)
		}
	}
	for _, f := range files {
		var b bytes.Buffer
		if err := template.Must(template.New("").Parse(f.tmpl)).Execute(&b, r); err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(f.path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(f.path, b.Bytes(), 0o644); err != nil {
			return err
		}
		fmt.Fprintln(out, "wrote", f.path)
	}
	src, err := rules.Generate(checksDir)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(checksDir, "all.go"), src, 0o644); err != nil {
		return err
	}
	fmt.Fprintln(out, "regenerated", filepath.Join(checksDir, "all.go"))
	fmt.Fprintf(out, `
Next (checks/doc.go explains each step):
  1. write the rule in %[1]s.go and its cases in %[1]s_test.go;
  2. write checks/docs/%[2]s.md;
  3. write both fixtures' main.tf, then make their plans:
       make-plan fixtures/%[3]s && make-plan fixtures/%[3]s-near-miss
  4. go test ./cmd/lbguard -run 'TestFixtures|TestSourceModeMatchesPlanMode' -update
     and go test ./checks -update (the README's rule table); review git diff;
  5. go test ./...
`, filepath.Join(checksDir, r.File), r.ID, r.Fixture)
	return nil
}
