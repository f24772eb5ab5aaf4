package tfsrc

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// jsonBlocks lists, per resource type and block path, the nested block
// types of the resources lbguard models: a .tf.json body does not say
// which of its objects are blocks, so the schema must. Other types are
// read as attributes only.
var jsonBlocks = map[string][]string{
	"aws_lb":                                                       {"subnet_mapping", "access_logs", "connection_logs", "health_check_logs", "timeouts", "ipam_pools", "minimum_load_balancer_capacity"},
	"aws_lb_listener":                                              {"default_action", "mutual_authentication", "timeouts"},
	"aws_lb_listener.default_action":                               {"redirect", "forward", "fixed_response", "authenticate_cognito", "authenticate_oidc", "jwt_validation"},
	"aws_lb_listener.default_action.forward":                       {"target_group", "stickiness"},
	"aws_lb_listener_rule":                                         {"action", "condition", "transform"},
	"aws_lb_listener_rule.action":                                  {"redirect", "forward", "fixed_response", "authenticate_cognito", "authenticate_oidc", "jwt_validation"},
	"aws_lb_listener_rule.action.forward":                          {"target_group", "stickiness"},
	"aws_lb_listener_rule.condition":                               {"host_header", "http_header", "http_request_method", "path_pattern", "query_string", "source_ip"},
	"aws_lb_target_group":                                          {"health_check", "stickiness", "target_failover", "target_group_health", "target_health_state"},
	"aws_security_group":                                           {"ingress", "egress", "timeouts"},
	"aws_default_security_group":                                   {"ingress", "egress"},
	"aws_launch_template":                                          {"network_interfaces", "block_device_mappings", "iam_instance_profile", "metadata_options", "monitoring", "placement", "tag_specifications"},
	"aws_autoscaling_group":                                        {"launch_template", "mixed_instances_policy", "tag", "instance_refresh", "warm_pool", "initial_lifecycle_hook", "timeouts"},
	"aws_autoscaling_group.mixed_instances_policy":                 {"launch_template", "instances_distribution"},
	"aws_autoscaling_group.mixed_instances_policy.launch_template": {"launch_template_specification", "override"},
	"aws_ecs_service": {"load_balancer", "network_configuration", "capacity_provider_strategy", "deployment_circuit_breaker",
		"deployment_controller", "ordered_placement_strategy", "placement_constraints", "service_registries", "service_connect_configuration", "timeouts"},
	"aws_instance": {"ebs_block_device", "root_block_device", "network_interface", "metadata_options", "credit_specification", "timeouts"},
}

// jsonContent splits a .tf.json body into arguments and nested blocks.
func jsonContent(body hcl.Body, resType string, path []string) (hcl.Attributes, hcl.Blocks) {
	typ := strings.TrimPrefix(resType, "aws_alb")
	if typ != resType {
		resType = "aws_lb" + typ
	}
	schema := &hcl.BodySchema{}
	for _, b := range jsonBlocks[strings.Join(append([]string{resType}, path...), ".")] {
		schema.Blocks = append(schema.Blocks, hcl.BlockHeaderSchema{Type: b})
	}
	content, remain, _ := body.PartialContent(schema)
	attrs, _ := remain.JustAttributes()
	return attrs, content.Blocks
}
