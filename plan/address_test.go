package plan

import "testing"

func TestConfigAddress(t *testing.T) {
	for in, want := range map[string]string{
		"aws_lb.web":                         "aws_lb.web",
		"aws_lb.web[0]":                      "aws_lb.web",
		`module.a["x"].aws_lb.web[3]`:        "module.a.aws_lb.web",
		`aws_lb.web["a]b.c"]`:                "aws_lb.web",
		`aws_lb.web["q\"[x"]`:                "aws_lb.web",
		`module.a[0].module.b["k"].data.x.y`: "module.a.module.b.data.x.y",
	} {
		if got := ConfigAddress(in); got != want {
			t.Errorf("ConfigAddress(%q) = %q, want %q", in, got, want)
		}
	}
}
