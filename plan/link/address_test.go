package link

import (
	"reflect"
	"testing"
)

func TestParseRef(t *testing.T) {
	tests := []struct {
		in   string
		want ref
	}{
		{"aws_lb.web", ref{kind: refResource, local: "aws_lb.web"}},
		{"aws_lb.web.arn", ref{kind: refResource, local: "aws_lb.web", rest: []string{"arn"}}},
		{"aws_lb.web[0].arn", ref{kind: refResource, local: "aws_lb.web", key: IntKey(0), hasKey: true, rest: []string{"arn"}}},
		{`aws_lb.web["a b"]`, ref{kind: refResource, local: "aws_lb.web", key: StrKey("a b"), hasKey: true}},
		{"data.aws_lb.shared.arn", ref{kind: refResource, local: "data.aws_lb.shared", rest: []string{"arn"}}},
		{"var.lb.arn", ref{kind: refVar, name: "lb", rest: []string{"arn"}}},
		{"local.ids", ref{kind: refLocal, name: "ids"}},
		{"module.alb.arn", ref{kind: refModule, name: "alb", output: "arn"}},
		{`module.alb["x"].arn`, ref{kind: refModule, name: "alb", key: StrKey("x"), hasKey: true, output: "arn"}},
		{"module.alb.ids[1]", ref{kind: refModule, name: "alb", output: "ids", rest: []string{"1"}}},
		{"count.index", ref{kind: refContext}},
		{"each.value.port", ref{kind: refContext}},
	}
	for _, tt := range tests {
		got, ok := parseRef(tt.in)
		if !ok {
			t.Errorf("parseRef(%q) failed", tt.in)
			continue
		}
		got.text, got.restLen = "", 0
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseRef(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
	for _, bad := range []string{"", "aws_lb", "var", "1abc.x", "aws_lb.[0]"} {
		if _, ok := parseRef(bad); ok {
			t.Errorf("parseRef(%q) should fail", bad)
		}
	}
}

// Terraform lists every prefix of a reference; one reference must stay one.
func TestParseRefsKeepsTheMostSpecificForm(t *testing.T) {
	refs, ctx := parseRefs([]string{"aws_lb.web[0].arn", "aws_lb.web[0]", "aws_lb.web", "count.index"})
	if len(refs) != 1 || refs[0].text != "aws_lb.web[0].arn" || len(ctx) != 1 {
		t.Fatalf("got %+v, context %v", refs, ctx)
	}
	refs, _ = parseRefs([]string{"module.m[0].out", "module.m"})
	if len(refs) != 1 || refs[0].output != "out" {
		t.Fatalf("module refs: %+v", refs)
	}
	refs, _ = parseRefs([]string{"aws_security_group.a.id", "aws_security_group.a", "var.extra"})
	if len(refs) != 2 {
		t.Fatalf("two subjects expected: %+v", refs)
	}
}

func TestModuleInstances(t *testing.T) {
	steps, err := parseModuleInstance(`module.a[0].module.b["k"].module.c`)
	if err != nil {
		t.Fatal(err)
	}
	want := []modStep{{"a", IntKey(0)}, {"b", StrKey("k")}, {"c", Key{}}}
	if !reflect.DeepEqual(steps, want) {
		t.Fatalf("got %+v", steps)
	}
	if got := renderModuleInstance(steps); got != `module.a[0].module.b["k"].module.c` {
		t.Errorf("render: %s", got)
	}
	if got := configPath(steps); got != "module.a.module.b.module.c" {
		t.Errorf("config path: %s", got)
	}
	if _, err := parseModuleInstance("aws_lb.x"); err == nil {
		t.Error("a resource address is not a module instance")
	}
}

func TestSameKeys(t *testing.T) {
	a := []Key{IntKey(0), IntKey(1)}
	b := []Key{IntKey(1), IntKey(0)}
	if !sameKeys(a, b) {
		t.Error("same count, any order")
	}
	if sameKeys(a, a[:1]) || sameKeys(nil, nil) {
		t.Error("different or empty key sets never match")
	}
}

// TestPlainModuleInstances: the fast reading of common module addresses
// gives what the HCL parser gives, and leaves the rest to it.
func TestPlainModuleInstances(t *testing.T) {
	for _, s := range []string{
		"module.a", "module.a[0]", "module.a[12].module.b_c-d", "module.A9[3].module.b[0].module.c",
		`module.a["k"]`, "module.a[01]", "module.a[-1]", "module.a.", "module.", "module.9a", "module.-a", "modules.a",
		"module.a[0]x", "module.a[]", "module.a[0].", "module.a..module.b", "module.é",
		`module.svc["svc-1"].module.b["a.b c/é"]`, `module.a["${x}"]`, `module.a["%{if x}y%{endif}"]`, `module.a["$${x}"]`,
		`module.a["x\"y"]`, `module.a["x"`, `module.a["x"]]`, `module.a[""]`, "module.a[\"\x01\"]", `module.a["x"].`,
	} {
		plain, ok := parsePlainModuleInstance(s)
		full, err := parseModuleTraversal(s)
		if ok && (err != nil || !reflect.DeepEqual(plain, full)) {
			t.Errorf("%s: fast reading %v, HCL %v (%v)", s, plain, full, err)
		}
		got, gotErr := parseModuleInstance(s)
		if (gotErr == nil) != (err == nil) || !reflect.DeepEqual(got, full) {
			t.Errorf("%s: %v (%v), want %v (%v)", s, got, gotErr, full, err)
		}
	}
	for _, s := range []string{"module.a[3].module.b", `module.svc["svc-1"].module.b[0]`} {
		if _, ok := parsePlainModuleInstance(s); !ok {
			t.Errorf("%s was left to the HCL parser", s)
		}
	}
}

func TestModuleAndAncestors(t *testing.T) {
	for mod, want := range map[string][]string{
		"":                     nil,
		"module.a":             {"module.a"},
		"module.a[0].module.b": {"module.a[0].module.b", "module.a[0]"},
		`module.a["x.module.y"].module.b["q\".module."].module.c`: {`module.a["x.module.y"].module.b["q\".module."].module.c`, `module.a["x.module.y"]`, `module.a["x.module.y"].module.b["q\".module."]`},
	} {
		if got := moduleAndAncestors(mod); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %q, want %q", mod, got, want)
		}
	}
}

func TestTypeOfAddress(t *testing.T) {
	for addr, want := range map[string]string{
		"aws_lb.web":      "aws_lb",
		"aws_lb.web[0]":   "aws_lb",
		"data.aws_lb.web": "aws_lb",
		`module.a["x.y]\"z"].module.b[3].aws_lb.web["k"]`: "aws_lb",
		`module.a["x"].data.aws_vpc.this`:                 "aws_vpc",
		"module.a":                                        "",
		`module.a["x].aws_lb.web`:                         "",
		"":                                                "",
	} {
		if got := TypeOfAddress(addr); got != want {
			t.Errorf("TypeOfAddress(%s) = %q, want %q", addr, got, want)
		}
	}
}
