package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lbguard/lbguard/checks"
	"github.com/lbguard/lbguard/plan"
	"github.com/lbguard/lbguard/plan/link"
	"github.com/lbguard/lbguard/plan/tfplan"
	"github.com/lbguard/lbguard/plan/tfsrc"
)

// TestRulesStandAlone runs every fixture and corpus plan (and every
// fixture's sources) with all rules, then once without each rule: the other
// rules' findings and notes must not change. A rule that relied on another
// to record its notes would lose them when that one is disabled.
func TestRulesStandAlone(t *testing.T) {
	graphs := fixtureGraphs(t)
	for name, g := range graphs {
		all, err := checks.Run(g, checks.All, checks.Settings{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, off := range checks.All {
			var rest []checks.Check
			for _, c := range checks.All {
				if c.ID != off.ID {
					rest = append(rest, c)
				}
			}
			without, err := checks.Run(g, rest, checks.Settings{})
			if err != nil {
				t.Fatalf("%s without %s: %v", name, off.ID, err)
			}
			want, got := resultLines(all, off.ID), resultLines(without, "")
			if !slices.Equal(want, got) {
				t.Errorf("%s: disabling %s changes other rules' results:\nwith it: %q\nwithout: %q", name, off.ID, want, got)
			}
		}
	}
}

// TestSiblingRulesRecordTheirOwnNotes pins what used to be shared: rules
// that read the same uncertain fact each record a note about it, so that
// disabling one never hides the other's uncertainty (LBG104 used to record
// LBG107's policy notes, LBG202 and LBG204 those of LBG203 and LBG205 about
// unknown forwards).
func TestSiblingRulesRecordTheirOwnNotes(t *testing.T) {
	siblings := []struct {
		a, b   string
		reason string // the notes both must record: those starting so ("" for all)
		// subset: a's notes need only be among b's. An LB whose egress is
		// open to all decides LBG202 whatever it forwards to, but the
		// targets' ingress (LBG204) still depends on where it forwards.
		subset bool
	}{
		{"LBG104", "LBG107", "", false},
		{"LBG202", "LBG203", "where its listeners forward is not known", false},
		{"LBG204", "LBG205", "where its listeners forward is not known", false},
		{"LBG202", "LBG204", "where its listeners forward is not known", true},
	}
	checked := map[string]int{}
	for name, g := range fixtureGraphs(t) {
		res, err := checks.Run(g, checks.All, checks.Settings{})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range siblings {
			notes := func(rule string) []string {
				var out []string
				for _, n := range res.Unresolved {
					if n.Rule == rule && strings.HasPrefix(n.Reason, s.reason) {
						out = append(out, n.Address+": "+n.Reason)
					}
				}
				return out
			}
			a, b := notes(s.a), notes(s.b)
			agree := slices.Equal(a, b)
			if s.subset {
				agree = true
				for _, x := range a {
					agree = agree && slices.Contains(b, x)
				}
			}
			if !agree {
				t.Errorf("%s: %s and %s disagree on what they could not decide:\n%s: %q\n%s: %q", name, s.a, s.b, s.a, a, s.b, b)
			}
			checked[s.a+"/"+s.b] += len(a)
		}
	}
	for _, s := range siblings {
		if checked[s.a+"/"+s.b] == 0 {
			t.Errorf("no fixture has notes of %s and %s: the test proves nothing for them", s.a, s.b)
		}
	}
}

// resultLines renders findings and notes, leaving out those of rule drop.
func resultLines(r *checks.Result, drop string) []string {
	var out []string
	for _, f := range r.Findings {
		if f.Rule != drop {
			out = append(out, fmt.Sprintf("finding %s %s %s", f.Rule, f.Address, f.Fingerprint))
		}
	}
	for _, n := range r.Unresolved {
		if n.Rule != drop {
			out = append(out, fmt.Sprintf("note %s %s %s", n.Rule, n.Address, n.Reason))
		}
	}
	return out
}

// fixtureGraphs loads the graph of every fixture plan, corpus plan and
// fixture source directory.
func fixtureGraphs(t *testing.T) map[string]*plan.Graph {
	t.Helper()
	out := map[string]*plan.Graph{}
	plans, _ := filepath.Glob("../../fixtures/*/plan.json")
	corpus, _ := filepath.Glob("../../fixtures/corpus/*.json")
	for _, p := range append(plans, corpus...) {
		in, err := tfplan.Decode(p, nil)
		if err != nil {
			t.Fatal(err)
		}
		g, err := link.Build(in, link.Options{Kind: "plan", Path: p})
		if err != nil {
			t.Fatal(err)
		}
		out[p] = g
	}
	dirs, _ := filepath.Glob("../../fixtures/*/README.md")
	for _, readme := range dirs {
		dir := filepath.Dir(readme)
		if !tfsrc.HasSources(dir) {
			continue
		}
		src, err := tfsrc.Load(dir, tfsrc.Options{Getenv: os.Getenv})
		if err != nil {
			continue // cases whose sources are meant to fail are tested elsewhere
		}
		g, err := src.Graph()
		if err != nil {
			t.Fatal(err)
		}
		out[dir] = g
	}
	if len(out) < 40 {
		t.Fatalf("only %d graphs loaded", len(out))
	}
	return out
}
