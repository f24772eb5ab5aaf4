// Package checks holds lbguard's rules: pure functions from a plan.Graph to
// findings. A check never reads files, never prints and never looks at the
// command line; it reports through its Pass.
//
// # Writing a rule
//
// A rule is one file, its test, its doc and two fixture cases; nothing else
// is edited by hand. From the repository root:
//
//	go run ./internal/newrule -severity medium -summary "One sentence: when it fires." LBG212 rule-name
//
// writes checks/lbg212_rule_name.go (the Check and its Run function),
// checks/lbg212_rule_name_test.go (graph-level cases), checks/docs/LBG212.md,
// fixtures/lbg212-rule-name/ (a configuration where the rule fires) and
// fixtures/lbg212-rule-name-near-miss/ (one where it must not), and
// regenerates all.go. Then:
//
//  1. Write Run. Read only the graph (p.Graph); report with p.Report and
//     record what you cannot decide with p.Unresolved. The helpers in
//     coverage.go, endpoints.go, forwarding.go, listeners.go, targetpath.go
//     and describe.go answer most questions (is this port open, does this
//     CIDR cover the load balancer, where does this listener forward).
//  2. Write the test cases with the builders of helpers_test.go: at least
//     one that fires, one near miss and one note.
//  3. Write the doc: "# ID name", then "## Example" (an HCL block where the
//     rule fires), "## Why" (the AWS guidance), "## How to fix" (an HCL
//     block), "## References". `lbguard explain ID` prints it.
//  4. Write both fixtures' main.tf and make their plans with the team's
//     make-plan tool (fixtures/README.md says how, with OpenTofu or
//     Terraform): make-plan fixtures/lbg212-rule-name.
//  5. go test ./cmd/lbguard -run 'TestFixtures|TestSourceModeMatchesPlanMode' -update
//     writes each case's want.json, and go test ./checks -update the
//     README's rule table; review every line of git diff.
//  6. go test ./... must pass. If you renamed or removed a rule file, run
//     go generate ./checks to rewrite all.go (a test says when it is stale).
//
// A rule file is named lbgNNN_rule_name.go after its ID and name, and
// declares exactly one `var x = Check{...}`; internal/rulegen's tests fail on
// a mismatch, a rule file with no doc, and a doc with no rule.
//
// # IDs
//
// LBG0nn are not rules of their own: LBG000 is the unresolved note, LBG001
// and LBG002 are about suppressions (suppress.go). LBG1nn are about
// listeners and TLS, LBG2nn about security groups. IDs never change once
// released: baselines, suppressions and other tools key on them.
//
// # When to record a note
//
// A finding is raised only when the plan proves it. Where a decision needs
// a value that is known only after apply, a link that could not be resolved
// (plan.Link.Unresolved, plan.LinkSet.Reason), a resource that was not
// analysed, or security-group rules that are not all known (groupSet.problem),
// record p.Unresolved with the resource and the missing fact, so that
// --strict fails. A rule that must prove an absence ("no listener on this
// port") cannot while anything that could supply it is unknown. Where every
// possible value leads to the same verdict, decide. Each rule records its
// own notes, even when a sibling rule reads the same fact: disabling one rule
// must not hide another's uncertainty (the runner removes identical notes).
//
// # Facts and LoadBalancers
//
// Finding.Address is fixed per rule (CHECKS.md, "Which resource a finding is
// about"); everything else involved goes in Related. Facts are the values
// at fault ("port=80", "ssl_policy=..."): with the rule and the address they
// make the fingerprint, so a finding keeps its identity when code moves but
// not when the problem changes. Never put a value the plan marks sensitive
// in Facts unrendered: use plan.Value's String, which hides it.
// LoadBalancers are the load balancers the finding concerns: the text report
// groups findings under them.
package checks
