package diag

import (
	"slices"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

func TestLines(t *testing.T) {
	diags := hcl.Diagnostics{
		{Severity: hcl.DiagError, Summary: "Unsupported argument", Detail: "An argument named \"x\" is\nnot expected here.",
			Subject: &hcl.Range{Filename: "mod/main.tf", Start: hcl.Pos{Line: 3, Column: 5}}},
		{Severity: hcl.DiagError, Summary: "No subject"},
		{Severity: hcl.DiagError, Summary: "Absolute", Subject: &hcl.Range{Filename: "/etc/vars.tfvars", Start: hcl.Pos{Line: 2, Column: 1}}},
		{Severity: hcl.DiagError, Summary: "No line", Subject: &hcl.Range{Filename: "pipe.tf"}},
	}
	got := Lines(diags, "infra")
	// Sorted by place: none first, then by file name, line and column.
	want := []string{"No subject", "/etc/vars.tfvars:2:1: Absolute",
		`infra/mod/main.tf:3:5: Unsupported argument: An argument named "x" is not expected here.`, "infra/pipe.tf: No line"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if got := Lines(diags[:1], ""); got[0][:12] != "mod/main.tf:" {
		t.Errorf("without a directory the file name stays: %q", got)
	}
}
