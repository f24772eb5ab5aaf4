package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/lbguard/lbguard/internal/textenc"
)

// Baseline is the findings of a previous JSON report, by input and
// fingerprint: two stacks that both have aws_lb.web never suppress each
// other's findings.
type Baseline struct {
	byInput map[string]map[string]bool
	// anyInput holds the fingerprints of reports written before findings
	// named their input: they match in every input.
	anyInput map[string]bool
}

// For returns the fingerprints that are not new in one input.
func (b *Baseline) For(input string) map[string]bool {
	if b == nil {
		return nil
	}
	out := map[string]bool{}
	for fp := range b.anyInput {
		out[fp] = true
	}
	for fp := range b.byInput[input] {
		out[fp] = true
	}
	return out
}

// ReadBaseline reads a previous JSON report: findings it lists (in the
// same input) are not new.
func ReadBaseline(r io.Reader) (*Baseline, error) {
	var rep struct {
		SchemaVersion *int `json:"schema_version"`
		Findings      []struct {
			Fingerprint string  `json:"fingerprint"`
			Input       *string `json:"input"`
		} `json:"findings"`
	}
	text, _, err := textenc.Reader(r)
	if err != nil {
		return nil, err
	}
	if err := json.NewDecoder(text).Decode(&rep); err != nil {
		var te *json.UnmarshalTypeError
		var se *json.SyntaxError
		switch {
		case errors.As(err, &te) && te.Field == "":
			return nil, fmt.Errorf("not an lbguard JSON report: the document is a JSON %s, not an object", te.Value)
		case errors.As(err, &te):
			return nil, fmt.Errorf("not an lbguard JSON report: %s is a JSON %s", te.Field, te.Value)
		case errors.As(err, &se):
			return nil, fmt.Errorf("not an lbguard JSON report: invalid JSON at byte %d: %v", se.Offset, se)
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return nil, fmt.Errorf("not an lbguard JSON report: the file is empty or truncated")
		}
		return nil, fmt.Errorf("not an lbguard JSON report: %v", err)
	}
	if rep.SchemaVersion == nil {
		return nil, fmt.Errorf("not an lbguard JSON report: no schema_version")
	}
	if *rep.SchemaVersion > SchemaVersion {
		return nil, fmt.Errorf("report schema_version %d is newer than this lbguard reads (%d)", *rep.SchemaVersion, SchemaVersion)
	}
	out := &Baseline{byInput: map[string]map[string]bool{}, anyInput: map[string]bool{}}
	for _, f := range rep.Findings {
		switch {
		case f.Fingerprint == "":
		case f.Input == nil:
			out.anyInput[f.Fingerprint] = true
		default:
			if out.byInput[*f.Input] == nil {
				out.byInput[*f.Input] = map[string]bool{}
			}
			out.byInput[*f.Input][f.Fingerprint] = true
		}
	}
	return out, nil
}
