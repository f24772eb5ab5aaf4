package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/unicode"
)

const (
	httpOnlyPlan = "../../fixtures/alb-http-only/plan.json"
	cleanPlan    = "../../fixtures/alb-https-clean/plan.json"
	tlsPlan      = "../../fixtures/tls-policies/plan.json"
)

func TestCheckExitCodes(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"http-only ALB fails the default gate", []string{"check", httpOnlyPlan}, 1},
		{"clean plan passes", []string{"check", cleanPlan}, 0},
		{"fail-on never passes", []string{"check", "--fail-on", "never", httpOnlyPlan}, 0},
		{"low findings pass the default gate", []string{"check", "../../fixtures/http-fixed-response-redirect-rules/plan.json"}, 0},
		{"info findings fail at info", []string{"check", "--fail-on", "info", "../../fixtures/http-fixed-response-redirect-rules/plan.json"}, 1},
		{"low finding fails at low", []string{"check", "--fail-on", "low", "--format", "json", tlsPlan}, 1},
		{"high threshold ignores medium", []string{"check", "--fail-on", "high", "../../fixtures/redirect-missing-port/plan.json"}, 0},
		{"medium threshold catches medium", []string{"check", "../../fixtures/redirect-missing-port/plan.json"}, 1},
		{"strict fails on unresolved notes", []string{"check", "--strict", "--fail-on", "never", "../../fixtures/data-source-lb/plan.json"}, 1},
		{"notes alone pass without strict", []string{"check", "--fail-on", "never", "../../fixtures/data-source-lb/plan.json"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := lbguard(t, nil, nil, tt.args...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.code, r.stdout, r.stderr)
			}
			if r.stderr != "" {
				t.Errorf("unexpected stderr %q", r.stderr)
			}
		})
	}
}

// The finding on an HTTP-only ALB must make sense to someone who has not
// read the docs: which listener, what is wrong, what to do, and the verdict.
func TestHTTPOnlyTextReport(t *testing.T) {
	r := lbguard(t, nil, nil, "check", httpOnlyPlan)
	for _, want := range []string{
		"aws_lb.web (application, internet-facing)",
		"HIGH   LBG101 http-listener-not-redirected  aws_lb_listener.http",
		"listener aws_lb_listener.http (port 80, HTTP) serves plain HTTP instead of redirecting to HTTPS: it forwards to aws_lb_target_group.app",
		"fix: Make the HTTP listener's default action a redirect with protocol = \"HTTPS\"",
		"HIGH   LBG102 lb-without-https  aws_lb.web",
		"2 findings (2 high).",
		"FAILED: 2 findings at or above medium.",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("text report lacks %q:\n%s", want, r.stdout)
		}
	}
	// 443 open to the internet is what LBG102's fix needs, not LBG206: the
	// fixes never pull against each other.
	if strings.Contains(r.stdout, "LBG206") {
		t.Errorf("LBG206 contradicts LBG102's fix:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout, "\x1b[") {
		t.Errorf("colour codes without a terminal")
	}
}

func TestColour(t *testing.T) {
	tests := []struct {
		name    string
		environ map[string]string
		args    []string
		colour  bool
	}{
		{"terminal", map[string]string{"TEST_TTY": "1"}, nil, true},
		{"terminal with NO_COLOR", map[string]string{"TEST_TTY": "1", "NO_COLOR": "1"}, nil, false},
		{"not a terminal", nil, nil, false},
		{"always", nil, []string{"--color", "always"}, true},
		{"never on a terminal", map[string]string{"TEST_TTY": "1"}, []string{"--color", "never"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(append([]string{"check"}, tt.args...), httpOnlyPlan)
			r := lbguard(t, nil, tt.environ, args...)
			if got := strings.Contains(r.stdout, "\x1b["); got != tt.colour {
				t.Errorf("colour = %v, want %v:\n%s", got, tt.colour, r.stdout)
			}
		})
	}
}

func TestVerboseListsNotes(t *testing.T) {
	plan := "../../fixtures/unknown-values/plan.json"
	quiet := lbguard(t, nil, nil, "check", plan)
	if !strings.Contains(quiet.stdout, "12 unresolved notes (--verbose lists them)") || strings.Contains(quiet.stdout, "ssl_policy is known only after apply") {
		t.Errorf("without --verbose the notes are counted, not listed:\n%s", quiet.stdout)
	}
	loud := lbguard(t, nil, nil, "check", "--verbose", plan)
	if !strings.Contains(loud.stdout, "LBG104  aws_lb_listener.tls_from_vpc: ssl_policy is known only after apply") {
		t.Errorf("--verbose lists the notes:\n%s", loud.stdout)
	}
}

func TestStdin(t *testing.T) {
	data, err := os.ReadFile(httpOnlyPlan)
	if err != nil {
		t.Fatal(err)
	}
	fromFile := lbguard(t, nil, nil, "check", "--format", "json", httpOnlyPlan)
	// The file's directory holds its sources; standard input has none but
	// those given.
	fromStdin := lbguard(t, bytes.NewReader(data), nil, "check", "--format", "json", "--source", filepath.Dir(httpOnlyPlan), "-")
	if fromStdin.code != 1 || withoutInputs(t, fromStdin.stdout) != withoutInputs(t, fromFile.stdout) {
		t.Errorf("stdin: exit %d, report differs from the file's:\n%s", fromStdin.code, fromStdin.stdout)
	}
}

// Windows users save plans with PowerShell's > (UTF-16 with a byte-order
// mark) or with a UTF-8 BOM: the same plan, the same report.
func TestByteOrderMarks(t *testing.T) {
	data, err := os.ReadFile(httpOnlyPlan)
	if err != nil {
		t.Fatal(err)
	}
	plain := filepath.Join(t.TempDir(), "plan.json") // a directory without sources, as below
	if err := os.WriteFile(plain, data, 0o644); err != nil {
		t.Fatal(err)
	}
	want := lbguard(t, nil, nil, "check", "--format", "json", plain).stdout
	utf16le, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes(data)
	if err != nil {
		t.Fatal(err)
	}
	utf16be, err := unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder().Bytes(data)
	if err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string][]byte{
		"utf8-bom.json":  append([]byte{0xEF, 0xBB, 0xBF}, data...),
		"utf16le.json":   utf16le,
		"utf16be.json":   utf16be,
		"crlf-utf8.json": bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n")),
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), name)
			if err := os.WriteFile(path, content, 0o644); err != nil {
				t.Fatal(err)
			}
			r := lbguard(t, nil, nil, "check", "--format", "json", path)
			if r.code != 1 || r.stderr != "" {
				t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
			}
			if withoutInputs(t, r.stdout) != withoutInputs(t, want) {
				t.Errorf("report differs from the UTF-8 plan's")
			}
		})
	}
}

