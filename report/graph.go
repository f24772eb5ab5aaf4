package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/lbguard/lbguard/internal/safetext"
	"github.com/lbguard/lbguard/plan"
)

// GraphFormats are the formats of lbguard graph.
var GraphFormats = map[string]func(io.Writer, *plan.Graph) error{
	"mermaid": GraphMermaid,
	"dot":     GraphDOT,
	"json":    GraphJSON,
}

// GraphMermaid draws every load balancer of the graph and what lbguard
// linked to it, as one Mermaid flowchart.
func GraphMermaid(w io.Writer, g *plan.Graph) error {
	d := &diagram{ids: map[string]string{}, bad: map[string]bool{}}
	d.b.WriteString("flowchart LR\n")
	for _, lb := range g.LoadBalancers {
		d.draw(lb, nil, lb.Address+"/")
	}
	for _, l := range g.Listeners {
		if l.LoadBalancer.Node == nil {
			id := d.node(l.Address, l.Address+"\n"+l.Protocol.String()+" :"+l.Port.String()+"\nload balancer not linked: "+linkReason(l.LoadBalancer.Reason, l.LoadBalancer.ID), "rect")
			d.bad[l.Address] = true
			_ = id
		}
	}
	d.finish()
	_, err := io.WriteString(w, g.Secrets.Redact(d.b.String()))
	return err
}

func linkReason(reason, id string) string {
	if id != "" {
		return id + " (not in the plan)"
	}
	return reason
}

// graphJSON is what lbguard graph --format json writes.
type graphJSON struct {
	LoadBalancers  []graphLB   `json:"load_balancers"`
	TargetGroups   []graphTG   `json:"target_groups"`
	SecurityGroups []graphSG   `json:"security_groups"`
	Unlinked       []graphLink `json:"unlinked"`
	NotAnalysed    []graphSkip `json:"not_analysed"`
}

type graphLB struct {
	Address        string          `json:"address"`
	Type           string          `json:"type"`
	Scheme         string          `json:"scheme"`
	SecurityGroups []string        `json:"security_groups"`
	Listeners      []graphListener `json:"listeners"`
}

type graphListener struct {
	Address   string   `json:"address"`
	Port      string   `json:"port"`
	Protocol  string   `json:"protocol"`
	Rules     []string `json:"rules"`
	ForwardTo []string `json:"forwards_to"`
}

type graphTG struct {
	Address  string        `json:"address"`
	Port     string        `json:"port"`
	Protocol string        `json:"protocol"`
	Health   string        `json:"health_check_port"`
	Targets  []graphTarget `json:"targets"`
}

type graphTarget struct {
	Address        string   `json:"address"`
	Subject        string   `json:"subject,omitempty"`
	Port           string   `json:"port"`
	SecurityGroups []string `json:"security_groups"`
}

type graphSG struct {
	Address string   `json:"address"`
	ID      string   `json:"id"`
	Rules   []string `json:"rules"`
	Unknown string   `json:"rules_unknown,omitempty"`
}

type graphLink struct {
	From   string `json:"from"`
	What   string `json:"what"`
	Reason string `json:"reason"`
}

type graphSkip struct {
	Address string `json:"address"`
	Reason  string `json:"reason"`
}

func linkNames[T any](s plan.LinkSet[T], name func(*T) string) []string {
	out := []string{}
	for _, l := range s.Links {
		switch {
		case l.Node != nil:
			out = append(out, name(l.Node))
		case l.ID != "":
			out = append(out, l.ID+" (not in the plan)")
		default:
			out = append(out, "unresolved: "+l.Reason)
		}
	}
	if s.Reason != "" {
		out = append(out, "unresolved: "+s.Reason)
	}
	return out
}

