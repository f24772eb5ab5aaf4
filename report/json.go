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
	SchemaVersion int           `json:"schema_version"`
	Tool          JSONTool      `json:"tool"`
	Findings      []JSONFinding `json:"findings"`
	Unresolved    []JSONNote    `json:"unresolved"`
	NotAnalysed   []JSONSkipped `json:"not_analysed"`
	Inputs        []JSONInput   `json:"inputs"`
	Summary       JSONSummary   `json:"summary"`
}

// JSONTool names the tool that wrote the report.
type JSONTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// JSONFinding is a finding with the input it was found in.
type JSONFinding struct {
	checks.Finding
	Input string `json:"input"`
}

// JSONNote is an unresolved note with its input.
type JSONNote struct {
	checks.Note
	Input string `json:"input"`
}

// JSONSkipped is a resource that was not analysed.
type JSONSkipped struct {
	Address string `json:"address"`
	Reason  string `json:"reason"`
	Fix     string `json:"fix,omitempty"`
	Input   string `json:"input"`
}

// JSONInput is one input of the run and its gate.
type JSONInput struct {
	Input      string `json:"input"`
	SourceDir  string `json:"source_dir,omitempty"`
	ConfigFile string `json:"config,omitempty"`
	FailOn     string `json:"fail_on"`
	Strict     bool   `json:"strict"`
	Failed     bool   `json:"failed"`
	// Error says why the input could not be used.
	Error string `json:"error,omitempty"`
}

// JSONSummary counts what the report holds, over every input.
type JSONSummary struct {
	// Findings counts the findings that are not suppressed.
	Findings    int            `json:"findings"`
	BySeverity  map[string]int `json:"by_severity"`
	Suppressed  int            `json:"suppressed"`
	Unresolved  int            `json:"unresolved"`
	NotAnalysed int            `json:"not_analysed"`
	// Partial is true when an input is a partial plan, whose deferred
	// changes a later plan shows.
	Partial bool `json:"partial,omitempty"`
	// FailOn and Strict are the gate's, when every input has the same
	// ("per input" otherwise: see inputs).
	FailOn string `json:"fail_on"`
	Strict bool   `json:"strict"`
	Failed bool   `json:"failed"`
}

// NewJSONReport builds the JSON report of a run.
func NewJSONReport(rep *Report) *JSONReport {
	out := &JSONReport{
		SchemaVersion: SchemaVersion,
		Tool:          JSONTool{Name: "lbguard", Version: rep.Version},
		Findings:      []JSONFinding{},
		Unresolved:    []JSONNote{},
		NotAnalysed:   []JSONSkipped{},
		Inputs:        []JSONInput{},
		Summary:       JSONSummary{BySeverity: map[string]int{}, Failed: rep.Failed()},
	}
	for _, s := range []checks.Severity{checks.High, checks.Medium, checks.Low, checks.Info} {
		out.Summary.BySeverity[s.String()] = 0
	}
	failOns, stricts := map[string]bool{}, map[bool]bool{}
	for _, r := range rep.Runs {
		failOns[ThresholdName(r.FailOn)], stricts[r.Strict] = true, true
		in := JSONInput{Input: r.Input, SourceDir: r.SourceDir, ConfigFile: r.ConfigFile, FailOn: ThresholdName(r.FailOn), Strict: r.Strict, Failed: r.Failed(), Error: r.Err}
		out.Inputs = append(out.Inputs, in)
		if r.Result == nil {
			continue
		}
		by, active, suppressed := r.counts()
		out.Summary.Findings += active
		out.Summary.Suppressed += suppressed
		for s, n := range by {
			out.Summary.BySeverity[s.String()] += n
		}
		out.Summary.Unresolved += len(r.Result.Unresolved)
		out.Summary.NotAnalysed += len(r.Result.NotAnalysed)
		out.Summary.Partial = out.Summary.Partial || r.Result.Partial
		for _, f := range r.Result.Findings {
			out.Findings = append(out.Findings, JSONFinding{Finding: f, Input: r.Input})
		}
		for _, n := range r.Result.Unresolved {
			out.Unresolved = append(out.Unresolved, JSONNote{Note: n, Input: r.Input})
		}
		for _, s := range r.Result.NotAnalysed {
			out.NotAnalysed = append(out.NotAnalysed, JSONSkipped{Address: s.Address, Reason: s.Reason, Fix: s.Fix, Input: r.Input})
		}
	}
	out.Summary.FailOn, out.Summary.Strict = "per input", false
	if len(failOns) == 1 {
		for k := range failOns {
			out.Summary.FailOn = k
		}
	}
	if len(stricts) == 1 {
		out.Summary.Strict = stricts[true]
	}
	return out
}

// JSON writes the JSON report, indented, with a final newline.
func JSON(w io.Writer, rep *Report, _ Options) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(NewJSONReport(rep)); err != nil {
		return err
	}
	_, err := w.Write(safetext.JSON(buf.Bytes()))
	return err
}