// Bad input: one clear line naming the file and what is wrong, exit 2.
func TestBadInput(t *testing.T) {
	plan, err := os.ReadFile(httpOnlyPlan)
	if err != nil {
		t.Fatal(err)
	}
	setKey := func(key string, value any) []byte {
		var m map[string]any
		if err := json.Unmarshal(plan, &m); err != nil {
			t.Fatal(err)
		}
		m[key] = value
		b, _ := json.Marshal(m)
		return b
	}
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name string
		path string
		want []string // substrings of the one line on stderr
	}{
		{"not JSON", write("notjson.json", []byte("this is not json\n")), []string{"notjson.json: line 1, column 2: invalid JSON"}},
		{"empty file", write("empty.json", nil), []string{"empty.json: the file is empty"}},
		{"only white space", write("blank.json", []byte("  \n\n")), []string{"blank.json: the file holds only white space (4 bytes)"}},
		{"truncated", write("truncated.json", plan[:len(plan)/2]), []string{"truncated.json", "unexpected end of file: the plan is truncated"}},
		{"future format", write("future.json", setKey("format_version", "2.0")), []string{"future.json", "plan format_version 2.0 is not supported"}},
		{"bad format", write("badformat.json", setKey("format_version", "one")), []string{`format_version "one" is not a version number`}},
		{"no format", write("noformat.json", []byte(`{"resource_changes": []}`)), []string{"noformat.json: not a Terraform plan: there is no format_version"}},
		{"errored plan", write("errored.json", setKey("errored", true)), []string{"errored.json", `"errored": true`, "Terraform failed while planning"}},
		{"array", write("array.json", []byte(`[1, 2]`)), []string{"array.json", "not a Terraform plan: the JSON document is an array"}},
		{"wrong type", write("wrongtype.json", setKey("resource_changes", "nope")), []string{"wrongtype.json", "resource_changes is a string, not an array"}},
		{"wrong nested type", write("nested.json", []byte(`{"format_version":"1.2","resource_changes":[{"type":"aws_lb","change":{"actions":"create"}}]}`)), []string{"nested.json", "not a valid Terraform plan: resource_changes[0].change.actions is a string, not an array"}},
		{"trailing garbage", write("trailing.json", append(append([]byte{}, plan...), []byte("{}")...)), []string{"trailing.json", "unexpected data after the end of the plan"}},
		{"raw state", "testdata/terraform.tfstate", []string{"terraform.tfstate: this is a Terraform state file, not a plan"}},
		{"state JSON", "testdata/state-show.json", []string{"state-show.json", "JSON of a Terraform state", "not a plan"}},
		{"missing file", filepath.Join(dir, "nope.json"), []string{"nope.json: no such file"}},
		{"directory", dir, []string{"a directory without .tf or .tf.json files"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := lbguard(t, nil, nil, "check", tt.path)
			if r.code != 2 {
				t.Fatalf("exit %d, want 2; stderr %q", r.code, r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("stdout should be empty, got %q", r.stdout)
			}
			lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
			if len(lines) != 1 || !strings.HasPrefix(lines[0], "lbguard: ") {
				t.Fatalf("want one line starting with lbguard:, got %q", r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(lines[0], w) {
					t.Errorf("error %q lacks %q", lines[0], w)
				}
			}
		})
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"check"}, "check needs what to check: a plan file"},
		{[]string{"check", "-", "-"}, "standard input (-) can be given only once"},
		{[]string{"check", ""}, "check was given an empty argument"},
		{[]string{"check", "--format", "xml", cleanPlan}, `--format "xml": want one of compact, github, gitlab, json, junit, markdown, sarif or text`},
		{[]string{"check", "--fail-on", "critical", cleanPlan}, `--fail-on "critical": want one of info, low, medium, high, never`},
		{[]string{"check", "--color", "sometimes", cleanPlan}, `--color "sometimes": want one of auto, always or never`},
		{[]string{"-v", "check", cleanPlan}, "-v prints the version and goes alone"},
		{[]string{"check", "-v", cleanPlan}, "-v prints the version and goes alone"},
		{[]string{"check", cleanPlan, "--version"}, "--version prints the version and goes alone"},
		{[]string{"check", "--source", "../../fixtures/alb-http-only", cleanPlan, httpOnlyPlan}, "--source goes with exactly one plan; got 2 plans"},
		{[]string{"check", "--var-file", "nope.tfvars", cleanPlan}, "--var-file nope.tfvars: no such file or directory"},
		{[]string{"check", "--nope", cleanPlan}, "flag provided but not defined: -nope"},
		{[]string{"check", cleanPlan, "--nope"}, "flag provided but not defined: -nope"},
		{[]string{"check", cleanPlan, "--fail-on"}, "flag needs an argument: -fail-on"},
		{[]string{"check", "--fail-on"}, "flag needs an argument: -fail-on"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"explain", "LBG999"}, `unknown rule "LBG999"`},
		{[]string{"explain"}, "explain takes one rule, by ID (LBG101) or name"},
		{[]string{"rules", "--format", "pdf"}, `--format "pdf": want one of text, markdown or json`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := lbguard(t, nil, nil, tt.args...)
			if r.code != 2 {
				t.Fatalf("exit %d, want 2 (stdout %q, stderr %q)", r.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stderr, tt.want) || strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("stderr %q: want one line with %q", r.stderr, tt.want)
			}
		})
	}
}

