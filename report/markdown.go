package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/lbguard/lbguard/checks"
	"github.com/lbguard/lbguard/internal/safetext"
	"github.com/lbguard/lbguard/plan"
)

// MaxMarkdown is the largest markdown report: GitHub refuses a comment of
// 65,536 characters or more. Pictures are dropped first, then the fixes'
// details, then findings; the report says what it dropped.
const MaxMarkdown = 65000

// Markdown writes the pull-request comment: a one-line verdict, a severity
// table, then the findings grouped by load balancer with the fix in
// collapsible details, and for each load balancer with a finding a Mermaid
// flowchart of what lbguard linked, the insecure or blocked edge in red.
func Markdown(w io.Writer, rep *Report, _ Options) error {
	_, err := io.WriteString(w, renderMarkdown(rep, MaxMarkdown))
	return err
}

// mdSection is one load balancer's part: its findings, their fixes and its
// picture, each droppable.
type mdSection struct {
	head     string
	findings []string
	fixes    []string
	picture  string
}

func renderMarkdown(rep *Report, limit int) string {
	var head strings.Builder
	by := map[checks.Severity]int{}
	active, suppressed, notes, unusable, failing := 0, 0, 0, 0, 0
	for _, r := range rep.Runs {
		if r.Err != "" {
			unusable++
			continue
		}
		b, a, s := r.counts()
		for k, v := range b {
			by[k] += v
		}
		active, suppressed, notes, failing = active+a, suppressed+s, notes+len(r.Result.Unresolved), failing+r.failing()
	}
	switch {
	case unusable > 0:
		fmt.Fprintf(&head, "### ❌ lbguard could not check %s\n\n", plural(unusable, "input", "inputs"))
	case rep.Failed():
		fmt.Fprintf(&head, "### ❌ lbguard: %s at or above the gate\n\n", plural(failing, "finding", "findings"))
	case active > 0:
		fmt.Fprintf(&head, "### ✅ lbguard passed: %s below the gate\n\n", plural(active, "finding", "findings"))
	default:
		head.WriteString("### ✅ lbguard passed: no findings\n\n")
	}
	head.WriteString("| severity | findings |\n|---|---|\n")
	for _, s := range []checks.Severity{checks.High, checks.Medium, checks.Low, checks.Info} {
		fmt.Fprintf(&head, "| %s | %d |\n", s, by[s])
	}
	var extra []string
	if suppressed > 0 {
		extra = append(extra, plural(suppressed, "suppressed finding", "suppressed findings"))
	}
	if notes > 0 {
		extra = append(extra, plural(notes, "unresolved note", "unresolved notes")+" (what lbguard could not decide; `--verbose` lists them)")
	}
	if len(extra) > 0 {
		head.WriteString("\n" + strings.Join(extra, ", ") + ".\n")
	}
	var sections []*mdSection
	var tail strings.Builder
	for _, r := range rep.Runs {
		if r.Err != "" {
			fmt.Fprintf(&tail, "\n**Could not check %s**: %s\n", md(r.Input), md(r.Err))
			continue
		}
		sections = append(sections, markdownRun(r, len(rep.Runs) > 1)...)
	}
	tail.WriteString(markdownNotAnalysed(rep))
	// Fit the limit: drop pictures, then fixes, then findings, from the last.
	size := func() int {
		n := head.Len() + tail.Len() + 200
		for _, s := range sections {
			n += len(s.head) + len(s.picture)
			for _, f := range s.findings {
				n += len(f)
			}
			for _, f := range s.fixes {
				n += len(f)
			}
		}
		return n
	}
	var dropped []string
	pictures, fixes, findings := 0, 0, 0
	for i := len(sections) - 1; i >= 0 && size() > limit; i-- {
		if sections[i].picture != "" {
			sections[i].picture = ""
			pictures++
		}
	}
	for i := len(sections) - 1; i >= 0 && size() > limit; i-- {
		for j := range sections[i].fixes {
			if sections[i].fixes[j] != "" {
				sections[i].fixes[j] = ""
				fixes++
			}
		}
	}
	for i := len(sections) - 1; i >= 0 && size() > limit; i-- {
		for len(sections[i].findings) > 0 && size() > limit {
			sections[i].findings = sections[i].findings[:len(sections[i].findings)-1]
			sections[i].fixes = sections[i].fixes[:len(sections[i].findings)]
			findings++
		}
		if len(sections[i].findings) == 0 {
			sections[i].head, sections[i].picture = "", ""
		}
	}
	if pictures > 0 {
		dropped = append(dropped, plural(pictures, "picture", "pictures"))
	}
	if fixes > 0 {
		dropped = append(dropped, plural(fixes, "fix", "fixes"))
	}
	if findings > 0 {
		dropped = append(dropped, plural(findings, "finding", "findings"))
	}
	var b strings.Builder
	b.WriteString(head.String())
	for _, s := range sections {
		b.WriteString(s.head)
		for i, f := range s.findings {
			b.WriteString(f)
			b.WriteString(s.fixes[i])
		}
		b.WriteString(s.picture)
	}
	b.WriteString(tail.String())
	if len(dropped) > 0 {
		fmt.Fprintf(&b, "\n_To stay within a comment's size, this report leaves out %s: the full report is in the job's log (`--format text`) or `--format json`._\n", strings.Join(dropped, ", "))
	}
	return b.String()
}

