package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/lbguard/lbguard/internal/plangen/gen"
)

// TestCopiesAreIndependent: a plan of N independent copies of a fixture or
// corpus plan (module instances, with IDs of their own as AWS would give
// them) gives exactly N times the findings and notes of one copy, and
// nothing about one copy names a resource of another: unknown links reach
// only what their reference can.
func TestCopiesAreIndependent(t *testing.T) {
	copyRef := regexp.MustCompile(`module\.copy\[(\d+)\]`)
	plans, _ := filepath.Glob("../../fixtures/*/plan.json")
	corpus, _ := filepath.Glob("../../fixtures/corpus/*.json")
	plans = append(plans, corpus...)
	for _, p := range plans {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		counts := map[int][2]int{}
		for _, n := range []int{1, 3} {
			b, err := gen.Wrap(src, n)
			if err != nil {
				t.Fatal(err)
			}
			rep := checkPlanJSON(t, b)
			counts[n] = [2]int{len(rep.Findings), len(rep.Unresolved)}
			check := func(address, text string) {
				own := copyRef.FindStringSubmatch(address)
				for _, m := range copyRef.FindAllStringSubmatch(text, -1) {
					if own == nil || m[1] != own[1] {
						t.Errorf("%s x%d: %s speaks of %s: %s", filepath.Base(filepath.Dir(p)), n, address, m[0], text)
					}
				}
			}
			for _, f := range rep.Findings {
				check(f.Address, f.Message)
			}
			for _, u := range rep.Unresolved {
				check(u.Address, u.Reason)
			}
		}
		if counts[3][0] != 3*counts[1][0] || counts[3][1] != 3*counts[1][1] {
			t.Errorf("%s: one copy gives %v (findings, notes), three give %v", filepath.Base(filepath.Dir(p)), counts[1], counts[3])
		}
	}
	_ = fmt.Sprint
}

// TestGeneratedPlansScaleLinearly: the benchmarks' generated plans link
// completely (no notes: the cheap path of giving up is not what they
// measure), and four times the stacks give four times the findings, one
// per stack with one, each about its own stack: the report grows as the
// plan does.
func TestGeneratedPlansScaleLinearly(t *testing.T) {
	stackRef := regexp.MustCompile(`module\.svc\["svc-(\d+)"\]`)
	var findings [2]int
	for i, n := range []int{10, 40} {
		b, err := gen.Stacks(n, 4, 1)
		if err != nil {
			t.Fatal(err)
		}
		rep := checkPlanJSON(t, b)
		if len(rep.Unresolved) != 0 || len(rep.NotAnalysed) != 0 {
			t.Errorf("%d stacks: %d notes, %d not analysed", n, len(rep.Unresolved), len(rep.NotAnalysed))
		}
		for _, f := range rep.Findings {
			own := stackRef.FindStringSubmatch(f.Address)
			if f.Rule != "LBG101" || own == nil || own[1][len(own[1])-1] != '3' {
				t.Errorf("%d stacks: unexpected finding %+v", n, f)
			}
		}
		findings[i] = len(rep.Findings)
	}
	if findings != [2]int{1, 4} {
		t.Errorf("10 and 40 stacks give %v findings, want [1 4]", findings)
	}
}

// scaleReport is what the scale tests read of a JSON report.
type scaleReport struct {
	Findings    []struct{ Rule, Address, Message string }
	Unresolved  []struct{ Address, Reason string }
	NotAnalysed []any `json:"not_analysed"`
}

// checkPlanJSON runs lbguard check --format json on a plan.
func checkPlanJSON(t *testing.T, plan []byte) scaleReport {
	t.Helper()
	path := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(path, plan, 0o644); err != nil {
		t.Fatal(err)
	}
	r := lbguard(t, nil, nil, "check", "--format", "json", "--fail-on", "never", path)
	var rep scaleReport
	if err := json.Unmarshal([]byte(r.stdout), &rep); r.code != 0 || err != nil {
		t.Fatalf("exit %d, %v: %s", r.code, err, r.stderr)
	}
	return rep
}
