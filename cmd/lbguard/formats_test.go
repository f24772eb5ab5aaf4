package main

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xeipuuv/gojsonschema"
)

// formatCases are the representative fixtures whose report in every
// format is a reviewed golden in fixtures/formats/.
// formatCases are rendered in every format. unread-absence (source mode)
// brings unresolved notes and not-analysed entries with their fixes.
var formatCases = []string{"alb-http-only", "sg-health-check-closed", "suppressions", "count-for-each", "unread-absence"}

// inRoot runs f with the repository root as the working directory, as CI
// runs lbguard, so that paths in the reports are the repository's.
func inRoot(t *testing.T, f func()) {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	if err := os.Chdir("../.."); err != nil {
		t.Fatal(err)
	}
	f()
}

func TestFormatGoldens(t *testing.T) {
	inRoot(t, func() {
		for _, c := range formatCases {
			for _, format := range []string{"text", "json", "sarif", "junit", "github", "gitlab", "compact", "markdown"} {
				input := "fixtures/" + c + "/plan.json"
				if _, err := os.Stat(input); err != nil {
					input = "fixtures/" + c // a source-only case
				}
				r := lbguard(t, nil, map[string]string{"TEST_DIR": "."}, "check", "--format", format, "--fail-on", "never", input)
				if r.code != 0 {
					t.Fatalf("%s %s: exit %d: %s", c, format, r.code, r.stderr)
				}
				path := filepath.Join("fixtures", "formats", c+"."+format)
				if *update {
					if err := os.WriteFile(path, []byte(r.stdout), 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (go test ./cmd/lbguard -run TestFormatGoldens -update, then review)", err)
				}
				if string(want) != r.stdout {
					t.Errorf("%s differs from the report:\n%s", path, r.stdout)
				}
			}
		}
	})
}

// TestSARIFValid: on every fixture and corpus plan, the SARIF report, as
// written, is valid against the official SARIF 2.1.0 schema
// (testdata/sarif-schema-2.1.0.json), and every result has a physical
// location: a file of the repository, relative to its root.
func TestSARIFValid(t *testing.T) {
	schema, err := os.ReadFile("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	loader := gojsonschema.NewBytesLoader(schema)
	// The validator must be able to fail: a wrong version and a result
	// without a message are refused.
	for _, bad := range []string{`{"version": "9", "runs": []}`, `{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"ruleId": "x"}]}]}`} {
		if res, err := gojsonschema.Validate(loader, gojsonschema.NewStringLoader(bad)); err != nil || res.Valid() {
			t.Fatalf("the schema accepts %s", bad)
		}
	}
	inRoot(t, func() {
		plans, _ := filepath.Glob("fixtures/*/plan.json")
		corpus, _ := filepath.Glob("fixtures/corpus/*.json")
		dirs := []string{"fixtures/source-evaluation", "fixtures/registry-module"}
		for _, p := range append(append(plans, corpus...), dirs...) {
			r := lbguard(t, nil, map[string]string{"TEST_DIR": "."}, "check", "--format", "sarif", "--fail-on", "never", p)
			if r.code != 0 {
				t.Fatalf("%s: exit %d: %s", p, r.code, r.stderr)
			}
			result, err := gojsonschema.Validate(loader, gojsonschema.NewStringLoader(r.stdout))
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			if !result.Valid() {
				t.Errorf("%s: not valid SARIF 2.1.0: %v", p, result.Errors())
			}
			var log struct {
				Runs []struct {
					Results []struct {
						RuleID    string
						Locations []struct {
							PhysicalLocation *struct {
								ArtifactLocation struct{ URI, URIBaseID string }
							}
						}
					}
				}
			}
			if err := json.Unmarshal([]byte(r.stdout), &log); err != nil {
				t.Fatal(err)
			}
			for _, res := range log.Runs[0].Results {
				if len(res.Locations) == 0 || res.Locations[0].PhysicalLocation == nil || res.Locations[0].PhysicalLocation.ArtifactLocation.URI == "" {
					t.Errorf("%s: result %s has no physical location", p, res.RuleID)
					continue
				}
				uri := res.Locations[0].PhysicalLocation.ArtifactLocation.URI
				if filepath.IsAbs(uri) || strings.HasPrefix(uri, "..") {
					t.Errorf("%s: %s is not relative to the repository root", p, uri)
				}
				if _, err := os.Stat(uri); err != nil {
					t.Errorf("%s: %s is not a file of the repository", p, uri)
				}
			}
		}
	})
}

// TestJUnitAndCodeQualityParse reads the JUnit and Code Quality reports
// back and checks them field by field against the JSON report.
func TestJUnitAndCodeQualityParse(t *testing.T) {
	inRoot(t, func() {
		plan := "fixtures/suppressions/plan.json"
		env := map[string]string{"TEST_DIR": "."}
		var rep struct {
			Findings []struct {
				Rule, Address, Severity, Message string
				Suppressed                       any
			}
		}
		if err := json.Unmarshal([]byte(lbguard(t, nil, env, "check", "--format", "json", plan).stdout), &rep); err != nil {
			t.Fatal(err)
		}
		active := map[string]int{}
		suppressedOnly := map[string]bool{}
		for _, f := range rep.Findings {
			if f.Suppressed == nil {
				active[f.Rule]++
				suppressedOnly[f.Rule] = false
			} else if _, seen := suppressedOnly[f.Rule]; !seen {
				suppressedOnly[f.Rule] = true
			}
		}
		var suites struct {
			Suites []struct {
				Name  string `xml:"name,attr"`
				Cases []struct {
					Name     string `xml:"name,attr"`
					Failures []struct {
						Message string `xml:"message,attr"`
						Type    string `xml:"type,attr"`
					} `xml:"failure"`
					Skipped *struct {
						Message string `xml:"message,attr"`
					} `xml:"skipped"`
				} `xml:"testcase"`
			} `xml:"testsuite"`
		}
		junit := lbguard(t, nil, env, "check", "--format", "junit", plan).stdout
		if err := xml.Unmarshal([]byte(junit), &suites); err != nil {
			t.Fatal(err)
		}
		if len(suites.Suites) != 1 || suites.Suites[0].Name != plan {
			t.Fatalf("one suite per input: %+v", suites.Suites)
		}
		for _, c := range suites.Suites[0].Cases {
			id := strings.Fields(c.Name)[0]
			if len(c.Failures) != active[id] {
				t.Errorf("%s: %d failures, want %d", c.Name, len(c.Failures), active[id])
			}
			if suppressedOnly[id] && c.Skipped == nil {
				t.Errorf("%s: all findings suppressed, want skipped", c.Name)
			}
			if id == "LBG211" && (c.Skipped == nil || c.Skipped.Message != "the rule is disabled") {
				t.Errorf("LBG211 is disabled by the configuration: %+v", c.Skipped)
			}
		}
		var issues []struct {
			Description, CheckName, Fingerprint, Severity string
			Location                                      struct {
				Path  string
				Lines struct{ Begin int }
			}
		}
		cq := lbguard(t, nil, env, "check", "--format", "gitlab", plan).stdout
		if err := json.Unmarshal([]byte(cq), &issues); err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, n := range active {
			total += n
		}
		if len(issues) != total {
			t.Errorf("%d Code Quality issues, want %d", len(issues), total)
		}
		seen := map[string]bool{}
		for _, is := range issues {
			if len(is.Fingerprint) != 64 || seen[is.Fingerprint] || is.Location.Path == "" || is.Location.Lines.Begin < 1 {
				t.Errorf("issue %+v", is)
			}
			seen[is.Fingerprint] = true
			if _, err := os.Stat(is.Location.Path); err != nil {
				t.Errorf("%s is not a file of the repository", is.Location.Path)
			}
		}
	})
}
