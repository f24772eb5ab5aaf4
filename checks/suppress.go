package checks

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/lbguard/lbguard/plan"
)

// The rules about suppressions themselves. Suppress raises them; they are
// not graph checks.
var (
	UnusableSuppression = Meta{
		ID:          "LBG001",
		Name:        "unusable-suppression",
		Severity:    Medium,
		ReportsOn:   "the suppression's resource, or the configuration file",
		Summary:     "A suppression (an lbguard:ignore comment or a config ignore) has no reason, names a rule that does not exist, or is attached to nothing.",
		Remediation: "Give every suppression a reason (after the rule IDs in a comment: # lbguard:ignore LBG206 the bastion needs SSH; reason = \"...\" in an ignore block), use rule IDs that lbguard rules lists, and put comments on the line above a resource or module block, or inside it.",
	}
	ExpiredIgnore = Meta{
		ID:          "LBG002",
		Name:        "expired-ignore",
		Severity:    Low,
		ReportsOn:   "the configuration file",
		Summary:     "A config ignore's expires date has passed: it no longer suppresses anything.",
		Remediation: "Fix what the ignore was hiding and delete it, or, if it must stay accepted, renew expires with a new reason.",
	}
)

// Catalogue lists every rule, checks and suppression rules, in ID order.
func Catalogue(list []Check) []Meta {
	out := []Meta{UnusableSuppression, ExpiredIgnore}
	for _, c := range list {
		out = append(out, c.Meta)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Lookup finds the catalogue entry of a rule ID (LBG000 to LBG2xx) among
// every registered check and the suppression rules.
func Lookup(id string) (Meta, bool) {
	for _, m := range Catalogue(All) {
		if m.ID == id {
			return m, true
		}
	}
	return Meta{}, false
}

// Ignore is an ignore block of the configuration file.
type Ignore struct {
	Rule     string            // a rule ID, or "" for any rule
	Address  string            // the address pattern as written ("" for any)
	Match    func(string) bool // matches addresses against the pattern
	Reason   string
	Expires  time.Time // zero: never
	Location *plan.Location
	File     string // the configuration file, as given
}

// Suppressions are what can make a finding not count.
type Suppressions struct {
	Comments []plan.Suppression
	Ignores  []Ignore
	// Baseline holds the fingerprints of a previous report's findings.
	Baseline     map[string]bool
	BaselineFile string
	Today        time.Time
	// Known reports whether a rule ID exists; Meta gives a suppression
	// rule's meta as configured (nil: not enabled).
	Known func(id string) bool
	Meta  func(id string) *Meta
}

// Suppress marks the findings that a comment, a config ignore or the
// baseline suppresses, and adds LBG001/LBG002 findings for suppressions
// that cannot work. A suppressed finding stays in the result.
func (r *Result) Suppress(s Suppressions) {
	var problems []Finding
	report := func(m *Meta, f Finding) {
		if m == nil {
			return
		}
		f.Rule, f.Name, f.Severity, f.Remediation = m.ID, m.Name, m.Severity, m.Remediation
		f.Related = uniqueSorted(f.Related, f.Address)
		f.LoadBalancers = []string{}
		f.Fingerprint = Fingerprint(f.Rule, f.Address, f.Facts)
		problems = append(problems, f)
	}
	lbg001, lbg002 := s.Meta(UnusableSuppression.ID), s.Meta(ExpiredIgnore.ID)

	// Comments: usable ones suppress the rules they name on their block.
	type usable struct {
		c     plan.Suppression
		rules map[string]bool
	}
	var comments []usable
	for _, c := range s.Comments {
		where := c.Block
		if where == "" {
			where = c.Location.File
		}
		loc := c.Location
		switch {
		case c.Block == "":
			report(lbg001, Finding{Address: where, Location: &loc, Facts: []string{"dangling"},
				Message: "the lbguard:ignore comment at " + formatLoc(loc) + " is not on the line directly above a resource or module block, nor inside one: it suppresses nothing"})
			continue
		case strings.TrimSpace(c.Reason) == "":
			report(lbg001, Finding{Address: where, Location: &loc, Facts: []string{"no-reason", strings.Join(c.Rules, ",")},
				Message: "the lbguard:ignore comment on " + where + " gives no reason, so it suppresses nothing: write why the finding is accepted after the rule IDs"})
			continue
		}
		u := usable{c: c, rules: map[string]bool{}}
		for _, id := range c.Rules {
			if s.Known(id) {
				u.rules[id] = true
				continue
			}
			report(lbg001, Finding{Address: where, Location: &loc, Facts: []string{"unknown-rule", id},
				Message: "the lbguard:ignore comment on " + where + " names " + id + ", which is not an lbguard rule (lbguard rules lists them)"})
		}
		comments = append(comments, u)
	}

	// Config ignores: usable ones suppress matching findings until they expire.
	var ignores []Ignore
	for _, ig := range s.Ignores {
		what := describeIgnore(ig)
		switch {
		case strings.TrimSpace(ig.Reason) == "":
			report(lbg001, Finding{Address: ig.File, Location: ig.Location, Facts: []string{"no-reason", what},
				Message: "the ignore " + what + " in " + ig.File + " gives no reason, so it suppresses nothing"})
		case ig.Rule != "" && !s.Known(ig.Rule):
			report(lbg001, Finding{Address: ig.File, Location: ig.Location, Facts: []string{"unknown-rule", what},
				Message: "the ignore " + what + " in " + ig.File + " names " + ig.Rule + ", which is not an lbguard rule"})
		case !ig.Expires.IsZero() && s.Today.After(ig.Expires):
			report(lbg002, Finding{Address: ig.File, Location: ig.Location, Facts: []string{"expired", what},
				Message: "the ignore " + what + " in " + ig.File + " expired on " + ig.Expires.Format("2006-01-02") + ": it no longer suppresses anything"})
		default:
			ignores = append(ignores, ig)
		}
	}

	r.Findings = append(r.Findings, problems...)
	for i := range r.Findings {
		f := &r.Findings[i]
		if f.Suppressed != nil {
			continue
		}
		for _, u := range comments {
			if u.rules[f.Rule] && u.c.Covers(f.Address) {
				f.Suppressed = &Suppression{By: "comment", Reason: u.c.Reason}
				break
			}
		}
		if f.Suppressed != nil {
			continue
		}
		for _, ig := range ignores {
			if (ig.Rule == "" || ig.Rule == f.Rule) && (ig.Match == nil || ig.Match(f.Address)) {
				f.Suppressed = &Suppression{By: "config", Reason: ig.Reason}
				break
			}
		}
		if f.Suppressed == nil && s.Baseline[f.Fingerprint] {
			f.Suppressed = &Suppression{By: "baseline", Reason: "in the baseline " + s.BaselineFile}
		}
	}
	r.Sort()
}

func describeIgnore(ig Ignore) string {
	var parts []string
	if ig.Rule != "" {
		parts = append(parts, "rule "+ig.Rule)
	}
	if ig.Address != "" {
		parts = append(parts, "address "+ig.Address)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func formatLoc(l plan.Location) string {
	return l.File + ":" + strconv.Itoa(l.Line)
}
