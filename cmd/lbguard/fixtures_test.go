package main

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files (then review every change)")

// TestFixtures runs lbguard on every fixtures/<case>/plan.json (or, for a
// case without a plan, on its sources) and compares the JSON report with
// fixtures/<case>/want.json.
func TestFixtures(t *testing.T) {
	dirs, err := filepath.Glob("../../fixtures/*/README.md")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no fixtures found: %v", err)
	}
	for _, readme := range dirs {
		dir := filepath.Dir(readme)
		if filepath.Base(dir) == "corpus" || filepath.Base(dir) == "bad" {
			continue
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			input := filepath.Join(dir, "plan.json")
			if _, err := os.Stat(input); err != nil {
				input = dir // a case with sources only
			}
			golden(t, input, filepath.Join(dir, "want.json"))
		})
	}
}

// TestCorpus runs lbguard on every public plan of fixtures/corpus: each must
// load, and its report is compared with fixtures/corpus/want/<file>.
func TestCorpus(t *testing.T) {
	plans, err := filepath.Glob("../../fixtures/corpus/*.json")
	if err != nil || len(plans) == 0 {
		t.Fatalf("no corpus plans found: %v", err)
	}
	for _, planPath := range plans {
		name := filepath.Base(planPath)
		t.Run(strings.TrimSuffix(name, ".json"), func(t *testing.T) {
			golden(t, planPath, filepath.Join(filepath.Dir(planPath), "want", name))
		})
	}
}

// golden checks lbguard's JSON report of a plan against a golden file.
func golden(t *testing.T, planPath, wantPath string) {
	t.Helper()
	r := lbguard(t, nil, nil, "check", "--format", "json", "--fail-on", "never", planPath)
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	if *update {
		if err := os.WriteFile(wantPath, []byte(r.stdout), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(wantPath)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/lbguard -update, then review the file)", err)
	}
	var got, exp any
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("report is not JSON: %v", err)
	}
	if err := json.Unmarshal(want, &exp); err != nil {
		t.Fatalf("%s is not JSON: %v", wantPath, err)
	}
	if diff := cmp.Diff(exp, got); diff != "" {
		t.Errorf("report differs from %s (-want +got):\n%s", wantPath, diff)
	}
}

// TestDeterministic checks that the same plan gives byte-identical output,
// in both formats.
func TestDeterministic(t *testing.T) {
	for _, plan := range []string{"../../fixtures/count-for-each/plan.json", "../../fixtures/tls-policies/plan.json"} {
		for _, format := range []string{"json", "text"} {
			first := lbguard(t, nil, nil, "check", "--verbose", "--format", format, plan)
			for i := 0; i < 5; i++ {
				again := lbguard(t, nil, nil, "check", "--verbose", "--format", format, plan)
				if again.stdout != first.stdout {
					t.Fatalf("%s %s: run %d differs from the first", plan, format, i+2)
				}
			}
		}
	}
}
