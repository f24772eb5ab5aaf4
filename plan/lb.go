package plan

import "strings"

// The load balancer types (aws_lb.load_balancer_type).
const (
	Application = "application"
	Network     = "network"
	Gateway     = "gateway"
)

// LoadBalancer is an aws_lb / aws_alb, or a data source naming an existing one.
type LoadBalancer struct {
	Resource
	ARN  Value[string]
	Name Value[string]
	// Type is application, network or gateway; an unset type is application.
	Type Value[string]
	// Internal is the scheme; an unset internal is false (internet-facing).
	Internal       Value[bool]
	SecurityGroups LinkSet[SecurityGroup]
	Subnets        LinkSet[Subnet]

	// Filled in by the loader once everything is linked.
	Listeners []*Listener
	// UnlinkedListeners counts listeners of the plan whose load balancer
	// could not be resolved: any of them may belong to this one.
	UnlinkedListeners []*Listener
}

// IsALB reports whether the load balancer is known to be an application one.
func (lb *LoadBalancer) IsALB() bool { return lb.Type.Is(Application) }

// Kind describes the load balancer for a heading: "application,
// internet-facing", "network, scheme known after apply", "type and scheme
// known after apply", with ", read by a data source" for a data source.
func (lb *LoadBalancer) Kind() string {
	var desc string
	switch {
	case lb.Type.Known:
		desc = lb.Type.V + ", " + lb.Scheme()
	case !lb.Internal.Known:
		desc = "type and scheme known after apply"
	default:
		desc = "type known after apply, " + lb.Scheme()
	}
	if lb.Mode == Data {
		desc += ", read by a data source"
	}
	return desc
}

// Scheme is "internal", "internet-facing" or "scheme known after apply".
func (lb *LoadBalancer) Scheme() string {
	switch {
	case !lb.Internal.Known:
		return "scheme known after apply"
	case lb.Internal.V:
		return "internal"
	}
	return "internet-facing"
}

// Listener is an aws_lb_listener / aws_alb_listener (or a data source).
type Listener struct {
	Resource
	ARN          Value[string]
	LoadBalancer Link[LoadBalancer]
	Port         Value[int]
	// Protocol is upper-case: HTTP, HTTPS, TCP, TLS, UDP, TCP_UDP, GENEVE.
	// A gateway load balancer's listener has none (known "").
	Protocol Value[string]
	// SSLPolicy is the policy after defaults: an HTTPS/TLS listener without
	// one gets the API default; SSLPolicyDefaulted says so.
	SSLPolicy          Value[string]
	SSLPolicyDefaulted bool
	// CertificateARN is known "" when the listener has none.
	CertificateARN Value[string]
	DefaultActions Actions
	Rules          []*ListenerRule // rules that link to this listener
	// UnlinkedRules are rules of the plan whose listener could not be
	// resolved: any of them may belong to this one.
	UnlinkedRules []*ListenerRule
}

// Describe renders "port 80, HTTP" for messages.
func (l *Listener) Describe() string {
	return "port " + l.Port.String() + ", " + l.Protocol.String()
}

// ProtocolIs reports whether the protocol is known and one of ps.
func (l *Listener) ProtocolIs(ps ...string) bool {
	if !l.Protocol.Known {
		return false
	}
	for _, p := range ps {
		if l.Protocol.V == p {
			return true
		}
	}
	return false
}

// ListenerRule is an aws_lb_listener_rule / aws_alb_listener_rule.
type ListenerRule struct {
	Resource
	Listener Link[Listener]
	// Candidates are, when Listener could not be told, the listeners it
	// may belong to (each lists the rule in UnlinkedRules).
	Candidates []*Listener
	Priority   Value[int]
	Actions    Actions
}

// Actions is an ordered list of actions; Reason is set when the list itself
// is not known (for example built by a dynamic block over unknown values).
type Actions struct {
	List   []Action
	Reason string
}

// The action types.
const (
	ActionForward       = "forward"
	ActionRedirect      = "redirect"
	ActionFixedResponse = "fixed-response"
	ActionAuthCognito   = "authenticate-cognito"
	ActionAuthOIDC      = "authenticate-oidc"
	ActionJWTValidation = "jwt-validation"
)

// Action is one default_action / action block.
type Action struct {
	Type Value[string]
	// Redirect is set for redirect actions; defaults applied.
	Redirect *Redirect
	// TargetGroups are the groups a forward action sends to: its
	// target_group_arn and every target_group of a forward block.
	TargetGroups LinkSet[TargetGroup]
}

