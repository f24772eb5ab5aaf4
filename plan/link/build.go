package link

import (
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/lbguard/lbguard/plan"
)

// kind is what lbguard makes of a resource type.
type kind int

const (
	kindNone kind = iota
	kindLB
	kindListener
	kindRule
	kindTargetGroup
	kindAttachment
	kindSG
	kindSGRule
	kindSubnet
	kindVPC
	kindInstance
	kindLaunchTemplate
	kindASG
	kindASGAttachment
	kindTrafficSource
	kindECS
	kindClassicELB
	kindValues // data sources whose values links read (aws_subnets.ids, ...)
)

// managedKinds and dataKinds map resource types (with their aws_alb*
// aliases) to what they become in the graph.
var managedKinds = map[string]kind{
	"aws_lb":                                    kindLB,
	"aws_alb":                                   kindLB,
	"aws_lb_listener":                           kindListener,
	"aws_alb_listener":                          kindListener,
	"aws_lb_listener_rule":                      kindRule,
	"aws_alb_listener_rule":                     kindRule,
	"aws_lb_target_group":                       kindTargetGroup,
	"aws_alb_target_group":                      kindTargetGroup,
	"aws_lb_target_group_attachment":            kindAttachment,
	"aws_alb_target_group_attachment":           kindAttachment,
	"aws_security_group":                        kindSG,
	"aws_default_security_group":                kindSG,
	"aws_security_group_rule":                   kindSGRule,
	"aws_vpc_security_group_ingress_rule":       kindSGRule,
	"aws_vpc_security_group_egress_rule":        kindSGRule,
	"aws_subnet":                                kindSubnet,
	"aws_default_subnet":                        kindSubnet,
	"aws_vpc":                                   kindVPC,
	"aws_default_vpc":                           kindVPC,
	"aws_instance":                              kindInstance,
	"aws_launch_template":                       kindLaunchTemplate,
	"aws_launch_configuration":                  kindLaunchTemplate,
	"aws_autoscaling_group":                     kindASG,
	"aws_autoscaling_attachment":                kindASGAttachment,
	"aws_autoscaling_traffic_source_attachment": kindTrafficSource,
	"aws_ecs_service":                           kindECS,
	"aws_elb":                                   kindClassicELB,
}

var dataKinds = map[string]kind{
	"aws_lb":                 kindLB,
	"aws_alb":                kindLB,
	"aws_lb_listener":        kindListener,
	"aws_alb_listener":       kindListener,
	"aws_lb_target_group":    kindTargetGroup,
	"aws_alb_target_group":   kindTargetGroup,
	"aws_security_group":     kindSG,
	"aws_subnet":             kindSubnet,
	"aws_vpc":                kindVPC,
	"aws_instance":           kindInstance,
	"aws_launch_template":    kindLaunchTemplate,
	"aws_security_groups":    kindValues,
	"aws_subnets":            kindValues,
	"aws_subnet_ids":         kindValues,
	"aws_instances":          kindValues,
	"aws_vpcs":               kindValues,
	"aws_autoscaling_group":  kindValues,
	"aws_autoscaling_groups": kindValues,
}

// modelled reports whether the values of a resource type are decoded.
func modelled(typ string) bool {
	return managedKinds[typ] != kindNone || dataKinds[typ] != kindNone
}

func kindOf(in *inst) kind {
	if in.mode == tfjson.DataResourceMode {
		return dataKinds[in.typ]
	}
	return managedKinds[in.typ]
}

// build runs the passes: nodes with their own values, then links, then
// the relations derived from links.
func (b *builder) build() {
	b.listenerProtocolUnset = map[*plan.Listener]bool{}
	var linkers []func()
	for _, in := range b.live {
		if !in.decoded {
			continue
		}
		c := b.ctx(in)
		var link func()
		switch kindOf(in) {
		case kindLB:
			link = b.buildLB(c)
		case kindListener:
			link = b.buildListener(c)
		case kindRule:
			link = b.buildRule(c)
		case kindTargetGroup:
			link = b.buildTargetGroup(c)
		case kindAttachment:
			link = b.buildAttachment(c)
		case kindSG:
			link = b.buildSG(c)
		case kindSGRule:
			link = b.buildRuleResource(c, false)
		case kindSubnet:
			link = b.buildSubnet(c)
		case kindVPC:
			b.buildVPC(c)
		case kindInstance:
			link = b.buildInstance(c)
		case kindLaunchTemplate:
			link = b.buildLaunchTemplate(c)
		case kindASG:
			link = b.buildASG(c)
		case kindTrafficSource:
			link = b.buildTrafficSource(c)
		case kindASGAttachment:
			link = b.buildASGAttachment(c)
		case kindECS:
			link = b.buildECS(c)
		case kindClassicELB:
			b.g.NotAnalysed = append(b.g.NotAnalysed, plan.Skipped{
				Address: in.addr,
				Reason:  "classic load balancer (aws_elb): lbguard analyses application, network and gateway load balancers",
			})
		}
		if in.node != nil {
			b.nodeMod[in.node] = in.mod
		}
		if link != nil {
			linkers = append(linkers, link)
		}
	}
	// Rule resources the plan deletes or replaces still tell which inline
	// entries of their group go away.
	for _, in := range b.deleted {
		if kindOf(in) == kindSGRule {
			if link := b.buildRuleResource(b.ctx(in), true); link != nil {
				linkers = append(linkers, link)
			}
		}
	}
	b.modsKnown = true // nodeMod is complete: nodesNear may group by it
	for _, link := range linkers {
		link()
	}
	b.deriveListeners()
	b.deriveTargets()
	b.mergeSecurityGroupRules()
	b.sortGraph()
}

func (b *builder) sortGraph() {
	g := b.g
	plan.SortNodes(g.LoadBalancers)
	plan.SortNodes(g.Listeners)
	plan.SortNodes(g.ListenerRules)
	plan.SortNodes(g.TargetGroups)
	plan.SortNodes(g.SecurityGroups)
	plan.SortNodes(g.Subnets)
	plan.SortNodes(g.VPCs)
	plan.SortNodes(g.Instances)
	plan.SortNodes(g.LaunchTemplates)
	plan.SortNodes(g.AutoScaling)
	plan.SortNodes(g.ECSServices)
}
