package main

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// payload is what a pull-request author plants in plan strings: a GitHub
// workflow command on a line of its own, an ESC sequence, a right-to-left
// override.
const payload = "\n::error file=main.tf,line=1::PWNED\r\n\x1b[31mRED\u202eEVIL <img src=x onerror=alert(1)> [click](https://evil.example) @octo-org/admins ](x) `code` |cell|"

// plantInValues appends the payload to every string in every resource's
// values (before, after, prior state), leaving addresses alone.
func plantInValues(v any) any {
	switch x := v.(type) {
	case string:
		return x + payload
	case []any:
		for i := range x {
			x[i] = plantInValues(x[i])
		}
	case map[string]any:
		for k, e := range x {
			x[k] = plantInValues(e)
		}
	}
	return v
}

// hostilePlans writes, for each fixture plan, a copy whose resource values
// all carry the payload, and one whose for_each keys carry it.
func hostilePlans(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	plans, _ := filepath.Glob("../../fixtures/*/plan.json")
	var out []string
	for _, p := range plans {
		doc := changeValues(t, p, func(ch map[string]any, k string) { ch[k] = plantInValues(ch[k]) })
		if ps, ok := doc["prior_state"].(map[string]any); ok {
			doc["prior_state"] = plantInValues(ps)
		}
		name := filepath.Join(dir, filepath.Base(filepath.Dir(p))+".json")
		nb, _ := json.Marshal(doc)
		if err := os.WriteFile(name, nb, 0o644); err != nil {
			t.Fatal(err)
		}
		out = append(out, name)
	}
	// Keys: a for_each key is part of every address of its instances.
	b, err := os.ReadFile("../../fixtures/count-for-each/plan.json")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, key := range []string{`[\"a\"]`, `[\"b\"]`} {
		k := strings.Trim(key, `[]\"`)
		evil, _ := json.Marshal(k + payload)
		inner := strings.Trim(string(evil), `"`)
		s = strings.ReplaceAll(s, key, `[\"`+inner+`\"]`)
		s = strings.ReplaceAll(s, `"index":"`+k+`"`, `"index":`+string(evil))
	}
	name := filepath.Join(dir, "for-each-keys.json")
	if err := os.WriteFile(name, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return append(out, name)
}

// TestNoInjection: whatever strings a plan holds, no output of any format
// has a line that GitHub Actions would run as a workflow command, an ESC
// byte (colour is off), a carriage return or a bidirectional override; and
// every run ends with a verdict or one error line, never a panic.
func TestNoInjection(t *testing.T) {
	for _, plan := range hostilePlans(t) {
		for _, format := range []string{"mermaid", "dot", "json"} {
			g := lbguard(t, nil, nil, "graph", "--format", format, plan)
			for _, line := range strings.Split(g.stdout+g.stderr, "\n") {
				if strings.HasPrefix(strings.TrimSpace(line), "::") {
					t.Errorf("graph %s %s: a workflow command got out: %q", format, filepath.Base(plan), line)
				}
			}
			if strings.ContainsAny(g.stdout+g.stderr, "\x1b\r\u202e") {
				t.Errorf("graph %s %s: a control character got out", format, filepath.Base(plan))
			}
		}
		for _, args := range [][]string{{"--format", "text", "--verbose"}, {"--format", "json"}, {"--format", "sarif"}, {"--format", "junit"},
			{"--format", "github"}, {"--format", "gitlab"}, {"--format", "compact"}, {"--format", "markdown"}} {
			r := lbguard(t, nil, nil, append(append([]string{"check", "--color", "never", "--fail-on", "never"}, args...), plan)...)
			if r.code == 2 && strings.Count(strings.TrimSuffix(r.stderr, "\n"), "\n") > 0 {
				t.Errorf("%s %v: more than one error line: %q", plan, args, r.stderr)
			}
			for _, out := range []string{r.stdout, r.stderr} {
				for _, line := range strings.Split(out, "\n") {
					trimmed := strings.TrimSpace(line)
					ours := args[1] == "github" && (strings.HasPrefix(line, "::error ") || strings.HasPrefix(line, "::warning ") || strings.HasPrefix(line, "::notice "))
					if strings.HasPrefix(trimmed, "::") && (!ours || strings.HasPrefix(line, "::error file=main.tf,line=1::PWNED")) {
						t.Errorf("%s %v: a workflow command got out: %q", filepath.Base(plan), args, line)
					}
				}
				if strings.ContainsAny(out, "\x1b\r\u202e") {
					t.Errorf("%s %v: a control character got out", filepath.Base(plan), args)
				}
			}
			switch args[1] {
			case "markdown":
				// Outside the diagrams' code blocks, every character Markdown
				// or HTML would act on is escaped (preceded by a backslash, or
				// an entity); inside them, Mermaid's own entities are used.
				prose := regexp.MustCompile("(?s)```mermaid\n.*?```").ReplaceAllString(r.stdout, "")
				for _, raw := range []string{"<img", "[click", "@octo-org", "`code`", "|cell|", "](x)"} {
					for i := strings.Index(prose, raw); i >= 0; i = indexFrom(prose, raw, i+1) {
						if i == 0 || prose[i-1] != '\\' {
							t.Errorf("%s markdown: %q got out unescaped", filepath.Base(plan), raw)
							break
						}
					}
				}
				if strings.Contains(r.stdout, "<img") {
					t.Errorf("%s markdown: raw HTML got out", filepath.Base(plan))
				}
			case "junit":
				if r.code != 2 {
					var x struct{}
					if err := xml.Unmarshal([]byte(r.stdout), &x); err != nil {
						t.Errorf("%s junit: not XML: %v", filepath.Base(plan), err)
					}
				}
			case "json", "sarif", "gitlab":
				if r.code != 2 && !json.Valid([]byte(r.stdout)) {
					t.Errorf("%s %s: not JSON", filepath.Base(plan), args[1])
				}
			}
			if r.code == 0 && args[1] == "text" && !strings.Contains(r.stdout, "PASSED") {
				t.Errorf("%s: no verdict:\n%s", plan, r.stdout)
			}
		}
	}
}

func indexFrom(s, sub string, from int) int {
	if from >= len(s) {
		return -1
	}
	i := strings.Index(s[from:], sub)
	if i < 0 {
		return -1
	}
	return from + i
}

// changeValues reads a plan and calls f on every non-null before and after
// of its resource changes, to rewrite them in place.
func changeValues(t *testing.T, plan string, f func(change map[string]any, key string)) map[string]any {
	t.Helper()
	b, err := os.ReadFile(plan)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	rcs, _ := doc["resource_changes"].([]any)
	for _, rc := range rcs {
		ch, _ := rc.(map[string]any)["change"].(map[string]any)
		for _, k := range []string{"before", "after"} {
			if ch[k] != nil {
				f(ch, k)
			}
		}
	}
	return doc
}
