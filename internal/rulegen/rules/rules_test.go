package rules

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const checksDir = "../../../checks"

// TestAllIsUpToDate fails when checks/all.go is not what go generate
// writes: a rule file was added, renamed or removed without regenerating.
func TestAllIsUpToDate(t *testing.T) {
	want, err := Generate(checksDir)
	if err != nil {
		t.Fatalf("the rule files are not consistent:\n%v", err)
	}
	got, err := os.ReadFile(filepath.Join(checksDir, "all.go"))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("checks/all.go is stale: run go generate ./checks\nwant:\n%s", want)
	}
}

// TestDocsMatchRules: each rule has docs/ID.md, and each doc of a 1xx or
// 2xx ID has a rule (0xx are the notes and suppression rules, which have
// no rule file).
func TestDocsMatchRules(t *testing.T) {
	rules, err := Find(checksDir)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, r := range rules {
		ids[r.ID] = true
		if _, err := os.Stat(filepath.Join(checksDir, "docs", r.ID+".md")); err != nil {
			t.Errorf("%s (%s) has no docs/%s.md", r.ID, r.File, r.ID)
		}
	}
	docs, _ := filepath.Glob(filepath.Join(checksDir, "docs", "*.md"))
	docName := regexp.MustCompile(`^LBG(\d)\d\d\.md$`)
	for _, d := range docs {
		base := filepath.Base(d)
		m := docName.FindStringSubmatch(base)
		switch {
		case m == nil:
			t.Errorf("docs/%s: a rule doc is named LBGnnn.md", base)
		case m[1] != "0" && !ids[strings.TrimSuffix(base, ".md")]:
			t.Errorf("docs/%s has no rule file: an orphan doc", base)
		}
	}
}

// TestFindRejectsInconsistentRuleFiles: the mistakes a newcomer makes are
// each reported with the file.
func TestFindRejectsInconsistentRuleFiles(t *testing.T) {
	tests := []struct {
		file, src, want string
	}{
		{"lbg301_some_rule.go", `var x = Check{Meta: Meta{ID: "LBG302", Name: "some-rule"}}`, `the check's ID is "LBG302", but the file name says LBG301`},
		{"lbg301_some_rule.go", `var x = Check{Meta: Meta{ID: "LBG301", Name: "other-rule"}}`, `the check's name is "other-rule", but the file name says some-rule`},
		{"lbg301_some_rule.go", `func helper() {}`, "declares 0 checks"},
		{"lbg301-some-rule.go", `var x = Check{}`, "a rule file is named lbgNNN_rule_name.go"},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, tt.file), []byte("package checks\n\n"+tt.src+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Find(dir)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), tt.file) {
			t.Errorf("%s %q: error %v, want one naming the file and saying %q", tt.file, tt.src, err, tt.want)
		}
	}
}
