package plan

import "strings"

// ConfigAddress drops the instance keys of an address:
// module.a["x"].aws_lb.web[0] -> module.a.aws_lb.web. Quoted keys may hold
// any character.
func ConfigAddress(addr string) string {
	var b strings.Builder
	depth, quoted, escaped := 0, false, false
	for _, r := range addr {
		switch {
		case depth > 0 && quoted:
			switch {
			case escaped:
				escaped = false
			case r == '\\':
				escaped = true
			case r == '"':
				quoted = false
			}
		case depth > 0 && r == '"':
			quoted = true
		case r == '[':
			depth++
		case r == ']' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Suppression is a "# lbguard:ignore ID[,ID] reason" comment in the
// sources, attached to the resource or module block it is above or in.
type Suppression struct {
	// Rules are the rule IDs as written.
	Rules  []string
	Reason string
	// Target is the configuration address of the block
	// (module.a.aws_lb.web), or of a module call (module.a), "" when the
	// comment is attached to no block.
	Target string
	// Module is true for a module call: the comment covers everything
	// the module creates.
	Module   bool
	Location Location
}

// Covers reports whether the suppression applies to a resource address.
func (s Suppression) Covers(address string) bool {
	if s.Target == "" {
		return false
	}
	cfg := ConfigAddress(address)
	if s.Module {
		return strings.HasPrefix(cfg, s.Target+".")
	}
	return cfg == s.Target
}
