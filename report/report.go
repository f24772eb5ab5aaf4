// Package report renders the result of a run. Nothing else in lbguard
// formats output; each format writes to an io.Writer.
package report

import (
	"fmt"
	"io"
	"sort"

	"github.com/lbguard/lbguard/checks"
)

// Never is the fail-on threshold that never fails.
const Never checks.Severity = 100

// Run is everything a report shows.
type Run struct {
	Result  *checks.Result
	FailOn  checks.Severity // findings at or above it fail the run; Never for never
	Strict  bool            // unresolved notes fail the run too
	Version string          // lbguard's version
}

// Failed reports whether the run fails the gate.
func (r *Run) Failed() bool {
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
type Format func(w io.Writer, r *Run, opts Options) error

// Options tune the text output.
type Options struct {
	Color   bool // ANSI colour
	Verbose bool // list unresolved notes and suppressed findings
}

// Formats are the output formats by name.
var Formats = map[string]Format{
	"text": Text,
	"json": JSON,
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
