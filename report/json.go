package report

import (
	"bytes"
	"encoding/json"
	"io"

	"github.com/lbguard/lbguard/checks"
	"github.com/lbguard/lbguard/internal/safetext"
)

// SchemaVersion is the version of the JSON report. Fields are added,
// never renamed or removed, within a version.
const SchemaVersion = 1

// JSONReport is the JSON report, documented in docs/json-report.md.
type JSONReport struct {
	SchemaVersion int              `json:"schema_version"`
	Tool          JSONTool         `json:"tool"`
	Findings      []checks.Finding `json:"findings"`
	Unresolved    []checks.Note    `json:"unresolved"`
	NotAnalysed   []JSONSkipped    `json:"not_analysed"`
	Summary       JSONSummary      `json:"summary"`
}

// JSONTool names the tool that wrote the report.
type JSONTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// JSONSkipped is a resource that was not analysed.
type JSONSkipped struct {
	Address string `json:"address"`
	Reason  string `json:"reason"`
	Fix     string `json:"fix,omitempty"`
}

// JSONSummary counts what the report holds.
type JSONSummary struct {
	// Findings counts the findings that are not suppressed.
	Findings    int            `json:"findings"`
	BySeverity  map[string]int `json:"by_severity"`
	Suppressed  int            `json:"suppressed"`
	Unresolved  int            `json:"unresolved"`
	NotAnalysed int            `json:"not_analysed"`
	// Partial is true for a partial plan, whose deferred changes a later
	// plan shows.
	Partial bool   `json:"partial,omitempty"`
	FailOn  string `json:"fail_on"`
	Strict  bool   `json:"strict"`
	Failed  bool   `json:"failed"`
}

// NewJSONReport builds the JSON report of a run.
func NewJSONReport(r *Run) *JSONReport {
	by, active, suppressed := r.counts()
	out := &JSONReport{
		SchemaVersion: SchemaVersion,
		Tool:          JSONTool{Name: "lbguard", Version: r.Version},
		Findings:      r.Result.Findings,
		Unresolved:    r.Result.Unresolved,
		NotAnalysed:   []JSONSkipped{},
		Summary: JSONSummary{
			Findings:    active,
			BySeverity:  map[string]int{},
			Suppressed:  suppressed,
			Unresolved:  len(r.Result.Unresolved),
			NotAnalysed: len(r.Result.NotAnalysed),
			Partial:     r.Result.Partial,
			FailOn:      ThresholdName(r.FailOn),
			Strict:      r.Strict,
			Failed:      r.Failed(),
		},
	}
	for _, s := range []checks.Severity{checks.High, checks.Medium, checks.Low, checks.Info} {
		out.Summary.BySeverity[s.String()] = by[s]
	}
	if out.Findings == nil {
		out.Findings = []checks.Finding{}
	}
	if out.Unresolved == nil {
		out.Unresolved = []checks.Note{}
	}
	for _, s := range r.Result.NotAnalysed {
		out.NotAnalysed = append(out.NotAnalysed, JSONSkipped{Address: s.Address, Reason: s.Reason, Fix: s.Fix})
	}
	return out
}

// JSON writes the JSON report, indented, with a final newline.
func JSON(w io.Writer, r *Run, _ Options) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(NewJSONReport(r)); err != nil {
		return err
	}
	_, err := w.Write(safetext.JSON(buf.Bytes()))
	return err
}
