package plan

import "strings"

// Suppression is a "# lbguard:ignore ID[,ID] reason" comment in the
// sources, attached to the resource or module block it is above or in.
type Suppression struct {
	// Rules are the rule IDs as written.
	Rules  []string
	Reason string
	// Block is the configuration address of the block
	// (module.a.aws_lb.web), or of a module call (module.a), "" when the
	// comment is attached to no block.
	Block string
	// Module is true for a module call: the comment covers everything
	// the module creates.
	Module   bool
	Location Location
}

// Covers reports whether the suppression applies to a resource address.
func (s Suppression) Covers(address string) bool {
	if s.Block == "" {
		return false
	}
	cfg := ConfigAddress(address)
	if s.Module {
		return strings.HasPrefix(cfg, s.Block+".")
	}
	return cfg == s.Block
}
