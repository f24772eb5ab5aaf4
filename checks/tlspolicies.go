package checks

import (
	"strings"

	"github.com/lbguard/lbguard/plan"
)

// tlsPolicy is what lbguard knows of an ELB security policy: the TLS
// versions it lets clients negotiate.
type tlsPolicy struct {
	tls10, tls11, tls12, tls13 bool
}

// weak reports whether the policy allows TLS 1.0 or 1.1.
func (p tlsPolicy) weak() bool { return p.tls10 || p.tls11 }

// versions renders the weak versions a policy allows.
func (p tlsPolicy) weakVersions() string {
	switch {
	case p.tls10 && p.tls11:
		return "TLS 1.0 and TLS 1.1"
	case p.tls10:
		return "TLS 1.0"
	}
	return "TLS 1.1"
}

var (
	tls10to12 = tlsPolicy{tls10: true, tls11: true, tls12: true}
	tls11to12 = tlsPolicy{tls11: true, tls12: true}
	tls12only = tlsPolicy{tls12: true}
	tls10to13 = tlsPolicy{tls10: true, tls11: true, tls12: true, tls13: true}
	tls11to13 = tlsPolicy{tls11: true, tls12: true, tls13: true}
	tls12to13 = tlsPolicy{tls12: true, tls13: true}
	tls13only = tlsPolicy{tls13: true}
)

// tlsPolicies are the predefined policies of Application and Network Load
// Balancers, from the ELB guides' "Security policies" pages (protocols by
// policy). A policy not listed here is unknown to lbguard: LBG104/LBG107
// say so (LBG000) rather than guess. See docs/LBG104.md.
var tlsPolicies = map[string]tlsPolicy{
	// TLS 1.3 policies.
	"ELBSecurityPolicy-TLS13-1-3-2021-06":           tls13only,
	"ELBSecurityPolicy-TLS13-1-2-2021-06":           tls12to13,
	"ELBSecurityPolicy-TLS13-1-2-Res-2021-06":       tls12to13,
	"ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06":      tls12to13,
	"ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06":      tls12to13,
	"ELBSecurityPolicy-TLS13-1-1-2021-06":           tls11to13,
	"ELBSecurityPolicy-TLS13-1-0-2021-06":           tls10to13,
	"ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04":      tls13only,
	"ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04":  tls12to13,
	"ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04":      tls12to13,
	"ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04": tls12to13,
	"ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-2023-04": tls12to13,
	"ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-2023-04": tls12to13,
	"ELBSecurityPolicy-TLS13-1-1-FIPS-2023-04":      tls11to13,
	"ELBSecurityPolicy-TLS13-1-0-FIPS-2023-04":      tls10to13,
	// Post-quantum (2025-09): the ELB guides name this one the console's
	// default and say it supports TLS 1.3 and 1.2 only.
	"ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09": tls12to13,

	// TLS 1.2 without TLS 1.3.
	"ELBSecurityPolicy-TLS-1-2-2017-01":     tls12only,
	"ELBSecurityPolicy-TLS-1-2-Ext-2018-06": tls12only,
	"ELBSecurityPolicy-FS-1-2-2019-08":      tls12only,
	"ELBSecurityPolicy-FS-1-2-Res-2019-08":  tls12only,
	"ELBSecurityPolicy-FS-1-2-Res-2020-10":  tls12only,

	// Policies that still allow TLS 1.0 or 1.1.
	"ELBSecurityPolicy-2016-08":         tls10to12,
	"ELBSecurityPolicy-2015-05":         tls10to12,
	"ELBSecurityPolicy-TLS-1-0-2015-04": tls10to12,
	"ELBSecurityPolicy-FS-2018-06":      tls10to12,
	"ELBSecurityPolicy-TLS-1-1-2017-01": tls11to12,
	"ELBSecurityPolicy-FS-1-1-2019-08":  tls11to12,
}

// listenerPolicy returns the TLS policy of a managed HTTPS or TLS listener.
// applies is false when the listener is not one or its policy cannot be
// told; reason then says why, for the unresolved note.
func listenerPolicy(l *plan.Listener) (pol tlsPolicy, applies bool, reason string) {
	if !managed(&l.Resource) {
		return tlsPolicy{}, false, ""
	}
	if !l.Protocol.Known {
		if lb := l.LoadBalancer.Node; lb != nil && lb.Type.Is(plan.Gateway) {
			return tlsPolicy{}, false, ""
		}
		return tlsPolicy{}, false, "the listener's protocol is known only after apply: if it is HTTPS or TLS, its ssl_policy matters"
	}
	if !l.ProtocolIs("HTTPS", "TLS") {
		return tlsPolicy{}, false, ""
	}
	if !l.SSLPolicy.Known {
		return tlsPolicy{}, false, "ssl_policy is known only after apply"
	}
	pol, known := tlsPolicies[l.SSLPolicy.V]
	if !known && !strings.HasPrefix(l.SSLPolicy.V, "ELBSecurityPolicy-") {
		// ALBs and NLBs take only the predefined policies, all named so.
		return tlsPolicy{}, false, "ssl_policy " + l.SSLPolicy.String() + " is not an ELB security policy at all (every policy an ALB or NLB takes is named ELBSecurityPolicy-…): apply will fail"
	}
	if !known {
		return tlsPolicy{}, false, "ssl_policy " + l.SSLPolicy.String() + " is not a policy lbguard knows: check the TLS versions it allows in the ELB guide"
	}
	return pol, true, ""
}
