// Package config reads lbguard's configuration file, .lbguard.hcl:
//
//	fail_on = "high"
//
//	rule "LBG208" {
//	  enabled = false
//	}
//
//	rule "LBG107" {
//	  severity = "medium"
//	}
//
//	ignore {
//	  rule    = "LBG206"
//	  address = "module.legacy.*"
//	  reason  = "the legacy stack is retired in Q1"
//	  expires = "2027-03-31"
//	}
//
//	settings {
//	  internal_client_cidrs = ["10.0.0.0/8"]
//	}
//
// Unknown blocks and arguments are errors, with their place.
package config

import (
	"fmt"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/gobwas/glob"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclparse"

	"github.com/lbguard/lbguard/checks"
	"github.com/lbguard/lbguard/internal/diag"
	"github.com/lbguard/lbguard/plan"
)

// DefaultFile is the file lbguard reads from the current directory.
const DefaultFile = ".lbguard.hcl"

// Config is a read configuration file.
type Config struct {
	Path     string
	FailOn   string // "" when the file does not set it
	Rules    map[string]Rule
	Ignores  []checks.Ignore
	Settings checks.Settings
}

// Rule is a rule block: whether the rule runs, and its severity.
type Rule struct {
	Enabled  *bool
	Severity checks.Severity // 0: the rule's own
}

type fileSchema struct {
	FailOn   *string        `hcl:"fail_on,optional"`
	Rules    []ruleBlock    `hcl:"rule,block"`
	Ignores  []ignoreBlock  `hcl:"ignore,block"`
	Settings *settingsBlock `hcl:"settings,block"`
}

type ruleBlock struct {
	ID       string    `hcl:"id,label"`
	Enabled  *bool     `hcl:"enabled,optional"`
	Severity *string   `hcl:"severity,optional"`
	DefRange hcl.Range `hcl:",def_range"`
}

type ignoreBlock struct {
	Rule     *string   `hcl:"rule,optional"`
	Address  *string   `hcl:"address,optional"`
	Reason   *string   `hcl:"reason,optional"`
	Expires  *string   `hcl:"expires,optional"`
	DefRange hcl.Range `hcl:",def_range"`
}

type settingsBlock struct {
	InternalClientCIDRs []string  `hcl:"internal_client_cidrs,optional"`
	DefRange            hcl.Range `hcl:",def_range"`
}

// Error lists the problems of a configuration file, one per line with
// file:line:column.
type Error struct {
	Diags hcl.Diagnostics
}

func (e *Error) Error() string { return strings.Join(e.Lines(), "\n") }

// Lines returns one line per problem.
func (e *Error) Lines() []string { return diag.Lines(e.Diags, "") }

