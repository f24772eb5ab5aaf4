package main

import (
	"encoding/json"
	"testing"
)

// The seed scenarios follow AWS's recommended security-group rules exactly:
// no findings at all (so none at medium or above). Each variant removes one
// recommended rule and must give exactly the finding that names it.
func TestSeedScenarios(t *testing.T) {
	tests := []struct {
		fixture string
		want    string // "RULE address", or "" for no finding
	}{
		{"seed-internet-facing", ""},
		{"seed-internet-facing-without-listener-ingress", "LBG201 aws_lb_listener.https"},
		{"seed-internet-facing-without-pmtud-ingress", "LBG211 aws_security_group.lb"},
		{"seed-internet-facing-without-target-egress", "LBG202 aws_lb_target_group.app"},
		{"seed-internet-facing-without-health-egress", "LBG203 aws_lb_target_group.app"},
		{"seed-internet-facing-without-target-ingress", "LBG204 aws_autoscaling_group.app"},
		{"seed-internet-facing-without-health-ingress", "LBG205 aws_autoscaling_group.app"},
		{"seed-internal", ""},
		{"seed-internal-without-listener-ingress", "LBG201 aws_lb_listener.https"},
		{"seed-internal-without-target-egress", "LBG202 aws_lb_target_group.app"},
		{"seed-internal-without-health-egress", "LBG203 aws_lb_target_group.app"},
		{"seed-alb-behind-nlb", ""},
		{"seed-alb-behind-nlb-without-vpc-ingress", "LBG210 aws_lb.alb"},
		{"seed-alb-behind-nlb-without-target-egress", "LBG202 aws_lb_target_group.tasks"},
		{"seed-alb-behind-nlb-without-health-egress", "LBG203 aws_lb_target_group.tasks"},
		// Who the clients are is not in the plan: lbguard cannot see them shut out.
		{"seed-alb-behind-nlb-without-client-ingress", ""},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			r := lbguard(t, nil, nil, "check", "--format", "json", "--fail-on", "info", "../../fixtures/"+tt.fixture+"/plan.json")
			var rep struct {
				Findings   []struct{ Rule, Address string }
				Unresolved []struct{ Rule, Address, Reason string }
			}
			if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
				t.Fatalf("%v (stderr %q)", err, r.stderr)
			}
			var got []string
			for _, f := range rep.Findings {
				got = append(got, f.Rule+" "+f.Address)
			}
			switch {
			case tt.want == "" && (len(got) != 0 || r.code != 0):
				t.Errorf("want no finding, got %v (exit %d)", got, r.code)
			case tt.want != "" && (len(got) != 1 || got[0] != tt.want || r.code != 1):
				t.Errorf("want exactly %q, got %v (exit %d)", tt.want, got, r.code)
			}
			if len(rep.Unresolved) != 0 {
				t.Errorf("the seed scenarios leave nothing undecided, got %+v", rep.Unresolved)
			}
		})
	}
}
