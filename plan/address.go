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