// Load reads a configuration file. known reports whether a rule ID exists.
func Load(path string, known func(string) bool) (*Config, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f, diags := hclparse.NewParser().ParseHCL(src, path)
	if diags.HasErrors() {
		return nil, &Error{Diags: diags}
	}
	var raw fileSchema
	if diags := gohcl.DecodeBody(f.Body, nil, &raw); diags.HasErrors() {
		return nil, &Error{Diags: diags}
	}
	c := &Config{Path: path, Rules: map[string]Rule{}}
	bad := func(rng hcl.Range, summary, detail string) {
		r := rng
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: &r})
	}
	attrRange := func(name string, fallback hcl.Range) hcl.Range {
		if attrs, d := f.Body.JustAttributes(); !d.HasErrors() {
			if a, ok := attrs[name]; ok {
				return a.Range
			}
		}
		return fallback
	}
	if raw.FailOn != nil {
		switch v := *raw.FailOn; v {
		case "info", "low", "medium", "high", "never":
			c.FailOn = v
		default:
			bad(attrRange("fail_on", hcl.Range{Filename: path}), "Invalid fail_on", fmt.Sprintf("%q is not one of info, low, medium, high, never", v))
		}
	}
	ruleAt := map[string]hcl.Range{}
	for _, rb := range raw.Rules {
		id := strings.ToUpper(rb.ID)
		if first, dup := ruleAt[id]; dup {
			bad(rb.DefRange, "Duplicate rule block", fmt.Sprintf("rule %q is configured twice, at line %d and line %d: keep one", rb.ID, first.Start.Line, rb.DefRange.Start.Line))
			continue
		}
		ruleAt[id] = rb.DefRange
		if !known(id) {
			bad(rb.DefRange, "Unknown rule", fmt.Sprintf("%q is not an lbguard rule (lbguard rules lists them)", rb.ID))
			continue
		}
		r := Rule{Enabled: rb.Enabled}
		if rb.Severity != nil {
			sev, err := checks.ParseSeverity(*rb.Severity)
			if err != nil {
				bad(rb.DefRange, "Invalid severity", err.Error())
				continue
			}
			r.Severity = sev
		}
		c.Rules[id] = r
	}
	for _, ib := range raw.Ignores {
		loc := plan.Location{File: path, Line: ib.DefRange.Start.Line, Column: ib.DefRange.Start.Column}
		ig := checks.Ignore{Location: &loc, File: path}
		if ib.Rule != nil {
			ig.Rule = strings.ToUpper(*ib.Rule)
			if ig.Rule == "*" {
				ig.Rule = ""
			}
		}
		if ib.Address != nil && *ib.Address != "*" {
			ig.Address = *ib.Address
			g, err := glob.Compile(quoteAllButStar(ig.Address))
			if err != nil {
				bad(ib.DefRange, "Invalid address pattern", err.Error())
				continue
			}
			ig.Match = g.Match
		}
		if ig.Rule == "" && ig.Address == "" {
			if ib.Rule != nil || ib.Address != nil {
				bad(ib.DefRange, "Ignore of everything", `rule = "*" with address = "*" (or one of them alone) would ignore every finding of every rule: name a rule, an address pattern, or both (to pass whatever is found, use fail_on = "never")`)
			} else {
				bad(ib.DefRange, "Ignore without rule or address", "an ignore block needs a rule, an address pattern, or both")
			}
			continue
		}
		if ib.Reason != nil {
			ig.Reason = *ib.Reason
		}
		if ib.Expires != nil {
			t, err := time.Parse("2006-01-02", *ib.Expires)
			if err != nil {
				bad(ib.DefRange, "Invalid expires", fmt.Sprintf("%q is not a date like 2027-03-31", *ib.Expires))
				continue
			}
			// The ignore works through the whole day it expires.
			ig.Expires = t.Add(24*time.Hour - time.Nanosecond)
		}
		c.Ignores = append(c.Ignores, ig)
	}
	if raw.Settings != nil {
		for _, s := range raw.Settings.InternalClientCIDRs {
			p, err := netip.ParsePrefix(s)
			if err != nil {
				bad(raw.Settings.DefRange, "Invalid CIDR in internal_client_cidrs", err.Error())
				continue
			}
			c.Settings.InternalClientCIDRs = append(c.Settings.InternalClientCIDRs, p.Masked())
		}
	}
	if diags.HasErrors() {
		return nil, &Error{Diags: diags}
	}
	return c, nil
}

// quoteAllButStar escapes every glob metacharacter but *, which matches
// any run of characters, dots and brackets included.
func quoteAllButStar(pattern string) string {
	parts := strings.Split(pattern, "*")
	for i, p := range parts {
		parts[i] = glob.QuoteMeta(p)
	}
	return strings.Join(parts, "*")
}

// Apply returns the checks to run, with the configured severities.
func (c *Config) Apply(list []checks.Check) []checks.Check {
	var out []checks.Check
	for _, ch := range list {
		r, ok := c.Rules[ch.ID]
		if ok && r.Enabled != nil && !*r.Enabled {
			continue
		}
		if ok && r.Severity != 0 {
			ch.Severity = r.Severity
		}
		out = append(out, ch)
	}
	return out
}

// Meta returns a suppression rule's meta as configured; nil when disabled.
func (c *Config) Meta(m checks.Meta) *checks.Meta {
	r, ok := c.Rules[m.ID]
	if ok && r.Enabled != nil && !*r.Enabled {
		return nil
	}
	if ok && r.Severity != 0 {
		m.Severity = r.Severity
	}
	return &m
}
