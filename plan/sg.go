package plan

// SecurityGroup is an aws_security_group (or data source) with its rules
// after apply: its inline ingress/egress entries merged with the separate
// rule resources (aws_security_group_rule, aws_vpc_security_group_*_rule).
type SecurityGroup struct {
	Resource
	ID    Value[string]
	Name  Value[string]
	VPCID Value[string]
	Rules []*SGRule
	// RulesReason is set when the group's rules after apply are not known
	// (a data source, inline rules known only after apply, ...). Rules then
	// holds what is known, which may not be all.
	RulesReason string
}

// RulesKnown reports whether Rules is the group's whole rule set.
func (g *SecurityGroup) RulesKnown() bool { return g.RulesReason == "" }

// Direction is ingress or egress.
type Direction string

// The directions of a security-group rule.
const (
	Ingress Direction = "ingress"
	Egress  Direction = "egress"
)

// The normalised protocols of a security-group rule. Other protocols keep
// their number ("47").
const (
	ProtoAll    = "all"
	ProtoTCP    = "tcp"
	ProtoUDP    = "udp"
	ProtoICMP   = "icmp"
	ProtoICMPv6 = "icmpv6"
)

// SGRule is one security-group rule: an inline entry of a group or a
// separate rule resource. One rule may name several peers (cidr_blocks is a
// list); a rule covers a peer when any of them matches.
type SGRule struct {
	// Address is the rule resource, or the group's address for inline
	// entries (Inline is then true).
	Address   string
	Inline    bool
	Group     *SecurityGroup
	Direction Direction
	// Protocol is normalised: all, tcp, udp, icmp, icmpv6 or a number.
	Protocol Value[string]
	// FromPort and ToPort are the port range; for ICMP they are type and code.
	FromPort Value[int]
	ToPort   Value[int]
	// CIDRs holds IPv4 and IPv6 blocks.
	CIDRs       []Value[string]
	PrefixLists []Value[string]
	Groups      []Link[SecurityGroup]
	Self        bool
	// CIDRsReason is set when the rule's CIDRs are not all known;
	// PeersReason when its other peers (groups, prefix lists) are not.
	CIDRsReason string
	PeersReason string
}

// Subnet is an aws_subnet or data source.
type Subnet struct {
	Resource
	ID       Value[string]
	CIDR     Value[string]
	IPv6CIDR Value[string]
	VPC      Link[VPC]
}

// VPC is an aws_vpc or data source.
type VPC struct {
	Resource
	ID   Value[string]
	CIDR Value[string]
}

// Instance is an aws_instance (or data source).
type Instance struct {
	Resource
	ID             Value[string]
	SecurityGroups LinkSet[SecurityGroup]
	Subnet         Link[Subnet]
	PrivateIP      Value[string]
}

// LaunchTemplate is an aws_launch_template or aws_launch_configuration: what
// matters here is the groups its instances get.
type LaunchTemplate struct {
	Resource
	ID             Value[string]
	Name           Value[string]
	SecurityGroups LinkSet[SecurityGroup]
}

// AutoScalingGroup is an aws_autoscaling_group.
type AutoScalingGroup struct {
	Resource
	Name           Value[string]
	LaunchTemplate Link[LaunchTemplate]
	TargetGroups   LinkSet[TargetGroup]
	Subnets        LinkSet[Subnet]
}

// ECSService is an aws_ecs_service.
type ECSService struct {
	Resource
	LoadBalancers []ECSLoadBalancer
	// AWSVPC is true when the service has a network_configuration (its
	// tasks get their own interfaces and SecurityGroups).
	AWSVPC         bool
	SecurityGroups LinkSet[SecurityGroup]
	Subnets        LinkSet[Subnet]
}

// ECSLoadBalancer is one load_balancer block of an ECS service.
type ECSLoadBalancer struct {
	TargetGroup   Link[TargetGroup]
	ContainerPort Value[int]
}
