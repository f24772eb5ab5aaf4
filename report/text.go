package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/lbguard/lbguard/checks"
	"github.com/lbguard/lbguard/plan"
)

// ANSI styles, used only when Options.Color is set.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
	ansiGreen  = "\x1b[32m"
)

type painter bool

func (p painter) paint(style, s string) string {
	if !p {
		return s
	}
	return style + s + ansiReset
}

func severityStyle(s checks.Severity) string {
	switch s {
	case checks.High:
		return ansiBold + ansiRed
	case checks.Medium:
		return ansiYellow
	case checks.Low:
		return ansiCyan
	}
	return ansiDim
}

// Text writes the report for people: findings grouped by load balancer,
// each with its message, the resources involved and the fix, then a
// summary line.
func Text(out io.Writer, r *Run, opts Options) error {
	r = r.escaped()
	w := bufio.NewWriter(out)
	p := painter(opts.Color)
	groups, order := groupFindings(r.Result.Findings, opts.Verbose)
	for i, key := range order {
		if i > 0 {
			fmt.Fprintln(w)
		}
		title := key
		if desc, ok := r.Result.LoadBalancers[key]; ok {
			title += " (" + desc + ")"
		}
		if title == "" {
			title = "not tied to one load balancer"
		}
		fmt.Fprintln(w, p.paint(ansiBold, title))
		for _, f := range groups[key] {
			writeFinding(w, p, f)
		}
	}
	if len(r.Result.Unresolved) > 0 && opts.Verbose {
		if len(order) > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintln(w, p.paint(ansiBold, "Unresolved (LBG000): what lbguard could not decide"))
		for _, n := range r.Result.Unresolved {
			fmt.Fprintf(w, "  %s  %s: %s\n", n.Rule, n.Address, n.Reason)
		}
	}
	if len(r.Result.NotAnalysed) > 0 {
		if len(order) > 0 || (opts.Verbose && len(r.Result.Unresolved) > 0) {
			fmt.Fprintln(w)
		}
		fmt.Fprintln(w, p.paint(ansiBold, "Not analysed"))
		for _, s := range r.Result.NotAnalysed {
			fmt.Fprintf(w, "  %s: %s\n", s.Address, s.Reason)
			if s.Fix != "" {
				fmt.Fprintf(w, "    %s %s\n", p.paint(ansiGreen, "fix:"), s.Fix)
			}
		}
	}
	if len(order) > 0 || len(r.Result.NotAnalysed) > 0 || (opts.Verbose && len(r.Result.Unresolved) > 0) {
		fmt.Fprintln(w)
	}
	writeSummary(w, p, r, opts)
	return w.Flush()
}

// groupFindings groups findings by the load balancers they concern, in
// the order of each group's first (most severe) finding.
func groupFindings(fs []checks.Finding, verbose bool) (map[string][]checks.Finding, []string) {
	groups := map[string][]checks.Finding{}
	var order []string
	for _, f := range fs {
		if f.Suppressed != nil && !verbose {
			continue
		}
		key := strings.Join(f.LoadBalancers, ", ")
		if _, ok := groups[key]; !ok {
			order = append(order, key)
		}
		groups[key] = append(groups[key], f)
	}
	return groups, order
}

func writeFinding(w io.Writer, p painter, f checks.Finding) {
	sev := fmt.Sprintf("%-6s", strings.ToUpper(f.Severity.String()))
	head := fmt.Sprintf("  %s %s %s  %s", p.paint(severityStyle(f.Severity), sev), f.Rule, f.Name, f.Address)
	if f.Suppressed != nil {
		head += p.paint(ansiDim, fmt.Sprintf("  (suppressed by %s: %s)", f.Suppressed.By, f.Suppressed.Reason))
	}
	fmt.Fprintln(w, head)
	if f.Location != nil {
		fmt.Fprintf(w, "         at %s\n", formatLocation(f.Location))
	}
	fmt.Fprintf(w, "         %s\n", f.Message)
	var related []string
	for _, a := range f.Related {
		if a != f.Address {
			related = append(related, a)
		}
	}
	if len(related) > 0 {
		fmt.Fprintf(w, "         %s %s\n", p.paint(ansiDim, "involves:"), strings.Join(related, ", "))
	}
	fmt.Fprintf(w, "         %s %s\n", p.paint(ansiGreen, "fix:"), f.Remediation)
}

func formatLocation(l *plan.Location) string {
	return fmt.Sprintf("%s:%d:%d", l.File, l.Line, l.Column)
}

func writeSummary(w io.Writer, p painter, r *Run, opts Options) {
	by, active, suppressed := r.counts()
	var parts []string
	var sev []string
	for _, s := range []checks.Severity{checks.High, checks.Medium, checks.Low, checks.Info} {
		if by[s] > 0 {
			sev = append(sev, fmt.Sprintf("%d %s", by[s], s))
		}
	}
	head := plural(active, "finding", "findings")
	if len(sev) > 0 {
		head += " (" + strings.Join(sev, ", ") + ")"
	}
	parts = append(parts, head)
	if suppressed > 0 {
		parts = append(parts, fmt.Sprintf("%d suppressed", suppressed))
	}
	if n := len(r.Result.Unresolved); n > 0 {
		s := plural(n, "unresolved note", "unresolved notes")
		if !opts.Verbose {
			s += " (--verbose lists them)"
		}
		parts = append(parts, s)
	}
	if n := len(r.Result.NotAnalysed); n > 0 {
		parts = append(parts, fmt.Sprintf("%d not analysed", n))
	}
	if r.Result.Partial {
		parts = append(parts, "a partial plan (Terraform deferred some changes)")
	}
	fmt.Fprintln(w, strings.Join(parts, ", ")+".")
	switch {
	case r.FailOn == Never && !r.Strict:
		fmt.Fprintln(w, p.paint(ansiGreen, "PASSED")+": --fail-on never.")
	case r.Failed():
		var why []string
		if n := r.failing(); n > 0 {
			why = append(why, plural(n, "finding", "findings")+" at or above "+ThresholdName(r.FailOn))
		}
		if r.Strict && len(r.Result.Unresolved) > 0 {
			why = append(why, "unresolved notes under --strict")
		}
		fmt.Fprintln(w, p.paint(ansiBold+ansiRed, "FAILED")+": "+strings.Join(why, " and ")+".")
	default:
		fmt.Fprintln(w, p.paint(ansiGreen, "PASSED")+": nothing at or above "+ThresholdName(r.FailOn)+".")
	}
}
