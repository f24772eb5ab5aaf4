package report

import (
	"bytes"
	"encoding/json"
	"io"

	"github.com/lbguard/lbguard/checks"
	"github.com/lbguard/lbguard/internal/safetext"
)

// gitlabIssue is one entry of a GitLab Code Quality report (the
// codequality artifact the merge-request widget shows, on every tier).
type gitlabIssue struct {
	Description string         `json:"description"`
	CheckName   string         `json:"check_name"`
	Fingerprint string         `json:"fingerprint"`
	Severity    string         `json:"severity"`
	Location    gitlabLocation `json:"location"`
	Categories  []string       `json:"categories,omitempty"`
	Type        string         `json:"type"`
}

type gitlabLocation struct {
	Path  string      `json:"path"`
	Lines gitlabLines `json:"lines"`
}

type gitlabLines struct {
	Begin int `json:"begin"`
}

// gitlabSeverity maps severities to Code Quality's scale.
func gitlabSeverity(s checks.Severity) string {
	switch s {
	case checks.High:
		return "critical"
	case checks.Medium:
		return "major"
	case checks.Low:
		return "minor"
	}
	return "info"
}

// GitLab writes a GitLab Code Quality report: one issue per finding that
// is not suppressed, placed in the sources or on the plan file. The
// fingerprint is the finding's, with its input, so that the widget tells
// new issues from fixed ones across pipelines.
func GitLab(w io.Writer, rep *Report, _ Options) error {
	issues := []gitlabIssue{}
	for _, r := range rep.Runs {
		if r.Err != "" {
			continue
		}
		for _, f := range r.Result.Findings {
			if f.Suppressed != nil {
				continue
			}
			path, line, _ := r.place(f.Location)
			if path == "" {
				path = r.Input
			}
			if line == 0 {
				line = 1
			}
			issues = append(issues, gitlabIssue{
				Description: f.Rule + " " + f.Address + ": " + f.Message,
				CheckName:   f.Rule + " " + f.Name,
				Fingerprint: checks.Fingerprint(r.Input, f.Fingerprint, nil),
				Severity:    gitlabSeverity(f.Severity),
				Location:    gitlabLocation{Path: path, Lines: gitlabLines{Begin: line}},
				Categories:  []string{"Security"},
				Type:        "issue",
			})
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(issues); err != nil {
		return err
	}
	_, err := w.Write(safetext.JSON(buf.Bytes()))
	return err
}
