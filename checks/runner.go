package checks

import (
	"fmt"
	"sort"

	"github.com/lbguard/lbguard/plan"
)

// Result is what a run of the checks found.
type Result struct {
	Findings    []Finding
	Unresolved  []Note
	NotAnalysed []plan.Skipped
	// Partial marks the result of a partial plan.
	Partial bool
	// Ran lists the IDs of the rules that ran.
	Ran []string
	// LoadBalancers describes each load balancer of the graph by address
	// ("application, internet-facing"), for report headings.
	LoadBalancers map[string]string
}

// Run applies the checks to the graph. An error means a check could not
// run (a bug, not a finding); the other checks' results are then not
// returned either, since a partial report would read as a pass.
func Run(g *plan.Graph, list []Check, settings Settings) (*Result, error) {
	res := &Result{NotAnalysed: append([]plan.Skipped(nil), g.NotAnalysed...), Partial: g.Partial, LoadBalancers: map[string]string{}}
	for _, s := range g.NotAnalysed {
		if s.Unread {
			// What was not read could change any verdict: no rule may
			// pass it in silence.
			res.Unresolved = append(res.Unresolved, Note{Rule: "LBG000", Address: s.Address, Reason: g.Secrets.Redact("not analysed: " + s.Reason)})
		}
	}
	for _, lb := range g.LoadBalancers {
		res.LoadBalancers[lb.Address] = g.Secrets.Redact(lb.Kind())
	}
	for _, c := range list {
		p := &Pass{Graph: g, Settings: settings, meta: c.Meta}
		if err := runOne(c, p); err != nil {
			return nil, err
		}
		res.Findings = append(res.Findings, p.findings...)
		res.Ran = append(res.Ran, c.ID)
		res.Unresolved = append(res.Unresolved, p.notes...)
	}
	res.Sort()
	return res, nil
}

// runOne runs a check, turning a panic into an error: a bug in one rule
// must end the run with a clear message, not a stack trace.
func runOne(c Check, p *Pass) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("rule %s (%s) failed: %v", c.ID, c.Name, r)
		}
	}()
	if err := c.Run(p); err != nil {
		return fmt.Errorf("rule %s (%s) failed: %w", c.ID, c.Name, err)
	}
	return nil
}

// Sort orders findings by severity (high first), rule and address, and
// notes by rule and address, removing duplicates.
func (r *Result) Sort() {
	sort.SliceStable(r.Findings, func(i, j int) bool {
		a, b := r.Findings[i], r.Findings[j]
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		if a.Address != b.Address {
			return a.Address < b.Address
		}
		return a.Fingerprint < b.Fingerprint
	})
	sort.SliceStable(r.Unresolved, func(i, j int) bool {
		a, b := r.Unresolved[i], r.Unresolved[j]
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		if a.Address != b.Address {
			return a.Address < b.Address
		}
		return a.Reason < b.Reason
	})
	var notes []Note
	for i, n := range r.Unresolved {
		if i > 0 && n.Rule == notes[len(notes)-1].Rule && n.Address == notes[len(notes)-1].Address && n.Reason == notes[len(notes)-1].Reason {
			continue
		}
		notes = append(notes, n)
	}
	r.Unresolved = notes
	sort.SliceStable(r.NotAnalysed, func(i, j int) bool { return r.NotAnalysed[i].Address < r.NotAnalysed[j].Address })
}

// uniqueSorted returns the strings sorted, without duplicates, empties and
// drop. It never returns nil, so JSON shows [] rather than null.
func uniqueSorted(list []string, drop string) []string {
	out := make([]string, 0, len(list))
	seen := map[string]bool{}
	for _, s := range list {
		if s == "" || s == drop || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}
