package plan

import "testing"

func TestSecretsRedact(t *testing.T) {
	var s Secrets
	for _, v := range []string{"8443", "sg-0abc", "10.1.2.0/24", "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/app/9f", "two words", "true", ""} {
		s.Add(v)
	}
	tests := map[string]string{
		"allows tcp 8443 to any destination":                                      "allows tcp (sensitive) to any destination",
		"redirects to https://#{host}:8443 in":                                    "redirects to https://#{host}:(sensitive) in",
		"port 18443 and 84430 stay":                                               "port 18443 and 84430 stay",
		"security group sg-0abc is not managed.":                                  "security group (sensitive) is not managed.",
		"sg-0abcd is another group":                                               "sg-0abcd is another group",
		"from 10.1.2.0/24, not 10.1.2.0/25":                                       "from (sensitive), not 10.1.2.0/25",
		"forwards to arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/app/9f": "forwards to (sensitive)",
		"named two words here":                                                    "named (sensitive) here",
		"internal is true":                                                        "internal is true",
	}
	for in, want := range tests {
		if got := s.Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
	var none *Secrets
	if none.Redact("x 8443") != "x 8443" {
		t.Error("no secrets, no change")
	}
}