// markdownRun renders one input's findings by load balancer.
func markdownRun(r *Run, many bool) []*mdSection {
	groups, order := groupFindings(r.Result.Findings, false)
	var out []*mdSection
	for _, key := range order {
		s := &mdSection{}
		title := key
		if title == "" {
			title = "not tied to one load balancer"
		} else if desc, ok := r.Result.LoadBalancers[key]; ok {
			title += " (" + desc + ")"
		}
		if many {
			title = r.Input + ": " + title
		}
		s.head = "\n#### " + md(title) + "\n\n"
		for _, f := range groups[key] {
			loc := ""
			if path, line, _ := r.place(f.Location); path != "" && f.Location != nil {
				loc = fmt.Sprintf(" (%s:%d)", md(path), line)
			}
			s.findings = append(s.findings, fmt.Sprintf("- **%s** %s %s: %s%s. %s\n",
				strings.ToUpper(f.Severity.String()), f.Rule, f.Name, md(f.Address), loc, md(f.Message)))
			s.fixes = append(s.fixes, fmt.Sprintf("  <details><summary>Fix</summary>\n\n  %s (`lbguard explain %s`)\n\n  </details>\n", md(f.Remediation), f.Rule))
		}
		if key != "" && r.Graph != nil {
			if lb := findLB(r.Graph, strings.Split(key, ", ")[0]); lb != nil {
				s.picture = "\n```mermaid\n" + Mermaid(lb, groups[key]) + "```\n"
			}
		}
		out = append(out, s)
	}
	return out
}

func findLB(g *plan.Graph, addr string) *plan.LoadBalancer {
	for _, lb := range g.LoadBalancers {
		if lb.Address == addr {
			return lb
		}
	}
	return nil
}

