// Package report renders the result of a run. Nothing else in lbguard
// formats output; each format writes to an io.Writer.
package report

import (
	"fmt"
	"io"
	"sort"

	"github.com/lbguard/lbguard/checks"
	"github.com/lbguard/lbguard/plan"
)

// Never is the fail-on threshold that never fails.
const Never checks.Severity = 100

// Report is everything a report shows: one Run per input checked, in the
// order of the command line.
type Report struct {
	Runs    []*Run
	Version string // lbguard's version
	// Settings are the settings in effect and where each came from (flag,
	// environment), for --verbose.
	Settings []string
	// ExitCode is the run's exit status, for formats that record it.
	ExitCode int
}

// Failed reports whether any input fails its gate, or could not be used.
func (rep *Report) Failed() bool {
	for _, r := range rep.Runs {
		if r.Err != "" || r.Failed() {
			return true
		}
	}
	return false
}

// Run is the check of one input: a plan, or a directory of sources.
type Run struct {
	// Input is the argument as given, relative to the current directory
	// ("-" for standard input); "" when lbguard was given one input the
	// old way (tests).
	Input string
	// SourceDir is the directory the sources were read from, relative to
	// the current directory; locations are relative to it. "" when none.
	SourceDir string
	// ConfigFile is the configuration file used, "" when none.
	ConfigFile string
	// Err says why the input could not be used (its exit status is 2);
	// Result is then nil.
	Err string

	Result *checks.Result
	// Graph is what lbguard linked, for the pictures of the markdown
	// report; nil when not kept.
	Graph *plan.Graph
	// PlanPath is the plan file relative to the repository root ("" for a
	// directory or standard input): where a finding without a place in
	// the sources is shown.
	PlanPath string
	FailOn   checks.Severity // findings at or above it fail the run; Never for never
	Strict   bool            // unresolved notes fail the run too
	// Version is lbguard's version (set on the report for several runs).
	Version string
}

// Failed reports whether the run fails the gate.
func (r *Run) Failed() bool {
	if r.Result == nil {
		return r.Err != ""
	}
	if r.Strict && len(r.Result.Unresolved) > 0 {
		return true
	}
	return r.failing() > 0
}

// failing counts the active findings at or above the threshold.
func (r *Run) failing() int {
	n := 0
	for _, f := range r.Result.Findings {
		if f.Suppressed == nil && f.Severity >= r.FailOn {
			n++
		}
	}
	return n
}

// counts tallies active findings by severity, and suppressed ones.
func (r *Run) counts() (bySeverity map[checks.Severity]int, active, suppressed int) {
	bySeverity = map[checks.Severity]int{}
	for _, f := range r.Result.Findings {
		if f.Suppressed != nil {
			suppressed++
			continue
		}
		active++
		bySeverity[f.Severity]++
	}
	return bySeverity, active, suppressed
}

// Format is an output format.
type Format func(w io.Writer, rep *Report, opts Options) error

// Options tune the text output.
type Options struct {
	Color   bool // ANSI colour
	Verbose bool // list unresolved notes and suppressed findings
	// Width wraps the text report's lines to this many columns with a
	// hanging indent (a terminal's width); 0 does not wrap.
	Width int
}

// Formats are the output formats by name.
var Formats = map[string]Format{
	"text":     Text,
	"json":     JSON,
	"sarif":    SARIF,
	"junit":    JUnit,
	"github":   GitHub,
	"gitlab":   GitLab,
	"compact":  Compact,
	"markdown": Markdown,
}

// FormatNames lists the formats, for help texts.
func FormatNames() []string {
	names := make([]string, 0, len(Formats))
	for n := range Formats {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ThresholdName renders a fail-on threshold.
func ThresholdName(s checks.Severity) string {
	if s == Never {
		return "never"
	}
	return s.String()
}

// ParseThreshold parses a --fail-on value: a severity or "never".
func ParseThreshold(s string) (checks.Severity, error) {
	if s == "never" {
		return Never, nil
	}
	sev, err := checks.ParseSeverity(s)
	if err != nil {
		return 0, fmt.Errorf("unknown threshold %q (want info, low, medium, high or never)", s)
	}
	return sev, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