// Flags may follow the plan, as people type them ("lbguard check
// plan.json --format json"), with or without "=".
func TestFlagsAfterThePlan(t *testing.T) {
	want := lbguard(t, nil, nil, "check", "--format", "json", "--fail-on", "never", "--verbose", httpOnlyPlan)
	for _, args := range [][]string{
		{"check", httpOnlyPlan, "--format", "json", "--fail-on", "never", "--verbose"},
		{"check", "--format=json", httpOnlyPlan, "--fail-on=never", "--verbose"},
		{"check", "-f", "json", "--verbose", "--fail-on", "never", "--", httpOnlyPlan},
	} {
		r := lbguard(t, nil, nil, args...)
		if r.code != 0 || r.stdout != want.stdout || r.stderr != want.stderr {
			t.Errorf("%v: exit %d, stderr %q, report differs: %v", args, r.code, r.stderr, r.stdout != want.stdout)
		}
	}
	// After "--" everything is an argument.
	r := lbguard(t, nil, nil, "check", "--", httpOnlyPlan, "--verbose")
	if r.code != 2 || !strings.Contains(r.stderr, "--verbose: no such file") {
		t.Errorf(`"--" ends the flags: exit %d, stderr %q`, r.code, r.stderr)
	}
}

func TestRulesExplainVersion(t *testing.T) {
	r := lbguard(t, nil, nil, "rules")
	if r.code != 0 || !strings.Contains(r.stdout, "LBG104  high    weak-tls-policy") {
		t.Errorf("rules: exit %d:\n%s", r.code, r.stdout)
	}
	r = lbguard(t, nil, nil, "explain", "lbg104")
	for _, want := range []string{"# LBG104 weak-tls-policy\n\nSeverity high; reported on aws_lb_listener.", "## Why", "ELBSecurityPolicy-2016-08", "## How to fix", "## References"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("explain lacks %q", want)
		}
	}
	r = lbguard(t, nil, nil, "explain", "LBG000")
	if r.code != 0 || !strings.Contains(r.stdout, "# LBG000 unresolved") {
		t.Errorf("explain LBG000: exit %d:\n%s", r.code, r.stdout)
	}
	for _, args := range [][]string{{"version"}, {"-v"}, {"--version"}} {
		r = lbguard(t, nil, nil, args...)
		if r.code != 0 || r.stdout != "lbguard test\n" {
			t.Errorf("%v printed %q", args, r.stdout)
		}
	}
}

