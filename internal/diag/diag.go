// Package diag renders HCL diagnostics for people: one line per problem,
// "file:line:col: summary: detail". The source loader and the configuration
// loader both print them this way.
package diag

import (
	"cmp"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// place orders diagnostics: by file, line and column, those without a
// place first.
func place(d *hcl.Diagnostic) string {
	if d.Subject == nil {
		return ""
	}
	return fmt.Sprintf("%s\x00%09d\x00%09d\x00%s", d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column, d.Summary+d.Detail)
}

// Lines returns one line per diagnostic. dir, when not "", is joined to
// each relative file name (the sources' file names are relative to the
// directory they were read from); a subject without a line names the file
// alone; line breaks in a detail become spaces.
func Lines(diags hcl.Diagnostics, dir string) []string {
	// Decoders report some problems in map order: sort by place, so that
	// the same input always gives the same lines.
	diags = slices.Clone(diags)
	slices.SortStableFunc(diags, func(a, b *hcl.Diagnostic) int {
		return cmp.Compare(place(a), place(b))
	})
	out := make([]string, 0, len(diags))
	for _, d := range diags {
		msg := d.Summary
		if d.Detail != "" {
			msg += ": " + strings.Join(strings.Fields(d.Detail), " ")
		}
		if d.Subject != nil {
			file := d.Subject.Filename
			if dir != "" && !filepath.IsAbs(file) {
				file = filepath.Join(dir, filepath.FromSlash(file))
			}
			if d.Subject.Start.Line > 0 {
				msg = fmt.Sprintf("%s:%d:%d: %s", file, d.Subject.Start.Line, d.Subject.Start.Column, msg)
			} else {
				msg = file + ": " + msg
			}
		}
		out = append(out, msg)
	}
	return out
}
