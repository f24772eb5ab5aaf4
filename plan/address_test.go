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

func TestSuppressionCovers(t *testing.T) {
	res := Suppression{Target: "module.a.aws_lb.web"}
	mod := Suppression{Target: "module.a", Module: true}
	if !res.Covers(`module.a["x"].aws_lb.web[0]`) || res.Covers("module.a.aws_lb.webx") {
		t.Error("resource suppression")
	}
	if !mod.Covers(`module.a[1].aws_lb.web`) || !mod.Covers("module.a.module.b.aws_lb.x") || mod.Covers("module.ab.aws_lb.x") || mod.Covers("aws_lb.x") {
		t.Error("module suppression")
	}
	if (Suppression{}).Covers("aws_lb.x") {
		t.Error("a dangling suppression covers nothing")
	}
}
