package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lbguard/lbguard/checks"
)

func load(t *testing.T, content string) *Config {
	t.Helper()
	p := filepath.Join(t.TempDir(), ".lbguard.hcl")
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(p, func(id string) bool { return id == "LBG101" || id == "LBG206" || id == "LBG002" })
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// In address patterns only * is special, and it matches any run of
// characters, dots and brackets included.
func TestAddressPatterns(t *testing.T) {
	c := load(t, `
ignore {
  address = "module.legacy.*"
  reason  = "r"
}
ignore {
  address = "aws_lb.web[\"a\"]"
  reason  = "r"
}
ignore {
  address = "aws_lb_listener.*[?]"
  reason  = "r"
}
`)
	tests := []struct {
		pattern int
		addr    string
		want    bool
	}{
		{0, `module.legacy.aws_lb.x`, true},
		{0, `module.legacy.module.inner["k"].aws_lb.x[0]`, true},
		{0, `module.legacy2.aws_lb.x`, false},
		{0, `module.other.aws_lb.x`, false},
		{1, `aws_lb.web["a"]`, true},
		{1, `aws_lb.web["b"]`, false},
		{2, `aws_lb_listener.http[?]`, true}, // ? is literal
		{2, `aws_lb_listener.http[0]`, false},
	}
	for _, tt := range tests {
		if got := c.Ignores[tt.pattern].Match(tt.addr); got != tt.want {
			t.Errorf("pattern %q on %q: %v", c.Ignores[tt.pattern].Address, tt.addr, got)
		}
	}
}

func TestApplyAndMeta(t *testing.T) {
	c := load(t, `
fail_on = "low"
rule "LBG101" {
  enabled = false
}
rule "lbg206" {
  severity = "low"
}
rule "LBG002" {
  severity = "high"
}
ignore {
  rule    = "*"
  address = "x"
  reason  = "r"
  expires = "2027-01-31"
}
`)
	if c.FailOn != "low" {
		t.Errorf("fail_on %q", c.FailOn)
	}
	list := c.Apply([]checks.Check{{Meta: checks.Meta{ID: "LBG101", Severity: checks.High}}, {Meta: checks.Meta{ID: "LBG206", Severity: checks.Medium}}})
	if len(list) != 1 || list[0].ID != "LBG206" || list[0].Severity != checks.Low {
		t.Errorf("applied: %+v", list)
	}
	if m := c.Meta(checks.ExpiredIgnore); m == nil || m.Severity != checks.High {
		t.Errorf("LBG002 meta: %+v", m)
	}
	ig := c.Ignores[0]
	if ig.Rule != "" || ig.Expires.Format(time.DateOnly) != "2027-01-31" || ig.Expires.Hour() != 23 {
		t.Errorf("ignore: %+v", ig)
	}
}

// TestConfigurationMistakes: a rule configured twice, and an ignore of
// everything, are errors naming the line, never merged or accepted.
func TestConfigurationMistakes(t *testing.T) {
	known := func(id string) bool { return id == "LBG101" || id == "LBG206" }
	tests := []struct{ content, want string }{
		{"rule \"LBG101\" {\n  enabled = false\n}\nrule \"lbg101\" {\n  severity = \"low\"\n}\n",
			`.lbguard.hcl:4:1: Duplicate rule block: rule "lbg101" is configured twice, at line 1 and line 4: keep one`},
		{"ignore {\n  rule    = \"*\"\n  address = \"*\"\n  reason  = \"x\"\n}\n",
			`.lbguard.hcl:1:1: Ignore of everything: rule = "*" with address = "*"`},
		{"ignore {\n  reason = \"x\"\n}\n", `.lbguard.hcl:1:1: Ignore without rule or address`},
	}
	for _, tt := range tests {
		p := filepath.Join(t.TempDir(), ".lbguard.hcl")
		if err := os.WriteFile(p, []byte(tt.content), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Load(p, known)
		var ce *Error
		if !errors.As(err, &ce) || len(ce.Lines()) != 1 || !strings.Contains(ce.Lines()[0], tt.want) {
			t.Errorf("%q: error %v, want one line containing %q", tt.content, err, tt.want)
		}
	}
}
