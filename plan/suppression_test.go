package plan

import "testing"

func TestSuppressionCovers(t *testing.T) {
	res := Suppression{Block: "module.a.aws_lb.web"}
	mod := Suppression{Block: "module.a", Module: true}
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
