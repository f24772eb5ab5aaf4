package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/lbguard/lbguard/checks"
	"github.com/lbguard/lbguard/internal/safetext"
)

// JUnit XML as GitLab, Jenkins and Azure DevOps render it: one test suite
// per input, one test case per rule, failed with one failure per finding,
// passed when the rule found nothing, skipped when all its findings are
// suppressed or the rule did not run. XML 1.0 cannot carry most control
// characters: every string is escaped visibly first (safetext).

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string         `xml:"name,attr"`
	ClassName string         `xml:"classname,attr"`
	Failures  []junitFailure `xml:"failure"`
	Error     *junitFailure  `xml:"error"`
	Skipped   *junitSkipped  `xml:"skipped"`
	SystemOut string         `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// JUnit writes the report as JUnit XML.
func JUnit(w io.Writer, rep *Report, _ Options) error {
	e := safetext.Escape
	out := junitSuites{Name: "lbguard"}
	for _, r := range rep.Runs {
		suite := junitSuite{Name: e(r.Input)}
		if r.Err != "" {
			suite.Cases = append(suite.Cases, junitCase{Name: "read the input", ClassName: "lbguard", Error: &junitFailure{Message: e(r.Err), Type: "unusable input", Text: e(r.Err)}})
			suite.Errors = 1
		} else {
			byRule := map[string][]checks.Finding{}
			for _, f := range r.Result.Findings {
				byRule[f.Rule] = append(byRule[f.Rule], f)
			}
			ran := map[string]bool{}
			for _, id := range r.Result.Ran {
				ran[id] = true
			}
			for _, m := range checks.Catalogue(checks.All) {
				c := junitCase{Name: m.ID + " " + m.Name, ClassName: "lbguard." + strings.ToLower(m.ID)}
				fs := byRule[m.ID]
				active := 0
				for _, f := range fs {
					if f.Suppressed != nil {
						continue
					}
					active++
					where := e(f.Address)
					if path, line, _ := r.place(f.Location); path != "" {
						where = fmt.Sprintf("%s:%d (%s)", e(path), line, e(f.Address))
					}
					c.Failures = append(c.Failures, junitFailure{
						Message: e(f.Message), Type: f.Severity.String(),
						Text: strings.Join([]string{where, e(f.Message), "fix: " + e(f.Remediation), "fingerprint: " + f.Fingerprint}, "\n"),
					})
				}
				switch {
				case active > 0:
					suite.Failures++
				case len(fs) > 0:
					c.Skipped = &junitSkipped{Message: fmt.Sprintf("%d finding(s), all suppressed", len(fs))}
					suite.Skipped++
				case !ran[m.ID] && m.ID != checks.UnusableSuppression.ID && m.ID != checks.ExpiredIgnore.ID:
					c.Skipped = &junitSkipped{Message: "the rule is disabled"}
					suite.Skipped++
				}
				suite.Cases = append(suite.Cases, c)
			}
		}
		suite.Tests = len(suite.Cases)
		out.Tests += suite.Tests
		out.Failures += suite.Failures
		out.Errors += suite.Errors
		out.Skipped += suite.Skipped
		out.Suites = append(out.Suites, suite)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
