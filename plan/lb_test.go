package plan

import "testing"

func TestLoadBalancerKind(t *testing.T) {
	for _, c := range []struct {
		lb   LoadBalancer
		want string
	}{
		{LoadBalancer{Type: Known(Application), Internal: Known(false)}, "application, internet-facing"},
		{LoadBalancer{Type: Known(Network), Internal: Unknown[bool]()}, "network, scheme known after apply"},
		{LoadBalancer{Type: Unknown[string](), Internal: Known(true)}, "type known after apply, internal"},
		{LoadBalancer{Resource: Resource{Mode: Data}, Type: Unknown[string](), Internal: Unknown[bool]()}, "type and scheme known after apply, read by a data source"},
	} {
		if got := c.lb.Kind(); got != c.want {
			t.Errorf("Kind() = %q, want %q", got, c.want)
		}
	}
}