// IsAuthenticate reports whether the action authenticates users.
func (a Action) IsAuthenticate() bool {
	return a.Type.Is(ActionAuthCognito) || a.Type.Is(ActionAuthOIDC) || a.Type.Is(ActionJWTValidation)
}

// Redirect is a redirect action's target. Unset parts keep the request's own
// value: "#{protocol}", "#{port}", "#{host}".
type Redirect struct {
	Protocol Value[string]
	Port     Value[string]
	Host     Value[string]
}

// The redirect placeholders that keep the request's value.
const (
	KeepProtocol = "#{protocol}"
	KeepPort     = "#{port}"
	KeepHost     = "#{host}"
)

// TargetProtocol returns the protocol the redirect sends clients to, given
// the protocol of the listener it runs on. ok is false when unknown.
func (r *Redirect) TargetProtocol(listener Value[string]) (string, bool) {
	if !r.Protocol.Known {
		return "", false
	}
	p := strings.ToUpper(r.Protocol.V)
	if r.Protocol.V == KeepProtocol {
		if !listener.Known {
			return "", false
		}
		p = listener.V
	}
	return p, true
}

// TargetGroup is an aws_lb_target_group / aws_alb_target_group (or data source).
type TargetGroup struct {
	Resource
	ARN      Value[string]
	Port     Value[int]
	Protocol Value[string] // upper-case
	// TargetType is instance (the default), ip, lambda or alb.
	TargetType Value[string]
	// HealthCheckPort is "traffic-port" (the default) or a number.
	HealthCheckPort     Value[string]
	HealthCheckProtocol Value[string]
	// PreserveClientIP is the preserve_client_ip attribute as planned ("" when
	// unset: the AWS default depends on target type and protocol).
	PreserveClientIP Value[string]
	// VPC is the group's VPC. Instance and IP targets, and the load
	// balancers that use the group, are in it.
	VPC Link[VPC]

	// Filled in by the loader.
	Targets []*Target
	// TargetsReason is set when targets may be registered that the plan does
	// not show (an attachment whose group could not be resolved).
	TargetsReason string
}

// HealthCheckIsTrafficPort reports whether health checks use the traffic
// port: "traffic-port", or the same number as the group's port.
func (tg *TargetGroup) HealthCheckIsTrafficPort() (same, known bool) {
	if !tg.HealthCheckPort.Known {
		return false, false
	}
	if tg.HealthCheckPort.V == "traffic-port" {
		return true, true
	}
	if !tg.Port.Known {
		return false, false
	}
	return tg.HealthCheckPort.V == Known(tg.Port.V).String(), true
}

// The kinds of target.
const (
	TargetInstance    = "instance"
	TargetIP          = "ip"
	TargetLambda      = "lambda"
	TargetALB         = "alb"
	TargetAutoScaling = "autoscaling"
	TargetECS         = "ecs"
)

// Target is something registered with a target group: an instance, an IP,
// a lambda or an ALB (aws_lb_target_group_attachment), the instances of an
// autoscaling group, or the tasks of an ECS service.
type Target struct {
	// Address is the resource that registers the target: the attachment,
	// the autoscaling group (or aws_autoscaling_attachment), the ECS service.
	Address string
	// Subject is the resource whose security groups guard the target (the
	// instance, the autoscaling group, the ECS service); "" when none is in
	// the plan (an IP or an instance ID from elsewhere).
	Subject     string
	Kind        string
	TargetGroup *TargetGroup
	// Port is the target's own port (the attachment's port, the container
	// port); HasPort is false when it has none and the group's port applies.
	Port    Value[int]
	HasPort bool
	// SecurityGroups are the groups that guard the target.
	SecurityGroups LinkSet[SecurityGroup]
	// Subnets and IP place the target, for CIDR reasoning.
	Subnets LinkSet[Subnet]
	IP      Value[string]
	// LoadBalancer is the ALB registered as target (Kind alb).
	LoadBalancer Link[LoadBalancer]
	// Reason is set when something about the target cannot be modelled
	// (an ECS service in bridge mode).
	Reason string
}

// TrafficPort returns the port the target receives traffic on.
func (t *Target) TrafficPort() Value[int] {
	if t.HasPort || t.TargetGroup == nil {
		return t.Port
	}
	return t.TargetGroup.Port
}
