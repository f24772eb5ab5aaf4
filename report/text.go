package report

import (
	"bufio"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/lbguard/lbguard/checks"
	"github.com/lbguard/lbguard/internal/safetext"
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

// Text writes the report for people: for each input (with a header when
// there are several), findings grouped by load balancer, each with its
// message, the resources involved and the fix (a rule's own fix once per
// load balancer), then a summary line.
func Text(out io.Writer, rep *Report, opts Options) error {
	w := bufio.NewWriter(out)
	p := painter(opts.Color)
	many := len(rep.Runs) > 1
	if opts.Verbose && len(rep.Settings) > 0 {
		fmt.Fprintln(w, p.paint(ansiBold, "Settings"))
		for _, s := range rep.Settings {
			fmt.Fprintln(w, "  "+safetext.Escape(s))
		}
		fmt.Fprintln(w)
	}
	for i, r := range rep.Runs {
		if many {
			if i > 0 {
				fmt.Fprintln(w)
			}
			fmt.Fprintln(w, p.paint(ansiBold, "== "+describeInput(r)))
		}
		if r.Err != "" {
			fmt.Fprintln(w, p.paint(ansiBold+ansiRed, "ERROR")+": "+safetext.Escape(r.Err))
			continue
		}
		writeRun(w, p, r.escaped(), opts)
	}
	if many {
		failed := 0
		for _, r := range rep.Runs {
			if r.Failed() {
				failed++
			}
		}
		fmt.Fprintln(w)
		if failed > 0 {
			fmt.Fprintf(w, "%s: %d of %d inputs.\n", p.paint(ansiBold+ansiRed, "FAILED"), failed, len(rep.Runs))
		} else {
			fmt.Fprintf(w, "%s: all %d inputs.\n", p.paint(ansiGreen, "PASSED"), len(rep.Runs))
		}
	}
	return w.Flush()
}

// describeInput names an input in headers: "infra/prod (sources)",
// "plan.json (plan, sources in infra/prod)".
func describeInput(r *Run) string {
	name := safetext.Escape(r.Input)
	switch {
	case r.Result == nil:
		return name
	case r.SourceDir != "" && r.SourceDir == r.Input:
		return name + " (sources)"
	case r.SourceDir != "":
		return name + " (plan, sources in " + safetext.Escape(r.SourceDir) + ")"
	}
	return name + " (plan)"
}

func writeRun(w io.Writer, p painter, r *Run, opts Options) {
	tw := &wrapper{w: w, width: opts.Width}
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
		fs := groups[key]
		for j, f := range fs {
			writeFinding(tw, p, r, f)
			// A rule's own fix is said once per load balancer, after its
			// last finding there; a fix written for the finding, with it.
			last := true
			for _, g := range fs[j+1:] {
				if g.Rule == f.Rule && isDefaultFix(g) {
					last = false
				}
			}
			if isDefaultFix(f) && last {
				tw.line("         ", p.paint(ansiGreen, "fix:")+" ", f.Remediation+" (lbguard explain "+f.Rule+")")
			}
		}
	}
	if len(r.Result.Unresolved) > 0 && opts.Verbose {
		if len(order) > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintln(w, p.paint(ansiBold, "Unresolved (LBG000): what lbguard could not decide"))
		for _, n := range r.Result.Unresolved {
			tw.line("  ", n.Rule+"  ", n.Address+": "+n.Reason)
		}
	}
	if len(r.Result.NotAnalysed) > 0 {
		if len(order) > 0 || (opts.Verbose && len(r.Result.Unresolved) > 0) {
			fmt.Fprintln(w)
		}
		fmt.Fprintln(w, p.paint(ansiBold, "Not analysed"))
		for _, s := range r.Result.NotAnalysed {
			tw.line("  ", "", s.Address+": "+s.Reason)
			if s.Fix != "" {
				tw.line("    ", p.paint(ansiGreen, "fix:")+" ", s.Fix)
			}
		}
	}
	if len(order) > 0 || len(r.Result.NotAnalysed) > 0 || (opts.Verbose && len(r.Result.Unresolved) > 0) {
		fmt.Fprintln(w)
	}
	if opts.Verbose && r.ConfigFile != "" {
		fmt.Fprintln(w, "configuration: "+safetext.Escape(r.ConfigFile))
	}
	writeSummary(w, p, r, opts)
}

// isDefaultFix reports whether a finding's fix is its rule's own text,
// said once per load balancer.
func isDefaultFix(f checks.Finding) bool {
	m, ok := checks.Lookup(f.Rule)
	return ok && m.Remediation == f.Remediation
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

func writeFinding(tw *wrapper, p painter, r *Run, f checks.Finding) {
	sev := fmt.Sprintf("%-6s", strings.ToUpper(f.Severity.String()))
	head := fmt.Sprintf("%s %s %s  ", p.paint(severityStyle(f.Severity), sev), f.Rule, f.Name)
	text := f.Address
	if f.Suppressed != nil {
		text += p.paint(ansiDim, fmt.Sprintf("  (suppressed by %s: %s)", f.Suppressed.By, f.Suppressed.Reason))
	}
	tw.line("  ", head, text)
	if f.Location != nil {
		tw.line("         ", "at ", formatLocation(r, f.Location))
	}
	tw.line("         ", "", f.Message)
	var related []string
	for _, a := range f.Related {
		if a != f.Address {
			related = append(related, a)
		}
	}
	if len(related) > 0 {
		tw.line("         ", p.paint(ansiDim, "involves:")+" ", strings.Join(related, ", "))
	}
	if !isDefaultFix(f) {
		tw.line("         ", p.paint(ansiGreen, "fix:")+" ", f.Remediation+" (lbguard explain "+f.Rule+")")
	}
}

// formatLocation renders a location as a path a person can click: relative
// to the current directory (the sources' directory joined to the file).
func formatLocation(r *Run, l *plan.Location) string {
	return fmt.Sprintf("%s:%d:%d", DisplayPath(r.SourceDir, l.File), l.Line, l.Column)
}

// DisplayPath joins a file relative to the sources' directory to it, as
// printed: relative to the current directory when dir is.
func DisplayPath(dir, file string) string {
	if dir == "" || filepath.IsAbs(file) {
		return filepath.ToSlash(file)
	}
	return filepath.ToSlash(filepath.Join(dir, filepath.FromSlash(file)))
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
