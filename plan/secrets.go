package plan

import (
	"sort"
	"strings"
)

// Secrets are the values a plan or the sources mark sensitive, as they
// would be printed. Rules decide with sensitive values (a Value carries its
// Sensitive flag); Redact is the safety net that keeps every message, note
// and fact from ever showing one, whichever way it was rendered (a port
// turned into a map key, an ID kept in a Link, a CIDR in a rule).
type Secrets struct {
	tokens map[string]bool
	// odd are secrets holding characters that never appear in a token:
	// searched as substrings.
	odd []string
}

// Redacted replaces a secret in printed text.
const Redacted = "(sensitive)"

// tokenChar reports the characters of the tokens secrets are matched as:
// IDs, ARNs, CIDRs, ports, names, policies.
func tokenChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(":/._-", c) >= 0
}

// Add records a secret value. Empty values and booleans, which would
// redact every "true" of every message, are not recorded.
func (s *Secrets) Add(v string) {
	if v == "" || v == "true" || v == "false" {
		return
	}
	if s.tokens == nil {
		s.tokens = map[string]bool{}
	}
	for i := 0; i < len(v); i++ {
		if !tokenChar(v[i]) {
			if !s.tokens[v] {
				s.tokens[v] = true
				s.odd = append(s.odd, v)
				sort.Slice(s.odd, func(i, j int) bool { return len(s.odd[i]) > len(s.odd[j]) })
			}
			return
		}
	}
	s.tokens[v] = true
}

// Empty reports whether there is no secret.
func (s *Secrets) Empty() bool { return s == nil || len(s.tokens) == 0 }

// Redact replaces every secret in text with (sensitive): a secret matches
// a whole run of token characters, or a part of one between ':' and '/'
// ("host:8443" hides 8443, "8080" does not hide "80").
func (s *Secrets) Redact(text string) string {
	if s.Empty() {
		return text
	}
	for _, o := range s.odd {
		text = strings.ReplaceAll(text, o, Redacted)
	}
	var b strings.Builder
	changed := false
	for i := 0; i < len(text); {
		if !tokenChar(text[i]) {
			b.WriteByte(text[i])
			i++
			continue
		}
		j := i
		for j < len(text) && tokenChar(text[j]) {
			j++
		}
		run := text[i:j]
		red := s.redactRun(run)
		if red != run {
			changed = true
		}
		b.WriteString(red)
		i = j
	}
	if !changed {
		return text
	}
	return b.String()
}

// redactRun redacts one run of token characters: whole, or its parts
// between ':' and '/' (and a trailing '.', the end of a sentence).
func (s *Secrets) redactRun(run string) string {
	if s.tokens[run] || s.tokens[strings.TrimSuffix(run, ".")] {
		return Redacted
	}
	if !strings.ContainsAny(run, ":/") {
		return run
	}
	parts := strings.FieldsFunc(run, func(r rune) bool { return r == ':' || r == '/' })
	out := run
	for _, p := range parts {
		if s.tokens[p] || s.tokens[strings.TrimSuffix(p, ".")] {
			out = replaceToken(out, strings.TrimSuffix(p, "."))
		}
	}
	return out
}

// replaceToken replaces the occurrences of tok in run that lie between
// ':' or '/' (or the ends).
func replaceToken(run, tok string) string {
	var b strings.Builder
	for i := 0; i < len(run); {
		if strings.HasPrefix(run[i:], tok) && (i == 0 || run[i-1] == ':' || run[i-1] == '/') {
			end := i + len(tok)
			if end == len(run) || run[end] == ':' || run[end] == '/' || run[end] == '.' {
				b.WriteString(Redacted)
				i = end
				continue
			}
		}
		b.WriteByte(run[i])
		i++
	}
	return b.String()
}
