package checks

import (
	"flag"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestAll validates the rule list: unique IDs in order, names, summaries,
// remediations and a doc with every section for each rule.
func TestAll(t *testing.T) {
	idPattern := regexp.MustCompile(`^LBG\d{3}$`)
	namePattern := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	ids, names := map[string]bool{}, map[string]bool{}
	prev := ""
	for _, c := range All {
		if !idPattern.MatchString(c.ID) {
			t.Errorf("%q is not an LBGnnn ID", c.ID)
		}
		if c.ID <= prev {
			t.Errorf("%s is out of order or repeated (after %s)", c.ID, prev)
		}
		prev = c.ID
		if ids[c.ID] || names[c.Name] {
			t.Errorf("%s %s: duplicate ID or name", c.ID, c.Name)
		}
		ids[c.ID], names[c.Name] = true, true
		if !namePattern.MatchString(c.Name) {
			t.Errorf("%s: name %q is not kebab-case", c.ID, c.Name)
		}
		if c.Severity < Info || c.Severity > High {
			t.Errorf("%s: no severity", c.ID)
		}
		for field, text := range map[string]string{"summary": c.Summary, "remediation": c.Remediation} {
			if text == "" || !strings.HasSuffix(text, ".") || strings.Contains(text, "\n") {
				t.Errorf("%s: %s must be one sentence line ending with a period: %q", c.ID, field, text)
			}
		}
		if c.ReportsOn == "" {
			t.Errorf("%s: ReportsOn names the resource types its findings are about", c.ID)
		}
		if c.Run == nil {
			t.Errorf("%s: no Run", c.ID)
		}
		checkDoc(t, c.ID, c.Name)
	}
	checkDoc(t, "LBG000", "unresolved")
	for _, m := range []Meta{UnusableSuppression, ExpiredIgnore} {
		checkDoc(t, m.ID, m.Name)
		if ids[m.ID] || names[m.Name] {
			t.Errorf("%s: its ID or name is also a check's", m.ID)
		}
	}
}

func checkDoc(t *testing.T, id, name string) {
	t.Helper()
	doc := Doc(id)
	if doc == "" {
		t.Errorf("%s: no docs/%s.md", id, id)
		return
	}
	if want := "# " + id + " " + name + "\n"; !strings.HasPrefix(doc, want) {
		t.Errorf("%s: doc must start with %q", id, want)
	}
	sections := []string{"## Why", "## How to fix"}
	if id != "LBG000" {
		sections = append(sections, "## Example", "## References", "```hcl")
	}
	for _, s := range sections {
		if !strings.Contains(doc, s) {
			t.Errorf("%s: doc lacks %q", id, s)
		}
	}
}

var update = flag.Bool("update", false, "rewrite the README's rule table")

// The README's rule table is the catalogue's own Markdown table.
func TestREADMERuleTable(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- rules:begin -->\n", "<!-- rules:end -->"
	s := string(readme)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("README.md has no %q ... %q section", begin, end)
	}
	got, want := s[i+len(begin):j], MarkdownTable(Catalogue(All))
	if got == want {
		return
	}
	if *update {
		if err := os.WriteFile("../README.md", []byte(s[:i+len(begin)]+want+s[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md rule table is out of date: run go test ./checks -update (then review the change)\nwant:\n%s", want)
}

func TestSeverity(t *testing.T) {
	for _, s := range []Severity{Info, Low, Medium, High} {
		got, err := ParseSeverity(strings.ToUpper(s.String()))
		if err != nil || got != s {
			t.Errorf("ParseSeverity(%s) = %v, %v", s, got, err)
		}
	}
	if _, err := ParseSeverity("critical"); err == nil {
		t.Error("critical is not a severity")
	}
	if !(High > Medium && Medium > Low && Low > Info) {
		t.Error("severities are ordered")
	}
}

func TestFingerprint(t *testing.T) {
	a := Fingerprint("LBG101", "aws_lb_listener.http", []string{"port=80", "protocol=HTTP"})
	if a != Fingerprint("LBG101", "aws_lb_listener.http", []string{"protocol=HTTP", "port=80"}) {
		t.Error("facts order must not matter")
	}
	if a == Fingerprint("LBG101", "aws_lb_listener.http", []string{"port=8080", "protocol=HTTP"}) {
		t.Error("a different fact is a different finding")
	}
	if a == Fingerprint("LBG101", "aws_lb_listener.other", []string{"port=80", "protocol=HTTP"}) {
		t.Error("a different resource is a different finding")
	}
	if len(a) != 64 {
		t.Errorf("not a sha256 hex: %s", a)
	}
}
