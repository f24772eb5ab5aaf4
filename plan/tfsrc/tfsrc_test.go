package tfsrc

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/lbguard/lbguard/plan"
)

// write creates a module directory from file contents.
func write(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func graphOf(t *testing.T, dir string, opts Options) *plan.Graph {
	t.Helper()
	s, err := Load(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	g, err := s.Graph()
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func evalString(t *testing.T, src string) cty.Value {
	t.Helper()
	e, diags := hclsyntax.ParseExpression([]byte(src), "", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	v, diags := e.Value(&hcl.EvalContext{Functions: functions()})
	if diags.HasErrors() {
		t.Fatalf("%s: %v", src, diags)
	}
	return v
}

func TestFunctions(t *testing.T) {
	tests := map[string]string{
		`cidrsubnet("10.0.0.0/16", 8, 2)`:              `"10.0.2.0/24"`,
		`cidrhost("10.0.1.0/24", 5)`:                   `"10.0.1.5"`,
		`cidrnetmask("10.0.0.0/12")`:                   `"255.240.0.0"`,
		`cidrsubnets("10.1.0.0/16", 4, 4, 8, 4)`:       `["10.1.0.0/20","10.1.16.0/20","10.1.32.0/24","10.1.48.0/20"]`,
		`replace("a-b-c", "-", "_")`:                   `"a_b_c"`,
		`replace("port8080", "/[a-z]+/", "")`:          `"8080"`,
		`one([443])`:                                   `443`,
		`sum([1, 2, 3])`:                               `6`,
		`alltrue([true, true])`:                        `true`,
		`anytrue([false, true])`:                       `true`,
		`startswith("ELBSecurityPolicy-TLS13", "ELB")`: `true`,
		`lookup({a = 1}, "b", 2)`:                      `2`,
		`lookup({a = 1}, "a", null)`:                   `1`,
		`lookup({a = 1}, "b", null)`:                   `null`,
		`lookup({a = "x"}, "b", null) == null`:         `true`,
		`coalesce(lookup({}, "p", null), 443)`:         `443`,
		`tostring(80)`:                                 `"80"`,
		`try(tonumber("x"), 443)`:                      `443`,
		`merge({a = 1}, {b = 2})`:                      `{"a":1,"b":2}`,
		`[for p in [80, 443] : p + 1]`:                 `[81,444]`,
	}
	for src, want := range tests {
		v := evalString(t, src)
		got, _, _ := planValue(v)
		if g := jsonOf(t, got); g != want {
			t.Errorf("%s = %s, want %s", src, g, want)
		}
	}
	if v := evalString(t, `timestamp()`); v.IsKnown() {
		t.Error("timestamp() is known only at apply")
	}
}

func TestRawValue(t *testing.T) {
	for raw, want := range map[string]string{
		`80`:                 `80`,
		`web`:                `"web"`,
		`["a", "b"]`:         `["a","b"]`,
		`{ port = 8080 }`:    `{"port":8080}`,
		`ELBSecurityPolicy`:  `"ELBSecurityPolicy"`,
		`10.0.0.0/16`:        `"10.0.0.0/16"`,
		`arn:aws:acm:x:cert`: `"arn:aws:acm:x:cert"`,
	} {
		got, _, _ := planValue(rawValue(raw))
		if g := jsonOf(t, got); g != want {
			t.Errorf("rawValue(%q) = %s, want %s", raw, g, want)
		}
	}
}

const listenerModule = `
variable "port" {
  type    = number
  default = 80
}

variable "policy" {
  type      = string
  default   = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  sensitive = true
}

resource "aws_lb" "web" {
  name = "web"
}

resource "aws_lb_listener" "l" {
  load_balancer_arn = aws_lb.web.arn
  port              = var.port
  protocol          = "HTTPS"
  ssl_policy        = var.policy
  certificate_arn   = "arn:cert"
  default_action {
    type = "fixed-response"
  }
}
`

// Variables: defaults < TF_VAR_ < terraform.tfvars < *.auto.tfvars
// (lexical) < --var-file < --var.
func TestVariablePrecedence(t *testing.T) {
	dir := write(t, map[string]string{
		"main.tf":          listenerModule,
		"terraform.tfvars": "port = 81\n",
		"a.auto.tfvars":    "port = 82\n",
		"b.auto.tfvars":    "port = 83\n",
		"extra.tfvars":     "port = 84\n",
	})
	port := func(opts Options) plan.Value[int] {
		return graphOf(t, dir, opts).Listeners[0].Port
	}
	env := func(k string) string {
		if k == "TF_VAR_port" {
			return "79"
		}
		return ""
	}
	if p := port(Options{}); !p.Is(83) {
		t.Errorf("auto.tfvars in lexical order: %v", p)
	}
	if p := port(Options{VarFiles: []string{filepath.Join(dir, "extra.tfvars")}}); !p.Is(84) {
		t.Errorf("--var-file: %v", p)
	}
	if p := port(Options{VarFiles: []string{filepath.Join(dir, "extra.tfvars")}, Vars: []string{"port=85"}}); !p.Is(85) {
		t.Errorf("--var: %v", p)
	}
	bare := write(t, map[string]string{"main.tf": listenerModule})
	if p := graphOf(t, bare, Options{Getenv: env}).Listeners[0].Port; !p.Is(79) {
		t.Errorf("TF_VAR_: %v", p)
	}
	if p := graphOf(t, bare, Options{}).Listeners[0].Port; !p.Is(80) {
		t.Errorf("default: %v", p)
	}
	l := graphOf(t, bare, Options{}).Listeners[0]
	if !l.SSLPolicy.Sensitive || l.SSLPolicy.String() != "(sensitive)" {
		t.Errorf("a sensitive variable stays sensitive: %+v", l.SSLPolicy)
	}
	if l.LoadBalancer.Node == nil || l.LoadBalancer.Node.Address != "aws_lb.web" {
		t.Errorf("link: %+v", l.LoadBalancer)
	}
	if l.Location == nil || l.Location.File != "main.tf" || l.AttrLocation("port").Line != 19 {
		t.Errorf("locations: %+v, port at %+v", l.Location, l.AttrLocation("port"))
	}
}

// Dynamic blocks are expanded over known values; over unknown ones the
// block list is unknown, never empty.
func TestDynamicBlocks(t *testing.T) {
	dir := write(t, map[string]string{"main.tf": `
variable "ports" {
  default = [80, 443]
}

resource "aws_vpc" "v" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_security_group" "known" {
  dynamic "ingress" {
    for_each = var.ports
    iterator = p
    content {
      protocol    = "tcp"
      from_port   = p.value
      to_port     = p.value
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}

resource "aws_security_group" "unknown" {
  dynamic "ingress" {
    for_each = aws_vpc.v.id == "" ? [] : [1]
    content {
      protocol    = "tcp"
      from_port   = 22
      to_port     = 22
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}
`})
	g := graphOf(t, dir, Options{})
	byAddr := map[string]*plan.SecurityGroup{}
	for _, sg := range g.SecurityGroups {
		byAddr[sg.Address] = sg
	}
	known := byAddr["aws_security_group.known"]
	if !known.RulesKnown() || len(known.Rules) != 2 || !known.Rules[0].FromPort.Is(80) || !known.Rules[1].FromPort.Is(443) {
		t.Errorf("known dynamic block: %+v (%s)", known.Rules, known.RulesReason)
	}
	if unknown := byAddr["aws_security_group.unknown"]; unknown.RulesKnown() {
		t.Errorf("a dynamic block over unknown values leaves the rules unknown, got %+v", unknown.Rules)
	}
}

// count and for_each expand into instances; when they are unknown the
// resource is reported as not analysed rather than dropped silently.
func TestCountAndForEach(t *testing.T) {
	dir := write(t, map[string]string{"main.tf": `
resource "aws_vpc" "v" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_lb" "web" {
  count = 2
  name  = "web-${count.index}"
}

resource "aws_lb_listener" "l" {
  for_each          = { a = 80, b = 8080 }
  load_balancer_arn = aws_lb.web[0].arn
  port              = each.value
  protocol          = "HTTP"
}

resource "aws_lb" "maybe" {
  count = aws_vpc.v.id == "" ? 0 : 1
  name  = "maybe"
}
`})
	g := graphOf(t, dir, Options{})
	var got []string
	for _, l := range g.Listeners {
		got = append(got, l.Address+"="+l.Port.String()+"@"+l.LoadBalancer.Node.Address)
	}
	if strings.Join(got, " ") != `aws_lb_listener.l["a"]=80@aws_lb.web[0] aws_lb_listener.l["b"]=8080@aws_lb.web[0]` {
		t.Errorf("listeners: %v", got)
	}
	if len(g.LoadBalancers) != 2 || len(g.NotAnalysed) != 1 || g.NotAnalysed[0].Address != "aws_lb.maybe" {
		t.Errorf("load balancers %d, not analysed %+v", len(g.LoadBalancers), g.NotAnalysed)
	}
}

// An index computed from count.index or each.value (the pattern of the
// registry's ALB module: aws_lb_target_group.main[lookup(l,
// "target_group_index", count.index)]) is evaluated for each instance,
// in a module with count too; a plan's configuration can only name the
// whole resource. An index that cannot be evaluated links nothing.
func TestComputedIndexes(t *testing.T) {
	dir := write(t, map[string]string{
		"main.tf": `
module "alb" {
  count  = 2
  source = "./alb"
  first  = count.index
}
`,
		"alb/main.tf": `
variable "first" {}

variable "listeners" {
  default = [
    { port = 80, target_group_index = 2 },
    { port = 8080 },
  ]
}

resource "aws_lb" "this" {
  name = "lb-${var.first}"
}

resource "aws_lb_target_group" "main" {
  count    = 3
  name     = "tg-${count.index}"
  port     = 80
  protocol = "HTTP"
}

resource "aws_lb_listener" "l" {
  count             = length(var.listeners)
  load_balancer_arn = aws_lb.this.arn
  port              = var.listeners[count.index].port
  protocol          = "HTTP"

  dynamic "default_action" {
    for_each = [var.listeners[count.index]]
    content {
      type             = "forward"
      target_group_arn = aws_lb_target_group.main[lookup(default_action.value, "target_group_index", count.index)].arn
    }
  }
}

resource "aws_lb_listener_rule" "r" {
  listener_arn = aws_lb_listener.l[var.first].arn

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.main[aws_lb.this.id == "" ? 0 : 1].arn
  }

  condition {
    path_pattern {
      values = ["/x"]
    }
  }
}
`})
	g := graphOf(t, dir, Options{})
	var got []string
	for _, l := range g.Listeners {
		for _, a := range l.DefaultActions.List {
			for _, tg := range a.TargetGroups.Links {
				to := tg.Reason
				if tg.Resolved() {
					to = tg.Node.Address
				}
				got = append(got, l.Address+" -> "+to)
			}
		}
		for _, r := range l.Rules {
			got = append(got, l.Address+" <- "+r.Address)
		}
	}
	want := []string{
		"module.alb[0].aws_lb_listener.l[0] -> module.alb[0].aws_lb_target_group.main[2]",
		"module.alb[0].aws_lb_listener.l[0] <- module.alb[0].aws_lb_listener_rule.r",
		"module.alb[0].aws_lb_listener.l[1] -> module.alb[0].aws_lb_target_group.main[1]",
		"module.alb[1].aws_lb_listener.l[0] -> module.alb[1].aws_lb_target_group.main[2]",
		"module.alb[1].aws_lb_listener.l[1] -> module.alb[1].aws_lb_target_group.main[1]",
		"module.alb[1].aws_lb_listener.l[1] <- module.alb[1].aws_lb_listener_rule.r",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("links (-want +got):\n%s", diff)
	}
	// The rule's index depends on an ID known only after apply.
	for _, r := range g.ListenerRules {
		for _, a := range r.Actions.List {
			for _, tg := range a.TargetGroups.Links {
				if tg.Resolved() {
					t.Errorf("%s links to %s, from an index known only after apply", r.Address, tg.Node.Address)
				}
			}
		}
	}
}

// A conditional whose condition the sources know keeps the references of
// the branch taken only, in arguments and in locals, for each module
// instance; a condition known only after apply keeps both, and the link
// stays unresolved.
func TestConditionals(t *testing.T) {
	dir := write(t, map[string]string{
		"main.tf": `
module "lb" {
  count  = 2
  source = "./lb"
  create = count.index == 0
}
`,
		"lb/main.tf": `
variable "create" {}

resource "aws_security_group" "this" {
  count = var.create ? 1 : 0
}

resource "aws_security_group" "shared" {}

locals {
  groups = var.create ? [aws_security_group.this[0].id] : [aws_security_group.shared.id]
}

resource "aws_lb" "via_local" {
  security_groups = local.groups
}

resource "aws_lb" "direct" {
  security_groups = var.create ? concat([aws_security_group.this[0].id], []) : []
}

resource "aws_lb" "after_apply" {
  security_groups = aws_security_group.shared.name == "" ? [aws_security_group.shared.id] : [aws_security_group.this[0].id]
}
`})
	g := graphOf(t, dir, Options{})
	var got []string
	for _, lb := range g.LoadBalancers {
		var to []string
		for _, l := range lb.SecurityGroups.Links {
			if l.Resolved() {
				to = append(to, l.Node.Address)
			} else {
				to = append(to, "?")
			}
		}
		if !lb.SecurityGroups.Known() {
			to = append(to, "unknown: "+lb.SecurityGroups.Reason)
		}
		got = append(got, lb.Address+": "+strings.Join(to, " "))
	}
	want := []string{
		"module.lb[0].aws_lb.after_apply: unknown: the value is computed by an expression lbguard cannot evaluate",
		"module.lb[0].aws_lb.direct: module.lb[0].aws_security_group.this[0]",
		"module.lb[0].aws_lb.via_local: module.lb[0].aws_security_group.this[0]",
		"module.lb[1].aws_lb.after_apply: unknown: the value is computed by an expression lbguard cannot evaluate",
		"module.lb[1].aws_lb.direct: ",
		"module.lb[1].aws_lb.via_local: module.lb[1].aws_security_group.shared",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("security groups (-want +got):\n%s", diff)
	}
}

// A module call's argument is evaluated for each module instance: an
// index computed from each.value in the parent leads each instance to its
// own listener (a plan's configuration records the reference without its
// key, and the keys of the two for_each differ).
func TestModuleArgumentsPerInstance(t *testing.T) {
	dir := write(t, map[string]string{
		"main.tf": `
resource "aws_lb" "this" {
  name = "edge"
}

resource "aws_lb_listener" "this" {
  for_each          = { public = 443, admin = 8443 }
  load_balancer_arn = aws_lb.this.arn
  port              = each.value
  protocol          = "HTTPS"
}

module "svc" {
  for_each     = { shop = "public", backoffice = "admin" }
  source       = "./svc"
  listener_arn = aws_lb_listener.this[each.value].arn
}
`,
		"svc/main.tf": `
variable "listener_arn" {}

resource "aws_lb_listener_rule" "r" {
  listener_arn = var.listener_arn
}
`})
	g := graphOf(t, dir, Options{})
	var got []string
	for _, r := range g.ListenerRules {
		to := r.Listener.Reason
		if r.Listener.Resolved() {
			to = r.Listener.Node.Address
		}
		got = append(got, r.Address+" -> "+to)
	}
	want := []string{
		`module.svc["backoffice"].aws_lb_listener_rule.r -> aws_lb_listener.this["admin"]`,
		`module.svc["shop"].aws_lb_listener_rule.r -> aws_lb_listener.this["public"]`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}
}

// An output is evaluated in its module instance too: the branch its
// conditional takes there is the one a reference to it follows.
func TestOutputsPerInstance(t *testing.T) {
	dir := write(t, map[string]string{
		"main.tf": `
resource "aws_security_group" "shared" {}

module "sg" {
  count    = 2
  source   = "./sg"
  create   = count.index == 0
  existing = aws_security_group.shared.id
}

resource "aws_lb" "lb" {
  count           = 2
  security_groups = [module.sg[count.index].id]
}
`,
		"sg/main.tf": `
variable "create" {}
variable "existing" {}

resource "aws_security_group" "this" {
  count = var.create ? 1 : 0
}

output "id" {
  value = var.create ? aws_security_group.this[0].id : var.existing
}
`})
	g := graphOf(t, dir, Options{})
	var got []string
	for _, lb := range g.LoadBalancers {
		for _, l := range lb.SecurityGroups.Links {
			to := l.Reason
			if l.Resolved() {
				to = l.Node.Address
			}
			got = append(got, lb.Address+" -> "+to)
		}
	}
	want := []string{
		"aws_lb.lb[0] -> module.sg[0].aws_security_group.this[0]",
		"aws_lb.lb[1] -> aws_security_group.shared",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("groups (-want +got):\n%s", diff)
	}
}

// A module that contains itself, directly or through another, is an
// error with the place of the call, as it is for Terraform; two calls of
// the same module side by side are not a cycle.
func TestModuleCycle(t *testing.T) {
	for name, files := range map[string]map[string]string{
		"self":     {"main.tf": "module \"m\" {\n  source = \"./\"\n}\n"},
		"indirect": {"main.tf": "module \"a\" {\n  source = \"./a\"\n}\n", "a/main.tf": "module \"back\" {\n  source = \"../\"\n}\n"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := write(t, files)
			_, err := Load(dir, Options{})
			var d *Diagnostics
			if !errors.As(err, &d) {
				t.Fatalf("err = %v", err)
			}
			if lines := d.Lines(); len(lines) != 1 || !strings.Contains(lines[0], ":2:12: Module cycle: module ") {
				t.Errorf("diagnostics: %q", lines)
			}
		})
	}
	dir := write(t, map[string]string{
		"main.tf":   "module \"a\" {\n  source = \"./m\"\n}\nmodule \"b\" {\n  source = \"./m\"\n}\n",
		"m/main.tf": "resource \"aws_lb\" \"x\" {}\n",
	})
	if g := graphOf(t, dir, Options{}); len(g.LoadBalancers) != 2 {
		t.Errorf("two calls of one module: %d load balancers", len(g.LoadBalancers))
	}
}

// Source mode expands at most maxInstances instances in all: beyond, a
// resource is not analysed, with the reason, and the rest still is.
func TestInstanceBudget(t *testing.T) {
	dir := write(t, map[string]string{"main.tf": `
module "many" {
  count  = 300
  source = "./m"
}

resource "aws_lb" "one" {}
`, "m/main.tf": `
resource "aws_lb" "x" {
  count = 200
}
`})
	g := graphOf(t, dir, Options{})
	if len(g.LoadBalancers) == 0 || len(g.LoadBalancers) > maxInstances {
		t.Fatalf("%d load balancers", len(g.LoadBalancers))
	}
	found := false
	for _, lb := range g.LoadBalancers {
		found = found || lb.Address == "aws_lb.one"
	}
	if !found {
		t.Error("aws_lb.one is missing")
	}
	if len(g.NotAnalysed) == 0 || !strings.Contains(g.NotAnalysed[0].Reason, "more instances than lbguard expands") {
		t.Errorf("not analysed: %+v", g.NotAnalysed[:min(len(g.NotAnalysed), 2)])
	}
}

// Syntax errors are diagnostics with file, line and column.
func TestSyntaxErrors(t *testing.T) {
	dir := write(t, map[string]string{
		"main.tf":        "resource \"aws_lb\" \"x\" {\n  name = \n}\n",
		"other.tf":       "resource \"aws_lb\" {\n}\n",
		"modules/m/x.tf": "ok = 1\n",
	})
	_, err := Load(dir, Options{})
	var d *Diagnostics
	if !errors.As(err, &d) {
		t.Fatalf("err = %v", err)
	}
	lines := d.Lines()
	if len(lines) != 2 || !strings.HasPrefix(lines[0], filepath.Join(dir, "main.tf")+":2:10: Invalid expression") || !strings.HasPrefix(lines[1], filepath.Join(dir, "other.tf")+":1:19: ") {
		t.Errorf("diagnostics: %q", lines)
	}
}

func TestSuppressionComments(t *testing.T) {
	dir := write(t, map[string]string{"main.tf": `
# lbguard:ignore LBG101,lbg102 reason one
resource "aws_lb" "a" {
  name = "a" # lbguard:ignore LBG209 reason two
}

// lbguard:ignore LBG108
module "m" {
  source = "./m"
}

# lbguard:ignore LBG201 floating

resource "aws_lb" "b" {
}
`, "m/main.tf": "resource \"aws_lb\" \"x\" {\n  # lbguard:ignore LBG102 in a module\n}\n"})
	s, err := Load(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, sp := range s.Suppressions {
		got = append(got, strings.Join(sp.Rules, ",")+"|"+sp.Reason+"|"+sp.Block+"|"+formatBool(sp.Module)+"|"+sp.Location.File)
	}
	want := []string{ // by file, then line
		"LBG102|in a module|module.m.aws_lb.x|false|m/main.tf",
		"LBG101,LBG102|reason one|aws_lb.a|false|main.tf",
		"LBG209|reason two|aws_lb.a|false|main.tf",
		"LBG108||module.m|true|main.tf",
		"LBG201|floating||false|main.tf",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("suppressions:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func formatBool(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
