package main

const ruleTmpl = `package checks

var {{.Var}} = Check{
	Meta: Meta{
		ID:          "{{.ID}}",
		Name:        "{{.Name}}",
		Severity:    {{if eq .Severity "info"}}Info{{else if eq .Severity "low"}}Low{{else if eq .Severity "medium"}}Medium{{else}}High{{end}},
		ReportsOn:   "{{if eq .Area "listeners"}}aws_lb_listener{{else}}aws_security_group{{end}}",
		Summary:     {{printf "%q" .Summary}},
		Remediation: "Say the fix in one sentence.",
	},
	Run: {{.Run}},
}

// {{.Run}} applies {{.ID}}. Decide from the graph only; where the plan does
// not know a value the decision needs, record p.Unresolved (an LBG000 note)
// instead of a finding or a silent pass.
func {{.Run}}(p *Pass) error {
{{- if eq .Area "listeners"}}
	for _, l := range p.Graph.Listeners {
		if !managed(&l.Resource) {
			continue
		}
		_ = l // decide here: p.Report(Finding{Address: l.Address, ...}) or p.Unresolved(l.Address, reason, lbOf(l)...)
	}
{{- else}}
	for _, lb := range p.Graph.LoadBalancers {
		gs, ok := lbGroups(lb)
		if !ok {
			continue // no groups lbguard reasons about (see lbGroups)
		}
		_ = gs // decide here: p.Report(Finding{Address: ..., LoadBalancers: []string{lb.Address}}) or p.Unresolved(...)
	}
{{- end}}
	return nil
}
`

const testTmpl = `package checks

import (
	"testing"

	"github.com/lbguard/lbguard/plan"
)

// Graph-level cases for {{.ID}}: one that fires, one near miss, and one
// where a value known only after apply makes it a note. The helpers
// (newGraph, newLB, withGroups, group, sgRule, runCheck, outcome) are in
// helpers_test.go.
func Test{{.ID}}(t *testing.T) {
	tests := []struct {
		name  string
		build func(b *graphBuilder)
		want  string // outcome(): "F:address" for a finding, "N:address" for a note, "" for nothing
	}{
		{"fires", func(b *graphBuilder) {
			b.listener(b.lb(newLB("aws_lb.a", plan.Application, false)), "aws_lb_listener.l", 80, "HTTP", fixed())
		}, "F:aws_lb_listener.l"},
		{"near miss", func(b *graphBuilder) {
			b.listener(b.lb(newLB("aws_lb.a", plan.Application, false)), "aws_lb_listener.l", 443, "HTTPS", fixed())
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newGraph()
			tt.build(b)
			if got := outcome(runCheck(t, {{.Var}}, b.g)); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
`

const docTmpl = `# {{.ID}} {{.Name}}

{{.Summary}}

## Example

` + "```hcl" + `
# A configuration where {{.ID}} fires.
` + "```" + `

## Why

What goes wrong in AWS, and the AWS guidance that says so.

## How to fix

` + "```hcl" + `
# The same configuration, fixed.
` + "```" + `

## References

- The AWS documentation page this rule follows.
`

const firesTF = `# {{.ID}} {{.Name}} fires on this configuration.
# Make its plan with: make-plan fixtures/{{.Fixture}}

resource "aws_lb" "web" {
  name               = "web"
  load_balancer_type = "application"
  subnets            = ["subnet-0aaa", "subnet-0bbb"]
  security_groups    = ["sg-0123"]
}
`

const nearMissTF = `# {{.ID}} {{.Name}} must stay quiet on this configuration.
# Make its plan with: make-plan fixtures/{{.Fixture}}-near-miss

resource "aws_lb" "web" {
  name               = "web"
  load_balancer_type = "application"
  subnets            = ["subnet-0aaa", "subnet-0bbb"]
  security_groups    = ["sg-0123"]
}
`
