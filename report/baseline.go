package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/lbguard/lbguard/internal/textenc"
)

// ReadBaseline reads a previous JSON report and returns the fingerprints
// of its findings: findings with these fingerprints are not new.
func ReadBaseline(r io.Reader) (map[string]bool, error) {
	var rep struct {
		SchemaVersion *int `json:"schema_version"`
		Findings      []struct {
			Fingerprint string `json:"fingerprint"`
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
	out := map[string]bool{}
	for _, f := range rep.Findings {
		if f.Fingerprint != "" {
			out[f.Fingerprint] = true
		}
	}
	return out, nil
}
