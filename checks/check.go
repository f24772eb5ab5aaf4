package checks

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/netip"
	"strings"

	"github.com/lbguard/lbguard/plan"
)

// Severity orders findings. The zero value is not a severity.
type Severity int

// The severities, lowest first.
const (
	Info Severity = iota + 1
	Low
	Medium
	High
)

var severityNames = map[Severity]string{Info: "info", Low: "low", Medium: "medium", High: "high"}

func (s Severity) String() string {
	if n, ok := severityNames[s]; ok {
		return n
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// ParseSeverity parses info, low, medium or high (any case).
func ParseSeverity(s string) (Severity, error) {
	for sev, name := range severityNames {
		if strings.EqualFold(s, name) {
			return sev, nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (want info, low, medium or high)", s)
}

// MarshalText writes the severity's name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a severity's name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Meta describes a rule. The long form (examples, rationale, references)
// is the rule's doc file, docs/<ID>.md.
type Meta struct {
	ID       string // LBG101
	Name     string // http-listener-not-redirected
	Severity Severity
	// ReportsOn names the resource types a finding's address is (CHECKS.md,
	// "Which resource a finding is about").
	ReportsOn string
	// Summary is one line: when the rule fires.
	Summary string
	// Remediation is the default fix, shown with every finding.
	Remediation string
}

// Check is a rule: its description and the function that applies it.
type Check struct {
	Meta
	Run func(*Pass) error
}

// Finding is one problem a rule found.
type Finding struct {
	Rule        string         `json:"rule"`
	Name        string         `json:"name"`
	Severity    Severity       `json:"severity"`
	Address     string         `json:"address"`
	Message     string         `json:"message"`
	Remediation string         `json:"remediation"`
	Related     []string       `json:"related"`
	Location    *plan.Location `json:"location,omitempty"`
	Fingerprint string         `json:"fingerprint"`
	Suppressed  *Suppression   `json:"suppressed,omitempty"`

	// Facts are what the rule found at fault (ports, protocol, policy),
	// part of the fingerprint, so that a finding keeps its identity when
	// code moves but not when the problem changes.
	Facts []string `json:"-"`
	// LoadBalancers are the load balancers the finding concerns, for
	// grouping in the text report.
	LoadBalancers []string `json:"-"`
}

// Suppression says why a finding does not count.
type Suppression struct {
	By     string `json:"by"` // comment, config or baseline
	Reason string `json:"reason"`
}

// Note is an unresolved note (rule LBG000): a place where a rule could not
// decide because the plan does not know a value it needs.
type Note struct {
	Rule    string `json:"rule"`
	Address string `json:"address"`
	Reason  string `json:"reason"`
	// LoadBalancers are the load balancers concerned, for grouping.
	LoadBalancers []string `json:"-"`
}

// Settings are the rule settings of the configuration file.
type Settings struct {
	// InternalClientCIDRs are where the clients of internal load
	// balancers are: behind an internal NLB that preserves client IPs,
	// a target rule covering all of them admits the clients.
	InternalClientCIDRs []netip.Prefix
}

// Pass is what a check sees while it runs.
type Pass struct {
	Graph    *plan.Graph
	Settings Settings
	meta     Meta
	findings []Finding
	notes    []Note
	// unread caches unreadOf, by the types asked for.
	unread map[string][]string
}

// Report records a finding. Rule, name and severity come from the check;
// an empty remediation takes the check's default.
func (p *Pass) Report(f Finding) {
	f.Rule, f.Name, f.Severity = p.meta.ID, p.meta.Name, p.meta.Severity
	// Rules decide with sensitive values; what they print, and what the
	// fingerprint hashes, never holds one. The rule's own remediation text
	// holds no plan value.
	secrets := p.Graph.Secrets
	if f.Remediation == "" {
		f.Remediation = p.meta.Remediation
	} else {
		f.Remediation = secrets.Redact(f.Remediation)
	}
	f.Address, f.Message = secrets.Redact(f.Address), secrets.Redact(f.Message)
	facts := make([]string, len(f.Facts))
	for i, x := range f.Facts {
		facts[i] = secrets.Redact(x)
	}
	f.Facts = facts
	f.Related = uniqueSorted(f.Related, f.Address)
	f.LoadBalancers = uniqueSorted(f.LoadBalancers, "")
	f.Fingerprint = Fingerprint(f.Rule, f.Address, f.Facts)
	p.findings = append(p.findings, f)
}

// Unresolved records that the rule could not decide about a resource.
func (p *Pass) Unresolved(address, reason string, loadBalancers ...string) {
	p.notes = append(p.notes, Note{
		Rule:          p.meta.ID,
		Address:       p.Graph.Secrets.Redact(address),
		Reason:        p.Graph.Secrets.Redact(reason),
		LoadBalancers: uniqueSorted(loadBalancers, ""),
	})
}

// Fingerprint identifies a finding across runs: the rule, the resource and
// the facts at fault, not its line in the sources.
func Fingerprint(rule, address string, facts []string) string {
	h := sha256.New()
	h.Write([]byte(rule))
	h.Write([]byte{0})
	h.Write([]byte(address))
	for _, f := range uniqueSorted(facts, "") {
		h.Write([]byte{0})
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}
