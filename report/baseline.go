package report

import (
	"encoding/json"
	"fmt"
	"io"
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
	if err := json.NewDecoder(r).Decode(&rep); err != nil {
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