func buildGraphJSON(g *plan.Graph) graphJSON {
	out := graphJSON{LoadBalancers: []graphLB{}, TargetGroups: []graphTG{}, SecurityGroups: []graphSG{}, Unlinked: []graphLink{}, NotAnalysed: []graphSkip{}}
	sgName := func(s *plan.SecurityGroup) string { return s.Address }
	for _, lb := range g.LoadBalancers {
		x := graphLB{Address: lb.Address, Type: lb.Type.String(), Scheme: lb.Scheme(), SecurityGroups: linkNames(lb.SecurityGroups, sgName), Listeners: []graphListener{}}
		for _, l := range lb.Listeners {
			gl := graphListener{Address: l.Address, Port: l.Port.String(), Protocol: l.Protocol.String(), Rules: []string{}, ForwardTo: []string{}}
			acts := append([]plan.Action(nil), l.DefaultActions.List...)
			for _, r := range l.Rules {
				gl.Rules = append(gl.Rules, r.Address)
				acts = append(acts, r.Actions.List...)
			}
			for _, a := range acts {
				gl.ForwardTo = append(gl.ForwardTo, linkNames(a.TargetGroups, func(t *plan.TargetGroup) string { return t.Address })...)
			}
			gl.ForwardTo = uniq(gl.ForwardTo)
			x.Listeners = append(x.Listeners, gl)
		}
		out.LoadBalancers = append(out.LoadBalancers, x)
	}
	for _, l := range g.Listeners {
		if l.LoadBalancer.Node == nil {
			out.Unlinked = append(out.Unlinked, graphLink{From: l.Address, What: "load balancer", Reason: linkReason(l.LoadBalancer.Reason, l.LoadBalancer.ID)})
		}
	}
	for _, tg := range g.TargetGroups {
		x := graphTG{Address: tg.Address, Port: tg.Port.String(), Protocol: tg.Protocol.String(), Health: tg.HealthCheckPort.String(), Targets: []graphTarget{}}
		for _, t := range tg.Targets {
			x.Targets = append(x.Targets, graphTarget{Address: t.Address, Subject: t.Subject, Port: t.TrafficPort().String(), SecurityGroups: linkNames(t.SecurityGroups, sgName)})
		}
		if tg.TargetsReason != "" {
			out.Unlinked = append(out.Unlinked, graphLink{From: tg.Address, What: "targets", Reason: tg.TargetsReason})
		}
		out.TargetGroups = append(out.TargetGroups, x)
	}
	for _, sg := range g.SecurityGroups {
		x := graphSG{Address: sg.Address, ID: sg.ID.String(), Rules: []string{}, Unknown: sg.RulesReason}
		for _, r := range sg.Rules {
			x.Rules = append(x.Rules, string(r.Direction)+" "+describeSGRule(r))
		}
		sort.Strings(x.Rules)
		out.SecurityGroups = append(out.SecurityGroups, x)
	}
	for _, s := range g.NotAnalysed {
		out.NotAnalysed = append(out.NotAnalysed, graphSkip{Address: s.Address, Reason: s.Reason})
	}
	return out
}

// describeSGRule renders a rule for the graph: "tcp 80-80 from 0.0.0.0/0".
func describeSGRule(r *plan.SGRule) string {
	var peers []string
	for _, c := range r.CIDRs {
		peers = append(peers, c.String())
	}
	for _, l := range r.Groups {
		switch {
		case l.Node != nil:
			peers = append(peers, l.Node.Address)
		case l.ID != "":
			peers = append(peers, l.ID)
		default:
			peers = append(peers, "(unresolved group)")
		}
	}
	if r.Self {
		peers = append(peers, "self")
	}
	return fmt.Sprintf("%s %s-%s %s", r.Protocol.String(), r.FromPort.String(), r.ToPort.String(), strings.Join(peers, ", "))
}

func uniq(list []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// GraphJSON writes the linked graph as JSON.
func GraphJSON(w io.Writer, g *plan.Graph) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(buildGraphJSON(g)); err != nil {
		return err
	}
	_, err := w.Write(safetext.JSON([]byte(g.Secrets.Redact(buf.String()))))
	return err
}

// GraphDOT writes the linked graph for Graphviz.
func GraphDOT(w io.Writer, g *plan.Graph) error {
	gj := buildGraphJSON(g)
	var b strings.Builder
	q := func(s string) string {
		return "\"" + strings.NewReplacer("\\", "\\\\", "\"", "\\\"").Replace(safetext.Escape(s)) + "\""
	}
	b.WriteString("digraph lbguard {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n")
	for _, lb := range gj.LoadBalancers {
		fmt.Fprintf(&b, "  %s [shape=hexagon, label=%s];\n", q(lb.Address), q(lb.Address+"\n"+lb.Type+", "+lb.Scheme))
		for _, sg := range lb.SecurityGroups {
			fmt.Fprintf(&b, "  %s -> %s [label=\"security group\", style=dashed];\n", q(sg), q(lb.Address))
		}
		for _, l := range lb.Listeners {
			fmt.Fprintf(&b, "  %s [label=%s];\n  %s -> %s;\n", q(l.Address), q(l.Address+"\n"+l.Protocol+" :"+l.Port), q(lb.Address), q(l.Address))
			for _, tg := range l.ForwardTo {
				fmt.Fprintf(&b, "  %s -> %s;\n", q(l.Address), q(tg))
			}
		}
	}
	for _, tg := range gj.TargetGroups {
		fmt.Fprintf(&b, "  %s [label=%s];\n", q(tg.Address), q(tg.Address+"\n"+tg.Protocol+" :"+tg.Port))
		for _, t := range tg.Targets {
			name := t.Subject
			if name == "" {
				name = t.Address
			}
			fmt.Fprintf(&b, "  %s [shape=ellipse];\n  %s -> %s [label=%s];\n", q(name), q(tg.Address), q(name), q(":"+t.Port))
		}
	}
	for _, u := range gj.Unlinked {
		fmt.Fprintf(&b, "  %s [color=red, xlabel=%s];\n", q(u.From), q(u.What+" not linked: "+u.Reason))
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, g.Secrets.Redact(b.String()))
	return err
}