// The JSON report is a contract: check its shape, not only its goldens.
func TestJSONContract(t *testing.T) {
	// The plan alone (no sources beside it), so that one rule cannot be
	// linked and the report has an unresolved note as well as findings.
	r := lbguard(t, nil, nil, "check", "--format", "json", planAlone(t, "../../fixtures/count-for-each/plan.json"))
	var rep struct {
		SchemaVersion int `json:"schema_version"`
		Tool          struct{ Name, Version string }
		Findings      []map[string]any
		Unresolved    []map[string]any
		NotAnalysed   []map[string]any `json:"not_analysed"`
		Summary       map[string]any
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.SchemaVersion != 1 || rep.Tool.Name != "lbguard" || rep.Tool.Version != "test" {
		t.Errorf("header: %+v", rep)
	}
	for _, f := range rep.Findings {
		for _, k := range []string{"rule", "name", "severity", "address", "message", "remediation", "related", "fingerprint"} {
			if _, ok := f[k]; !ok {
				t.Errorf("finding lacks %q: %v", k, f)
			}
		}
		if fp, _ := f["fingerprint"].(string); len(fp) != 64 {
			t.Errorf("fingerprint %q is not a sha256 hex", fp)
		}
	}
	for _, k := range []string{"findings", "by_severity", "suppressed", "unresolved", "not_analysed", "failed"} {
		if _, ok := rep.Summary[k]; !ok {
			t.Errorf("summary lacks %q", k)
		}
	}
	if rep.Summary["failed"] != true || rep.Summary["findings"] != float64(len(rep.Findings)) {
		t.Errorf("summary %v does not match the findings", rep.Summary)
	}
	if len(rep.Unresolved) != 1 || rep.Unresolved[0]["rule"] != "LBG101" {
		t.Errorf("unresolved: %v", rep.Unresolved)
	}
}

// Values the plan marks sensitive never appear in any output.
func TestSensitiveValuesNeverShown(t *testing.T) {
	plan := "../../fixtures/sensitive-values/plan.json"
	for _, format := range []string{"text", "json"} {
		r := lbguard(t, nil, nil, "check", "--verbose", "--format", format, plan)
		if r.code != 1 {
			t.Fatalf("%s: exit %d, want 1 (LBG104 still fires)", format, r.code)
		}
		for _, secret := range []string{"9876", "TLS-1-1-2017-01"} {
			if strings.Contains(r.stdout, secret) || strings.Contains(r.stderr, secret) {
				t.Errorf("%s output shows the sensitive value %q:\n%s", format, secret, r.stdout)
			}
		}
		if !strings.Contains(r.stdout, "(sensitive)") {
			t.Errorf("%s output should say (sensitive):\n%s", format, r.stdout)
		}
	}
}

// withoutInputs drops what names the input from a JSON report (its
// "input" fields and "inputs"), to compare reports of one plan read
// different ways.
func withoutInputs(t *testing.T, report string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(report), &m); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	delete(m, "inputs")
	for _, list := range []string{"findings", "unresolved", "not_analysed"} {
		items, _ := m[list].([]any)
		for _, it := range items {
			delete(it.(map[string]any), "input")
		}
	}
	b, _ := json.Marshal(m)
	return string(b)
}
