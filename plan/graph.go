package plan

import "sort"

// Graph is the planned world after apply, as far as load balancers are
// concerned. Resources the plan deletes are not in it; resources it replaces
// are, with their new values.
type Graph struct {
	LoadBalancers   []*LoadBalancer
	Listeners       []*Listener
	ListenerRules   []*ListenerRule
	TargetGroups    []*TargetGroup
	SecurityGroups  []*SecurityGroup
	Subnets         []*Subnet
	VPCs            []*VPC
	Instances       []*Instance
	LaunchTemplates []*LaunchTemplate
	AutoScaling     []*AutoScalingGroup
	ECSServices     []*ECSService

	// NotAnalysed lists resources lbguard recognises but does not check
	// (classic load balancers), or could not read, so that silence is not
	// mistaken for a pass.
	NotAnalysed []Skipped
	// Partial marks a partial plan ("complete": false): Terraform deferred
	// some changes, which a later plan will show.
	Partial bool

	// Suppressions are the lbguard:ignore comments of the sources, when
	// they were read.
	Suppressions []Suppression
	// Blocks are where every resource block of the sources is, by
	// configuration address, when they were read.
	Blocks map[string]Location

	// Input describes where the graph came from.
	Input Input

	// Secrets are the values the input marks sensitive: every printed
	// message and fact is redacted with them.
	Secrets *Secrets
}

// Input describes what a graph was built from: a plan, or the .tf sources.
type Input struct {
	Kind             string // "plan", or "source" for .tf sources
	Path             string // the file or directory read
	FormatVersion    string // plan format_version
	TerraformVersion string // terraform_version of the plan
}

// Skipped is a resource that is deliberately not analysed.
type Skipped struct {
	Address string
	Reason  string
	// Fix says how to let lbguard read it, when there is a way.
	Fix string
	// Unread marks what could change a verdict (a deferred change, a
	// module that is not unpacked): each gets an LBG000 note, so that
	// --strict fails. Classic load balancers are out of scope, not unread.
	Unread bool
	// Types are the resource types lbguard models that an unread module
	// may hold, when its sources were read (its instances were not); nil
	// means the address decides (a resource's type, or anything for a
	// module whose sources are not here).
	Types []string
}

// Mode says whether a resource is managed by the configuration or read by a
// data source.
type Mode string

// The resource modes.
const (
	Managed Mode = "managed"
	Data    Mode = "data"
)

// Change is what the plan does to a resource.
type Change string

// The changes that leave a resource in the world after apply.
const (
	Create  Change = "create"
	Update  Change = "update"
	Replace Change = "replace"
	NoOp    Change = "no-op"
	Read    Change = "read"
)

// Location is a place in the sources. Plan JSON has no line numbers, so a
// location is only ever set by a loader that read the .tf files.
type Location struct {
	File   string `json:"file"` // relative to the directory the sources were read from
	Line   int    `json:"line"`
	Column int    `json:"column"`
	// Path is the file relative to the repository root, with forward
	// slashes, as code-scanning tools and merge-request widgets want it;
	// set by the command line, which knows the root.
	Path string `json:"path,omitempty"`
}

// Resource identifies one resource instance of the plan.
type Resource struct {
	Address string // module.web.aws_lb.this[0]
	Type    string // aws_lb
	Mode    Mode
	Change  Change
	// Location is the resource block in the sources, when they were read.
	Location *Location
	// AttrLocations holds the location of individual arguments
	// ("ssl_policy", "default_action.0.redirect.0.protocol"), when known.
	AttrLocations map[string]Location
}

// Addr returns the resource address.
func (r *Resource) Addr() string { return r.Address }

// Res returns the resource itself; it lets generic code reach the embedded
// Resource of any node.
func (r *Resource) Res() *Resource { return r }

// AttrLocation returns the location of an argument, falling back to the
// resource block; nil when the sources were not read.
func (r *Resource) AttrLocation(path string) *Location {
	if l, ok := r.AttrLocations[path]; ok {
		return &l
	}
	return r.Location
}

// Locate returns where a resource (any resource, node or not) is in the
// sources; nil when they were not read or do not declare it.
func (g *Graph) Locate(address string) *Location {
	if l, ok := g.Blocks[ConfigAddress(address)]; ok {
		return &l
	}
	return nil
}

// Nodes returns every resource node of the graph.
func (g *Graph) Nodes() []Node {
	var out []Node
	out = appendNodes(out, g.LoadBalancers)
	out = appendNodes(out, g.Listeners)
	out = appendNodes(out, g.ListenerRules)
	out = appendNodes(out, g.TargetGroups)
	out = appendNodes(out, g.SecurityGroups)
	out = appendNodes(out, g.Subnets)
	out = appendNodes(out, g.VPCs)
	out = appendNodes(out, g.Instances)
	out = appendNodes(out, g.LaunchTemplates)
	out = appendNodes(out, g.AutoScaling)
	return appendNodes(out, g.ECSServices)
}

func appendNodes[T Node](out []Node, list []T) []Node {
	for _, n := range list {
		out = append(out, n)
	}
	return out
}

// Node is any resource node of the graph.
type Node interface {
	Addr() string
	Res() *Resource
}

// Link is one edge of the graph: to a node of this plan, to something that
// exists outside it (known by its ID or ARN), or unresolved with a reason.
type Link[T any] struct {
	Node   *T
	ID     string // the known ID/ARN when Node is nil and the target is outside the plan
	Reason string // why the link could not be resolved, when Node is nil and ID is empty
	// Scope, with Reason, names what the link can only lead to: one
	// resource in one module instance ("module.a[0]|aws_lb_listener.this").
	// "" when the reference could reach nothing known.
	Scope string
}

// Resolved reports whether the link leads to a node of the graph.
func (l Link[T]) Resolved() bool { return l.Node != nil }

// External reports whether the link names something outside the plan.
func (l Link[T]) External() bool { return l.Node == nil && l.ID != "" }

// Unresolved reports whether lbguard could not tell where the link leads.
func (l Link[T]) Unresolved() bool { return l.Node == nil && l.ID == "" }

// LinkSet is a set of links given by one argument (security_groups,
// target_group_arns). Reason is set when the membership itself is unknown.
type LinkSet[T any] struct {
	Links []Link[T]
	// Declared is false when the argument is absent from the
	// configuration (or set to null): the provider's default applies.
	Declared bool
	Reason   string
}

// Known reports whether the members of the set are known, even if some
// of them lie outside the plan or are unresolved.
func (s LinkSet[T]) Known() bool { return s.Reason == "" }

// Nodes returns the members that are nodes of the graph.
func (s LinkSet[T]) Nodes() []*T {
	var out []*T
	for _, l := range s.Links {
		if l.Node != nil {
			out = append(out, l.Node)
		}
	}
	return out
}

// Complete reports whether every member is known and a node of the graph.
func (s LinkSet[T]) Complete() bool {
	if s.Reason != "" {
		return false
	}
	for _, l := range s.Links {
		if l.Node == nil {
			return false
		}
	}
	return true
}

// Unknown returns why lbguard cannot tell what the set holds: the set's
// own reason, else the first member it could not resolve; "" when every
// member is known (a node of the graph, or an ID outside the plan).
func (s LinkSet[T]) Unknown() string {
	if s.Reason != "" {
		return s.Reason
	}
	for _, l := range s.Links {
		if l.Unresolved() {
			return l.Reason
		}
	}
	return ""
}

// SortNodes orders nodes by address, for deterministic output.
func SortNodes[T Node](nodes []T) {
	sort.SliceStable(nodes, func(i, j int) bool { return nodes[i].Addr() < nodes[j].Addr() })
}
