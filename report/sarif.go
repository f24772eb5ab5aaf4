package report

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"

	"github.com/lbguard/lbguard/checks"
	"github.com/lbguard/lbguard/internal/safetext"
	"github.com/lbguard/lbguard/plan"
)

// SARIF 2.1.0, as GitHub code scanning takes it from upload-sarif. The
// structs are written here rather than taken from go-sarif v3, whose
// generated structs always write index, parentIndex and rank (0 has a
// meaning in each: the first artifact, the first logical location as the
// parent, the lowest rank) and dozens of empty arrays; go-sarif's copy of
// the official schema validates this output in the tests.

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Results     []sarifResult     `json:"results"`
	Invocations []sarifInvocation `json:"invocations"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string              `json:"id"`
	Name                 string              `json:"name"`
	ShortDescription     sarifText           `json:"shortDescription"`
	FullDescription      sarifText           `json:"fullDescription"`
	Help                 sarifText           `json:"help"`
	HelpURI              string              `json:"helpUri"`
	DefaultConfiguration sarifConfiguration  `json:"defaultConfiguration"`
	Properties           sarifRuleProperties `json:"properties"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifRuleProperties struct {
	SecuritySeverity string   `json:"security-severity"`
	Precision        string   `json:"precision"`
	Tags             []string `json:"tags"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifText          `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	Properties          map[string]any     `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysical    `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogicalLoc `json:"logicalLocations,omitempty"`
	Message          *sarifText        `json:"message,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifactLoc `json:"artifactLocation"`
	Region           *sarifRegion     `json:"region,omitempty"`
}

type sarifArtifactLoc struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

type sarifLogicalLoc struct {
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ExitCode                   int                 `json:"exitCode"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications"`
}

type sarifNotification struct {
	Level      string          `json:"level"`
	Message    sarifText       `json:"message"`
	Locations  []sarifLocation `json:"locations,omitempty"`
	Descriptor *struct {
		ID string `json:"id"`
	} `json:"descriptor,omitempty"`
}

// srcRoot is the uriBaseId of paths relative to the repository root.
const srcRoot = "%SRCROOT%"

// sarifLevel maps a severity to a SARIF level.
func sarifLevel(s checks.Severity) string {
	switch s {
	case checks.High:
		return "error"
	case checks.Medium:
		return "warning"
	}
	return "note"
}

// securitySeverity is GitHub's 0-10 score, which ranks alerts: critical
// above 9, high 7-8.9, medium 4-6.9, low below 4.
func securitySeverity(s checks.Severity) string {
	switch s {
	case checks.High:
		return "8.0"
	case checks.Medium:
		return "5.5"
	case checks.Low:
		return "3.0"
	}
	return "1.0"
}

// SARIF writes the report as SARIF 2.1.0: one rule descriptor per rule of
// the catalogue, one result per finding (suppressed ones with their
// suppression), LBG000 notes and unusable inputs as notifications, and the
// exit status in the invocation.
func SARIF(w io.Writer, rep *Report, _ Options) error {
	run := sarifRun{
		Tool:    sarifTool{Driver: sarifDriver{Name: "lbguard", Version: rep.Version, InformationURI: "https://github.com/lbguard/lbguard"}},
		Results: []sarifResult{},
	}
	index := map[string]int{}
	for _, m := range checks.Catalogue(checks.All) {
		index[m.ID] = len(run.Tool.Driver.Rules)
		doc := checks.Doc(m.ID)
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{
			ID: m.ID, Name: m.Name,
			ShortDescription:     sarifText{Text: m.Summary},
			FullDescription:      sarifText{Text: m.Summary + " " + m.Remediation},
			Help:                 sarifText{Text: m.Remediation, Markdown: doc},
			HelpURI:              checks.DocURL(m.ID),
			DefaultConfiguration: sarifConfiguration{Level: sarifLevel(m.Severity)},
			Properties:           sarifRuleProperties{SecuritySeverity: securitySeverity(m.Severity), Precision: "high", Tags: []string{"security", "terraform", "aws", "load-balancer"}},
		})
	}
	inv := sarifInvocation{ExecutionSuccessful: true, ExitCode: rep.ExitCode, ToolExecutionNotifications: []sarifNotification{}}
	for _, r := range rep.Runs {
		if r.Err != "" {
			inv.ExecutionSuccessful = false
			inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{Level: "error", Message: sarifText{Text: safetext.Escape(r.Err)}})
			continue
		}
		for _, f := range r.Result.Findings {
			res := sarifResult{
				RuleID: f.Rule, RuleIndex: index[f.Rule], Level: sarifLevel(f.Severity),
				Message:             sarifText{Text: f.Message + "\nFix: " + f.Remediation},
				Locations:           []sarifLocation{r.sarifLocation(f.Address, f.Location)},
				PartialFingerprints: map[string]string{"lbguardFingerprint/v1": f.Fingerprint},
				Properties:          map[string]any{"input": r.Input, "related": f.Related},
			}
			if f.Suppressed != nil {
				kind := "inSource"
				if f.Suppressed.By != "comment" {
					kind = "external"
				}
				res.Suppressions = []sarifSuppression{{Kind: kind, Justification: f.Suppressed.By + ": " + f.Suppressed.Reason}}
			}
			run.Results = append(run.Results, res)
		}
		for _, n := range r.Result.Unresolved {
			inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{
				Level:     "note",
				Message:   sarifText{Text: n.Rule + " could not decide about " + n.Address + ": " + n.Reason},
				Locations: []sarifLocation{{LogicalLocations: []sarifLogicalLoc{{FullyQualifiedName: n.Address, Kind: "resource"}}}},
			})
		}
		for _, s := range r.Result.NotAnalysed {
			inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{
				Level:   "note",
				Message: sarifText{Text: "not analysed: " + s.Address + ": " + s.Reason},
			})
		}
	}
	run.Invocations = []sarifInvocation{inv}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(sarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}}); err != nil {
		return err
	}
	_, err := w.Write(safetext.JSON(buf.Bytes()))
	return err
}

// sarifLocation places a finding: its file and line in the sources when
// known, else the plan file (line 1), with the resource address as a
// logical location.
func (r *Run) sarifLocation(address string, loc *plan.Location) sarifLocation {
	out := sarifLocation{LogicalLocations: []sarifLogicalLoc{{FullyQualifiedName: address, Kind: "resource"}}}
	path, line, col := r.place(loc)
	if path != "" {
		out.PhysicalLocation = &sarifPhysical{ArtifactLocation: sarifArtifactLoc{URI: uriPath(path), URIBaseID: srcRoot}, Region: &sarifRegion{StartLine: line, StartColumn: col}}
	}
	return out
}

// uriPath escapes a relative path for a URI reference.
func uriPath(p string) string {
	return strings.NewReplacer("%", "%25", " ", "%20", "#", "%23", "?", "%3F").Replace(p)
}

// place is where a finding is shown in the repository: its file (from the
// repository root), line and column in the sources, else the plan file.
// "" when neither is known (a plan read from standard input).
func (r *Run) place(loc *plan.Location) (path string, line, col int) {
	if loc != nil && loc.Path != "" {
		return loc.Path, loc.Line, loc.Column
	}
	if r.PlanPath != "" {
		return r.PlanPath, 1, 0
	}
	return "", 0, 0
}
