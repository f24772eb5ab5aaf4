package link

import (
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/lbguard/lbguard/plan"
)

// Input is what the linker builds a graph from: a plan JSON as plan/tfplan
// decodes it, or the plan-like form of the .tf sources that plan/tfsrc
// makes, so that both give the same graph. Only resources of modelled types
// (see Modelled) carry their values; a loader never needs to decode the
// values of anything else.
type Input struct {
	FormatVersion    string
	TerraformVersion string
	Variables        map[string]*tfjson.PlanVariable
	// Changes are the resources of modelled types, with their values.
	Changes []*tfjson.ResourceChange
	// Others are resources of other types: what they are and what the
	// plan does with them, without their values.
	Others []Other
	// Prior are prior_state resources of modelled types.
	Prior  []*PriorResource
	Config *tfjson.Config
	// OldConfig marks a configuration written by Terraform older than 1.1,
	// which leaves block-syntax arguments such as ingress {} out.
	OldConfig bool
	// Incomplete marks a partial plan ("complete": false): Terraform
	// deferred some changes to a later plan.
	Incomplete bool
	// Deferred are the resources of modelled types whose changes Terraform
	// deferred: not analysed.
	Deferred []Deferred
	// Unexpanded are resources ("module.a[0].aws_lb.x") whose instances
	// could not be told (an unknown count in source mode): a reference that
	// finds none of their instances is unknown, not empty.
	Unexpanded []string
}

// Other is a resource change of a type lbguard does not model. A plan may
// hold tens of thousands: it is kept small.
type Other struct {
	Address, ModuleAddress, Type, Name string
	Mode                               tfjson.ResourceMode
	Index                              any // as in tfjson.ResourceChange
	Deposed                            string
	Actions                            tfjson.Actions
}

// TypeOfAddress returns the resource type an instance address names
// (module.a["k"].data.aws_x.name[0] names aws_x), "" when it cannot tell.
func TypeOfAddress(addr string) string {
	parts := strings.Split(plan.ConfigAddress(addr), ".")
	for len(parts) >= 2 && parts[0] == "module" {
		parts = parts[2:]
	}
	if len(parts) == 3 && parts[0] == "data" {
		parts = parts[1:]
	}
	if len(parts) != 2 || parts[0] == "" || parts[1] == "" {
		return ""
	}
	return parts[0]
}

// OtherOf is what a resource change is without its values.
func OtherOf(rc *tfjson.ResourceChange) Other {
	o := Other{Address: rc.Address, ModuleAddress: rc.ModuleAddress, Type: rc.Type, Name: rc.Name, Mode: rc.Mode, Index: rc.Index, Deposed: rc.DeposedKey}
	if rc.Change != nil {
		o.Actions = rc.Change.Actions
	}
	return o
}

// Deferred is a resource change a partial plan defers.
type Deferred struct {
	Address string
	Reason  string // Terraform's reason, e.g. "resource_config_unknown"
}

// PriorResource is a prior_state resource with the module it lives in.
type PriorResource struct {
	*tfjson.StateResource
	Module string
}

// LocalSource is what the sources tell that plan JSON does not. Local gives
// the expression of a local value, which plan JSON does not record: its
// references (rendered as Terraform renders them) and its constant value.
// modulePath is the configuration path ("" for the root,
// "module.a.module.b").
type LocalSource interface {
	Local(modulePath, name string) (*tfjson.Expression, bool)
	// HasDynamic reports whether the resource at a configuration address
	// writes a block type as a dynamic block, which plan JSON leaves out
	// of its configuration.
	HasDynamic(configAddress, block string) bool
}

// Evaluated is what sources evaluated for each instance, more precise
// than the configuration, which is one for all instances of a resource or
// module: an index computed from count.index or each.key
// (aws_lb_target_group.main[lookup(var.l, "tg", count.index)] is
// aws_lb_target_group.main[1] for instance [1]), the branch a conditional
// takes, the blocks a dynamic block writes. Only for an Input evaluated from
// the sources themselves: a plan's instances may have been planned with
// other inputs. Each method reports false where it has nothing to add.
type Evaluated interface {
	// Config is a resource instance's own configuration.
	Config(addr string) (map[string]*tfjson.Expression, bool)
	// Local, Arg and Output are a local value, the argument its module
	// call passed for a variable, and an output, in one module instance
	// ("" for the root, "module.svc[\"a\"]").
	Local(moduleInstance, name string) (*tfjson.Expression, bool)
	Arg(moduleInstance, name string) (*tfjson.Expression, bool)
	Output(moduleInstance, name string) (*tfjson.Expression, bool)
}

// Options tune how a graph is built.
type Options struct {
	// Locals, when set, lets references through local.* be followed.
	Locals LocalSource
	// Evaluated, when set, gives what the sources evaluated per instance.
	Evaluated Evaluated
	// Kind and Path describe the input for Graph.Input.
	Kind, Path string
}

// UnreadAttributes are the top-level attributes lbguard never reads of any
// resource, so that a loader may leave them out of the values it keeps:
// the large ones that every resource carries and no rule looks at.
// TestUnreadIsNeverRead holds the linker to it.
func UnreadAttributes() [7]string {
	return [...]string{"tags", "tags_all", "user_data", "user_data_base64", "description", "policy", "timeouts"}
}

// Modelled reports whether lbguard reads the values of a resource type:
// loaders decode the values of these types and may skip the others'.
func Modelled(typ string) bool { return modelled(typ) }