// md escapes untrusted text for Markdown and HTML: control characters
// visibly, then every character Markdown or HTML give a meaning to, so a
// plan cannot add a link, an image, a mention, a table cell or a tag.
func md(s string) string {
	s = safetext.Escape(s)
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '`', '*', '_', '[', ']', '#', '|', '~', '@':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// diagram builds a Mermaid flowchart.
type diagram struct {
	b     strings.Builder
	ids   map[string]string
	edges int
	red   []int
	bad   map[string]bool
}

func (d *diagram) node(key, label, shape string) string {
	if id, ok := d.ids[key]; ok {
		return id
	}
	id := fmt.Sprintf("n%d", len(d.ids))
	d.ids[key] = id
	open, close := "[", "]"
	switch shape {
	case "round":
		open, close = "(", ")"
	case "circle":
		open, close = "((", "))"
	case "hex":
		open, close = "{{", "}}"
	}
	lines := strings.Split(label, "\n")
	for i, l := range lines {
		lines[i] = mermaidText(l)
	}
	fmt.Fprintf(&d.b, "  %s%s\"%s\"%s\n", id, open, strings.Join(lines, "<br/>"), close)
	return id
}

func (d *diagram) edge(from, to, label string, red bool) {
	if label != "" {
		fmt.Fprintf(&d.b, "  %s -- \"%s\" --> %s\n", from, mermaidText(label), to)
	} else {
		fmt.Fprintf(&d.b, "  %s --> %s\n", from, to)
	}
	if red {
		d.red = append(d.red, d.edges)
	}
	d.edges++
}

// mermaidText escapes a label: Mermaid reads #...; as an entity, and quotes
// and angle brackets would end the label or open HTML.
func mermaidText(s string) string {
	s = safetext.Escape(s)
	return strings.NewReplacer("#", "#35;", "\"", "#quot;", "<", "#lt;", ">", "#gt;", "`", "#96;", "&", "#38;", "[", "#91;", "]", "#93;", "{", "#123;", "}", "#125;", "|", "#124;").Replace(s)
}

// Mermaid draws what lbguard linked for one load balancer: the clients (or
// the VPC) through its security groups to it, its listeners (port,
// protocol), the target groups they forward to, and their targets with
// their groups. Edges and nodes at fault in findings are red and labelled.
func Mermaid(lb *plan.LoadBalancer, findings []checks.Finding) string {
	d := &diagram{ids: map[string]string{}, bad: map[string]bool{}}
	d.b.WriteString("flowchart LR\n")
	d.draw(lb, findings, "")
	d.finish()
	return d.b.String()
}

// draw adds a load balancer and what it links to the diagram; prefix keeps
// node keys apart when several load balancers share one diagram.
func (d *diagram) draw(lb *plan.LoadBalancer, findings []checks.Finding, prefix string) {
	at := map[string][]checks.Finding{}
	for _, f := range findings {
		at[f.Address] = append(at[f.Address], f)
		d.bad[f.Address] = true
	}
	clients := "the internet"
	if !lb.Internal.Known {
		clients = "clients (scheme known after apply)"
	} else if lb.Internal.V {
		clients = "the VPC"
	}
	src := d.node(prefix+"clients", clients, "circle")
	lbID := d.node(lb.Address, lb.Address+"\n"+lb.Kind(), "hex")
	entry := src
	if gs := lb.SecurityGroups.Nodes(); len(gs) > 0 {
		var names []string
		for _, g := range gs {
			names = append(names, g.Address)
		}
		sgID := d.node("sg:"+lb.Address, "security groups\n"+strings.Join(names, "\n"), "round")
		for _, g := range gs {
			if d.bad[g.Address] {
				d.bad["sg:"+lb.Address] = true
			}
		}
		d.edge(src, sgID, "", false)
		entry = sgID
	}
	d.edge(entry, lbID, "", false)
	tgs := map[*plan.TargetGroup]bool{}
	var tgOrder []*plan.TargetGroup
	for _, l := range lb.Listeners {
		lid := d.node(l.Address, l.Address+"\n"+l.Protocol.String()+" :"+l.Port.String(), "rect")
		label, red := "", false
		for _, f := range at[l.Address] {
			red = true
			switch f.Rule {
			case "LBG101":
				label = l.Protocol.String() + " :" + l.Port.String() + " not redirected"
			case "LBG201":
				label = "tcp " + l.Port.String() + " blocked by " + groupNames(lb)
			default:
				if label == "" {
					label = f.Rule + " " + f.Name
				}
			}
		}
		d.edge(lbID, lid, label, red)
		acts := append([]plan.Action(nil), l.DefaultActions.List...)
		for _, rule := range l.Rules {
			acts = append(acts, rule.Actions.List...)
		}
		for _, a := range acts {
			for _, tg := range a.TargetGroups.Nodes() {
				if !tgs[tg] {
					tgs[tg] = true
					tgOrder = append(tgOrder, tg)
				}
				tid := d.node(tg.Address, tg.Address+"\n"+tg.Protocol.String()+" :"+tg.Port.String(), "rect")
				elabel, ered := "", false
				for _, f := range at[tg.Address] {
					switch f.Rule {
					case "LBG202":
						elabel, ered = "tcp "+tg.Port.String()+" blocked by "+groupNames(lb), true
					case "LBG203":
						elabel, ered = "health check :"+tg.HealthCheckPort.String()+" blocked by "+groupNames(lb), true
					case "LBG108":
						elabel = "plain HTTP to the targets"
					}
				}
				d.edge(lid, tid, elabel, ered)
			}
		}
	}
	sort.Slice(tgOrder, func(i, j int) bool { return tgOrder[i].Address < tgOrder[j].Address })
	for _, tg := range tgOrder {
		tid := d.ids[tg.Address]
		for _, t := range tg.Targets {
			name := t.Subject
			if name == "" {
				name = t.Address
			}
			var groups []string
			for _, g := range t.SecurityGroups.Nodes() {
				groups = append(groups, g.Address)
			}
			label := name
			if len(groups) > 0 {
				label += "\nin " + strings.Join(groups, ", ")
			}
			xid := d.node("target:"+name, label, "round")
			if len(at[name]) > 0 {
				d.bad["target:"+name] = true
			}
			elabel, ered := "", false
			for _, f := range at[name] {
				switch f.Rule {
				case "LBG204":
					elabel, ered = "tcp "+t.TrafficPort().String()+" blocked by "+strings.Join(groups, ", "), true
				case "LBG205":
					elabel, ered = "health check :"+tg.HealthCheckPort.String()+" blocked by "+strings.Join(groups, ", "), true
				}
			}
			d.edge(tid, xid, elabel, ered)
		}
	}
}

// finish writes the styles of what is at fault.
func (d *diagram) finish() {
	d.b.WriteString("  classDef bad stroke:#c00,stroke-width:3px,color:#c00\n")
	var bad []string
	for key, id := range d.ids {
		if d.bad[key] {
			bad = append(bad, id)
		}
	}
	sort.Strings(bad)
	if len(bad) > 0 {
		fmt.Fprintf(&d.b, "  class %s bad\n", strings.Join(bad, ","))
	}
	for _, i := range d.red {
		fmt.Fprintf(&d.b, "  linkStyle %d stroke:#c00,stroke-width:3px,color:#c00\n", i)
	}
}

func groupNames(lb *plan.LoadBalancer) string {
	var names []string
	for _, g := range lb.SecurityGroups.Nodes() {
		names = append(names, g.Address)
	}
	if len(names) == 0 {
		return "its security groups"
	}
	return strings.Join(names, ", ")
}

// maxNotAnalysed caps the list of what was not analysed in a comment.
const maxNotAnalysed = 20

// markdownNotAnalysed lists what lbguard did not analyse, with the fix,
// folded away: a reviewer must see that a pass did not cover it (a module
// terraform init has not unpacked, an unknown count).
func markdownNotAnalysed(rep *Report) string {
	var items []string
	total := 0
	for _, r := range rep.Runs {
		if r.Err != "" {
			continue
		}
		for _, s := range r.Result.NotAnalysed {
			total++
			if len(items) == maxNotAnalysed {
				continue
			}
			item := "- " + md(s.Address)
			if len(rep.Runs) > 1 {
				item += " (" + md(r.Input) + ")"
			}
			item += ": " + md(s.Reason)
			if s.Fix != "" {
				item += ". Fix: " + md(s.Fix)
			}
			items = append(items, item+"\n")
		}
	}
	if total == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n<details><summary>%s</summary>\n\n", plural(total, "resource or module not analysed", "resources or modules not analysed"))
	for _, it := range items {
		b.WriteString(it)
	}
	if total > len(items) {
		fmt.Fprintf(&b, "- and %d more (`--format text` lists them all)\n", total-len(items))
	}
	b.WriteString("\n</details>\n")
	return b.String()
}
